"""The article page as plain readers get it: rendered once, shared, never stale or personal."""

import re

import pytest
import time_machine
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
    assert "csrfmiddlewaretoken" not in response.content.decode()


@time_machine.travel("2030-01-01 12:00:05", tick=False)  # one minute: one shared page
def test_a_reader_with_a_csrf_cookie_from_another_form_gets_the_same_shared_page(article):
    plain = Client().get(article.get_absolute_url())
    reader = Client()
    reader.get("/privacy/my-data/")  # a form that does set the cookie
    assert "csrftoken" in reader.cookies

    page = reader.get(article.get_absolute_url())

    assert "csrfmiddlewaretoken" not in page.content.decode()
    assert page["ETag"] == plain["ETag"]


def test_the_cached_page_posts_like_a_fresh_one(article, comment_data, settings):
    settings.COMMENTS_MODERATION = "post"
    Client().get(article.get_absolute_url())  # fills the cache
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(article.get_absolute_url()).content.decode()

    response = reader.post(
        f"/articles/{article.slug}/comments/",
        {**comment_data, "issued": hidden(page, "issued")},
        HTTP_SEC_FETCH_SITE="same-origin",  # what a browser says of a form from this page
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
