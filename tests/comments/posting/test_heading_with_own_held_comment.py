"""The comment section's heading as a commenter with a held comment reads it.

A browser that has posted a held comment sees that comment under the article; the heading
above it must not say "No comments yet". What it counts stays public: the number of comments
every reader sees, never the commenter's own held ones.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _first_comments_are_held(settings):
    settings.COMMENTS_MODERATION = "auto"


def post_held(client: Client, article, comment_data: dict, text: str) -> Comment:
    response = client.post(
        reverse("comments:post", kwargs={"slug": article.slug}),
        {**comment_data, "comment": text},
    )
    assert response.status_code == 302
    comment = Comment.objects.get(body=text)
    assert comment.status == Comment.Status.PENDING
    return comment


def heading(client: Client, article) -> str:
    response = client.get(reverse("articles:detail", kwargs={"slug": article.slug}))
    assert response.status_code == 200
    match = re.search(r'<h2 id="comments-title"[^>]*>(.*?)</h2>', response.content.decode(), re.S)
    return match.group(1)


def test_a_commenter_sees_their_held_comment_announced_not_no_comments_yet(article, comment_data):
    writer = Client()
    post_held(writer, article, comment_data, "Does heat make MS fatigue worse?")

    assert (
        heading(writer, article) == "Your comment is waiting for a moderator (only you can see it)"
    )


def test_a_plain_reader_of_the_same_article_still_reads_no_comments_yet(article, comment_data):
    post_held(Client(), article, comment_data, "Does heat make MS fatigue worse?")

    assert heading(Client(), article) == "No comments yet"


def test_several_held_comments_are_counted_as_the_commenters_own(article, comment_data):
    writer = Client()
    post_held(writer, article, comment_data, "First question about heat.")
    post_held(writer, article, comment_data, "Second question about cold.")

    assert heading(writer, article) == (
        "Your 2 comments are waiting for a moderator (only you can see them)"
    )


def test_with_public_comments_the_count_stays_the_public_one(article, comment_data):
    make_comment(article, body="A published answer.")
    writer = Client()
    post_held(writer, article, comment_data, "Does heat make MS fatigue worse?")

    assert heading(writer, article) == "1 comment"
    assert heading(Client(), article) == "1 comment"
