"""Headers and markup that keep the pages safe in every browser."""

import re

import pytest
from django.test import Client

from tests.conftest import make_article, make_comment, manage

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def public_pages(client, article):
    yield client.get("/")
    yield client.get(article.get_absolute_url())
    yield client.post(f"/articles/{article.slug}/comments/", {"comment": "x"})
    yield client.get("/missing-page/")
    yield Client(enforce_csrf_checks=True).post(  # the CSRF page: a form from another site
        f"/articles/{article.slug}/comments/", {"comment": "x"}, HTTP_ORIGIN="https://evil.example"
    )
    yield client.get("/admin/login/")


def test_every_page_sends_a_strict_content_security_policy(client, article):
    for response in public_pages(client, article):
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy
        assert "object-src 'none'" in policy
        assert "frame-ancestors 'none'" in policy


def test_no_page_relies_on_inline_script_style_or_event_handlers(client, article):
    make_comment(article, author_url="https://example.org/")
    for response in public_pages(client, article):
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), response.request["PATH_INFO"]
        assert not INLINE_STYLE.search(html), response.request["PATH_INFO"]
        assert not EVENT_HANDLER.search(html), response.request["PATH_INFO"]


def test_pages_refuse_framing_and_sniffing(client):
    response = client.get(make_article().get_absolute_url())

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_a_reader_gets_no_cookie_at_all(client, article):
    make_comment(article)

    assert not client.get("/").cookies
    assert not client.get(article.get_absolute_url()).cookies
    assert not client.get(f"{article.get_absolute_url()}?cpage=2").cookies


def test_production_settings_pass_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env={"DJANGO_DEBUG": "0", "PATH": "/usr/bin:/bin"})

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
