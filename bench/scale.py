"""A newsroom's size: every page timed on a PostgreSQL database of a million comments.

Run on demand (``make bench-scale``), never by ``make test``::

    .venv/bin/python bench/scale.py                        # 10,000 articles, 1,000,000 comments
    .venv/bin/python bench/scale.py --comments 100000      # a smaller point on the curve
    .venv/bin/python bench/scale.py --reuse                # time again, keep the database
    .venv/bin/python bench/scale.py --curve                # 10k, 100k, 1M, 10M in turn

It builds (unless ``--reuse``) a dedicated PostgreSQL database (``BENCH_SCALE_URL``, default
``postgres://postgres@127.0.0.1:5432/bench_scale``; created when missing; the database ``test``
that CI uses is refused) with set-based SQL (``INSERT ... SELECT generate_series``): published
articles over two years, comments over two years (72% approved, 8% pending, 15% spam, 5%
removed; 200,000 distinct normalised emails ``readerN@example.com``; 30% replies with their
parent, ``in_reply_to`` and depth as the posting service sets them; one article with 5,000
comments), 2,000 open reports (``--reports-older-than DAYS``: on old comments only, a backlog)
and 300,000 moderation-log rows; then ANALYZE.

It then times each page in-process with Django's test client, production settings
(``DJANGO_DEBUG=0``, the database cache): one untimed request after the cache is cleared, then
the p50 of ``--runs`` requests, the SQL query count, the body size, and the EXPLAIN ANALYZE of
the slowest query of every page slower than 100 ms. It prints the table and writes it, with
the date, the machine and the sizes, to ``bench/results-scale.md``. With ``--curve`` it does
that at each size in turn (about 15 minutes and 12 GB of disk for the 10M point) and adds a
table of the main pages across sizes, with how much each grows per tenfold size.
"""

import argparse
import contextlib
import io
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from scale_build import build
from scale_report import (
    CURVE_SECTION,
    SLOW_MS,
    curve_report,
    machine_info,
    report,
    sizes,
    write_results,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_scale"
ADMIN_USERNAME = "bench-scale-admin"
CURVE_SIZES = (10_000, 100_000, 1_000_000, 10_000_000)
# The pages the curve follows across sizes (labels of run_pages).
CURVE_PAGES = (
    "front page `/`",
    "queue pending",
    "queue approved page 50",
    "admin comment list",
    "admin article list",
    "post: first-time email",
    "post: returning email",
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=2_000)
    parser.add_argument(
        "--reports-older-than",
        type=int,
        default=0,
        metavar="DAYS",
        help="open reports only on comments older than this: a backlog moderators left behind",
    )
    parser.add_argument("--log-rows", type=int, default=300_000)
    parser.add_argument("--emails", type=int, default=200_000)
    parser.add_argument("--big-thread", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=7, help="timed requests per page")
    parser.add_argument("--reuse", action="store_true", help="keep the database, time only")
    parser.add_argument(
        "--curve",
        nargs="?",
        const=",".join(str(n) for n in CURVE_SIZES),
        default="",
        help="build and time each size in turn (default 10k,100k,1M,10M) and write the curve",
    )
    parser.add_argument(
        "--out", default=str(ROOT / "bench" / "results-scale.md"), help="the Markdown report"
    )
    return parser.parse_args()


def configure_environment(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"bench/scale.py needs PostgreSQL; BENCH_SCALE_URL is {url!r}")
    name = parsed.path.lstrip("/")
    if name in ("", "test", "postgres", "template0", "template1") or name.startswith("test_"):
        sys.exit(f"refusing to build into the database {name!r}: use a dedicated one")
    if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("bench/scale.py works on this machine only (loopback)")
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-scale-" + secrets.token_urlsafe(40),
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_CACHE": "database",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_TASKS_BACKEND": "database",  # as in production: mail is queued
            "DJANGO_LOG_LEVEL": "ERROR",
            # Posting is timed many times from one address: measure the path, not the limiter.
            "COMMENTS_RATE_GAP_SECONDS": "0",
            "COMMENTS_RATE_PER_HOUR": "1000000",
            # The form is posted the instant it is read: not a sign of a bot here.
            "COMMENTS_MIN_SUBMIT_SECONDS": "0",
        }
    )
    os.environ.pop("EMAIL_HOST", None)
    os.environ.pop("REDIS_URL", None)


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


# --- timing ---------------------------------------------------------------------------------


