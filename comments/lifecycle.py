"""What follows every change to a comment, whoever makes it: the log row, the reader's page, mail.

Every service in every area ends its write with these, inside its own transaction, so a change
is always logged, the shared article page is always refreshed (``Article.thread_version`` goes
up in the same transaction) and mail is queued only once the change has committed.
"""

from django.db import transaction

from articles.models import Article

from . import tasks
from .models import Comment, ModerationLog

Status = Comment.Status


def log(comment, *, moderator, action, from_status="", to_status="", note="") -> ModerationLog:
    """Write one moderation-log row; ``moderator`` None or anonymous means the site itself."""
    return ModerationLog.objects.create(
        comment=comment,
        moderator=moderator if getattr(moderator, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def thread_changed(article_ids) -> None:
    """Readers of these articles' threads must get a fresh page (call inside the write)."""
    Article.objects.thread_changed(article_ids)


def status_changed(comment: Comment, *, previous: str | None) -> None:
    """Refresh the thread if readers see a difference; queue what others should hear of.

    ``previous`` is None for a new comment. Placeholders count as a difference: a public
    comment that stops being public may stay in the thread as a placeholder.
    """
    if Status.APPROVED in (comment.status, previous):
        thread_changed([comment.article_id])
    if comment.status == Status.PENDING and previous != Status.PENDING:
        transaction.on_commit(tasks.notify_moderators.enqueue)
    if comment.status == Status.APPROVED and previous != Status.APPROVED and comment.parent_id:
        pk = comment.pk
        transaction.on_commit(lambda: tasks.notify_reply.enqueue(pk))


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


def recompute_depths(article_ids) -> int:
    """Set ``depth`` again for every comment of these articles; returns how many changed.

    For after replies moved in a thread (a moderator's move, an erasure): a subtree moves
    with its root, so every level below it changes too.
    """
    ids = {pk for pk in article_ids if pk}
    if not ids:
        return 0
    rows = list(Comment.objects.filter(article_id__in=ids).only("pk", "parent", "depth"))
    children: dict[int | None, list[Comment]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    changed = []
    stack = [(row, 0) for row in children.get(None, [])]
    while stack:
        row, depth = stack.pop()
        if row.depth != depth:
            row.depth = depth
            changed.append(row)
        stack.extend((child, depth + 1) for child in children.get(row.pk, []))
    Comment.objects.bulk_update(changed, ["depth"])
    return len(changed)
