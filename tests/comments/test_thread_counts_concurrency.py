"""Writers of one thread at the same moment on PostgreSQL: nobody's act fails on the counts.

Each comment write changes its thread's count rows (``thread_counts``), held until the
transaction ends. Without a common order two writers deadlock and one of them gets an
error: a moderator's bulk action, or a reader's post. These scenes were found by a review;
each failed before the counts' trigger locked the article first and the writers of many
comments took the articles in one order (``CommentQuerySet.for_writing``).
"""

import contextlib
import os
import threading
import time

import pytest
from django.db import transaction

from comments import lifecycle
from comments.models import Comment
from comments.moderation import appeals, services
from comments.posting import services as posting
from comments.posting import votes
from tests.comments.test_concurrency import run_together
from tests.comments.test_thread_counts import counted, kept
from tests.conftest import make_article, make_comment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="row locks need PostgreSQL (SQLite serialises all writes anyway)",
    ),
]


def test_two_moderators_acting_on_comments_of_the_same_two_articles(monkeypatch, django_user_model):
    """No comment in common, but one takes article 1 then 2 by id, the other 2 then 1."""
    one, two = make_article(), make_article()
    a1 = make_comment(one, status="pending")
    b2 = make_comment(two, status="pending")
    a2 = make_comment(two, status="pending")
    b1 = make_comment(one, status="pending")
    maya = django_user_model.objects.create_user("maya")
    omar = django_user_model.objects.create_user("omar")
    # Each waits after its first comment until the other has done its first too.
    first_done = threading.Barrier(2, timeout=3)
    original = lifecycle.status_changed
    seen = threading.local()

    def status_changed(comment, *, previous):
        original(comment, previous=previous)
        if not getattr(seen, "once", False):
            seen.once = True
            # Broken when the other is waiting for this one's lock: in order, as it should.
            with contextlib.suppress(threading.BrokenBarrierError):
                first_done.wait()

    monkeypatch.setattr(lifecycle, "status_changed", status_changed)

    run_together(  # raises the first error either act met
        lambda: services.comments_approve(comments=[a1.pk, a2.pk], moderator=maya),
        lambda: services.comments_remove(comments=[b2.pk, b1.pk], moderator=omar),
    )

    assert {c.status for c in Comment.objects.filter(pk__in=[a1.pk, a2.pk])} == {"approved"}
    assert {c.status for c in Comment.objects.filter(pk__in=[b1.pk, b2.pk])} == {"removed"}
    assert kept() == counted()


def test_an_approval_while_reports_hide_another_comment(settings, django_user_model):
    """One statement each on one thread; repeated, as the timing decides."""
    article = make_article()
    maya = django_user_model.objects.create_user("maya")
    settings.COMMENTS_REPORT_THRESHOLD = 1
    for n in range(40):
        held = make_comment(article, status="pending")
        shown = make_comment(article, status="approved")
        run_together(
            lambda held=held: services.comments_approve(comments=[held.pk], moderator=maya),
            lambda shown=shown, n=n: posting.comment_report(
                comment=shown,
                reason="spam",
                note="",
                reporter=f"browser-{n}",
                ip_address=f"10.{n % 250}.1.1",
            ),
        )
    assert kept() == counted()


def test_a_readers_post_while_a_moderator_approves_in_the_same_thread(
    monkeypatch, settings, django_user_model
):
    """The reader's reply arrives between the moderator's two approvals: it waits for the
    moderator's act, then is published, and the moderator's act goes through."""
    settings.COMMENTS_MODERATION = "post"
    article = make_article(moderation="post")
    top = make_comment(article, status="approved")
    held_top = make_comment(article, status="pending")
    held_reply = Comment(article=article, author_name="R", body="Held reply.", status="pending")
    held_reply.place_under(top)
    held_reply.save()
    maya = django_user_model.objects.create_user("maya")
    moderator_first = threading.Event()
    original = lifecycle.status_changed
    moderator = {}

    def status_changed(comment, *, previous):
        original(comment, previous=previous)
        if threading.get_ident() == moderator.get("thread") and not moderator_first.is_set():
            moderator_first.set()
            time.sleep(1.0)  # the reader's post comes in now

    monkeypatch.setattr(lifecycle, "status_changed", status_changed)
    posted = []

    def moderate():
        moderator["thread"] = threading.get_ident()
        services.comments_approve(comments=[held_top.pk, held_reply.pk], moderator=maya)

    def post():
        moderator_first.wait(10)
        posted.append(
            posting.comment_post(
                article=article,
                body="I agree with this.",
                author_name="Reader",
                author_email="reader.x@example.com",
                parent_id=top.pk,
            )
        )

    run_together(moderate, post)

    assert [c.status for c in posted] == ["approved"]
    assert kept() == counted()


def ends_while_held(article, act) -> bool:
    """Whether ``act`` ends while another transaction holds ``article``'s lock (as a post or
    a moderator does while they write its thread), rather than waiting for it to let go."""
    holding, done = threading.Event(), threading.Event()
    seen = []

    def hold():
        with transaction.atomic():
            Comment.objects.lock_articles([article.pk])
            holding.set()
            seen.append(done.wait(5))  # True only if the act ended while this held it

    def run_act():
        holding.wait(5)
        act()
        done.set()

    run_together(hold, run_act)
    return seen == [True]


def test_a_vote_does_not_wait_for_the_writer_holding_its_article():
    """A vote changes no count: it takes no article, so it neither queues behind a moderator
    or a post holding the thread nor joins a deadlock with one."""
    article = make_article()
    comment = make_comment(article)

    assert ends_while_held(
        article,
        lambda: votes.comment_vote_helpful(
            comment=comment, voter="reader-1", ip_address="192.0.2.1"
        ),
    )
    assert Comment.objects.get(pk=comment.pk).helpful_count == 1


@pytest.mark.parametrize("act", ["report", "approve", "appeal"])
def test_a_write_on_one_article_does_not_wait_for_a_writer_of_another(django_user_model, act):
    """Each writer locks only the articles of the comments it writes: acting on one thread
    never queues behind a long write on another."""
    busy, quiet = make_article(), make_article()
    make_comment(busy)
    comment = make_comment(quiet, status="removed" if act == "appeal" else "pending")
    moderator = django_user_model.objects.create_user("maya")
    acts = {
        "report": lambda: posting.comment_report(
            comment=comment, reason="spam", note="", reporter="r", ip_address="192.0.2.1"
        ),
        "approve": lambda: services.comments_approve(comments=[comment.pk], moderator=moderator),
        "appeal": lambda: appeals.appeal_file(comment=comment, text="It was on topic."),
    }

    assert ends_while_held(busy, acts[act])


def test_locking_comments_for_writing_wants_them_chosen_first():
    with pytest.raises(TypeError):
        Comment.objects.for_writing()
