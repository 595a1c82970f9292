"""Editors' picks: moderators mark a comment worth reading first (a clinician's answer).

The registry's "pick" and "unpick" actions (``actions.py``) call these. A pick is an approved
comment with ``picked_at`` set; it appears in the "Editors' picks" strip above its thread and
carries an "Editors' pick" mark in the thread, for as long as it stays public. Each change is
logged (``ModerationLog.Action.PICK`` / ``UNPICK``) and raises the thread's version, like every
change readers see (``lifecycle.changed_in_place``).
"""

from django.db import transaction
from django.utils import timezone

from .. import lifecycle
from ..models import Comment, ModerationLog

Status = Comment.Status
Action = ModerationLog.Action


def _locked(comments) -> list[Comment]:
    ids = [c.pk if isinstance(c, Comment) else int(c) for c in comments]
    return list(Comment.objects.filter(pk__in=ids).for_writing())


def comments_pick(*, comments, moderator, note: str = "") -> int:
    """Make the approved ones of ``comments`` (ids or comments) editors' picks, now.

    Returns how many became picks; a comment already picked, or not approved, is left alone.
    """
    changed = 0
    with transaction.atomic():
        for comment in _locked(comments):
            if comment.picked_at is not None or comment.status != Status.APPROVED:
                continue
            comment.picked_at = timezone.now()
            comment.save(update_fields=["picked_at", "updated_at"])
            lifecycle.changed_in_place(comment, moderator=moderator, action=Action.PICK, note=note)
            changed += 1
    return changed


def comments_unpick(*, comments, moderator, note: str = "") -> int:
    """Take ``comments`` (ids or comments) out of the editors' picks, whatever their status.

    Returns how many were picks. Readers see the change only for a public comment, so only
    then is the thread refreshed.
    """
    changed = 0
    with transaction.atomic():
        for comment in _locked(comments):
            if comment.picked_at is None:
                continue
            comment.picked_at = None
            comment.save(update_fields=["picked_at", "updated_at"])
            lifecycle.changed_in_place(
                comment, moderator=moderator, action=Action.UNPICK, note=note
            )
            changed += 1
    return changed
