"""The ceiling: a WSGI app that answers every request with the same bytes from a file.

run.py saves our warm 1,000-comment article page to a file and serves it with this app through
the same gunicorn setup, so the difference to our page is what Django and the database cost.
"""

import os
from pathlib import Path

BODY = Path(os.environ["BENCH_STATIC_FILE"]).read_bytes()
HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Content-Length", str(len(BODY))),
]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
