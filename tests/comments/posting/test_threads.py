"""The thread readers see: nesting, order, and what is left out."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from comments.posting.threads import build_thread
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db


def test_thread_is_depth_first_with_replies_under_their_parents(article):
    a = make_comment(article)
    b = make_comment(article)
    a1 = make_comment(article, parent=a)
    a1x = make_comment(article, parent=a1)
    a2 = make_comment(article, parent=a)

    thread = build_thread(list(Comment.objects.thread_order()))

    assert [(e.comment, e.depth) for e in thread.entries] == [
        (a, 0), (a1, 1), (a1x, 2), (a2, 1), (b, 0),
    ]  # fmt: skip
    # Each leaf closes the nested lists that end with it: a1x closes a1's list only.
    assert [len(e.closes) for e in thread.entries] == [0, 0, 1, 1, 0]


def test_thread_markup_is_balanced_nested_lists(client, article):
    a = make_comment(article)
    a1 = make_comment(article, parent=a)
    make_comment(article, parent=a1)
    make_comment(article)

    html = client.get(article.get_absolute_url()).content.decode()
    section = html[html.index('<ol class="comment-list">') : html.index('<div id="respond"')]

    assert section.count("<ol") == section.count("</ol>") == 3
    assert section.count("<li") == section.count("</li>") == 4


def page_queries(client, article) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(article.get_absolute_url()).status_code == 200
    return len(queries)


def add_comments(article, count: int) -> None:
    """A realistic mix: about a third of the comments are replies."""
    made: list[Comment] = []
    objs = []
    for n in range(count):
        objs.append(
            Comment(
                article=article,
                author_name=f"Reader {n}",
                author_email=f"r{n}@example.com",
                body=f"Comment {n}",
                body_html=f"<p>Comment {n}</p>",
                status=Comment.Status.APPROVED,
            )
        )
    made = Comment.objects.bulk_create(objs)
    replies = made[::3][1:]
    for n, reply in enumerate(replies):
        reply.place_under(made[n * 3 + 1])
    Comment.objects.bulk_update(replies, ["parent", "depth", "root"])


def test_article_page_query_count_does_not_grow_with_the_thread(client):
    small, large = make_article(), make_article()
    add_comments(small, 10)
    add_comments(large, 1000)

    assert page_queries(client, small) == page_queries(client, large)
    assert "1000 comments" in client.get(large.get_absolute_url()).content.decode()


def test_resanitize_command_rewrites_stored_html_with_the_current_policy(article):
    comment = make_comment(article, body="Plain words")
    Comment.objects.filter(pk=comment.pk).update(body_html="<script>old policy</script>")

    call_command("resanitize_comments", stdout=open("/dev/null", "w"))  # noqa: SIM115

    comment.refresh_from_db()
    assert "<script>" not in comment.body_html
    assert "Plain words" in comment.body_html


def test_reply_depth_is_recorded_from_the_parent(article):
    top = make_comment(article)
    reply = make_comment(article, parent=top)

    assert (top.depth, reply.depth) == (0, 1)
    assert make_comment(make_article(), parent=None).depth == 0


# Long threads come in pages of top-level comments ------------------------------------------


@pytest.fixture
def long_thread(settings, article):
    """Five conversations, two comments to a page, each conversation with a reply."""
    settings.COMMENTS_PER_PAGE = 2
    tops = [make_comment(article, body=f"Top {n}") for n in range(5)]
    replies = [
        make_comment(article, parent=top, body=f"Reply to {n}") for n, top in enumerate(tops)
    ]
    return tops, replies


def test_a_page_holds_whole_conversations(client, article, long_thread):
    page_1 = client.get(article.get_absolute_url()).content.decode()
    page_3 = client.get(f"{article.get_absolute_url()}?cpage=3").content.decode()

    assert "Top 0" in page_1 and "Reply to 1" in page_1 and "Top 2" not in page_1
    assert "Top 4" in page_3 and "Reply to 4" in page_3 and "Top 0" not in page_3
    assert "10 comments" in page_1 and "10 comments" in page_3


def test_newest_conversations_first_when_configured(settings, client, article, long_thread):
    settings.COMMENTS_SORT_DEFAULT = "newest"

    page_1 = client.get(article.get_absolute_url()).content.decode()

    assert "Top 4" in page_1 and "Top 3" in page_1 and "Top 0" not in page_1
    assert page_1.index("Top 4") < page_1.index("Top 3")


@pytest.mark.parametrize("cpage", ["0", "-3", "abc", "99", "4"])
def test_a_page_the_thread_does_not_have_is_not_found(client, article, long_thread, cpage):
    response = client.get(f"{article.get_absolute_url()}?cpage={cpage}")

    assert response.status_code == 404
    assert "Top" not in response.content.decode()


def test_a_permalink_lands_on_the_page_that_shows_the_comment(client, article, long_thread):
    tops, replies = long_thread

    response = client.get(replies[4].get_absolute_url())

    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}?cpage=3#comment-{replies[4].pk}"
    first = client.get(tops[0].get_absolute_url())
    assert first["Location"] == f"{article.get_absolute_url()}#comment-{tops[0].pk}"


@pytest.mark.parametrize("status", ["pending", "spam", "removed"])
def test_a_permalink_to_a_hidden_comment_is_not_found(client, article, status):
    comment = make_comment(article, status=status)

    assert client.get(comment.get_absolute_url()).status_code == 404


def test_posting_on_a_later_page_redirects_to_that_page(
    client, settings, article, comment_data, long_thread
):
    settings.COMMENTS_MODERATION = "post"

    response = client.post(f"/articles/{article.slug}/comments/", comment_data)

    comment = Comment.objects.latest("pk")
    assert response["Location"] == f"{article.get_absolute_url()}?cpage=3#comment-{comment.pk}"


def test_page_query_count_stays_the_same_for_any_page(client, settings, article, long_thread):
    with CaptureQueriesContext(connection) as first:
        client.get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as last:
        client.get(f"{article.get_absolute_url()}?cpage=3")

    assert len(first) == len(last)
