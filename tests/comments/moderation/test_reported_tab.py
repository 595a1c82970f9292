"""The reported tab: the comments whose reports wait for a moderator, newest reports first.

A comment's place in it is kept on the comment (``reported_at``, the time of its oldest open
report) by the services that make and resolve reports, so the tab reads the reported comments
alone at any size. These tests hold that kept value to the reports themselves.
"""

from datetime import timedelta

import pytest
from django.db.models import Min, Q
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment, RateCount, Report
from comments.moderation import services as moderation
from comments.posting import services as posting
from tests.conftest import make_article, make_comment, migrate_to, migrate_to_latest

pytestmark = pytest.mark.django_db

NETWORKS = ("198.51.100.7", "203.0.113.9", "192.0.2.44", "2001:db8::1")


@pytest.fixture
def moderator(django_user_model):
    return django_user_model.objects.create_user("mod", is_staff=True, is_superuser=True)


def report(comment, reporter: str, ip: str = "198.51.100.7", reason: str = "abuse"):
    return posting.comment_report(
        comment=comment, reason=reason, note="", reporter=reporter, ip_address=ip
    )


def queue_ids(client, **query) -> list[int]:
    response = client.get("/moderation/", {"status": "reported", **query})
    assert response.status_code == 200
    return [row.comment.pk for row in response.context["rows"]]


def test_a_report_on_an_old_comment_comes_first_in_the_reported_tab(client, moderator, article):
    old = make_comment(article, created_at=timezone.now() - timedelta(days=200))
    recent = make_comment(article)
    report(recent, "a")
    report(old, "b")  # reported after the recent one
    client.force_login(moderator)

    assert queue_ids(client) == [old.pk, recent.pk]
    assert queue_ids(client, order="oldest") == [recent.pk, old.pk]
    assert "Order of first reports" in client.get("/moderation/?status=reported").content.decode()


def test_a_comment_waits_from_its_first_open_report(client, moderator, article):
    first, second = make_comment(article), make_comment(article)
    report(first, "a")
    report(second, "b")
    report(first, "c", ip="203.0.113.9")  # a later report does not move it
    client.force_login(moderator)

    assert queue_ids(client, order="oldest") == [first.pk, second.pk]


def test_a_decision_takes_a_comment_out_of_the_tab_and_a_new_report_brings_it_back(
    client, moderator, article
):
    comment = make_comment(article)
    report(comment, "a")
    moderation.comments_dismiss_reports(comments=[comment], moderator=moderator)
    client.force_login(moderator)
    assert queue_ids(client) == []

    report(comment, "b")

    assert queue_ids(client) == [comment.pk]
    comment.refresh_from_db()
    assert comment.reported_at == comment.reports.open().get().created_at


# A random run of what readers and moderators do to a few comments.
ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["report", "approve", "spam", "remove", "restore", "dismiss"]),
        st.integers(0, 2),  # which comment
        st.sampled_from(NETWORKS),
    ),
    max_size=14,
)


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=ACTIONS)
def test_the_kept_report_time_is_the_oldest_open_report_after_any_run(moderator, steps):
    Report.objects.all().delete()
    article = make_article()
    comments = [make_comment(article) for _ in range(3)]
    decide = {
        "approve": moderation.comments_approve,
        "spam": moderation.comments_mark_spam,
        "remove": moderation.comments_remove,
        "restore": moderation.comments_restore,
        "dismiss": moderation.comments_dismiss_reports,
    }
    for n, (action, which, ip) in enumerate(steps):
        comment = comments[which]
        if action == "report":
            RateCount.objects.all().delete()  # the hourly report limit is tested elsewhere
            report(comment, f"reader-{n}", ip=ip)
        else:
            decide[action](comments=[comment], moderator=moderator)

    expected = dict(
        Comment.objects.filter(article=article)
        .annotate(oldest=Min("reports__created_at", filter=Q(reports__resolved_at__isnull=True)))
        .values_list("pk", "oldest")
    )
    kept = dict(Comment.objects.filter(article=article).values_list("pk", "reported_at"))
    assert kept == expected
    reported = set(Comment.objects.filter(article=article).with_open_reports().values_list("pk"))
    assert reported == {(pk,) for pk, oldest in expected.items() if oldest}


@pytest.mark.django_db(transaction=True)
def test_the_migration_finds_the_reports_open_before_it():
    old = migrate_to([("comments", "0026_rate_counts")])
    OldArticle = old.get_model("articles", "Article")
    OldComment = old.get_model("comments", "Comment")
    OldReport = old.get_model("comments", "Report")
    article = OldArticle.objects.create(title="T", slug="t", summary="s", body="b")
    waiting, dealt_with = (
        OldComment.objects.create(article=article, author_name="A", body="x", status="approved")
        for _ in range(2)
    )
    earlier = timezone.now() - timedelta(days=3)
    OldReport.objects.create(comment=waiting, reason="spam", reporter_key="a", created_at=earlier)
    OldReport.objects.create(comment=waiting, reason="spam", reporter_key="b")
    OldReport.objects.create(
        comment=dealt_with, reason="spam", reporter_key="a", resolved_at=timezone.now()
    )

    migrate_to_latest()

    assert Comment.objects.get(pk=waiting.pk).reported_at == earlier
    assert Comment.objects.get(pk=dealt_with.pk).reported_at is None
    assert list(Comment.objects.with_open_reports().values_list("pk", flat=True)) == [waiting.pk]


def test_a_kept_report_time_gone_wrong_is_put_right_by_the_next_report_or_decision(
    client, moderator, article
):
    # As a process still running code from before reported_at could leave it.
    forgotten, stuck = make_comment(article), make_comment(article)
    Report.objects.create(comment=forgotten, reason="spam", reporter_key="old-code")
    Comment.objects.filter(pk=stuck.pk).update(reported_at=timezone.now())
    client.force_login(moderator)
    assert queue_ids(client) == [stuck.pk]

    report(forgotten, "a")
    moderation.comments_remove(comments=[stuck], moderator=moderator)

    assert queue_ids(client) == [forgotten.pk]
    forgotten.refresh_from_db()
    assert forgotten.reported_at == Report.objects.get(reporter_key="old-code").created_at
