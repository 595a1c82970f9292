"""Readers and moderators writing at once on PostgreSQL, in random mixes: whatever the mix,
nobody's act fails with a database error (a deadlock, a broken link), and the counts the
database keeps still match the comments.

Each scene that deadlocked so far was found one at a time (by a review, by the posting
benchmark) and has its own test; this one looks for the kind: posts and replies at any depth,
moderators' bulk actions across two articles, moves, reports, votes and picks, four writers
at a time, each round a different mix (the seed is printed with a failure).
"""

import functools
import os
import random
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from comments import lifecycle, ratelimit
from comments.identity import commenter_key
from comments.models import Comment
from comments.moderation import picks
from comments.moderation import services as moderation
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

# What an act may answer besides success: refusals the product shows as messages.
REFUSALS = (
    ValidationError,
    ratelimit.RateLimited,
    posting.AlreadyReported,
    votes.AlreadyVoted,
    votes.NotVotable,
)
WRITERS, ACTS, ROUNDS = 4, 10, 15


def act(rng: random.Random, articles, moderator, writer: int, n: int) -> None:
    """One random write by a reader or a moderator on the comments there are now."""
    article = rng.choice(articles)
    ids = list(Comment.objects.filter(article__in=articles).values_list("pk", flat=True))
    some = rng.sample(ids, k=min(len(ids), rng.randint(1, 3)))
    kind = rng.choice(["post", "reply", "reply", "moderate", "move", "report", "vote", "pick"])
    if kind in {"post", "reply"}:
        target = Comment.objects.filter(pk=some[0]).first() if kind == "reply" else None
        email = f"mix{rng.randrange(3)}@example.com"  # a few readers, each posting often
        posting.comment_post(
            article=target.article if target else article,
            body=f"Writer {writer}, act {n}: which massage device helps?",
            author_name=f"Writer {writer}",
            author_email=email,
            ip_address=f"198.51.100.{rng.randrange(3)}",
            parent_id=target.pk if target else None,
            commenter_keys=[commenter_key(email)],
        )
    elif kind == "moderate":
        action = rng.choice(
            [moderation.comments_approve, moderation.comments_remove, moderation.comments_restore]
        )
        action(comments=some, moderator=moderator)
    elif kind == "move":
        comment = Comment.objects.get(pk=some[0])
        under = Comment.objects.filter(article_id=comment.article_id).order_by("?").first()
        parent = None if under is None or under.pk == comment.pk else under
        moderation.comment_move(comment=comment, parent=parent, moderator=moderator)
    elif kind == "report":
        posting.comment_report(
            comment=Comment.objects.get(pk=some[0]),
            reason="spam",
            note="",
            reporter=f"session:{writer}-{n}",
            ip_address=f"192.0.2.{writer * 20 + n}",
        )
    elif kind == "vote":
        votes.comment_vote_helpful(
            comment=Comment.objects.get(pk=some[0]),
            voter=f"voter-{writer}-{n}",
            ip_address=f"203.0.113.{writer * 20 + n}",
        )
    else:
        picks.comments_pick(comments=some, moderator=moderator)


@pytest.mark.parametrize("cache", ["configured", "database"])
def test_random_mixes_of_writers_meet_no_database_error(
    monkeypatch, settings, django_user_model, cache
):
    """``cache``: the tests' cache, or the database cache production uses without Redis,
    whose rate-limit counts are rows written in the post's transaction."""
    if cache == "database":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.db.DatabaseCache",
                "LOCATION": "test_mix_cache",
            }
        }
        call_command("createcachetable", verbosity=0)
    settings.COMMENTS_MODERATION = "post"
    settings.COMMENTS_RATE_GAP_SECONDS = 0
    settings.COMMENTS_RATE_PER_HOUR = 1_000_000
    settings.COMMENTS_REPORT_THRESHOLD = 2
    moderator = django_user_model.objects.create_user("maya", is_staff=True)
    articles = [make_article(), make_article()]
    for article in articles:
        top = make_comment(article)
        make_comment(article, parent=make_comment(article, parent=top))
    seed = random.randrange(2**32)
    # Each write holds its locks a little longer after its first change, so the writers'
    # transactions overlap as a busy site's do.
    changed = lifecycle.status_changed

    def status_changed(comment, **kwargs):
        changed(comment, **kwargs)
        time.sleep(0.01)

    monkeypatch.setattr(lifecycle, "status_changed", status_changed)
    failures = []

    def writer(number: int, rng: random.Random):
        for n in range(ACTS):
            try:
                act(rng, articles, moderator, number, n)
            except REFUSALS:
                pass
            except Exception as error:  # a database error: what this test looks for
                failures.append(f"writer {number}, act {n}: {type(error).__name__}: {error}")

    for round_ in range(ROUNDS):
        rngs = [random.Random(f"{seed}-{round_}-{w}") for w in range(WRITERS)]
        run_together(*(functools.partial(writer, w, rng) for w, rng in enumerate(rngs)))
        assert not failures, f"seed {seed}, round {round_}: {failures}"
    assert kept() == counted()
