"""Who is reading: the comments this browser posted (its own-comments cookie) and whether it
moderates.

The read rules (``CommentQuerySet.visible_q``) ask these; nothing else decides them.

The own-comments cookie (``settings.COMMENTS_OWN_COOKIE``) is this browser's proof of what it
posted: for each comment its id and until when the proof holds (Unix seconds), signed with the
site's key (``django.core.signing``, salt ``OWN_COOKIE_SALT``), HttpOnly, SameSite=Lax, Secure
when the session cookie is. It holds ids and times only, never a name or an address. Reading
it costs no query and no session: posting a comment touches no session at all.
"""

import math
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.utils import timezone

OWN_COOKIE_SALT = "comments.own"
# The most comments one browser's cookie names (the latest ones).
OWN_COMMENTS_KEPT = 50
# Where this request's entries are kept once read or changed, so later code in the same
# request (the redirect after posting) sees what the view has just remembered.
_ON_REQUEST = "_own_comments"


def _entries(request) -> dict[int, int]:
    """{comment id: expiry in Unix seconds} as the cookie (or this request) holds them, oldest
    first, expired ones included. {} for a missing, tampered or malformed cookie."""
    kept = getattr(request, _ON_REQUEST, None)
    if kept is not None:
        return kept
    entries: dict[int, int] = {}
    saved = getattr(request, "COOKIES", {}).get(settings.COMMENTS_OWN_COOKIE)
    if saved:
        try:
            data = signing.loads(saved, salt=OWN_COOKIE_SALT)
        except (signing.BadSignature, ValueError):
            data = None
        if isinstance(data, list):
            for entry in data[-OWN_COMMENTS_KEPT:]:
                if (
                    isinstance(entry, list)
                    and len(entry) == 2
                    and all(type(value) is int for value in entry)
                ):
                    entries[entry[0]] = entry[1]
    setattr(request, _ON_REQUEST, entries)
    return entries


def own_comment_ids(request) -> list[int]:
    """IDs of the comments this browser posted whose proof has not expired, oldest first.

    Read from the own-comments cookie, or what ``remember_own_comment`` put on this request;
    [] for None, no cookie, or one that is tampered with or malformed. No query.
    """
    if request is None:
        return []
    now = timezone.now().timestamp()
    return [pk for pk, until in _entries(request).items() if until > now]


def is_moderator(request) -> bool:
    """Whether ``request`` comes from a signed-in user with ``comments.can_moderate``.

    Such a user has a session, so their article page is never the shared, cached one
    (``articles.page_cache.is_personal``). False for None or a request without a user.
    """
    user = getattr(request, "user", None)
    return bool(
        user is not None and user.is_authenticated and user.has_perm("comments.can_moderate")
    )


def remember_own_comment(request, response, pk: int, *, until: datetime) -> None:
    """Prove to later requests that this browser posted comment ``pk``, until ``until``.

    Adds (or renews) the entry on ``request``, so the rest of this request sees it, and sets
    the own-comments cookie on ``response`` with every unexpired entry, the latest
    ``OWN_COMMENTS_KEPT`` at most. The cookie's max-age is the latest expiry among them, so the
    browser drops it when nothing is left to prove (a browser-session cookie instead when
    ``SESSION_EXPIRE_AT_BROWSER_CLOSE`` is on). ``until`` is an aware datetime.
    """
    now = timezone.now().timestamp()
    entries = {
        kept: expiry for kept, expiry in _entries(request).items() if expiry > now and kept != pk
    }
    entries[pk] = math.ceil(until.timestamp())
    entries = dict(list(entries.items())[-OWN_COMMENTS_KEPT:])
    setattr(request, _ON_REQUEST, entries)
    # The browser keeps the cookie as long as its latest entry proves anything (an entry's
    # time is rounded up to the second, so rounding down here stays within it).
    max_age = max(0, int(max(entries.values()) - now))
    response.set_cookie(
        settings.COMMENTS_OWN_COOKIE,
        signing.dumps([[kept, expiry] for kept, expiry in entries.items()], salt=OWN_COOKIE_SALT),
        max_age=None if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE else max_age,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def forget_own_comments(response) -> None:
    """Delete the own-comments cookie: this browser proves no comment of its own any more
    (logging out forgets who used the browser, as it ends the session)."""
    response.delete_cookie(settings.COMMENTS_OWN_COOKIE, samesite="Lax")
