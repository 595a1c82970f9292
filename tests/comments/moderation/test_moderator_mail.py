"""Moderators hear of held comments: one mail at once, then a digest a minute at most."""

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.tasks import task_backends
from django.test import override_settings

from comments.models import Comment, ModeratorMail
from comments.posting import services as posting
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db

T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


@override_settings(COMMENTS_MODERATION="pre")
def test_moderators_get_one_mail_per_held_comment(post, moderator):
    article = make_article()
    with time_machine.travel(T0, tick=False):
        post(article, body="First held comment.")
    assert [message.to for message in mail.outbox] == [["maya.mod@example.com"]]

    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        post(article, body="Second held comment.")
    assert len(mail.outbox) == 2
    assert "Second held comment." in mail.outbox[1].body
    assert "First held comment." not in mail.outbox[1].body


@override_settings(
    COMMENTS_MODERATION="pre",
    COMMENTS_MODERATOR_EMAILS=["desk@example.com", "MAYA.MOD@example.com"],
)
def test_moderator_mail_goes_to_the_setting_and_active_group_members_once(
    post, moderator, django_user_model
):
    retired = django_user_model.objects.create_user("old", "old@example.com", "pw")
    retired.groups.add(Group.objects.get(name="Moderators"))
    retired.is_active = False
    retired.save()
    django_user_model.objects.create_superuser("root", "root@example.com", "pw")

    post(make_article())

    assert sorted(message.to[0] for message in mail.outbox) == [
        "desk@example.com",
        "maya.mod@example.com",
    ]


@override_settings(COMMENTS_MODERATION="auto", SITE_URL="https://news.example.org")
def test_held_comment_mail_says_what_was_held_and_why(post, moderator):
    article = make_article(title="Massage therapy eases MS fatigue")
    comment = post(article, name="Walter", body="Which massage device helps?\nThanks!")

    (message,) = mail.outbox
    assert "Massage therapy eases MS fatigue" in message.subject
    assert "Massage therapy eases MS fatigue" in message.body
    assert "\u2068Walter\u2069 <walter.private@example.com>" in message.body
    assert "first comment from this email" in message.body
    assert '"Which massage device helps? Thanks!"' in message.body
    assert "https://news.example.org/moderation/?status=pending" in message.body
    assert f"https://news.example.org/moderation/comment/{comment.pk}/" in message.body


@override_settings(COMMENTS_MODERATION="pre")
def test_moderator_mail_explains_itself_instead_of_an_unsubscribe_link(post, moderator):
    post(make_article())

    (message,) = mail.outbox
    assert "You get this because you moderate comments on Multiple Sclerosis News Today" in (
        message.body
    )
    assert "List-Unsubscribe" not in message.extra_headers
    assert message.from_email == "webmaster@localhost"


@override_settings(COMMENTS_MODERATION="pre")
def test_a_burst_of_held_comments_becomes_one_digest_per_minute(post, moderator):
    article = make_article()
    for seconds, body in [(0, "Alpha"), (10, "Bravo"), (20, "Charlie"), (59, "Delta")]:
        with time_machine.travel(T0 + timedelta(seconds=seconds), tick=False):
            post(article, body=f"{body} comment.", email=f"{body.lower()}@example.com")
    assert len(mail.outbox) == 1, "one mail in the first minute, however many are held"

    with time_machine.travel(T0 + timedelta(seconds=75), tick=False):
        post(article, body="Echo comment.", email="echo@example.com")

    assert len(mail.outbox) == 2
    digest = mail.outbox[1]
    assert "4 comments held for moderation" in digest.subject
    for body in ("Bravo", "Charlie", "Delta", "Echo"):
        assert f"{body} comment." in digest.body
    assert "Alpha comment." not in digest.body


