"""A commenter edits or deletes their own comment, from the browser that posted it, for a while."""

import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, ModerationLog
from comments.sanitize import ALLOWED_TAGS
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db

EDIT_LINK = "comment-edit-link"


@pytest.fixture(autouse=True)
def _published_at_once(settings):
    settings.COMMENTS_MODERATION = "post"
    settings.COMMENTS_EDIT_MINUTES = 15


def post(client, article, comment_data, **fields) -> Comment:
    data = {**comment_data, **fields}
    response = client.post(reverse("comments:post", kwargs={"slug": article.slug}), data)
    assert response.status_code == 302
    return Comment.objects.get(body=data["comment"])


def edit_url(comment) -> str:
    return reverse("comments:edit", kwargs={"pk": comment.pk})


def delete_url(comment) -> str:
    return reverse("comments:delete", kwargs={"pk": comment.pk})


def page(client, article) -> str:
    return client.get(article.get_absolute_url()).content.decode()


def test_a_commenter_edits_their_comment_within_the_window(client, article, comment_data):
    comment = post(client, article, comment_data)

    form = client.get(edit_url(comment)).content.decode()
    response = client.post(edit_url(comment), {"comment": "Which device helps? (Typo fixed.)"})

    assert "Edit for 15 more minutes" in form
    assert comment_data["comment"] in form  # the text to edit, prefilled
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    comment.refresh_from_db()
    assert comment.body == "Which device helps? (Typo fixed.)"
    assert comment.status == Comment.Status.APPROVED
    assert comment.edited_at is not None
    assert "Which device helps? (Typo fixed.)" in page(Client(), article)


def test_the_thread_offers_edit_and_delete_with_a_countdown_to_the_poster_only(
    client, article, comment_data
):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        comment = post(client, article, comment_data)
        own = page(client, article)
        traveller.shift(timedelta(minutes=14, seconds=30))
        late = page(client, article)

    assert EDIT_LINK in own and edit_url(comment) in own and delete_url(comment) in own
    assert "Edit for 15 more minutes" in own
    assert "Edit for 1 more minute<" in late
    assert EDIT_LINK not in page(Client(), article)


def test_after_the_window_nothing_is_offered_and_a_change_is_refused_with_the_text_kept(
    client, article, comment_data
):
    comment = post(client, article, comment_data)

    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        thread = page(client, article)
        shown = client.get(edit_url(comment))
        sent = client.post(edit_url(comment), {"comment": "My late, carefully typed edit."})
        deleted = client.post(delete_url(comment))

    assert EDIT_LINK not in thread
    assert shown.status_code == sent.status_code == deleted.status_code == 403
    assert "The time to change this comment is over" in sent.content.decode()
    assert "My late, carefully typed edit." in sent.content.decode()
    comment.refresh_from_db()
    assert comment.body == comment_data["comment"]
    assert comment.status == Comment.Status.APPROVED


def test_another_browser_cannot_edit_or_delete_and_is_offered_nothing(
    client, article, comment_data
):
    comment = post(client, article, comment_data)
    other = Client()
    other.post(
        reverse("comments:post", kwargs={"slug": article.slug}),
        {**comment_data, "comment": "The other browser's own comment."},
    )

    thread = page(other, article)
    sent = other.post(edit_url(comment), {"comment": "Hijacked text."})
    deleted = other.post(delete_url(comment))

    assert edit_url(comment) not in thread
    assert sent.status_code == deleted.status_code == 403
    assert "only be changed from the browser that posted it" in sent.content.decode()
    comment.refresh_from_db()
    assert comment.body == comment_data["comment"]
    assert comment.status == Comment.Status.APPROVED


def test_another_browser_is_not_told_that_someone_elses_held_comment_exists(
    client, article, comment_data, settings
):
    settings.COMMENTS_MODERATION = "pre"
    comment = post(client, article, comment_data)
    assert comment.status == Comment.Status.PENDING

    assert Client().get(edit_url(comment)).status_code == 404
    assert client.get(edit_url(comment)).status_code == 200  # its author may still fix it


