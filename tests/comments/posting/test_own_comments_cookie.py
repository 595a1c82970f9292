"""A browser proves which comments it posted with a signed cookie: posting touches no session.

The own-comments cookie (``comments.models.readers``) lets the posting browser see its held
comment "awaiting moderation" and edit or delete its comment while the window is open. A
changed, foreign or expired entry proves nothing, and a page for such a browser is its own.
"""

import json
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import page_cache
from comments.models import Comment, own_comment_ids, remember_own_comment
from comments.models.readers import OWN_COOKIE_SALT
from tests.conftest import commenter_cookie, make_comment

pytestmark = pytest.mark.django_db

OWN = settings.COMMENTS_OWN_COOKIE
AWAITING = "awaiting moderation"


@pytest.fixture(autouse=True)
def _held_first(settings):
    settings.COMMENTS_MODERATION = "pre"  # every new comment waits for a moderator
    settings.COMMENTS_EDIT_MINUTES = 15


def post(client, article, comment_data, **fields):
    data = {**comment_data, **fields}
    response = client.post(reverse("comments:post", kwargs={"slug": article.slug}), data)
    assert response.status_code == 302
    return response, Comment.objects.get(body=data["comment"])


def page(client, article) -> str:
    return client.get(article.get_absolute_url()).content.decode()


def edit_url(comment) -> str:
    return reverse("comments:edit", kwargs={"pk": comment.pk})


def delete_url(comment) -> str:
    return reverse("comments:delete", kwargs={"pk": comment.pk})


def browser_with(value: str) -> Client:
    browser = Client()
    browser.cookies[OWN] = value
    return browser


def with_id_changed(value: str, old: int, new: int) -> str:
    """The cookie ``value`` with comment ``old`` renamed ``new``, its signature kept."""
    payload, stamp, signature = value.split(":")
    entries = json.loads(signing.b64_decode(payload.encode()))
    entries = [[new if pk == old else pk, until] for pk, until in entries]
    forged = signing.b64_encode(json.dumps(entries, separators=(",", ":")).encode()).decode()
    return f"{forged}:{stamp}:{signature}"


# Posting ----------------------------------------------------------------------------------


def test_posting_from_a_new_browser_creates_no_session_and_sets_the_signed_cookie(
    client, article, comment_data, settings
):
    settings.SESSION_COOKIE_SECURE = True  # as production sets it
    sessions = Session.objects.count()

    response, comment = post(client, article, comment_data)

    assert Session.objects.count() == sessions
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    cookie = response.cookies[OWN]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_AGE - 5 <= int(cookie["max-age"]) <= settings.SESSION_COOKIE_AGE
    [[pk, until]] = signing.loads(cookie.value, salt=OWN_COOKIE_SALT)
    assert pk == comment.pk
    assert (
        until >= (comment.created_at + timedelta(seconds=settings.SESSION_COOKIE_AGE)).timestamp()
    )
    decoded = signing.b64_decode(cookie.value.split(":")[0].encode()).decode()
    for personal in (comment_data["email"], comment_data["name"]):
        assert personal not in cookie.value and personal not in decoded


def test_the_redirect_finds_the_new_held_comment_on_its_page(
    client, article, comment_data, settings
):
    settings.COMMENTS_PER_PAGE = 1
    make_comment(article)
    make_comment(article)

    response, comment = post(client, article, comment_data)

    # The third conversation, on page 3: the view's own request already proves it.
    assert response["Location"] == f"{article.get_absolute_url()}?cpage=3#comment-{comment.pk}"


def test_a_published_comment_with_edits_off_is_not_remembered(
    client, article, comment_data, settings
):
    settings.COMMENTS_MODERATION = "post"
    settings.COMMENTS_EDIT_MINUTES = 0

    response, comment = post(client, article, comment_data)

    assert comment.status == Comment.Status.APPROVED
    assert OWN not in response.cookies
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_posting_runs_the_same_statements_in_any_thread_and_none_reads_a_session(
    article, comment_data
):
    def statements(**fields) -> list[str]:
        data = {**comment_data, **fields}
        with CaptureQueriesContext(connection) as captured:
            Client().post(reverse("comments:post", kwargs={"slug": article.slug}), data)
        return [query["sql"] for query in captured]

    small = statements(email="first@example.com", comment="First in an empty thread.")
    for n in range(30):
        make_comment(article, body=f"Earlier comment {n}.")
    busy = statements(email="later@example.com", comment="Posted in a busy thread.")

    # The article; the posting transaction (here a savepoint and its release): on PostgreSQL
    # the article's lock (``CommentQuerySet.for_writing``), address known?, bans, keyword
    # rules, rate check, insert; then the redirect's place of the comment (two: the
    # conversations and the placeholders before it; the new comment is not read again).
    # Proving the comment with a database session cost 4 more: its SELECT, and its INSERT in
    # a transaction of its own.
    assert len(small) == len(busy) == 10 + (connection.vendor == "postgresql")
    assert not [sql for sql in small + busy if "django_session" in sql]


