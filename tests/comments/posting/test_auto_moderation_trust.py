"""Auto moderation: only an earlier *published* comment under an email earns publication.

An earlier comment that is still held, was marked as spam or was removed earns nothing: the
next comment from that email is held like a first comment, even from the commenter's own
browser. (Publication also needs that browser: tests/comments/posting/
test_returning_commenters.py.)
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.conftest import commenter_cookie, make_article, make_comment

pytestmark = pytest.mark.django_db

Status = Comment.Status
NOT_APPROVED = [status for status in Status if status != Status.APPROVED]


@pytest.fixture(autouse=True)
def _auto_mode(settings):
    settings.COMMENTS_MODERATION = "auto"


def post(article, comment_data: dict, **changes) -> Comment:
    """Post through the real form, from the browser of the person ``comment_data`` names
    (it carries their commenter key), and return the comment it made."""
    data = {**comment_data, **changes}
    client = Client()
    client.cookies[settings.COMMENTS_COMMENTER_COOKIE] = commenter_cookie(comment_data["email"])
    response = client.post(reverse("comments:post", kwargs={"slug": article.slug}), data)
    assert response.status_code == 302
    return Comment.objects.get(article=article, body=data["comment"])


def earlier_comment(comment_data: dict, status: str, **fields) -> Comment:
    """A comment the same commenter left earlier, on another article."""
    return make_comment(
        make_article(),
        author_email=comment_data["email"],
        author_name=comment_data["name"],
        body="An earlier comment about sleep and MS.",
        status=status,
        **fields,
    )


@pytest.mark.parametrize("earlier_status", NOT_APPROVED)
def test_an_earlier_comment_that_was_never_published_does_not_earn_publication(
    article, comment_data, earlier_status
):
    earlier_comment(comment_data, earlier_status)

    comment = post(article, comment_data)

    assert comment.status == Status.PENDING


def test_many_earlier_comments_none_published_still_hold_the_next(article, comment_data):
    for status in NOT_APPROVED:
        for _ in range(2):
            earlier_comment(comment_data, status)

    comment = post(article, comment_data)

    assert comment.status == Status.PENDING


@pytest.mark.parametrize("earlier_status", NOT_APPROVED)
def test_an_unpublished_earlier_comment_on_the_same_article_does_not_earn_publication(
    article, comment_data, earlier_status
):
    make_comment(
        article,
        author_email=comment_data["email"],
        body="My first try at asking this.",
        status=earlier_status,
    )

    comment = post(article, comment_data)

    assert comment.status == Status.PENDING


def test_an_earlier_published_comment_publishes_the_next_at_once(article, comment_data):
    earlier_comment(comment_data, Status.APPROVED)

    comment = post(article, comment_data)

    assert comment.status == Status.APPROVED


def test_an_earlier_published_comment_counts_whatever_the_letter_case_of_the_email(
    article, comment_data
):
    earlier_comment(comment_data, Status.APPROVED)

    comment = post(article, comment_data, email=comment_data["email"].upper())

    assert comment.status == Status.APPROVED


def test_someone_elses_published_comment_earns_nothing(article, comment_data):
    make_comment(make_article(), author_email="someone.else@example.com", status=Status.APPROVED)

    comment = post(article, comment_data)

    assert comment.status == Status.PENDING
