"""Moderators and commenters acting at the same moment leave consistent data (PostgreSQL)."""

import itertools
import os
import threading

import pytest
from django.db import connection

from comments.models import Comment, ModerationLog
from comments.moderation import services
from comments.posting import services as posting
from tests.conftest import make_article, make_comment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="row locks need PostgreSQL (SQLite serialises all writes anyway)",
    ),
]


def run_together(*functions):
    """Run the functions in threads released at the same instant; re-raise any error."""
    barrier = threading.Barrier(len(functions))
    errors = []

    def run(function):
        try:
            barrier.wait()
            function()
        except Exception as error:  # handed back to the test
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection: let it go

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    if errors:
        raise errors[0]


def test_two_moderators_acting_on_one_comment_leave_a_consistent_log(django_user_model):
    comment = make_comment(make_article(), status=Comment.Status.PENDING)
    maya = django_user_model.objects.create_user("maya")
    omar = django_user_model.objects.create_user("omar")

    for _ in range(5):
        run_together(
            lambda: services.comments_approve(comments=[comment.pk], moderator=maya),
            lambda: services.comments_remove(comments=[comment.pk], moderator=omar),
        )

    # The status changes (a removal's statement of reasons is logged too, with no status).
    log = list(ModerationLog.objects.exclude(to_status="").order_by("created_at", "pk"))
    # Each entry starts where the one before it ended: no change was based on a stale status.
    assert log[0].from_status == "pending"
    for before, after in itertools.pairwise(log):
        assert after.from_status == before.to_status
    assert Comment.objects.get(pk=comment.pk).status == log[-1].to_status


def test_concurrent_posts_and_moderation_lose_no_comment(settings, django_user_model):
    settings.COMMENTS_MODERATION = "pre"
    article = make_article()
    moderator = django_user_model.objects.create_user("maya")

    def post(n):
        return lambda: [
            posting.comment_post(
                article=article,
                body=f"Comment {n}-{i}",
                author_name="Reader",
                author_email=f"r{n}@example.com",
            )
            for i in range(10)
        ]

    def approve_all():
        for _ in range(10):
            pending = list(Comment.objects.filter(status="pending").values_list("pk", flat=True))
            services.comments_approve(comments=pending, moderator=moderator)

    run_together(post(1), post(2), post(3), approve_all)

    assert Comment.objects.count() == 30
    assert (
        ModerationLog.objects.filter(action="approve").count()
        == Comment.objects.filter(status="approved").count()
    )
