"""Readers find the best answers: the thread sorted oldest, newest or most helpful, and a
"Helpful" vote once per browser and per network that never slows the shared page."""

import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles import fast_path, page_cache
from articles.models import Article
from comments.models import Comment, HelpfulVote
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def thread(article):
    """Three conversations: the middle one most helpful, each with two replies."""
    tops = [make_comment(article, body=f"Top {n}") for n in range(3)]
    for n, top in enumerate(tops):
        for m in range(2):
            make_comment(article, parent=top, body=f"Reply {n}.{m}")
    Comment.objects.filter(pk=tops[1].pk).update(helpful_count=5)
    Comment.objects.filter(pk=tops[2].pk).update(helpful_count=2)
    return tops


def order(html: str, prefix: str) -> list[str]:
    return re.findall(rf"{prefix} [\d.]+", html)


def vote(comment, *, ip="198.51.100.7", client=None, **extra):
    client = client or Client(REMOTE_ADDR=ip)
    return client.post(f"/comments/{comment.pk}/helpful/", **extra)


# Sorting ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Top 0", "Top 1", "Top 2"]),
        ("?sort=oldest", ["Top 0", "Top 1", "Top 2"]),
        ("?sort=newest", ["Top 2", "Top 1", "Top 0"]),
        ("?sort=helpful", ["Top 1", "Top 2", "Top 0"]),
    ],
)
def test_each_sort_orders_the_conversations(client, article, thread, query, expected):
    html = client.get(f"{article.get_absolute_url()}{query}").content.decode()

    assert order(html, "Top") == expected


@pytest.mark.parametrize("sort", ["oldest", "newest", "helpful"])
def test_replies_stay_in_conversation_order_under_their_parent(client, article, thread, sort):
    Comment.objects.filter(body="Reply 0.1").update(helpful_count=50)

    html = client.get(f"{article.get_absolute_url()}?sort={sort}").content.decode()

    replies = order(html, "Reply")
    assert replies.index("Reply 0.0") + 1 == replies.index("Reply 0.1")
    assert html.index("Top 0") < html.index("Reply 0.0") < html.index("Reply 0.1")


def test_the_site_default_order_applies_without_a_sort(client, settings, article, thread):
    settings.COMMENTS_SORT_DEFAULT = "helpful"

    html = client.get(article.get_absolute_url()).content.decode()

    assert order(html, "Top") == ["Top 1", "Top 2", "Top 0"]
    current = f'href="{article.get_absolute_url()}#comments" aria-current="true">Most helpful'
    assert current in html


@pytest.mark.parametrize("sort", ["best", "", "Helpful", "helpful ", "oldest,newest"])
def test_an_order_the_site_does_not_offer_is_not_found_and_makes_no_cache_key(
    client, article, thread, sort, monkeypatch
):
    client.get(article.get_absolute_url())  # the plain page, kept
    written = []
    for module in (page_cache, fast_path):
        recording = RecordingCache(module.cache, written)
        monkeypatch.setattr(module, "cache", recording)

    response = client.get(article.get_absolute_url(), {"sort": sort})

    assert response.status_code == 404
    assert written == []


class RecordingCache:
    """A cache that notes every key written through it."""

    def __init__(self, inner, written: list):
        self.inner, self.written = inner, written

    def set(self, key, *args, **kwargs):
        self.written.append(key)
        return self.inner.set(key, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_sort_links_mark_the_current_order_for_screen_readers(client, article, thread):
    html = client.get(f"{article.get_absolute_url()}?sort=newest").content.decode()

    nav = re.search(r'<nav class="comment-sort".*?</nav>', html, re.S).group()
    assert re.findall(r'aria-current="true">(\w[\w ]*)<', nav) == ["Newest"]
    assert "?sort=helpful#comments" in nav and "?sort=newest#comments" in nav
    assert f'href="{article.get_absolute_url()}#comments"' in nav  # oldest: the plain address


def test_each_order_is_its_own_shared_page(article, thread):
    oldest = Client().get(article.get_absolute_url())
    helpful = Client().get(f"{article.get_absolute_url()}?sort=helpful")

    assert oldest["ETag"] != helpful["ETag"]
    again = Client().get(f"{article.get_absolute_url()}?sort=helpful")
    assert again["ETag"] == helpful["ETag"]


@pytest.fixture
def long_thread(settings, article):
    settings.COMMENTS_PER_PAGE = 2
    tops = [make_comment(article, body=f"Top {n}") for n in range(5)]
    reply = make_comment(article, parent=tops[0], body="Reply 0.0")
    Comment.objects.filter(pk=tops[0].pk).update(helpful_count=9)
    return tops, reply


def test_pagination_links_keep_the_sort(client, article, long_thread):
    html = client.get(f"{article.get_absolute_url()}?sort=newest&cpage=2").content.decode()

    pages = re.search(r'<nav class="comment-pages".*?</nav>', html, re.S).group()
    assert "?sort=newest#comments" in pages  # page 1
    assert "?sort=newest&amp;cpage=3#comments" in pages
    assert "cpage=" not in pages.replace("sort=newest&amp;cpage=", "")
    assert order(html, "Top") == ["Top 2", "Top 1"]


@pytest.mark.parametrize(
    ("sort", "location"),
    [
        ("oldest", ""),
        ("newest", "?sort=newest&cpage=3"),
        ("helpful", "?sort=helpful"),
    ],
)
def test_a_permalink_leads_to_the_comments_page_in_each_order(
    client, article, long_thread, sort, location
):
    _tops, reply = long_thread

    response = client.get(f"/comments/{reply.pk}/?sort={sort}")

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}{location}#comment-{reply.pk}"
    assert "Reply 0.0" in client.get(response["Location"]).content.decode()


