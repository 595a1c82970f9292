"""The one registry of moderation actions.

Each action says what it is called, what it says when done, its keyboard key, the service that
carries it out, the status it sets and the comments it is offered for (its service leaves alone
a comment it does not apply to: approving an approved comment changes nothing and is not
counted). The queue's buttons and bulk actions, the comment page, the keyboard help,
``moderation:act`` and the admin's actions and status field are all read from ``REGISTRY``: a
new action is one entry here, its service in ``services.py`` and, if it writes a new kind of
log row, a ``ModerationLog.Action`` choice (a migration).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import Comment
from . import picks, services

Status = Comment.Status
ALL_STATUSES = frozenset(Status.values)
THE_COMMENT_BY = _(" the comment by")


@dataclass(frozen=True, slots=True)
class ModerationAction:
    code: str
    label: Promise  # the button: "Approve"
    done: Promise  # after the count: "3 comments approved."
    service: Callable[..., int]  # service(comments=[ids], moderator=user, note="") -> changed
    statuses: frozenset[str]  # the statuses of the comments it is offered for
    to_status: str = ""  # the status it sets, for actions that set one
    key: str = ""  # the keyboard shortcut in the queue ("" for none)
    help: Promise | str = ""  # the keyboard help: "approve the current comment"
    needs_open_reports: bool = False
    style: str = "btn-outline-secondary"
    # What the button says to a screen reader after its label, before the author's name.
    object_phrase: Promise | str = THE_COMMENT_BY
    # In the queue (row buttons, bulk bar) and on the comment page; False: the admin only.
    on_rows: bool = True
    # A further test of the comment beyond its status (e.g. "not picked yet"); None: none.
    offered_if: Callable[[Comment], bool] | None = None
    # Offered with a removal reason and a note for the commenter (the service takes
    # ``reason=`` and ``note=``; forms.removal_choice reads them from the request).
    asks_reason: bool = False

    def done_message(self, changed: int) -> str:
        """What the moderator is told afterwards: "3 comments approved." """
        return ngettext("%(count)d comment %(done)s.", "%(count)d comments %(done)s.", changed) % {
            "count": changed,
            "done": self.done,
        }

    def applies_to(self, comment: Comment, *, open_reports: int = 0) -> bool:
        """Whether a moderator is offered this action for ``comment``."""
        if self.needs_open_reports and not open_reports:
            return False
        if self.offered_if is not None and not self.offered_if(comment):
            return False
        return comment.status in self.statuses


REGISTRY: tuple[ModerationAction, ...] = (
    ModerationAction(
        code="approve",
        label=_("Approve"),
        done=_("approved"),
        help=_("approve the current comment"),
        key="a",
        service=services.comments_approve,
        statuses=ALL_STATUSES - {Status.APPROVED},
        to_status=Status.APPROVED,
        style="btn-success",
    ),
    ModerationAction(
        code="spam",
        label=_("Spam"),
        done=_("marked as spam"),
        help=_("mark it as spam"),
        key="s",
        service=services.comments_mark_spam,
        statuses=ALL_STATUSES - {Status.SPAM},
        to_status=Status.SPAM,
        style="btn-warning",
        object_phrase=_(": the comment by"),
    ),
    ModerationAction(
        code="remove",
        label=_("Remove"),
        done=_("removed"),
        help=_("remove it"),
        key="r",
        service=services.comments_remove,
        statuses=ALL_STATUSES - {Status.REMOVED},
        to_status=Status.REMOVED,
        style="btn-danger",
        asks_reason=True,
    ),
    ModerationAction(
        code="restore",
        label=_("Restore"),
        done=_("restored"),
        help=_("restore it (spam and removed queues)"),
        key="u",
        service=services.comments_restore,
        statuses=frozenset({Status.SPAM, Status.REMOVED}),
    ),
    ModerationAction(
        code="dismiss",
        label=_("Keep, dismiss reports"),
        done=_("kept, reports dismissed"),
        help=_("keep it and dismiss its reports (reported queue)"),
        key="d",
        service=services.comments_dismiss_reports,
        statuses=ALL_STATUSES,
        needs_open_reports=True,
        style="btn-outline-success",
        object_phrase=_(" on the comment by"),
    ),
    ModerationAction(
        code="pick",
        label=_("Editors' pick"),
        done=_("made editors' picks"),
        service=picks.comments_pick,
        statuses=frozenset({Status.APPROVED}),
        style="btn-outline-success",
        object_phrase=_(": the comment by"),
        offered_if=lambda comment: comment.picked_at is None,
    ),
    ModerationAction(
        code="unpick",
        label=_("No longer a pick"),
        done=_("no longer editors' picks"),
        service=picks.comments_unpick,
        statuses=ALL_STATUSES,
        object_phrase=_(": the comment by"),
        offered_if=lambda comment: comment.picked_at is not None,
    ),
    ModerationAction(
        code="ban_authors",
        label=_("Ban the author, remove all their comments"),
        done=_("removed, their authors banned"),
        service=services.comments_ban_authors,
        statuses=ALL_STATUSES,
        style="btn-outline-danger",
        on_rows=False,
    ),
)
BY_CODE = {action.code: action for action in REGISTRY}


def get(code: str) -> ModerationAction | None:
    return BY_CODE.get(code)


def setting_status(status: str) -> ModerationAction | None:
    """The action that puts a comment in ``status`` (the admin form's status field)."""
    return next((action for action in REGISTRY if action.to_status == status), None)


def for_comment(comment: Comment, *, open_reports: int = 0) -> list[ModerationAction]:
    """The row actions a moderator is offered for ``comment``, in registry order."""
    return [
        action
        for action in REGISTRY
        if action.on_rows and action.applies_to(comment, open_reports=open_reports)
    ]


def for_any(offered_per_comment) -> list[ModerationAction]:
    """The bulk bar's actions: those offered for at least one of the comments, each item of
    ``offered_per_comment`` being what ``for_comment`` offers one comment; in registry order.
    (The Pending tab gets no Restore or Editors' pick: none of its comments could take them.)
    """
    codes = {action.code for offered in offered_per_comment for action in offered}
    return [action for action in REGISTRY if action.code in codes]


def with_keys() -> list[ModerationAction]:
    """The actions that have a keyboard shortcut, for the queue's help."""
    return [action for action in REGISTRY if action.key]
