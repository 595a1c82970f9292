"""A newsroom's size: every page timed on a PostgreSQL database of a million comments.

Run on demand (``make bench-scale``), never by ``make test``::

    .venv/bin/python bench/scale.py                        # 10,000 articles, 1,000,000 comments
    .venv/bin/python bench/scale.py --comments 100000      # a smaller point on the curve
    .venv/bin/python bench/scale.py --reuse                # time again, keep the database

It builds (unless ``--reuse``) a dedicated PostgreSQL database (``BENCH_SCALE_URL``, default
``postgres://postgres@127.0.0.1:5432/bench_scale``; created when missing; the database ``test``
that CI uses is refused) with set-based SQL (``INSERT ... SELECT generate_series``): published
articles over two years, comments over two years (72% approved, 8% pending, 15% spam, 5%
removed; 200,000 distinct normalised emails ``readerN@example.com``; 30% replies with their
parent, ``in_reply_to`` and depth as the posting service sets them; one article with 5,000
comments), 2,000 open reports and 300,000 moderation-log rows; then ANALYZE.

It then times each page in-process with Django's test client, production settings
(``DJANGO_DEBUG=0``, the database cache): one untimed request after the cache is cleared, then
the p50 of ``--runs`` requests, the SQL query count, the body size, and the EXPLAIN ANALYZE of
the slowest query of every page slower than 100 ms. It prints the table and writes it, with
the date, the machine and the sizes, to ``bench/results-scale.md``.
"""

import argparse
import contextlib
import datetime
import io
import json
import os
import platform
import secrets
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_scale"
SLOW_MS = 100.0
ADMIN_USERNAME = "bench-scale-admin"

HELD_REASON = {"code": "first_time", "message": "a first comment", "verdict": "hold"}
SPAM_REASON = {"code": "keywords", "message": "a blocked phrase", "verdict": "spam"}
SENTENCES = [
    "My doctor said the same thing about the new guidelines",
    "I have been taking this medication for two years without problems",
    "Does anyone know whether the study included people over seventy",
    "The sample size seems small for such a strong conclusion",
    "Thank you for explaining the difference between relative and absolute risk",
    "My mother had the same symptoms and it turned out to be her thyroid",
    "Please talk to your pharmacist before changing any dose",
    "The article could have mentioned the side effects more clearly",
    "We tried the diet for three months and my blood sugar improved",
    "Is there a link to the original paper in the journal",
    "Walking every day helped my knees more than anything else",
    "The vaccine clinic near us had no waiting time at all",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=2_000)
    parser.add_argument("--log-rows", type=int, default=300_000)
    parser.add_argument("--emails", type=int, default=200_000)
    parser.add_argument("--big-thread", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=7, help="timed requests per page")
    parser.add_argument("--reuse", action="store_true", help="keep the database, time only")
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


# --- building -------------------------------------------------------------------------------


