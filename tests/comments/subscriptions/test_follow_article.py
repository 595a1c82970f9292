"""Readers follow an article: confirmed once by mail, a digest at most daily, easy to stop.

"Notify me of new comments on this article" is on the comment form (beside "Notify me of
replies") and in a small form under the thread for readers who don't comment. Nothing is
sent before the address confirms; opening a mailed link (as scanners do) changes nothing.
"""

import re
from datetime import UTC, datetime, timedelta
from io import StringIO
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings

from comments.follow_mail import send_follow_digests
from comments.models import ArticleFollow, Subscriber
from comments.privacy import services as privacy
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db

T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
FIONA = "fiona.follows@example.com"


def link(message, kind: str) -> str:
    match = re.search(rf"https?://[^\s/]+/subscriptions/{kind}/\?token=\S+", message.body)
    assert match, f"the mail has a {kind} link"
    parts = urlsplit(match.group(0))
    return f"{parts.path}?{parts.query}"


def press(browser: Client, page):
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', page.text, re.S)
    assert form, "the page has a form"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form[2]))
    return browser.post(form[1], fields)


def mails_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def follow(client, article, email=FIONA):
    return client.post(f"/articles/{article.slug}/follow/", {"email": email})


def confirm_from_mail(address: str = FIONA):
    (confirmation,) = mails_to(address)
    browser = Client()
    page = browser.get(link(confirmation, "confirm"))
    assert page.status_code == 200
    return press(browser, page)


