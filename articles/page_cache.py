"""The one identity of a shared article page: its cache key and its ETag come from one place.

A plain reader's page is rendered once and kept in the shared cache under a key that names
everything it shows: the article and its ``thread_version`` (which every change a reader would
see raises, in the same transaction), the article's own last change, the thread's shape
settings, the page of the thread, and the minute (so relative dates such as "5 minutes ago"
stay right). The ETag is that key plus what the reader's own cookies put in the page (their
CSRF token, their saved details) and the reply target, so a 304 is never stale either.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache

from comments.identity import keyed_digest
from comments.posting.section import page_number

from .models import Article

TIMEOUT = 120


def is_personal(request) -> bool:
    """A session (a held comment, a login, data access) or a one-time notice: this reader's
    page is rendered for them alone, and never answered with a 304."""
    return any(
        name in request.COOKIES
        for name in (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)
    )


def is_shared(request) -> bool:
    """Whether this request gets the shared rendering: a plain reading, nothing of its own.

    Saved details (the author cookie) and a reply target fill the form for one reader, so
    those pages are rendered for them, though still validated by their ETag.
    """
    return (
        request.method in ("GET", "HEAD")
        and not is_personal(request)
        and settings.COMMENTS_AUTHOR_COOKIE not in request.COOKIES
        and "replytocom" not in request.GET
    )


@dataclass(frozen=True, slots=True)
class PageIdentity:
    key: str  # the shared rendering's cache key
    etag: str  # this reader's validator


def identity(request, article: Article) -> PageIdentity:
    """Name the article page ``request`` asks for, as the cache and as an ETag."""
    minute = int(time.time() // 60)
    shape = (
        f"{settings.COMMENTS_PER_PAGE}.{int(settings.COMMENTS_NEWEST_FIRST)}."
        f"{settings.COMMENTS_MAX_DEPTH}.{int(article.accepts_comments())}"
    )
    key = (
        f"article-page:2:{article.pk}:{article.thread_version}:"
        f"{article.updated_at.timestamp():.6f}:{shape}:{page_number(request)}:{minute}"
    )
    reader = (
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        request.COOKIES.get(settings.COMMENTS_AUTHOR_COOKIE, ""),
        request.GET.get("replytocom", ""),
    )
    # The reader's cookies hold their saved details: hashed with the site's key, like all else.
    etag = keyed_digest("etag", repr((key, reader)))[:32]
    return PageIdentity(key=key, etag=etag)


def get(page: PageIdentity):
    return cache.get(page.key)


def put(page: PageIdentity, value) -> None:
    cache.set(page.key, value, TIMEOUT)
