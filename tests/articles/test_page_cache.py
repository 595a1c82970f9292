"""The article page as plain readers get it: rendered once, shared, never stale or personal."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from comments.moderation import services
from comments.posting import services as posting
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        html = client.get(url).content.decode()
    return len(captured), html


def test_a_second_reader_gets_the_page_from_the_cache(article):
    for _ in range(20):
        make_comment(article)
    cold, first = queries(Client(), article.get_absolute_url())
    warm, second = queries(Client(), article.get_absolute_url())

    assert warm < cold
    assert warm <= 2
    assert first.count("comment-body") == second.count("comment-body") == 20


def test_a_reader_who_only_reads_gets_no_cookie(client, article):
    response = client.get(article.get_absolute_url())

    assert not response.cookies
    assert 'name="csrfmiddlewaretoken" value=""' in response.content.decode()


def test_a_reader_who_starts_writing_gets_a_token_and_then_their_own_in_the_page(article):
    reader = Client()
    reader.get(article.get_absolute_url())

    response = reader.get("/comments/form-token/")

    assert response.json()["token"]
    assert "no-cache" in response["Cache-Control"]
    assert "csrftoken" in reader.cookies
    page = reader.get(article.get_absolute_url()).content.decode()
    assert hidden(page, "csrfmiddlewaretoken")


def test_the_cached_page_posts_like_a_fresh_one(article, comment_data, settings):
    settings.COMMENTS_MODERATION = "post"
    Client().get(article.get_absolute_url())  # fills the cache
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(article.get_absolute_url()).content.decode()
    token = reader.get("/comments/form-token/").json()["token"]  # what the page's script does

    response = reader.post(
        f"/articles/{article.slug}/comments/",
        {**comment_data, "csrfmiddlewaretoken": token, "issued": hidden(page, "issued")},
    )

    assert response.status_code == 302
    assert Comment.objects.filter(body=comment_data["comment"]).exists()


def test_an_approval_shows_to_readers_at_once(article, django_user_model, settings):
    settings.COMMENTS_MODERATION = "pre"
    held = posting.comment_post(
        article=article, body="Worth the wait", author_name="Ann", author_email="a@example.com"
    )
    assert "Worth the wait" not in Client().get(article.get_absolute_url()).content.decode()

    services.comments_approve(
        comments=[held], moderator=django_user_model.objects.create(username="m")
    )

    assert "Worth the wait" in Client().get(article.get_absolute_url()).content.decode()


def test_a_removal_shows_to_readers_at_once(article, django_user_model):
    comment = make_comment(article, body="Soon gone")
    assert "Soon gone" in Client().get(article.get_absolute_url()).content.decode()

    services.comments_remove(
        comments=[comment], moderator=django_user_model.objects.create(username="m")
    )

    assert "Soon gone" not in Client().get(article.get_absolute_url()).content.decode()


def test_a_held_comment_never_reaches_the_shared_page(article, comment_data, settings):
    settings.COMMENTS_MODERATION = "pre"
    author = Client()
    author.post(f"/articles/{article.slug}/comments/", comment_data)

    own = author.get(article.get_absolute_url()).content.decode()
    stranger = Client().get(article.get_absolute_url()).content.decode()
    own_again = author.get(article.get_absolute_url()).content.decode()

    assert "awaiting moderation" in own and "awaiting moderation" in own_again
    assert comment_data["comment"] not in stranger


def test_saved_details_are_never_shared(article, comment_data, settings):
    settings.COMMENTS_MODERATION = "post"
    walter = Client()
    walter.post(f"/articles/{article.slug}/comments/", {**comment_data, "save_details": "on"})

    assert (
        'value="walter.private@example.com"'
        in walter.get(article.get_absolute_url()).content.decode()
    )
    assert "walter.private" not in Client().get(article.get_absolute_url()).content.decode()
