"""Confirmation and unsubscribe mail and pages name what they confirm or stop: reply
notifications, new comments on the followed articles (by title), or both."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings

from tests.comments.subscriptions.test_reply_notifications import link, press
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
WALTER = "walter.private@example.com"


def heading(page) -> str:
    return re.search(r"<h1>(.*?)</h1>", page.text, re.S)[1].strip()


@pytest.fixture
def browser():
    return Client()


@override_settings(COMMENTS_MODERATION="post")
def test_ticking_both_boxes_sends_one_mail_that_confirms_both(post, browser):
    post(make_article(title="Massage and MS"), notify_replies=True, follow_article=True)

    (message,) = mail.outbox
    assert "reply notifications and new comments on “Massage and MS”" in message.subject
    assert "when somebody replies to it" in message.body
    assert "“Massage and MS”" in message.body
    assert "reply notifications and the daily mail" in message.body
    page = browser.get(link(message, "confirm"))
    assert heading(page) == "Confirm reply notifications and new comments on articles you follow"
    assert "replies to your comments" in page.text and "<li>Massage and MS</li>" in page.text

    done = press(browser, page)

    assert "when somebody replies to your comments, and at most once a day" in done.text
    assert "<li>Massage and MS</li>" in done.text


@override_settings(COMMENTS_MODERATION="post")
def test_following_only_never_speaks_of_replies(post, browser):
    post(make_article(title="Massage and MS"), follow_article=True)

    (message,) = mail.outbox
    assert message.subject.endswith("Please confirm: new comments on “Massage and MS”")
    assert "repl" not in message.body.lower()
    page = browser.get(link(message, "confirm"))
    assert heading(page) == "Confirm new comments on articles you follow"
    assert "replies" not in page.text

    done = press(browser, page)

    assert "replies" not in done.text
    assert "at most once a day with the new comments" in done.text


@override_settings(COMMENTS_MODERATION="post")
def test_replies_only_confirms_reply_notifications(post, browser):
    post(make_article(title="Massage and MS"), notify_replies=True)

    (message,) = mail.outbox
    assert message.subject.endswith("Please confirm: reply notifications")
    assert "Massage and MS" not in message.body
    page = browser.get(link(message, "confirm"))
    assert heading(page) == "Confirm reply notifications"
    assert "new comments on" not in page.text


@override_settings(COMMENTS_MODERATION="post")
def test_the_unsubscribe_page_stops_all_comment_mail_and_says_what_that_is(post, browser):
    post(make_article(title="Massage and MS"), notify_replies=True, follow_article=True)
    (confirmation,) = mail.outbox
    press(browser, browser.get(link(confirmation, "confirm")))

    page = browser.get(link(confirmation, "unsubscribe"))

    assert heading(page) == "Stop all comment mail to this address"
    assert "the emails telling you of replies to your comments" in page.text
    assert "<li>Massage and MS</li>" in page.text
