"""With JavaScript off, a first comment goes through on the first try; another site's form not.

The article page every reader shares holds no CSRF token and sets no cookie. A reader's
comment is checked by what the browser says of the form's origin (``Sec-Fetch-Site``,
``Origin``), which Chromium sends with or without scripts; a form on another origin (here: the
same host on a second local port, which browsers call "same-site") is refused.
"""

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from tests.e2e.conftest import assert_no_problems, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

FORBIDDEN = "Failed to load resource: the server responded with a status of 403 (Forbidden)"
FORGED_TEXT = "Buy cheap pills at evil.example"


def test_a_first_comment_without_javascript_is_posted_on_the_first_try(
    new_page, live_server, article
):
    page = new_page(java_script_enabled=False)
    page.goto(live_server.url + article.get_absolute_url())
    form = page.locator("#respond form")
    form.get_by_role("textbox", name="Comment").fill("My first comment, no script.")
    form.get_by_role("textbox", name="Name").fill("Walter")
    form.get_by_role("textbox", name="Email").fill("walter@example.com")

    form.get_by_role("button", name="Post Comment").click()
    page.wait_for_load_state("load")

    comment = Comment.objects.get(body="My first comment, no script.")
    expect(page.get_by_role("heading", name="Please send that again")).to_have_count(0)
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text(
        "Your comment is awaiting moderation."
    )
    assert "csrftoken" not in {cookie["name"] for cookie in page.context.cookies()}
    screenshot(page, "nojs-first-post")
    assert_no_problems(page)


def _forging_page(action: str) -> bytes:
    """Another site's page that sends a comment to ``action`` as soon as it loads."""
    fields = {
        "comment": FORGED_TEXT,
        "name": "Walter",
        "email": "walter@example.com",
        "url": "",
        "parent": "",
    }
    inputs = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
        for name, value in fields.items()
    )
    return (
        f'<!doctype html><title>Win a prize</title><form method="post" action="{action}">'
        f"{inputs}</form><script>document.forms[0].submit()</script>"
    ).encode()


@pytest.fixture
def other_origin(live_server):
    """A server on the live server's host, on a second port, serving ``_forging_page``."""
    pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, b"")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    host = urlsplit(live_server.url).hostname
    server = ThreadingHTTPServer((host, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://{host}:{server.server_address[1]}"
    assert base != live_server.url
    yield base, pages
    server.shutdown()
    server.server_close()


def test_another_sites_form_that_posts_a_comment_by_itself_is_refused(
    new_page, live_server, article, other_origin
):
    base, pages = other_origin
    pages["/prize.html"] = _forging_page(live_server.url + f"/articles/{article.slug}/comments/")
    page = new_page()

    page.goto(base + "/prize.html")
    expect(page.get_by_role("heading", name="Please send that again")).to_be_visible()

    assert page.url.startswith(live_server.url)
    expect(page.get_by_text("came from another site")).to_be_visible()
    assert not Comment.objects.exists()
    page.problems.remove(FORBIDDEN)
    assert_no_problems(page)