def test_a_forged_cross_site_edit_or_delete_is_refused(article, comment_data):
    browser = Client(enforce_csrf_checks=True)
    comment = post(browser, article, comment_data)
    forged = {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"}

    edit = browser.post(edit_url(comment), {"comment": "Forged text."}, **forged)
    delete = browser.post(delete_url(comment), **forged)
    no_token = browser.post(edit_url(comment), {"comment": "Forged text."})

    assert edit.status_code == delete.status_code == no_token.status_code == 403
    assert "Forged text." in no_token.content.decode()  # a lost cookie loses no text
    comment.refresh_from_db()
    assert comment.body == comment_data["comment"]
    assert comment.status == Comment.Status.APPROVED
    # The page's own form, with its token, works.
    form = browser.get(edit_url(comment)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    done = browser.post(
        edit_url(comment), {"comment": "A real edit.", "csrfmiddlewaretoken": token}
    )
    assert done.status_code == 302


def test_an_edit_that_adds_links_is_held_again_with_its_reason(
    client, article, comment_data, settings
):
    settings.COMMENTS_HOLD_LINKS = 2
    comment = post(client, article, comment_data)
    version = article.thread_version

    client.post(
        edit_url(comment),
        {"comment": "Buy here https://a.example/ and https://b.example/ now"},
    )

    comment.refresh_from_db()
    article.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert {reason["code"] for reason in comment.hold_reasons} >= {"edited", "links"}
    assert article.thread_version > version
    assert "a.example" not in page(Client(), article)
    own = page(client, article)
    assert "a.example" in own and "awaiting moderation" in own
    row = ModerationLog.objects.get(comment=comment, action=ModerationLog.Action.SELF_EDIT)
    assert (row.from_status, row.to_status) == ("approved", "pending")


def test_the_log_keeps_the_old_text_for_moderators(client, article, comment_data, moderator):
    comment = post(client, article, comment_data)
    client.post(edit_url(comment), {"comment": "The new wording."})

    row = ModerationLog.objects.get(comment=comment, action=ModerationLog.Action.SELF_EDIT)
    assert comment_data["comment"] in row.note
    assert row.moderator is None
    staff = Client()
    staff.force_login(moderator)
    detail = staff.get(reverse("moderation:comment", kwargs={"pk": comment.pk}))
    assert comment_data["comment"] in unescape(detail.content.decode())


def test_edited_comments_are_marked_for_every_reader_and_the_shared_page_refreshes(
    client, article, comment_data
):
    comment = post(client, article, comment_data)
    before = page(Client(), article)  # the shared page, now cached

    client.post(edit_url(comment), {"comment": "Now with a clearer question."})
    after = page(Client(), article)

    assert "(edited)" not in before
    assert "(edited)" in after and "Now with a clearer question." in after


def test_deleting_a_comment_with_replies_leaves_a_placeholder(client, article, comment_data):
    comment = post(client, article, comment_data)
    make_comment(article, parent=comment, body="A reply by someone else.")

    confirm = client.get(delete_url(comment))
    response = client.post(delete_url(comment))

    assert "Replies to it stay" in confirm.content.decode()
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    assert ModerationLog.objects.filter(
        comment=comment, action=ModerationLog.Action.SELF_DELETE, to_status="removed"
    ).exists()
    thread = page(Client(), article)
    assert "This comment was removed." in thread
    assert "A reply by someone else." in thread
    assert comment_data["comment"] not in thread


def test_a_get_changes_nothing(client, article, comment_data):
    comment = post(client, article, comment_data)

    client.get(edit_url(comment))
    client.get(delete_url(comment))

    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED and comment.edited_at is None
    assert not ModerationLog.objects.filter(comment=comment).exists()


def test_the_shared_cached_page_never_holds_edit_links(client, article, comment_data):
    post(client, article, comment_data)
    authors_page = page(client, article)  # rendered for the author alone
    first = Client().get(article.get_absolute_url())
    second = Client().get(article.get_absolute_url())  # from the shared cache

    assert EDIT_LINK in authors_page
    for response in (first, second):
        assert response.has_header("ETag")
        assert EDIT_LINK not in response.content.decode()
        assert "/edit/" not in response.content.decode()


def test_the_authors_page_runs_as_many_queries_with_own_comments_as_without(
    client, article, comment_data, settings
):
    settings.COMMENTS_MODERATION = "pre"
    post(client, article, comment_data, comment="A held comment: the browser has the cookie.")
    with CaptureQueriesContext(connection) as without:
        page(client, article)
    settings.COMMENTS_MODERATION = "post"
    for n in range(5):
        post(client, article, comment_data, comment=f"My own comment number {n}.")
        make_comment(article)

    with CaptureQueriesContext(connection) as with_links:
        html = page(client, article)

    assert html.count(EDIT_LINK) == 6
    assert len(with_links) == len(without)


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert('x')</script> and <img src=x onerror=alert(1)>",
        "x" * 5001,
        "Bad \x00 control \x07 characters",
    ],
)
def test_hostile_or_invalid_edits_keep_the_text(client, article, comment_data, hostile):
    comment = post(client, article, comment_data)

    response = client.post(edit_url(comment), {"comment": hostile})

    comment.refresh_from_db()
    if response.status_code == 302:  # accepted: shown as text, never as markup
        thread = page(Client(), article)
        assert "<script>" not in thread and "&lt;script&gt;" in thread
    else:
        html = unescape(response.content.decode())
        assert response.status_code == 200
        assert hostile.replace("\x00", "").replace("\x07", "")[:200] in html
        assert comment.body == comment_data["comment"]


