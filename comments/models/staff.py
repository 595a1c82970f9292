"""The public side of the site's staff: the name a moderator's replies are shown under."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..identity import clean_display_name

# Comment.author_name holds this many characters.
DISPLAY_NAME_MAX_LENGTH = 100


class StaffProfile(models.Model):
    """One staff member's public name ("Dr. Ana Ruiz, Moderator team").

    Replies a moderator writes carry ``staff_public_name(user)``, never their username: a
    username is half of what logging in takes, and a thread, a feed and a mail subject are
    public.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    display_name = models.CharField(
        _("public name"),
        max_length=DISPLAY_NAME_MAX_LENGTH,
        blank=True,
        help_text=_(
            'Shown with your replies to readers, e.g. "Dr. Ana Ruiz, Moderator team". '
            "Empty: your full name, else “Moderator”. Never your username."
        ),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return self.display_name or str(self.user)

    def clean(self):
        self.display_name = clean_display_name(self.display_name)
        if self.user_id and _is_username(self.display_name, self.user):
            raise ValidationError(
                {"display_name": _("Choose a name other than the username: it is public.")}
            )


def _is_username(name: str, user) -> bool:
    return bool(name) and name.casefold() == user.get_username().casefold()


def staff_public_name(user) -> str:
    """The name a staff member's replies are shown under, never empty, never the username.

    Their profile's ``display_name``, else their full name, else "Moderator" (translated).
    A full name or display name that is the username itself counts as none.
    """
    profile = StaffProfile.objects.filter(user=user).only("display_name").first()
    for name in (profile.display_name if profile else "", user.get_full_name()):
        name = " ".join((name or "").split())
        if name and not _is_username(name, user):
            return name[:DISPLAY_NAME_MAX_LENGTH]
    return gettext("Moderator")
