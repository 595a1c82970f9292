"""One person, one identity: an address in any spelling a browser sends is one commenter.

``jane@exämple.com`` and ``jane@xn--exmple-cua.com`` are one mailbox; so are ``Jane@Example.com``
and `` jane@example.com ``. Subscriptions, bans, exports, erasure, author history and the
first-comment check all see one person.
"""

import contextlib
import string

import idna
import pytest
from django.core import mail
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from comments.identity import normalize_email, rate_limit_identity
from comments.models import Ban, Comment, Subscriber
from comments.moderation import queues, services
from comments.privacy import services as privacy

pytestmark = pytest.mark.django_db

UNICODE = "jane@exämple.com"
PUNYCODE = "jane@xn--exmple-cua.com"
SPELLINGS = [UNICODE, PUNYCODE, "Jane@EXÄMPLE.com", " jane@xn--EXMPLE-cua.com "]


@override_settings(COMMENTS_MODERATION="post")
def test_two_spellings_of_one_mailbox_get_one_subscription_and_one_mail(post, article):
    post(article, email=UNICODE, body="First words.", notify_replies=True)
    post(article, email=PUNYCODE, body="Second words.", notify_replies=True)

    assert list(Subscriber.objects.values_list("email", flat=True)) == [PUNYCODE]
    assert [message.to for message in mail.outbox] == [[PUNYCODE]]


@override_settings(COMMENTS_MODERATION="post")
def test_the_export_holds_every_comment_under_any_spelling(post, article):
    for number, email in enumerate(SPELLINGS):
        post(article, email=email, body=f"Comment {number}.")

    for email in SPELLINGS:
        exported = privacy.commenter_export(email=email)
        assert len(exported["comments"]) == len(SPELLINGS), email


@override_settings(COMMENTS_MODERATION="post")
def test_erasure_by_one_spelling_erases_all_of_them(post, article):
    for number, email in enumerate(SPELLINGS):
        post(article, email=email, body=f"Comment {number}.")

    erased = privacy.commenter_erase(email=UNICODE, actor_description="test")

    assert erased == len(SPELLINGS)
    assert not Comment.objects.exists()


def test_a_ban_in_one_spelling_catches_the_other(post, article):
    services.commenter_ban(kind="email", value=UNICODE, reason="abuse", moderator=None)

    comment = post(article, email=PUNYCODE, body="Trying again.")

    assert comment.status == Comment.Status.SPAM
    assert Ban.objects.get().value == PUNYCODE


def test_an_approved_comment_under_one_spelling_counts_for_the_other(post, article):
    first = post(article, email=UNICODE, body="My first comment.")
    services.comments_approve(comments=[first], moderator=None)

    second = post(
        article,
        email="JANE@XN--EXMPLE-CUA.COM",
        body="My second comment.",
        commenter_keys=[first.commenter_key],  # from the browser that posted the first
    )

    assert second.status == Comment.Status.APPROVED


def test_the_queue_shows_one_history_for_every_spelling(post, article):
    for number, email in enumerate(SPELLINGS):
        post(article, email=email, body=f"Comment {number}.")

    rows = queues.rows(list(Comment.objects.all()))

    assert {row.history["pending"] for row in rows} == {len(SPELLINGS)}


emails = st.emails() | st.builds(
    lambda local, domain: f"{local}@{domain}",
    st.text("abcXYZ._-+", min_size=1, max_size=10),
    st.sampled_from(["exämple.com", "ÉXAMPLE.org", "bücher.de", "例え.jp", "xn--bcher-kva.de"]),
)


@given(emails)
def test_normalizing_is_idempotent_and_ignores_case_and_spaces(email):
    normalized = normalize_email(email)

    assert normalize_email(normalized) == normalized
    assert normalize_email(f"  {email.upper()} ") == normalize_email(email.upper())
    assert normalized == normalized.lower()


@given(st.sampled_from(["bücher.de", "exämple.com", "ÉXAMPLE.org", "例え.jp"]))
def test_a_unicode_domain_and_its_ascii_form_are_one_address(domain):
    ascii_domain = normalize_email(f"a@{domain}").split("@")[1]

    assert ascii_domain.isascii()
    assert normalize_email(f"a@{ascii_domain}") == normalize_email(f"a@{domain}")


def idna_spelling(email: str) -> str:
    """The rule without its shortcut: every domain through IDNA (UTS #46)."""
    local, at, domain = email.strip().rpartition("@")
    if not at:
        return email.strip().lower()
    domain = domain.rstrip(".")
    with contextlib.suppress(idna.IDNAError, UnicodeError):
        domain = idna.encode(domain, uts46=True).decode("ascii")
    return f"{local}@{domain}".lower()


@settings(max_examples=500)
@given(
    local=st.text(string.printable, max_size=8),
    domain=st.one_of(
        st.text(string.ascii_letters + string.digits + "._-", max_size=30),
        st.text(string.printable, max_size=30),
        st.builds(
            "".join,
            st.lists(st.sampled_from(["xn--", "XN--", "bcher-kva", ".", "de", "a", "-"])),
        ),
    ),
)
def test_an_ascii_domain_is_spelled_as_idna_spells_it(local, domain):
    email = f"{local}@{domain}"

    assert normalize_email(email) == idna_spelling(email)


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", True),
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
        ("::ffff:198.51.100.7", "198.51.100.7", True),
        ("198.51.100.7", "198.51.100.8", False),
    ],
)
def test_limits_count_an_ipv6_network_of_64_as_one_visitor(one, other, same):
    assert (rate_limit_identity(one) == rate_limit_identity(other)) is same
