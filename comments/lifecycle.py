"""What follows every change to a comment, whoever makes it: the log row, the reader's page, mail.

Every service in every area ends its write with these, inside its own transaction, so a change
is always logged, the shared article page is always refreshed (``Article.thread_version`` goes
up in the same transaction) and mail is queued only once the change has committed.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles.models import Article

from . import statement_tasks, tasks
from .models import Comment, ModerationLog

Status = Comment.Status
Action = ModerationLog.Action
# The acts that decide what readers see of a comment: the transparency numbers count these.
DECISIONS = frozenset({Action.APPROVE, Action.SPAM, Action.REMOVE, Action.HIDE})

# The ids of the log rows written inside ``recording()`` (None outside it).
_recorded: ContextVar[list[int] | None] = ContextVar("comments_log_recorded", default=None)


@contextmanager
def recording():
    """Collect the ids of the log rows written inside the block, in order of writing.

    ``with lifecycle.recording() as ids: service(...)``: what one act wrote, for its Undo
    (``moderation/undo.py``). Blocks nest: the innermost one collects.
    """
    ids: list[int] = []
    token = _recorded.set(ids)
    try:
        yield ids
    finally:
        _recorded.reset(token)


def log(
    comment, *, moderator, action, from_status="", to_status="", note="", reason=None
) -> ModerationLog:
    """Write one moderation-log row; ``moderator`` None or anonymous means the site itself.

    A decision (``DECISIONS``) the site took by itself is marked ``automated``; a comment's
    first decision records the seconds since it was posted (``decision_seconds``). A removal
    (to ``removed``) queues its statement of reasons once the transaction commits
    (``statement_tasks``: only if the author left an email; spam never gets one). ``reason``
    is the ``RemovalReason`` a removal cites, or None.
    """
    person = moderator if getattr(moderator, "is_authenticated", False) else None
    row = ModerationLog.objects.create(
        comment=comment,
        moderator=person,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        reason=reason,
        automated=person is None and action in DECISIONS,
        decision_seconds=_first_decision_seconds(comment, action),
    )
    if comment is not None and action == Action.REMOVE and to_status == Status.REMOVED:
        pk = row.pk
        transaction.on_commit(lambda: statement_tasks.queue_statement(pk))
    if (recorded := _recorded.get()) is not None:
        recorded.append(row.pk)
    return row


def _first_decision_seconds(comment, action) -> int | None:
    if comment is None or action not in DECISIONS or comment.created_at is None:
        return None
    if ModerationLog.objects.filter(comment=comment, action__in=DECISIONS).exists():
        return None
    return max(0, int((timezone.now() - comment.created_at).total_seconds()))


def thread_changed(article_ids, *, slugs=None) -> None:
    """Readers of these articles' threads must get a fresh page (call inside the write).
    ``slugs``: theirs, when the caller has them (``ArticleQuerySet.thread_changed``)."""
    Article.objects.thread_changed(article_ids, slugs=slugs)


def status_changed(comment: Comment, *, previous: str | None) -> None:
    """Refresh the thread if readers see a difference; queue what others should hear of.

    ``previous`` is None for a new comment. Placeholders count as a difference: a public
    comment that stops being public may stay in the thread as a placeholder.
    """
    if Status.APPROVED in (comment.status, previous):
        # A comment posted or moderated from its page has its article at hand: no slug query.
        loaded = Comment.article.is_cached(comment)
        thread_changed([comment.article_id], slugs=[comment.article.slug] if loaded else None)
    if comment.status == Status.PENDING and previous != Status.PENDING:
        transaction.on_commit(tasks.notify_moderators.enqueue)
    if comment.status == Status.APPROVED and previous != Status.APPROVED and _may_mail(comment):
        pk = comment.pk
        transaction.on_commit(lambda: tasks.notify_reply.enqueue(pk))


def _may_mail(reply: Comment) -> bool:
    """Whether ``tasks.notify_reply`` may have a mail to send for this reply: False for a
    top-level comment, and for a reply whose answered comment is at hand (a new post) and
    asked for no mail; the task checks the rest when it runs."""
    if not reply.parent_id:
        return False
    answered = "in_reply_to" if reply.in_reply_to_id else "parent"
    at_hand = Comment._meta.get_field(answered).is_cached(reply)
    return not at_hand or getattr(reply, answered).notify_replies


def changed_in_place(
    comment: Comment, *, moderator, action, note: str, readers_see: bool | None = None
) -> ModerationLog:
    """After a change that keeps a comment's status (an edit, a move, new details): refresh
    the thread if readers see it (by default: if the comment is public), and log the change
    with the status as both from and to."""
    if comment.status == Status.APPROVED if readers_see is None else readers_see:
        thread_changed([comment.article_id])
    return log(
        comment,
        moderator=moderator,
        action=action,
        from_status=comment.status,
        to_status=comment.status,
        note=note,
    )


def recompute_depths(article_ids) -> tuple[int, int]:
    """Set ``depth`` and ``root`` again for every comment of these articles, and ``parent``
    where the thread's rules need it; returns (how many comments changed, how many cycles
    were cut).

    For after replies moved in a thread (a moderator's move, an erasure, an import's late
    links): a subtree moves with its top, so every level below it changes too. A reply that
    would sit ``COMMENTS_MAX_DEPTH`` deep or deeper joins its parent's level
    (``Comment.reply_parent``'s rule); comments whose parents form a cycle (only an imported
    file can hold one) become a conversation of their own, from the first of them.
    """
    ids = {pk for pk in article_ids if pk}
    if not ids:
        return 0, 0
    max_depth = settings.COMMENTS_MAX_DEPTH
    rows = list(Comment.objects.filter(article_id__in=ids).only("pk", "parent", "depth", "root"))
    children: dict[int | None, list[Comment]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    changed, reached = [], set()

    def settle(tops):
        stack = [(row, 0, None, None) for row in tops]
        while stack:
            row, depth, grandparent, root = stack.pop()
            reached.add(row.pk)
            parent_id = row.parent_id
            if depth >= max_depth:
                parent_id, depth = grandparent, max_depth - 1
            if (row.depth, row.parent_id, row.root_id) != (depth, parent_id, root):
                row.depth, row.parent_id, row.root_id = depth, parent_id, root
                changed.append(row)
            below = root or row.pk
            stack.extend(
                (child, depth + 1, row.parent_id, below) for child in children.get(row.pk, [])
            )

    settle(children.get(None, []))
    cycles = 0
    for row in rows:
        if row.pk not in reached:
            cycles += 1
            row.parent_id = None
            changed.append(row)
            settle([row])
    Comment.objects.bulk_update(changed, ["depth", "parent", "root"], batch_size=500)
    return len(changed), cycles
