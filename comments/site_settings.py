"""The moderation and thread settings a site owner may change while the site runs.

Every read of these settings goes through the functions here. A value changed on the admin's
settings page (django-constance, database backend: ``CONSTANCE_CONFIG`` in
``config/settings.py``, named as the settings are) wins; a value never changed there is the
setting of the same name, which the environment gives. Each function returns a plain, valid
value and never raises.

The stored values are read from the database once and kept in the shared cache as one entry
(``CACHE_KEY``; an empty dict when nothing was changed), and for ``MEMO_SECONDS`` in the
process: a page that reads every setting makes no query once the cache is warm, and at most
one cache read a second (a database cache is a query too). A change clears both (``forget``,
called by ``comments.moderation.site_settings_log`` on constance's ``config_updated``); other
processes see it within ``MEMO_SECONDS``.
"""

import contextlib
import time

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _

CACHE_KEY = "site-settings:1"
CACHE_TIMEOUT = 60 * 60
MEMO_SECONDS = 1.0
_memo: tuple[float, dict] | None = None  # (when, values) this process read last

MODERATION_MODES = ("auto", "pre", "post")
SORT_ORDERS = ("oldest", "newest", "helpful")
# The names of the settings the admin may change (each also a setting of the same name).
NAMES = (
    "COMMENTS_MODERATION",
    "COMMENTS_HOLD_LINKS",
    "COMMENTS_REPORT_THRESHOLD",
    "COMMENTS_CLOSE_AFTER_DAYS",
    "COMMENTS_EDIT_MINUTES",
    "COMMENTS_SORT_DEFAULT",
    "COMMENTS_MODERATOR_EMAILS",
)
# What readers of the shared article page see: a change must give that page a new identity.
SEEN_BY_READERS = ("COMMENTS_SORT_DEFAULT", "COMMENTS_CLOSE_AFTER_DAYS")


def _stored() -> dict:
    """The values changed in the admin, by name (one cache read; one query when cold)."""
    global _memo
    now = time.monotonic()
    if _memo is not None and now - _memo[0] < MEMO_SECONDS:
        return _memo[1]
    values = cache.get(CACHE_KEY)
    if values is None:
        values = _read_database()
        cache.set(CACHE_KEY, values, CACHE_TIMEOUT)
    _memo = (now, values)
    return values


def _read_database() -> dict:
    from constance import settings as constance_settings
    from constance.codecs import loads
    from constance.models import Constance

    prefix = constance_settings.DATABASE_PREFIX
    keys = {f"{prefix}{name}": name for name in NAMES}
    values = {}
    # Before `migrate` has made constance's table, every setting is the environment's.
    with contextlib.suppress(DatabaseError):
        for key, value in Constance.objects.filter(key__in=keys).values_list("key", "value"):
            with contextlib.suppress(ValueError, TypeError):
                values[keys[key]] = loads(value)
    return values


def forget() -> None:
    """Drop the kept values (shared and this process's): the next read asks the database."""
    global _memo
    _memo = None
    cache.delete(CACHE_KEY)


def environment_default(name: str):
    """The setting ``name`` as the environment gives it (what the admin page starts from)."""
    value = getattr(settings, name)
    return ", ".join(value) if name == "COMMENTS_MODERATOR_EMAILS" else value


def _value(name: str):
    return _stored().get(name, environment_default(name))


def _count(name: str) -> int:
    """A whole number ≥ 0 (a stored value that is not one counts as the environment's)."""
    value = _value(name)
    if isinstance(value, int) and value >= 0:
        return value
    return max(int(getattr(settings, name)), 0)


def _choice(name: str, choices: tuple[str, ...]) -> str:
    value = _value(name)
    return value if value in choices else getattr(settings, name)


def moderation_mode() -> str:
    """The site's moderation mode: "auto", "pre" (hold every comment) or "post"."""
    return _choice("COMMENTS_MODERATION", MODERATION_MODES)


def hold_links() -> int:
    """Hold a comment with this many links or more (0: never)."""
    return _count("COMMENTS_HOLD_LINKS")


def report_threshold() -> int:
    """Reports from this many networks hide an approved comment until a decision (0: never)."""
    return _count("COMMENTS_REPORT_THRESHOLD")


def close_after_days() -> int:
    """Close an article's comments this many days after publication (0: never)."""
    return _count("COMMENTS_CLOSE_AFTER_DAYS")


def edit_minutes() -> int:
    """How many minutes after posting a commenter may edit or delete their comment (0: never)."""
    return _count("COMMENTS_EDIT_MINUTES")


def sort_default() -> str:
    """The thread's order when the reader picks none: "oldest", "newest" or "helpful"."""
    return _choice("COMMENTS_SORT_DEFAULT", SORT_ORDERS)


def moderator_emails() -> list[str]:
    """Who hears of held comments besides the Moderators group, as typed (``mail`` compares
    them in their normalised form)."""
    value = _value("COMMENTS_MODERATOR_EMAILS")
    if isinstance(value, str):
        value = split_emails(value)
    return [email.strip() for email in value if email.strip()]


def split_emails(text: str) -> list[str]:
    """The addresses in ``text``, separated by commas, semicolons, spaces or new lines."""
    return [part for part in text.replace(";", ",").replace("\n", ",").split(",") if part.strip()]


class EmailListField(forms.CharField):
    """The admin's field for notification recipients: a list of addresses, each checked.

    Cleans to the addresses joined by ", " (the stored form), each once; a bad address is
    refused by name.
    """

    widget = forms.Textarea(attrs={"rows": 2})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value) or ""
        emails = [part.strip() for part in split_emails(text) for part in part.split()]
        bad = []
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                bad.append(email)
        if bad:
            raise ValidationError(
                _("Not an email address: %(emails)s. Separate addresses with commas."),
                code="invalid",
                params={"emails": ", ".join(bad)},
            )
        return ", ".join(dict.fromkeys(emails))
