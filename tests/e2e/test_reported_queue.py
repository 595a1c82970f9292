"""A reader reports a months-old comment; the moderator finds it at the top of the Reported
queue, above a comment reported earlier, and keeps it, which takes it out of the queue."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from comments.posting import services as posting
from tests.conftest import make_comment
from tests.e2e.conftest import assert_no_problems, log_in, make_moderator, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_report_on_an_old_comment_comes_to_the_top_of_the_reported_queue(
    new_page, live_server, article
):
    make_moderator("maria")
    old = make_comment(
        article,
        author_name="Walter",
        body="My wife swears by the percussion massager for her lower back.",
        created_at=timezone.now() - timedelta(days=200),
    )
    recent = make_comment(article, author_name="דנה", body="תודה על הכתבה 🙏")
    posting.comment_report(
        comment=recent, reason="off_topic", note="", reporter="a", ip_address="198.51.100.7"
    )

    reader = new_page()
    reader.goto(live_server.url + article.get_absolute_url())
    reader.get_by_role("link", name="Report the comment by Walter").click()
    reader.get_by_label("Spam or advertising").check()
    reader.get_by_role("button", name="Send report").click()
    reader.wait_for_load_state("load")
    assert_no_problems(reader)

    page = new_page()
    page.goto(live_server.url + "/moderation/?status=reported")
    log_in(page, "maria")
    rows = page.locator("li.queue-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Walter")
    expect(rows.nth(0)).to_contain_text("Reported from 1 network (1 report, the first ")
    expect(rows.nth(1)).to_contain_text("דנה")
    expect(page.get_by_label("Order of first reports")).to_have_value("newest")
    screenshot(page, "reported-queue")

    rows.nth(0).get_by_role("button", name="Keep, dismiss reports").click()
    page.wait_for_load_state("load")

    expect(page.locator("li.queue-row")).to_have_count(1)
    expect(page.locator("li.queue-row")).to_contain_text("דנה")
    assert_no_problems(page)
    assert Comment.objects.get(pk=old.pk).reported_at is None
