"""Moderators search comments by words, name, email or IP: in the queue and in the admin.

The same search (``comments/moderation/search.py``) answers ``/moderation/?q=`` and the
admin's search box; on PostgreSQL its lookups are index lookups (checked with EXPLAIN).
"""

import os

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from comments.moderation import queues, search
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status
ADMIN_COMMENTS = "/admin/comments/comment/"


@pytest.fixture
def mod_client(django_user_model):
    user = django_user_model.objects.create_user("maya", "maya@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def comments(article):
    """A few held comments, each findable in its own way."""
    return {
        "walter": make_comment(
            article,
            author_name="Walter White",
            author_email="walter.w@example.com",
            body="Massage helped my lower back pain more than anything.",
            ip_address="198.51.100.7",
            status=Status.PENDING,
        ),
        "jane": make_comment(
            article,
            author_name="Jane Doe",
            author_email="Jane@Exämple.com",
            body="Which vitamin do neurologists recommend?",
            ip_address="2001:db8::5",
            status=Status.PENDING,
        ),
        "noa": make_comment(
            article,
            author_name="נועה",
            author_email="noa@example.org",
            body="תודה רבה על המאמר, הטיפול עזר לי מאוד",
            ip_address="203.0.113.9",
            status=Status.PENDING,
        ),
    }


def queue_found(client, **params) -> list[int]:
    response = client.get("/moderation/", {"status": "pending", **params})
    assert response.status_code == 200
    return [row.comment.pk for row in response.context["rows"]]


def admin_found(client, term) -> list[int]:
    response = client.get(ADMIN_COMMENTS, {"q": term})
    assert response.status_code == 200
    return [comment.pk for comment in response.context["cl"].result_list]


SEARCHES = [
    ("massage", ["walter"]),  # a word of the text
    ("MASSAGE back", ["walter"]),  # every word, any case, in any order
    ("neurolog", ["jane"]),  # the start of a word
    ("walter", ["walter"]),  # the name
    ("doe", ["jane"]),
    ("jane@exämple.com", ["jane"]),  # an email, in its Unicode spelling
    ("JANE@xn--exmple-cua.com", ["jane"]),  # ... or its ASCII one, any case
    ("walter.w", ["walter"]),  # the start of an email
    ("198.51.100.7", ["walter"]),  # an IP address
    ("198.51.100.007", ["walter"]),  # in another spelling
    ("198.51.100.0/24", ["walter"]),  # a network
    ("198.51", ["walter"]),  # the start of an address
    ("2001:db8", ["jane"]),
    ("הטיפול", ["noa"]),  # Hebrew text
    ("נועה", ["noa"]),  # a Hebrew name
    ("nothing-like-this", []),
]


@pytest.mark.parametrize(("term", "expected"), SEARCHES)
def test_queue_search_finds_comments_by_words_name_email_and_ip(
    mod_client, comments, term, expected
):
    found = queue_found(mod_client, q=term)

    assert sorted(found) == sorted(comments[key].pk for key in expected)


@pytest.mark.parametrize(("term", "expected"), SEARCHES)
def test_admin_search_finds_what_the_queue_finds(mod_client, comments, term, expected):
    assert sorted(admin_found(mod_client, term)) == sorted(comments[key].pk for key in expected)


def test_search_keeps_to_the_chosen_tab_and_counts_each_tab(mod_client, article, comments):
    spam = make_comment(article, body="Massage chairs at half price", status=Status.SPAM)
    make_comment(article, body="Nothing about that here", status=Status.SPAM)

    pending = mod_client.get("/moderation/", {"q": "massage"})
    in_spam = mod_client.get("/moderation/", {"q": "massage", "status": "spam"})

    assert [row.comment.pk for row in pending.context["rows"]] == [comments["walter"].pk]
    assert [row.comment.pk for row in in_spam.context["rows"]] == [spam.pk]
    counts = {tab["key"]: tab["count"] for tab in pending.context["tabs"]}
    assert counts == {"pending": 1, "reported": 0, "spam": 1, "removed": 0, "approved": 0}


def test_search_combines_with_the_article_filter(mod_client, article, comments):
    other = make_article()
    elsewhere = make_comment(other, body="Massage again", status=Status.PENDING)

    everywhere = queue_found(mod_client, q="massage")
    on_other = queue_found(mod_client, q="massage", article=other.pk)

    assert sorted(everywhere) == sorted([comments["walter"].pk, elsewhere.pk])
    assert on_other == [elsewhere.pk]


def test_the_term_stays_in_the_box_tabs_and_pages(mod_client, comments):
    html = mod_client.get("/moderation/", {"q": "lower back"}).content.decode()

    assert 'name="q" value="lower back"' in html
    assert "q=lower+back" in html  # the tabs keep the search


def test_a_search_that_finds_nothing_says_so(mod_client, comments):
    html = mod_client.get("/moderation/", {"q": "zzzz"}).content.decode()

    assert "The pending queue is empty for “zzzz”" in html


def test_searching_takes_a_moderator(client, comments):
    response = client.get("/moderation/", {"q": "walter.w@example.com"})

    assert response.status_code == 302
    assert "walter.w@example.com" not in response.content.decode()


def test_no_email_reaches_a_public_page(client, article, comments):
    Comment.objects.update(status=Status.APPROVED)

    html = client.get(article.get_absolute_url(), {"q": "walter.w@example.com"}).content.decode()

    assert "Walter White" in html
    assert "walter.w@example.com" not in html and "xn--exmple-cua" not in html


@pytest.mark.parametrize("term", ["", "   ", "!!!", "a" * 5000, "'); DROP TABLE x; --", "& | !"])
def test_odd_terms_never_fail(mod_client, comments, term):
    assert mod_client.get("/moderation/", {"q": term}).status_code == 200
    assert mod_client.get(ADMIN_COMMENTS, {"q": term}).status_code == 200


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite fallback")
def test_on_sqlite_words_are_a_plain_like(comments):
    sql = str(search.search(Comment.objects.all(), "massage").query)

    assert "LIKE" in sql.upper()


postgresql = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL") or connection.vendor != "postgresql",
    reason="the indexes exist on PostgreSQL only",
)