@pytest.fixture
def followed(client, django_capture_on_commit_callbacks):
    """An article Fiona follows (confirmed), with no mail left in the outbox."""
    article = make_article(title="Massage and MS")
    with time_machine.travel(T0, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            follow(client, article)
        confirm_from_mail()
    mail.outbox.clear()
    return article


def test_the_article_page_offers_to_follow_beside_the_comment_form(client):
    article = make_article()

    page = client.get(article.get_absolute_url()).text

    assert 'name="follow_article"' in page
    assert "Notify me of new comments on this article" in page
    assert "Notify me of replies by email" in page
    assert f'action="/articles/{article.slug}/follow/' in page


def test_following_sends_only_a_confirmation_and_nothing_until_confirmed(
    client, django_capture_on_commit_callbacks
):
    article = make_article(title="Massage and MS")
    with django_capture_on_commit_callbacks(execute=True):
        response = follow(client, article, email="Fiona.Follows@Example.com")

    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [FIONA]
    assert "Massage and MS" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    follow_row = ArticleFollow.objects.get()
    assert follow_row.confirmed_at is None

    make_comment(article, body="News from the clinic.")
    assert send_follow_digests(now=datetime.now(UTC) + timedelta(days=2)) == 0


def test_opening_the_confirmation_link_confirms_nothing(client, django_capture_on_commit_callbacks):
    article = make_article()
    with django_capture_on_commit_callbacks(execute=True):
        follow(client, article)
    scanner = Client()

    scanner.get(link(mail.outbox[0], "confirm"))
    scanner.head(link(mail.outbox[0], "confirm"))

    assert ArticleFollow.objects.get().confirmed_at is None
    assert not Subscriber.objects.get().is_active


def test_pressing_confirm_starts_the_follow(client, django_capture_on_commit_callbacks):
    article = make_article(title="Massage and MS")
    with django_capture_on_commit_callbacks(execute=True):
        follow(client, article)

    response = confirm_from_mail()

    assert response.status_code == 200
    assert ArticleFollow.objects.get().confirmed_at is not None
    assert Subscriber.objects.get().is_active


def test_a_confirmed_address_must_confirm_a_new_follow_too(
    client, followed, django_capture_on_commit_callbacks
):
    other = make_article(title="Sleep and shift work")
    with (
        time_machine.travel(T0 + timedelta(days=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        follow(client, other)

    (message,) = mails_to(FIONA)
    assert "Sleep and shift work" in message.body
    assert ArticleFollow.objects.get(article=other).confirmed_at is None
    confirm_from_mail()
    assert ArticleFollow.objects.get(article=other).confirmed_at is not None


def test_a_bad_address_shows_the_form_again_with_what_was_typed(client):
    article = make_article()

    response = follow(client, article, email="fiona@")

    assert response.status_code == 400
    assert 'value="fiona@"' in response.text
    assert "Please enter a valid email address" in response.text
    assert not ArticleFollow.objects.exists()


def test_the_answer_does_not_tell_whether_the_address_follows_already(
    client, followed, django_capture_on_commit_callbacks
):
    first = follow(Client(), followed, email="someone.new@example.com")
    again = follow(Client(), followed)

    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Client().get(first["Location"]).status_code == 200


def test_ticking_the_box_on_the_comment_form_follows_after_confirming(
    client, settings, comment_data, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MODERATION = "post"
    article = make_article(title="Massage and MS")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/articles/{article.slug}/comments/", {**comment_data, "follow_article": "on"}
        )

    assert response.status_code == 302
    (message,) = mails_to("walter.private@example.com")
    assert "Massage and MS" in message.body
    confirm_from_mail("walter.private@example.com")
    assert ArticleFollow.objects.get().confirmed_at is not None


def test_a_comment_sent_to_spam_follows_nothing(post, settings):
    settings.COMMENTS_MODERATION = "post"
    article = make_article()

    post(article, follow_article=True, honeypot="I am a bot")

    assert not ArticleFollow.objects.exists()
    assert not mail.outbox


def test_the_digest_lists_new_public_comments_without_anyones_email(followed):
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        make_comment(
            followed, author_name="Rita", author_email="rita.secret@example.org", body="Try heat."
        )
        make_comment(followed, author_name="Held", body="Not public yet.", status="pending")
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        sent = send_follow_digests()

    assert sent == 1
    (digest,) = mail.outbox
    assert digest.to == [FIONA]
    assert "Massage and MS" in digest.subject
    assert "Rita" in digest.body and "Try heat." in digest.body
    assert "Not public yet" not in digest.body
    assert "rita.secret" not in digest.body + digest.subject + str(digest.extra_headers)
    assert "/subscriptions/unsubscribe/?token=" in digest.extra_headers["List-Unsubscribe"]
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_digest_goes_out_at_most_once_a_day(followed):
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        make_comment(followed, body="First news.")
        assert send_follow_digests() == 1
    with time_machine.travel(T0 + timedelta(hours=5), tick=False):
        make_comment(followed, body="Second news.")
        assert send_follow_digests() == 0
    with time_machine.travel(T0 + timedelta(hours=25, minutes=1), tick=False):
        assert send_follow_digests() == 1

    first, second = mail.outbox
    assert "First news." in first.body
    assert "Second news." in second.body and "First news." not in second.body


def test_no_digest_when_nothing_new(followed):
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        assert send_follow_digests() == 0
    assert not mail.outbox


def test_a_comment_approved_later_is_in_the_next_digest(followed, approve):
    with time_machine.travel(T0 - timedelta(hours=1), tick=False):
        held = make_comment(followed, body="Held for a while.", status="pending")
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        approve(held)
        assert send_follow_digests() == 1

    assert "Held for a while." in mail.outbox[-1].body


def test_the_management_command_sends_the_digests(followed):
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        make_comment(followed, body="From cron.")
        call_command("send_follow_digests", stdout=StringIO())

    assert "From cron." in mail.outbox[-1].body


def test_one_click_unsubscribe_stops_the_digest_and_opening_the_link_does_not(followed):
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        make_comment(followed, body="News.")
        send_follow_digests()
    url = mail.outbox[-1].extra_headers["List-Unsubscribe"].strip("<>")
    parts = urlsplit(url)
    target = f"{parts.path}?{parts.query}"

    Client().get(target)
    Client().head(target)
    assert Subscriber.objects.get().is_active

    response = Client().post(target, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscriber.objects.get().is_active
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        make_comment(followed, body="More news.")
        assert send_follow_digests() == 0


def test_export_lists_the_follows_and_erasure_removes_them(followed):
    data = privacy.commenter_export(email=FIONA)
    (row,) = data["reply_subscription"]["followed_articles"]
    assert row["title"] == "Massage and MS"

    privacy.commenter_erase(email=FIONA, actor_description="the commenter")

    assert not ArticleFollow.objects.exists()
    assert not Subscriber.objects.filter(email=FIONA).exists()


@override_settings(COMMENTS_MODERATION="post")
def test_too_many_follow_requests_from_one_network_are_refused(client):
    article = make_article()
    for n in range(10):
        assert follow(client, article, email=f"reader{n}@example.com").status_code == 302

    response = follow(client, article, email="one.more@example.com")

    assert response.status_code == 429
    assert ArticleFollow.objects.count() == 10
