"""A post reads only the bans that could cover it, and finds exactly the bans that do.

``BanQuerySet.matching`` asks the database for the bans on this address and this IP and for
the network bans; the reference is the plain rule: every ban in force whose
``Ban.applies_to`` says it covers the post. Bans are saved as moderators save them
(``full_clean``), so every spelling of an address reaches the stored one.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from comments.models import Ban
from tests.conftest import migrate_to, migrate_to_latest

EMAILS = ["jane@example.org", "Jane@Example.org", "bob@example.org", "JANE@exämple.com"]
# Each address in more than one spelling: with a port, IPv4 inside IPv6, leading zeros.
IPS = [
    "198.51.100.7",
    "::ffff:198.51.100.7",
    "198.51.100.007",
    "198.51.100.8",
    "2001:db8::1",
    "[2001:DB8::1]:443",
    "203.0.113.9",
]
NETWORKS = ["198.51.100.0/24", "2001:db8::/64", "203.0.113.0/28", "10.0.0.0/8"]
STATES = ["active", "expired", "lifted", "until later"]

bans = st.lists(
    st.one_of(
        st.tuples(st.just("email"), st.sampled_from(EMAILS), st.sampled_from(STATES)),
        st.tuples(st.just("ip"), st.sampled_from(IPS), st.sampled_from(STATES)),
        st.tuples(st.just("network"), st.sampled_from(NETWORKS), st.sampled_from(STATES)),
    ),
    max_size=12,
)


def ban(kind: str, value: str, state: str) -> Ban:
    now = timezone.now()
    made = Ban(kind=kind, value=value, reason="abuse")
    made.full_clean()
    if state == "expired":
        made.expires_at = now - timedelta(hours=1)
    elif state == "until later":
        made.expires_at = now + timedelta(hours=1)
    elif state == "lifted":
        made.lifted_at = now
    made.save()
    return made


class TestMatching(TestCase):
    @settings(max_examples=150, deadline=None)
    @given(
        stored=bans,
        email=st.sampled_from(["", *EMAILS]),
        ip=st.sampled_from([None, "", "not an address", *IPS]),
    )
    def test_matching_finds_exactly_the_bans_in_force_that_cover_the_post(self, stored, email, ip):
        for kind, value, state in stored:
            ban(kind, value, state)

        found = Ban.objects.matching(email=email, ip_address=ip)

        expected = {
            b.pk
            for b in Ban.objects.all()
            if b.is_active and b.applies_to(email=email, ip_address=ip)
        }
        assert {b.pk for b in found} == expected
        assert len(found) == len(expected)


@pytest.mark.django_db
def test_a_post_does_not_read_the_bans_on_other_addresses(monkeypatch):
    Ban.objects.bulk_create(
        Ban(kind="email", value=f"troll{n}@example.org", reason="abuse") for n in range(300)
    )
    Ban.objects.bulk_create(
        Ban(kind="ip", value=f"192.0.{n // 250}.{n % 250}", reason="abuse") for n in range(300)
    )
    ban("network", "203.0.113.0/24", "active")
    read = []
    from_db = Ban.from_db.__func__

    def counted(cls, *args, **kwargs):
        read.append(1)
        return from_db(cls, *args, **kwargs)

    monkeypatch.setattr(Ban, "from_db", classmethod(counted))

    with CaptureQueriesContext(connection) as queries:
        found = Ban.objects.matching(email="troll7@example.org", ip_address="203.0.113.5")

    assert len(queries) == 1
    assert {str(b) for b in found} == {"email troll7@example.org", "network 203.0.113.0/24"}
    assert len(read) == 2


BEFORE = [("comments", "0022_conversation_indexes")]
AFTER = [("comments", "0023_canonical_ip_bans")]


@pytest.mark.django_db(transaction=True)
def test_an_ip_ban_stored_in_another_spelling_still_applies_after_the_migration():
    apps = migrate_to(BEFORE)
    try:
        old = apps.get_model("comments", "Ban")
        old.objects.create(kind="ip", value="::ffff:198.51.100.7", reason="abuse")
        old.objects.create(kind="ip", value="2001:DB8::1", reason="abuse")
        migrate_to(AFTER)
    finally:
        migrate_to_latest()

    assert Ban.objects.matching(ip_address="198.51.100.7")
    assert Ban.objects.matching(ip_address="2001:db8::1")
