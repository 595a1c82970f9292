"""Every page and every limit reads the visitor's address one way: behind the trusted proxies,
and an IPv6 visitor as their /64 network."""

import pytest
from django.core import mail
from django.test import Client

from comments.models import Comment
from comments.moderation import services
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


@pytest.mark.parametrize(
    ("forwarded", "stored"),
    [
        ("198.51.100.7:5555", "198.51.100.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("198.51.100.007", "198.51.100.7"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("2001:DB8::1%eth0", "2001:db8::1"),
        ("unknown", PROXY),
        ("", PROXY),
    ],
)
def test_every_spelling_a_proxy_sends_is_read_as_one_address(
    settings, article, comment_data, forwarded, stored
):
    settings.COMMENTS_TRUSTED_PROXIES = 1

    Client().post(
        f"/articles/{article.slug}/comments/",
        comment_data,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )

    assert Comment.objects.get().ip_address == stored


def test_an_address_the_proxy_cannot_name_still_meets_the_posting_gap(
    settings, article, comment_data
):
    settings.COMMENTS_TRUSTED_PROXIES = 1
    settings.COMMENTS_RATE_GAP_SECONDS = 15
    codes = [
        Client()
        .post(
            f"/articles/{article.slug}/comments/",
            {**comment_data, "email": f"r{n}@example.com", "comment": f"Words {n}"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="unknown",
        )
        .status_code
        for n in range(2)
    ]

    assert codes == [302, 429]


def test_a_ban_on_an_address_covers_its_ipv4_in_ipv6_spelling(article, comment_data):
    services.commenter_ban(kind="ip", value="198.51.100.7", reason="abuse", moderator=None)

    Client().post(
        f"/articles/{article.slug}/comments/", comment_data, REMOTE_ADDR="::ffff:198.51.100.7"
    )

    assert Comment.objects.get().status == Comment.Status.SPAM
