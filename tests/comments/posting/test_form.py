"""Posting a comment or a reply through the real form, and every way that can go wrong."""

import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from articles.models import Article
from comments.models import Comment
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def publish_at_once(settings):
    """These tests are about the form; the moderation policy has tests of its own."""
    settings.COMMENTS_MODERATION = "post"


def post_url(article):
    return reverse("comments:post", kwargs={"slug": article.slug})


def post(client, article, data, **extra):
    return client.post(post_url(article), data, **extra)


def textarea_value(html: str) -> str:
    match = re.search(r'<textarea[^>]*name="comment"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, "the comment box is on the page"
    return match.group(1).strip()


def error_next_to(html: str, field: str) -> str:
    """The error message rendered right under a field (crispy-bootstrap5's layout)."""
    match = re.search(rf'id="error_1_id_{field}"[^>]*>\s*<strong>(.*?)</strong>', html, re.S)
    assert match, f"an error is shown next to the {field} field"
    return match.group(1)


# The form itself ---------------------------------------------------------------------------


def test_form_reads_like_the_source_page(client, article):
    html = client.get(article.get_absolute_url()).content.decode()

    assert "Leave a Comment" in html
    assert "Your email address will not be published." in html
    assert "Required fields are marked" in html
    for label in ("Comment", "Name", "Email"):
        assert re.search(rf">\s*{label}<span class=\"asteriskField\">\*</span>", html), label
    assert re.search(r">\s*Website\s*</label>", html)
    assert "Save my name, email, and website in this browser for the next time I comment." in html
    assert ">Post Comment</button>" in html


# A successful post ---------------------------------------------------------------------------


def test_posting_redirects_to_the_new_comments_permalink(client, article, comment_data):
    response = post(client, article, comment_data)

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.slug}/#comment-{comment.pk}"
    assert comment.status == Comment.Status.APPROVED
    assert comment.author_email == "walter.private@example.com"


def test_published_comment_is_shown_to_every_reader(client, article, comment_data):
    post(client, article, comment_data)

    html = Client().get(article.get_absolute_url()).content.decode()
    assert "Which massage device helps with lower back pain?" in html
    assert "1 comment" in html


def test_the_posting_request_is_recorded_for_abuse_handling(client, article, comment_data):
    post(client, article, comment_data, HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="203.0.113.9")

    comment = Comment.objects.get()
    assert comment.ip_address == "203.0.113.9"
    assert comment.user_agent == "Firefox/140"


def test_website_makes_the_name_a_nofollow_ugc_link(client, article, comment_data):
    post(client, article, {**comment_data, "url": "https://walter.example.org/"})

    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        '<a href="https://walter.example.org/" rel="nofollow ugc external"><bdi>Walter</bdi></a>'
        in html
    )


def test_comment_text_is_sanitized_before_anyone_sees_it(client, article, comment_data):
    hostile = 'Hi <script>alert("x")</script> <a href="javascript:alert(1)">click</a>'
    post(client, article, {**comment_data, "comment": hostile})

    html = Client().get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "javascript:alert" not in html
    assert "&lt;script&gt;" in html


@override_settings(COMMENTS_MODERATION="pre")
def test_held_comment_is_shown_only_to_its_author_as_awaiting_moderation(
    client, article, comment_data
):
    response = post(client, article, comment_data)
    assert response.status_code == 302

    own_view = client.get(article.get_absolute_url()).content.decode()
    assert "Which massage device helps" in own_view
    assert "Your comment is awaiting moderation." in own_view

    stranger_view = Client().get(article.get_absolute_url()).content.decode()
    assert "Which massage device helps" not in stranger_view
    assert "No comments yet" in stranger_view
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_article_can_hold_every_comment_whatever_the_site_setting(client, comment_data):
    article = make_article(moderation=Article.Moderation.PRE)
    post(client, article, comment_data)

    assert Comment.objects.get().status == Comment.Status.PENDING


@override_settings(COMMENTS_MODERATION="auto")
def test_auto_mode_holds_a_first_time_commenter_and_trusts_a_known_one(
    client, article, comment_data
):
    post(client, article, comment_data)
    first = Comment.objects.get()
    assert first.status == Comment.Status.PENDING
    assert first.hold_reasons[0]["code"] == "first_comment"

    first.status = Comment.Status.APPROVED
    first.save()
    post(client, article, {**comment_data, "comment": "Thanks for the answers."})

    assert Comment.objects.latest("pk").status == Comment.Status.APPROVED