@override_settings(
    COMMENTS_MODERATION="pre",
    TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}},
)
def test_with_a_deferring_worker_the_digest_goes_out_when_the_minute_is_over(post, moderator):
    backend = task_backends["default"]

    def run_due_tasks():
        due = [r for r in backend.results if r.task.run_after is None or r.task.run_after <= now]
        for result in due:
            backend.results.remove(result)
            result.task.call(*result.args, **result.kwargs)

    article = make_article()
    for seconds, body in [(0, "Alpha"), (10, "Bravo"), (20, "Charlie")]:
        now = T0 + timedelta(seconds=seconds)
        with time_machine.travel(now, tick=False):
            post(article, body=f"{body} comment.", email=f"{body.lower()}@example.com")
            run_due_tasks()
    assert len(mail.outbox) == 1
    (deferred,) = backend.results
    assert deferred.task.run_after == T0 + timedelta(seconds=60)

    now = T0 + timedelta(seconds=60)
    with time_machine.travel(now, tick=False):
        run_due_tasks()

    assert len(mail.outbox) == 2
    assert "Bravo comment." in mail.outbox[1].body
    assert "Charlie comment." in mail.outbox[1].body
    assert ModeratorMail.objects.get().last_sent_at == now


@override_settings(COMMENTS_MODERATION="pre")
def test_comments_already_dealt_with_drop_out_of_the_digest(post, moderator, approve):
    article = make_article()
    with time_machine.travel(T0, tick=False):
        post(article, body="Alpha comment.")
    with time_machine.travel(T0 + timedelta(seconds=10), tick=False):
        bravo = post(article, body="Bravo comment.")
        approve(bravo)
    with time_machine.travel(T0 + timedelta(seconds=90), tick=False):
        post(article, body="Charlie comment.")

    assert "Bravo comment." not in mail.outbox[-1].body
    assert "Charlie comment." in mail.outbox[-1].body


def test_a_comment_hidden_by_reader_reports_reaches_the_moderators(
    moderator, django_capture_on_commit_callbacks
):
    comment = make_comment(make_article(), body="An old approved comment.")
    with django_capture_on_commit_callbacks(execute=True):
        for reader, ip in (("a", "198.51.100.7"), ("b", "203.0.113.9"), ("c", "192.0.2.44")):
            posting.comment_report(
                comment=comment, reason="abuse", note="", reporter=reader, ip_address=ip
            )

    (message,) = mail.outbox
    assert "An old approved comment." in message.body
    assert "reported from 3 networks" in message.body


@override_settings(COMMENTS_MODERATION="pre")
def test_a_long_digest_lists_fifty_and_counts_the_rest(post, moderator):
    article = make_article()
    with time_machine.travel(T0 - timedelta(hours=1), tick=False):
        for n in range(55):
            make_comment(article, status=Comment.Status.PENDING, body=f"Backlog {n}.")
    with time_machine.travel(T0, tick=False):
        post(article, body="The newest one.")

    (message,) = mail.outbox
    assert "56 comments held for moderation" in message.subject
    assert message.body.count("/moderation/comment/") == 50
    assert "…and 6 more." in message.body


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's limit on query parameters")
@override_settings(COMMENTS_MODERATION="pre")
def test_a_digest_of_more_held_comments_than_a_query_takes_parameters_still_goes(post, moderator):
    # A long mail outage: more held comments since the last mail than SQLite takes
    # parameters in one statement (32,766 by default; lowered here to keep the test quick).
    connection.ensure_connection()
    connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 40)
    article = make_article()
    try:
        with time_machine.travel(T0 - timedelta(hours=1), tick=False):
            # 41 and the newest: a number no other test's digest has, as SQLite checks the
            # limit when it first prepares a statement, and keeps prepared ones.
            for n in range(41):
                make_comment(article, status=Comment.Status.PENDING, body=f"Backlog {n}.")
        with time_machine.travel(T0, tick=False):
            post(article, body="The newest one.")
    finally:
        connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32766)

    (message,) = mail.outbox
    assert "42 comments held for moderation" in message.subject