def plan(queryset) -> str:
    with connection.cursor() as cursor:
        # A test table is tiny: tell the planner a scan is dear, so it shows what it can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


@postgresql
@pytest.mark.parametrize(
    ("term", "index"),
    [
        ("massage", search.SEARCH_INDEX),
        ("הטיפול", search.SEARCH_INDEX),
        ("198.51.100.7", search.IP_INDEX),
        ("198.51.100.0/24", search.IP_INDEX),
        ("jane@exämple.com", f"comments_co_author__893f9e_idx|{search.EMAIL_PREFIX_INDEX}"),
        ("walter.w", search.EMAIL_PREFIX_INDEX),
    ],
)
def test_on_postgresql_the_search_uses_an_index(comments, term, index):
    queryset = search.search(Comment.objects.order_by(), term)

    assert any(name in plan(queryset) for name in index.split("|"))


def held_about_massage(article, count):
    return [
        make_comment(article, body=f"Massage number {n} helped.", status=Status.PENDING)
        for n in range(count)
    ]


def queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/moderation/", ADMIN_COMMENTS])
def test_a_search_runs_as_many_queries_with_30_matches_as_with_3(mod_client, article, url):
    held_about_massage(article, 3)
    few = queries(mod_client, url, {"q": "massage"})
    held_about_massage(article, 27)

    assert queries(mod_client, url, {"q": "massage"}) == few


def test_past_the_search_cap_only_the_current_tab_is_counted_and_the_page_says_so(
    monkeypatch, mod_client, article
):
    monkeypatch.setattr(queues, "SEARCH_COUNT_CAP", 3)
    monkeypatch.setattr("comments.moderation.views.PAGE_SIZE", 2)
    held_about_massage(article, 5)
    make_comment(article, body="Massage chairs at half price", status=Status.SPAM)

    response = mod_client.get("/moderation/", {"q": "massage"})
    html = response.content.decode()

    counts = {tab["key"]: tab["count_label"] for tab in response.context["tabs"]}
    assert counts == {"pending": "3+", "reported": "0", "spam": "", "removed": "", "approved": ""}
    assert "More than 3 comments match “massage” in all: only this tab is counted." in html
    assert "Page 1 of 2+" in html