# Replies -------------------------------------------------------------------------------------


def test_reply_is_nested_under_its_parent(client, article, comment_data):
    parent = make_comment(article, author_name="Ann")
    post(client, article, {**comment_data, "parent": parent.pk})

    reply = Comment.objects.exclude(pk=parent.pk).get()
    assert reply.parent == parent
    html = client.get(article.get_absolute_url()).content.decode()
    ann = html.index(f'id="comment-{parent.pk}"')
    children = html.index('<ol class="children">', ann)
    assert html.index(f'id="comment-{reply.pk}"', children) > children


def test_reply_link_opens_the_form_addressed_to_that_commenter(client, article):
    parent = make_comment(article, author_name="Ann")

    html = client.get(f"{article.get_absolute_url()}?replytocom={parent.pk}").content.decode()

    assert "Leave a Reply to <bdi>Ann</bdi>" in html
    assert f'name="parent" value="{parent.pk}"' in html
    assert "Cancel reply" in html


@pytest.mark.parametrize("target", ["other_article", "missing", "pending", "spam", "removed"])
def test_reply_to_an_unanswerable_comment_is_refused_with_the_text_kept(
    client, article, comment_data, target
):
    if target == "other_article":
        parent_id = make_comment(make_article()).pk
    elif target == "missing":
        parent_id = 999_999
    else:
        parent_id = make_comment(article, status=target).pk

    response = post(client, article, {**comment_data, "parent": parent_id})

    assert response.status_code == 200
    html = response.content.decode()
    assert "The comment you are replying to is not available." in html
    assert textarea_value(html) == comment_data["comment"]
    assert 'name="parent"' in html and f'value="{parent_id}"' not in html
    assert not Comment.objects.filter(author_name="Walter").exists()


@override_settings(COMMENTS_MAX_DEPTH=3)
def test_replies_stop_nesting_at_the_configured_depth(client, article, comment_data):
    top = make_comment(article)
    middle = make_comment(article, parent=top)
    deepest = make_comment(article, parent=middle)

    html = client.get(article.get_absolute_url()).content.decode()
    assert f"?replytocom={middle.pk}" in html
    assert f"?replytocom={deepest.pk}" not in html

    post(client, article, {**comment_data, "parent": deepest.pk})
    reply = Comment.objects.latest("pk")
    assert reply.parent == middle
    assert reply.depth == 2


