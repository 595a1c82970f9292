"""Commenters who ask for it hear of replies to their comment: confirmed once, easy to stop."""

import re
from datetime import UTC, datetime, timedelta
from email import policy as email_policy
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings

from comments import tasks
from comments.models import Comment, KeywordRule, Subscriber
from comments.moderation import services
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
WALTER = "walter.private@example.com"
REPLIER = "rita.secret@example.org"


def link(message, kind: str) -> str:
    """The confirm or unsubscribe link in a mail's text, site-relative (path and query)."""
    match = re.search(rf"https?://[^\s/]+/subscriptions/{kind}/\?token=\S+", message.body)
    assert match, f"the mail has a {kind} link"
    parts = urlsplit(match.group(0))
    return f"{parts.path}?{parts.query}"


def token_of(url: str) -> str:
    (token,) = parse_qs(urlsplit(url).query)["token"]
    return token


def press(browser: Client, page):
    """Press the page's (first) button: post its form with every hidden field it holds."""
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', page.text, re.S)
    assert form, "the page has a form"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form[2]))
    return browser.post(form[1], fields)


def unsubscribe(url: str):
    """The subscriber opens the unsubscribe link and presses "Unsubscribe"."""
    browser = Client()
    response = press(browser, browser.get(url))
    assert response.status_code == 200
    return response


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def confirm(address: str = WALTER) -> None:
    """The subscriber opens the confirmation mail and presses Confirm."""
    (confirmation,) = mails_to(address)
    browser = Client()
    response = press(browser, browser.get(link(confirmation, "confirm")))
    assert response.status_code == 200


@pytest.fixture
def subscribed_comment(post):
    """Walter's published comment, with replies asked for and his address confirmed."""
    with override_settings(COMMENTS_MODERATION="post"):
        comment = post(make_article(title="Massage and MS"), notify_replies=True)
    confirm()
    mail.outbox.clear()
    return comment


@override_settings(COMMENTS_MODERATION="post")
def test_first_subscription_sends_only_a_confirmation(post):
    post(make_article(), email="Walter.Private@Example.com", notify_replies=True)

    (message,) = mail.outbox
    assert message.to == [WALTER]
    assert "confirm" in message.subject.lower()
    assert link(message, "confirm")
    subscriber = Subscriber.objects.get()
    assert subscriber.email == WALTER
    assert subscriber.confirmed_at is None
    assert not subscriber.is_active


@override_settings(COMMENTS_MODERATION="post")
def test_no_reply_mail_before_confirmation(post):
    parent = post(make_article(), notify_replies=True)
    mail.outbox.clear()

    post(parent.article, email=REPLIER, name="Rita", parent_id=parent.pk)

    assert mail.outbox == []


@override_settings(COMMENTS_MODERATION="post", SITE_URL="https://news.example.org/")
def test_confirmed_subscriber_hears_of_an_approved_reply(post, subscribed_comment):
    reply = post(
        subscribed_comment.article,
        email=REPLIER,
        name="Rita",
        body="Try a foam roller & stretch <gently>.",
        parent_id=subscribed_comment.pk,
    )

    (message,) = mail.outbox
    assert message.to == [WALTER]
    assert message.subject == (
        "[Multiple Sclerosis News Today] \u2068Rita\u2069 replied to your comment "
        "on “Massage and MS”"
    )
    assert "\u2068Rita\u2069 replied to your comment" in message.body
    assert "Try a foam roller & stretch <gently>." in message.body, "plain text, unescaped"
    assert f"https://news.example.org{reply.get_absolute_url()}" in message.body


def test_pending_reply_sends_nothing_until_approved(post, subscribed_comment, approve):
    with override_settings(COMMENTS_MODERATION="pre"):
        reply = post(
            subscribed_comment.article, email=REPLIER, name="Rita", parent_id=subscribed_comment.pk
        )
    assert mails_to(WALTER) == []

    approve(reply)

    (message,) = mails_to(WALTER)
    assert "\u2068Rita\u2069 replied" in message.body


