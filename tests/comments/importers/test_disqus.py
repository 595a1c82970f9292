"""Importing a Disqus export: threads matched by link or identifier, posts linked by dsq:id."""

from datetime import UTC, datetime

import pytest
from django.db.models import Q

from articles.models import Article
from comments.importers import disqus
from comments.importers.services import import_file
from comments.models import Comment
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
Status = Comment.Status


def by_source(source_id: str) -> Comment:
    """The comment of id ``source_id`` in the file (stored as ``"<site>#<id>"``)."""
    return Comment.objects.get(
        Q(source_id=source_id) | Q(source_id__endswith=f"#{source_id}"), source_system="disqus"
    )


@pytest.fixture
def sleep():
    # The thread's link is written http://WWW.News.Example.org/articles/sleep/?utm_source=feed
    return make_article(
        slug="sleep-article-here", source_url="https://news.example.org/articles/sleep"
    )


def test_posts_attach_to_the_article_whose_source_link_matches(files, sleep):
    report = import_file(files / "disqus.xml")

    assert report.format == "disqus"
    assert report.articles_matched == 1
    assert report.articles_created == 0
    assert sleep.comments.count() == 4
    assert not Article.objects.exclude(pk=sleep.pk).exists()


def test_disqus_states_and_threads(files, sleep):
    report = import_file(files / "disqus.xml")

    assert by_source("5001").status == Status.APPROVED
    assert by_source("5003").status == Status.SPAM
    assert by_source("5004").status == Status.REMOVED
    reply = by_source("5002")
    assert reply.parent == by_source("5001") and reply.depth == 1
    assert report.notes["dates without time zone (taken as UTC)"] == 1


def test_post_html_becomes_paragraphs_and_its_author_details_are_kept(files, sleep):
    import_file(files / "disqus.xml")

    reply = by_source("5002")
    assert reply.body_html == "<p>I agree with <b>you</b>.</p><p>Second<br>line</p>"
    assert reply.author_email == "peter@example.com"
    assert reply.ip_address == "2001:db8::1"
    assert reply.created_at == datetime(2019, 1, 2, 11, tzinfo=UTC)
    assert by_source("5001").body == "Good article."
    assert by_source("5001").author_email == ""


def test_threads_without_a_link_or_an_article_are_listed(files, sleep):
    report = import_file(files / "disqus.xml")

    assert "Lost page" in report.unplaced
    assert "https://news.example.org/2019/water/" in report.unplaced
    assert report.skipped["post of a thread not in the file"] == 1


def test_an_identifier_that_is_a_slug_places_a_thread(files):
    article = make_article(slug="sleep-article")

    import_file(files / "disqus.xml")

    assert article.comments.count() == 4


def test_a_link_to_this_sites_own_article_path_places_a_thread(files):
    article = make_article(slug="sleep")

    import_file(files / "disqus.xml")

    assert article.comments.count() == 4


def test_importing_twice_adds_nothing(files, sleep):
    import_file(files / "disqus.xml")

    again = import_file(files / "disqus.xml")

    assert again.imported_total == 0
    assert again.already_present == 4
    assert sleep.comments.count() == 4


def test_a_reply_in_a_later_batch_than_its_parent_still_finds_it(files, sleep, monkeypatch):
    monkeypatch.setattr(disqus, "BATCH", 1)

    report = import_file(files / "disqus.xml")

    assert by_source("5002").parent == by_source("5001")
    assert report.orphans_reparented == 0
