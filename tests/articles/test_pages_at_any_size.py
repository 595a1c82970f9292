"""The front page and the sitemap cost the same queries with 3 articles as with 30: what a
page shows is its own rows, never a count or list over every article or comment."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.sitemaps import ArticleSitemap
from comments.models import Comment
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status


def articles_with_comments(count):
    for _ in range(count):
        article = make_article()
        make_comment(article)
        make_comment(article, status=Status.PENDING)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_front_page_runs_as_many_queries_with_30_articles_as_with_3(client):
    articles_with_comments(3)
    few = queries(client, "/")
    articles_with_comments(27)

    assert queries(client, "/") == few
    assert queries(client, "/?page=2") == few


def test_front_page_reads_the_kept_counts_of_the_pages_articles_only(client):
    articles_with_comments(12)

    with CaptureQueriesContext(connection) as captured:
        client.get("/")

    assert not [q["sql"] for q in captured if "comments_comment" in q["sql"]]
    reading_counts = [q["sql"] for q in captured if "comments_threadcount" in q["sql"]]
    assert len(reading_counts) == 1
    # The page's ten articles by id, not every article's counts.
    assert re.search(r"article_id\W IN \(", reading_counts[0])


def test_front_page_counts_only_public_comments_of_each_article(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    now = timezone.now()
    busy = make_article(title="Busy", published_at=now - timedelta(minutes=1))
    quiet = make_article(title="Quiet", published_at=now - timedelta(minutes=2))
    older = make_article(title="Yesterday's story", published_at=now - timedelta(days=1))
    for status in [Status.APPROVED, Status.APPROVED, Status.PENDING, Status.SPAM]:
        make_comment(busy, status=status)
    make_comment(quiet, status=Status.REMOVED)
    make_comment(older)

    first = client.get("/").content.decode()
    second = client.get("/?page=2").content.decode()

    assert re.search(r"Busy.*?2 comments", first, re.S)
    assert re.search(r"Quiet.*?No comments yet", first, re.S)
    assert "Yesterday" not in first
    assert re.search(r"Yesterday.*?1 comment\b", second, re.S)


def sitemap_queries(client) -> int:
    return queries(client, "/sitemap.xml") + queries(client, "/sitemap-articles.xml?p=1")


def test_sitemap_runs_as_many_queries_with_30_articles_as_with_3(client, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 5)
    for _ in range(3):
        make_article()
    few = sitemap_queries(client)
    for _ in range(27):
        make_article()

    assert sitemap_queries(client) == few


def test_sitemap_index_pages_hold_every_published_article_once(client, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    published = [make_article() for _ in range(5)]
    draft = make_article(status=Article.Status.DRAFT)
    future = make_article(published_at=timezone.now() + timedelta(days=1))

    index = client.get("/sitemap.xml").content.decode()
    pages = re.findall(r"<loc>http://testserver(/sitemap-articles\.xml(?:\?p=\d)?)</loc>", index)
    listed = []
    for page in pages:
        listed += re.findall(r"<loc>http://testserver([^<]+)</loc>", client.get(page).text)

    assert len(pages) == 3
    assert sorted(listed) == sorted(article.get_absolute_url() for article in published)
    assert draft.get_absolute_url() not in listed
    assert future.get_absolute_url() not in listed


def test_sitemap_lastmod_is_the_articles_updated_at(client):
    first = make_article()
    latest = make_article()
    Article.objects.filter(pk=first.pk).update(updated_at=timezone.now() - timedelta(days=3))
    first.refresh_from_db()
    latest.refresh_from_db()

    index = client.get("/sitemap.xml").text
    section = client.get("/sitemap-articles.xml").text

    assert f"<lastmod>{latest.updated_at.isoformat()}</lastmod>" in index
    entry = re.search(rf"{first.get_absolute_url()}</loc><lastmod>([^<]+)<", section)
    assert entry.group(1) == first.updated_at.date().isoformat()