# Bad input: a clear message next to the field, and nothing typed is lost ---------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("comment", "", "Please write your comment."),
        ("comment", "   \n\t  ", "Please write your comment."),
        ("name", "", "Please enter the name to show with your comment."),
        ("name", "    ", "Please enter the name to show with your comment."),
        ("email", "", "Please enter your email address. It will not be published."),
        ("email", "walter-at-example.com", "Enter a valid email address."),
        ("email", "walter@example.com\nBcc: all@example.com", "Enter a valid email address."),
        ("url", "javascript:alert(1)", "starts with http:// or https://"),
        ("url", "ftp://files.example.org/", "starts with http:// or https://"),
        ("url", "data:text/html,hi", "starts with http:// or https://"),
        ("name", "N" * 101, "at most 100 characters"),
    ],
)
def test_invalid_field_is_explained_next_to_it_and_the_comment_is_kept(
    client, article, comment_data, field, value, message
):
    data = {**comment_data, field: value}

    response = post(client, article, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in error_next_to(html, field)
    if field != "comment":
        assert textarea_value(html) == comment_data["comment"]
    assert not Comment.objects.exists()


def test_errors_are_summarised_above_the_form_with_links_to_the_fields(
    client, article, comment_data
):
    response = post(client, article, {**comment_data, "email": "nope", "name": ""})

    html = response.content.decode()
    summary = html[html.index('class="alert alert-danger form-error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert 'role="alert"' in html
    assert (
        '<a href="#id_name">Name: Please enter the name to show with your comment.</a>' in summary
    )
    assert '<a href="#id_email">Email: Enter a valid email address.</a>' in summary


def test_comment_over_the_length_limit_is_refused_and_kept_whole(client, article, comment_data):
    long_text = "word " * 1100  # 5,500 characters

    response = post(client, article, {**comment_data, "comment": long_text})

    html = response.content.decode()
    assert "the limit is 5000" in error_next_to(html, "comment")
    assert textarea_value(html) == long_text.strip()
    assert not Comment.objects.exists()


@override_settings(COMMENTS_MAX_LENGTH=20)
def test_length_limit_comes_from_settings(client, article, comment_data):
    response = post(client, article, {**comment_data, "comment": "x" * 21})

    assert "the limit is 20" in error_next_to(response.content.decode(), "comment")


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m", "\x7f", "\x85"])
def test_control_characters_are_explained_and_the_rest_of_the_text_kept(
    client, article, comment_data, bad
):
    response = post(client, article, {**comment_data, "comment": f"Back{bad} pain"})

    html = response.content.decode()
    assert "invisible control characters" in error_next_to(html, "comment")
    assert textarea_value(html).startswith("Back")
    assert textarea_value(html).endswith(" pain")
    assert not Comment.objects.exists()


def test_malformed_parent_value_is_a_message_not_a_crash(client, article, comment_data):
    response = post(client, article, {**comment_data, "parent": "1 OR 1=1"})

    assert response.status_code == 200
    assert textarea_value(response.content.decode()) == comment_data["comment"]


def test_closed_article_shows_no_form_and_keeps_a_late_posters_text(client, comment_data):
    article = make_article(comments_open=False)

    page = client.get(article.get_absolute_url()).content.decode()
    assert "Comments are closed." in page
    assert "Post Comment" not in page

    response = post(client, article, comment_data)
    html = response.content.decode()
    assert "Comments are closed on this article." in html
    assert comment_data["comment"] in html
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [{"status": Article.Status.DRAFT}, {"published_at": "2999-01-01T00:00:00Z"}],
)
def test_unpublished_article_takes_no_comments(client, comment_data, fields):
    article = make_article(**fields)

    response = post(client, article, comment_data)

    assert response.status_code == 404
    assert not Comment.objects.exists()


FROM_ANOTHER_SITE = {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"}


def test_a_comment_from_another_site_gets_a_friendly_page_with_the_comment_kept(
    article, comment_data
):
    client = Client(enforce_csrf_checks=True)

    response = post(client, article, comment_data, **FROM_ANOTHER_SITE)

    assert response.status_code == 403
    html = response.content.decode()
    assert "Please send that again" in html
    assert "came from another site" in html
    assert "Nothing you typed is lost" in html
    assert textarea_value(html) == comment_data["comment"]
    assert not Comment.objects.exists()


def test_sending_again_from_the_friendly_page_lets_the_comment_through(article, comment_data):
    client = Client(enforce_csrf_checks=True)
    post(client, article, comment_data, **FROM_ANOTHER_SITE)

    # The friendly page is this site's own: the browser says so when its form is sent.
    response = post(client, article, comment_data, HTTP_SEC_FETCH_SITE="same-origin")

    assert response.status_code == 302
    assert Comment.objects.count() == 1


def test_get_on_the_posting_url_is_not_allowed(client, article):
    assert client.get(post_url(article)).status_code == 405


# "Save my details" -------------------------------------------------------------------------


def test_saved_details_fill_the_form_next_time(client, article, comment_data):
    response = post(
        client, article, {**comment_data, "url": "https://w.example.org", "save_details": "on"}
    )

    cookie = response.cookies["comment_author"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 365 * 24 * 60 * 60
    assert "walter.private" not in cookie.value  # signed and encoded, not plain text

    html = client.get(make_article().get_absolute_url()).content.decode()
    assert 'value="Walter"' in html
    assert 'value="walter.private@example.com"' in html
    assert 'value="https://w.example.org"' in html
    assert re.search(r'name="save_details"[^>]*checked', html)


def test_details_are_not_saved_unless_asked(client, article, comment_data):
    response = post(client, article, comment_data)

    assert "comment_author" not in response.cookies or not response.cookies["comment_author"].value
    assert (
        "walter.private@example.com" not in client.get(article.get_absolute_url()).content.decode()
    )


def test_unticking_save_details_forgets_them(client, article, comment_data):
    post(client, article, {**comment_data, "save_details": "on"})
    post(client, article, {**comment_data, "comment": "Second one."})

    assert 'value="Walter"' not in client.get(article.get_absolute_url()).content.decode()


def test_tampered_details_cookie_is_ignored(client, article):
    client.cookies["comment_author"] = "eyJuYW1lIjoiRXZlIn0:forged:signature"

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert "Eve" not in response.content.decode()
