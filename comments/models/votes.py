"""Readers' "Helpful" votes: one per comment per browser and per network, no account."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .comment import Comment


class HelpfulVote(models.Model):
    """A reader found ``comment`` helpful. Never undone, never a down-vote.

    ``voter_key`` tells browsers apart and ``network_key`` the networks they vote from
    (``identity.report_network``: IPv4 /24, IPv6 /48); both are keyed hashes
    (``identity.keyed_digest``), so no address or cookie value is stored. The database
    refuses a second vote on a comment from either the same browser or the same network;
    ``Comment.helpful_count`` is the number of these rows, kept by the service that adds them.
    """

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="helpful_votes")
    voter_key = models.CharField(
        max_length=64, help_text=_("A keyed hash that tells browsers apart; not reversible.")
    )
    network_key = models.CharField(
        max_length=64,
        blank=True,
        default="",
        help_text=_("A keyed hash of the voter's network; empty when it had no address."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "voter_key"], name="one_helpful_vote_per_browser"
            ),
            models.UniqueConstraint(
                fields=["comment", "network_key"],
                condition=~Q(network_key=""),
                name="one_helpful_vote_per_network",
            ),
        ]
        verbose_name = _("helpful vote")
        verbose_name_plural = _("helpful votes")

    def __str__(self):
        return f"Helpful vote on #{self.comment_id}"
