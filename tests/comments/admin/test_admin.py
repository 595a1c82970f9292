"""The Django admin as a dashboard, and moderation from the admin (comments/admin/)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.admin import dashboard as stats
from comments.models import Ban, Comment, ModerationLog
from comments.moderation import services
from tests.comments.admin.conftest import change_form_data
from tests.conftest import make_article, make_comment, make_report

pytestmark = pytest.mark.django_db

Status = Comment.Status
INDEX = "/admin/"
COMMENTS = "/admin/comments/comment/"


# Fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, django_user_model):
    """Staff who may view and change comments, but not moderate them."""
    user = django_user_model.objects.create_user(
        "staff", "staff@example.com", "pw-staff-123456", is_staff=True
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments", codename__in=["view_comment", "change_comment"]
        )
    )
    client.force_login(user)
    return client


def posted_ago(comment: Comment, delta: timedelta) -> Comment:
    """Move a comment's created_at into the past (auto_now_add ignores what create() gets)."""
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - delta)
    comment.refresh_from_db()
    return comment


def text_of(html: str, element_id: str) -> str:
    """The visible text of the element with this id, whitespace collapsed."""
    match = re.search(rf'<(\w+)[^>]*\bid="{element_id}".*?</\1>', html, re.S)
    assert match, f"#{element_id} not in the page"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def chart_bars(html: str) -> list[dict]:
    return [
        {"day": day, "count": int(count), "height": float(height)}
        for day, count, height in re.findall(
            r'<rect class="cd-bar" data-day="([\d-]+)" data-count="(\d+)"[^>]*'
            r'\bheight="([\d.]+)"',
            html,
        )
    ]


def run_action(client, action: str, comments, url=COMMENTS):
    return client.post(
        url,
        {"action": action, "_selected_action": [c.pk for c in comments], "index": 0},
        follow=True,
    )


# The dashboard ------------------------------------------------------------------------------


def test_dashboard_shows_the_pending_count_and_the_oldest_pending_age(admin_client, article):
    posted_ago(make_comment(article, status=Status.PENDING), timedelta(hours=2, minutes=5))
    make_comment(article, status=Status.PENDING)
    make_comment(article, status=Status.PENDING)
    make_comment(article, status=Status.APPROVED)

    html = admin_client.get(INDEX).content.decode()

    assert text_of(html, "cd-pending") == "3 pending oldest 2 hours ago"


def test_dashboard_says_so_when_nothing_is_pending(admin_client):
    html = admin_client.get(INDEX).content.decode()

    assert text_of(html, "cd-pending") == "0 pending queue is empty"


def test_dashboard_counts_the_reports_nobody_resolved(admin_client, article):
    comment = make_comment(article)
    make_report(comment, reason="spam", reporter_key="a")
    make_report(comment, reason="abuse", reporter_key="b")
    make_report(comment, reason="spam", reporter_key="c", resolved_at=timezone.now())

    html = admin_client.get(INDEX).content.decode()

    assert text_of(html, "cd-reports").startswith("2 reports waiting")


def test_chart_has_a_bar_per_day_for_30_days_taller_on_busier_days(admin_client, article):
    for _ in range(3):
        make_comment(article)
    posted_ago(make_comment(article), timedelta(days=3))

    bars = chart_bars(admin_client.get(INDEX).content.decode())

    today = timezone.localdate()
    assert [bar["day"] for bar in bars] == [
        (today - timedelta(days=n)).isoformat() for n in range(29, -1, -1)
    ]
    by_day = {bar["day"]: bar for bar in bars}
    busy, quiet, empty = (
        by_day[today.isoformat()],
        by_day[(today - timedelta(days=3)).isoformat()],
        by_day[(today - timedelta(days=1)).isoformat()],
    )
    assert (busy["count"], quiet["count"], empty["count"]) == (3, 1, 0)
    assert busy["height"] > quiet["height"] > empty["height"] == 0


def test_chart_has_a_text_alternative_with_the_numbers(admin_client, article):
    make_comment(article)
    make_comment(article, status=Status.SPAM)

    html = admin_client.get(INDEX).content.decode()

    assert 'role="img"' in html
    assert "<desc" in html and "2 comments from" in html
    today = timezone.localdate()
    assert re.search(
        rf"<th scope=\"row\">{today:%a} {today.day} {today:%b}</th>"
        r'<td class="cd-count">2</td><td class="cd-count">1</td>',
        html,
    )


