"""Why a comment was removed, and its author's appeal (EU Digital Services Act, Art. 17 and 20).

A ``RemovalReason`` is one entry in the list moderators pick from when they remove a comment;
its explanation and the rule it cites go, word for word, into the statement of reasons mailed
to the commenter. An ``Appeal`` is the commenter's complaint about a removal, decided by a
moderator other than the one who removed the comment.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .comment import Comment


class RemovalReasonQuerySet(models.QuerySet):
    def active(self):
        """The reasons moderators are offered, in their order."""
        return self.filter(active=True).order_by("order", "title")


class RemovalReason(models.Model):
    """A ground for removing a comment, as the commenter reads it in the statement of reasons.

    Reasons are switched off (``active``), not deleted, once used: the moderation log and
    the transparency numbers keep pointing at them (``ModerationLog.reason`` protects them).
    """

    title = models.CharField(_("title"), max_length=120, unique=True)
    explanation = models.TextField(
        _("explanation"),
        help_text=_("Shown to the commenter in the statement of reasons: plain words, why."),
    )
    rule = models.CharField(
        _("rule it cites"),
        max_length=200,
        help_text=_("The rule of the comment policy it applies, e.g. “Comment policy, rule 2”."),
    )
    active = models.BooleanField(_("offered to moderators"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RemovalReasonQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("removal reason")
        verbose_name_plural = _("removal reasons")

    def __str__(self):
        return self.title


class AppealQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Appeal.Status.OPEN)

    def decided(self):
        return self.exclude(status=Appeal.Status.OPEN)


class Appeal(models.Model):
    """A commenter's complaint about the removal of their comment; at most one open per comment.

    Filed through the signed link in the statement of reasons (no account). ``decided_by`` is
    the moderator who upheld or rejected it, never the one who removed the comment.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for a decision")
        UPHELD = "upheld", _("upheld: the comment was restored")
        REJECTED = "rejected", _("rejected: the removal stands")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="appeals")
    text = models.TextField(_("why the decision is wrong"))
    created_at = models.DateTimeField(_("filed at"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(
        _("decision note"), blank=True, help_text=_("Mailed to the commenter with the outcome.")
    )

    objects = AppealQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment"], condition=Q(status="open"), name="one_open_appeal_per_comment"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "upheld", "rejected"]), name="appeal_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="appeal_status_when")]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self):
        return f"Appeal on #{self.comment_id} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN
