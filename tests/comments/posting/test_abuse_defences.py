"""What stops bots and floods at the comment form, and what a person sees when it does."""

import http.server
import re
import threading
import time
from urllib.parse import parse_qs

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client

from comments.models import Comment
from comments.posting import editing
from comments.posting import services as posting
from comments.posting.forms import TIMESTAMP_SALT, issue_timestamp
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status


@pytest.fixture(autouse=True)
def publish_at_once(settings):
    settings.COMMENTS_MODERATION = "post"


def post(client, article, data, **extra):
    return client.post(f"/articles/{article.slug}/comments/", data, **extra)


def textarea(html):
    return (
        re.search(r'<textarea[^>]*name="comment"[^>]*>(.*?)</textarea>', html, re.S)
        .group(1)
        .strip()
    )


def issued_seconds_ago(seconds):
    return signing.dumps(time.time() - seconds, salt=TIMESTAMP_SALT)


def reasons(comment):
    return [reason["message"] for reason in comment.hold_reasons]


# The honeypot and the form's timestamp --------------------------------------------------


def test_honeypot_is_hidden_from_people_and_screen_readers(client, article):
    html = client.get(article.get_absolute_url()).content.decode()

    wrapper = re.search(r'<div[^>]*class="hp-field"[^>]*>', html).group(0)
    assert 'aria-hidden="true"' in wrapper
    assert re.search(r'name="reference"[^>]*tabindex="-1"', html)


def test_filled_honeypot_sends_the_comment_to_spam(client, article, comment_data):
    post(client, article, {**comment_data, "reference": "http://buy.example"})

    comment = Comment.objects.get()
    assert comment.status == Status.SPAM
    assert reasons(comment) == ["a hidden field only bots fill in was filled in"]


def test_a_comment_sent_faster_than_a_person_types_is_held(settings, client, article, comment_data):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 3

    post(client, article, {**comment_data, "issued": issued_seconds_ago(1)})

    comment = Comment.objects.get()
    assert comment.status == Status.PENDING
    assert reasons(comment) == ["posted 1 second after the page loaded"]


def test_a_person_who_took_their_time_is_published(settings, client, article, comment_data):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 3

    post(client, article, {**comment_data, "issued": issued_seconds_ago(40)})

    assert Comment.objects.get().status == Status.APPROVED


@pytest.mark.parametrize(
    "issued", ["", "forged-value", signing.dumps(0.0, salt="another.salt")], ids=str
)
def test_a_form_without_a_valid_timestamp_is_sent_back_with_the_text(
    client, article, comment_data, issued
):
    response = post(client, article, {**comment_data, "issued": issued})

    html = response.content.decode()
    assert "This page was open for too long" in html
    assert textarea(html) == comment_data["comment"]
    fresh = re.search(r'name="issued" value="([^"]+)"', html).group(1)
    assert signing.loads(fresh, salt=TIMESTAMP_SALT) > time.time() - 5
    assert not Comment.objects.exists()


def test_a_page_left_open_for_days_asks_to_post_again(settings, client, article, comment_data):
    settings.COMMENTS_FORM_MAX_AGE_HOURS = 48
    with time_machine.travel(time.time() - 3 * 24 * 3600, tick=False):
        old = issue_timestamp()

    response = post(client, article, {**comment_data, "issued": old})

    assert "This page was open for too long" in response.content.decode()
    assert post(client, article, comment_data).status_code == 302


# Flood limits -------------------------------------------------------------------------------


def test_posting_again_within_the_gap_is_refused_politely_with_the_text_kept(
    settings, client, article, comment_data
):
    settings.COMMENTS_RATE_GAP_SECONDS = 15
    post(client, article, comment_data)

    response = post(client, article, {**comment_data, "comment": "A second thought."})

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 16
    html = response.content.decode()
    assert "You are posting faster than we allow" in html
    assert textarea(html) == "A second thought."
    assert f'action="/articles/{article.slug}/comments/"' in html
    assert Comment.objects.count() == 1


def test_the_limited_answer_stays_small_however_long_the_thread(
    settings, client, article, comment_data
):
    settings.COMMENTS_RATE_GAP_SECONDS = 15
    for n in range(60):
        make_comment(article, body=f"Conversation {n}")
    post(client, article, comment_data)

    response = post(client, article, {**comment_data, "comment": "Again."})

    assert response.status_code == 429
    assert "Conversation" not in response.content.decode()