def test_dashboard_shows_the_spam_rate_of_the_last_30_days(admin_client, article):
    make_comment(article, status=Status.SPAM)
    for _ in range(3):
        make_comment(article)
    # Older than the chart's 30 days: not counted.
    posted_ago(make_comment(article, status=Status.SPAM), timedelta(days=31))

    html = admin_client.get(INDEX).content.decode()

    assert text_of(html, "cd-spam") == "25.0% spam 1 of 4 comments, last 30 days"


def test_dashboard_shows_no_spam_rate_before_there_are_comments(admin_client):
    html = admin_client.get(INDEX).content.decode()

    # A dash, not "0.0%": no comments is not the same as no spam.
    assert text_of(html, "cd-spam") == "\N{EN DASH} spam 0 of 0 comments, last 30 days"


def test_dashboard_lists_the_five_most_commented_articles_this_week(admin_client):
    articles = [make_article(title=f"Story {n}") for n in range(6)]
    for article, count in zip(articles, [2, 6, 1, 4, 3, 5], strict=True):
        for _ in range(count):
            make_comment(article)
    # Only approved comments of the last 7 days count.
    old_news = make_article(title="Old news")
    for _ in range(10):
        posted_ago(make_comment(old_news), timedelta(days=8))
        make_comment(articles[2], status=Status.PENDING)

    html = admin_client.get(INDEX).content.decode()

    table = re.search(r'id="cd-top-articles".*?</table>', html, re.S).group(0)
    titles = re.findall(r'class="cd-top-title" href="([^"]+)">([^<]+)</a>', table)
    assert [title for _, title in titles] == ["Story 1", "Story 5", "Story 3", "Story 4", "Story 0"]
    assert titles[0][0] == reverse("admin:articles_article_change", args=[articles[1].pk])
    assert f'href="{articles[1].get_absolute_url()}"' in table
    assert re.findall(r'<td class="cd-count">(\d+)</td>', table) == ["6", "5", "4", "3", "2"]


def test_moderators_see_the_dashboard(moderator_client):
    response = moderator_client.get(INDEX)

    assert response.status_code == 200
    assert 'id="comment-dashboard"' in response.content.decode()


def test_staff_without_can_moderate_see_the_normal_index(staff_client, article):
    make_comment(article, status=Status.PENDING)

    response = staff_client.get(INDEX)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="comment-dashboard"' not in html
    assert "cd-number" not in html
    assert "admin-dashboard/dashboard.css" not in html


def test_dashboard_renders_without_inline_script_or_style(admin_client, article):
    make_comment(article, status=Status.PENDING)
    make_comment(article, status=Status.SPAM)

    response = admin_client.get(INDEX)

    html = response.content.decode()
    assert 'id="comment-dashboard"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"<style\b", html), "inline style element"
    assert not re.search(r"\sstyle=", html), "style attribute"
    assert "admin-dashboard/dashboard.css" in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_dashboard_page_runs_as_many_queries_with_50_comments_as_with_5(admin_client, article):
    for _ in range(5):
        make_comment(article)
    cache.clear()  # both requests compute what the dashboard keeps for some minutes
    with CaptureQueriesContext(connection) as few:
        admin_client.get(INDEX)
    for n in range(45):
        make_comment(make_article() if n % 5 == 0 else article, status=Status.PENDING)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        admin_client.get(INDEX)

    assert len(many) == len(few)


# The dashboard -----------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 45])
def test_stats_dashboard_runs_four_queries_whatever_the_volume(extra, django_assert_num_queries):
    articles = [make_article() for _ in range(3)]
    for n in range(5 + extra):
        make_comment(articles[n % 3], status=[Status.APPROVED, Status.SPAM, Status.PENDING][n % 3])

    with django_assert_num_queries(4):
        data = stats.dashboard()

    assert data.total_comments == 5 + extra
    assert len(data.days) == 30


def test_stats_count_each_comment_on_its_local_day(settings, article):
    settings.TIME_ZONE = "America/New_York"
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    # 02:00 UTC on 10 March is 22:00 on 9 March in New York.
    comment = make_comment(article)
    Comment.objects.filter(pk=comment.pk).update(created_at=datetime(2026, 3, 10, 2, 0, tzinfo=UTC))

    days = stats.comments_per_day(now=now)

    counts = {day.day.isoformat(): day.total for day in days}
    assert days[-1].day.isoformat() == "2026-03-10"
    assert counts["2026-03-09"] == 1
    assert counts["2026-03-10"] == 0


