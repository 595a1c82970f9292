"""A moderator's reply is published with a badge; it approves a held comment, and never brings
back one that was rejected."""

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db

Status = Comment.Status


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.mark.parametrize("status", [Status.SPAM, Status.REMOVED])
def test_replying_to_a_rejected_comment_is_refused_and_it_stays_rejected(
    moderator_client, article, status
):
    spam = make_comment(article, status=status, body="BUY PILLS")

    response = moderator_client.post(
        reverse("moderation:reply", args=[spam.pk]), {"body": "Please stop."}, follow=True
    )

    spam.refresh_from_db()
    assert spam.status == status
    assert Comment.objects.count() == 1
    assert "restore it before replying" in response.content.decode()
    assert "BUY PILLS" not in moderator_client.get(article.get_absolute_url()).content.decode()


def test_replying_to_a_held_comment_publishes_both(moderator_client, article):
    held = make_comment(article, status=Status.PENDING, body="A question")

    moderator_client.post(reverse("moderation:reply", args=[held.pk]), {"body": "An answer"})

    held.refresh_from_db()
    reply = Comment.objects.get(parent=held)
    assert held.status == Status.APPROVED
    assert reply.status == Status.APPROVED and reply.by_moderator
