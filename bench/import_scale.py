"""Import and export at a newsroom's size: a generated WXR file imported into PostgreSQL.

Run on demand (``make bench-import``), never by ``make test``::

    .venv/bin/python bench/import_scale.py                      # 1,000,000 comments, 10,000 posts
    .venv/bin/python bench/import_scale.py --comments 100000    # a smaller point
    .venv/bin/python bench/import_scale.py --twice              # also time a second, no-op run

It writes a WordPress export (WXR 1.2) to disk as it generates it (``--file``; deleted at the
end unless ``--keep-file``): ``--posts`` published posts, each with its share of the comments;
30% of comments are replies to an earlier comment of the same post, statuses are 80% approved
(``1``), 8% pending (``0``), 8% spam, 4% trash, and 2% of the entries are pingbacks or
trackbacks (which the importer skips); 200,000 distinct emails, text with paragraphs and a
link now and then, every text distinct (as in a real export: the importer cleans each distinct
text once, so repeated texts would flatter it). It then (re)creates a dedicated PostgreSQL
database (``BENCH_IMPORT_URL``, default ``postgres://postgres@127.0.0.1:5432/bench_import``;
dropped at the end unless ``--keep-db``), migrates it, times ``import_comments``'s service
(``import_file``) and the WXR export (``export_wxr``'s ``write_wxr``), and prints comments
per second and the process's peak resident memory. The results are appended to
``bench/results-import.md``.
"""

import argparse
import datetime
import os
import platform
import random
import resource
import secrets
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_import"
SENTENCES = [
    "My doctor said the same thing about the new guidelines.",
    "I have been taking this medication for two years without problems.",
    "Does anyone know whether the study included people over seventy?",
    "The sample size seems small for such a strong conclusion.",
    "Thank you for explaining relative & absolute risk.",
    "My mother had the same symptoms and it turned out to be her thyroid.",
    "Please talk to your pharmacist before changing any dose.",
    "Walking every day helped my knees more than anything else.",
    "See https://example.org/study for the paper.",
]
STATUSES = ["1"] * 80 + ["0"] * 8 + ["spam"] * 8 + ["trash"] * 4


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--emails", type=int, default=200_000)
    parser.add_argument("--file", help="where the WXR file goes (default: a temporary file)")
    parser.add_argument("--keep-file", action="store_true")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--twice", action="store_true", help="time a second (no-op) import")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results-import.md"))
    return parser.parse_args()


# --- the file -------------------------------------------------------------------------------


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def generate(path: Path, *, comments: int, posts: int, emails: int, seed: int) -> dict:
    """Write the WXR file, streaming; returns what it holds (entries by kind and status)."""
    rng = random.Random(seed)
    start = datetime.datetime(2022, 1, 1, tzinfo=datetime.UTC)
    held = {"entries": 0, "pings": 0, "replies": 0, **dict.fromkeys(set(STATUSES), 0)}
    next_id = 1
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            "<title>Bench</title><link>https://old.example.org</link>\n"
            "<wp:wxr_version>1.2</wp:wxr_version>\n"
            "<wp:base_site_url>https://old.example.org</wp:base_site_url>\n"
        )
        for post in range(posts):
            share = comments // posts + (1 if post < comments % posts else 0)
            posted = start + datetime.timedelta(minutes=post * 97)
            slug = f"bench-post-{post}"
            parts = [
                f"<item><title>Bench post {post}</title>"
                f"<link>https://old.example.org/{posted:%Y/%m}/{slug}/</link>"
                f"<content:encoded>{cdata('<p>' + SENTENCES[post % 9] + '</p>')}"
                "</content:encoded><excerpt:encoded></excerpt:encoded>"
                f"<wp:post_id>{post + 1}</wp:post_id>"
                f"<wp:post_date_gmt>{posted:%Y-%m-%d %H:%M:%S}</wp:post_date_gmt>"
                "<wp:comment_status>open</wp:comment_status>"
                f"<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>"
                "<wp:post_type>post</wp:post_type>\n"
            ]
            ids = []
            for n in range(share):
                comment_id, next_id = next_id, next_id + 1
                when = posted + datetime.timedelta(minutes=5 + n * 13)
                ping = rng.random() < 0.02
                parent = rng.choice(ids) if ids and not ping and rng.random() < 0.3 else 0
                status = "1" if ping else rng.choice(STATUSES)
                kind = rng.choice(("pingback", "trackback")) if ping else "comment"
                reader = rng.randrange(emails)
                text = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 4)))
                text += f" (Reader {reader}, comment {comment_id}.)"  # no two texts alike
                if rng.random() < 0.3:
                    text += "\n\n" + rng.choice(SENTENCES)
                parts.append(
                    "<wp:comment>"
                    f"<wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author>{cdata(f'Reader {reader}')}</wp:comment_author>"
                    f"<wp:comment_author_email>reader{reader}@example.com"
                    "</wp:comment_author_email>"
                    "<wp:comment_author_url></wp:comment_author_url>"
                    f"<wp:comment_author_IP>10.{reader % 256}.{n % 256}.1"
                    "</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>{when:%Y-%m-%d %H:%M:%S}</wp:comment_date_gmt>"
                    f"<wp:comment_content>{cdata(escape(text))}</wp:comment_content>"
                    f"<wp:comment_approved>{status}</wp:comment_approved>"
                    f"<wp:comment_type>{kind}</wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent>"
                    "</wp:comment>\n"
                )
                held["entries"] += 1
                if ping:
                    held["pings"] += 1
                else:
                    ids.append(comment_id)
                    held[status] += 1
                    held["replies"] += bool(parent)
            parts.append("</item>\n")
            out.write("".join(parts))
        out.write("</channel>\n</rss>\n")
    return held