# Comment admin: actions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "start", "end", "logged"),
    [
        ("approve", Status.PENDING, Status.APPROVED, ModerationLog.Action.APPROVE),
        ("spam", Status.PENDING, Status.SPAM, ModerationLog.Action.SPAM),
        ("remove", Status.APPROVED, Status.REMOVED, ModerationLog.Action.REMOVE),
        ("restore", Status.SPAM, Status.PENDING, ModerationLog.Action.RESTORE),
    ],
)
def test_moderation_actions_change_status_and_log_each_comment(
    moderator_client, moderator, article, action, start, end, logged
):
    comments = [make_comment(article, status=start) for _ in range(2)]

    response = run_action(moderator_client, action, comments)

    assert response.status_code == 200
    for comment in comments:
        comment.refresh_from_db()
        assert comment.status == end
        (entry,) = ModerationLog.objects.filter(comment=comment)
        assert (entry.moderator, entry.action, entry.from_status, entry.to_status) == (
            moderator,
            logged,
            start,
            end,
        )
    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("2 comments ") for m in messages)


def test_restore_brings_a_comment_back_to_where_it_was(moderator_client, moderator, article):
    comment = make_comment(article, status=Status.APPROVED)
    services.comments_mark_spam(comments=[comment], moderator=moderator)

    run_action(moderator_client, "restore", [comment])

    comment.refresh_from_db()
    assert comment.status == Status.APPROVED


def test_action_reports_comments_left_unchanged(moderator_client, article):
    pending = make_comment(article, status=Status.PENDING)
    approved = make_comment(article, status=Status.APPROVED)

    response = run_action(moderator_client, "approve", [pending, approved])

    (message,) = [str(m) for m in response.context["messages"]]
    assert message.startswith("1 comment approved. 1 was already so and was left as it was. ")
    assert 'action="/moderation/undo/"' in message  # the change can be undone (undo.py)
    assert ModerationLog.objects.count() == 1


def test_actions_work_from_a_comments_own_page(moderator_client, article):
    comment = make_comment(article, status=Status.PENDING)
    url = reverse("admin:comments_comment_change", args=[comment.pk])

    page = moderator_client.get(url).content.decode()
    moderator_client.post(
        url, {"CHANGE_FORM-action": "approve", "_selected_action": [comment.pk], "index": 0}
    )

    assert 'value="approve"' in page
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert ModerationLog.objects.filter(comment=comment, action="approve").exists()


def test_staff_without_can_moderate_cannot_run_moderation_actions(staff_client, article):
    comment = make_comment(article, status=Status.PENDING)

    page = staff_client.get(COMMENTS)
    run_action(staff_client, "approve", [comment])

    assert page.status_code == 200
    assert 'value="approve"' not in page.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert not ModerationLog.objects.exists()


# Comment admin: the change form -------------------------------------------------------------


def test_changing_status_in_the_change_form_is_logged(admin_client, admin_user, article):
    comment = make_comment(article, status=Status.PENDING)
    url = reverse("admin:comments_comment_change", args=[comment.pk])

    response = admin_client.post(url, change_form_data(comment, status=Status.SPAM))

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    (entry,) = ModerationLog.objects.filter(comment=comment)
    assert (entry.moderator, entry.action, entry.from_status, entry.to_status) == (
        admin_user,
        "spam",
        "pending",
        "spam",
    )


def test_editing_the_text_in_the_change_form_is_logged_and_sanitized(admin_client, article):
    comment = make_comment(article, body="Old text")
    url = reverse("admin:comments_comment_change", args=[comment.pk])

    admin_client.post(
        url,
        change_form_data(comment, body="New <script>x</script>text", author_name="Renamed"),
    )

    comment.refresh_from_db()
    assert comment.body == "New <script>x</script>text"
    assert "<script>" not in comment.body_html
    assert comment.author_name == "Renamed"
    assert comment.status == Status.APPROVED
    (entry,) = ModerationLog.objects.filter(comment=comment, action="edit")
    assert "Old text" in entry.note
    (renamed,) = ModerationLog.objects.filter(comment=comment, action="change")
    assert "author_name" in renamed.note


def test_the_form_does_not_offer_sending_a_published_comment_back_to_the_queue(
    admin_client, article
):
    comment = make_comment(article, status=Status.APPROVED)
    url = reverse("admin:comments_comment_change", args=[comment.pk])

    response = admin_client.post(url, change_form_data(comment, status=Status.PENDING))

    assert response.status_code == 200  # the form again, with an error
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert not ModerationLog.objects.exists()


