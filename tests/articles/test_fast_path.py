"""The shared article page answered before the request cycle: no database, same bytes, never
stale after a change, never for a reader whose page is their own."""

import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import page_generation
from comments.models import Comment
from comments.moderation import services
from comments.posting import services as posting
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db
ISSUED = re.compile(rb'name="issued" value="[^"]+"')


def fetch(client, url, **extra):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    return response, len(captured)


@time_machine.travel("2030-01-01 12:00:05", tick=False)
def test_a_plain_readers_second_request_touches_no_database_and_gets_the_same_page(article):
    for _ in range(5):
        make_comment(article)
    first, _ = fetch(Client(), article.get_absolute_url())
    second, queries = fetch(Client(), article.get_absolute_url())

    assert queries == 0
    assert second.status_code == 200
    assert int(second["Content-Length"]) == len(second.content)  # not sent chunked
    assert ISSUED.sub(b"", second.content) == ISSUED.sub(b"", first.content)
    for header in (
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "Permissions-Policy",
        "Referrer-Policy",
        "Vary",
        "Cache-Control",
        "ETag",
        "Content-Type",
    ):
        assert second[header] == first[header], header


def test_a_comment_posted_from_the_kept_page_is_accepted(article, comment_data, settings):
    settings.COMMENTS_MODERATION = "post"
    Client().get(article.get_absolute_url())
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(article.get_absolute_url()).content.decode()
    issued = re.search(r'name="issued" value="([^"]+)"', page).group(1)

    response = reader.post(
        f"/articles/{article.slug}/comments/",
        {**comment_data, "issued": issued},
        HTTP_SEC_FETCH_SITE="same-origin",
    )

    assert response.status_code == 302
    assert Comment.objects.filter(body=comment_data["comment"]).exists()


@time_machine.travel("2030-01-01 12:00:05", tick=False)
def test_a_moderators_decision_shows_to_the_next_reader_in_the_same_minute(
    article, django_user_model, settings
):
    settings.COMMENTS_MODERATION = "pre"
    held = posting.comment_post(
        article=article, body="Worth the wait", author_name="Ann", author_email="a@example.com"
    )
    Client().get(article.get_absolute_url())
    assert b"Worth the wait" not in Client().get(article.get_absolute_url()).content

    services.comments_approve(
        comments=[held], moderator=django_user_model.objects.create(username="m")
    )

    assert b"Worth the wait" in Client().get(article.get_absolute_url()).content


@time_machine.travel("2030-01-01 12:00:05", tick=False)
def test_an_edited_article_and_a_renamed_one_are_never_served_as_they_were(article):
    url = article.get_absolute_url()
    Client().get(url)
    Client().get(url)

    article.title = "A corrected headline"
    article.save()
    assert b"A corrected headline" in Client().get(url).content

    article.slug = "a-new-address"
    article.save()
    assert Client().get(url).status_code == 404


@time_machine.travel("2030-01-01 12:00:05", tick=False)
def test_a_deleted_article_is_gone_for_the_next_reader(article):
    url = article.get_absolute_url()
    Client().get(url)
    Client().get(url)

    article.delete()

    assert Client().get(url).status_code == 404


@time_machine.travel("2030-01-01 12:00:05", tick=False)
def test_a_reader_with_a_session_gets_their_own_page_not_the_kept_one(article, settings):
    settings.COMMENTS_MODERATION = "pre"
    Client().get(article.get_absolute_url())
    commenter = Client()
    commenter.post(
        f"/articles/{article.slug}/comments/",
        {
            "name": "Ann",
            "email": "ann@example.com",
            "comment": "My own held words",
            "issued": re.search(
                rb'name="issued" value="([^"]+)"', commenter.get(article.get_absolute_url()).content
            )
            .group(1)
            .decode(),
        },
        HTTP_SEC_FETCH_SITE="same-origin",
    )

    own, queries = fetch(commenter, article.get_absolute_url())

    assert queries > 0
    assert b"My own held words" in own.content
    assert b"My own held words" not in Client().get(article.get_absolute_url()).content


@time_machine.travel("2030-01-01 12:00:05", tick=False)
@pytest.mark.parametrize(
    "query",
    ["?utm_source=mail", "?cpage=1&cpage=1", "?sort=newest&sort=oldest", "?replytocom=1"],
)
def test_other_spellings_of_an_address_go_the_full_way_and_keep_nothing(article, query):
    make_comment(article)
    url = article.get_absolute_url() + query
    Client().get(url)

    response, queries = fetch(Client(), url)

    assert queries > 0
    assert response.status_code in (200, 404)


@time_machine.travel("2030-01-01 12:00:05", tick=False)
def test_the_sort_and_page_links_are_kept_in_either_order(settings, article):
    settings.COMMENTS_PER_PAGE = 1
    make_comment(article, body="First conversation")
    make_comment(article, body="Second conversation")
    url = article.get_absolute_url()
    first, _ = fetch(Client(), url + "?sort=newest&cpage=2")

    again, queries = fetch(Client(), url + "?cpage=2&sort=newest")

    assert queries == 0
    assert b"First conversation" in again.content
    assert ISSUED.sub(b"", again.content) == ISSUED.sub(b"", first.content)


def test_a_revalidation_goes_the_full_way_and_is_answered_304(article):
    first = Client().get(article.get_absolute_url())

    response, queries = fetch(
        Client(), article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"]
    )

    assert response.status_code == 304
    assert queries > 0


def test_a_change_draws_a_new_generation_now_and_again_on_commit(
    article, django_capture_on_commit_callbacks
):
    before = page_generation.current(article.slug)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page_generation.forget_articles([article.pk])
        during = page_generation.current(article.slug)
    for callback in callbacks:
        callback()
    after = page_generation.current(article.slug)

    # A reader between the two kept what it read under "during": the commit ends it.
    assert len({before, during, after}) == 3


def test_another_articles_pages_stay_kept_when_one_changes(article):
    other = make_article(title="Another story")
    Client().get(other.get_absolute_url())
    kept = page_generation.current(other.slug)

    make_comment(article)
    page_generation.forget_articles([article.pk])

    assert page_generation.current(other.slug) == kept
