"""The one identity of a shared article page: its cache key and its ETag come from one place.

A plain reader's page is rendered once and kept in the shared cache under a key that names
everything it shows: the article and its ``thread_version`` (which every change a reader would
see raises, in the same transaction), the article's own last change, the thread's shape
settings, the page of the thread and its order (``?sort=``), and the minute (so relative
dates such as "5 minutes ago" stay right, and readers' "Helpful" counts, which raise no
version, are at most a minute old in the shared page). The ETag is that key plus what the
reader's own cookies put in the page (their saved details) and the reply target, so a 304 is
never stale either. (A reader's page holds
no CSRF token: their comments are checked by origin, ``comments.posting.views``.)

Only pages the thread has get a key. ``?cpage=`` and ``?sort=`` are checked before the key is
made: a number the thread does not have, an order the site does not offer (or any other
spelling) is a 404, so however many addresses readers invent, one article version has at
most its number of pages times the three orders of keys each minute, plus one that holds
that number. Nothing a request sends can fill the cache and push out what else it
holds (other pages, the data-link hand-off).
"""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import Http404

from comments.identity import keyed_digest
from comments.posting.section import page_number, thread_paginator
from comments.posting.sorting import sort_from
from comments.posting.threads import ThreadPaginator

from .models import Article

TIMEOUT = 120
# How long the number of pages of one article version is kept. Never stale: a change to the
# thread raises its version, which is in the key.
PAGES_TIMEOUT = 60 * 60


def is_personal(request) -> bool:
    """A session (a login, a report, data access), comments of its own (the own-comments
    cookie: a held comment, or one it may still edit) or a one-time notice: this reader's page
    is rendered for them alone, and never answered with a 304."""
    return any(
        name in request.COOKIES
        for name in (
            settings.SESSION_COOKIE_NAME,
            settings.COMMENTS_OWN_COOKIE,
            CookieStorage.cookie_name,
        )
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
    pages_key: str  # where the number of pages of this article version is kept
    # The thread's paginator when checking the page number needed it: the render reuses it.
    paginator: ThreadPaginator | None = field(default=None, compare=False)


def identity(request, article: Article) -> PageIdentity:
    """Name the article page ``request`` asks for, as the cache and as an ETag.

    Raises Http404 (before any key is made) if ``?cpage=`` is not a page of the thread as a
    plain reader (nothing of their own, ``is_shared``) sees it, or ``?sort=`` no order the
    site offers. Page 1 always exists and costs no lookup; a later page is checked against the
    number of pages kept in the cache, else against the thread itself (three queries, whose
    result comes back as ``paginator`` for the render).
    """
    number = page_number(request)
    sort = sort_from(request)
    minute = int(time.time() // 60)
    shape = (
        f"{settings.COMMENTS_PER_PAGE}.{settings.COMMENTS_MAX_DEPTH}."
        f"{int(article.accepts_comments())}"
    )
    version = (
        f"article-page:4:{article.pk}:{article.thread_version}:"
        f"{article.updated_at.timestamp():.6f}:{shape}"
    )
    pages_key, paginator = f"{version}:pages", None
    if number > 1:
        num_pages = cache.get(pages_key)
        if num_pages is None:
            paginator = thread_paginator(article, request)
            num_pages = paginator.num_pages
            cache.set(pages_key, num_pages, PAGES_TIMEOUT)
        if number > num_pages:
            raise Http404("No such page of comments.")
    # Every order has as many pages: the number of pages (pages_key) is shared by all three.
    key = f"{version}:{sort}:{number}:{minute}"
    reader = (
        request.COOKIES.get(settings.COMMENTS_AUTHOR_COOKIE, ""),
        request.GET.get("replytocom", ""),
    )
    # The reader's cookies hold their saved details: hashed with the site's key, like all else.
    etag = keyed_digest("etag", repr((key, reader)))[:32]
    return PageIdentity(key=key, etag=etag, pages_key=pages_key, paginator=paginator)


def get(page: PageIdentity):
    return cache.get(page.key)


def put(page: PageIdentity, value, *, num_pages: int) -> None:
    """Keep the rendering, and the number of pages its thread had, for later page checks."""
    cache.set(page.key, value, TIMEOUT)
    cache.set(page.pages_key, num_pages, PAGES_TIMEOUT)