def test_change_page_shows_the_rendered_comment_and_why_it_was_held(admin_client, article):
    comment = make_comment(
        article,
        status=Status.PENDING,
        body="See <b>this</b>",
        hold_reasons=[{"code": "first_comment", "message": "first comment from this email"}],
    )

    html = admin_client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content

    html = html.decode()
    assert '<div class="comment-content" dir="auto"><p>See <b>this</b></p></div>' in html
    assert "<li>first comment from this email</li>" in html


def test_a_comments_page_links_to_its_authors_other_comments(admin_client, article):
    comment = make_comment(article, author_email="walter@example.com")
    make_comment(article, author_email="Walter@Example.com", status=Status.SPAM)
    make_comment(article, author_email="walter@example.com", status=Status.SPAM)
    stranger = make_comment(article, author_email="someone@example.com")

    html = admin_client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content
    html = html.decode()

    link = f"{COMMENTS}?author_email=walter%40example.com"
    assert f'href="{link}"' in html
    author = re.search(
        r'field-author_history.*?<div class="readonly">(.*?)</div>', html, re.S
    ).group(1)
    assert "1 approved" in author and "2 spam" in author and "0 removed" in author
    assert "all 3 comments" in author
    listed = admin_client.get(link).context["cl"].result_list
    assert stranger not in listed
    assert {c.author_email.lower() for c in listed} == {"walter@example.com"}
    assert len(listed) == 3


# Comment admin: the list --------------------------------------------------------------------


def test_comment_list_can_be_filtered_by_open_reports(admin_client, article):
    reported = make_comment(article)
    make_report(reported, reason="spam", reporter_key="a")
    make_report(reported, reason="abuse", reporter_key="b")
    dealt_with = make_comment(article)
    make_report(dealt_with, reason="spam", reporter_key="a", resolved_at=timezone.now())
    make_comment(article)

    with_reports = admin_client.get(COMMENTS, {"open_reports": "yes"}).context["cl"]
    without = admin_client.get(COMMENTS, {"open_reports": "no"}).context["cl"]

    assert list(with_reports.result_list) == [reported]
    assert reported not in without.result_list and len(without.result_list) == 2
    assert with_reports.result_list[0].open_report_count == 2


def test_comment_list_shows_columns_moderators_need(moderator_client, article):
    make_comment(article, author_name="Walter", author_email="walter@example.com", body="x" * 200)

    html = moderator_client.get(COMMENTS).content.decode()

    assert "Walter" in html
    assert "?author_email=walter%40example.com" in html
    assert "x" * 79 + "…" in html
    assert "x" * 81 not in html


def test_comment_list_search_finds_email_and_ip(admin_client, article):
    by_email = make_comment(article, author_email="needle@example.com")
    by_ip = make_comment(article, ip_address="203.0.113.9")
    make_comment(article)

    assert list(admin_client.get(COMMENTS, {"q": "needle"}).context["cl"].result_list) == [by_email]
    assert list(admin_client.get(COMMENTS, {"q": "203.0.113"}).context["cl"].result_list) == [by_ip]


# The other models ---------------------------------------------------------------------------


