"""The admin's comment list at any size: the same queries with 3 articles and comments as
with 30, no filter listing every article, and a search the indexes serve."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status
COMMENTS = "/admin/comments/comment/"


def comments_on_new_articles(count):
    return [make_comment(make_article(), status=Status.PENDING) for _ in range(count)]


def queries(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(COMMENTS, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "params",
    [{}, {"status__exact": "pending"}, {"q": "Reader"}, {"q": "who@example.com"}],
)
def test_comment_list_runs_as_many_queries_with_30_comments_as_with_3(moderator_client, params):
    comments_on_new_articles(3)
    few = queries(moderator_client, params)
    comments_on_new_articles(27)

    assert queries(moderator_client, params) == few


def test_comment_list_counts_no_more_than_the_filtered_rows(moderator_client):
    comments_on_new_articles(3)

    with CaptureQueriesContext(connection) as captured:
        moderator_client.get(COMMENTS, {"status__exact": "approved"})

    counts = [q["sql"] for q in captured if "COUNT(" in q["sql"] and "comments_comment" in q["sql"]]
    # show_full_result_count = False: no COUNT(*) of the whole table beside the filtered one.
    assert all("WHERE" in sql for sql in counts)


def test_comment_list_has_no_article_filter_and_links_each_row_to_its_article(moderator_client):
    on_one = make_comment(make_article(title="Story one"))
    make_comment(make_article(title="Story two"))

    changelist = moderator_client.get(COMMENTS)
    html = changelist.content.decode()
    narrowed = moderator_client.get(COMMENTS, {"article__id__exact": on_one.article_id})

    assert "article__id__exact" not in " ".join(
        choice["query_string"]
        for spec in changelist.context["cl"].filter_specs
        for choice in spec.choices(changelist.context["cl"])
    )
    assert f'href="/admin/comments/comment/?article__id__exact={on_one.article_id}"' in html
    assert list(narrowed.context["cl"].result_list) == [on_one]


def test_article_admin_links_to_its_comments(admin_client):
    article = make_article(title="Story one")
    make_comment(article)

    html = admin_client.get("/admin/articles/article/").content.decode()

    assert f'/admin/comments/comment/?article__id__exact={article.pk}"' in html


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("Walter", ["walter"]),  # part of a name, any case
        ("whi", ["walter"]),  # the start of a word of it
        ("walter.w@", ["walter"]),  # a local part and "@": the addresses it begins
        ("Walter.W@Example.COM", ["walter"]),
        ("needle", ["needle"]),  # the start of an email
        ("198.51.100.7", ["walter"]),  # an IP address
        ("198.51.100.007", ["walter"]),  # in another spelling
        ("198.51", ["walter"]),  # the start of one
        ("2001:db8", ["needle"]),
        ("lower back pain", ["walter"]),  # words of the text (moderation/search.py)
    ],
)
def test_comment_list_search(admin_client, article, term, expected):
    found = {
        "walter": make_comment(
            article,
            author_name="Walter White",
            author_email="walter.w@example.com",
            ip_address="198.51.100.7",
            body="My lower back pain is gone",
        ),
        "needle": make_comment(
            article, author_name="N", author_email="needle@example.org", ip_address="2001:db8::5"
        ),
    }

    results = admin_client.get(COMMENTS, {"q": term}).context["cl"].result_list

    assert list(results) == [found[key] for key in expected]
