"""The shared article page, as real browsers meet it: nothing personal is ever shared.

Django's test client keeps a cookie the server deleted (``Max-Age=0``) and sends it back
empty, so a "logged out" test client still looks personal and is never served the shared page.
A browser drops such a cookie and is a plain reader again. ``Browser`` below keeps cookies the
way a browser does, and every request goes out from a fresh ``Client`` carrying only them.
"""

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.cookies import Morsel, SimpleCookie
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.conftest import commenter_cookie, make_comment

pytestmark = pytest.mark.django_db

AWAITING = "awaiting moderation"
ANN_TEXT = "Ann asks whether cold showers calm MS fatigue."
LENA_TEXT = "Lena wonders if yoga helps with balance."
WALTER = "walter.private@example.com"


def deleted(morsel: Morsel, now: datetime | None = None) -> bool:
    """True when a browser would drop this cookie: Max-Age <= 0, or Expires in the past."""
    max_age = str(morsel["max-age"]).strip()
    if max_age:
        try:
            return int(max_age) <= 0
        except ValueError:
            pass  # an invalid Max-Age is ignored, as browsers do
    if morsel["expires"]:
        try:
            expires = parsedate_to_datetime(morsel["expires"])
        except (TypeError, ValueError):
            return False
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
        return expires <= (now or datetime.now(UTC))
    return False


class Browser:
    """A cookie jar that applies Set-Cookie like a browser; each request from a fresh Client."""

    def __init__(self):
        self.jar: dict[str, str] = {}

    def keep(self, cookies: SimpleCookie) -> None:
        for name, morsel in cookies.items():
            if deleted(morsel):
                self.jar.pop(name, None)
            else:
                self.jar[name] = morsel.value

    def request(self, method: str, path: str, data=None, **extra):
        client = Client()
        for name, value in self.jar.items():
            client.cookies[name] = value
        response = getattr(client, method)(path, data or {}, **extra)
        self.keep(response.cookies)
        return response

    def get(self, path: str, data=None, **extra):
        return self.request("get", path, data, **extra)

    def post(self, path: str, data=None, **extra):
        return self.request("post", path, data, **extra)


def test_the_browser_helper_drops_cookies_the_way_browsers_do():
    cookies = SimpleCookie()
    cookies["kept"] = "1"
    cookies["kept"]["max-age"] = 60
    cookies["zero"] = ""
    cookies["zero"]["max-age"] = 0
    cookies["past"] = "x"
    cookies["past"]["expires"] = "Thu, 01 Jan 1970 00:00:00 GMT"
    cookies["future"] = "y"
    cookies["future"]["expires"] = "Fri, 01 Jan 2100 00:00:00 GMT"
    browser = Browser()
    browser.jar = {"zero": "old", "past": "old"}

    browser.keep(cookies)

    assert browser.jar == {"kept": "1", "future": "y"}


def article_url(article) -> str:
    return reverse("articles:detail", kwargs={"slug": article.slug})


def set_cookie_headers(response) -> list[str]:
    """Every Set-Cookie header the response sends (the WSGI handler adds response.cookies)."""
    explicit = [value for name, value in response.items() if name.lower() == "set-cookie"]
    return explicit + [morsel.OutputString() for morsel in response.cookies.values()]


def post_comment(browser: Browser, article, comment_data, **fields) -> Comment:
    data = {**comment_data, **fields}
    response = browser.post(reverse("comments:post", kwargs={"slug": article.slug}), data)
    assert response.status_code == 302
    return Comment.objects.get(body=data["comment"])


def post_held(browser: Browser, article, comment_data, *, text: str, email: str) -> Comment:
    comment = post_comment(browser, article, comment_data, comment=text, email=email)
    assert comment.status == Comment.Status.PENDING
    assert settings.COMMENTS_OWN_COOKIE in browser.jar
    return comment


@pytest.fixture(autouse=True)
def _first_comments_are_held(settings):
    settings.COMMENTS_MODERATION = "auto"


