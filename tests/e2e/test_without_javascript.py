"""With JavaScript off the site still works: post, reply, moderate, read."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.conftest import make_comment
from tests.e2e.conftest import assert_no_problems, log_in, make_moderator, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def post(page, *, text, name="Walter", email="walter@example.com"):
    form = page.locator("#respond form")
    form.get_by_role("textbox", name="Comment").fill(text)
    form.get_by_role("textbox", name="Name").fill(name)
    form.get_by_role("textbox", name="Email").fill(email)
    form.get_by_role("button", name="Post Comment").click()
    page.wait_for_load_state("load")


def test_comment_reply_and_approval_work_with_javascript_off(new_page, live_server, article):
    ann = make_comment(article, author_name="Ann", body="Massage helped my legs.")
    make_moderator("maria")
    url = live_server.url + article.get_absolute_url()

    commenter = new_page(java_script_enabled=False)
    commenter.goto(url)
    # The first post goes through: the shared page holds no token and needs none
    # (tests/e2e/test_first_post_without_javascript.py).
    post(commenter, text="Posted without JavaScript.")
    comment = Comment.objects.get(body="Posted without JavaScript.")
    assert comment.status == Comment.Status.PENDING
    expect(commenter.locator(f"#comment-{comment.pk}")).to_contain_text(
        "Your comment is awaiting moderation."
    )

    # Reply: the link loads the page again with the form addressed to Ann.
    commenter.get_by_role("link", name="Reply to Ann").click()
    expect(commenter).to_have_url(f"{url}?replytocom={ann.pk}#respond")
    expect(commenter.locator("#reply-title")).to_have_text("Leave a Reply to Ann Cancel reply")
    assert commenter.locator("#respond input[name='parent']").input_value() == str(ann.pk)
    screenshot(commenter, "nojs-reply-form")
    post(commenter, text="A reply without JavaScript.")
    reply = Comment.objects.get(body="A reply without JavaScript.")
    assert reply.parent_id == ann.pk
    expect(
        commenter.locator(f"#comment-{ann.pk} > ol.children > #comment-{reply.pk}")
    ).to_contain_text("Your comment is awaiting moderation.")

    # The moderator approves one with its own button, the other with its checkbox.
    moderator = new_page(java_script_enabled=False)
    moderator.goto(live_server.url + "/moderation/")
    log_in(moderator, "maria")
    expect(moderator.locator(".queue-row")).to_have_count(2)
    moderator.locator(f"#row-{comment.pk}").get_by_role("button", name="Approve").click()
    expect(moderator.locator(".messages")).to_contain_text("1 comment approved.")
    moderator.get_by_label("Select the comment by Walter").check()
    moderator.locator(".bulk-actions").get_by_role("button", name="Approve").click()
    expect(moderator.locator(".messages")).to_contain_text("1 comment approved.")
    expect(moderator.locator(".queue-empty")).to_be_visible()
    screenshot(moderator, "nojs-moderation-done")

    reader = new_page(java_script_enabled=False)
    reader.goto(url)
    expect(reader.locator("#comments-title")).to_have_text("3 comments")
    expect(reader.locator(f"#comment-{comment.pk}")).to_contain_text("Posted without JavaScript.")
    expect(reader.locator(f"#comment-{ann.pk} #comment-{reply.pk}")).to_contain_text(
        "A reply without JavaScript."
    )
    expect(reader.locator(".comment-awaiting-moderation")).to_have_count(0)
    for page in (commenter, moderator, reader):
        assert_no_problems(page)
