"""A reader finds an article from the front page and follows a comment's permalink."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article
from comments.models import Comment
from tests.conftest import make_comment
from tests.e2e.conftest import assert_accessible, assert_no_problems, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_SLUG = "massage-and-bodywork-for-ms"
TARGET_BACKGROUND = "rgb(238, 246, 251)"  # #eef6fb, site.css's :target > .comment-body


@pytest.fixture
def demo_article():
    call_command("load_demo", stdout=io.StringIO())
    article = Article.objects.get(slug=DEMO_SLUG)
    walter = Comment.objects.get(article=article, author_name="Walter Brennan")
    # A longer thread than the demo's one comment, so a permalink has somewhere to jump to.
    ann = make_comment(article, author_name="Ann", parent=walter, body="Same here, thank you.")
    make_comment(
        article,
        author_name="Maria",
        parent=walter,
        by_moderator=True,
        body="Please ask your neurologist first.",
    )
    for n in range(4):
        make_comment(article, author_name=f"Reader {n}", body="Useful.\n\n" * 6)
    last = make_comment(article, author_name="Zoe", parent=ann, body="Did it help with sleep?")
    return article, walter, last


def test_reader_follows_a_comment_permalink_from_the_front_page(
    new_page, live_server, demo_article
):
    article, walter, last = demo_article
    page = new_page()

    page.goto(live_server.url + "/")
    page.get_by_role("link", name=article.title).click()
    expect(page).to_have_url(live_server.url + article.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(article.title)
    comment = page.locator(f"#comment-{walter.pk}")
    expect(comment.locator(":scope > .comment-body h3")).to_contain_text("Walter Brennan")

    comment.locator(".comment-permalink").first.click()
    expect(page).to_have_url(live_server.url + article.get_absolute_url() + walter.anchor)
    expect(comment.locator(":scope > .comment-body")).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target').id") == f"comment-{walter.pk}"
    expect(comment.locator(":scope > .comment-body")).to_have_css(
        "background-color", TARGET_BACKGROUND
    )
    screenshot(page, "reader-permalink")
    assert_accessible(page, "article")

    # A permalink shared elsewhere opens on its comment, deep in the thread.
    other = new_page()
    other.goto(live_server.url + last.get_absolute_url())
    target = other.locator(f"#comment-{last.pk} > .comment-body")
    expect(target).to_be_in_viewport()
    expect(target).to_have_css("background-color", TARGET_BACKGROUND)
    # The thread says how deep a reply is: Zoe answers Ann, who answers Walter.
    expect(other.locator(f"#comment-{last.pk} h3")).to_contain_text("reply at level 3")
    assert other.locator(f"#comment-{walter.pk} ol.children #comment-{last.pk}").count() == 1
    assert_no_problems(page)
    assert_no_problems(other)


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, live_server, article):
    page.goto(live_server.url + article.get_absolute_url())
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    box = skip.bounding_box()
    assert box["width"] > 50 and box["height"] > 20  # shown, not a 1px clip
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues inside the content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert_no_problems(page)


def test_relative_times_match_the_server_and_update_every_minute(new_page, live_server, article):
    now = timezone.now()
    ages = {
        "minutes": timedelta(minutes=5, seconds=10),
        "hours": timedelta(hours=3, minutes=2),
        "days": timedelta(days=2, hours=5, minutes=1),
        "weeks": timedelta(days=9, hours=1),
    }
    ids = {}
    for name, age in ages.items():
        comment = make_comment(article, author_name=name)
        Comment.objects.filter(pk=comment.pk).update(created_at=now - age)
        ids[name] = comment.pk
    url = live_server.url + article.get_absolute_url()

    def times(page):
        return {
            name: page.locator(f"#comment-{pk} .comment-permalink time").inner_text()
            for name, pk in ids.items()
        }

    plain = new_page(java_script_enabled=False)
    plain.goto(url)
    server_words = times(plain)
    assert server_words["hours"] == "3\xa0hours ago"

    page = new_page()
    page.clock.install(time=now + timedelta(seconds=5))
    page.goto(url)
    # The script writes the same words as Django's naturaltime: nothing jumps on load.
    assert times(page) == server_words
    page.clock.run_for(61_000)
    expect(page.locator(f"#comment-{ids['minutes']} .comment-permalink time")).to_have_text(
        "6\xa0minutes ago"
    )
    assert_no_problems(page)


def test_reader_pages_through_a_long_thread(new_page, live_server, article, settings):
    settings.COMMENTS_PER_PAGE = 2
    tops = [make_comment(article, author_name=f"Top {n}") for n in range(5)]
    reply = make_comment(article, author_name="Late reply", parent=tops[3])
    url = live_server.url + article.get_absolute_url()
    page = new_page()
    page.goto(url)
    pages = page.get_by_role("navigation", name="Pages of comments")
    expect(pages.locator("[aria-current=page]")).to_have_text("Comments page 1")
    pages.get_by_role("link", name="Comments page 2").click()
    expect(page).to_have_url(f"{url}?cpage=2#comments")
    expect(page.locator(".comment-author")).to_have_text(
        ["Top 2", "Top 3", "Late reply, reply at level 2"]
    )
    screenshot(page, "reader-comment-page-2")
    assert_accessible(page, "article-page-2")
    pages.get_by_role("link", name="Next page").click()
    expect(page.locator(".comment-author")).to_have_text(["Top 4"])

    # Replying from page 2 keeps the reader on page 2 (JavaScript off: the plain link).
    plain = new_page(java_script_enabled=False)
    plain.goto(f"{url}?cpage=2")
    plain.get_by_role("link", name="Reply to Late reply").click()
    expect(plain).to_have_url(f"{url}?cpage=2&replytocom={reply.pk}#respond")
    expect(plain.locator(f"#comment-{reply.pk}")).to_be_visible()
    expect(plain.locator("#reply-title")).to_have_text("Leave a Reply to Late reply Cancel reply")
    assert_no_problems(page)
    assert_no_problems(plain)