# Who sees a held comment ------------------------------------------------------------------


def test_the_posting_browser_sees_its_held_comment_and_no_other_browser_does(
    client, article, comment_data
):
    _response, comment = post(client, article, comment_data)

    own, other = page(client, article), page(Client(), article)

    assert comment.body in own and AWAITING in own
    assert comment.body not in other and AWAITING not in other
    assert Client().get(edit_url(comment)).status_code == 404


def test_a_cookie_with_a_changed_id_shows_nobody_elses_held_comment(article, comment_data):
    ann, bob = Client(), Client()
    post(ann, article, comment_data, comment="Ann's question.", email="ann@example.com")
    _response, bobs = post(bob, article, comment_data, comment="Bob's secret.", email="b@x.org")
    anns = Comment.objects.get(body="Ann's question.")

    mallory = browser_with(with_id_changed(ann.cookies[OWN].value, anns.pk, bobs.pk))

    assert "Bob's secret." not in page(mallory, article)
    assert AWAITING not in page(mallory, article)
    assert mallory.get(edit_url(bobs)).status_code == 404


def test_a_cookie_with_a_changed_id_cannot_change_someone_elses_comment(
    article, comment_data, settings
):
    settings.COMMENTS_MODERATION = "post"
    ann, bob = Client(), Client()
    post(ann, article, comment_data, comment="Ann's question.", email="ann@example.com")
    _response, bobs = post(bob, article, comment_data, comment="Bob's words.", email="b@x.org")
    anns = Comment.objects.get(body="Ann's question.")
    mallory = browser_with(with_id_changed(ann.cookies[OWN].value, anns.pk, bobs.pk))

    edited = mallory.post(edit_url(bobs), {"comment": "Hijacked."})
    deleted = mallory.post(delete_url(bobs))

    assert edited.status_code == deleted.status_code == 403
    assert "only be changed from the browser that posted it" in edited.content.decode()
    bobs.refresh_from_db()
    assert bobs.body == "Bob's words." and bobs.status == Comment.Status.APPROVED


@pytest.mark.parametrize(
    "forged",
    [
        "",
        "not-a-cookie",
        "a:b:c",
        "commenter-key",  # another cookie of the site, signed for another purpose
        "a dict",
        "a text time",
        "a text id",
    ],
)
def test_a_malformed_or_foreign_cookie_is_no_proof_and_no_error(article, forged):
    held = make_comment(article, status=Comment.Status.PENDING, body="Someone's held words.")
    values = {
        "commenter-key": commenter_cookie("someone@example.com"),
        "a dict": signing.dumps({"ids": [held.pk]}, salt=OWN_COOKIE_SALT),
        "a text time": signing.dumps([[held.pk, "forever"]], salt=OWN_COOKIE_SALT),
        "a text id": signing.dumps([[str(held.pk), 4102444800]], salt=OWN_COOKIE_SALT),
    }
    browser = browser_with(values.get(forged, forged))

    response = browser.get(article.get_absolute_url())

    assert response.status_code == 200
    assert "Someone's held words." not in response.content.decode()
    assert browser.get(edit_url(held)).status_code == 404


