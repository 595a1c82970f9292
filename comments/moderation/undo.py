"""Undo: a moderator takes back a status change they made a few minutes ago.

Every status change a moderator makes (the queue's buttons and bulk actions, the comment page,
the article page, the admin's actions and status field) answers with a message that carries an
"Undo" button for ``UNDO_MINUTES``. The button posts the ids of the log rows that one act wrote
(``recording()`` collects them); ``comments_undo`` puts each comment back to the status the
row says it had before, if nothing has changed it since, and logs that as ``UNDO`` with a note
naming the undone row. Nobody undoes someone else's decision, nor their own after the window.
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib import messages
from django.db import transaction
from django.db.models import F, Max, OuterRef, Subquery
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .. import lifecycle
from ..models import Comment, ModerationLog
from .forms import parse_id

Action = ModerationLog.Action

# How long a moderator may take back a status change: one constant, read everywhere.
UNDO_MINUTES = 10
UNDO_WINDOW = timedelta(minutes=UNDO_MINUTES)
# The form field that carries the log row ids, comma-separated.
LOGS_FIELD = "logs"


@contextmanager
def recording():
    """``with undo.recording() as ids:``: the log row ids the block's services wrote."""
    with lifecycle.recording() as ids:
        yield ids


def _status_changes():
    """Log rows that moved a comment from one status to another (what Undo can take back)."""
    return (
        ModerationLog.objects.exclude(from_status="")
        .exclude(to_status="")
        .exclude(from_status=F("to_status"))
        .filter(comment__isnull=False)
    )


def undone_rows(*, since):
    """A queryset of the ids (``values("undone")``) of the log rows an ``UNDO`` written at or
    after ``since`` took back, usable as a subquery (``pk__in=``).

    An undo applies only to a comment's newest status change, so the row it took back is
    the status change on that comment just before the ``UNDO`` row.
    """
    previous = (
        _status_changes()
        .filter(comment_id=OuterRef("comment_id"), pk__lt=OuterRef("pk"))
        .order_by("-pk")
        .values("pk")[:1]
    )
    return (
        ModerationLog.objects.filter(action=Action.UNDO, created_at__gte=since)
        .annotate(undone=Subquery(previous))
        .filter(undone__isnull=False)  # NOT IN a set with NULL would exclude everything
        .order_by()
        .values("undone")
    )


def undoable(log_ids, *, moderator, now=None) -> list[int]:
    """Of ``log_ids``, the status changes ``moderator`` made within the window (sorted ids)."""
    now = now or timezone.now()
    ids = [int(pk) for pk in log_ids]
    if not ids or not getattr(moderator, "is_authenticated", False):
        return []
    return sorted(
        _status_changes()
        .filter(pk__in=ids, moderator=moderator, created_at__gt=now - UNDO_WINDOW)
        .exclude(action=Action.UNDO)
        .values_list("pk", flat=True)
    )


@dataclass(slots=True)
class UndoResult:
    """What ``comments_undo`` did: comments put back, and those it left alone and why."""

    undone: list[int] = field(default_factory=list)  # comment ids put back
    changed_since: list[int] = field(default_factory=list)  # decided again since: left alone
    refused: int = 0  # rows not the moderator's, past the window, or no status change


def parse_ids(raw: str) -> list[int]:
    """The ids a form's ``logs`` field names ("12,13,14"); anything else is ignored."""
    return [pk for part in raw.split(",") if (pk := parse_id(part)) is not None][:10_000]


@transaction.atomic
def comments_undo(*, log_ids, moderator, now=None) -> UndoResult:
    """Put each comment a log row changed back to the row's ``from_status``.

    Only rows of ``moderator``'s own status changes written less than ``UNDO_MINUTES`` ago
    count (others are ``refused``); a comment whose status was changed again since (by anyone,
    or by an earlier undo) is left as it is (``changed_since``). Each undo is a status change
    through ``lifecycle`` (log row ``UNDO`` naming the undone row, the thread refreshed, mail
    queued as for any change), in one transaction with the comments locked.
    """
    wanted = {int(pk) for pk in log_ids}
    rows = list(
        _status_changes()
        .filter(pk__in=undoable(wanted, moderator=moderator, now=now))
        .order_by("-pk")
    )
    result = UndoResult(refused=len(wanted) - len(rows))
    if not rows:
        return result
    comment_ids = {row.comment_id for row in rows}
    comments = {
        comment.pk: comment for comment in Comment.objects.filter(pk__in=comment_ids).for_writing()
    }
    latest = dict(
        _status_changes()
        .filter(comment_id__in=comment_ids)
        .order_by()
        .values("comment_id")
        .annotate(last=Max("pk"))
        .values_list("comment_id", "last")
    )
    for row in rows:  # newest first: of two rows on one comment, only the newer can apply
        comment = comments.get(row.comment_id)
        if comment is None or comment.pk in (*result.undone, *result.changed_since):
            continue
        if latest.get(comment.pk) != row.pk or comment.status != row.to_status:
            result.changed_since.append(comment.pk)
            continue
        previous = comment.status
        comment.status = row.from_status
        comment.save(update_fields=["status", "updated_at"])
        lifecycle.log(
            comment,
            moderator=moderator,
            action=Action.UNDO,
            from_status=previous,
            to_status=comment.status,
            note=_("undid log entry #%(id)s (%(action)s)")
            % {"id": row.pk, "action": row.get_action_display()},
        )
        lifecycle.status_changed(comment, previous=previous)
        result.undone.append(comment.pk)
    return result


def result_message(result: UndoResult) -> tuple[int, str]:
    """What the moderator is told after an Undo: (message level, text)."""
    parts = []
    if result.undone:
        parts.append(
            _("Undone: %(count)d comment(s) put back as they were.") % {"count": len(result.undone)}
        )
    if result.changed_since:
        parts.append(
            _("%(count)d comment(s) changed since (%(ids)s): left as they are now.")
            % {
                "count": len(result.changed_since),
                "ids": ", ".join(f"#{pk}" for pk in sorted(result.changed_since)),
            }
        )
    if result.refused and not result.undone and not result.changed_since:
        parts.append(
            _(
                "This can no longer be undone: a decision can be undone for %(minutes)d "
                "minutes, by the moderator who made it."
            )
            % {"minutes": UNDO_MINUTES}
        )
    level = messages.SUCCESS if result.undone else messages.WARNING
    return level, " ".join(parts) or _("Nothing to undo.")


def offer(request, text, log_ids, *, next_url: str, level=messages.SUCCESS) -> None:
    """Tell the moderator ``text``, with an "Undo" button if ``log_ids`` hold status changes
    of theirs.

    The button is a small POST form (it works without JavaScript) built with ``format_html``:
    every value in it is escaped. ``next_url`` is where the undo returns to.
    """
    ids = undoable(log_ids, moderator=request.user)
    if not ids:
        messages.add_message(request, level, text)
        return
    button = format_html(
        '{text} <form method="post" action="{action}" class="undo-form d-inline">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
        '<input type="hidden" name="{field}" value="{ids}">'
        '<input type="hidden" name="next" value="{next}">'
        '<button type="submit" class="btn btn-sm btn-outline-dark undo-button">{label}</button>'
        ' <span class="small">{window}</span></form>',
        text=text,
        action=reverse("moderation:undo"),
        csrf=get_token(request),
        field=LOGS_FIELD,
        ids=",".join(str(pk) for pk in ids),
        next=next_url,
        label=_("Undo"),
        window=_("(for %(minutes)d minutes)") % {"minutes": UNDO_MINUTES},
    )
    messages.add_message(request, level, button)
