"""Every reply names the top of its conversation (``Comment.root``), whatever wrote or moved
it: posting, a moderator's move, an erasure that keeps other people's replies, an import whose
replies come before their parents, and the migration that filled it for stored comments. The
thread's pages rely on it to find placeholders and conversations."""

import importlib

import pytest
from django.apps import apps

from comments.importers import services
from comments.importers.services import import_file
from comments.models import Comment
from comments.moderation.services import comment_move
from comments.privacy.services import commenter_erase
from tests.comments.importers.test_batches import chain as chain_of
from tests.comments.importers.test_batches import export, item
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db

fill_roots = importlib.import_module("comments.migrations.0021_conversation_root").fill_roots


def top_of(comment: Comment) -> int | None:
    """The top-level comment above ``comment``, by walking its parents (None for a top)."""
    pk, parent_id = comment.pk, comment.parent_id
    while parent_id is not None:
        pk, parent_id = Comment.objects.values_list("pk", "parent_id").get(pk=parent_id)
    return None if pk == comment.pk else pk


def assert_roots_follow_parents():
    comments = list(Comment.objects.all())
    assert comments
    for comment in comments:
        assert comment.root_id == top_of(comment), comment.pk


def chain(article, length: int, **fields) -> list[Comment]:
    made = [make_comment(article, **fields)]
    for _ in range(length - 1):
        answered = made[-1]
        made.append(make_comment(article, parent=answered.reply_parent(), in_reply_to=answered))
    return made


def test_posted_replies_at_every_depth_name_their_conversation(article):
    first, second = chain(article, 8), chain(article, 3)

    assert_roots_follow_parents()
    assert {c.root_id for c in first[1:]} == {first[0].pk}
    assert {c.root_id for c in second[1:]} == {second[0].pk}


def test_the_migration_fills_the_roots_of_stored_comments(article):
    chain(article, 7)
    chain(article, 2)
    Comment.objects.update(root=None)

    fill_roots(apps, None)

    assert_roots_follow_parents()


def test_a_moved_conversation_takes_its_replies_into_the_new_one(article, django_user_model):
    moderator = django_user_model.objects.create_superuser("mod", "m@example.com", "x")
    first, second = chain(article, 2), chain(article, 3)

    comment_move(comment=second[0], parent=first[1], moderator=moderator)
    assert_roots_follow_parents()
    assert Comment.objects.get(pk=second[2].pk).root_id == first[0].pk

    comment_move(comment=second[0], parent=None, moderator=moderator)
    assert_roots_follow_parents()


def test_erasing_a_conversations_author_keeps_the_replies_of_others_whole(article):
    top = make_comment(article, author_email="leaving@example.com")
    reply = make_comment(article, parent=top, in_reply_to=top)
    deeper = make_comment(article, parent=reply, in_reply_to=reply)

    commenter_erase(email="leaving@example.com", actor_description="test")

    assert set(Comment.objects.values_list("pk", flat=True)) == {reply.pk, deeper.pk}
    assert_roots_follow_parents()
    assert Comment.objects.get(pk=deeper.pk).root_id == reply.pk


@pytest.mark.parametrize("batch", [1, 10_000])
def test_an_import_whose_replies_come_before_their_parents_links_whole_conversations(
    tmp_path, monkeypatch, batch
):
    path = export(
        tmp_path,
        item("heart", 1, [*chain_of(1, 8), (20, 0), (21, 20), (22, 3)]),
        item("heart", 3, [*chain_of(40, 4, parent=8), (50, 21), (51, 60), (52, 51)]),
        item("heart", 4, [(60, 0), (61, 51)]),  # 60 comes after the replies to it
        item("sleep", 5, chain_of(70, 7)),  # parents first: nothing linked late here
    )
    monkeypatch.setattr(services, "BATCH_COMMENTS", batch)

    import_file(path)

    assert Comment.objects.count() == 27
    assert_roots_follow_parents()
    assert Comment.objects.get(source_id="52").root.source_id == "60"
