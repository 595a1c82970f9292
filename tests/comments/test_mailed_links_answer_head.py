"""Mail scanners send HEAD to the links in our mail: every mailed-link page answers HEAD as it
answers GET (200, the page without its body) and, like GET, changes nothing."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from comments import signed_links
from comments.models import Comment, Subscriber
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db
ANN = "ann@example.com"


def opened(kind, token) -> tuple[int, int]:
    """The HEAD answer's status, and the GET answer's status right after it."""
    path = signed_links.url(kind, token).split("://", 1)[-1].partition("/")[2]
    head = Client().head(f"/{path}")
    assert head.content == b""
    return head.status_code, Client().get(f"/{path}").status_code


def test_head_on_a_subscription_confirmation_link_confirms_nothing():
    subscriber = Subscriber.objects.create(email=ANN)
    kind = signed_links.CONFIRM

    assert opened(kind, signed_links.make(kind, email=ANN, subscriber=subscriber)) == (200, 200)
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None


def test_head_on_an_unsubscribe_link_unsubscribes_nobody():
    subscriber = Subscriber.objects.create(email=ANN)
    kind = signed_links.UNSUBSCRIBE

    assert opened(kind, signed_links.make(kind, email=ANN, subscriber=subscriber)) == (200, 200)
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is None


def test_head_on_a_data_access_link_does_not_use_it_up(article):
    comment = make_comment(article, author_email=ANN)
    kind = signed_links.DATA_ACCESS

    # The GET after the HEAD still shows the button: the one-use link is not used up.
    assert opened(kind, signed_links.make(kind, email=ANN, comment_id=comment.pk)) == (200, 200)


def test_head_on_a_confirm_its_you_link_publishes_nothing(article):
    comment = make_comment(article, author_email=ANN, status=Comment.Status.PENDING)
    kind = signed_links.COMMENTER

    assert opened(kind, signed_links.make(kind, email=ANN, comment_id=comment.pk)) == (200, 200)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_head_on_a_moderators_mailed_action_link_acts_on_nothing(article, django_user_model):
    moderator = django_user_model.objects.create_user("maya", "maya@example.com", "pw")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    comment = make_comment(article, status=Comment.Status.PENDING)
    kind = signed_links.MODERATE
    token = signed_links.make(
        kind, email=moderator.email, comment_id=comment.pk, user=moderator, action="approve"
    )

    assert opened(kind, token) == (200, 200)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_head_on_an_appeal_link_is_answered_like_get(article):
    comment = make_comment(article, author_email=ANN, status=Comment.Status.REMOVED)
    kind = signed_links.APPEAL

    assert opened(kind, signed_links.make(kind, email=ANN, comment_id=comment.pk)) == (200, 200)
