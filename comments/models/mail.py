"""Who hears of what: reply subscribers and the moderators' mail throttle."""

from datetime import timedelta
from typing import NamedTuple

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..identity import normalize_email
from .comment import Comment

# One confirmation mail per address per day, so the comment form cannot mail-bomb anyone.
CONFIRMATION_INTERVAL = timedelta(hours=24)


class MailTopics(NamedTuple):
    """What mail about comments an address asked for: reply notifications (``replies``) and
    a digest of new comments on the articles titled ``titles`` (oldest follow first)."""

    replies: bool
    titles: list[str]

    def __bool__(self) -> bool:
        return self.replies or bool(self.titles)


class Subscriber(models.Model):
    """An email that asked to hear of replies. Nothing is sent to it until it confirms.

    Double opt-in: the first request sends one confirmation mail; only a confirmed, not
    unsubscribed address gets reply notifications, so the form cannot mail strangers.
    """

    email = models.EmailField(
        _("email"), unique=True, help_text=_("Stored normalised (lower case, ASCII domain).")
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # When the last digest of followed articles went out (``follow_mail``): one a day at most.
    digest_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("reply subscriber")
        verbose_name_plural = _("reply subscribers")

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None

    def asks_for_replies(self) -> bool:
        """True if a comment stored under the address asked "Notify me of replies" (one query)."""
        return Comment.objects.by_author(self.email).filter(notify_replies=True).exists()

    def _follow_titles(self, follows) -> list[str]:
        return list(follows.order_by("created_at", "pk").values_list("article__title", flat=True))

    def confirmation_topics(self) -> MailTopics:
        """What pressing "Confirm" would start (empty when nothing waits): for an address not
        active, reply notifications if it asked for them (or asked for nothing else: the row
        then came from a reply request) and every follow (confirming resumes those of an
        address that unsubscribed); for an active one, the follows not confirmed yet.
        Two queries at most."""
        if self.is_active:
            return MailTopics(False, self._follow_titles(self.follows.pending()))
        titles = self._follow_titles(self.follows.all())
        return MailTopics(not titles or self.asks_for_replies(), titles)

    def mail_topics(self) -> MailTopics:
        """What the address gets while it is active: replies if it asked for them, and the
        digest of its confirmed follows. Two queries."""
        return MailTopics(self.asks_for_replies(), self._follow_titles(self.follows.confirmed()))

    def confirmation_recently_sent(self, *, now=None) -> bool:
        """True while a new confirmation mail would break the one-a-day limit."""
        sent = self.confirmation_sent_at
        return sent is not None and (now or timezone.now()) - sent < CONFIRMATION_INTERVAL


class ModeratorMail(models.Model):
    """When a moderator address last heard of held comments (at most one mail a minute)."""

    email = models.EmailField(unique=True)
    last_sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("moderator mail")
        verbose_name_plural = _("moderator mails")

    def __str__(self):
        return f"{self.email} at {self.last_sent_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)
