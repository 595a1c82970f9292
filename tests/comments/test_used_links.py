"""A data-access link works once, in whichever app process opens it, whatever the cache does.

The mark that a link was used lives in the database. The cache can be emptied (a restart), be
one per process (two gunicorn workers without a shared cache) or push entries out under load:
each is simulated here by ``cache.clear()`` between two opens, as two browsers reaching two
processes.
"""

import io
import os
import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from comments import data_access_mail, signed_links
from comments.models import UsedLink
from comments.signed_links import DATA_ACCESS, InvalidLink
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db

WALTER = "walter@example.com"


@pytest.fixture
def token(article) -> str:
    make_comment(article, author_email=WALTER)
    return data_access_mail.data_access_token(WALTER)


def link_path(token: str) -> str:
    """The link as mailed, without the site's address."""
    parts = urlsplit(signed_links.url(DATA_ACCESS, token))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_a_used_link_stays_used_after_the_cache_is_emptied(token):
    assert signed_links.redeem(DATA_ACCESS, token).email == WALTER
    cache.clear()

    with pytest.raises(InvalidLink) as error:
        signed_links.redeem(DATA_ACCESS, token)

    assert error.value.reason == InvalidLink.USED


def test_a_used_link_says_so_when_opened_after_the_cache_is_emptied(token):
    signed_links.redeem(DATA_ACCESS, token)
    cache.clear()

    with pytest.raises(InvalidLink) as error:
        signed_links.target(DATA_ACCESS, token)

    assert error.value.reason == InvalidLink.USED


def test_a_link_used_in_one_process_fails_in_another_browser_on_another(token):
    path = link_path(token)
    assert Client().post(path).status_code == 302  # the owner's browser, process one

    cache.clear()  # process two never saw process one's memory
    other = Client()
    again = other.post(path)

    assert again.status_code == 400
    assert "This link has been used already" in again.content.decode()
    assert other.get("/privacy/my-data/comments/").status_code == 403


def test_opening_a_link_without_using_it_leaves_it_usable(token):
    signed_links.target(DATA_ACCESS, token)
    signed_links.target(DATA_ACCESS, token)

    assert signed_links.redeem(DATA_ACCESS, token).email == WALTER
    assert UsedLink.objects.count() == 1


def test_two_links_for_one_address_are_used_up_separately(article, token):
    second = data_access_mail.data_access_token(WALTER)
    signed_links.redeem(DATA_ACCESS, token)

    assert signed_links.redeem(DATA_ACCESS, second).email == WALTER


def test_the_database_keeps_a_hash_of_the_link_not_the_link(token):
    signed_links.redeem(DATA_ACCESS, token)

    row = UsedLink.objects.get()
    assert token not in row.digest
    assert len(row.digest) == 64
    assert row.expires_at > timezone.now() + DATA_ACCESS.max_age


def test_the_daily_purge_forgets_only_links_that_have_expired_anyway(article, token):
    signed_links.redeem(DATA_ACCESS, token)
    later = timezone.now() + 3 * DATA_ACCESS.max_age
    with time_machine.travel(later - timedelta(minutes=10)):
        fresh = data_access_mail.data_access_token(WALTER)
        signed_links.redeem(DATA_ACCESS, fresh)

    with time_machine.travel(later):
        call_command("purge_used_links", stdout=io.StringIO())
        assert UsedLink.objects.count() == 1  # the fresh one
        with pytest.raises(InvalidLink) as old:  # the forgotten one cannot come back
            signed_links.redeem(DATA_ACCESS, token)
        with pytest.raises(InvalidLink) as used:
            signed_links.redeem(DATA_ACCESS, fresh)

    assert old.value.reason == InvalidLink.EXPIRED
    assert used.value.reason == InvalidLink.USED


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="opens at the same instant need PostgreSQL (SQLite serialises all writes anyway)",
)
def test_of_opens_at_the_same_instant_only_one_gets_in(article):
    make_comment(article, author_email=WALTER)
    token = data_access_mail.data_access_token(WALTER)
    opens = 8
    barrier = threading.Barrier(opens)
    results = []

    def open_link():
        try:
            barrier.wait()
            results.append(signed_links.redeem(DATA_ACCESS, token).email)
        except InvalidLink as error:
            results.append(error.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_link) for _ in range(opens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == sorted([WALTER] + [InvalidLink.USED] * (opens - 1))


def test_of_opens_one_after_another_only_the_first_gets_in(token):
    results = []
    for _ in range(5):
        cache.clear()
        try:
            results.append(signed_links.redeem(DATA_ACCESS, token).email)
        except InvalidLink as error:
            results.append(error.reason)

    assert results == [WALTER] + [InvalidLink.USED] * 4
