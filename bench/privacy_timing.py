"""How long /privacy/my-data/ takes to answer for a known and for an unknown address.

On demand (never part of ``make test``)::

    .venv/bin/python bench/privacy_timing.py            # 50 requests of each kind per backend
    BENCH_PRIVACY_SAMPLES=200 .venv/bin/python bench/privacy_timing.py

For each task backend (``immediate``, then ``database``) it serves the site as in production
(gunicorn, one sync worker, ``DJANGO_DEBUG=0``, a fresh SQLite file under
``bench/.work/privacy/``) with mail going to a small SMTP server of its own on 127.0.0.1 (it
accepts every message and keeps none), seeds one comment under each "known" address, then asks
for a data link for known and unknown addresses in turn, each on a new connection, each timed
from connect to the last byte of the answer, with a pause after each request so that the work
done after one answer never delays the next. Each request uses a new address and a new
forwarded client address (``COMMENTS_TRUSTED_PROXIES=1``), so no rate limit cuts any path
short. It prints the median, p90 and the difference of the medians in milliseconds.

What to expect: the same time for both kinds (medians within about 1 ms) with either backend,
since the page sends its answer before anything about the address is done. Measured with 200
of each on a loaded 2-core machine: immediate +0.03 and +0.30 ms, database -0.10 and +0.31 ms.
Before that change (the lookup and the SMTP conversation inside the request), the same run
gave immediate 17.8 ms for a known address against 9.9 ms for an unknown one (+8.0 ms).
"""

import os
import re
import secrets
import socketserver
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import load
import servers

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
WORK = BENCH_DIR / ".work" / "privacy"
PYTHON = Path(sys.executable)
GUNICORN = PYTHON.parent / "gunicorn"
SAMPLES = int(os.environ.get("BENCH_PRIVACY_SAMPLES", "50"))
WARM_UP = 5
PAUSE = 0.05  # seconds after each request: the work after an answer ends before the next
BACKENDS = ("immediate", "database")

SEED = """
from datetime import timedelta
from django.utils import timezone
from articles.models import Article
from comments.models import Comment
article = Article.objects.create(
    title="Timing", slug="timing", summary="s", body="b",
    status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(days=1),
)
Comment.objects.bulk_create(
    Comment(article=article, author_name=f"Known {n}", author_email=f"known{n}@example.com",
            body="A stored comment.", body_html="<p>A stored comment.</p>",
            status=Comment.Status.APPROVED)
    for n in range(COUNT)
)
"""


class _SmtpSession(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend: every command is accepted, every message dropped."""

    def handle(self):
        self.wfile.write(b"220 bench ESMTP\r\n")
        in_data = False
        for line in self.rfile:
            if in_data:
                if line.rstrip(b"\r\n") == b".":
                    in_data = False
                    self.server.messages += 1
                    self.wfile.write(b"250 OK\r\n")
                continue
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.wfile.write(b"250-bench\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                in_data = True
                self.wfile.write(b"354 End with .\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 Bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__((servers.HOST, servers.free_port()), _SmtpSession)
        self.messages = 0
        threading.Thread(target=self.serve_forever, daemon=True).start()


def site_env(backend: str, database: Path, smtp_port: int, secret: str) -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secret,
        "DJANGO_ALLOWED_HOSTS": servers.HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
        "DJANGO_TASKS_BACKEND": backend,
        "EMAIL_HOST": servers.HOST,
        "EMAIL_PORT": str(smtp_port),
        "COMMENTS_TRUSTED_PROXIES": "1",
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**os.environ, **env},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def ask(server: servers.Gunicorn, form: dict, email: str, client_ip: str) -> float:
    """One data-link request; the milliseconds until its answer had fully arrived."""
    response = load.fetch(
        server.url + "/privacy/my-data/",
        method="POST",
        body=urlencode({"email": email, "csrfmiddlewaretoken": form["token"]}).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={form['cookie']}",
            "X-Forwarded-For": client_ip,
        },
    )
    if response.status != 200 or b"we have sent a link to it" not in response.body:
        raise RuntimeError(f"unexpected answer {response.status} for {email}")
    time.sleep(PAUSE)
    return response.seconds * 1000


def measure(backend: str, smtp_port: int) -> tuple[list[float], list[float]]:
    """Milliseconds per request for the known and for the unknown addresses."""
    WORK.mkdir(parents=True, exist_ok=True)
    database = WORK / f"{backend}.sqlite3"
    database.unlink(missing_ok=True)
    env = site_env(backend, database, smtp_port, secrets.token_urlsafe(40))
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "createcachetable")  # the production cache without Redis is the database
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manage(env, "shell", "-c", SEED.replace("COUNT", str(SAMPLES)))
    server = servers.Gunicorn(
        f"privacy-{backend}",
        gunicorn=GUNICORN,
        app="config.wsgi",
        env=env,
        cwd=PROJECT_DIR,
        work_dir=WORK,
        workers=1,
    )
    with server.start():
        page = load.fetch(server.url + "/privacy/my-data/")
        cookie = re.search(r"csrftoken=([^;]+)", page.headers.get("Set-Cookie", ""))
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if not (cookie and token):
            raise RuntimeError(f"no CSRF cookie or token on the request page ({page.status})")
        form = {"cookie": cookie.group(1), "token": token.group(1).decode()}
        for n in range(WARM_UP):
            ask(server, form, f"warm{n}@example.com", f"192.0.2.{n + 1}")
        known, unknown = [], []
        for n in range(SAMPLES):
            # In pairs, so a slow moment of the machine falls on both kinds alike; which comes
            # first alternates, so neither always follows the other's after-answer work.
            pair = [
                (known, f"known{n}@example.com", f"10.1.{n // 250}.{n % 250}"),
                (unknown, f"unknown{n}@example.com", f"10.2.{n // 250}.{n % 250}"),
            ]
            for samples, email, client_ip in pair if n % 2 else reversed(pair):
                samples.append(ask(server, form, email, client_ip))
    return known, unknown


def p90(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=10)[-1]


def main() -> int:
    sink = SmtpSink()
    rows = []
    try:
        for backend in BACKENDS:
            before = sink.messages
            known, unknown = measure(backend, sink.server_address[1])
            time.sleep(PAUSE)
            rows.append((backend, known, unknown, sink.messages - before))
    finally:
        servers.stop_all()
        sink.shutdown()
    print(f"/privacy/my-data/ POST, {SAMPLES} requests of each kind, milliseconds")
    print(
        f"{'backend':<10} {'known p50':>10} {'unknown p50':>12} {'diff':>7}"
        f" {'known p90':>10} {'unknown p90':>12} {'mails sent':>11}"
    )
    for backend, known, unknown, mails in rows:
        diff = statistics.median(known) - statistics.median(unknown)
        print(
            f"{backend:<10} {statistics.median(known):>10.2f} {statistics.median(unknown):>12.2f}"
            f" {diff:>+7.2f} {p90(known):>10.2f} {p90(unknown):>12.2f} {mails:>11}"
        )
    print("(mails sent: with the database backend no worker runs, so the tasks wait queued)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