def build(cursor, args, superuser_id: int) -> dict[str, float]:
    """Fill the database with set-based SQL; return seconds per step."""
    from psycopg import sql as psycopg_sql

    timings = {}
    n_art, n_com = args.articles, args.comments
    big = max(1, n_art // 2)  # published about a year ago, so its 5,000 comments spread after
    big_count = min(args.big_thread, n_com // 2)
    stride = max(1, (n_com - n_com // 2) // max(big_count, 1))
    # Each comment goes to one of the articles published in the 30 days before it.
    window = max(1, n_art * 30 // 730)

    def step(name, sql, params=None):
        started = time.perf_counter()
        cursor.execute(sql, params)
        timings[name] = time.perf_counter() - started
        print(f"  {name}: {timings[name]:.1f} s", flush=True)

    step(
        "truncate",
        """TRUNCATE comments_moderationlog, comments_report, comments_comment,
           articles_article_related, articles_article, django_session, django_cache
           RESTART IDENTITY CASCADE""",
    )
    cursor.execute("SELECT setseed(0.42)")
    step(
        "articles",
        """
        INSERT INTO articles_article (id, title, slug, byline, summary, body, body_html, status,
            published_at, updated_at, comments_open, moderation, thread_version)
        SELECT g, 'Health story number ' || g, 'scale-' || g, 'Health desk',
            'What the new research on topic ' || g || ' means for readers.',
            'The study looked at ' || g || ' volunteers.' || E'\\n\\n' || 'Doctors advise caution.',
            '<p>The study looked at ' || g || ' volunteers.</p><p>Doctors advise caution.</p>',
            'published',
            now() - interval '730 days' * (1 - g::float8 / %(n)s),
            now() - interval '730 days' * (1 - g::float8 / %(n)s),
            true, 'inherit', 0
        FROM generate_series(1, %(n)s) g
        """,
        {"n": n_art},
    )
    # Comment g is posted at fraction g/M of the two years, so ids follow time as in real life.
    step(
        "comments (base)",
        """
        CREATE TEMP TABLE scale_base AS
        SELECT g AS id,
               CASE WHEN g > %(m)s / 2 AND (g - %(m)s / 2) %% %(stride)s = 0
                         AND (g - %(m)s / 2) / %(stride)s <= %(big_count)s THEN %(big)s
                    ELSE a END AS article_id,
               now() - interval '730 days' * (1 - g::float8 / %(m)s) AS created_at,
               random() AS r_status, random() AS r_reply, random() AS r_misc,
               1 + floor(random() * %(emails)s)::int AS reader,
               1 + floor(random() * %(sentences)s)::int AS s1,
               1 + floor(random() * %(sentences)s)::int AS s2
        FROM (
            SELECT g, CASE WHEN a = %(big)s THEN greatest(1, a - 1) ELSE a END AS a
            FROM (
                SELECT g, greatest(1, floor(g::float8 / %(m)s * %(n)s)::int - floor(random()
                    * least(%(window)s, floor(g::float8 / %(m)s * %(n)s)))::int) AS a
                FROM generate_series(1, %(m)s) g
            ) x
        ) y
        """,
        {
            "m": n_com,
            "n": n_art,
            "big": big,
            "big_count": big_count,
            "stride": stride,
            "window": window,
            "emails": args.emails,
            "sentences": len(SENTENCES),
        },
    )
    # Replies: within an article, a comment drawn as a reply (30%) answers the comment before
    # it, so conversations are chains; from the 6th level on a reply joins its parent's level
    # (parent: the depth-3 comment of the chain; in_reply_to: the comment answered), as the
    # posting service does with COMMENTS_MAX_DEPTH = 5.
    step(
        "comments (insert)",
        """
        WITH o AS (
            SELECT b.*, row_number() OVER (PARTITION BY article_id ORDER BY id) AS rn
            FROM scale_base b
        ), blocks AS (
            SELECT o.*, sum(CASE WHEN r_reply < 0.3 AND rn > 1 THEN 0 ELSE 1 END)
                        OVER (PARTITION BY article_id ORDER BY id) AS blk
            FROM o
        ), chain AS (
            SELECT blocks.*,
                   row_number() OVER w - 1 AS pos,
                   lag(id) OVER w AS prev,
                   nth_value(id, 4) OVER (PARTITION BY article_id, blk ORDER BY id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS level3
            FROM blocks
            WINDOW w AS (PARTITION BY article_id, blk ORDER BY id)
        ), rows AS (
            SELECT c.*,
                   (%(sentences)s::text[])[s1] || '. ' || (%(sentences)s::text[])[s2]
                       || '. (Comment ' || id || ')' AS body,
                   CASE WHEN r_status < 0.72 THEN 'approved' WHEN r_status < 0.80 THEN 'pending'
                        WHEN r_status < 0.95 THEN 'spam' ELSE 'removed' END AS status
            FROM chain c
        )
        INSERT INTO comments_comment (id, article_id, parent_id, in_reply_to_id, depth,
            author_name, author_email, author_url, user_id, body, body_html, text_fingerprint,
            status, hold_reasons, created_at, updated_at, ip_address, user_agent, by_moderator,
            notify_replies)
        SELECT id, article_id,
               CASE WHEN pos = 0 THEN NULL WHEN pos <= 4 THEN prev ELSE level3 END,
               CASE WHEN pos = 0 THEN NULL ELSE prev END,
               least(pos, 4),
               'Reader ' || reader, 'reader' || reader || '@example.com',
               CASE WHEN reader %% 5 = 0 THEN 'https://blog' || reader || '.example.net/'
                    ELSE '' END,
               NULL, body, '<p>' || body || '</p>',
               left(encode(sha256(convert_to(lower(body), 'UTF8')), 'hex'), 32),
               status,
               CASE status WHEN 'pending' THEN %(held)s WHEN 'spam' THEN %(spam)s
                   ELSE '[]' END::jsonb,
               created_at, created_at,
               ('10.' || (reader / 65536) %% 256 || '.' || (reader / 256) %% 256
                    || '.' || reader %% 256)::inet,
               'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
               false, r_misc < 0.1
        FROM rows ORDER BY id
        """,
        {
            "sentences": SENTENCES,
            "held": json.dumps([HELD_REASON]),
            "spam": json.dumps([SPAM_REASON]),
        },
    )
    cursor.execute("DROP TABLE scale_base")
    step(
        "reports",
        """
        INSERT INTO comments_report (reason, note, reporter_key, source_key, created_at,
            resolved_at, resolved_by_id, comment_id)
        SELECT (ARRAY['spam', 'abuse', 'misinformation', 'off_topic', 'other'])
                   [1 + floor(random() * 5)::int],
               '', md5('reporter' || id), md5('network' || id),
               created_at + interval '1 hour', NULL, NULL, id
        FROM (SELECT id, created_at FROM comments_comment WHERE status = 'approved'
              ORDER BY random() LIMIT %(k)s) c
        """,
        {"k": args.reports},
    )
    step(
        "moderation log",
        """
        INSERT INTO comments_moderationlog (action, from_status, to_status, note, created_at,
            comment_id, moderator_id)
        SELECT CASE status WHEN 'approved' THEN 'approve' WHEN 'spam' THEN 'spam' ELSE 'remove' END,
               'pending', status, '', created_at + interval '20 minutes', id, %(mod)s
        FROM (SELECT id, status, created_at FROM comments_comment WHERE status <> 'pending'
              ORDER BY random() LIMIT %(k)s) c
        ORDER BY created_at
        """,
        {"k": args.log_rows, "mod": superuser_id},
    )
    for table in (
        "articles_article",
        "comments_comment",
        "comments_report",
        "comments_moderationlog",
    ):
        statement = psycopg_sql.SQL(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            "(SELECT coalesce(max(id), 0) + 1 FROM {}), false)"
        ).format(psycopg_sql.Identifier(table))
        cursor.execute(statement, [table])
    # VACUUM too: a table that autovacuum has visited has its visibility map set, so counts can
    # use index-only scans; right after a bulk load it has not, and autovacuum would otherwise
    # run in the middle of the timings.
    step("vacuum analyze", "VACUUM (ANALYZE)")
    return timings


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
    return results


def machine_info(cursor) -> dict[str, str]:
    cursor.execute("SHOW server_version")
    pg = cursor.fetchone()[0]
    cursor.execute("SHOW shared_buffers")
    buffers = cursor.fetchone()[0]
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "postgres": f"{pg} (shared_buffers {buffers})",
        "python": platform.python_version(),
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def sizes(cursor) -> dict[str, int]:
    out = {}
    for name, sql in [
        ("published articles", "SELECT count(*) FROM articles_article WHERE status = 'published'"),
        ("comments", "SELECT count(*) FROM comments_comment"),
        ("approved", "SELECT count(*) FROM comments_comment WHERE status = 'approved'"),
        ("pending", "SELECT count(*) FROM comments_comment WHERE status = 'pending'"),
        ("spam", "SELECT count(*) FROM comments_comment WHERE status = 'spam'"),
        ("removed", "SELECT count(*) FROM comments_comment WHERE status = 'removed'"),
        ("replies", "SELECT count(*) FROM comments_comment WHERE parent_id IS NOT NULL"),
        ("distinct emails", "SELECT count(DISTINCT author_email) FROM comments_comment"),
        (
            "largest thread",
            "SELECT max(n) FROM (SELECT count(*) n FROM comments_comment GROUP BY article_id) x",
        ),
        ("open reports", "SELECT count(*) FROM comments_report WHERE resolved_at IS NULL"),
        ("moderation log rows", "SELECT count(*) FROM comments_moderationlog"),
    ]:
        cursor.execute(sql)
        out[name] = cursor.fetchone()[0]
    cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
    out["database size"] = cursor.fetchone()[0]
    return out


def report(args, machine, size, build_times, results, explains) -> str:
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# Scale benchmark: {size['comments']:,} comments, "
        f"{size['published articles']:,} articles",
        "",
        f"Run {now} with `bench/scale.py --comments {args.comments} --articles {args.articles}"
        + (" --reuse" if args.reuse else "")
        + "`.",
        "",
        f"Machine: {machine['nproc']} CPUs ({machine['cpu']}), PostgreSQL {machine['postgres']}, "
        f"Python {machine['python']}, load average at the end {machine['load']}.",
        "",
        "Sizes: "
        + ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in size.items())
        + ".",
        "",
    ]
    if build_times:
        total = sum(build_times.values())
        lines += [
            f"Build: {total:.1f} s ("
            + ", ".join(f"{k} {v:.1f} s" for k, v in build_times.items())
            + ").",
            "",
        ]
    lines += [
        "Each page: cache cleared, one untimed request, then the p50 of "
        f"{args.runs} requests (in-process, Django test client, DEBUG off, database cache); "
        "queries, SQL ms (their summed time) and bytes from one more request. *first* is the "
        "untimed request after the cache was cleared. Pages over 100 ms are marked **slow**.",
        "",
        "| page | p50 ms | first ms | queries | SQL ms | bytes |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        flag = " **slow**" if r["p50"] > SLOW_MS else ""
        lines.append(
            f"| {r['page']}{flag} | {r['p50']:.1f} | {r['first']:.1f} | {r['queries']} "
            f"| {r['sql_ms']:.0f} | {r['bytes']:,} |"
        )
    lines.append("")
    if explains:
        lines += [f"### The slowest query of each page over {SLOW_MS:.0f} ms", ""]
        for label, ms, sql, plan in explains:
            lines += [
                f"#### {label} ({ms:.1f} ms in the counted request)",
                "",
                "```sql",
                sql,
                "```",
                "",
                "```",
                plan,
                "```",
                "",
            ]
    return "\n".join(lines)


HEADER = """# Scale benchmark (bench/scale.py)

Written by `make bench-scale` (`bench/scale.py`): one section per database size, the newest run
of each size replacing the one before. Compare sections of one day only.
"""


def write_results(path: Path, n_comments: int, text: str) -> None:
    """Keep one section per size (marked by a comment line), sorted by size."""
    sections = {}
    if path.exists():
        current = None
        for line in path.read_text().splitlines():
            if line.startswith("<!-- size "):
                current = int(line.split()[2])
                sections[current] = []
            elif current is not None:
                sections[current].append(line)
    sections[n_comments] = text.replace("\n# ", "\n## ").splitlines()
    if sections[n_comments][0].startswith("# "):
        sections[n_comments][0] = "#" + sections[n_comments][0]
    out = [HEADER]
    for size in sorted(sections):
        out.append(f"<!-- size {size} -->")
        out.extend(sections[size])
    path.write_text("\n".join(out).rstrip() + "\n")


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
    from django.db import connection

    print(f"database {urlparse(url).path.lstrip('/')}: migrate, createcachetable", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)

    User = get_user_model()
    admin = User.objects.filter(username=ADMIN_USERNAME).first()
    if admin is None:
        admin = User.objects.create_superuser(
            ADMIN_USERNAME, "bench-admin@example.com", secrets.token_urlsafe(16)
        )

    build_times = {}
    if not args.reuse:
        print(
            f"building: {args.articles:,} articles, {args.comments:,} comments, "
            f"{args.reports:,} reports, {args.log_rows:,} log rows",
            flush=True,
        )
        with connection.cursor() as cursor:
            build_times = build(cursor, args, admin.pk)
        connection.close()

    with connection.cursor() as cursor:
        size = sizes(cursor)
    print("timing pages", flush=True)
    from django.test.utils import override_settings

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
    print(f"\nwritten to {os.path.relpath(args.out, ROOT)}")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
