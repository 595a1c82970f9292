"""Phones and zoomed-in screens: nothing scrolls sideways, however long a word or a link is."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.conftest import make_comment
from tests.e2e.conftest import (
    assert_accessible,
    assert_no_problems,
    log_in,
    make_moderator,
    screenshot,
)

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
# 200% zoom of a 1280x900 window shows the page as a 640x450 one would (WCAG 1.4.4 / 1.4.10).
ZOOMED = {"width": 640, "height": 450}

LONG_WORD = "Pneumonoultramicroscopic" * 417  # 10,008 characters without a break
LONG_URL = "https://example.org/" + "/".join(f"section-{n}-of-a-very-long-path" for n in range(40))
WEBSITE = LONG_URL[:200]


@pytest.fixture
def long_comments(article):
    body = f"{LONG_WORD}\n\nSee {LONG_URL} for more."
    reply_to = make_comment(article, author_name="Ann", body="A short one.")
    # The website field holds 200 characters; the text holds the whole long URL.
    make_comment(article, author_name="Ann", body=body, author_url=WEBSITE, parent=reply_to)
    make_comment(
        article,
        author_name="Nobody " * 14,
        author_email="long" * 20 + "@example.com",
        author_url=WEBSITE,
        body=body,
        status=Comment.Status.PENDING,
    )
    return article


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "phone"), (ZOOMED, "zoom-200")])
def test_long_words_and_links_wrap_on_the_article_and_in_the_queue(
    new_page, live_server, long_comments, viewport, name
):
    article = long_comments
    make_moderator("maria")
    page = new_page(viewport=viewport)

    page.goto(live_server.url + article.get_absolute_url())
    long_comment = page.locator(".comment-content", has_text="Pneumono").first
    expect(long_comment).to_be_visible()
    assert scroll_width(page) <= viewport["width"]
    # The word itself wraps inside the comment, which stays within the screen.
    box = long_comment.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert box["height"] > 500
    screenshot(page, f"{name}-article")
    if name == "phone":
        assert_accessible(page, "article-phone")

    page.goto(live_server.url + "/accounts/login/?next=/moderation/")
    assert scroll_width(page) <= viewport["width"]
    log_in(page, "maria")
    expect(page.locator(".queue-row")).to_have_count(1)
    assert scroll_width(page) <= viewport["width"]
    screenshot(page, f"{name}-moderation-queue")
    assert_no_problems(page)
