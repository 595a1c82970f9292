"""Approve, spam or remove from the held-comment mail: signed, single-use, expiring, POST only."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from comments import signed_links
from comments.models import Comment, ModerationLog, UsedLink
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
Status = Comment.Status
LINK = re.compile(r"https?://\S+")


def links_in(message) -> list[str]:
    return LINK.findall(message.body)


def action_links(message) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for label in ("Approve", "Spam", "Remove"):
        found[label] = re.findall(rf"{label}: (\S+)", message.body)
    return found


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def state() -> tuple:
    """Everything a click could change."""
    return (
        sorted(Comment.objects.values_list("pk", "status")),
        ModerationLog.objects.count(),
        UsedLink.objects.count(),
    )


@pytest.fixture
def held_mail(post, moderator):
    """A held comment and the mail the moderator got about it."""
    with override_settings(COMMENTS_MODERATION="pre"):
        comment = post(make_article(title="Fatigue and sleep"), body="Does melatonin help?")
    (message,) = mail.outbox
    return comment, message


def test_the_mail_carries_approve_spam_and_remove_links_per_comment(held_mail):
    _comment, message = held_mail
    links = action_links(message)
    assert all(len(found) == 1 for found in links.values()), message.body
    for (url,) in links.values():
        assert "/moderation/from-mail/?token=" in url
    # The mail to moderators already named the commenter's address; nothing new is exposed.
    assert message.body.count("walter.private@example.com") == 1


def test_a_mail_scanner_opening_every_link_changes_nothing(held_mail):
    comment, message = held_mail
    before = state()
    scanner = Client()

    for url in links_in(message):
        scanner.get(path_of(url))
        scanner.head(path_of(url))

    assert state() == before
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_opening_a_link_shows_the_comment_and_a_button(held_mail):
    _comment, message = held_mail
    (url,) = action_links(message)["Spam"]

    response = Client().get(path_of(url))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Spam this comment?" in page
    assert "Does melatonin help?" in page
    assert 'method="post"' in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_post_acts_once_logged_as_the_moderator(held_mail, moderator):
    comment, message = held_mail
    (url,) = action_links(message)["Approve"]
    client = Client()
    token = urlsplit(url).query.removeprefix("token=")

    response = client.post("/moderation/from-mail/", {"token": signed_token(token)})

    assert response.status_code == 200
    assert "1 comment approved." in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    entry = ModerationLog.objects.filter(comment=comment).first()
    assert (entry.action, entry.moderator) == ("approve", moderator)

    again = client.post("/moderation/from-mail/", {"token": signed_token(token)})
    assert again.status_code in (200, 400)
    assert "decided already" in again.content.decode() or "used already" in again.content.decode()
    assert ModerationLog.objects.filter(comment=comment).count() == 1


def signed_token(query_value: str) -> str:
    from urllib.parse import unquote

    return unquote(query_value)


def test_a_second_use_of_a_link_is_refused(held_mail, moderator):
    comment, _message = held_mail
    kind = signed_links.MODERATE
    token = signed_links.make(
        kind, email=moderator.email, comment_id=comment.pk, user=moderator, action="spam"
    )
    signed_links.redeem(kind, token)  # used already (say, in another tab)

    response = Client().post("/moderation/from-mail/", {"token": token})

    assert response.status_code == 400
    assert "used already" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_a_link_for_an_already_decided_comment_says_so(held_mail, approve):
    comment, message = held_mail
    approve(comment)
    (url,) = action_links(message)["Remove"]

    for response in (Client().get(path_of(url)), Client().post(path_of(url))):
        assert response.status_code == 200
        assert "decided already" in response.content.decode()
        assert "approved" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED


def test_an_expired_link_is_refused(held_mail):
    comment, message = held_mail
    (url,) = action_links(message)["Approve"]

    later = timezone.now() + signed_links.MODERATE.max_age + timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        response = Client().post(path_of(url))

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_a_forged_or_altered_link_is_refused(held_mail, moderator, settings):
    comment, message = held_mail
    (url,) = action_links(message)["Approve"]
    forged = [
        "/moderation/from-mail/",
        "/moderation/from-mail/?token=nonsense",
        path_of(url)[:-3] + "abc",
        # A token signed for another kind of link (the commenter's "confirm it's you").
        signed_links.location(
            "moderation:from-mail",
            signed_links.make(
                signed_links.COMMENTER, email=comment.author_email, comment_id=comment.pk
            ),
        ),
    ]
    for address in forged:
        response = Client().post(address)
        assert response.status_code == 400, address
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_a_moderator_who_lost_the_permission_is_refused(held_mail, moderator):
    comment, message = held_mail
    (url,) = action_links(message)["Approve"]
    moderator.groups.clear()

    for response in (Client().get(path_of(url)), Client().post(path_of(url))):
        assert response.status_code == 403
        assert "no longer" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_a_deactivated_moderators_link_does_nothing(held_mail, moderator):
    comment, message = held_mail
    (url,) = action_links(message)["Approve"]
    moderator.is_active = False
    moderator.save()

    assert Client().post(path_of(url)).status_code == 400
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


@override_settings(COMMENTS_MODERATION="pre", COMMENTS_MODERATOR_EMAILS=["desk@example.com"])
def test_an_address_without_a_moderator_account_gets_no_action_links(post, moderator):
    post(make_article())
    by_address = {message.to[0]: message for message in mail.outbox}

    assert "Approve:" not in by_address["desk@example.com"].body
    assert "Approve:" in by_address["maya.mod@example.com"].body


def test_permission_matrix_of_the_mail_link(held_mail, moderator, django_user_model):
    """The link is the proof, whoever's browser opens it; the link's moderator must moderate."""
    comment, message = held_mail
    (url,) = action_links(message)["Approve"]
    staff = django_user_model.objects.create_user("sam", "sam@example.com", "pw", is_staff=True)
    staff_client, mod_client = Client(), Client()
    staff_client.force_login(staff)
    mod_client.force_login(moderator)
    for client in (Client(), staff_client, mod_client):
        assert client.get(path_of(url)).status_code == 200
    # A link made for staff without the permission acts for nobody.
    token = signed_links.make(
        signed_links.MODERATE, email=staff.email, comment_id=comment.pk, user=staff, action="spam"
    )
    for client in (Client(), staff_client, mod_client):
        assert client.post("/moderation/from-mail/", {"token": token}).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="can_moderate"))
    staff = type(staff).objects.get(pk=staff.pk)
    assert Client().post("/moderation/from-mail/", {"token": token}).status_code == 200
    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    assert Group.objects.get(name="Moderators") in moderator.groups.all()


def test_the_remove_page_asks_for_the_rule_and_the_statement_cites_it(
    held_mail, moderator, django_capture_on_commit_callbacks
):
    """Removing from the mail picks a reason and a note, as the queue does: the statement of
    reasons names the rule instead of "the comment policy in general"."""
    from comments.models import RemovalReason

    comment, message = held_mail
    (url,) = action_links(message)["Remove"]
    reason = RemovalReason.objects.create(title="Off topic here", rule="Rule 9: stay on topic")
    client = Client()

    page = client.get(path_of(url)).content.decode()
    assert 'name="reason"' in page and "Off topic here" in page
    assert 'name="reason_note"' in page
    approve_page = client.get(path_of(action_links(message)["Approve"][0])).content.decode()
    assert 'name="reason"' not in approve_page

    token = signed_token(urlsplit(url).query.removeprefix("token="))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/moderation/from-mail/",
            {"token": token, "reason": str(reason.pk), "reason_note": "Please stay on topic."},
        )

    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.status == Status.REMOVED
    entry = ModerationLog.objects.filter(comment=comment, action="remove").first()
    assert (entry.reason, entry.note) == (reason, "Please stay on topic.")
    (statement,) = [m for m in mail.outbox if "was removed" in m.subject]
    assert "Rule 9: stay on topic" in statement.body
    assert "Please stay on topic." in statement.body
