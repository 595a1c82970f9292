"""Count the SQL queries of our article page, in-process (gunicorn cannot report them).

Runs with the same environment as the served site (production settings, same DATABASE_URL),
requests each benchmark thread twice with django.test.Client as a reader without cookies
(like wrk), and counts the second request's queries with CaptureQueriesContext: the first
one may add one-off queries (e.g. a connection's set-up), the second is what every request
costs. Prints ``{size: {"queries": n, "bytes": n}}`` as JSON on its last line.

With ``--posting`` it prints instead how many comments the posting benchmark's article has,
by status, so run.py can check what the posting benchmark really stored.
"""

import argparse
import json
import os
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent


def page_queries(sizes) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from seed import thread_path

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for size in sizes:
        client.get(thread_path(size))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(thread_path(size))
        if response.status_code != 200:
            raise RuntimeError(f"{thread_path(size)} answered {response.status_code}")
        counts[size] = {"queries": len(captured), "bytes": len(response.content)}
    return counts


def posting_counts() -> dict:
    from django.db.models import Count
    from seed import POSTING_SLUG

    from comments.models import Comment

    rows = (
        Comment.objects.filter(article__slug=POSTING_SLUG)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--posting", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(PROJECT_DIR))
    sys.path.insert(0, str(BENCH_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if args.posting:
        print(json.dumps(posting_counts()))
    else:
        print(json.dumps(page_queries([int(s) for s in args.sizes.split(",") if s.strip()])))


if __name__ == "__main__":
    main()
