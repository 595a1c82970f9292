"""A commenter's email never appears in any public response, in any form."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client, override_settings

from comments.models import Comment
from tests.conftest import email_traces, make_article, make_comment

pytestmark = pytest.mark.django_db

SECRET_EMAIL = "Private.Person+health@Example.com"


def crawl(client: Client, start: list[str], limit: int = 300) -> dict[str, str]:
    """Every same-site page reachable from ``start``, as {url: body}."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop()
        if url in seen:
            continue
        response = client.get(url)
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode(errors="replace")
        seen[url] = body + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        for link in re.findall(r'(?:href|src)="([^"#]+)', body) + re.findall(
            r"<loc>([^<]+)</loc>", body
        ):
            absolute = urljoin(url, link.replace("&amp;", "&"))
            parts = urlsplit(absolute)
            if parts.netloc in ("", "testserver") and not parts.path.startswith("/admin/"):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


@override_settings(COMMENTS_MODERATION="post")
def test_no_public_url_reveals_a_commenters_email_or_a_hash_of_it(client, comment_data):
    article = make_article()
    parent = make_comment(article, author_email=SECRET_EMAIL, author_url="https://p.example.org")
    make_comment(article, parent=parent, author_email=SECRET_EMAIL)
    make_comment(article, author_email=SECRET_EMAIL, status=Comment.Status.PENDING)
    # A visitor's own posting, with its form errors, is part of what gets crawled too.
    Client().post(f"/articles/{article.slug}/comments/", {**comment_data, "url": "nope"})

    pages = crawl(
        client,
        [
            "/",
            "/sitemap.xml",
            "/feed/",
            "/feed/atom/",
            f"/articles/{article.slug}/comments/feed/",
            "/does-not-exist/",
            f"{article.get_absolute_url()}?replytocom={parent.pk}",
        ],
    )

    assert article.get_absolute_url() in pages
    assert len(pages) >= 8
    for url, body in pages.items():
        for trace in email_traces(SECRET_EMAIL):
            assert trace.lower() not in body.lower(), f"{url} reveals {trace}"


def test_a_form_error_shows_the_email_only_to_the_person_who_typed_it(article, comment_data):
    typist = Client()
    typist.post(f"/articles/{article.slug}/comments/", {**comment_data, "comment": ""})

    html = Client().get(article.get_absolute_url()).content.decode()

    assert comment_data["email"] not in html
