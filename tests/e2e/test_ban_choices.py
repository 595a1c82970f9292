"""A moderator bans a comment's IP address from its page, with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from comments.models import Ban, Comment
from tests.conftest import make_comment
from tests.e2e.conftest import assert_accessible, log_in, make_moderator

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def spammer(article):
    return make_comment(
        article,
        author_name="Casino King",
        author_email="king@spam.example",
        status=Comment.Status.PENDING,
        ip_address="203.0.113.66",
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_choosing_ip_address_bans_the_comments_ip(new_page, live_server, spammer, javascript):
    make_moderator("maria")
    page = new_page(java_script_enabled=javascript)
    page.goto(f"{live_server.url}/moderation/comment/{spammer.pk}/")
    log_in(page, "maria")  # and sent on to the comment's page
    remove_box = page.get_by_label("Also remove this email's comments (email bans only)")

    page.get_by_label("IP address 203.0.113.66").check()
    if javascript:  # the box means nothing for an IP ban: the script switches it off
        expect(remove_box).to_be_disabled()
        page.get_by_label("Email king@spam.example").check()
        expect(remove_box).to_be_enabled()
        page.get_by_label("IP address 203.0.113.66").check()
        assert_accessible(page, "moderation-ban-choices")
    page.get_by_label("Reason").fill("casino spam")
    page.get_by_role("button", name="Ban", exact=True).click()

    expect(page.locator(".messages")).to_contain_text("Banned IP address 203.0.113.66.")
    ban = Ban.objects.get()
    assert (ban.kind, ban.value) == ("ip", "203.0.113.66")
