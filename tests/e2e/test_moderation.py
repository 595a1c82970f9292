"""A moderator works the queue with the mouse, then with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment, ModerationLog
from tests.conftest import make_comment
from tests.e2e.conftest import (
    assert_accessible,
    assert_no_problems,
    log_in,
    make_moderator,
    screenshot,
)

pytestmark = pytest.mark.django_db(transaction=True)

Status = Comment.Status


def row(page, comment):
    return page.locator(f"#row-{comment.pk}")


def test_moderator_works_the_queue_by_mouse_and_by_keyboard(new_page, live_server, article):
    make_moderator("maria")
    held = {
        name: make_comment(
            article,
            author_name=name,
            body=f"{name}'s thoughts on massage.",
            status=Status.PENDING,
            hold_reasons=[{"code": "first", "message": "first comment from this email"}],
        )
        for name in ("Ada", "Ben", "Cyd", "Dot", "Eve", "Fay", "Gus", "Hal")
    }
    page = new_page()

    # Asked to log in first, then sent on to the queue.
    page.goto(live_server.url + "/moderation/")
    expect(page).to_have_url(live_server.url + "/accounts/login/?next=/moderation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    log_in(page, "maria")
    expect(page).to_have_url(live_server.url + "/moderation/")
    expect(page.get_by_role("link", name="Pending 8")).to_have_attribute("aria-current", "page")
    expect(row(page, held["Ada"])).to_contain_text("first comment from this email")
    screenshot(page, "moderation-queue")
    assert_accessible(page, "moderation-queue")

    # With the mouse: one comment at a time (a screen reader hears whose comment)...
    page.get_by_role("button", name="Approve the comment by Ada", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("1 comment approved.")
    expect(row(page, held["Ada"])).to_have_count(0)
    row(page, held["Ben"]).get_by_role("button", name="Spam").click()
    expect(page.locator(".messages")).to_contain_text("1 comment marked as spam.")
    row(page, held["Cyd"]).get_by_role("button", name="Remove").click()
    expect(page.locator(".messages")).to_contain_text("1 comment removed.")
    # ...and two at once, with their checkboxes and the bulk button.
    page.get_by_label("Select the comment by Dot").check()
    page.get_by_label("Select the comment by Eve").check()
    page.locator(".bulk-actions").get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text("2 comments approved.")
    expect(page.locator(".queue-row")).to_have_count(3)

    # With the keyboard only: j/k move between comments, a/s/r act on the current one.
    # Newest first: Hal, Gus, Fay.
    page.keyboard.press("j")
    expect(row(page, held["Hal"])).to_be_focused()
    page.keyboard.press("j")
    expect(row(page, held["Gus"])).to_be_focused()
    expect(row(page, held["Gus"])).to_have_class("queue-row is-current")
    page.keyboard.press("k")
    expect(row(page, held["Hal"])).to_be_focused()
    page.keyboard.press("j")
    page.keyboard.press("a")  # approve Gus
    expect(page.locator(".messages")).to_contain_text("1 comment approved.")
    expect(row(page, held["Gus"])).to_have_count(0)
    # The comment that took Gus's place is the current one: no need to start over.
    expect(row(page, held["Fay"])).to_be_focused()
    page.keyboard.press("k")
    expect(row(page, held["Hal"])).to_be_focused()
    page.keyboard.press("s")  # Hal is spam
    expect(page.locator(".messages")).to_contain_text("1 comment marked as spam.")
    expect(row(page, held["Fay"])).to_be_focused()
    page.keyboard.press("r")  # Fay is removed
    expect(page.locator(".messages")).to_contain_text("1 comment removed.")
    expect(page.locator(".queue-empty")).to_contain_text("The pending queue is empty")

    statuses = dict(Comment.objects.values_list("author_name", "status"))
    assert statuses == {
        "Ada": Status.APPROVED,
        "Ben": Status.SPAM,
        "Cyd": Status.REMOVED,
        "Dot": Status.APPROVED,
        "Eve": Status.APPROVED,
        "Fay": Status.REMOVED,
        "Gus": Status.APPROVED,
        "Hal": Status.SPAM,
    }
    assert ModerationLog.objects.filter(moderator__username="maria").count() == 8

    # A reader, in another browser, sees exactly the approved comments.
    reader = new_page()
    reader.goto(live_server.url + article.get_absolute_url())
    expect(reader.locator("#comments-title")).to_have_text("4 comments")
    shown = reader.locator(".comment-author").all_inner_texts()
    assert sorted(shown) == ["Ada", "Dot", "Eve", "Gus"]
    screenshot(reader, "moderation-reader-sees-approved")
    assert_no_problems(page)
    assert_no_problems(reader)