def test_an_empty_edit_is_refused_with_a_message(client, article, comment_data):
    comment = post(client, article, comment_data)

    response = client.post(edit_url(comment), {"comment": "   "})

    assert response.status_code == 200
    assert "Please write your comment." in response.content.decode()


def test_too_many_edits_slow_down_with_the_text_kept(client, article, comment_data):
    comment = post(client, article, comment_data)
    for n in range(20):
        assert client.post(edit_url(comment), {"comment": f"Edit {n}"}).status_code == 302

    response = client.post(edit_url(comment), {"comment": "One edit too many."})

    assert response.status_code == 429
    assert "One edit too many." in response.content.decode()


def test_the_form_counts_characters_and_names_the_allowed_tags(client, article, settings):
    settings.COMMENTS_MAX_LENGTH = 1234
    html = unescape(page(Client(), article))

    assert 'data-limit="1234"' in html and "Up to 1234 characters." in html
    note = html[html.index("You can use these HTML tags:") :][:400]
    for tag in ALLOWED_TAGS:
        assert f"<{tag}" in note
    assert "comment_count.js" in html


def test_on_a_pre_moderated_article_an_edit_waits_for_a_moderator_again(
    client, article, comment_data
):
    comment = post(client, article, comment_data)
    article.moderation = article.Moderation.PRE
    article.save()

    client.post(edit_url(comment), {"comment": "Changed after a moderator read it."})

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert "pre_moderation" in {reason["code"] for reason in comment.hold_reasons}


def test_a_proof_kept_only_for_editing_ends_with_the_edit_window(
    client, article, comment_data, settings
):
    post(client, article, comment_data)
    cookie = client.cookies[settings.COMMENTS_OWN_COOKIE]

    # The browser drops the cookie when the window closes: its next page is the shared one.
    assert 14 * 60 < int(cookie["max-age"]) <= 15 * 60
    assert settings.SESSION_COOKIE_NAME not in client.cookies


def test_a_held_comment_is_proved_for_the_sites_session_age(
    client, article, comment_data, settings
):
    settings.COMMENTS_MODERATION = "pre"
    post(client, article, comment_data)

    cookie = client.cookies[settings.COMMENTS_OWN_COOKIE]
    assert settings.SESSION_COOKIE_AGE - 5 <= int(cookie["max-age"]) <= settings.SESSION_COOKIE_AGE
    assert settings.SESSION_COOKIE_NAME not in client.cookies
