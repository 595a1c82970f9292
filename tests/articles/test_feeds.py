"""Feeds and the sitemap: what aggregators and search engines see."""

import pytest

from articles.models import Article
from comments.models import Comment
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_article_feeds_list_published_articles(client, url):
    make_article(title="Published story")
    make_article(title="Draft story", status=Article.Status.DRAFT)

    response = client.get(url)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Published story" in body
    assert "Draft story" not in body


@pytest.mark.parametrize("feed", ["feed/", "feed/atom/"])
def test_comment_feed_lists_approved_comments_by_name_only(client, article, feed):
    make_comment(article, author_name="Ann", author_email="ann.secret@example.com", body="Yes")
    make_comment(article, body="Held back", status=Comment.Status.PENDING)

    response = client.get(f"/articles/{article.slug}/comments/{feed}")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Ann on" in body
    assert "Held back" not in body
    assert "ann.secret" not in body


def test_comment_feed_of_an_unpublished_article_is_not_found(client):
    draft = make_article(status=Article.Status.DRAFT)

    assert client.get(f"/articles/{draft.slug}/comments/feed/").status_code == 404


def test_sitemap_lists_published_articles_only(client):
    published = make_article()
    draft = make_article(status=Article.Status.DRAFT)

    index = client.get("/sitemap.xml").content.decode()
    body = client.get("/sitemap-articles.xml").content.decode()

    assert "/sitemap-articles.xml" in index
    assert published.get_absolute_url() in body
    assert draft.get_absolute_url() not in body
