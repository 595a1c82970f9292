"""The other lists owners and moderators page through cost the same queries at any size: the
article list (its comment counts are its own rows'), the moderation log and the bans."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.lifecycle import log
from comments.models import Ban, Comment, ModerationLog
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def articles_with_comments(count):
    for _ in range(count):
        article = make_article()
        make_comment(article)
        make_comment(article, status=Status.SPAM)


def test_article_list_runs_as_many_queries_with_30_articles_as_with_3(admin_client):
    articles_with_comments(3)
    few = queries(admin_client, "/admin/articles/article/")
    articles_with_comments(27)

    assert queries(admin_client, "/admin/articles/article/") == few


def test_article_list_counts_each_articles_public_comments_and_sorts_by_them(admin_client):
    quiet = make_article(title="Quiet story")
    busy = make_article(title="Busy story")
    for _ in range(3):
        make_comment(busy)
    make_comment(busy, status=Status.PENDING)
    make_comment(quiet, status=Status.SPAM)

    changelist = admin_client.get("/admin/articles/article/", {"o": "-5"}).context["cl"]
    counts = {article.title: article.approved_count for article in changelist.result_list}

    assert counts == {"Busy story": 3, "Quiet story": 0}
    assert [a.title for a in changelist.result_list] == ["Busy story", "Quiet story"]


def test_moderation_log_runs_as_many_queries_with_30_rows_as_with_3(moderator_client, moderator):
    article = make_article()

    def decisions(count):
        for _ in range(count):
            comment = make_comment(article)
            log(comment, moderator=moderator, action=ModerationLog.Action.APPROVE)

    decisions(3)
    few = queries(moderator_client, "/moderation/log/")
    decisions(27)

    assert queries(moderator_client, "/moderation/log/") == few


def test_bans_page_runs_as_many_queries_with_30_bans_as_with_3(moderator_client, moderator):
    def bans(start, count):
        for n in range(start, start + count):
            Ban.objects.create(
                kind=Ban.Kind.EMAIL,
                value=f"troll{n}@example.com",
                reason="Abuse",
                created_by=moderator,
            )

    bans(0, 3)
    few = queries(moderator_client, "/moderation/bans/")
    bans(3, 27)

    assert queries(moderator_client, "/moderation/bans/") == few


def test_the_comment_list_counts_no_further_than_the_queue_does(admin_client, monkeypatch):
    from comments.moderation import queues

    monkeypatch.setattr(queues, "COUNT_CAP", 3)
    article = make_article()
    for _ in range(5):
        make_comment(article)

    with CaptureQueriesContext(connection) as captured:
        html = admin_client.get("/admin/comments/comment/").content.decode()

    assert "3+ comments" in html
    counts = [q["sql"] for q in captured if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts
    assert all("LIMIT" in sql for sql in counts if "comments_comment" in sql)


def test_the_moderation_log_counts_no_further_than_the_queue_does(
    moderator_client, moderator, monkeypatch
):
    from comments.moderation import queues

    monkeypatch.setattr(queues, "COUNT_CAP", 3)
    monkeypatch.setattr("comments.moderation.views.PAGE_SIZE", 2)
    article = make_article()
    for _ in range(6):
        log(make_comment(article), moderator=moderator, action=ModerationLog.Action.APPROVE)

    html = moderator_client.get("/moderation/log/").content.decode()

    assert "Page 1 of 2+" in html


def test_the_dashboards_history_is_kept_and_its_pending_count_is_fresh(admin_client):
    article = make_article()
    make_comment(article)
    admin_client.get("/admin/")
    with CaptureQueriesContext(connection) as first:
        admin_client.get("/admin/")
    make_comment(article, status=Status.PENDING)

    with CaptureQueriesContext(connection) as again:
        html = admin_client.get("/admin/").content.decode()

    assert len(again) == len(first)
    assert not any("GROUP BY" in q["sql"] and "created_at" in q["sql"] for q in again)
    assert "1 comment" in html or "1 pending" in html.lower()


def test_the_dashboards_pending_count_stops_at_the_queues_cap(admin_client, monkeypatch):
    from comments.admin import dashboard
    from comments.moderation import queues

    monkeypatch.setattr(queues, "COUNT_CAP", 3)
    article = make_article()
    oldest = make_comment(article, status=Status.PENDING)
    for _ in range(4):
        make_comment(article, status=Status.PENDING)

    summary = dashboard.pending_summary()

    assert str(summary.count) == "3+"
    assert summary.oldest_at == oldest.created_at
