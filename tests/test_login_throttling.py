"""Guessing a staff password is throttled: after ``AXES_FAILURE_LIMIT`` wrong passwords for one
username from one address (django-axes), that username is locked from that address, on the
site's login page and the admin's, even with the right password, for ``AXES_COOLOFF_TIME``
hours. Other addresses, other usernames and the tests' own logins are not affected."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group
from django.http import HttpRequest
from django.test import Client

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.23"
ELSEWHERE = "203.0.113.8"
LOGIN_PAGES = ["/accounts/login/", "/admin/login/"]


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_user("ana", "ana@example.com", "right-password")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def log_in(url, password, *, ip=ATTACKER, username="ana", client=None):
    client = client or Client(REMOTE_ADDR=ip)
    return client.post(url, {"username": username, "password": password})


def guess_wrong(url, times, **kwargs):
    for n in range(times):
        response = log_in(url, f"wrong-{n}", **kwargs)
        assert response.status_code in (200, 429)


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_too_many_wrong_passwords_lock_the_username_from_that_address(url, staff):
    guess_wrong(url, settings.AXES_FAILURE_LIMIT + 1)

    response = log_in(url, "right-password")

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many attempts" in page
    assert "_auth_user_id" not in response.client.session


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_fewer_wrong_passwords_than_the_limit_do_not_lock(url, staff):
    guess_wrong(url, settings.AXES_FAILURE_LIMIT - 1)

    response = log_in(url, "right-password")

    assert response.status_code == 302
    assert response.client.session["_auth_user_id"] == str(staff.pk)


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_the_same_username_from_another_address_still_logs_in(url, staff):
    guess_wrong(url, settings.AXES_FAILURE_LIMIT + 1)

    response = log_in(url, "right-password", ip=ELSEWHERE)

    assert response.status_code == 302
    assert response.client.session["_auth_user_id"] == str(staff.pk)


def test_a_lock_on_one_login_page_holds_on_the_other(staff):
    guess_wrong("/accounts/login/", settings.AXES_FAILURE_LIMIT)

    assert log_in("/admin/login/", "right-password").status_code == 429


def test_the_address_is_read_behind_trusted_proxies_as_every_limit_reads_it(settings, staff):
    settings.COMMENTS_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client(**proxy, HTTP_X_FORWARDED_FOR=ATTACKER).post(
            "/accounts/login/", {"username": "ana", "password": f"wrong-{n}"}
        )

    locked = Client(**proxy, HTTP_X_FORWARDED_FOR=ATTACKER)
    other = Client(**proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)

    assert log_in("/accounts/login/", "right-password", client=locked).status_code == 429
    assert log_in("/accounts/login/", "right-password", client=other).status_code == 302
    assert AccessAttempt.objects.get().ip_address == ATTACKER


def test_the_lockout_page_has_the_sites_layout_and_says_how_long(staff):
    guess_wrong("/accounts/login/", settings.AXES_FAILURE_LIMIT)

    page = log_in("/accounts/login/", "right-password").content.decode()

    assert '<link rel="stylesheet"' in page and settings.SITE_NAME in page
    assert f"{settings.AXES_COOLOFF_TIME * 60} minutes" in page
    assert "PT1H" not in page  # the ISO 8601 form axes passes along is not for people
    assert "<script>" not in page and " style=" not in page  # nothing the CSP refuses


def test_the_tests_own_logins_still_work(client, staff):
    """force_login bypasses authentication; client.login goes through axes, which needs the
    request: pass ``request=HttpRequest()`` (without it axes raises, it does not lock)."""
    client.force_login(staff)
    assert client.get("/moderation/").status_code == 200

    other = Client()
    assert other.login(request=HttpRequest(), username="ana", password="right-password")
    assert other.get("/moderation/").status_code == 200
