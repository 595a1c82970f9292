"""No log records a mailed link's token: not the access log, not Django's request warnings.

A token lets whoever holds it confirm, stop mail or open someone's data, so it must not sit in
log files that more people read, for longer, than the mail. gunicorn's access log records the
path without the query string (``%(U)s``) and Django's request warnings (``django.request``, for
every 4xx and 5xx) record ``request.path``: so the token travels in the query string and in
form bodies, never in the path. Links mailed before, with the token in the path, still work.
"""

import logging
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from comments import signed_links
from comments.models import Subscriber
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db

WALTER = "walter.private@example.com"
KINDS = [value for value in vars(signed_links).values() if isinstance(value, signed_links.Kind)]
LINK_PATHS = {
    "confirm": "/subscriptions/confirm/",
    "unsubscribe": "/subscriptions/unsubscribe/",
    "subscribe again": "/subscriptions/subscribe-again/",
    "data link": "/privacy/my-data/link/",
}


def mailed_links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def real_looking_token() -> str:
    """A token of the right shape whose signature is wrong: what a 400 would be about."""
    subscriber = Subscriber.objects.create(email=WALTER)
    token = signed_links.make(signed_links.CONFIRM, email=WALTER, subscriber=subscriber)
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.url_name)
def test_every_kind_of_link_carries_its_token_in_the_query_string_only(kind):
    token = "eyJzIjoxfQ:1xXlkU:signature-part_0"

    url = signed_links.url(kind, token)

    parts = urlsplit(url)
    assert token not in parts.path
    assert parse_qs(parts.query) == {"token": [token]}


@override_settings(COMMENTS_MODERATION="post")
def test_no_mailed_link_has_its_token_in_the_path(post):
    article = make_article()
    parent = post(article, email=WALTER, notify_replies=True)
    Subscriber.objects.update(confirmed_at=timezone.now())
    post(article, email="rita@example.org", parent_id=parent.pk)
    Client().post("/privacy/my-data/", {"email": WALTER})

    links = [link for message in mail.outbox for link in mailed_links(message.body)]
    links += [
        message.extra_headers["List-Unsubscribe"].strip("<>")
        for message in mail.outbox
        if "List-Unsubscribe" in message.extra_headers
    ]

    tokens = [parse_qs(urlsplit(link).query).get("token", [""])[0] for link in links]
    assert sum(1 for token in tokens if token) >= 5, "confirm, 2 unsubscribe, data link, header"
    for link, token in zip(links, tokens, strict=True):
        if token:
            assert token not in urlsplit(link).path, link


def test_the_buttons_post_the_token_in_the_body_not_the_address(article):
    subscriber = Subscriber.objects.create(email=WALTER, confirmed_at=timezone.now())
    make_comment(article, author_email=WALTER)
    tokens = {
        "confirm": signed_links.make(signed_links.CONFIRM, email=WALTER, subscriber=subscriber),
        "unsubscribe": signed_links.make(
            signed_links.UNSUBSCRIBE, email=WALTER, subscriber=subscriber
        ),
    }
    Subscriber.objects.update(confirmed_at=None)  # so the confirm page shows its button
    Client().post("/privacy/my-data/", {"email": WALTER})
    (data_link,) = mailed_links(mail.outbox[-1].body)
    pages = {
        "confirm": f"/subscriptions/confirm/?{urlencode({'token': tokens['confirm']})}",
        "unsubscribe": f"/subscriptions/unsubscribe/?{urlencode({'token': tokens['unsubscribe']})}",
        "data link": f"{urlsplit(data_link).path}?{urlsplit(data_link).query}",
    }

    for name, url in pages.items():
        token = parse_qs(urlsplit(url).query)["token"][0]
        html = Client().get(url).text
        (action,) = re.findall(r'<form method="post" action="([^"]+)"', html)
        assert action == LINK_PATHS[name]
        assert f'<input type="hidden" name="token" value="{token}">' in html


# Every way a request can fail, at the new addresses and at the old ones.
REQUESTS = [
    ("get", "/subscriptions/confirm/?token={token}"),
    ("post", "/subscriptions/confirm/?token={token}"),
    ("get", "/subscriptions/unsubscribe/?token={token}"),
    ("post", "/subscriptions/unsubscribe/?token={token}"),
    ("put", "/subscriptions/unsubscribe/?token={token}"),
    ("get", "/subscriptions/subscribe-again/?token={token}"),
    ("post", "/subscriptions/subscribe-again/?token={token}"),
    ("get", "/privacy/my-data/link/?token={token}"),
    ("post", "/privacy/my-data/link/?token={token}"),
    ("head", "/privacy/my-data/link/?token={token}"),
    ("get", "/subscriptions/confirm/{token}/"),
    ("post", "/subscriptions/confirm/{token}/"),
    ("get", "/subscriptions/unsubscribe/{token}/"),
    ("post", "/subscriptions/unsubscribe/{token}/"),
    ("head", "/subscriptions/unsubscribe/{token}/"),
    ("post", "/subscriptions/subscribe-again/{token}/"),
    ("get", "/privacy/my-data/{token}/"),
    ("post", "/privacy/my-data/{token}/"),
    ("head", "/privacy/my-data/{token}/"),
]


@pytest.mark.parametrize(("method", "address"), REQUESTS, ids=lambda x: str(x))
@pytest.mark.parametrize("in_body", [False, True], ids=["token-in-url", "token-in-body"])
def test_an_invalid_token_is_never_written_to_djangos_request_log(method, address, in_body, caplog):
    token = real_looking_token()
    caplog.set_level(logging.DEBUG, logger="django.request")
    browser = Client()
    body = {"token": token, "List-Unsubscribe": "One-Click"} if in_body else {}

    response = getattr(browser, method)(
        address.format(token=token), body if method == "post" else None, follow=True
    )

    assert response.status_code in (400, 405)
    # The line as the site's handlers write it (settings.LOGGING: the message alone).
    for record in caplog.records:
        assert token not in record.getMessage()
    logged_paths = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert logged_paths, "the failure was logged, by path alone"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/subscriptions/confirm/{token}/", "/subscriptions/confirm/"),
        ("/subscriptions/unsubscribe/{token}/", "/subscriptions/unsubscribe/"),
        ("/privacy/my-data/{token}/", "/privacy/my-data/link/"),
    ],
)
def test_an_old_link_leads_to_the_new_address_with_its_token(old, new):
    token = real_looking_token()

    response = Client().get(old.format(token=token))

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == new
    assert parse_qs(location.query) == {"token": [token]}
