"""Mail to readers quotes a comment as readers saw it on the page (the text of its sanitized
HTML, ``plain_text.plain_text``), never the markup its author typed: a follower's digest
(``follow_mail``) and a reply notification (``tasks.notify_reply``)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings

from comments.follow_mail import send_follow_digests
from tests.comments.subscriptions.test_follow_article import follow, press
from tests.comments.subscriptions.test_reply_notifications import confirm, link
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
FIONA = "fiona.follows@example.com"
HOSTILE = "<a href='javascript:alert(1)'>x</a> and <b>bold</b> &amp;lt; here\n\nSecond part."
SEEN = "x and bold &amp;lt; here"  # typed text shows as typed


@override_settings(COMMENTS_MODERATION="pre")
def test_the_follow_digest_quotes_the_text_readers_saw(
    client, post, approve, django_capture_on_commit_callbacks
):
    article = make_article(title="Massage and MS")
    with time_machine.travel(T0, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            follow(client, article, email=FIONA)
        (confirmation,) = mail.outbox
        browser = Client()
        press(browser, browser.get(link(confirmation, "confirm")))
    mail.outbox.clear()
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        held = post(article, email="rita@example.org", name="Rita", body=HOSTILE)
        approve(held)
        mail.outbox.clear()
        assert send_follow_digests() == 1

    (digest,) = mail.outbox
    assert f"{SEEN} Second part." in digest.body
    assert "javascript" not in digest.body
    assert "<a " not in digest.body and "<b>" not in digest.body


@override_settings(COMMENTS_MODERATION="post")
def test_the_reply_mail_quotes_both_comments_as_readers_saw_them(post):
    parent = post(make_article(), notify_replies=True, body=f"Mine: {HOSTILE}")
    confirm()
    mail.outbox.clear()

    post(parent.article, email="rita@example.org", name="Rita", body=HOSTILE, parent_id=parent.pk)

    (message,) = mail.outbox
    assert f"{SEEN}\n\nSecond part." in message.body, "the reply, paragraphs kept"
    assert f'"Mine: {SEEN} Second part."' in message.body, "the excerpt, on one line"
    assert "javascript" not in message.body
    assert "<a " not in message.body and "<b>" not in message.body
