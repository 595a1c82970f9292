"""A double click posts once, for the browser that clicked; nobody else can use it to peek.

Sending a held comment's text with its author's email from another browser must not lead to
that comment (its name, website and "awaiting moderation"): that browser is limited like
any other poster first, and then its post is a new comment, held as a duplicate.
"""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.conftest import commenter_cookie, make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status

WALTER_SITE = "https://walter-private.example/"


def post(client, article, data, **extra):
    return client.post(reverse("comments:post", kwargs={"slug": article.slug}), data, **extra)


def reasons(comment):
    return [reason["code"] for reason in comment.hold_reasons]


@pytest.fixture
def rate_gap(settings):
    """One post per 15 s from an IP address or an email, as on the site."""
    settings.COMMENTS_RATE_GAP_SECONDS = 15


@pytest.fixture
def walters_held_comment(settings, article, comment_data):
    """Walter's first comment, held, posted from his browser; returns (browser, response)."""
    settings.COMMENTS_MODERATION = "auto"
    walter = Client(REMOTE_ADDR="198.51.100.7")
    response = post(walter, article, {**comment_data, "url": WALTER_SITE})
    assert Comment.objects.get().status == Status.PENDING
    return walter, response


def test_another_browser_sending_a_held_comments_text_and_email_is_not_shown_it(
    walters_held_comment, article, comment_data
):
    _walter, walters_answer = walters_held_comment
    prober = Client(REMOTE_ADDR="203.0.113.9")

    response = post(prober, article, {**comment_data, "name": "Prober"})

    assert response.status_code == 302
    assert response["Location"] != walters_answer["Location"]
    page = prober.get(response["Location"]).content.decode()
    assert WALTER_SITE not in page
    assert f'id="comment-{Comment.objects.earliest("pk").pk}"' not in page
    probe = Comment.objects.latest("pk")
    assert probe.author_name == "Prober"
    assert "duplicate" in reasons(probe)


def test_another_browser_sending_it_is_rate_limited_first(
    rate_gap, walters_held_comment, article, comment_data
):
    prober = Client(REMOTE_ADDR="203.0.113.9")

    response = post(prober, article, {**comment_data, "name": "Prober"})

    assert response.status_code == 429
    assert WALTER_SITE not in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_browser_with_someone_elses_key_gets_no_shortcut(
    walters_held_comment, article, comment_data
):
    prober = Client(REMOTE_ADDR="203.0.113.9")
    prober.cookies["commenter_key"] = commenter_cookie("prober@example.com")

    response = post(prober, article, {**comment_data, "name": "Prober"})

    assert Comment.objects.count() == 2
    assert WALTER_SITE not in prober.get(response["Location"]).content.decode()


def test_a_double_click_on_a_held_comment_lands_on_it(
    rate_gap, walters_held_comment, article, comment_data
):
    walter, first = walters_held_comment

    second = post(walter, article, {**comment_data, "url": WALTER_SITE})

    assert Comment.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


@pytest.mark.parametrize("mode", ["post", "auto"])
def test_a_double_click_on_a_published_comment_lands_on_it(settings, article, comment_data, mode):
    """Published at once (no session): the browser is known by its commenter key."""
    settings.COMMENTS_MODERATION = mode
    settings.COMMENTS_RATE_GAP_SECONDS = 15
    if mode == "auto":
        make_comment(article, author_email=comment_data["email"], body="Earlier, published.")
    browser = Client()
    browser.cookies["commenter_key"] = commenter_cookie(comment_data["email"])

    first = post(browser, article, comment_data)
    second = post(browser, article, comment_data)

    assert Comment.objects.filter(body=comment_data["comment"]).count() == 1
    assert Comment.objects.get(body=comment_data["comment"]).status == Status.APPROVED
    assert second["Location"] == first["Location"]


def test_a_double_click_from_a_new_browser_on_a_published_first_comment_lands_on_it(
    settings, article, comment_data
):
    """Post moderation publishes a first comment: no session, only the key this post set."""
    settings.COMMENTS_MODERATION = "post"
    settings.COMMENTS_RATE_GAP_SECONDS = 15
    browser = Client()

    first = post(browser, article, comment_data)
    second = post(browser, article, comment_data)

    assert Comment.objects.count() == 1
    assert second["Location"] == first["Location"]