def test_moderation_log_admin_is_read_only(admin_client, admin_user, article):
    comment = make_comment(article, status=Status.PENDING)
    services.comments_approve(comments=[comment], moderator=admin_user)
    entry = ModerationLog.objects.get()
    base = "/admin/comments/moderationlog/"

    listing = admin_client.get(base)
    change_page = admin_client.get(f"{base}{entry.pk}/change/")

    assert listing.status_code == 200
    assert f"{base}add/" not in listing.content.decode()
    assert 'name="_save"' not in change_page.content.decode()
    assert admin_client.get(f"{base}add/").status_code == 403
    assert admin_client.post(f"{base}{entry.pk}/change/", {"note": "x"}).status_code == 403
    assert admin_client.post(f"{base}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ModerationLog.objects.get().note == entry.note


def test_moderation_log_can_be_searched_by_comment_number(admin_client, admin_user, article):
    first, second = make_comment(article), make_comment(article)
    services.comments_remove(comments=[first, second], moderator=admin_user)
    base = "/admin/comments/moderationlog/"

    by_number = admin_client.get(base, {"q": str(second.pk)}).context["cl"].result_list
    by_word = admin_client.get(base, {"q": "nothing-like-this"}).context["cl"].result_list

    assert [entry.comment_id for entry in by_number] == [second.pk]
    assert list(by_word) == []


def test_moderators_may_read_the_log_and_reports(moderator_client):
    assert moderator_client.get("/admin/comments/moderationlog/").status_code == 200
    assert moderator_client.get("/admin/comments/report/").status_code == 200
    assert moderator_client.get("/admin/comments/keywordrule/").status_code == 403


def test_reports_are_resolved_with_an_action(moderator_client, moderator, article):
    report = make_report(make_comment(article), reason="spam", reporter_key="a")

    run_action(moderator_client, "resolve", [report], url="/admin/comments/report/")

    report.refresh_from_db()
    assert report.resolved_at is not None
    assert report.resolved_by == moderator


def test_a_ban_made_in_the_admin_is_validated_and_logged(admin_client):
    url = "/admin/comments/ban/add/"

    bad = admin_client.post(url, {"kind": "ip", "value": "not an ip", "reason": "spam"})
    good = admin_client.post(url, {"kind": "email", "value": " Spam@Example.COM ", "reason": "ads"})

    assert bad.status_code == 200 and not Ban.objects.filter(kind="ip").exists()
    assert good.status_code == 302
    ban = Ban.objects.get()
    assert ban.value == "spam@example.com"
    assert ModerationLog.objects.get().action == "ban"


def test_bans_are_lifted_with_an_action_and_listed_by_state(moderator_client, moderator):
    active = services.commenter_ban(
        kind="email", value="a@example.com", reason="x", moderator=moderator
    )
    expired = services.commenter_ban(
        kind="email",
        value="b@example.com",
        reason="x",
        moderator=moderator,
        expires_at=timezone.now() - timedelta(days=1),
    )
    base = "/admin/comments/ban/"

    run_action(moderator_client, "lift", [active, expired], url=base)

    active.refresh_from_db()
    expired.refresh_from_db()
    assert active.lifted_at is not None
    assert expired.lifted_at is None
    assert ModerationLog.objects.filter(action="lift_ban").count() == 1
    assert list(moderator_client.get(base, {"state": "lifted"}).context["cl"].result_list) == [
        active
    ]
    assert list(moderator_client.get(base, {"state": "expired"}).context["cl"].result_list) == [
        expired
    ]


def test_moderator_mail_is_not_in_the_admin(admin_client):
    assert admin_client.get("/admin/comments/moderatormail/").status_code == 404
    assert "moderatormail" not in admin_client.get(INDEX).content.decode()


# A commenter's data request by post, handled in the admin ----------------------------------


def test_admin_exports_everything_stored_under_an_email(admin_client, article):
    make_comment(article, author_email="Post.Letter@example.com", body="Written by hand")

    response = admin_client.post(
        "/admin/comments/comment/data-request/",
        {
            "email": "post.letter@example.com",
            "action": "export",
            "reference": "letter of 3 May",
            "confirm": "on",
        },
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="commenter-data.json"'
    assert "Written by hand" in response.content.decode()


@pytest.mark.parametrize(("action", "remaining"), [("anonymise", 1), ("erase", 0)])
def test_admin_anonymises_or_erases_on_request_and_logs_it_without_the_email(
    admin_client, article, action, remaining
):
    make_comment(article, author_email="post.letter@example.com", body="Written by hand")

    response = admin_client.post(
        "/admin/comments/comment/data-request/",
        {
            "email": "post.letter@example.com",
            "action": action,
            "reference": "phone call",
            "confirm": "on",
        },
    )

    assert response.status_code == 302
    assert Comment.objects.count() == remaining
    assert not Comment.objects.filter(author_email__iexact="post.letter@example.com").exists()
    entry = ModerationLog.objects.latest("pk")
    assert "phone call" in entry.note
    assert "post.letter" not in entry.note


def test_data_request_needs_confirmation(admin_client, article):
    make_comment(article, author_email="post.letter@example.com")

    response = admin_client.post(
        "/admin/comments/comment/data-request/",
        {"email": "post.letter@example.com", "action": "erase", "reference": "letter"},
    )

    assert response.status_code == 200
    assert Comment.objects.count() == 1


def test_moderators_cannot_handle_data_requests(article, django_user_model):
    user = django_user_model.objects.create_user("maya", password="pw", is_staff=True)
    group, _ = Group.objects.get_or_create(name="Moderators")
    user.groups.add(group)
    client = Client()
    client.force_login(user)

    assert client.get("/admin/comments/comment/data-request/").status_code == 403