def test_a_permalink_with_an_unknown_order_is_not_found(client, long_thread):
    _tops, reply = long_thread

    assert client.get(f"/comments/{reply.pk}/?sort=best").status_code == 404


# Helpful votes ------------------------------------------------------------------------------


def test_a_vote_without_javascript_counts_and_returns_to_the_comment(article):
    comment = make_comment(article)
    browser = Client(REMOTE_ADDR="198.51.100.7")

    response = vote(comment, client=browser, data={"sort": "helpful"})

    assert response.status_code == 302
    assert response["Location"].endswith(f"?sort=helpful#comment-{comment.pk}")
    page = browser.get(response["Location"]).content.decode()
    assert "you found this comment helpful" in page
    assert re.search(r'class="helpful-count">1<', page)
    comment.refresh_from_db()
    assert comment.helpful_count == 1


def test_a_vote_with_javascript_answers_the_fresh_count(article):
    comment = make_comment(article)

    first = vote(comment, ip="198.51.100.7", **JSON)
    second = vote(comment, ip="203.0.113.9", **JSON)

    assert first.json()["count"] == 1 and first.json()["voted"] is True
    assert second.json()["count"] == 2


def test_one_browser_votes_once(article):
    comment = make_comment(article)
    browser = Client(REMOTE_ADDR="198.51.100.7")

    vote(comment, client=browser, **JSON)
    # The same browser from another network (a phone leaving the Wi-Fi).
    browser.defaults["REMOTE_ADDR"] = "203.0.113.9"
    again = vote(comment, client=browser, **JSON)

    assert again.json() == {
        "count": 1,
        "voted": True,
        "message": "You have already marked this comment helpful.",
    }
    assert HelpfulVote.objects.count() == 1


def test_fresh_browsers_on_one_network_count_once(article):
    comment = make_comment(article)

    answers = [vote(comment, ip=f"198.51.100.{n}", **JSON).json() for n in (7, 8, 200)]

    assert [a["count"] for a in answers] == [1, 1, 1]
    comment.refresh_from_db()
    assert comment.helpful_count == 1


def test_readers_on_other_networks_each_count(article):
    comment = make_comment(article)

    for ip in ("198.51.100.7", "203.0.113.9", "2001:db8:1::5", "2001:db8:2::5"):
        vote(comment, ip=ip, **JSON)

    comment.refresh_from_db()
    assert comment.helpful_count == 4 == HelpfulVote.objects.filter(comment=comment).count()


def test_votes_keep_no_address_or_cookie_in_clear(article):
    comment = make_comment(article)
    browser = Client(REMOTE_ADDR="198.51.100.7")

    vote(comment, client=browser)

    row = HelpfulVote.objects.get()
    cookie = browser.cookies["comment_voter"].value
    assert cookie not in row.voter_key and "198.51.100" not in row.network_key
    assert len(row.voter_key) == len(row.network_key) == 64
    assert browser.cookies["comment_voter"]["httponly"]


@pytest.mark.parametrize("status", [Status.PENDING, Status.SPAM, Status.REMOVED])
def test_votes_on_comments_readers_cannot_see_are_refused(article, status):
    comment = make_comment(article, status=status)

    response = vote(comment, **JSON)

    assert response.status_code == 404
    assert not HelpfulVote.objects.exists()


def test_a_vote_is_a_post_a_link_cannot_cast_one(client, article):
    comment = make_comment(article)

    assert client.get(f"/comments/{comment.pk}/helpful/").status_code == 405
    assert not HelpfulVote.objects.exists()


def test_a_network_that_votes_too_often_is_told_to_wait(settings, article):
    settings.COMMENTS_RATE_VOTES_PER_HOUR = 2
    comments = [make_comment(article) for _ in range(3)]

    answers = [vote(c, ip=f"198.51.100.{n + 1}", **JSON) for n, c in enumerate(comments)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "Too many votes" in answers[2].json()["message"]
    assert int(answers[2]["Retry-After"]) > 0
    assert HelpfulVote.objects.count() == 2


@time_machine.travel("2030-01-01 12:00:05", tick=False)  # one minute: one shared page
def test_a_vote_keeps_the_shared_page_and_its_version(article):
    comment = make_comment(article)
    Client().get(article.get_absolute_url())  # the process's first request loads settings
    before = Client().get(article.get_absolute_url())
    version = Article.objects.get(pk=article.pk).thread_version

    vote(comment, **JSON)

    assert Article.objects.get(pk=article.pk).thread_version == version
    with CaptureQueriesContext(connection) as queries:
        after = Client().get(article.get_absolute_url())
    assert len(queries) <= 2  # the article (and its ETag): the page itself came from the cache
    assert after.content == before.content or after["ETag"] == before["ETag"]


def test_the_shared_page_never_says_who_voted(article):
    comment = make_comment(article)
    voter = Client(REMOTE_ADDR="198.51.100.7")
    vote(comment, client=voter, **JSON)

    page = voter.get(article.get_absolute_url()).content.decode()

    assert "you found this" not in page.lower()
    assert "helpful-voted" not in page


@pytest.mark.parametrize("sort", ["oldest", "helpful"])
def test_article_page_queries_do_not_grow_with_votes_or_thread_size(client, sort):
    small, large = make_article(), make_article()
    for article, size in ((small, 4), (large, 60)):
        tops = [make_comment(article) for _ in range(size)]
        make_comment(article, parent=tops[0])
        Comment.objects.filter(pk__in=[c.pk for c in tops[::3]]).update(helpful_count=3)

    def page_queries(article):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{article.get_absolute_url()}?sort={sort}").status_code == 200
        return len(captured)

    page_queries(small)  # the first request of a process loads the site's settings
    assert page_queries(small) == page_queries(large)
