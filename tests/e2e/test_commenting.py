"""A commenter posts, replies, gets every form error explained, and is remembered."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.conftest import make_comment
from tests.e2e.conftest import assert_accessible, assert_no_problems, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

WEBSITE_MESSAGE = "Enter a website address that starts with http:// or https://."


def fill_form(page, *, comment=None, name=None, email=None, website=None):
    form = page.locator("#respond form")
    for label, value in (
        ("Comment", comment),
        ("Name", name),
        ("Email", email),
        ("Website", website),
    ):
        if value is not None:
            form.get_by_role("textbox", name=label).fill(value)


def field(page, name):
    return page.locator(f"#respond [name='{name}']")


def error_for(page, name):
    """The element the field points at with aria-describedby that holds its error."""
    described_by = field(page, name).get_attribute("aria-describedby") or ""
    ids = [i for i in described_by.split() if i.endswith("_error")]
    assert ids, f"{name} has no error in its aria-describedby ({described_by!r})"
    return page.locator(f"[id='{ids[0]}']")


def test_commenter_posts_replies_fixes_errors_and_is_remembered(page, live_server, article):
    ann = make_comment(article, author_name="Ann", body="Massage helped my legs.")
    url = live_server.url + article.get_absolute_url()

    # A first comment: held for moderation, shown to its author only.
    page.goto(url)
    expect(page.get_by_role("heading", name="Leave a Comment")).to_be_visible()
    fill_form(page, comment="Does this work for spasticity?", name="Walter", email="w@example.com")
    page.get_by_role("button", name="Post Comment").click()
    mine = Comment.objects.get(author_name="Walter")
    assert mine.status == Comment.Status.PENDING
    own = page.locator(f"#comment-{mine.pk}")
    expect(own).to_contain_text("Your comment is awaiting moderation.")
    expect(own).to_contain_text("Does this work for spasticity?")
    expect(own.locator(":scope > .comment-body")).to_be_in_viewport()
    screenshot(page, "commenter-awaiting-moderation")

    # A reply: the form moves under Ann's comment, addressed to her, focus in the text.
    page.get_by_role("link", name="Reply to Ann").click()
    respond = page.locator(f"#comment-{ann.pk} > #respond")
    expect(respond).to_be_visible()
    expect(page.locator("#reply-title")).to_have_text("Leave a Reply to Ann Cancel reply")
    expect(page.locator("#respond textarea[name='comment']")).to_be_focused()
    expect(page.locator("#comment-announcer")).to_contain_text("Replying to Ann")
    assert field(page, "parent").input_value() == str(ann.pk)
    assert "replytocom" not in page.url
    assert_accessible(page, "reply-form-inline")

    # Cancel puts it back, a new comment again, and focus returns to the Reply link.
    page.get_by_role("link", name="Cancel reply").click()
    expect(page.locator(f"#comment-{ann.pk} #respond")).to_have_count(0)
    expect(page.locator("#reply-title")).to_have_text("Leave a Comment")
    assert field(page, "parent").input_value() == ""
    expect(page.get_by_role("link", name="Reply to Ann")).to_be_focused()
    expect(page.locator("#comment-announcer")).to_contain_text("Reply cancelled")

    page.get_by_role("link", name="Reply to Ann").click()
    page.keyboard.type("Which therapist did you see?")
    fill_form(page, name="Walter", email="w@example.com")
    screenshot(page, "commenter-inline-reply")
    page.get_by_role("button", name="Post Comment").click()
    reply = Comment.objects.get(body="Which therapist did you see?")
    assert reply.parent_id == ann.pk
    expect(page).to_have_url(url + reply.anchor)
    expect(page.locator(f"#comment-{ann.pk} > ol.children > #comment-{reply.pk}")).to_contain_text(
        "Your comment is awaiting moderation."
    )

    # Every mistake at once: each message sits under its field, the text is kept.
    page.goto(url)
    fill_form(page, comment="", name="  ", email="not-an-email", website="javascript:alert(1)")
    page.get_by_role("button", name="Post Comment").click()
    summary = page.locator(".form-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Your comment has not been posted yet")
    expected = {
        "comment": "Please write your comment.",
        "name": "Please enter the name to show with your comment.",
        "email": "Enter a valid email address.",
        "url": WEBSITE_MESSAGE,
    }
    for name, message in expected.items():
        expect(error_for(page, name)).to_have_text(message)
        expect(field(page, name)).to_have_attribute("aria-invalid", "true")
        expect(summary).to_contain_text(message)
        # Next to its field: right below it, not somewhere else on the page.
        field_box = field(page, name).bounding_box()
        error_box = error_for(page, name).bounding_box()
        assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 40, name
    assert field(page, "email").input_value() == "not-an-email"
    assert field(page, "url").input_value() == "javascript:alert(1)"
    screenshot(page, "commenter-form-errors")
    assert_accessible(page, "form-errors")

    # The summary's links take the keyboard to the field.
    summary.get_by_role("link", name="Email: Enter a valid email address.").click()
    expect(field(page, "email")).to_be_focused()

    # Too long: said so, with the text kept to shorten.
    too_long = ("Long story. " * 420).strip()  # 5,039 characters, over the 5,000 limit
    fill_form(page, comment=too_long, name="Walter", email="w@example.com", website="")
    page.get_by_role("button", name="Post Comment").click()
    expect(error_for(page, "comment")).to_have_text(
        f"Your comment is {len(too_long)} characters long; the limit is 5000. Please shorten it."
    )
    assert field(page, "comment").input_value() == too_long
    assert field(page, "name").input_value() == "Walter"
    for name in ("name", "email", "url"):
        expect(field(page, name)).not_to_have_attribute("aria-invalid", "true")

    # Save my details: a later visit finds the form filled in.
    fill_form(page, comment="Thanks, all.", website="https://walter.example")
    page.get_by_label("Save my name, email, and website").check()
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator(".comment-awaiting-moderation")).to_have_count(3)
    page.goto(live_server.url + "/")
    page.goto(url)
    assert field(page, "name").input_value() == "Walter"
    assert field(page, "email").input_value() == "w@example.com"
    assert field(page, "url").input_value() == "https://walter.example"
    expect(page.get_by_label("Save my name, email, and website")).to_be_checked()
    assert field(page, "comment").input_value() == ""
    assert_no_problems(page)


def test_first_comment_from_a_new_browser_lands_on_its_permalink(page, live_server, article):
    url = live_server.url + article.get_absolute_url()
    page.goto(url)
    fill_form(page, comment="My very first comment.", name="Walter", email="w@example.com")
    page.get_by_role("button", name="Post Comment").click()
    mine = Comment.objects.get(author_name="Walter")
    expect(page.locator(f"#comment-{mine.pk}")).to_contain_text("awaiting moderation")
    assert page.url == url + mine.anchor
    expect(page.locator(f"#comment-{mine.pk} > .comment-body")).to_be_in_viewport()
