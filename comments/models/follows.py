"""Readers who follow an article: a daily digest of its new comments (double opt-in)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .mail import Subscriber


class ArticleFollowQuerySet(models.QuerySet):
    def confirmed(self):
        """Follows whose address confirmed them (by the link mailed after the request)."""
        return self.filter(confirmed_at__isnull=False)

    def pending(self):
        """Follows asked for but not yet confirmed: nothing is sent for them."""
        return self.filter(confirmed_at__isnull=True)


class ArticleFollow(models.Model):
    """An address that asked for a digest of new comments on one article.

    Nothing is sent for it until the address confirms it (``confirmed_at``) through the
    link mailed to it, and while the address (``Subscriber``) is unsubscribed. Deleting the
    subscriber (an erasure) deletes its follows.
    """

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="follows", verbose_name=_("address")
    )
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="+", verbose_name=_("article")
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = ArticleFollowQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "article"], name="follow_once")
        ]
        verbose_name = _("article follow")
        verbose_name_plural = _("article follows")

    def __str__(self):
        return f"{self.subscriber} follows #{self.article_id}"
