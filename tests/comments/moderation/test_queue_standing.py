"""The queue says where a comment stands now, and keeps why it was held as history.

Hold reasons tell why a comment is held now. Once a moderator (or the site) has decided, the
row shows that decision, who made it and when, with the old reasons below it as history; a
comment hidden again by reader reports shows the reports as the reason of now.
"""

import re
from datetime import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import signed_links
from comments.models import Ban, Comment
from comments.moderation import queues, services
from comments.posting import confirming
from comments.posting import services as posting
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status

# Dates ahead of the article's publication (comments on it are open then).
POSTED = timezone.make_aware(datetime(2030, 3, 2, 9, 30))
APPROVED = timezone.make_aware(datetime(2030, 3, 3, 14, 5))
HIDDEN = timezone.make_aware(datetime(2030, 6, 10, 8, 0))
FIRST = "first comment from this email"


@pytest.fixture(autouse=True)
def _auto_moderation(settings):
    settings.COMMENTS_MODERATION = "auto"
    settings.COMMENTS_REPORT_THRESHOLD = 3


def row_html(client, comment, status: str) -> str:
    html = client.get(f"/moderation/?status={status}").content.decode()
    match = re.search(rf'id="row-{comment.pk}".*?class="queue-actions', html, re.S)
    assert match, f"comment {comment.pk} is not in the {status} queue"
    return " ".join(match[0].split())


def section(html: str, css_class: str) -> str:
    match = re.search(rf'<(div|p) class="{css_class}[^"]*">.*?</\1>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match[0]).split()) if match else ""


def report(comment, *, networks: int):
    """Reports from ``networks`` different /24s (each comment's from networks of its own)."""
    for n in range(networks):
        posting.comment_report(
            comment=comment,
            reason="spam",
            note="",
            reporter=f"browser-{n}",
            ip_address=f"10.{comment.pk % 250}.{n}.7",
        )


@pytest.fixture
def approved_first_comment(post, article, moderator):
    """A first comment, held when posted, approved by a moderator the next day."""
    with time_machine.travel(POSTED, tick=False):
        comment = post(article, email="ann@example.org", name="Ann")
    assert comment.status == Status.PENDING
    with time_machine.travel(APPROVED, tick=False):
        services.comments_approve(comments=[comment], moderator=moderator)
    return comment


def test_a_long_approved_comment_in_the_reported_queue_shows_its_approval_not_a_hold(
    mod_client, approved_first_comment
):
    report(approved_first_comment, networks=1)

    html = row_html(mod_client, approved_first_comment, "reported")

    assert "Why it is held" not in html and "Why it was held" not in html
    assert section(html, "queue-decision") == "Approved by maya on Mar 3, 2030 14:05"
    earlier = section(html, "queue-earlier")
    assert f"Held on Mar 2, 2030 09:30 because: {FIRST}" in earlier


def test_a_comment_hidden_again_by_reports_shows_the_reports_as_the_reason_now(
    mod_client, approved_first_comment
):
    with time_machine.travel(HIDDEN, tick=False):
        report(approved_first_comment, networks=3)
    approved_first_comment.refresh_from_db()
    assert approved_first_comment.status == Status.PENDING

    html = row_html(mod_client, approved_first_comment, "reported")

    now = section(html, "queue-reasons")
    assert now.startswith("Why it is held:")
    assert "reported from 3 networks" in now
    assert FIRST not in now
    assert "Hidden after reader reports on Jun 10, 2030 08:00" in now
    earlier = section(html, "queue-earlier")
    assert "Approved by maya on Mar 3, 2030 14:05" in earlier
    assert f"Held on Mar 2, 2030 09:30 because: {FIRST}" in earlier
    # Newest first: the approval, then the hold at posting.
    assert earlier.index("Approved by maya") < earlier.index("Held on")


def test_a_comment_no_one_has_decided_on_shows_why_it_is_held_and_no_history(
    mod_client, post, article
):
    comment = post(article, email="new@example.org")

    html = row_html(mod_client, comment, "pending")

    assert section(html, "queue-reasons") == f"Why it is held: {FIRST}"
    assert "queue-earlier" not in html
    assert "queue-decision" not in html


def test_a_comment_the_checks_sent_to_spam_says_so(mod_client, post, article):
    Ban.objects.create(kind=Ban.Kind.EMAIL, value="bad@example.org", reason="spam run")
    comment = post(article, email="bad@example.org")
    assert comment.status == Status.SPAM

    html = row_html(mod_client, comment, "spam")

    assert section(html, "queue-reasons").startswith("Why it went to spam:")


def test_an_approval_by_the_commenters_own_link_names_no_moderator(
    mod_client, approved_first_comment, post, article
):
    # A known address from a new browser is held until the link in the mail is used.
    held = post(article, email="ann@example.org", name="Ann")
    assert held.status == Status.PENDING
    token = signed_links.make(signed_links.COMMENTER, email="ann@example.org", comment_id=held.pk)
    confirming.commenter_confirm(token=token)
    report(held, networks=1)

    decision = section(row_html(mod_client, held, "reported"), "queue-decision")

    assert decision.startswith("Approved on ")
    assert decision.endswith(": the commenter confirmed it was them")
    assert " by " not in decision


def test_a_spam_decision_replaces_the_reasons_on_the_comment_page(
    mod_client, moderator, post, article
):
    comment = post(article, email="new@example.org")
    services.comments_mark_spam(comments=[comment], moderator=moderator)

    html = " ".join(mod_client.get(f"/moderation/comment/{comment.pk}/").content.decode().split())

    assert section(html, "queue-decision").startswith("Marked as spam by maya on ")
    assert "Why it is held" not in html
    assert f"because: {FIRST}" in section(html, "queue-earlier")


def queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/moderation/?status=reported").status_code == 200
    return len(queries)


def test_the_reported_queue_takes_the_same_queries_for_1_and_20_rows(
    mod_client, moderator, post, article
):
    def decided_and_reported():
        comment = post(article)
        services.comments_approve(comments=[comment], moderator=moderator)
        services.comments_mark_spam(comments=[comment], moderator=moderator)
        services.comments_restore(comments=[comment], moderator=moderator)
        report(comment, networks=1)
        Comment.objects.filter(pk=comment.pk).update(author_email=f"p{comment.pk}@example.org")

    decided_and_reported()
    one = queue_queries(mod_client)
    for _ in range(19):
        decided_and_reported()
    twenty = queue_queries(mod_client)

    assert one == twenty
    assert len(queues.queue(queues.QueueFilters(status="reported"))) == 20


def test_rows_read_where_every_comment_stood_in_three_queries(moderator, article):
    ids = [make_comment(article, status=Status.PENDING).pk for _ in range(20)]
    services.comments_approve(comments=ids, moderator=moderator)
    comments = list(Comment.objects.filter(pk__in=ids))

    with CaptureQueriesContext(connection) as queries:
        rows = queues.rows(comments)
        decided = [row.current.verb for row in rows]

    assert len(queries) == 3
    assert decided == ["Approved"] * 20
