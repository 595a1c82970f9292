"""Invented page addresses cannot fill the shared cache and push the abuse defences out of it.

Only pages the thread has are cached: ``?cpage=`` past the end, or spelled any other way than
the site's own links spell it, is a 404 before any cache key is made. So a flood of addresses
leaves the rate-limit counts in the cache (with the local-memory cache, 330 invented pages
used to push them out: the same reader could post again at once).
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles import page_cache
from comments.models import Comment
from comments.posting import services as posting
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db

PAGES = 3


class RecordingCache:
    """The shared cache, noting every key the page cache writes."""

    def __init__(self, inner):
        self.inner = inner
        self.keys: set[str] = set()

    def set(self, key, *args, **kwargs):
        self.keys.add(key)
        return self.inner.set(key, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.fixture
def written(monkeypatch) -> set[str]:
    recording = RecordingCache(page_cache.cache)
    monkeypatch.setattr(page_cache, "cache", recording)
    return recording.keys


@pytest.fixture
def three_pages(settings, article):
    settings.COMMENTS_PER_PAGE = 2
    for n in range(2 * PAGES):
        make_comment(article, body=f"Conversation {n}")
    return article


def rendered_pages(keys: set[str]) -> set[str]:
    return {key for key in keys if not key.endswith(":pages")}


def test_hundreds_of_page_numbers_cache_no_more_pages_than_the_thread_has(three_pages, written):
    reader = Client()
    for number in range(1, 401):
        reader.get(three_pages.get_absolute_url(), {"cpage": number})

    assert len(rendered_pages(written)) <= PAGES
    assert len(written) <= PAGES + 1  # and the one entry that holds the number of pages


@pytest.mark.parametrize("cpage", ["4", "400", "99999999999999999999", "0", "-1", "02", "x", ""])
def test_a_page_the_thread_does_not_have_is_not_found_and_not_cached(three_pages, written, cpage):
    response = Client().get(three_pages.get_absolute_url(), {"cpage": cpage})

    assert response.status_code == 404
    assert "Conversation" not in response.content.decode()
    assert not rendered_pages(written)


def test_the_last_page_is_found_and_the_one_after_it_is_not(three_pages):
    reader = Client()

    assert reader.get(three_pages.get_absolute_url(), {"cpage": PAGES}).status_code == 200
    assert reader.get(three_pages.get_absolute_url(), {"cpage": PAGES + 1}).status_code == 404


def test_without_cpage_the_first_page_is_shown(three_pages):
    response = Client().get(three_pages.get_absolute_url())

    assert response.status_code == 200
    assert "Conversation 0" in response.content.decode()


def test_an_empty_thread_has_its_first_page_and_no_second(article):
    assert Client().get(article.get_absolute_url(), {"cpage": "1"}).status_code == 200
    assert Client().get(article.get_absolute_url(), {"cpage": "2"}).status_code == 404


def test_a_page_that_a_new_comment_opens_is_found_at_once(settings, three_pages):
    settings.COMMENTS_MODERATION = "post"
    reader = Client()
    assert reader.get(three_pages.get_absolute_url(), {"cpage": PAGES + 1}).status_code == 404

    posting.comment_post(
        article=three_pages,
        body="A new conversation",
        author_name="Ann",
        author_email="ann@example.com",
    )

    response = reader.get(three_pages.get_absolute_url(), {"cpage": PAGES + 1})
    assert response.status_code == 200
    assert "A new conversation" in response.content.decode()


def test_an_invented_page_costs_no_thread_query_once_the_page_count_is_known(three_pages):
    Client().get(three_pages.get_absolute_url())  # a reader renders page 1

    with CaptureQueriesContext(connection) as queries:
        response = Client().get(three_pages.get_absolute_url(), {"cpage": 500})

    assert response.status_code == 404
    assert len(queries) <= 1  # the article itself


def test_a_later_page_read_first_costs_the_same_queries_as_the_first_page(three_pages):
    with CaptureQueriesContext(connection) as later:
        Client().get(three_pages.get_absolute_url(), {"cpage": PAGES})
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        Client().get(three_pages.get_absolute_url())

    assert len(later) == len(first)


def test_a_flood_of_page_addresses_leaves_the_posting_limit_in_place(
    settings, three_pages, comment_data
):
    settings.COMMENTS_MODERATION = "post"
    settings.COMMENTS_RATE_GAP_SECONDS = 3600  # however long the flood takes
    reader, flooder = Client(), Client()
    assert reader.post(f"/articles/{three_pages.slug}/comments/", comment_data).status_code == 302

    for number in range(1, 331):  # more than the local-memory cache's 300 entries
        flooder.get(three_pages.get_absolute_url(), {"cpage": number})

    again = {**comment_data, "comment": "And one more thing, right away."}
    response = reader.post(f"/articles/{three_pages.slug}/comments/", again)
    assert response.status_code == 429
    assert not Comment.objects.filter(body=again["comment"]).exists()


cpage_values = st.one_of(
    st.integers().map(str),
    st.from_regex(r"\s*[+-]?[0-9]{1,40}\s*", fullmatch=True),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(cpage_values, min_size=1, max_size=8))
@example(values=["1", "2", "3", "4", "9" * 5000, "\x00", "\uff12", "1_0", "2.0"])
def test_no_cpage_value_is_an_error_or_a_new_cache_entry(three_pages, written, values):
    reader = Client()
    for value in values:
        response = reader.get(three_pages.get_absolute_url(), {"cpage": value})

        assert response.status_code == (200 if value in {"1", "2", "3"} else 404)
    assert len(rendered_pages(written)) <= PAGES * 2  # each page, over at most two minutes
