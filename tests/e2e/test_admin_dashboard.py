"""A site admin opens the Django admin and finds the comment dashboard and its chart."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from tests.conftest import make_comment
from tests.e2e.conftest import (
    PASSWORD,
    assert_accessible,
    assert_no_problems,
    log_in,
    screenshot,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_sees_the_dashboard_chart_with_a_bar_per_day(page, live_server, article):
    User.objects.create_superuser("root", "root@example.com", PASSWORD)
    now = timezone.now()
    for days_ago, count in ((0, 3), (2, 1), (5, 5), (12, 2)):
        for _ in range(count):
            comment = make_comment(article)
            Comment.objects.filter(pk=comment.pk).update(created_at=now - timedelta(days=days_ago))
    make_comment(article, status=Comment.Status.PENDING)

    page.goto(live_server.url + "/admin/")
    expect(page).to_have_url(live_server.url + "/admin/login/?next=/admin/")
    log_in(page, "root")
    expect(page).to_have_url(live_server.url + "/admin/")

    dashboard = page.locator("#comment-dashboard")
    expect(dashboard.get_by_role("heading", name="Comments", exact=True)).to_be_visible()
    expect(dashboard.locator("#cd-pending .cd-number")).to_have_text("1")
    chart = dashboard.locator("svg.cd-chart")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("role", "img")
    bars = chart.locator("rect.cd-bar")
    # One bar for each of the 30 days the dashboard speaks of ("last 30 days").
    expect(bars).to_have_count(30)
    counts = [int(bar.get_attribute("data-count")) for bar in bars.all()]
    # Every comment counts on its day, the held one too (today: 3 approved and 1 pending).
    assert sum(counts) == 12
    assert sorted(count for count in counts if count) == [1, 2, 4, 5]
    assert counts[-1] == 4
    # The tallest bar is the busiest day.
    heights = [float(bar.get_attribute("height")) for bar in bars.all()]
    assert heights.index(max(heights)) == counts.index(5)
    screenshot(page, "admin-dashboard")
    assert_accessible(page, "admin-dashboard")
    assert_no_problems(page)
