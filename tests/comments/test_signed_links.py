"""Every mailed link is one scheme with one error: altered, expired, used, or naming a row
that is no longer the address's, each says so; links already in people's inboxes keep working."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone
from django.utils.crypto import salted_hmac

from comments import signed_links
from comments.models import Subscriber
from comments.signed_links import CONFIRM, DATA_ACCESS, UNSUBSCRIBE, InvalidLink
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscriber():
    return Subscriber.objects.create(email="walter@example.com", confirmed_at=timezone.now())


def test_an_unsubscribe_link_mailed_before_this_version_still_unsubscribes(subscriber):
    # The token the mail of earlier versions carried: the subscriber and a keyed hash.
    digest = salted_hmac(
        "comments.subscriptions.email", "walter@example.com", algorithm="sha256"
    ).hexdigest()[:24]
    token = signing.dumps({"s": subscriber.pk, "e": digest}, salt=UNSUBSCRIBE.salt)
    browser = Client()

    # Opened: it leads to the page of today's links, whose button stops the mail.
    page = browser.get(f"/subscriptions/unsubscribe/{token}/", follow=True)
    assert page.status_code == 200
    assert ">Unsubscribe</button>" in page.text
    assert Subscriber.objects.get().is_active, "opening the link changes nothing"
    response = browser.post(
        "/subscriptions/unsubscribe/", {"token": token, "List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None


def test_an_old_unsubscribe_header_still_works_in_one_click(subscriber):
    # What an RFC 8058 mail client posts to a List-Unsubscribe URL of an earlier version.
    token = signed_links.make(UNSUBSCRIBE, email=subscriber.email, subscriber=subscriber)

    response = Client(enforce_csrf_checks=True).post(
        f"/subscriptions/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"}
    )

    assert response.status_code == 200
    assert Subscriber.objects.get().unsubscribed_at is not None


@pytest.mark.parametrize("kind", [CONFIRM, UNSUBSCRIBE])
def test_a_link_for_one_purpose_does_not_work_for_another(kind, subscriber):
    token = signed_links.make(kind, email=subscriber.email, subscriber=subscriber)
    other = UNSUBSCRIBE if kind is CONFIRM else CONFIRM

    with pytest.raises(InvalidLink) as error:
        signed_links.target(other, token)

    assert error.value.reason == InvalidLink.INVALID


def test_a_link_whose_row_changed_hands_names_nothing(subscriber):
    token = signed_links.make(CONFIRM, email=subscriber.email, subscriber=subscriber)
    Subscriber.objects.filter(pk=subscriber.pk).update(email="someone.else@example.com")

    with pytest.raises(InvalidLink):
        signed_links.target(CONFIRM, token)


def test_a_confirmation_link_expires_after_its_days(subscriber):
    token = signed_links.make(CONFIRM, email=subscriber.email, subscriber=subscriber)

    later = timezone.now() + CONFIRM.max_age + timedelta(minutes=1)
    with time_machine.travel(later), pytest.raises(InvalidLink) as error:
        signed_links.target(CONFIRM, token)

    assert error.value.expired


def test_a_single_use_link_works_once(article):
    comment = make_comment(article, author_email="Walter@Example.com")
    token = signed_links.make(DATA_ACCESS, email="walter@example.com", comment_id=comment.pk)

    assert signed_links.target(DATA_ACCESS, token).email == "walter@example.com"
    assert signed_links.redeem(DATA_ACCESS, token).email == "walter@example.com"
    with pytest.raises(InvalidLink) as error:
        signed_links.redeem(DATA_ACCESS, token)

    assert error.value.reason == InvalidLink.USED
