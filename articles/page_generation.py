"""Generations of the article pages the fast path serves (``articles.fast_path``).

Each article's pages have a generation in the shared cache, keyed by the article's slug, and
the site has one epoch. A saved page names both; a new generation (a random token) is drawn
with every change readers could see (the thread, the article, its slug), and again once it
has committed, and a new epoch with a change of a setting every page shows, so no saved page
of before is served again. A token that is missing (never drawn, or evicted by the cache) is
drawn anew: an old page never becomes current again, as with a counter restarted at 0.
"""

import secrets

from django.core.cache import cache
from django.db import transaction

EPOCH_KEY = "page-epoch"
# Generations outlive the pages they name (a minute each) by far; a lost one costs one render.
TIMEOUT = 7 * 24 * 60 * 60


def generation_key(slug: str) -> str:
    return f"page-gen:{slug}"


def current(slug: str) -> tuple[str, str]:
    """``(generation, epoch)`` of the article at ``slug``; drawn when missing. Two cache reads
    at most (one round trip when both exist)."""
    key = generation_key(slug)
    values = cache.get_many([key, EPOCH_KEY])
    for name in (key, EPOCH_KEY):
        if name not in values:
            cache.add(name, secrets.token_hex(8), TIMEOUT)
            values[name] = cache.get(name, "")
    return values[key], values[EPOCH_KEY]


def peek(slug: str) -> tuple[str, str] | None:
    """``(generation, epoch)`` if both exist, else None (nothing saved can be current)."""
    key = generation_key(slug)
    values = cache.get_many([key, EPOCH_KEY])
    if len(values) < 2:
        return None
    return values[key], values[EPOCH_KEY]


def forget(slugs) -> None:
    """No saved page of these articles is current: now, and again once the current
    transaction commits. (A reader between the two reads the data of before the change and
    keeps it under the first new generation, which the second ends.)"""
    slugs = {slug for slug in slugs if slug}
    if not slugs:
        return

    def draw():
        cache.set_many({generation_key(slug): secrets.token_hex(8) for slug in slugs}, TIMEOUT)

    draw()
    transaction.on_commit(draw)


def forget_articles(article_ids) -> None:
    """``forget`` by primary key (one query for the slugs)."""
    from .models import Article

    forget(Article.objects.filter(pk__in=set(article_ids)).values_list("slug", flat=True))


def forget_all() -> None:
    """No saved page of any article is current: now, and again once the transaction commits."""

    def draw():
        cache.set(EPOCH_KEY, secrets.token_hex(8), TIMEOUT)

    draw()
    transaction.on_commit(draw)


def article_changing(sender, instance, raw=False, **kwargs) -> None:
    """``pre_save`` of Article: a changed slug leaves pages kept under the old one."""
    if instance.pk and not raw:
        old = sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        if old and old != instance.slug:
            forget({old})


def article_changed(sender, instance, raw=False, **kwargs) -> None:
    """``post_save`` and ``post_delete`` of Article: its kept pages are stale."""
    if not raw:
        forget({instance.slug})
