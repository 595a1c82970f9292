"""Asking for a data link takes as long for an unknown address as for one we have data under.

Until the answer has been sent, ``/privacy/my-data/`` does the same work for every address:
the lookup, the rate limits and the mail come after, when the server closes the response. The
first tests hold a response the way a WSGI server does between writing its body and closing
it; the last one times real requests to a live server.
"""

import http.client
import re
import statistics
import time
from urllib.parse import urlencode, urlsplit

import pytest
from django.core import mail
from django.core.handlers.wsgi import WSGIHandler
from django.core.mail.backends import locmem
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from comments import ratelimit
from tests.conftest import make_article, make_comment

KNOWN = "walter.private@example.com"
UNKNOWN = "nobody.here@example.com"
CSRF_SECRET = "k" * 32  # an unmasked secret is a valid token for a cookie of the same value


class Served:
    """A data-link request answered by the WSGI application, its body sent, not yet closed."""

    def __init__(self, email: str, *, ip: str = "198.51.100.7"):
        request = RequestFactory().post(
            "/privacy/my-data/",
            {"email": email, "csrfmiddlewaretoken": CSRF_SECRET},
            HTTP_COOKIE=f"csrftoken={CSRF_SECRET}",
            REMOTE_ADDR=ip,
        )
        # As Django's test client does: the test's transaction must outlive the "request".
        request_started.disconnect(close_old_connections)
        try:
            with CaptureQueriesContext(connection) as queries:
                self.response = WSGIHandler()(request.environ, lambda status, headers: None)
                self.body = b"".join(self.response)
        finally:
            request_started.connect(close_old_connections)
        self.sql = [query["sql"] for query in queries.captured_queries]

    def close(self) -> None:
        """What the server does once the visitor has the whole answer."""
        request_finished.disconnect(close_old_connections)
        try:
            self.response.close()
        finally:
            request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_the_answer_is_sent_before_the_address_is_looked_up_or_mailed():
    make_comment(make_article(), author_email=KNOWN)

    served = Served(KNOWN)

    assert served.response.status_code == 200
    assert b"we have sent a link to it" in served.body
    assert mail.outbox == []
    assert not [sql for sql in served.sql if "comments_" in sql]

    served.close()

    assert [message.to for message in mail.outbox] == [[KNOWN]]


@pytest.mark.django_db
def test_known_and_unknown_addresses_do_the_same_work_until_the_answer_is_sent():
    make_comment(make_article(), author_email=KNOWN)

    known = Served(KNOWN, ip="198.51.100.7")
    unknown = Served(UNKNOWN, ip="198.51.100.8")

    assert known.sql == unknown.sql
    assert known.body == unknown.body
    known.close()
    unknown.close()
    assert [message.to for message in mail.outbox] == [[KNOWN]]


@pytest.mark.django_db
def test_a_rate_limited_address_answers_the_same_and_is_counted_only_afterwards():
    make_comment(make_article(), author_email=KNOWN)
    for n in range(3):  # three a day per address
        Served(KNOWN, ip=f"198.51.100.{n}").close()
    assert len(mail.outbox) == 3

    limited = Served(KNOWN, ip="198.51.100.50")
    fresh = Served(UNKNOWN, ip="198.51.100.51")

    assert limited.body == fresh.body
    assert limited.sql == fresh.sql
    limited.close()
    assert len(mail.outbox) == 3


# Timed through a live server ---------------------------------------------------------------

SAMPLES = 50
TOLERANCE_MS = 2.0
MAIL_SERVER_SECONDS = 0.005
PAUSE = 0.03  # lets the work after one answer finish before the next request starts


def _request(base: str, method: str, path: str, body: str = "", headers=None):
    """One request on a new connection: (status, headers, body, milliseconds to the last byte)."""
    parts = urlsplit(base)
    began = time.perf_counter()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    return response.status, response.headers, data, (time.perf_counter() - began) * 1000


@pytest.mark.django_db(transaction=True)
def test_known_and_unknown_addresses_get_their_answer_in_the_same_time(live_server, monkeypatch):
    # Every request must reach the lookup and the mail: no limit may cut the known path short.
    monkeypatch.setattr(ratelimit, "DATA_LINK_REQUESTS", ())
    # A mail server takes a few milliseconds to accept a message; the test outbox takes none.
    send_messages = locmem.EmailBackend.send_messages

    def like_a_mail_server(backend, messages):
        time.sleep(MAIL_SERVER_SECONDS)
        return send_messages(backend, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", like_a_mail_server)
    article = make_article()
    for n in range(SAMPLES):
        make_comment(article, author_email=f"known{n}@example.com")
    _status, headers, page, _ms = _request(live_server.url, "GET", "/privacy/my-data/")
    cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()

    def ask(email: str) -> float:
        status, _headers, body, ms = _request(
            live_server.url,
            "POST",
            "/privacy/my-data/",
            urlencode({"email": email, "csrfmiddlewaretoken": token}),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie}",
            },
        )
        assert status == 200 and b"we have sent a link to it" in body
        time.sleep(PAUSE)
        return ms

    for n in range(5):  # warm up: templates compiled, connections made
        ask(f"warm{n}@example.com")
    known, unknown = [], []
    for n in range(SAMPLES):
        # In pairs, so a slow moment of the machine hits both kinds; the order alternates.
        pair = [(known, f"known{n}@example.com"), (unknown, f"unknown{n}@example.com")]
        for samples, email in pair if n % 2 else reversed(pair):
            samples.append(ask(email))

    assert len(mail.outbox) == SAMPLES  # the known addresses really were mailed
    difference = statistics.median(known) - statistics.median(unknown)
    assert abs(difference) < TOLERANCE_MS, (statistics.median(known), statistics.median(unknown))
