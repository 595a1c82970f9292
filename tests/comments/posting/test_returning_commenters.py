"""A returning commenter is published at once only from a browser that has shown it is them.

Typing the address of someone who comments here (a regular, a moderator) must not publish as
them, nor show their avatar, nor tell the typist whether that address has commented here: from
a new browser both a known and an unknown address are held alike. The owner of a known address
gets one "confirm it's you" mail a day; its link, once its button is pressed, publishes what
waited only for that and lets that browser post at once from then on.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.http import HttpResponse
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.avatars import avatar_data_uri
from comments.identity import KNOWN_EMAIL_NEW_BROWSER, commenter_key, remember_commenter
from comments.models import Comment, ModerationLog
from tests.conftest import commenter_cookie, make_article, make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status

WALTER = "walter.private@example.com"
JANE = "jane@xn--exmple-cua.com"  # jane@exämple.com, stored in its ASCII spelling
STRANGER = "nobody.here@example.com"
CONFIRM_LINK = re.compile(r"https?://\S+/comments/confirm-its-you/\?token=\S+")


@pytest.fixture(autouse=True)
def _auto_mode(settings):
    settings.COMMENTS_MODERATION = "auto"


def post(client, article, comment_data, **changes):
    """Post through the form; what the request queues on commit (mail) runs, as on the site."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("comments:post", kwargs={"slug": article.slug}), {**comment_data, **changes}
        )


def known(email=WALTER, article=None):
    """An earlier, published comment under ``email``."""
    return make_comment(
        article or make_article(), author_email=email, body="An earlier published comment."
    )


def codes(comment):
    return [reason["code"] for reason in comment.hold_reasons]


def with_cookie(value: str) -> Client:
    client = Client()
    client.cookies[settings.COMMENTS_COMMENTER_COOKIE] = value
    return client


def confirm_link(to: str) -> str:
    """The site-relative "confirm it's you" link of the last mail, which must be to ``to``."""
    message = mail.outbox[-1]
    assert message.to == [to]
    parts = urlsplit(CONFIRM_LINK.search(message.body).group(0))
    return f"{parts.path}?{parts.query}"


def token_of(link: str) -> str:
    return re.search(r"token=([^&\s]+)", link).group(1)


# Typing a known address -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        (WALTER, WALTER),
        (WALTER, "Walter.Private@EXAMPLE.com"),
        (JANE, "jane@exämple.com"),
        (JANE, "JANE@XN--EXMPLE-CUA.COM"),
    ],
)
def test_a_known_address_typed_in_a_new_browser_is_held_in_any_spelling(
    article, comment_data, stored, typed
):
    known(stored)

    post(Client(), article, comment_data, email=typed)

    comment = Comment.objects.get(article=article)
    assert comment.status == Status.PENDING
    assert codes(comment) == [KNOWN_EMAIL_NEW_BROWSER]
    assert comment.hold_reasons[0]["message"] == "known email from a new browser"


def test_the_commenters_own_browser_is_published_at_once(client, article, comment_data):
    post(client, article, comment_data)
    first = Comment.objects.get()
    assert codes(first) == ["first_comment"]
    first.status = Status.APPROVED
    first.save()

    post(client, article, comment_data, comment="Thanks.", email=WALTER.upper())

    assert Comment.objects.latest("pk").status == Status.APPROVED


def test_a_browser_that_proved_the_address_is_published_whatever_its_spelling(
    article, comment_data
):
    known(JANE)

    post(with_cookie(commenter_cookie(JANE)), article, comment_data, email="Jane@Exämple.com")

    assert Comment.objects.get(article=article).status == Status.APPROVED


def _cookie(keys) -> str:
    response = HttpResponse()
    remember_commenter(response, keys)
    return response.cookies[settings.COMMENTS_COMMENTER_COOKIE].value


@pytest.mark.parametrize(
    "cookie",
    [
        pytest.param(lambda: commenter_cookie(STRANGER), id="another address's key"),
        pytest.param(lambda: commenter_cookie(WALTER)[:-3] + "abc", id="forged signature"),
        pytest.param(lambda: "not-a-signed-value", id="garbage"),
        pytest.param(
            lambda: _cookie([commenter_key(WALTER, comment_id=1, earned=False)]),
            id="the stand-in key a new browser gets",
        ),
        pytest.param(
            lambda: _cookie([commenter_key(WALTER, comment_id=10**6)]),
            id="a key earned by a comment that was never published",
        ),
    ],
)
def test_a_cookie_that_proves_nothing_about_the_address_holds_the_comment(
    article, comment_data, cookie
):
    known(WALTER)

    post(with_cookie(cookie()), article, comment_data)

    comment = Comment.objects.get(article=article)
    assert comment.status == Status.PENDING
    assert codes(comment) == [KNOWN_EMAIL_NEW_BROWSER]


def test_posting_as_a_known_address_earns_that_browser_nothing(article, comment_data):
    known(WALTER)
    impostor = Client()

    post(impostor, article, comment_data)
    post(impostor, article, comment_data, comment="And again, from the same browser.")

    assert [c.status for c in Comment.objects.filter(article=article)] == [Status.PENDING] * 2


