"""A commenter edits or deletes their own comment, from the browser that posted it, for a while.

Proof is what the posting browser keeps: the ids its own-comments cookie holds
(``models.own_comment_ids``; the posting view remembers there every comment it posts while
edits are allowed, until ``proof_until``). Nothing a visitor can type names them: the cookie
is signed with the site's key (a changed id or time is no proof), HttpOnly and SameSite=Lax,
and each id in it expires on its own. An address typed again, or the commenter-key cookie of
"Trust" (which proves an address, not one comment), is not enough.

The window is ``site_settings.edit_minutes()`` after ``created_at`` (0: no edits). An edit is
sanitized and checked again like a new comment (``checks.run_checks``): a published comment
whose new text a check objects to, or that is on a pre-moderated article, is held again with
the reasons recorded; a spam verdict sends it to spam. Every edit is logged
(``ModerationLog.Action.SELF_EDIT``) with the previous text in the note, and marks the comment
``edited_at``; a deletion sets status removed (``SELF_DELETE``). A removed comment with public
replies stays in the thread as a placeholder (``CommentQuerySet``'s one rule).
"""

import math
from collections.abc import Collection
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import lifecycle, ratelimit, site_settings
from ..models import Comment, ModerationLog, remember_own_comment
from ..sanitize import sanitize_comment
from .checks import (
    Finding,
    NotAsked,
    Submission,
    ask_services,
    ensure_open,
    hold_reason,
    run_checks,
    services_on,
)

Status = Comment.Status
Action = ModerationLog.Action
# What a commenter may still change: what they can see of their own.
CHANGEABLE = (Status.APPROVED, Status.PENDING)
EDITED_AFTER_PUBLISHING = "edited"