def test_under_the_search_cap_no_note_and_every_tab_is_exact(mod_client, article):
    held_about_massage(article, 2)

    response = mod_client.get("/moderation/", {"q": "massage"})

    assert "only this tab is counted" not in response.content.decode()
    assert {tab["key"]: tab["count"] for tab in response.context["tabs"]}["pending"] == 2


def test_the_admin_search_counts_no_further_than_the_cap_and_says_so(
    monkeypatch, mod_client, article
):
    monkeypatch.setattr(queues, "SEARCH_COUNT_CAP", 3)
    held_about_massage(article, 5)

    response = mod_client.get(ADMIN_COMMENTS, {"q": "massage"})
    html = response.content.decode()

    assert "3+ results" in html
    assert "3+ comments" in html
    assert "Select all 3+ comments" in html


@postgresql
def test_on_postgresql_the_stored_document_follows_every_edit(comments):
    walter = comments["walter"]
    Comment.objects.filter(pk=walter.pk).update(body="Acupuncture, then.")

    assert not search.search(Comment.objects.all(), "massage").filter(pk=walter.pk).exists()
    assert search.search(Comment.objects.all(), "acupuncture").get() == walter


@postgresql
def test_on_postgresql_counting_a_common_word_stops_at_the_cap(article):
    for n in range(30):
        make_comment(article, body=f"Massage {n}", status=Status.PENDING)
    searched = search.search(Comment.objects.filter(status=Status.PENDING), "massage")

    with CaptureQueriesContext(connection) as captured:
        queues.capped_count(searched, queues.SEARCH_COUNT_CAP)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + captured[0]["sql"])
        count_plan = "\n".join(row[0] for row in cursor.fetchall())

    # A LIMIT under the COUNT: PostgreSQL stops at the cap, it never counts every match.
    assert "Limit" in count_plan
    assert f"LIMIT {queues.SEARCH_COUNT_CAP + 1}" in captured[0]["sql"]
    assert '"search_vector" @@' in captured[0]["sql"]  # the stored document, no to_tsvector()


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("2001:db8::/64", ["jane"]),  # a network whose address text is compressed
        ("2001:db8:0:0", ["jane"]),  # the start of an address, zeros written out
        ("2001:db8::/32", ["jane"]),
        ("198.51.96.0/20", ["walter"]),  # a network of no whole octets
        ("::/0", ["jane"]),  # every IPv6 address: no IPv4 one, no comment without one
        ("0.0.0.0/0", ["walter", "noa"]),
        ("10.0.0.0/8", []),
    ],
)
def test_a_network_finds_the_addresses_in_it_and_nothing_else(
    mod_client, article, comments, term, expected
):
    make_comment(article, body="No address kept", ip_address=None, status=Status.PENDING)

    assert sorted(queue_found(mod_client, q=term)) == sorted(comments[k].pk for k in expected)


def test_a_network_finds_an_address_whose_text_hides_its_zeros(article):
    # 2001:db8:0:0:1:0:0:0 is stored as "2001:db8:0:0:1::": in 2001:db8::/64 all the same.
    inside = make_comment(article, ip_address="2001:db8:0:0:1::", status=Status.PENDING)
    make_comment(article, ip_address="2001:db8:1::1", status=Status.PENDING)

    assert list(search.search(Comment.objects.all(), "2001:db8::/64")) == [inside]


def test_a_local_part_and_at_sign_finds_that_commenters_addresses(mod_client, article, comments):
    dana = make_comment(article, author_email="Dana.Levi@example.com", status=Status.PENDING)
    make_comment(article, author_email="dana.levinson@example.com", status=Status.PENDING)

    assert queue_found(mod_client, q="dana.levi@") == [dana.pk]
    assert queue_found(mod_client, q="dana.lev") != []
