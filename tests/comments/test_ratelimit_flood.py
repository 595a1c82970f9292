"""A flood of refused requests adds no counts, so it cannot grow the table of counts or
touch anyone else's."""

import pytest
from django.test import Client

from comments import ratelimit
from comments.models import RateCount

pytestmark = pytest.mark.django_db


def test_refused_data_requests_from_one_address_add_no_counts(article):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(5):  # the five an hour one address may ask for
        client.post("/privacy/my-data/", {"email": f"a{n}@example.com"})
    counts = set(RateCount.objects.values_list("key", flat=True))

    for n in range(5, 200):
        client.post("/privacy/my-data/", {"email": f"a{n}@example.com"})

    assert set(RateCount.objects.values_list("key", flat=True)) == counts


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
