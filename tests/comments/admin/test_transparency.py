"""The transparency numbers on the admin dashboard and their CSV export."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client

from comments.admin import transparency
from comments.models import Comment, ModerationLog, RemovalReason
from comments.moderation import appeals, services, undo
from comments.posting import services as posting
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status
CSV_URL = "/admin/comments/removalreason/transparency.csv"


@pytest.fixture
def second_moderator(django_user_model):
    user = django_user_model.objects.create_user("omar", "omar@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def local(*args) -> datetime:
    from django.conf import settings

    return datetime(*args, tzinfo=ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def history(settings, moderator, second_moderator):
    """Two months of decisions: in March, two removals for misinformation by a person (one
    decided 2 hours after posting, one 4) and a hide after reports; in April, a spam decision,
    a removal without reason and an appeal upheld by another moderator."""
    settings.COMMENTS_REPORT_THRESHOLD = 1
    misinformation = RemovalReason.objects.get(title="Medical misinformation that could cause harm")
    with time_machine.travel(local(2026, 3, 10, 8), tick=False) as traveller:
        article = make_article()
        first, second, third = (make_comment(article) for _ in range(3))
        traveller.shift(timedelta(hours=2))
        services.comments_remove(comments=[first.pk], moderator=moderator, reason=misinformation)
        traveller.shift(timedelta(hours=2))
        services.comments_remove(comments=[second.pk], moderator=moderator, reason=misinformation)
        posting.comment_report(
            comment=third, reason="abuse", note="", reporter="b", ip_address="198.51.100.1"
        )
    with time_machine.travel(local(2026, 4, 5, 12), tick=False):
        fourth, fifth = make_comment(article), make_comment(article)
        services.comments_mark_spam(comments=[fourth.pk], moderator=moderator)
        services.comments_remove(comments=[fifth.pk], moderator=moderator)
        appeal = appeals.appeal_file(comment=Comment.objects.get(pk=first.pk), text="Unfair.")
        appeals.appeal_decide(appeal=appeal, moderator=second_moderator, uphold=True)
    return local(2026, 4, 20, 12)


def test_report_counts_decisions_per_reason_who_decided_appeals_and_median_time(history):
    april, march = transparency.report(months=2, now=history)
    assert march.by_reason == {
        "Medical misinformation that could cause harm": 2,
        "Hidden after reader reports": 1,
    }
    assert (march.human, march.automated) == (2, 1)
    # First decisions in March: 2 hours, 4 hours and the hide (at 4 hours): median 4 hours.
    assert march.median_seconds == 4 * 3600
    assert april.by_reason == {"Spam": 1, "Removed, no specific reason": 1}
    assert (april.appeals_filed, april.appeals_upheld, april.appeals_rejected) == (1, 1, 0)
    assert april.median_seconds == 0


def test_csv_export_has_a_row_per_month_and_a_column_per_reason(history, moderator_client):
    with time_machine.travel(history, tick=False):
        response = moderator_client.get(CSV_URL + "?months=3")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    # Newest first, as on the dashboard.
    assert [row["month"] for row in rows] == ["2026-04", "2026-03", "2026-02"]
    april, march, february = rows
    assert february["decisions"] == "0" and february["median_hours_to_first_decision"] == ""
    assert march["Medical misinformation that could cause harm"] == "2"
    assert march["Hidden after reader reports"] == "1"
    assert (march["automated"], march["by_a_person"]) == ("1", "2")
    assert march["median_hours_to_first_decision"] == "4.00"
    assert april["Spam"] == "1" and april["appeals_upheld"] == "1"
    assert "@example.com" not in response.content.decode()


def test_csv_headers_cannot_become_spreadsheet_formulas(moderator, moderator_client, article):
    reason = RemovalReason.objects.create(title="=HYPERLINK(1)", explanation="x", rule="y")
    services.comments_remove(
        comments=[make_comment(article).pk], moderator=moderator, reason=reason
    )
    header = moderator_client.get(CSV_URL).content.decode().splitlines()[0]
    assert "'=HYPERLINK(1)" in header


def test_the_dashboard_shows_the_months_and_links_the_csv(history, moderator_client):
    with time_machine.travel(history, tick=False):
        page = moderator_client.get("/admin/").content.decode()
    assert "Decisions and appeals, per month" in page
    assert "Medical misinformation that could cause harm" in page
    assert CSV_URL in page
    assert "4.0 hours" in page


def test_the_numbers_take_the_same_queries_at_any_volume(
    moderator, article, django_assert_max_num_queries
):
    for _ in range(20):
        services.comments_remove(comments=[make_comment(article).pk], moderator=moderator)
    # A grouped count, reasons, first decisions, one median per month with decisions, appeals.
    with django_assert_max_num_queries(6 + transparency.CSV_MONTHS):
        transparency.report()


def test_months_are_bounded(moderator_client):
    rows = moderator_client.get(CSV_URL + "?months=999").content.decode().splitlines()
    assert len(rows) == 1 + transparency.MAX_MONTHS


def test_permission_matrix_of_the_csv_export(moderator_client, django_user_model):
    anonymous = Client().get(CSV_URL)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    staff = django_user_model.objects.create_user("stan", "s@example.com", "pw", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get(CSV_URL).status_code == 403
    assert moderator_client.get(CSV_URL).status_code == 200


def test_moderators_edit_the_removal_reasons_in_the_admin(moderator_client):
    reason = RemovalReason.objects.get(title="Off topic")
    url = f"/admin/comments/removalreason/{reason.pk}/change/"
    response = moderator_client.post(
        url,
        {
            "title": "Off topic",
            "rule": "Rule 5",
            "explanation": "Not about the article.",
            "active": "",
            "order": "50",
        },
    )
    assert response.status_code == 302
    reason.refresh_from_db()
    assert reason.rule == "Rule 5" and not reason.active
    assert "Off topic" not in [r.title for r in RemovalReason.objects.active()]


def test_a_used_reason_cannot_be_deleted_so_the_numbers_keep_it(moderator, article):
    from django.db.models import ProtectedError

    reason = RemovalReason.objects.get(title="Off topic")
    services.comments_remove(
        comments=[make_comment(article).pk], moderator=moderator, reason=reason
    )
    with pytest.raises(ProtectedError):
        reason.delete()
    assert ModerationLog.objects.filter(reason=reason).count() == 1


def test_a_decision_taken_back_with_undo_is_counted_as_undone_not_as_a_decision(
    moderator, article, moderator_client
):
    kept, taken_back = make_comment(article), make_comment(article)
    services.comments_remove(comments=[kept.pk], moderator=moderator)
    with undo.recording() as ids:
        services.comments_mark_spam(comments=[taken_back.pk], moderator=moderator)
    undo.comments_undo(log_ids=ids, moderator=moderator)

    (month,) = transparency.report(months=1)
    assert (month.decisions, month.undone) == (1, 1)
    assert month.by_reason == {"Removed, no specific reason": 1}
    (row,) = csv.DictReader(io.StringIO(moderator_client.get(CSV_URL + "?months=1").text))
    assert (row["decisions"], row["undone"]) == ("1", "1")


def test_deciding_again_after_an_undo_counts_the_new_decision(moderator, article):
    comment = make_comment(article)
    with undo.recording() as ids:
        services.comments_remove(comments=[comment.pk], moderator=moderator)
    undo.comments_undo(log_ids=ids, moderator=moderator)
    services.comments_mark_spam(comments=[comment.pk], moderator=moderator)

    (month,) = transparency.report(months=1)
    assert (month.decisions, month.undone, month.by_reason) == (1, 1, {"Spam": 1})
