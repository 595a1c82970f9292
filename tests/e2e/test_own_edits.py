"""In Chromium: a commenter counts their characters, then fixes a typo in their own comment."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _published_at_once(settings):
    settings.COMMENTS_MODERATION = "post"
    settings.COMMENTS_EDIT_MINUTES = 15


def test_a_commenter_sees_the_count_and_edits_their_comment_from_their_browser(
    page, new_page, live_server, article, settings
):
    url = live_server.url + article.get_absolute_url()
    page.goto(url)
    form = page.locator("#respond form")
    expect(form).to_contain_text("You can use these HTML tags:")
    form.get_by_role("textbox", name="Comment").fill("Does massage help? 🙂")
    expect(page.locator("#id_comment_count")).to_contain_text(
        f"20 of {settings.COMMENTS_MAX_LENGTH} characters"
    )
    form.get_by_role("textbox", name="Name").fill("Walter")
    form.get_by_role("textbox", name="Email").fill("walter@example.com")
    page.get_by_role("button", name="Post Comment").click()

    mine = Comment.objects.get(author_name="Walter")
    own = page.locator(f"#comment-{mine.pk}")
    expect(own).to_contain_text("Edit for 15 more minutes")
    other = new_page()
    other.goto(url)
    expect(other.locator(f"#comment-{mine.pk}")).to_contain_text("Does massage help?")
    expect(other.locator(".comment-edit-link")).to_have_count(0)

    own.get_by_role("link", name="Edit your comment").click()
    expect(page.get_by_role("heading", name="Edit your comment")).to_be_visible()
    assert_accessible(page, "own-edit")
    # A refused change: focus goes to the summary of what to fix, its link to the field.
    page.get_by_role("textbox", name="Comment").fill("")
    page.get_by_role("button", name="Save changes").click()
    summary = page.locator(".form-error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link").first.click()
    expect(page.get_by_role("textbox", name="Comment")).to_be_focused()
    page.get_by_role("textbox", name="Comment").fill("Does massage help with spasticity?")
    page.get_by_role("button", name="Save changes").click()

    expect(own).to_contain_text("Does massage help with spasticity?")
    expect(own).to_contain_text("(edited)")
    other.reload()
    expect(other.locator(f"#comment-{mine.pk}")).to_contain_text("(edited)")
