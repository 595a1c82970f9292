"""axe-core on the pages the journeys do not stop at: none has a serious or critical problem.

The journeys check the article, the form with its errors, the reply form, the queue and the
admin dashboard; this sweeps the rest of what readers and moderators see.
"""

import pytest
from playwright.sync_api import expect

from comments.models import Ban, Comment
from tests.conftest import make_comment
from tests.e2e.conftest import assert_accessible, assert_no_problems, log_in, make_moderator

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_pages_have_no_serious_accessibility_problems(page, live_server, article):
    page.goto(live_server.url + "/")
    assert_accessible(page, "front-page")
    page.goto(live_server.url + "/no-such-page/")
    assert_accessible(page, "not-found")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("button", name="Log in").click()
    assert_accessible(page, "login-with-errors")
    # The 404 page is expected to log its status in the console; nothing else may.
    assert [p for p in page.problems if "404 (Not Found)" not in p] == []
    page.problems.clear()


def test_moderator_pages_have_no_serious_accessibility_problems(page, live_server, article):
    moderator = make_moderator("maria")
    parent = make_comment(article, author_name="Ann")
    comment = make_comment(
        article,
        author_name="Ben",
        parent=parent,
        body="Buy now at https://spam.example and https://more.example",
        status=Comment.Status.PENDING,
        hold_reasons=[{"code": "links", "message": "2 links"}],
    )
    Ban.objects.create(
        kind=Ban.Kind.EMAIL, value="x@example.com", reason="spam", created_by=moderator
    )
    page.goto(live_server.url + "/accounts/login/?next=/moderation/")
    log_in(page, "maria")
    for status in ("approved", "spam", "removed", "reported"):
        page.goto(f"{live_server.url}/moderation/?status={status}")
        assert_accessible(page, f"moderation-{status}")
    # The article page as a moderator: a held comment in place, the links under it (Edit,
    # Reply as moderator, Ban) read on the held comment's tinted background.
    page.goto(live_server.url + article.get_absolute_url())
    expect(page.get_by_role("link", name="Ban", exact=False).first).to_be_visible()
    assert_accessible(page, "article-as-moderator")
    page.goto(f"{live_server.url}/moderation/comment/{comment.pk}/")
    assert_accessible(page, "moderation-comment")
    # Two forms with a "body" field on one page: each label names its own box.
    expect(page.get_by_role("textbox", name="Reply as moderator")).to_have_value("")
    expect(page.get_by_role("textbox", name="Text", exact=False)).to_have_value(comment.body)
    page.goto(f"{live_server.url}/moderation/bans/")
    assert_accessible(page, "moderation-bans")
    page.goto(f"{live_server.url}/moderation/log/")
    assert_accessible(page, "moderation-log")
    assert_no_problems(page)
