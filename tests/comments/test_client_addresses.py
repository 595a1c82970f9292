"""Every page and every limit reads the visitor's address one way: behind the trusted proxies,
and an IPv6 visitor as their /64 network."""

import pytest
from django.core import mail
from django.test import Client

from comments.models import Comment
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"


def ask_for_data_link(client: Client, email: str, forwarded_for: str):
    return client.post(
        "/privacy/my-data/",
        {"email": email},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.fixture
def eight_commenters(settings, article):
    """Eight addresses with a comment each, behind one trusted proxy."""
    settings.COMMENTS_TRUSTED_PROXIES = 1
    for n in range(8):
        make_comment(article, author_email=f"reader{n}@example.com")
    mail.outbox.clear()


def test_behind_a_proxy_each_visitor_has_their_own_data_link_limit(eight_commenters):
    for n in range(8):
        ask_for_data_link(Client(), f"reader{n}@example.com", f"198.51.100.{n + 1}")

    assert len(mail.outbox) == 8


def test_behind_a_proxy_one_visitor_still_meets_the_limit(eight_commenters):
    for n in range(8):
        ask_for_data_link(Client(), f"reader{n}@example.com", "198.51.100.77")

    assert len(mail.outbox) == 5  # five an hour per visitor


def test_a_forged_forwarded_for_does_not_dodge_the_limit(eight_commenters):
    for n in range(8):
        # The visitor writes their own X-Forwarded-For; the proxy appends the real address.
        ask_for_data_link(Client(), f"reader{n}@example.com", f"192.0.2.{n}, 198.51.100.77")

    assert len(mail.outbox) == 5


def post(client, article, data, address):
    return client.post(f"/articles/{article.slug}/comments/", data, REMOTE_ADDR=address)


@pytest.mark.parametrize(
    ("first", "second", "limited"),
    [
        ("2001:db8:5:6::1", "2001:db8:5:6::abcd", True),
        ("2001:db8:5:6::1", "2001:db8:5:7::1", False),
    ],
)
def test_an_ipv6_visitor_cannot_dodge_the_posting_gap_with_a_new_address(
    settings, article, comment_data, first, second, limited
):
    settings.COMMENTS_RATE_GAP_SECONDS = 15
    post(Client(), article, comment_data, first)

    response = post(
        Client(),
        article,
        {**comment_data, "email": "someone.else@example.com", "comment": "Other words."},
        second,
    )

    assert (response.status_code == 429) is limited
    assert Comment.objects.count() == (1 if limited else 2)
