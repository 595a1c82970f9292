"""Sending the comment section's mail: one plain-text message to one address, and who gets it.

The tasks in ``tasks.py`` decide what to send; this module knows how: the subject prefix, the
headers every mail carries, absolute links, and the moderators' addresses.
"""

from email import policy as email_policy

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import site_settings
from .identity import normalize_email

MODERATORS_GROUP = "Moderators"


def one_line(text: str) -> str:
    """``text`` with every run of white space (line breaks included) made one space."""
    return " ".join(str(text).split())


def isolated(name: str) -> str:
    """``name`` between FIRST STRONG ISOLATE (U+2068) and POP DIRECTIONAL ISOLATE (U+2069).

    Plain text has no ``<bdi>``: these two invisible characters keep a right-to-left name
    (Hebrew, Arabic) from reordering the words around it in a subject or a sentence, and
    the sentence's own direction from reordering the name.
    """
    return f"\u2068{name}\u2069"


def duration_text(seconds) -> str:
    """A duration in words ("14 days", "1 hour"); None is a browser-session cookie's."""
    if seconds is None:
        return str(_("until you close your browser"))
    seconds = int(seconds)
    days, rest = divmod(seconds, 24 * 60 * 60)
    if days and not rest:
        if days % 7 == 0 and days <= 10 * 7:
            weeks = days // 7
            return ngettext("%(n)d week", "%(n)d weeks", weeks) % {"n": weeks}
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    hours = round(seconds / 3600)
    if hours >= 1:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    minutes = max(1, round(seconds / 60))
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def confirmation_subject(topics) -> str:
    """The subject of a double opt-in mail, naming what it confirms: reply notifications, new
    comments on the followed articles, or both (``topics``, a ``models.MailTopics``)."""
    if len(topics.titles) == 1:
        articles = _("new comments on “%(title)s”") % {"title": topics.titles[0]}
    else:
        articles = _("new comments on articles you follow")
    if topics.replies and topics.titles:
        return _("Please confirm: reply notifications and %(articles)s") % {"articles": articles}
    if topics.titles:
        return _("Please confirm: %(articles)s") % {"articles": articles}
    return _("Please confirm: reply notifications")


def site_url(path: str = "") -> str:
    """An absolute URL on the public site, for links in mail (no request to build it from)."""
    base = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}{path}"


class _Message(EmailMessage):
    def message(self, *, policy=email_policy.default):
        # List-Unsubscribe holds one long URL with no spaces. Folded to the usual 78 columns,
        # Python's email package rewrites it as RFC 2047 encoded words, which mail clients do
        # not read as a URL; lines may be up to 998 characters long (RFC 5322), so none folds.
        return super().message(policy=policy.clone(max_line_length=998))


def send(*, to: str, subject: str, template: str, context: dict, headers=None) -> None:
    """Send one plain-text mail to one address, from ``DEFAULT_FROM_EMAIL``.

    The subject is one line, prefixed with the site's name; ``template`` is rendered with
    ``site_name`` and ``site_url`` added to ``context``. Raises what the mail backend raises.
    """
    context = {"site_name": settings.SITE_NAME, "site_url": site_url(), **context}
    _Message(
        subject=one_line(f"[{settings.SITE_NAME}] {subject}"),
        body=render_to_string(template, context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        # RFC 3834: auto-responders must not answer this mail.
        headers={"Auto-Submitted": "auto-generated", **(headers or {})},
    ).send()


def unsubscribe_headers(unsubscribe_url: str) -> dict:
    """RFC 2369 and RFC 8058: mail clients show an unsubscribe button that works in one click."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def moderator_emails() -> list[str]:
    """Who hears of held comments: normalised addresses, each once, in a stable order.

    ``site_settings.moderator_emails()`` first, then the active members of the Moderators group.
    While that names nobody (a new site: the admin ``make superuser`` made, no moderators
    yet), the active superusers hear instead, as WordPress mails the site's admin, so a held
    comment never waits unheard. Once the site has a moderator, superusers outside the group
    are not included: being an admin is not volunteering to moderate.
    """
    user_model = get_user_model()
    email_field = user_model.get_email_field_name()
    users = user_model._default_manager.filter(is_active=True).exclude(**{email_field: ""})

    def addresses(emails) -> list[str]:
        seen: dict[str, None] = {}
        for email in emails:
            address = normalize_email(email or "")
            if address:
                seen.setdefault(address, None)
        return list(seen)

    members = users.filter(groups__name=MODERATORS_GROUP).order_by("pk")
    moderators = addresses(
        [*site_settings.moderator_emails(), *members.values_list(email_field, flat=True)]
    )
    if moderators:
        return moderators
    admins = users.filter(is_superuser=True).order_by("pk")
    return addresses(admins.values_list(email_field, flat=True))
