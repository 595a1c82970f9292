"""A reader's first comment goes through on the first try, with no script and no cookie.

The article page every reader shares holds no CSRF token and sets no cookie, so a browser
without JavaScript, a text browser or any plain HTTP client has nothing but the form to send.
What keeps another site from posting in a reader's browser is what the browser says about
where the form came from (``Sec-Fetch-Site``, ``Origin``). Signed-in staff keep Django's
cookie-and-token check. Every client here enforces CSRF as a browser would be checked.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment

pytestmark = pytest.mark.django_db

THIS_SITE = "http://testserver"  # the test client's host


def post(client: Client, article, data: dict, **headers):
    return client.post(reverse("comments:post", kwargs={"slug": article.slug}), data, **headers)


def textarea_value(html: str) -> str:
    match = re.search(r'<textarea[^>]*name="comment"[^>]*>(.*?)</textarea>', html, re.S)
    return match.group(1).strip() if match else ""


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"HTTP_SEC_FETCH_SITE": "same-origin"}, id="a browser: same-origin"),
        pytest.param(
            {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": THIS_SITE},
            id="a browser: same-origin with its Origin",
        ),
        pytest.param({"HTTP_ORIGIN": THIS_SITE}, id="an older browser: Origin only"),
        pytest.param({}, id="a text browser or plain HTTP client: neither"),
    ],
)
def test_a_first_comment_without_cookie_or_token_is_posted(article, comment_data, headers):
    reader = Client(enforce_csrf_checks=True)

    response = post(reader, article, comment_data, **headers)

    assert response.status_code == 302
    assert Comment.objects.get().body == comment_data["comment"]
    assert "csrftoken" not in response.cookies


def test_the_shared_page_posts_on_the_first_try_and_no_cookie_is_ever_set(article, comment_data):
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(article.get_absolute_url())
    html = page.content.decode()
    assert "csrfmiddlewaretoken" not in html
    issued = re.search(r'name="issued" value="([^"]+)"', html).group(1)

    response = post(
        reader, article, {**comment_data, "issued": issued}, HTTP_SEC_FETCH_SITE="same-origin"
    )

    assert response.status_code == 302
    assert Comment.objects.count() == 1
    assert "csrftoken" not in page.cookies and "csrftoken" not in reader.cookies


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(
            {"HTTP_SEC_FETCH_SITE": "cross-site", "HTTP_ORIGIN": "https://evil.example"},
            id="cross-site with a foreign Origin",
        ),
        pytest.param({"HTTP_SEC_FETCH_SITE": "cross-site"}, id="cross-site without Origin"),
        pytest.param(
            {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://blog.testserver"},
            id="a sibling subdomain",
        ),
        pytest.param({"HTTP_ORIGIN": "https://evil.example"}, id="a foreign Origin alone"),
        pytest.param({"HTTP_ORIGIN": "null"}, id="an opaque Origin (sandboxed frame)"),
    ],
)
def test_a_comment_sent_from_another_site_is_refused_with_the_text_kept(
    article, comment_data, headers
):
    response = post(Client(enforce_csrf_checks=True), article, comment_data, **headers)

    assert response.status_code == 403
    html = response.content.decode()
    assert "Please send that again" in html
    assert "came from another site" in html
    assert textarea_value(html) == comment_data["comment"]
    assert not Comment.objects.exists()


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    scheme=st.sampled_from(["http", "https"]),
    host=st.from_regex(r"[a-z][a-z0-9-]{0,12}(\.[a-z]{2,6}){0,2}", fullmatch=True),
    port=st.sampled_from(["", ":80", ":443", ":8000", ":8443"]),
)
def test_no_foreign_origin_gets_a_comment_through(article, comment_data, scheme, host, port):
    origin = f"{scheme}://{host}{port}"
    if origin == THIS_SITE:
        return
    response = post(Client(enforce_csrf_checks=True), article, comment_data, HTTP_ORIGIN=origin)

    assert response.status_code == 403, origin
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"HTTP_SEC_FETCH_SITE": "same-origin"}, id="even from this site"),
        pytest.param({}, id="with no headers"),
    ],
)
def test_a_signed_in_moderators_comment_without_a_token_is_refused(
    article, comment_data, headers, django_user_model
):
    mia = django_user_model.objects.create_user("mia", "mia.mod@example.com", "pw-mia-123456")
    mia.groups.add(Group.objects.get(name="Moderators"))
    moderator = Client(enforce_csrf_checks=True)
    moderator.force_login(mia)

    response = post(moderator, article, comment_data, **headers)

    assert response.status_code == 403
    html = response.content.decode()
    assert "Please send that again" in html
    assert textarea_value(html) == comment_data["comment"]
    assert not Comment.objects.exists()

    # The page it answers with carries a token, as the moderator's article page does.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    again = post(moderator, article, {**comment_data, "csrfmiddlewaretoken": token}, **headers)

    assert again.status_code == 302
    assert Comment.objects.count() == 1


def test_no_answer_to_a_readers_comment_sets_a_csrf_cookie(article, comment_data, settings):
    settings.COMMENTS_RATE_GAP_SECONDS = 60
    reader = Client(enforce_csrf_checks=True)
    answers = [
        post(reader, article, comment_data),  # posted
        post(reader, article, {**comment_data, "comment": "Again, too soon."}),  # 429
        post(reader, article, comment_data, HTTP_ORIGIN="https://evil.example"),  # 403
        post(reader, article, {**comment_data, "email": "not an address"}),  # form error
    ]

    assert [answer.status_code for answer in answers] == [302, 429, 403, 200]
    assert not [answer for answer in answers if "csrftoken" in answer.cookies]
