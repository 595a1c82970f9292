"""Appeals against removals (EU Digital Services Act, Art. 20: internal complaint handling).

A commenter appeals through the signed link in their statement of reasons
(``signed_links.APPEAL``; no account: the link is the proof). One appeal per removal: while
one is open, or once one was decided, the same removal cannot be appealed again (a new removal
can). A moderator other than the one who removed the comment decides: upholding restores the
comment (``services.comments_restore``), rejecting keeps the removal; either way the commenter
is mailed the outcome and every step is logged (``appeal``, ``appeal_upheld``,
``appeal_rejected``).
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import lifecycle, signed_links, statement_tasks
from ..models import Appeal, Comment, ModerationLog, RemovalReason
from . import services

Status = Comment.Status
Action = ModerationLog.Action


class AppealRefused(Exception):
    """An appeal cannot be filed or decided; ``message`` says why, for the person at hand."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Removal:
    """The removal an appeal is about: when, by whom (None: the site), citing what."""

    at: object  # datetime
    moderator_id: int | None
    reason: RemovalReason | None
    note: str


def last_removal(comment: Comment) -> Removal | None:
    """The comment's latest removal, or None if it was never removed."""
    removals = ModerationLog.objects.filter(
        comment=comment, action=Action.REMOVE, to_status=Status.REMOVED
    )
    row = removals.select_related("reason").order_by("-created_at", "-pk").first()
    if row is None:
        return None
    return Removal(
        at=row.created_at, moderator_id=row.moderator_id, reason=row.reason, note=row.note
    )


def appeal_link_comment(token: str) -> Comment:
    """The comment an appeal link names. Raises ``signed_links.InvalidLink`` (altered,
    expired, or the comment erased or anonymised since)."""
    found = signed_links.target(signed_links.APPEAL, token)
    comment = Comment.objects.select_related("article").filter(pk=found.comment_id).first()
    if comment is None:
        raise signed_links.InvalidLink
    return comment


def appeal_for_removal(comment: Comment) -> Appeal | None:
    """The appeal already filed against the comment's latest removal, if any."""
    removal = last_removal(comment)
    appeals = comment.appeals.order_by("-created_at", "-pk")
    if removal is not None:
        appeals = appeals.filter(created_at__gte=removal.at)
    return appeals.first() or comment.appeals.open().first()


def appeal_file(*, comment: Comment, text: str) -> Appeal:
    """File the commenter's appeal against the removal of ``comment``.

    ``text`` is their plain text (shown escaped, never as HTML). Raises AppealRefused if the
    comment is not removed now, or this removal was appealed already.
    """
    with transaction.atomic():
        comment = Comment.objects.filter(pk=comment.pk).for_writing().get()
        if comment.status != Status.REMOVED:
            raise AppealRefused(
                _("This comment is not removed any more, so there is nothing to appeal.")
            )
        if appeal_for_removal(comment) is not None:
            raise AppealRefused(_("You have already appealed this decision."))
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(comment=comment, text=text.strip())
        except IntegrityError:  # one open appeal per comment: a second, simultaneous POST
            raise AppealRefused(_("You have already appealed this decision.")) from None
        lifecycle.log(
            comment,
            moderator=None,
            action=Action.APPEAL,
            note=_("appeal #%(pk)d filed by the author") % {"pk": appeal.pk},
        )
    return appeal


def may_decide(appeal: Appeal, moderator, removal: Removal | None = None) -> bool:
    """False for the moderator who removed the comment: another moderator decides.

    ``removal`` is ``last_removal(appeal.comment)`` when the caller has it already.
    """
    removal = removal or last_removal(appeal.comment)
    return removal is None or removal.moderator_id != getattr(moderator, "pk", None)


def appeal_decide(*, appeal: Appeal, moderator, uphold: bool, note: str = "") -> Appeal:
    """Uphold (restore the comment) or reject the appeal; the commenter is mailed the outcome.

    ``note`` is mailed to the commenter. Raises AppealRefused when the appeal was decided
    already or ``moderator`` removed the comment themselves.
    """
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update(no_key=True).get(pk=appeal.pk)
        appeal.comment = Comment.objects.filter(pk=appeal.comment_id).for_writing().get()
        if not appeal.is_open:
            raise AppealRefused(_("This appeal was decided already."))
        if not may_decide(appeal, moderator):
            raise AppealRefused(
                _("You removed this comment: another moderator must decide the appeal.")
            )
        comment = appeal.comment
        if uphold:
            services.comments_restore(
                comments=[comment], moderator=moderator, note=_("appeal upheld")
            )
            comment.refresh_from_db()
        appeal.status = Appeal.Status.UPHELD if uphold else Appeal.Status.REJECTED
        appeal.decided_by = moderator
        appeal.decided_at = timezone.now()
        appeal.decision_note = note.strip()
        appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        lifecycle.log(
            comment,
            moderator=moderator,
            action=Action.APPEAL_UPHELD if uphold else Action.APPEAL_REJECTED,
            note=appeal.decision_note,
        )
        pk = appeal.pk
        transaction.on_commit(lambda: statement_tasks.send_appeal_outcome.enqueue(pk))
    return appeal