def test_the_gap_applies_per_email_from_another_address_too(settings, article, comment_data):
    settings.COMMENTS_RATE_GAP_SECONDS = 15
    post(Client(REMOTE_ADDR="198.51.100.1"), article, comment_data)

    response = post(
        Client(REMOTE_ADDR="198.51.100.2"), article, {**comment_data, "comment": "Other text"}
    )

    assert response.status_code == 429


def test_hourly_limit_per_ip(settings, article, comment_data):
    settings.COMMENTS_RATE_PER_HOUR = 3
    client = Client(REMOTE_ADDR="203.0.113.5")
    codes = [
        post(
            client,
            article,
            {**comment_data, "email": f"a{n}@example.com", "comment": f"Text {n}"},
        ).status_code
        for n in range(5)
    ]

    assert codes == [302, 302, 302, 429, 429]
    assert Comment.objects.count() == 3


def test_a_double_click_posts_once_and_lands_on_the_comment(
    settings, client, article, comment_data
):
    settings.COMMENTS_RATE_GAP_SECONDS = 15
    first = post(client, article, comment_data)
    second = post(client, article, comment_data)

    assert Comment.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_the_same_text_from_someone_else_is_held_as_a_duplicate(client, article, comment_data):
    make_comment(article, body="Which massage device helps with lower back pain?")

    post(client, article, comment_data)

    comment = Comment.objects.latest("pk")
    assert comment.status == Status.PENDING
    assert reasons(comment) == ["the same text as a recent comment"]