def measure(label, do, runs, *, clear_each=False):
    """Warm (cache cleared first, one untimed call), then the p50 of `runs`; then one counted."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    first = time.perf_counter()
    response = do(-1)
    first_ms = (time.perf_counter() - first) * 1000
    samples = []
    for i in range(runs):
        if clear_each:
            cache.clear()
        started = time.perf_counter()
        response = do(i)
        samples.append((time.perf_counter() - started) * 1000)
    if clear_each:
        cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = do(runs)
    status = getattr(response, "status_code", "-")
    size = len(response.content) if hasattr(response, "content") else 0
    return {
        "page": label,
        "p50": statistics.median(samples),
        "first": first_ms,
        "queries": len(ctx.captured_queries),
        "sql_ms": sum(float(q.get("time") or 0) for q in ctx.captured_queries) * 1000,
        "bytes": size,
        "status": status,
        "captured": ctx.captured_queries,
    }


def explain(sql: str) -> str:
    from django.db import connection

    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return "(not a SELECT: not explained)"
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def run_pages(args):
    from django.contrib.auth import get_user_model
    from django.test import Client

    from articles.models import Article
    from comments.models import Comment
    from comments.posting.services import comment_post

    admin = get_user_model().objects.get(username=ADMIN_USERNAME)
    staff = Client()
    staff.force_login(admin)
    reader = Client()

    from django.db.models import Count

    big_article = (
        Article.objects.annotate(n=Count("comments")).order_by("-n").only("id", "slug").first()
    )
    post_article = Article.objects.order_by("-published_at").only("id", "slug").first()
    slug = big_article.slug
    # The author with the most approved comments (reader123 has few or none on small builds).
    author = (
        Comment.objects.filter(status="approved")
        .values("author_email")
        .annotate(n=Count("id"))
        .order_by("-n", "author_email")
        .first()["author_email"]
    )

    def get(client, url):
        def do(_i):
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: {response.status_code}")
            return response

        return do

    pages = [
        ("front page `/`", reader, "/"),
        ("`/sitemap.xml`", reader, "/sitemap.xml"),
        ("`/sitemap-articles.xml`", reader, "/sitemap-articles.xml"),
        ("queue pending", staff, "/moderation/?status=pending"),
        ("queue reported", staff, "/moderation/?status=reported"),
        ("queue spam", staff, "/moderation/?status=spam"),
        ("queue approved", staff, "/moderation/?status=approved"),
        ("queue approved page 50", staff, "/moderation/?status=approved&page=50"),
        ("queue by author (approved)", staff, f"/moderation/?status=approved&author={author}"),
        ("admin comment list", staff, "/admin/comments/comment/"),
        ("admin search `?q=reader123`", staff, "/admin/comments/comment/?q=reader123"),
        ("admin index", staff, "/admin/"),
        ("admin article list", staff, "/admin/articles/article/"),
        ("moderation log", staff, "/moderation/log/"),
    ]
    results = []
    for label, client, url in pages:
        print(f"  {label} ...", flush=True)
        results.append(measure(label, get(client, url), args.runs) | {"url": url})
    label = f"article, {big_article.n:,} comments (cached)"
    print(f"  {label} ...", flush=True)
    results.append(
        measure(label, get(reader, f"/articles/{slug}/"), args.runs) | {"url": f"/articles/{slug}/"}
    )
    label = f"article, {big_article.n:,} comments (cold: cache cleared)"
    print(f"  {label} ...", flush=True)
    results.append(
        measure(label, get(reader, f"/articles/{slug}/"), args.runs, clear_each=True)
        | {"url": f"/articles/{slug}/"}
    )
    # A moderator's article page is never the cached one: held comments in place, actions.
    label = f"article, {big_article.n:,} comments (moderator's page)"
    print(f"  {label} ...", flush=True)
    results.append(
        measure(label, get(staff, f"/articles/{slug}/"), args.runs) | {"url": f"/articles/{slug}/"}
    )

    stamp = secrets.token_hex(4)

    def post(first_time: bool):
        def do(i):
            email = (
                f"newcomer-{stamp}-{i + 1}@example.org" if first_time else "reader123@example.com"
            )
            with contextlib.redirect_stdout(io.StringIO()):
                return comment_post(
                    article=post_article,
                    body=f"Timing comment {stamp} {i + 1}: is the new dose safe for children?",
                    author_name="Timing Reader",
                    author_email=email,
                    ip_address=f"192.0.2.{(i + 2) % 250 + 1}",
                    user_agent="bench-scale",
                    seconds_to_submit=30.0,
                )

        return do

    for label, first_time in (("post: first-time email", True), ("post: returning email", False)):
        print(f"  {label} ...", flush=True)
        results.append(measure(label, post(first_time), args.runs) | {"url": "comment_post()"})

    # The whole request as a browser makes it, on the largest thread: the form, the checks,
    # the own-comments cookie and the redirect to the page the new comment is on
    # (``positions.page_of``).
    from run import hidden_fields  # bench/run.py: the form's hidden inputs, as wrk sends them

    url = f"/articles/{slug}/comments/"
    browser = Client(HTTP_ORIGIN="http://testserver")
    hidden = hidden_fields(
        browser.get(f"/articles/{slug}/").content.decode(), action_suffix="/comments/"
    )

    def post_form(i):
        browser.cookies.clear()  # a new reader each time: no session, no saved details
        response = browser.post(
            url,
            {
                **hidden,
                "comment": f"Form comment {stamp} {i + 1}: which massage device helps her back?",
                "name": "Timing Reader",
                "email": f"form-{stamp}-{i + 1}@example.org",
                "url": "",
            },
            REMOTE_ADDR=f"198.51.100.{(i + 2) % 250 + 1}",
        )
        if response.status_code != 302:
            raise RuntimeError(f"{url}: {response.status_code}")
        return response

    label = f"post through the form, {big_article.n:,}-comment thread"
    print(f"  {label} ...", flush=True)
    results.append(measure(label, post_form, args.runs) | {"url": url})
    return results


def scaled(args, n_comments: int):
    """The arguments for one point of the curve: the 1M shape scaled to ``n_comments``."""
    point = argparse.Namespace(**vars(args))
    point.comments = n_comments
    point.emails = max(100, n_comments // 5)
    point.log_rows = n_comments * 3 // 10
    point.reports = min(args.reports, n_comments // 50)
    point.big_thread = min(args.big_thread, n_comments // 4)
    point.reuse = False
    return point


def run_size(args) -> dict:
    """Build (unless ``args.reuse``) and time one database size; write its section."""
    from django.db import connection
    from django.test.utils import override_settings

    build_times = {}
    if not args.reuse:
        print(
            f"building: {args.articles:,} articles, {args.comments:,} comments, "
            f"{args.reports:,} reports, {args.log_rows:,} log rows",
            flush=True,
        )
        with connection.cursor() as cursor:
            build_times = build(cursor, args, args.admin_id)
        connection.close()

    with connection.cursor() as cursor:
        size = sizes(cursor)
    print("timing pages", flush=True)
    # Nothing leaves this machine: mail (queued as in production) would go to memory.
    with override_settings(
        MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    ):
        results = run_pages(args)

    explains = []
    for r in results:
        if r["p50"] <= SLOW_MS or not r["captured"]:
            continue
        slowest = max(r["captured"], key=lambda q: float(q.get("time") or 0))
        try:
            plan = explain(slowest["sql"])
        except Exception as exc:  # a report, not a failure
            plan = f"(EXPLAIN failed: {exc})"
            connection.close()
        others = sorted(r["captured"], key=lambda q: -float(q.get("time") or 0))[1:4]
        plan += "\n\n-- the next slowest queries of this request:\n" + "\n".join(
            f"-- {float(q['time']) * 1000:.0f} ms: {q['sql'][:300]}" for q in others
        )
        explains.append((r["page"], float(slowest["time"]) * 1000, slowest["sql"], plan))

    with connection.cursor() as cursor:
        machine = machine_info(cursor)
    text = report(args, machine, size, build_times, results, explains)
    write_results(Path(args.out), size["comments"], text)

    width = max(len(r["page"]) for r in results)
    print(
        f"\n{'page':<{width}}  {'p50 ms':>8}  {'first ms':>8}  {'queries':>7}  "
        f"{'SQL ms':>6}  {'bytes':>9}"
    )
    for r in results:
        print(
            f"{r['page']:<{width}}  {r['p50']:>8.1f}  {r['first']:>8.1f}  {r['queries']:>7}  "
            f"{r['sql_ms']:>6.0f}  {r['bytes']:>9,}"
        )
    for label, ms, sql, plan in explains:
        print(f"\n--- {label}: slowest query {ms:.1f} ms\n{sql}\n{plan}")
    return {"size": size, "results": results, "machine": machine}


def main():
    args = parse_args()
    url = os.environ.get("BENCH_SCALE_URL", DEFAULT_URL)
    configure_environment(url)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    ensure_database(url)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    print(f"database {urlparse(url).path.lstrip('/')}: migrate, createcachetable", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    # Production settings serve static files through whitenoise's manifest: pages cannot
    # render on a fresh checkout until it is collected.
    call_command("collectstatic", interactive=False, verbosity=0)

    User = get_user_model()
    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is None:
        admin = User.objects.create_superuser(
            ADMIN_USERNAME, "bench-admin@example.com", secrets.token_urlsafe(16)
        )
    args.admin_id = admin.pk

    if not args.curve:
        run_size(args)
    else:
        points = []
        for n in [int(n) for n in args.curve.split(",")]:
            print(f"\n=== curve point: {n:,} comments", flush=True)
            points.append(run_size(scaled(args, n)))
        text = curve_report(points, CURVE_PAGES)
        write_results(Path(args.out), CURVE_SECTION, text)
        print("\n" + text)
    print(f"\nwritten to {os.path.relpath(args.out, ROOT)}")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