def test_an_expired_entry_proves_nothing(client, article, comment_data, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        _response, comment = post(client, article, comment_data)
        traveller.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
        late = page(client, article)
        traveller.shift(timedelta(seconds=61))
        # The test client still sends the cookie a browser would have dropped by now.
        after = page(client, article)
        after_edit = client.get(edit_url(comment)).status_code

    assert comment.body in late and AWAITING in late
    assert comment.body not in after and AWAITING not in after
    assert after_edit == 404


# What the cookie keeps --------------------------------------------------------------------


def request_from(response: HttpResponse):
    """A request from a browser that kept ``response``'s own-comments cookie."""
    request = RequestFactory().get("/")
    request.COOKIES[OWN] = response.cookies[OWN].value
    return request


def test_each_comment_is_proved_for_its_own_time_and_the_cookie_lasts_for_the_latest():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        posting, answer = RequestFactory().get("/"), HttpResponse()
        remember_own_comment(posting, answer, 1, until=timezone.now() + timedelta(hours=1))
        remember_own_comment(posting, answer, 2, until=timezone.now() + timedelta(minutes=15))
        assert own_comment_ids(posting) == [1, 2]  # the same request sees both at once
        assert int(answer.cookies[OWN]["max-age"]) == 60 * 60
        traveller.shift(timedelta(minutes=20))
        later = request_from(answer)
        assert own_comment_ids(later) == [1]
        again = HttpResponse()
        remember_own_comment(later, again, 3, until=timezone.now() + timedelta(minutes=5))

        assert own_comment_ids(request_from(again)) == [1, 3]  # the expired one is gone
        assert int(again.cookies[OWN]["max-age"]) == 40 * 60


def test_a_browser_keeps_proof_of_its_last_fifty_comments():
    posting, answer = RequestFactory().get("/"), HttpResponse()
    for pk in range(1, 56):
        remember_own_comment(posting, answer, pk, until=timezone.now() + timedelta(hours=1))

    assert own_comment_ids(request_from(answer)) == list(range(6, 56))
    assert len(answer.cookies[OWN].value) < 1500  # far below a browser's 4 KB


def test_with_sessions_ending_at_browser_close_the_cookie_does_too(
    client, article, comment_data, settings
):
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True

    response, _comment = post(client, article, comment_data)

    assert response.cookies[OWN]["max-age"] == "" and response.cookies[OWN]["expires"] == ""


# Editing ----------------------------------------------------------------------------------


def test_the_edit_window_works_from_the_cookie_alone(client, article, comment_data, settings):
    settings.COMMENTS_MODERATION = "post"
    sessions = Session.objects.count()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _response, first = post(client, article, comment_data)
        _response, second = post(client, article, comment_data, comment="A second one.")
        traveller.shift(timedelta(minutes=14))
        edited = client.post(edit_url(first), {"comment": "Fixed within the window."})
        deleted = client.post(delete_url(first))
        traveller.shift(timedelta(minutes=2))
        late = client.post(edit_url(second), {"comment": "Too late."})

    assert edited.status_code == deleted.status_code == 302
    first.refresh_from_db()
    assert first.body == "Fixed within the window." and first.status == Comment.Status.REMOVED
    assert late.status_code == 403
    assert Session.objects.count() == sessions


def test_an_edit_that_holds_a_comment_again_keeps_it_visible_to_its_author(
    client, article, comment_data, settings
):
    settings.COMMENTS_MODERATION = "post"
    settings.COMMENTS_HOLD_LINKS = 2
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _response, comment = post(client, article, comment_data)
        edited = client.post(
            edit_url(comment), {"comment": "See https://a.example/ and https://b.example/"}
        )
        traveller.shift(timedelta(hours=1))  # long after the edit window
        own, other = page(client, article), page(Client(), article)

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert int(edited.cookies[OWN]["max-age"]) > settings.SESSION_COOKIE_AGE - 60 * 60
    assert "a.example" in own and AWAITING in own
    assert "a.example" not in other


# The shared page --------------------------------------------------------------------------


def test_a_browser_with_the_cookie_never_gets_the_shared_page_or_a_304(
    client, article, comment_data
):
    make_comment(article, body="A published comment.")
    shared = Client().get(article.get_absolute_url())
    Client().get(article.get_absolute_url())  # now kept by the fast path too
    post(client, article, comment_data)

    own = client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=shared["ETag"])

    assert own.status_code == 200
    assert not own.has_header("ETag")
    assert AWAITING in own.content.decode()
    request = RequestFactory().get("/", HTTP_COOKIE=f"{OWN}={client.cookies[OWN].value}")
    assert page_cache.is_personal(request) and not page_cache.is_shared(request)


def test_the_privacy_page_says_what_the_cookie_holds_and_how_long_it_lasts(client):
    html = client.get("/privacy/").content.decode()

    row = html[html.index(f"<code>{OWN}</code>") :]
    row = row[: row.index("</tr>")]
    assert "awaits moderation" in row and "never your name or address" in row
    assert "2 weeks after a comment that awaits moderation" in row  # SESSION_COOKIE_AGE
    assert "15 minutes after a published one" in row


@pytest.mark.parametrize("logout", ["logout", "admin:logout"])
def test_logging_out_drops_the_cookie(client, article, comment_data, moderator, logout):
    moderator.is_staff = True  # the admin's logout is for staff
    moderator.save()
    client.force_login(moderator)
    post(client, article, comment_data)
    assert OWN in client.cookies

    response = client.post(reverse(logout))

    assert response.cookies[OWN]["max-age"] == 0  # the browser deletes it
    assert response.cookies[OWN].value == ""
