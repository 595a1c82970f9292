"""Who is reading: the comments this browser posted (its session) and whether it moderates.

The read rules (``CommentQuerySet.visible_q``) ask these; nothing else decides them.
"""

from django.conf import settings

OWN_COMMENTS_SESSION_KEY = "own_comment_ids"


def own_comment_ids(request) -> list[int]:
    """IDs of the comments this browser session posted (only read if a session exists)."""
    session = getattr(request, "session", None)
    if session is None:
        return []
    # No session cookie and nothing stored yet in this request: don't touch the session store.
    if not request.COOKIES.get(settings.SESSION_COOKIE_NAME) and not session.modified:
        return []
    return [int(pk) for pk in session.get(OWN_COMMENTS_SESSION_KEY, [])]


def is_moderator(request) -> bool:
    """Whether ``request`` comes from a signed-in user with ``comments.can_moderate``.

    Such a user has a session, so their article page is never the shared, cached one
    (``articles.page_cache.is_personal``). False for None or a request without a user.
    """
    user = getattr(request, "user", None)
    return bool(
        user is not None and user.is_authenticated and user.has_perm("comments.can_moderate")
    )


def remember_own_comment(request, pk: int, *, kept: int = 50) -> None:
    """Let this browser see its own held comment, marked as awaiting moderation."""
    ids = [*request.session.get(OWN_COMMENTS_SESSION_KEY, []), pk]
    request.session[OWN_COMMENTS_SESSION_KEY] = ids[-kept:]
