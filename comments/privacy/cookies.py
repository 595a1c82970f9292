"""Every cookie the site can set, as the privacy page lists them (``site_cookies``)."""

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils.translation import gettext_lazy as _

from .. import mail, site_settings


def site_cookies() -> list[dict]:
    """Every cookie the site can set: name, purpose, lifetime and when, from the settings."""
    session_age = None if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE else settings.SESSION_COOKIE_AGE
    return [
        {
            "name": settings.CSRF_COOKIE_NAME,
            "purpose": _(
                "Protects forms against cross-site request forgery: it proves that a form was "
                "sent from this site and not from another site in your browser."
            ),
            "lifetime": mail.duration_text(settings.CSRF_COOKIE_AGE),
            "when": _(
                "When you open the report form, the data-request form, a page from a link we "
                "mailed you, or the login page. Reading articles and posting a comment do "
                "not set it: a comment is checked by where your browser says it came from."
            ),
        },
        {
            "name": settings.SESSION_COOKIE_NAME,
            "purpose": _(
                "Remembers this browser: so that you report a comment only once, to keep a "
                "moderator logged in, and to give you access to your data after you open a "
                "link we mailed you."
            ),
            "lifetime": mail.duration_text(session_age),
            "when": _("Only after you report a comment, log in, or open a data-access link."),
        },
        {
            "name": settings.COMMENTS_OWN_COOKIE,
            "purpose": _(
                "Shows that this browser posted your comments: so that you see your own "
                "comment while it awaits moderation, and can edit or delete it for a while "
                "after posting. It holds only the comments' numbers and until when each counts, "
                "never your name or address; it is signed (it cannot be altered) and HttpOnly."
            ),
            "lifetime": _own_comments_lifetime(session_age),
            "when": _(
                "When you post a comment that awaits moderation or that you may still edit. "
                "Your browser removes it when the last of those times has passed."
            ),
        },
        {
            "name": settings.COMMENTS_AUTHOR_COOKIE,
            "purpose": _(
                "Fills in your name, email and website the next time you comment. It is signed "
                "(it cannot be altered) and HttpOnly (scripts cannot read it)."
            ),
            "lifetime": mail.duration_text(settings.COMMENTS_AUTHOR_COOKIE_MAX_AGE),
            "when": _(
                "Only if you tick “Save my name, email, and website in this browser for the "
                "next time I comment.” Posting without the tick removes it."
            ),
        },
        {
            "name": settings.COMMENTS_COMMENTER_COOKIE,
            "purpose": _(
                "Shows that this browser posted as your email address before, so your next "
                "comments from it are published at once; from any other browser a comment "
                "under your address waits for you to confirm it by email, or for a moderator. "
                "It holds keyed hashes, not your address; it is signed and HttpOnly."
            ),
            "lifetime": mail.duration_text(settings.COMMENTS_AUTHOR_COOKIE_MAX_AGE),
            "when": _(
                "When you post a comment, and when you press “Yes, it was me” on the page of "
                "a confirmation link we mailed you. Each post starts its lifetime again."
            ),
        },
        {
            "name": settings.COMMENTS_VOTER_COOKIE,
            "purpose": _(
                "Lets this browser mark a comment “Helpful” once: a random number, nothing "
                "about you; only a keyed hash of it is stored with the vote. HttpOnly."
            ),
            "lifetime": mail.duration_text(365 * 24 * 60 * 60),
            "when": _("When you first mark a comment “Helpful”."),
        },
        {
            "name": CookieStorage.cookie_name,
            "purpose": _("Carries a one-time notice (such as “Thank you for your report”)."),
            "lifetime": _("until the notice is shown (at most until you close your browser)"),
            "when": _("After an action that shows a notice on the next page."),
        },
    ]


def _own_comments_lifetime(session_age: int | None) -> str:
    """How long the own-comments cookie lasts: a held comment's time, then the edit window."""
    held = mail.duration_text(session_age)
    minutes = site_settings.edit_minutes()
    if minutes <= 0:
        return _("%(held)s after a comment that awaits moderation") % {"held": held}
    return _(
        "%(held)s after a comment that awaits moderation; %(edit)s after a published one "
        "(the time to edit it)"
    ) % {"held": held, "edit": mail.duration_text(minutes * 60)}
