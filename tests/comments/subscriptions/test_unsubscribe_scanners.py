"""Opening an unsubscribe link changes nothing; a person's button or a mail client's one-click
POST stops the mail; links work for two years, and an expired one still says how to stop it.

Mail scanners (corporate gateways, Outlook's Safe Links, link previews) open every link in a
mail without cookies. Had opening the link unsubscribed, every subscriber behind one would lose
their reply mail without ever asking.
"""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from comments import signed_links
from comments.models import Subscriber
from tests.conftest import make_article

pytestmark = pytest.mark.django_db

T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)
WALTER = "walter.private@example.com"


@pytest.fixture
def subscriber():
    return Subscriber.objects.create(email=WALTER, confirmed_at=timezone.now())


def unsubscribe_url(subscriber) -> str:
    """The link as a mail carries it (absolute, the token in the query string)."""
    token = signed_links.make(
        signed_links.UNSUBSCRIBE, email=subscriber.email, subscriber=subscriber
    )
    return signed_links.url(signed_links.UNSUBSCRIBE, token)


def site_relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def still_subscribed() -> bool:
    return Subscriber.objects.get(email=WALTER).is_active


def press_unsubscribe(browser: Client, page):
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', page.text, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form[2]))
    return browser.post(form[1], fields)


def test_a_mail_scanner_opening_the_link_unsubscribes_nobody(subscriber):
    scanner = Client()  # no cookie, follows every link, sometimes twice, sometimes HEAD first
    url = site_relative(unsubscribe_url(subscriber))

    head = scanner.head(url)
    first = scanner.get(url)
    second = scanner.get(url)

    assert head.status_code == 200, "HEAD answers like GET (and, like it, changes nothing)"
    assert first.status_code == second.status_code == 200
    assert ">Unsubscribe</button>" in first.text
    assert still_subscribed()


def test_pressing_unsubscribe_works_without_any_cookie(subscriber):
    browser = Client(enforce_csrf_checks=True)  # as strict as a real browser
    page = browser.get(site_relative(unsubscribe_url(subscriber)))
    assert not page.cookies, "the page sets no cookie, so a browser that refuses them can stop"

    response = press_unsubscribe(browser, page)

    assert response.status_code == 200
    assert "You will get no more reply notifications" in response.text
    assert not still_subscribed()


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_a_mail_clients_one_click_post_to_the_header_url_unsubscribes(encoding, post):
    with override_settings(COMMENTS_MODERATION="post"):
        post(make_article(), email=WALTER, notify_replies=True)
    (confirmation,) = mail.outbox
    header = confirmation.extra_headers["List-Unsubscribe"]
    assert confirmation.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(https?://\S+)>", header)[1]
    assert urlsplit(url).path == "/subscriptions/unsubscribe/"
    assert urlsplit(url).query.startswith("token=")
    Subscriber.objects.update(confirmed_at=timezone.now())
    mail_client = Client(enforce_csrf_checks=True)  # no cookie, no CSRF token, no token field

    if encoding == "multipart":
        response = mail_client.post(site_relative(url), {"List-Unsubscribe": "One-Click"})
    else:
        response = mail_client.post(
            site_relative(url),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )

    assert response.status_code == 200
    assert not still_subscribed()


def test_a_post_that_is_not_one_click_unsubscribes_nobody(subscriber):
    response = Client().post(site_relative(unsubscribe_url(subscriber)), {"List-Unsubscribe": "x"})

    assert response.status_code == 400
    assert still_subscribed()


def test_an_unsubscribe_link_works_for_two_years(subscriber):
    assert signed_links.UNSUBSCRIBE.max_age == timedelta(days=730)
    with time_machine.travel(T0, tick=False):
        url = site_relative(unsubscribe_url(subscriber))

    with time_machine.travel(T0 + timedelta(days=729), tick=False):
        response = press_unsubscribe(Client(), Client().get(url))

    assert response.status_code == 200
    assert not still_subscribed()


def test_an_expired_unsubscribe_link_still_says_how_to_stop_the_mail(subscriber):
    with time_machine.travel(T0, tick=False):
        url = site_relative(unsubscribe_url(subscriber))

    with time_machine.travel(T0 + timedelta(days=731), tick=False):
        opened = Client().get(url)
        one_click = Client().post(url, {"List-Unsubscribe": "One-Click"})

    assert opened.status_code == one_click.status_code == 400
    assert "has expired: such links work for 2 years" in opened.text
    assert "Every mail we send carries a new link" in opened.text
    assert 'href="/privacy/my-data/"' in opened.text
    assert still_subscribed(), "an expired link changes nothing"


def test_a_link_from_before_expiry_existed_expires_two_years_after_it_was_mailed(subscriber):
    # Earlier versions signed without a lifetime; signing.dumps stamped the time all the same.
    with time_machine.travel(T0, tick=False):
        token = signed_links.make(
            signed_links.UNSUBSCRIBE, email=subscriber.email, subscriber=subscriber
        )
    old_link = f"/subscriptions/unsubscribe/{token}/"

    with time_machine.travel(T0 + timedelta(days=700), tick=False):
        assert Client().get(old_link, follow=True).status_code == 200
    with time_machine.travel(T0 + timedelta(days=731), tick=False):
        assert Client().get(old_link, follow=True).status_code == 400


@override_settings(COMMENTS_MODERATION="post", TIME_ZONE="UTC")
def test_the_mail_says_until_when_its_unsubscribe_link_works(post):
    with time_machine.travel(T0, tick=False):
        post(make_article(), email=WALTER, notify_replies=True)

    (confirmation,) = mail.outbox
    assert "works until March 3, 2032" in confirmation.body


def test_the_button_page_never_shows_the_address(subscriber):
    page = Client().get(site_relative(unsubscribe_url(subscriber)))

    assert "walter" not in page.text.lower()
    assert "w•••@example.com" in page.text
    assert "no-cache" in page["Cache-Control"]


def test_a_tampered_link_unsubscribes_nobody(subscriber):
    token = signed_links.make(
        signed_links.UNSUBSCRIBE, email=subscriber.email, subscriber=subscriber
    )
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    response = Client().post(
        "/subscriptions/unsubscribe/?" + urlencode({"token": tampered}),
        {"List-Unsubscribe": "One-Click"},
    )

    assert response.status_code == 400
    assert still_subscribed()