def test_forwarded_for_is_ignored_unless_proxies_are_trusted(
    settings, client, article, comment_data
):
    post(client, article, comment_data, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    settings.COMMENTS_TRUSTED_PROXIES = 1
    post(
        client,
        article,
        {**comment_data, "comment": "another"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.8, 198.51.100.9",
    )

    assert list(Comment.objects.order_by("pk").values_list("ip_address", flat=True)) == [
        "10.0.0.1",
        "198.51.100.9",
    ]


# Akismet ------------------------------------------------------------------------------------


@pytest.fixture
def fake_akismet(settings):
    """An Akismet stand-in on loopback that answers what the test tells it to."""
    seen = []

    poster = connections["default"]  # the test thread's own connection, which posts

    class Handler(http.server.BaseHTTPRequestHandler):
        answer = b"false"
        # How many transactions the posting connection had open when Akismet was asked.
        depths: list[int] = []

        def do_POST(self):
            Handler.depths.append(len(poster.atomic_blocks))
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            seen.append(parse_qs(body))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(Handler.answer)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.AKISMET_API_KEY = "test-key"
    settings.AKISMET_URL = f"http://127.0.0.1:{server.server_port}/1.1/comment-check"
    yield Handler, seen
    server.shutdown()


def test_akismet_spam_verdict_is_recorded_and_the_email_is_never_sent(
    client, article, comment_data, fake_akismet
):
    handler, seen = fake_akismet
    handler.answer = b"true"

    post(client, article, comment_data)

    comment = Comment.objects.get()
    assert comment.status == Status.SPAM
    assert reasons(comment) == ["Akismet says this is spam"]
    assert seen[0]["comment_content"] == [comment_data["comment"]]
    assert "comment_author_email" not in seen[0]
    assert comment_data["email"] not in str(seen)


def test_akismet_ham_verdict_publishes(client, article, comment_data, fake_akismet):
    post(client, article, comment_data)

    assert Comment.objects.get().status == Status.APPROVED


def test_akismet_is_asked_before_a_post_or_an_edit_takes_any_lock(article, fake_akismet):
    handler, _seen = fake_akismet
    outside = len(connection.atomic_blocks)  # the test's own transaction

    posted = posting.comment_post(
        article=article, body="Which massage gun?", author_name="Sam", author_email="s@x.org"
    )
    editing.comment_edit_own(
        comment=posted, body="Which massage gun for a back?", own_comment_ids=[posted.pk]
    )

    assert handler.depths == [outside, outside]  # neither waited for it under a lock
    posted.refresh_from_db()
    assert posted.body == "Which massage gun for a back?"


def test_a_post_or_edit_refused_anyway_or_repeated_is_not_sent_to_akismet(
    settings, client, article, comment_data, fake_akismet
):
    _handler, seen = fake_akismet
    settings.COMMENTS_RATE_GAP_SECONDS = 15
    first = post(client, article, comment_data)
    assert len(seen) == 1

    double_click = post(client, article, comment_data)
    too_soon = post(client, article, {**comment_data, "comment": "And another thing."})
    gone = make_comment(article, status=Status.REMOVED)
    to_gone = post(client, article, {**comment_data, "parent": gone.pk, "email": "b@x.org"})

    assert double_click["Location"] == first["Location"]
    assert too_soon.status_code == 429
    assert to_gone.status_code == 200 and "not available" in to_gone.content.decode()
    assert len(seen) == 1  # none of them waited for Akismet or spent its quota
    comment = Comment.objects.select_related("article").get(body=comment_data["comment"])
    with pytest.raises(editing.ChangeRefused):  # not this browser's comment
        editing.comment_edit_own(comment=comment, body="Hijacked.", own_comment_ids=[])
    type(comment.article).objects.filter(pk=article.pk).update(comments_open=False)
    comment.article.comments_open = False
    with pytest.raises(ValidationError):
        editing.comment_edit_own(comment=comment, body="Changed.", own_comment_ids=[comment.pk])
    assert len(seen) == 1


def test_an_edit_back_to_the_text_a_stale_copy_holds_is_still_sent_to_akismet(
    article, fake_akismet
):
    handler, seen = fake_akismet
    posted = posting.comment_post(
        article=article, body="First text.", author_name="Sam", author_email="s@x.org"
    )
    stale = Comment.objects.get(pk=posted.pk)
    editing.comment_edit_own(comment=posted, body="Second text.", own_comment_ids=[posted.pk])
    handler.answer = b"true"

    # The copy in hand still says "First text.", the stored comment "Second text.".
    edited = editing.comment_edit_own(
        comment=stale, body="First text.", own_comment_ids=[posted.pk]
    )

    assert len(seen) == 3
    assert edited.body == "First text." and edited.status == Status.SPAM


def test_an_unreachable_akismet_does_not_stop_posting(settings, client, article, comment_data):
    settings.AKISMET_API_KEY = "test-key"
    settings.AKISMET_URL = "http://127.0.0.1:9/unreachable"
    settings.AKISMET_TIMEOUT = 0.5

    assert post(client, article, comment_data).status_code == 302
    assert Comment.objects.get().status == Status.APPROVED


# Hostile names and oversized requests ------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Moderator",
        "MODERATOR",
        "M\u043ederat\u043er",
        "\uff2d\uff4f\uff44",
        "Site Admin",
        "m0derat0r",
    ],
)
def test_a_name_cannot_pass_for_the_sites_staff(client, article, comment_data, name):
    response = post(client, article, {**comment_data, "name": name})

    assert "this one is kept for the site&#x27;s staff" in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ann\u202e\u2066nimda\u2069", "Annnimda"),
        ("Wal\u200bter\u200d", "Walter"),
        ("  Walter   \t Smith ", "Walter Smith"),
    ],
)
def test_invisible_formatting_is_removed_from_names(client, article, comment_data, typed, stored):
    post(client, article, {**comment_data, "name": typed})

    assert Comment.objects.get().author_name == stored


def test_a_name_of_only_invisible_characters_is_refused(client, article, comment_data):
    response = post(client, article, {**comment_data, "name": "\u200b\u202e\u2066"})

    assert "Please enter the name to show with your comment." in response.content.decode()


@pytest.mark.parametrize("field", ["name", "email"])
def test_header_injection_in_name_or_email_is_refused(client, article, comment_data, field):
    value = f"{comment_data[field]}\r\nBcc: victim@example.com"

    response = post(client, article, {**comment_data, field: value})

    assert response.status_code == 200
    assert not Comment.objects.exists()


def test_an_oversized_request_gets_a_clear_page_not_a_crash(client, article, comment_data):
    response = post(client, article, {**comment_data, "comment": "x" * (300 * 1024)})

    assert response.status_code == 413
    assert "too much to send at once" in response.content.decode()
    assert not Comment.objects.exists()
