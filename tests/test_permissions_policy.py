"""Every page tells the browser that the site uses no camera, microphone or location.

django-permissions-policy sets the ``Permissions-Policy`` header from ``PERMISSIONS_POLICY`` on
every response; a script injected into a comment page could otherwise ask the reader for them.
"""

import pytest
from django.test import Client

from tests.conftest import make_article

pytestmark = pytest.mark.django_db

DENIED = ("camera", "microphone", "geolocation")


def policy(response) -> dict[str, str]:
    """The Permissions-Policy header as {feature: allowlist}; {} when it is missing."""
    header = response.headers.get("Permissions-Policy", "")
    pairs = (item.strip().split("=", 1) for item in header.split(",") if "=" in item)
    return dict(pairs)


def _article(client):
    return client.get(make_article(slug="massage-and-ms").get_absolute_url())


def _front_page(client):
    make_article()
    return client.get("/")


def _moderation_login(client):
    return client.get("/accounts/login/?next=/moderation/")


def _privacy(client):
    return client.get("/privacy/")


def _not_found(client):
    return client.get("/no-such-page/")


def _bad_link(client):
    return client.get("/subscriptions/unsubscribe/?token=not-a-token")


def _csrf_failure(client):
    return Client(enforce_csrf_checks=True).post("/privacy/my-data/", {"email": "a@example.com"})


PAGES = {
    "article": (_article, 200),
    "front page": (_front_page, 200),
    "moderation login": (_moderation_login, 200),
    "privacy": (_privacy, 200),
    "404 page": (_not_found, 404),
    "400 page": (_bad_link, 400),
    "403 CSRF page": (_csrf_failure, 403),
}


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_every_page_denies_camera_microphone_and_location(page, client):
    fetch, status = page

    response = fetch(client)

    assert response.status_code == status
    features = policy(response)
    for feature in DENIED:
        assert features.get(feature) == "()", f"{feature} is not denied: {features}"
