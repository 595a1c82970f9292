"""Rendered article pages, shared by every app process through the cache.

A page is rendered once and kept under a key that names everything it shows: the article and
its ``thread_version`` (which the services raise, in the same transaction, for every change a
reader would see), the article's own last change, the page of the thread, and the minute (so
relative dates such as "5 minutes ago" stay right). Only pages that hold nothing of one reader
are shared; the reader's CSRF token and the form's timestamp are put in per request.
"""

import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db.models import F

from articles.models import Article

TIMEOUT = 120


def key(article: Article, *, page: int) -> str:
    """The cache key of one page of an article as every plain reader sees it."""
    minute = int(time.time() // 60)
    shape = (
        f"{settings.COMMENTS_PER_PAGE}.{int(settings.COMMENTS_NEWEST_FIRST)}."
        f"{settings.COMMENTS_MAX_DEPTH}.{int(article.accepts_comments())}"
    )
    return (
        f"article-page:1:{article.pk}:{article.thread_version}:"
        f"{article.updated_at.timestamp():.6f}:{shape}:{page}:{minute}"
    )


def get(article: Article, *, page: int):
    return cache.get(key(article, page=page))


def put(article: Article, *, page: int, value) -> None:
    cache.set(key(article, page=page), value, TIMEOUT)


def changed(article_ids: Iterable[int]) -> None:
    """Mark the threads of these articles as changed; call inside the changing transaction."""
    ids = {pk for pk in article_ids if pk}
    if ids:
        Article.objects.filter(pk__in=ids).update(thread_version=F("thread_version") + 1)
