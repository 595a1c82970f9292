"""Several app processes on one PostgreSQL and one Redis behave as one site.

These start real gunicorn processes against the test database, so they run where the suite
runs on PostgreSQL with Redis (CI's second pass: DATABASE_URL and REDIS_URL set).
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import Group, Permission
from django.db import connection

from comments.models import Comment
from tests.conftest import make_article, make_comment

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (
            os.environ.get("DATABASE_URL", "").startswith("postgres")
            and os.environ.get("REDIS_URL")
        ),
        reason="needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL)",
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppProcess:
    """One gunicorn serving the site against the test database and the shared Redis."""

    def __init__(self, **env):
        self.port = free_port()
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "DJANGO_DEBUG": "1",
            "COMMENTS_MODERATION": "post",
            "COMMENTS_MIN_SUBMIT_SECONDS": "0",
            "COMMENTS_RATE_GAP_SECONDS": "0",
            "COMMENTS_RATE_PER_HOUR": "0",
            **env,
        }
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--log-level", "warning"]
        self.process = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        self._wait()

    def _wait(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the app process did not start")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)


@pytest.fixture
def app_processes():
    started = []

    def start(**env):
        app = AppProcess(**env)
        started.append(app)
        return app

    yield start
    for app in started:
        app.stop()


class Browser:
    """Cookies and forms over plain HTTP, like a person's browser, without redirects."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect
        )

    def request(self, url, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def form_fields(self, url) -> dict:
        status, html = self.request(url)
        assert status == 200, html[:500]
        return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))

    def post_comment(self, app, article, text, email="reader@example.com"):
        page = app.url(article.get_absolute_url())
        fields = self.form_fields(page)
        # No CSRF token or cookie: a reader's comment is checked by origin, and a client that
        # sends neither Sec-Fetch-Site nor Origin is no browser's cross-site form.
        data = {**fields, "comment": text, "name": "Reader", "email": email}
        return self.request(app.url(f"/articles/{article.slug}/comments/"), data)


def test_a_rate_limit_counts_across_two_app_processes(app_processes):
    article = make_article()
    first = app_processes(COMMENTS_RATE_GAP_SECONDS="60")
    second = app_processes(COMMENTS_RATE_GAP_SECONDS="60")
    browser = Browser()

    status_first, _ = browser.post_comment(first, article, "Posted through the first process.")
    status_second, html = browser.post_comment(second, article, "And the second one, too fast.")

    assert status_first == 302
    assert status_second == 429
    assert "You are posting faster than we allow" in html
    assert Comment.objects.count() == 1


def test_an_approval_through_one_process_shows_on_the_other_at_once(
    app_processes, django_user_model
):
    article = make_article()
    held = make_comment(article, body="Held until a moderator looks", status="pending")
    moderator = django_user_model.objects.create_user("maya", "maya@example.com")
    # The app processes run the site's own hashers, not the tests' fast one.
    moderator.password = PBKDF2PasswordHasher().encode("pw-1234-xyz", "saltsaltsalt")
    moderator.save(update_fields=["password"])
    # A transactional test empties the tables the migrations filled: make the group again.
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(Permission.objects.get(codename="can_moderate"))
    moderator.groups.add(group)
    first, second = app_processes(), app_processes()
    reader = Browser()
    assert "Held until" not in reader.request(second.url(article.get_absolute_url()))[1]

    moderator_browser = Browser()
    login = moderator_browser.form_fields(first.url("/accounts/login/"))
    moderator_browser.request(
        first.url("/accounts/login/"), {**login, "username": "maya", "password": "pw-1234-xyz"}
    )
    queue = moderator_browser.form_fields(first.url("/moderation/"))
    status, _ = moderator_browser.request(
        first.url("/moderation/act/"),
        {"csrfmiddlewaretoken": queue["csrfmiddlewaretoken"], "row_action": f"approve:{held.pk}"},
    )

    assert status == 302
    assert (
        "Held until a moderator looks" in reader.request(second.url(article.get_absolute_url()))[1]
    )


def test_killing_an_app_process_mid_burst_loses_no_acknowledged_comment(app_processes):
    article = make_article()
    app = app_processes()
    acknowledged: list[str] = []
    stop = threading.Event()

    def burst(worker: int):
        browser = Browser()
        for n in range(200):
            if stop.is_set():
                return
            text = f"Burst comment {worker}-{n}"
            try:
                status, _ = browser.post_comment(app, article, text, email=f"b{worker}@example.com")
            except OSError:
                return  # the server is gone: this post was never acknowledged
            if status == 302:
                acknowledged.append(text)

    threads = [threading.Thread(target=burst, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    app.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)

    assert len(acknowledged) >= 20
    stored = set(Comment.objects.values_list("body", flat=True))
    assert set(acknowledged) <= stored
    # Nothing half-written: every stored comment is whole and rendered.
    assert not Comment.objects.filter(body_html="").exists()