@pytest.mark.parametrize("first_to_load", ["the author", "a reader"])
def test_a_held_comment_is_shown_only_in_the_browser_that_posted_it(
    article, comment_data, first_to_load
):
    make_comment(article, body="A published comment everybody sees.")
    ann = Browser()
    post_held(ann, article, comment_data, text=ANN_TEXT, email="ann.private@example.com")
    if first_to_load == "a reader":
        assert ANN_TEXT not in Browser().get(article_url(article)).content.decode()

    anns_page = ann.get(article_url(article)).content.decode()
    carl = Browser()
    carls_response = carl.get(article_url(article))
    carls_page = carls_response.content.decode()
    anns_page_again = ann.get(article_url(article)).content.decode()

    assert ANN_TEXT in anns_page and AWAITING in anns_page
    assert ANN_TEXT not in carls_page
    assert AWAITING not in carls_page
    assert "A published comment everybody sees." in carls_page
    assert set_cookie_headers(carls_response) == []
    assert carl.jar == {}
    assert ANN_TEXT in anns_page_again and AWAITING in anns_page_again


def test_a_plain_readers_page_sets_no_cookie_whether_or_not_it_was_cached(article):
    make_comment(article)
    cold = Browser().get(article_url(article))
    warm = Browser().get(article_url(article))

    assert cold.status_code == warm.status_code == 200
    assert set_cookie_headers(cold) == []
    assert set_cookie_headers(warm) == []


def test_after_logging_out_the_browser_reads_the_shared_page_without_any_held_comment(
    article, comment_data, django_user_model
):
    django_user_model.objects.create_user("lena", "lena@example.com", "pw-lena-123456")
    ann = Browser()
    post_held(ann, article, comment_data, text=ANN_TEXT, email="ann.private@example.com")
    lena = Browser()
    login = lena.post(reverse("login"), {"username": "lena", "password": "pw-lena-123456"})
    assert login.status_code == 302
    post_held(lena, article, comment_data, text=LENA_TEXT, email="lena@example.com")
    lenas_page = lena.get(article_url(article)).content.decode()
    assert LENA_TEXT in lenas_page and AWAITING in lenas_page
    assert ANN_TEXT not in lenas_page

    lena.post(reverse("logout"))

    assert settings.SESSION_COOKIE_NAME not in lena.jar
    assert settings.COMMENTS_OWN_COOKIE not in lena.jar  # logging out forgets her comments
    response = lena.get(article_url(article))
    page = response.content.decode()
    assert LENA_TEXT not in page
    assert ANN_TEXT not in page
    assert AWAITING not in page
    assert response.has_header("ETag")  # the shared page, as every plain reader gets it
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    # Ann, who is still who she was, keeps seeing her own comment.
    assert ANN_TEXT in ann.get(article_url(article)).content.decode()


def mailed_data_link(to: str) -> str:
    message = mail.outbox[-1]
    assert message.to == [to]
    match = re.search(r"https?://[^\s/]+/privacy/my-data/link/\?token=\S+", message.body)
    assert match, "the mail holds a data-access link"
    link = urlsplit(match.group(0))
    return f"{link.path}?{link.query}"  # the token is in the query string


def test_after_erasing_their_data_the_browser_is_shown_nothing_personal_of_anyone(
    article, comment_data
):
    make_comment(article, author_email=WALTER, body="Walter's earlier, published comment.")
    walter = Browser()
    walter.jar[settings.COMMENTS_COMMENTER_COOKIE] = commenter_cookie(WALTER)  # his browser
    comment = post_comment(
        walter, article, comment_data, comment="Walter is back.", save_details="on"
    )
    assert comment.status == Comment.Status.APPROVED  # returning commenter: published
    assert settings.COMMENTS_AUTHOR_COOKIE in walter.jar
    ann = Browser()
    post_held(ann, article, comment_data, text=ANN_TEXT, email="ann.private@example.com")
    walters_page = walter.get(article_url(article)).content.decode()
    assert f'value="{WALTER}"' in walters_page
    assert ANN_TEXT not in walters_page

    # Walter asks for his data, opens the mailed link and has his comments anonymised.
    walter.post(reverse("privacy:request"), {"email": WALTER})
    assert walter.post(mailed_data_link(WALTER)).status_code == 302
    walter.post(reverse("privacy:erase"), {"action": "anonymise"})
    confirmed = walter.post(
        reverse("privacy:erase"), {"action": "anonymise", "step": "confirm", "understand": "on"}
    )
    assert confirmed.status_code == 302
    done = walter.get(reverse("privacy:done"))
    assert done.status_code == 200

    assert settings.COMMENTS_AUTHOR_COOKIE not in walter.jar
    page = walter.get(article_url(article)).content.decode()
    assert WALTER not in page
    assert ANN_TEXT not in page
    assert AWAITING not in page
    assert "Walter is back." in page  # anonymised, the text stays
    assert ANN_TEXT in ann.get(article_url(article)).content.decode()