# What a stranger can tell -----------------------------------------------------------------


def answer(email, article, comment_data):
    """What a new browser sees after posting as ``email``: the response and the next page."""
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = post(client, article, comment_data, email=email, comment=f"Hi from {email}")
    page = client.get(response["Location"]).content.decode()
    return response, page, len(queries)


def test_a_known_and_an_unknown_address_get_the_same_answer(article, comment_data):
    known(WALTER, article=article)  # on this page, with Walter's avatar

    known_answer, known_page, known_queries = answer(WALTER, article, comment_data)
    new_answer, new_page, new_queries = answer(STRANGER, article, comment_data)

    assert known_answer.status_code == new_answer.status_code == 302
    shape = re.compile(r"#comment-\d+$")
    assert shape.sub("", known_answer["Location"]) == shape.sub("", new_answer["Location"])
    assert sorted(known_answer.cookies) == sorted(new_answer.cookies)
    name = settings.COMMENTS_COMMENTER_COOKIE
    assert len(known_answer.cookies[name].value) == len(new_answer.cookies[name].value)
    assert "awaiting moderation" in known_page and "awaiting moderation" in new_page
    # Walter's avatar is on the page once, by his published comment, not by the held one.
    assert known_page.count(avatar_data_uri(WALTER)) == 1
    assert known_page.count(avatar_data_uri("")) == new_page.count(avatar_data_uri("")) == 1
    assert known_queries == new_queries


# The "confirm it's you" mail and link ---------------------------------------------------


def test_the_owner_of_a_known_address_gets_one_confirmation_mail_a_day(article, comment_data):
    known(WALTER)

    post(Client(), article, comment_data)
    post(Client(), article, comment_data, comment="Another one, from yet another browser.")
    post(Client(), article, comment_data, email=STRANGER, comment="A first comment.")

    assert [message.to for message in mail.outbox] == [[WALTER]]
    assert CONFIRM_LINK.search(mail.outbox[0].body)
    assert "Was it you?" in mail.outbox[0].subject


def test_opening_the_link_changes_nothing_however_often(article, comment_data):
    known(WALTER)
    post(Client(), article, comment_data)
    link = confirm_link(WALTER)

    scanner = Client()
    for _ in range(3):
        page = scanner.get(link)
        assert page.status_code == 200
        assert "Yes, it was me" in page.content.decode()
        assert settings.COMMENTS_COMMENTER_COOKIE not in page.cookies

    assert Comment.objects.get(article=article).status == Status.PENDING
    assert not ModerationLog.objects.exists()


def test_pressing_the_button_publishes_and_later_posts_from_that_browser_appear_at_once(
    article, comment_data
):
    known(WALTER)
    post(Client(), article, comment_data)
    link = confirm_link(WALTER)
    owner = Client()
    owner.get(link)

    done = owner.post(reverse("comments:commenter-confirm"), {"token": token_of(link)})

    assert done.status_code == 200
    held = Comment.objects.get(article=article)
    assert held.status == Status.APPROVED
    entry = ModerationLog.objects.get(comment=held)
    assert (entry.action, entry.moderator, entry.from_status, entry.to_status) == (
        "approve", None, "pending", "approved",
    )  # fmt: skip
    post(owner, article, comment_data, comment="Now from my own browser.")
    assert Comment.objects.latest("pk").status == Status.APPROVED
    again = Client().post(reverse("comments:commenter-confirm"), {"token": token_of(link)})
    assert again.status_code == 400  # the link works once


def test_confirming_leaves_a_comment_held_for_another_reason_to_the_moderators(
    article, comment_data
):
    known(WALTER)
    post(Client(), article, comment_data, comment="https://a.example https://b.example")
    link = confirm_link(WALTER)

    Client().post(reverse("comments:commenter-confirm"), {"token": token_of(link)})

    comment = Comment.objects.get(article=article)
    assert comment.status == Status.PENDING
    assert codes(comment) == ["links", KNOWN_EMAIL_NEW_BROWSER]


def test_an_altered_link_does_nothing(article, comment_data):
    known(WALTER)
    post(Client(), article, comment_data)
    token = token_of(confirm_link(WALTER))

    response = Client().post(reverse("comments:commenter-confirm"), {"token": token[:-2]})

    assert response.status_code == 400
    assert Comment.objects.get(article=article).status == Status.PENDING


# The cookie ---------------------------------------------------------------------------------


def test_the_commenter_key_cookie_is_signed_httponly_and_long_lived(
    settings, article, comment_data
):
    settings.SESSION_COOKIE_SECURE = True  # as production sets it

    response = post(Client(), article, comment_data)

    cookie = response.cookies[settings.COMMENTS_COMMENTER_COOKIE]
    assert cookie["httponly"] and cookie["secure"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.COMMENTS_AUTHOR_COOKIE_MAX_AGE
    assert WALTER not in cookie.value


def test_the_privacy_page_lists_the_commenter_key_cookie(client):
    html = client.get("/privacy/").content.decode()

    row = html[html.index(f"<code>{settings.COMMENTS_COMMENTER_COOKIE}</code>") :]
    row = row[: row.index("</tr>")]
    assert "365 days" in row
    assert "When you post a comment" in row
