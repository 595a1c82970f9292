"""A post and another write at the same moment on PostgreSQL (SQLite runs one write at a time).

A double click sends the same post twice at once: it must post once and land both requests
on the comment, never on the rate limit. A reply must be placed under its comment as that
comment is when the reply is saved: a moderator's removal, move or an erasure happens wholly
before (the reply is refused with its text kept, or follows the move) or wholly after. A
review found each of these failing (two comments, a "slow down" page, a reply no page showed,
an error that lost the text).
"""

import os
import threading
import time

import pytest
from django.core.exceptions import ValidationError

from comments import lifecycle
from comments.identity import commenter_key
from comments.models import Comment
from comments.moderation import services as moderation
from comments.posting import services
from tests.comments.test_concurrency import run_together
from tests.conftest import make_comment

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="two transactions at once need PostgreSQL (SQLite runs one write at a time)",
    ),
]
Status = Comment.Status


def post(article, body="Which massage device helps with lower back pain?", n=0, **fields):
    """A post from the browser that has proved its address (its double click is recognised);
    ``n`` picks another reader (address and IP)."""
    email = f"walter{n}@example.com"
    return services.comment_post(
        article=article,
        body=body,
        author_name="Walter",
        author_email=email,
        ip_address=f"203.0.113.{n + 1}",
        commenter_keys=[commenter_key(email)],
        **fields,
    )


def test_a_double_click_posts_once_and_both_clicks_land_on_the_comment(settings, article):
    settings.COMMENTS_MODERATION = "post"
    settings.COMMENTS_RATE_GAP_SECONDS = 15  # the second click must not meet it
    for n in range(6):  # a new reader each round
        landed = []

        def click(n=n, landed=landed):
            landed.append(post(article, n=n).pk)

        run_together(click, click)
        assert Comment.objects.filter(author_email=f"walter{n}@example.com").count() == 1
        assert len(landed) == 2 and len(set(landed)) == 1


def act_during_the_post(monkeypatch, act, *, first: str):
    """Run ``act`` in another connection while a reply is being posted: ``first`` says who
    holds the comment first, the post (the act waits for it) or the act (the post waits)."""
    started = threading.Event()
    if first == "post":
        original = services._has_public_comment  # read after the reply's target is locked

        def reading(email):
            started.set()
            time.sleep(0.5)  # the act starts now and must wait for this post
            return original(email)

        monkeypatch.setattr(services, "_has_public_comment", reading)
    else:
        original = lifecycle.log

        def logging(*args, **kwargs):
            row = original(*args, **kwargs)
            started.set()
            time.sleep(0.5)  # the post starts now and must wait for this act
            return row

        monkeypatch.setattr(lifecycle, "log", logging)
    return started


@pytest.mark.parametrize("first", ["post", "act"])
def test_a_reply_while_a_moderator_removes_its_comment(
    monkeypatch, article, django_user_model, first
):
    moderator = django_user_model.objects.create_user("maya")
    parent = make_comment(article)
    started = act_during_the_post(monkeypatch, None, first=first)
    outcome = []

    def reply():
        if first == "act":
            started.wait(5)
        try:
            outcome.append(post(article, parent_id=parent.pk, body="A reply."))
        except ValidationError as refused:
            outcome.append(refused)

    def remove():
        if first == "post":
            started.wait(5)
        moderation.comments_remove(comments=[parent.pk], moderator=moderator)

    run_together(reply, remove)

    parent.refresh_from_db()
    assert parent.status == Status.REMOVED
    if first == "post":  # posted before the removal: a reply under a removed comment
        assert isinstance(outcome[0], Comment) and outcome[0].parent_id == parent.pk
    else:  # the comment was removed first: refused, with the words the form shows
        assert isinstance(outcome[0], ValidationError)
        assert "Your text is kept below" in str(outcome[0])


def test_a_reply_while_its_comment_is_erased_is_refused_not_an_error(monkeypatch, article):
    from comments.privacy import services as privacy

    parent = make_comment(article, author_email="leaving@example.com")
    started = act_during_the_post(monkeypatch, None, first="act")
    outcome = []

    def reply():
        started.wait(5)
        try:
            outcome.append(post(article, parent_id=parent.pk, body="A reply."))
        except ValidationError as refused:
            outcome.append(refused)

    run_together(
        reply,
        lambda: privacy.commenter_erase(email="leaving@example.com", actor_description="test"),
    )

    assert isinstance(outcome[0], ValidationError)
    assert not Comment.objects.filter(body="A reply.").exists()


def test_a_reply_while_its_comment_is_moved_joins_the_comments_new_conversation(
    monkeypatch, article, django_user_model
):
    moderator = django_user_model.objects.create_user("maya")
    first_top = make_comment(article)
    target = make_comment(article)
    started = act_during_the_post(monkeypatch, None, first="act")
    replies = []

    def reply():
        started.wait(5)
        replies.append(post(article, parent_id=target.pk, body="A reply to the second."))

    run_together(
        reply,
        lambda: moderation.comment_move(comment=target, parent=first_top, moderator=moderator),
    )

    target.refresh_from_db()
    reply_row = Comment.objects.get(pk=replies[0].pk)
    assert target.root_id == first_top.pk
    assert (reply_row.root_id, reply_row.depth) == (first_top.pk, target.depth + 1)


@pytest.mark.parametrize("other", ["reply", "removal"])
def test_a_reply_deep_in_a_conversation_and_a_write_on_its_top_both_go_through(
    monkeypatch, article, django_user_model, other
):
    """PostgreSQL checks a new reply's links to its comments (its parent, its conversation's
    top) as it commits, after the reply has taken its article. Another writer that locked the
    top first and waits for the article must not hold the top against that check: each would
    wait for the other, and one of them failed with an error (a post's text lost). A run of
    the posting benchmark met it."""
    moderator = django_user_model.objects.create_user("maya")
    top = make_comment(article)
    middle = make_comment(article, parent=top)
    saved = threading.Event()
    original = lifecycle.status_changed

    def changed(comment, **kwargs):
        original(comment, **kwargs)
        if comment.body == "Deep reply.":
            saved.set()  # the reply holds its article now; the other writer starts
            time.sleep(0.5)

    monkeypatch.setattr(lifecycle, "status_changed", changed)
    deep = []

    def reply_deep():
        deep.append(post(article, parent_id=middle.pk, body="Deep reply."))

    def write_on_top():
        saved.wait(5)
        if other == "reply":
            post(article, n=1, parent_id=top.pk, body="A reply to the top.")
        else:
            moderation.comments_remove(comments=[top.pk], moderator=moderator)

    run_together(reply_deep, write_on_top)

    assert Comment.objects.get(pk=deep[0].pk).root_id == top.pk
    if other == "reply":
        assert Comment.objects.filter(body="A reply to the top.", parent=top).exists()
    else:
        assert Comment.objects.get(pk=top.pk).status == Status.REMOVED
