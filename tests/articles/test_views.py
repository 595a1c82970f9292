"""What a reader sees on the front page and on an article."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from articles.models import Article
from comments.models import Comment
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db


def test_front_page_lists_published_articles_newest_first(client):
    now = timezone.now()
    make_article(title="Older news", published_at=now - timedelta(days=2))
    make_article(title="Newest news", published_at=now - timedelta(hours=1))
    make_article(title="Secret draft", status=Article.Status.DRAFT)
    make_article(title="Scheduled story", published_at=now + timedelta(days=1))

    html = client.get("/").content.decode()

    assert html.index("Newest news") < html.index("Older news")
    assert "Secret draft" not in html
    assert "Scheduled story" not in html


@override_settings(ARTICLES_PER_PAGE=2)
def test_front_page_is_paginated(client):
    for n in range(5):
        make_article(title=f"Story {n}", published_at=timezone.now() - timedelta(hours=n))

    first = client.get("/").content.decode()
    third = client.get("/?page=3").content.decode()

    assert "Story 0" in first and "Story 2" not in first
    assert "Page 1 of 3" in first and "Older articles" in first
    assert "Story 4" in third and "Newer articles" in third
    assert client.get("/?page=99").status_code == 404


def test_front_page_counts_only_approved_comments(client, article):
    make_comment(article)
    make_comment(article, status=Comment.Status.PENDING)
    make_comment(article, status=Comment.Status.SPAM)

    assert "1 comment<" in client.get("/").content.decode()


def test_article_page_shows_the_article_with_byline_related_links_and_disclaimer(client):
    related = make_article(title="What is reflexology?", slug="what-is-reflexology")
    article = make_article(
        title="Massage and MS",
        byline="News staff",
        body="First paragraph.\n\nSecond paragraph.",
    )
    article.related.add(related)

    html = client.get(article.get_absolute_url()).content.decode()

    assert "<h1" in html and "Massage and MS</h1>" in html
    assert "By News staff" in html
    assert "<p>First paragraph.</p><p>Second paragraph.</p>" in html
    assert '<a href="/articles/what-is-reflexology/">What is reflexology?</a>' in html
    assert "does not provide medical advice" in html.replace("It does not", "does not")


def test_related_link_to_an_unpublished_article_is_not_shown(client, article):
    article.related.add(make_article(title="Unfinished draft", status=Article.Status.DRAFT))

    assert "Unfinished draft" not in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "fields", [{"status": Article.Status.DRAFT}, {"published_at": "2999-01-01T00:00:00Z"}]
)
def test_unpublished_article_is_not_found(client, fields):
    article = make_article(**fields)

    response = client.get(article.get_absolute_url())

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_editorial_markup_cannot_carry_script(client):
    article = make_article(body='<p>Fine</p><script>alert(1)</script><p onclick="x()">Hi</p>')

    html = client.get(article.get_absolute_url()).content.decode()

    assert "<p>Fine</p>" in html
    assert "<script>alert" not in html
    assert "onclick" not in html


def test_comments_appear_with_name_dates_permalink_and_reply_link(client, article):
    comment = make_comment(article, author_name="Ann", body="Helpful, thanks.")

    html = client.get(article.get_absolute_url()).content.decode()

    assert "1 comment" in html
    assert f'id="comment-{comment.pk}"' in html
    assert f'href="#comment-{comment.pk}"' in html
    assert "Ann" in html and "Helpful, thanks." in html
    assert "now" in html  # relative date ("now", "1 minute ago")
    assert comment.created_at.strftime("%B") in html  # exact date
    assert f"?replytocom={comment.pk}#respond" in html


def test_only_approved_comments_are_public(client, article):
    make_comment(article, body="Approved words")
    for status in ("pending", "spam", "removed"):
        make_comment(article, body=f"{status} words", status=status)

    html = client.get(article.get_absolute_url()).content.decode()

    assert "Approved words" in html
    for status in ("pending", "spam", "removed"):
        assert f"{status} words" not in html


def test_a_reply_under_a_removed_comment_stays_under_a_placeholder(client, article):
    parent = make_comment(article, status=Comment.Status.REMOVED, body="Removed words")
    make_comment(article, parent=parent, body="Orphaned reply")

    html = client.get(article.get_absolute_url()).content.decode()

    assert "Orphaned reply" in html
    assert "This comment was removed." in html
    assert "Removed words" not in html and parent.author_name not in html
    assert "1 comment" in html


def test_demo_content_loads_the_seed_article_and_its_comment_once(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    article = Article.objects.get(slug="massage-and-bodywork-for-ms")
    assert article.title == "How Massage and Bodywork Is Used to Treat MS Patients"
    assert Comment.objects.filter(article=article).count() == 1
    html = client.get(article.get_absolute_url()).content.decode()
    assert "My patient (wife) says a massaging of lower back" in html
    assert "Massage helps with MS pain and fatigue</a>" in html
    assert "What is reflexology?</a>" in html
    assert "MORE" not in html
    assert "Never disregard professional medical advice or delay seeking it" in html


@time_machine.travel("2030-01-01 12:00:05", tick=False)
def test_a_reader_revalidating_an_unchanged_article_gets_304(client, article):
    make_comment(article)
    client.get(article.get_absolute_url())  # the first visit renders the shared page
    first = client.get(article.get_absolute_url())

    again = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]


def test_a_new_approved_comment_changes_the_validator(client, settings, article, django_user_model):
    from comments.moderation import services
    from comments.posting import services as posting

    settings.COMMENTS_MODERATION = "pre"
    held = posting.comment_post(
        article=article, body="New words", author_name="Ann", author_email="ann@example.com"
    )
    etag = client.get(article.get_absolute_url())["ETag"]
    moderator = django_user_model.objects.create_user("maya")

    services.comments_approve(comments=[held], moderator=moderator)
    response = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 200
    assert "New words" in response.content.decode()


def test_signed_in_people_always_get_a_fresh_page(admin_client, article):
    response = admin_client.get(article.get_absolute_url())

    assert not response.has_header("ETag")