class ChangeRefused(Exception):
    """This browser may not change the comment now. ``reason``: "closed" (the edit window
    has passed, or edits are off), "not_yours" (another browser posted it) or "gone" (it is
    spam or removed)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def edit_deadline(comment: Comment, *, minutes: int | None = None) -> datetime | None:
    """When the commenter's edit window ends, or None if edits are off (0 minutes).

    ``minutes`` is ``site_settings.edit_minutes()`` when the caller has read it already.
    """
    minutes = site_settings.edit_minutes() if minutes is None else minutes
    if minutes <= 0 or comment.created_at is None:
        return None
    return comment.created_at + timedelta(minutes=minutes)


def proof_until(comment: Comment) -> datetime | None:
    """Until when the posting browser's own-comments cookie proves ``comment`` is its own.

    A held comment: ``SESSION_COOKIE_AGE`` seconds after ``created_at`` (time to see it
    "awaiting moderation" until a moderator decides). A public one: its edit deadline. None
    (not remembered) for a public comment with edits off, spam or a removed one.
    """
    if comment.awaiting_moderation and comment.created_at is not None:
        return comment.created_at + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    if comment.is_public:
        return edit_deadline(comment)
    return None


def remember_proof(request, response, comment: Comment) -> None:
    """Prove to later requests from this browser that ``comment`` is its own, until
    ``proof_until`` (``models.remember_own_comment``: the own-comments cookie, set on
    ``response``, and on ``request`` for the rest of this request). Nothing for a comment
    with no proof to keep. A cookie that holds nothing but published comments ends with
    their edit windows, so the commenter reads the shared (cached) page again afterwards."""
    until = proof_until(comment)
    if until is not None:
        remember_own_comment(request, response, comment.pk, until=until)


def minutes_left(deadline: datetime, now: datetime | None = None) -> int:
    """Whole minutes until ``deadline``, rounded up (1 in its last minute, 0 after it)."""
    seconds = (deadline - (now or timezone.now())).total_seconds()
    return max(0, math.ceil(seconds / 60))


def refusal(
    comment: Comment,
    *,
    own_comment_ids: Collection[int],
    now: datetime | None = None,
    minutes: int | None = None,
) -> str | None:
    """Why this browser may not change ``comment`` now (a ``ChangeRefused`` reason), or None.

    No query. ``own_comment_ids``: the ids the browser's own-comments cookie proves;
    ``minutes`` as for ``edit_deadline``.
    """
    if comment.status not in CHANGEABLE:
        return "gone"
    # The window first: it is public (the comment's date), and after it a browser no longer
    # holds the proof (the cookie entry that only served editing has expired with it).
    deadline = edit_deadline(comment, minutes=minutes)
    if deadline is None or deadline <= (now or timezone.now()):
        return "closed"
    if comment.pk not in own_comment_ids:
        return "not_yours"
    return None


def mark_own_edit_windows(comments, *, own_comment_ids: Collection[int], now=None) -> None:
    """Give each of ``comments`` this browser may still change ``edit_until`` (the deadline)
    and ``edit_minutes_left``, for the thread's "Edit" and "Delete" links. No query.

    Only a page rendered for one reader may show them: a shared page is made for requests
    without an own-comments cookie, so ``own_comment_ids`` is empty there and nothing is
    marked.
    """
    own = set(own_comment_ids)
    mine = [comment for comment in comments if comment.pk in own]
    if not mine:
        return
    now, minutes = now or timezone.now(), site_settings.edit_minutes()  # read once a page
    for comment in mine:
        if refusal(comment, own_comment_ids=own, now=now, minutes=minutes) is None:
            comment.edit_until = edit_deadline(comment, minutes=minutes)
            comment.edit_minutes_left = minutes_left(comment.edit_until, now)


def _locked_changeable(comment, *, own_comment_ids, now) -> Comment:
    comment = Comment.objects.filter(pk=comment.pk).for_writing().select_related("article").get()
    if reason := refusal(comment, own_comment_ids=own_comment_ids, now=now):
        raise ChangeRefused(reason)
    return comment


def _decide(
    comment: Comment, submission: Submission, asked: list[Finding] | None
) -> tuple[str, list[dict]]:
    """The status and hold reasons of ``comment`` with its new text (the moderation policy
    of a new comment, for a text its author has changed); ``asked`` as for ``run_checks``."""
    found = [finding.as_reason() for finding in run_checks(submission, asked)]
    if any(reason["verdict"] == "spam" for reason in found):
        return Status.SPAM, [*comment.hold_reasons, *found]
    if comment.status == Status.PENDING:
        codes = {reason.get("code") for reason in comment.hold_reasons if isinstance(reason, dict)}
        return Status.PENDING, [
            *comment.hold_reasons,
            *(reason for reason in found if reason["code"] not in codes),
        ]
    if comment.article.moderation_mode == "pre":
        found.append(hold_reason("pre_moderation", _("every comment here is reviewed first")))
    if not found:
        return Status.APPROVED, comment.hold_reasons
    edited = hold_reason(EDITED_AFTER_PUBLISHING, _("edited by its author after publication"))
    return Status.PENDING, [edited, *found]


def comment_edit_own(
    *,
    comment: Comment,
    body: str,
    own_comment_ids: Collection[int],
    ip_address: str | None = None,
    user_agent: str = "",
    now: datetime | None = None,
) -> Comment:
    """Change ``comment``'s text for its author and return it (status may have changed).

    ``body`` is the form's cleaned text. The comment is locked and checked again inside the
    transaction. Raises ``ChangeRefused`` (see ``refusal``), ``ValidationError`` when the
    article no longer takes comments, and ``ratelimit.RateLimited`` (``ratelimit.OWN_EDITS``).
    The same text again changes nothing and logs nothing. The text is sanitized and the
    remote checks asked (``checks.ask_services``) before the transaction, as for a post.
    """
    now = now or timezone.now()
    submission = Submission(
        body=body,
        body_html=sanitize_comment(body),
        author_name=comment.author_name,
        author_email=comment.author_email,
        author_url=comment.author_url,
        ip_address=ip_address,
        user_agent=user_agent[:500],
        article_id=comment.article_id,
        comment_id=comment.pk,
    )
    if body == comment.body:  # nothing to ask of a text unchanged (as the view read it)
        asked = None
    elif not services_on():
        asked = []
    else:  # the refusals the transaction makes again, first, so that none waits for Akismet
        if reason := refusal(comment, own_comment_ids=own_comment_ids, now=now):
            raise ChangeRefused(reason)
        ensure_open(comment.article)
        limits = {"ip_address": ip_address, "email": comment.author_email}
        if wait := ratelimit.waiting(ratelimit.OWN_EDITS, **limits):
            raise ratelimit.RateLimited(wait)
        asked = ask_services(submission)
    try:
        return _save_edit(comment, submission, asked, own_comment_ids=own_comment_ids, now=now)
    except NotAsked:  # changed meanwhile by another of the author's edits
        asked = ask_services(submission)
        return _save_edit(comment, submission, asked, own_comment_ids=own_comment_ids, now=now)


@transaction.atomic
def _save_edit(comment, submission, asked, *, own_comment_ids, now) -> Comment:
    """``comment_edit_own``'s transaction: the comment locked and checked, the limit, the
    local checks, the new text saved and logged."""
    comment = _locked_changeable(comment, own_comment_ids=own_comment_ids, now=now)
    body = submission.body
    if body == comment.body:
        return comment
    ensure_open(comment.article)
    ratelimit.check(
        ratelimit.OWN_EDITS, ip_address=submission.ip_address, email=comment.author_email
    )
    previous_status, previous_body = comment.status, comment.body
    comment.status, comment.hold_reasons = _decide(comment, submission, asked)
    comment.set_body(body, body_html=submission.body_html)
    comment.edited_at = now
    comment.save(update_fields=["body", "status", "hold_reasons", "edited_at", "updated_at"])
    note = _("Previous text: %(text)s") % {"text": previous_body}
    if comment.status == previous_status:
        lifecycle.changed_in_place(comment, moderator=None, action=Action.SELF_EDIT, note=note)
    else:
        lifecycle.log(
            comment,
            moderator=None,
            action=Action.SELF_EDIT,
            from_status=previous_status,
            to_status=comment.status,
            note=note,
        )
        lifecycle.status_changed(comment, previous=previous_status)
    return comment


@transaction.atomic
def comment_delete_own(
    *,
    comment: Comment,
    own_comment_ids: Collection[int],
    ip_address: str | None = None,
    now: datetime | None = None,
) -> Comment:
    """Remove ``comment`` for its author (status removed, logged ``SELF_DELETE``); return it.

    Raises ``ChangeRefused`` (see ``refusal``) and ``ratelimit.RateLimited``. Public replies
    stay; the thread shows "This comment was removed" in its place.
    """
    now = now or timezone.now()
    comment = _locked_changeable(comment, own_comment_ids=own_comment_ids, now=now)
    ratelimit.check(ratelimit.OWN_EDITS, ip_address=ip_address, email=comment.author_email)
    previous = comment.status
    comment.status = Status.REMOVED
    comment.save(update_fields=["status", "updated_at"])
    lifecycle.log(
        comment,
        moderator=None,
        action=Action.SELF_DELETE,
        from_status=previous,
        to_status=Status.REMOVED,
    )
    lifecycle.status_changed(comment, previous=previous)
    return comment
