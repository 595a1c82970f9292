"""What a moderator changes, plain readers see on their next page load.

The plain reader's article page is rendered once and shared through the cache. Each test first
has a plain reader load the page (filling the cache), then a moderator acts in /moderation/,
then the reader loads again and must see the change, not the cached page from before.
"""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db

Status = Comment.Status
TEXT = "Gentle stretching before bed eased my cramps."


@pytest.fixture
def desk(django_user_model) -> Client:
    """A moderator's browser, signed in."""
    user = django_user_model.objects.create_user("mia", "mia.mod@example.com", "pw-mia-123456")
    user.groups.add(Group.objects.get(name="Moderators"))
    client = Client()
    client.force_login(user)
    return client


def reader_page(article) -> str:
    """The article page as a plain reader (no cookies at all) gets it."""
    response = Client().get(reverse("articles:detail", kwargs={"slug": article.slug}))
    assert response.status_code == 200
    assert not response.cookies
    return response.content.decode()


def act(desk: Client, action: str, comment: Comment) -> None:
    response = desk.post(reverse("moderation:act"), {"row_action": f"{action}:{comment.pk}"})
    assert response.status_code == 302


def test_a_moderators_edit_shows_to_plain_readers_at_once(article, desk):
    comment = make_comment(article, body=TEXT)
    assert TEXT in reader_page(article)

    response = desk.post(
        reverse("moderation:edit", kwargs={"pk": comment.pk}),
        {"body": "Stretching helped me, as the moderator edited it."},
    )

    assert response.status_code == 302
    page = reader_page(article)
    assert "Stretching helped me, as the moderator edited it." in page
    assert TEXT not in page


def test_a_moderators_edit_of_a_reply_shows_to_plain_readers_at_once(article, desk):
    parent = make_comment(article, body="What helps with night cramps?")
    reply = make_comment(article, parent=parent, body=TEXT)
    assert TEXT in reader_page(article)

    desk.post(reverse("moderation:edit", kwargs={"pk": reply.pk}), {"body": "Edited reply."})

    page = reader_page(article)
    assert "Edited reply." in page
    assert TEXT not in page


# Every status change through the row buttons: (status before, [actions], shown afterwards).
STATUS_CHANGES = {
    "approve a held comment": (Status.PENDING, ["approve"], True),
    "remove a published comment": (Status.APPROVED, ["remove"], False),
    "mark a published comment as spam": (Status.APPROVED, ["spam"], False),
    "restore a removed comment": (Status.APPROVED, ["remove", "restore"], True),
    "restore a comment marked as spam": (Status.APPROVED, ["spam", "restore"], True),
}


@pytest.mark.parametrize(
    ("before", "actions", "shown_after"),
    STATUS_CHANGES.values(),
    ids=STATUS_CHANGES.keys(),
)
def test_a_moderation_act_shows_to_plain_readers_at_once(
    article, desk, before, actions, shown_after
):
    make_comment(article, body="A published comment by another reader.")
    comment = make_comment(article, body=TEXT, status=before)
    *setup, last = actions
    for action in setup:
        act(desk, action, comment)
    assert (TEXT in reader_page(article)) is (not shown_after)

    act(desk, last, comment)

    comment.refresh_from_db()
    assert (comment.status == Status.APPROVED) is shown_after
    page = reader_page(article)
    assert (TEXT in page) is shown_after
    assert "A published comment by another reader." in page


def test_a_comment_hidden_by_reports_returns_for_readers_when_the_reports_are_dismissed(
    article, desk, settings
):
    settings.COMMENTS_REPORT_THRESHOLD = 2
    comment = make_comment(article, body=TEXT)
    for ip in ("198.51.100.7", "203.0.113.9"):
        response = Client(REMOTE_ADDR=ip).post(
            reverse("comments:report", kwargs={"pk": comment.pk}), {"reason": "off_topic"}
        )
        assert response.status_code == 302
    assert TEXT not in reader_page(article)

    act(desk, "dismiss", comment)

    assert TEXT in reader_page(article)


def test_removing_everything_by_an_author_shows_to_plain_readers_at_once(article, desk):
    first = make_comment(article, author_email="troll@example.com", body=TEXT)
    make_comment(article, author_email="troll@example.com", body="More of the same.")
    page = reader_page(article)
    assert TEXT in page and "More of the same." in page

    desk.post(reverse("moderation:remove-all", kwargs={"pk": first.pk}))

    page = reader_page(article)
    assert TEXT not in page
    assert "More of the same." not in page


def test_a_moderators_reply_shows_to_plain_readers_at_once(article, desk):
    comment = make_comment(article, body=TEXT)
    assert TEXT in reader_page(article)

    desk.post(
        reverse("moderation:reply", kwargs={"pk": comment.pk}),
        {"body": "Thanks, please also ask your neurologist."},
    )

    assert "Thanks, please also ask your neurologist." in reader_page(article)
