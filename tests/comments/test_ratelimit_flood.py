"""A flood of refused requests adds nothing to the shared cache, so it cannot push the counts
that refuse it (or anyone else's) out of a cache with a size limit."""

import pytest
from django.core.cache import cache
from django.test import Client

from comments import ratelimit

pytestmark = pytest.mark.django_db


class WrittenKeys:
    """The shared cache as the rate limits see it, noting every key they create."""

    def __init__(self):
        self.created: set[str] = set()

    def add(self, key, *args, **kwargs):
        added = cache.add(key, *args, **kwargs)
        if added:
            self.created.add(key)
        return added

    def __getattr__(self, name):
        return getattr(cache, name)


def test_refused_data_requests_from_one_address_add_no_counters(monkeypatch, article):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(5):  # the five an hour one address may ask for
        client.post("/privacy/my-data/", {"email": f"a{n}@example.com"})
    written = WrittenKeys()
    monkeypatch.setattr(ratelimit, "cache", written)

    for n in range(5, 200):
        client.post("/privacy/my-data/", {"email": f"a{n}@example.com"})

    assert written.created == set()


def test_a_request_let_through_is_counted_under_every_rule():
    ratelimit.check(ratelimit.DATA_LINK_REQUESTS, ip_address="203.0.113.9", email="a@example.com")
    for n in range(2):  # the same address from two more networks: three a day
        ratelimit.check(
            ratelimit.DATA_LINK_REQUESTS, ip_address=f"198.51.{n}.1", email="a@example.com"
        )

    with pytest.raises(ratelimit.RateLimited):
        ratelimit.check(ratelimit.DATA_LINK_REQUESTS, ip_address="192.0.2.1", email="a@example.com")


def test_reports_without_an_address_share_one_limit():
    for _ in range(10):
        ratelimit.check(ratelimit.REPORTS, ip_address=None)

    with pytest.raises(ratelimit.RateLimited):
        ratelimit.check(ratelimit.REPORTS, ip_address=None)