# --- the database ---------------------------------------------------------------------------


def configure_environment(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit(f"bench/import_scale.py needs PostgreSQL; BENCH_IMPORT_URL is {url!r}")
    name = parsed.path.lstrip("/")
    if name in ("", "test", "postgres", "template0", "template1") or name.startswith("test_"):
        sys.exit(f"refusing to use the database {name!r}: use a dedicated one")
    if parsed.hostname not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("bench/import_scale.py works on this machine only (loopback)")
    os.environ.update(
        {
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-import-" + secrets.token_urlsafe(40),
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_CACHE": "locmem",
            "DJANGO_TASKS_BACKEND": "immediate",
            "DJANGO_LOG_LEVEL": "ERROR",
        }
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("EMAIL_HOST", None)


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not drop_only:
            conn.execute(f'CREATE DATABASE "{name}"')


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


# --- main -----------------------------------------------------------------------------------


def main():
    args = parse_args()
    url = os.environ.get("BENCH_IMPORT_URL", DEFAULT_URL)
    configure_environment(url)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    path = Path(args.file or tempfile.mkstemp(prefix="bench-import-", suffix=".xml")[1])
    t0 = time.perf_counter()
    held = generate(
        path, comments=args.comments, posts=args.posts, emails=args.emails, seed=args.seed
    )
    generate_s = time.perf_counter() - t0
    size_mb = path.stat().st_size / 2**20
    print(
        f"generated {path} ({size_mb:,.0f} MB, {held['entries']:,} entries) in {generate_s:.1f} s"
    )

    recreate_database(url)
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from comments.importers.export import write_wxr
    from comments.importers.services import import_file
    from comments.models import Comment

    call_command("migrate", interactive=False, verbosity=0)
    rss_before = rss_mb()
    t0 = time.perf_counter()
    report = import_file(path)
    import_s = time.perf_counter() - t0
    rss_after_import, peak_after_import = rss_mb(), peak_rss_mb()
    imported = report.imported_total
    print(report.as_text())
    print(f"import: {import_s:.1f} s, {imported / import_s:,.0f} comments/s")

    second_s = None
    if args.twice:
        t0 = time.perf_counter()
        again = import_file(path)
        second_s = time.perf_counter() - t0
        print(f"second import: {second_s:.1f} s, {again.imported_total} added")

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    stored = Comment.objects.count()
    t0 = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        counts = write_wxr(sink)
    export_s = time.perf_counter() - t0
    peak = peak_rss_mb()
    print(f"export: {export_s:.1f} s, {counts.comments / export_s:,.0f} comments/s")
    print(
        f"memory: {rss_before:.0f} MB before import, {rss_after_import:.0f} MB after, "
        f"peak {peak:.0f} MB"
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), pg_size_pretty(pg_database_size(current_database()))")
        pg_version, db_size = cursor.fetchone()
    connection.close()
    if not args.keep_db:
        recreate_database(url, drop_only=True)
    if not args.keep_file and not args.file:
        path.unlink()

    now = datetime.datetime.now(datetime.UTC)
    lines = [
        f"## {args.comments:,} comments over {args.posts:,} posts ({now:%Y-%m-%d %H:%M} UTC)",
        "",
        f"Machine: {os.cpu_count()} CPUs, {platform.machine()}, Python "
        f"{platform.python_version()}, {pg_version.split(' on ')[0]}; load average at the end "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}.",
        "",
        f"File: {size_mb:,.0f} MB, {held['entries']:,} entries ({held['pings']:,} pingbacks and "
        f"trackbacks, {held['replies']:,} replies; approved {held['1']:,}, pending {held['0']:,},"
        f" spam {held['spam']:,}, trash {held['trash']:,}); generated in {generate_s:.1f} s.",
        "",
        "| step | seconds | comments/s | notes |",
        "|---|---:|---:|---|",
        f"| import (`import_file`) | {import_s:.1f} | {imported / import_s:,.0f} | "
        f"{imported:,} imported, {report.articles_created:,} articles created, "
        f"{sum(report.skipped.values()):,} skipped |",
    ]
    if second_s is not None:
        lines.append(f"| the same file again | {second_s:.1f} | - | adds nothing |")
    lines += [
        f"| export (`write_wxr`) | {export_s:.1f} | {counts.comments / export_s:,.0f} | "
        f"{counts.comments:,} comments, {counts.articles:,} items |",
        "",
        f"Memory (resident): {rss_before:.0f} MB before the import, {rss_after_import:.0f} MB "
        f"after it (peak {peak_after_import:.0f} MB), peak {peak:.0f} MB after the export. "
        f"Database after import: {db_size}, {stored:,} comments.",
        "",
    ]
    out = Path(args.out)
    if not out.exists():
        out.write_text(
            "# Import benchmark (bench/import_scale.py)\n\n"
            "Appended by `make bench-import`: a generated WordPress export imported into an "
            "empty PostgreSQL database and exported again.\n\n"
        )
    with out.open("a") as results:
        results.write("\n".join(lines) + "\n")
    print(f"appended to {os.path.relpath(out, ROOT)}")


if __name__ == "__main__":
    main()
