"""Who hears of what: reply subscribers and the moderators' mail throttle."""

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..identity import normalize_email

# One confirmation mail per address per day, so the comment form cannot mail-bomb anyone.
CONFIRMATION_INTERVAL = timedelta(hours=24)


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
