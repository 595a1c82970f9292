"""Mailed links that work once: which of them were used, kept where no cache can evict it."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UsedLinkQuerySet(models.QuerySet):
    def expired(self, *, now=None):
        """Rows whose link no longer verifies anyway: nothing is lost by deleting them."""
        return self.filter(expires_at__lte=now or timezone.now())


class UsedLink(models.Model):
    """A single-use link (``signed_links.Kind.single_use``) that has been opened.

    ``digest`` is the hex SHA-256 of the token (64 characters), never the token: the token is
    signed and carries a random nonce, so its hash names it without letting anyone rebuild it.
    The unique constraint is what makes a link work once: of two opens at the same moment, in
    any process, only one insert succeeds. A row is kept until ``expires_at``, past the time
    the token stops verifying, and then purged (``manage.py purge_used_links``, daily).
    """

    digest = models.CharField(_("token digest"), max_length=64, unique=True)
    used_at = models.DateTimeField(_("used at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    objects = UsedLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("used link")
        verbose_name_plural = _("used links")

    def __str__(self):
        return f"{self.digest[:12]}… used {self.used_at:%Y-%m-%d %H:%M}"
