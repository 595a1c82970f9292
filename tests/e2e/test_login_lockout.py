"""A locked-out login gets the site's own page, in the site's layout, with nothing the CSP
refuses and nothing a screen reader stumbles on; a moderator sets the name their replies
appear under from the comment page."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.conftest import make_comment

from .conftest import assert_accessible, log_in, make_moderator

pytestmark = pytest.mark.django_db(transaction=True)

# Chromium logs the status of any page that answers with an error; nothing else may appear.
TOO_MANY = "Failed to load resource: the server responded with a status of 429 (Too Many Requests)"


def test_a_locked_out_moderator_sees_the_sites_lockout_page(page, live_server):
    make_moderator("ana")
    page.goto(live_server.url + "/accounts/login/")
    for n in range(settings.AXES_FAILURE_LIMIT):
        log_in(page, "ana", f"wrong guess {n}")
    page.goto(live_server.url + "/accounts/login/")

    log_in(page, "ana")

    expect(page.get_by_role("heading", name="Too many attempts")).to_be_visible()
    expect(page.get_by_role("link", name=settings.SITE_NAME)).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{settings.AXES_COOLOFF_TIME * 60} minutes")
    assert page.locator("link[rel=stylesheet]").count() >= 2
    assert_accessible(page, "login-locked-out")
    assert set(page.problems) == {TOO_MANY}  # and no CSP violation or script error
    page.problems.clear()


def test_a_moderator_sets_the_name_their_replies_appear_under(page, live_server, article):
    make_moderator("mod1")
    comment = make_comment(article, author_name="Ben")
    page.goto(live_server.url + f"/moderation/comment/{comment.pk}/")
    log_in(page, "mod1")
    expect(page.locator("#reply-as")).to_contain_text("Your reply will appear as Moderator")

    page.get_by_role("link", name="Change your public name").click()
    assert_accessible(page, "moderation-profile")
    page.get_by_label("Public name").fill("Ana Ruiz, Moderator team")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(live_server.url + f"/moderation/comment/{comment.pk}/")
    expect(page.locator("#reply-as")).to_contain_text("appear as Ana Ruiz, Moderator team")
    page.locator("#reply-body").fill("Thank you, Ben.")
    page.get_by_role("button", name="Publish reply").click()
    page.goto(live_server.url + article.get_absolute_url())
    expect(page.locator(".comment-list")).to_contain_text("Ana Ruiz, Moderator team")
    expect(page.locator(".comment-list")).not_to_contain_text("mod1")