@override_settings(COMMENTS_MODERATION="post")
def test_a_reply_is_announced_once_even_if_published_again(
    post, subscribed_comment, moderator, django_capture_on_commit_callbacks
):
    reply = post(subscribed_comment.article, email=REPLIER, parent_id=subscribed_comment.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.comments_mark_spam(comments=[reply], moderator=moderator)
    with django_capture_on_commit_callbacks(execute=True):
        services.comments_restore(comments=[reply], moderator=moderator)

    assert Comment.objects.get(pk=reply.pk).status == Comment.Status.APPROVED
    assert len(mails_to(WALTER)) == 1


@override_settings(COMMENTS_MODERATION="post")
def test_replying_to_yourself_sends_no_mail(post, subscribed_comment):
    post(
        subscribed_comment.article,
        email="WALTER.private@example.com",
        parent_id=subscribed_comment.pk,
    )

    assert mail.outbox == []


@override_settings(COMMENTS_MODERATION="post")
def test_replies_to_a_comment_that_did_not_ask_send_no_mail(post, subscribed_comment):
    other = post(subscribed_comment.article, body="No mail for me, thanks.")

    post(other.article, email=REPLIER, parent_id=other.pk)

    assert mail.outbox == []


@override_settings(COMMENTS_MODERATION="post")
def test_a_reply_queues_a_mail_job_only_when_the_comment_it_answers_asked(
    post, subscribed_comment, monkeypatch
):
    queued = []
    monkeypatch.setattr(tasks, "notify_reply", SimpleNamespace(enqueue=queued.append))
    other = post(subscribed_comment.article, body="No mail for me, thanks.")

    post(other.article, email=REPLIER, parent_id=other.pk)
    asked = post(other.article, email=REPLIER, parent_id=subscribed_comment.pk)

    # A site with a task queue keeps no row, and runs no job, for a mail nobody asked for.
    assert queued == [asked.pk]


@override_settings(COMMENTS_MODERATION="post")
def test_reply_mail_never_reveals_the_repliers_email(post, subscribed_comment):
    post(subscribed_comment.article, email=REPLIER, name="Rita", parent_id=subscribed_comment.pk)

    (message,) = mail.outbox
    assert message.reply_to == []
    assert REPLIER not in message.message().as_string()
    assert "rita.secret" not in message.message().as_string()


@override_settings(COMMENTS_MODERATION="post")
def test_every_commenter_mail_has_one_click_unsubscribe_headers(post):
    parent = post(make_article(), notify_replies=True)
    confirm()
    post(parent.article, email=REPLIER, parent_id=parent.pk)

    confirmation, reply_mail = mails_to(WALTER)
    for message in (confirmation, reply_mail):
        # As the SMTP backend puts it on the wire: the URL must stay plain, not encoded.
        wire = message.message(policy=email_policy.SMTP).as_bytes().decode()
        url = re.search(r"^List-Unsubscribe: <(https?://\S+)>\r$", wire, re.M).group(1)
        assert f"{urlsplit(url).path}?{urlsplit(url).query}" == link(message, "unsubscribe")
        assert "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in wire


@override_settings(COMMENTS_MODERATION="post")
def test_unsubscribe_link_stops_further_mails(post, subscribed_comment):
    post(subscribed_comment.article, email=REPLIER, parent_id=subscribed_comment.pk)
    (first,) = mail.outbox

    response = unsubscribe(link(first, "unsubscribe"))

    assert "You will get no more reply notifications" in response.text
    assert ">Subscribe again</button>" in response.text
    post(subscribed_comment.article, email="someone@example.net", parent_id=subscribed_comment.pk)
    assert len(mail.outbox) == 1


@override_settings(COMMENTS_MODERATION="post")
def test_one_click_post_unsubscribes_without_csrf(post, subscribed_comment):
    post(subscribed_comment.article, email=REPLIER, parent_id=subscribed_comment.pk)
    mail_client = Client(enforce_csrf_checks=True)

    response = mail_client.post(
        link(mail.outbox[0], "unsubscribe"), {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    assert Subscriber.objects.get().unsubscribed_at is not None


@override_settings(COMMENTS_MODERATION="post")
def test_a_post_without_the_one_click_body_unsubscribes_nobody(post, subscribed_comment):
    post(subscribed_comment.article, email=REPLIER, parent_id=subscribed_comment.pk)

    response = Client().post(link(mail.outbox[0], "unsubscribe"), {"something": "else"})

    assert response.status_code == 400
    assert Subscriber.objects.get().is_active


@override_settings(COMMENTS_MODERATION="post")
def test_confirmation_link_from_a_scanner_GET_does_not_confirm(post):
    post(make_article(), notify_replies=True)

    response = Client().get(link(mail.outbox[0], "confirm"))

    assert response.status_code == 200
    assert ">Confirm</button>" in response.text
    assert 'method="post"' in response.text
    assert not Subscriber.objects.get().is_active


@override_settings(COMMENTS_MODERATION="post")
def test_tampered_token_gets_a_clear_page(post):
    post(make_article(), notify_replies=True)
    url = link(mail.outbox[0], "confirm")
    tampered = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]

    for response in (Client().get(tampered), Client().post(tampered)):
        assert response.status_code == 400
        assert "This link does not work" in response.text
        assert "changed" in response.text
    assert not Subscriber.objects.get().is_active


@override_settings(COMMENTS_MODERATION="post")
def test_an_unsubscribe_token_does_not_work_as_a_confirmation(post):
    post(make_article(), notify_replies=True)
    unsubscribe_token = token_of(link(mail.outbox[0], "unsubscribe"))

    response = Client().post("/subscriptions/confirm/", {"token": unsubscribe_token})

    assert response.status_code == 400
    assert not Subscriber.objects.get().is_active


@override_settings(COMMENTS_MODERATION="post")
def test_an_expired_confirmation_link_says_so(post):
    with time_machine.travel(T0, tick=False):
        post(make_article(), notify_replies=True)

    with time_machine.travel(T0 + timedelta(days=8), tick=False):
        response = Client().post(link(mail.outbox[0], "confirm"))

    assert response.status_code == 400
    assert "expired" in response.text
    assert not Subscriber.objects.get().is_active


@override_settings(COMMENTS_MODERATION="post")
def test_confirmation_mails_are_limited_to_one_a_day(post):
    article = make_article()
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            post(article, notify_replies=True)
    with time_machine.travel(T0 + timedelta(hours=23), tick=False):
        post(article, notify_replies=True)
    assert len(mail.outbox) == 1

    with time_machine.travel(T0 + timedelta(hours=25), tick=False):
        post(article, notify_replies=True)

    assert len(mail.outbox) == 2


@override_settings(COMMENTS_MODERATION="post")
def test_an_address_confirmed_once_gets_no_more_confirmations(post, subscribed_comment):
    post(subscribed_comment.article, notify_replies=True)

    assert mail.outbox == []


@override_settings(COMMENTS_MODERATION="post")
def test_a_spam_comment_cannot_make_the_site_mail_anyone(post):
    KeywordRule.objects.create(phrase="casino", action=KeywordRule.Action.SPAM)

    post(make_article(), body="Best casino bonus", notify_replies=True)

    assert mail.outbox == []


@override_settings(COMMENTS_MODERATION="post")
def test_ticking_the_box_after_unsubscribing_asks_for_confirmation_again(post):
    article = make_article()
    with time_machine.travel(T0, tick=False):
        post(article, notify_replies=True)
        confirm()
        unsubscribe(link(mail.outbox[0], "unsubscribe"))

    with time_machine.travel(T0 + timedelta(days=2), tick=False):
        parent = post(article, notify_replies=True)
        post(article, email=REPLIER, parent_id=parent.pk)
        assert len(mail.outbox) == 2, "a new confirmation, and no reply mail before it"
        confirm_page = Client().get(link(mail.outbox[1], "confirm"))
        press(Client(), confirm_page)

        subscriber = Subscriber.objects.get()
        assert subscriber.is_active
        assert subscriber.unsubscribed_at is None


@override_settings(COMMENTS_MODERATION="post")
def test_subscribe_again_sends_a_new_confirmation_at_most_once_a_day(post):
    article = make_article()
    with time_machine.travel(T0, tick=False):
        post(article, notify_replies=True)
        confirm()
    browser = Client(enforce_csrf_checks=True)

    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        page = press(browser, browser.get(link(mail.outbox[0], "unsubscribe")))
        response = press(browser, page)
    assert "less than a day ago" in response.text
    assert len(mail.outbox) == 1

    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        page = browser.get(link(mail.outbox[0], "unsubscribe"))  # unsubscribed already
        response = press(browser, page)
    assert response.status_code == 200
    assert "We have sent a confirmation link" in response.text
    assert len(mail.outbox) == 2
    assert not Subscriber.objects.get().is_active, "not before the new link is clicked"


@override_settings(COMMENTS_MODERATION="post")
def test_subscription_pages_never_show_the_address(post):
    post(make_article(), notify_replies=True)
    browser = Client()
    confirmation = mail.outbox[0]

    unsubscribe_token = token_of(link(confirmation, "unsubscribe"))

    pages = [
        browser.get(link(confirmation, "confirm")),
        press(browser, browser.get(link(confirmation, "confirm"))),
        browser.get(link(confirmation, "unsubscribe")),
        browser.post("/subscriptions/subscribe-again/", {"token": unsubscribe_token}),
        press(browser, browser.get(link(confirmation, "unsubscribe"))),
    ]

    for response in pages:
        assert response.status_code == 200
        assert "walter" not in response.text.lower()
        assert "w•••@example.com" in response.text
        assert "no-cache" in response["Cache-Control"]


@override_settings(COMMENTS_MODERATION="post", COMMENTS_MAX_DEPTH=2)
def test_a_reply_at_the_deepest_level_reaches_the_person_it_answers(post):
    article = make_article()
    top = post(article, email="top@example.org", name="Top")
    deepest = post(article, parent_id=top.pk, notify_replies=True)  # Walter, subscribed
    confirm()
    mail.outbox.clear()

    reply = post(article, email=REPLIER, name="Rita", parent_id=deepest.pk)

    assert reply.parent == top  # shown beside Walter's comment: the thread is two levels deep
    assert reply.in_reply_to == deepest
    (message,) = mails_to(WALTER)
    assert "\u2068Rita\u2069 replied" in message.body
