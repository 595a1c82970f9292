"""Moderators' writes: status changes, reports dismissed, edits, replies, moves, bans.

Every act is one transaction that locks the comments it changes and writes a ``ModerationLog``
row (``lifecycle.log``), so two moderators acting on one comment at once cannot both win. The
queue, the comment page and the admin reach these through the registry in ``actions.py`` or
call them directly; none of them saves a comment's status, text, parent or article itself.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import lifecycle
from ..identity import normalize_email
from ..models import Ban, Comment, ModerationLog, RemovalReason, StaffProfile, staff_public_name

Status = Comment.Status
Action = ModerationLog.Action


def _locked(comments: Iterable[Comment] | Iterable[int]) -> list[Comment]:
    ids = [c.pk if isinstance(c, Comment) else int(c) for c in comments]
    return list(Comment.objects.filter(pk__in=ids).for_writing())


def _set_status(
    comments, *, status: str, action: str, moderator, note: str = "", reason=None
) -> int:
    changed = 0
    with transaction.atomic():
        for comment in _locked(comments):
            if comment.status == status:
                continue
            previous = comment.status
            comment.status = status
            comment.save(update_fields=["status", "updated_at"])
            if status in (Status.APPROVED, Status.REMOVED, Status.SPAM):
                _resolve_reports(comment, moderator)
            lifecycle.log(
                comment,
                moderator=moderator,
                action=action,
                from_status=previous,
                to_status=status,
                note=note,
                reason=reason,
            )
            lifecycle.status_changed(comment, previous=previous)
            changed += 1
    return changed


def _resolve_reports(comment: Comment, moderator) -> int:
    resolved = comment.reports.open().update(
        resolved_at=timezone.now(),
        resolved_by=moderator if getattr(moderator, "is_authenticated", False) else None,
    )
    if resolved or comment.reported_at is not None:  # a kept time that has gone wrong heals
        Comment.objects.filter(pk=comment.pk).refresh_reported_at()
    return resolved


def comments_dismiss_reports(*, comments, moderator, note: str = "") -> int:
    """Close the open reports on the comments and publish them again if reports hid them.

    Returns how many comments had open reports.
    """
    changed = 0
    with transaction.atomic():
        for comment in _locked(comments):
            if not _resolve_reports(comment, moderator):
                continue
            changed += 1
            lifecycle.log(
                comment,
                moderator=moderator,
                action=Action.DISMISS,
                from_status=comment.status,
                to_status=comment.status,
                note=note,
            )
            hidden_by_reports = any(r.get("code") == "reported" for r in comment.hold_reasons)
            if comment.status == Status.PENDING and hidden_by_reports:
                _set_status(
                    [comment],
                    status=Status.APPROVED,
                    action=Action.APPROVE,
                    moderator=moderator,
                    note=_("reports dismissed"),
                )
    return changed


def comments_approve(*, comments, moderator, note: str = "") -> int:
    """Publish the comments (and close their reports); returns how many changed."""
    return _set_status(
        comments, status=Status.APPROVED, action=Action.APPROVE, moderator=moderator, note=note
    )


def comments_mark_spam(*, comments, moderator, note: str = "") -> int:
    return _set_status(
        comments, status=Status.SPAM, action=Action.SPAM, moderator=moderator, note=note
    )


def comments_remove(*, comments, moderator, note: str = "", reason=None) -> int:
    """Remove the comments; returns how many changed. Each author with an email is mailed a
    statement of reasons (``lifecycle.log``) citing ``reason`` (a ``RemovalReason`` or its
    id; None or an unknown id: the comment policy in general) and ``note``."""
    if reason is not None and not isinstance(reason, RemovalReason):
        reason = RemovalReason.objects.filter(pk=reason).first()
    return _set_status(
        comments,
        status=Status.REMOVED,
        action=Action.REMOVE,
        moderator=moderator,
        note=note,
        reason=reason,
    )


def comments_restore(*, comments, moderator, note: str = "") -> int:
    """Bring spam or removed comments back to where they were before (or to pending)."""
    changed = 0
    with transaction.atomic():
        for comment in _locked(comments):
            if comment.status not in (Status.SPAM, Status.REMOVED):
                continue
            before = (
                ModerationLog.objects.filter(comment=comment, to_status=comment.status)
                .values_list("from_status", flat=True)
                .first()
            )
            target = before if before in (Status.APPROVED, Status.PENDING) else Status.PENDING
            changed += _set_status(
                [comment], status=target, action=Action.RESTORE, moderator=moderator, note=note
            )
    return changed


def comments_remove_all_by_author(*, email: str, moderator, note: str = "") -> int:
    """Remove every comment posted under this email that is not already spam or removed.

    An anonymised comment has no email: it stands for nobody, so nothing else is removed.
    """
    if not email.strip():
        return 0
    ids = (
        Comment.objects.by_author(email)
        .exclude(status__in=[Status.SPAM, Status.REMOVED])
        .values_list("pk", flat=True)
    )
    return comments_remove(comments=list(ids), moderator=moderator, note=note)


@transaction.atomic
def comment_edit(*, comment: Comment, moderator, body: str, note: str = "") -> Comment:
    """Change a comment's text; it is sanitized again and the old text kept in the log."""
    (comment,) = _locked([comment])
    if body == comment.body:
        return comment
    old = comment.body
    comment.set_body(body)
    comment.save(update_fields=["body", "updated_at"])
    lifecycle.changed_in_place(
        comment,
        moderator=moderator,
        action=Action.EDIT,
        note=note or _("Previous text: %(text)s") % {"text": old},
    )
    return comment


@transaction.atomic
def comment_reply_as_moderator(*, parent: Comment, moderator, body: str) -> Comment:
    """A reply shown with a Moderator badge, published at once; approves a held parent.

    Raises ValidationError for a parent that is spam or removed: replying does not bring a
    rejected comment back (Restore does).
    """
    if parent.status in (Status.SPAM, Status.REMOVED):
        raise ValidationError(
            _("This comment is %(status)s: restore it before replying to it.")
            % {"status": parent.get_status_display().lower()}
        )
    if parent.status != Status.APPROVED:
        comments_approve(comments=[parent], moderator=moderator, note=_("approved by replying"))
        parent.refresh_from_db()
    reply = Comment(
        article=parent.article,
        parent=parent.reply_parent(),
        in_reply_to=parent,
        author_name=staff_public_name(moderator),
        author_email=normalize_email(moderator.email or ""),
        status=Status.APPROVED,
        user=moderator,
        by_moderator=True,
    )
    reply.set_body(body)
    reply.save()
    lifecycle.log(reply, moderator=moderator, action=Action.REPLY, to_status=Status.APPROVED)
    lifecycle.status_changed(reply, previous=None)
    return reply


@transaction.atomic
def staff_profile_set_name(*, user, display_name: str, changed_by) -> StaffProfile:
    """Set the public name ``user``'s replies are shown under; logged as changed details.

    The name is cleaned like a commenter's (invisible formatting removed); "" means "use the
    full name, else Moderator". Replies already published keep the name they were shown
    with. Raises ValidationError for a name that is the username.
    """
    profile = StaffProfile.objects.filter(user=user).first() or StaffProfile(user=user)
    previous = profile.display_name
    profile.display_name = display_name
    profile.full_clean()
    profile.save()
    if profile.display_name != previous:
        lifecycle.log(
            None,
            moderator=changed_by,
            action=Action.CHANGE,
            note=_("public name of %(user)s: “%(old)s” → “%(new)s”")
            % {"user": user.get_username(), "old": previous, "new": profile.display_name},
        )
    return profile


@transaction.atomic
def commenter_ban(
    *,
    kind: str,
    value: str,
    reason: str,
    moderator,
    expires_at=None,
    comment=None,
    remove_comments: bool = False,
) -> Ban:
    """Ban an email, IP address or network; its new comments go straight to spam.

    With ``remove_comments`` (an email ban) every comment under the address that is not
    already spam or removed is removed too, each with its own log row; ``ban.removed`` says
    how many. Raises ValidationError for a value that is not a valid email, IP or network.
    """
    ban = Ban(kind=kind, value=value, reason=reason, expires_at=expires_at, created_by=None)
    if getattr(moderator, "is_authenticated", False):
        ban.created_by = moderator
    ban.full_clean()
    ban.save()
    note = _("%(ban)s: %(reason)s") % {"ban": ban, "reason": reason}
    if expires_at:
        note += " " + _("(until %(date)s)") % {"date": expires_at.isoformat(timespec="minutes")}
    lifecycle.log(comment, moderator=moderator, action=Action.BAN, note=note)
    ban.removed = 0
    if remove_comments and ban.kind == Ban.Kind.EMAIL:
        ban.removed = comments_remove_all_by_author(
            email=ban.value, moderator=moderator, note=str(ban)
        )
    return ban


def comments_ban_authors(*, comments, moderator, note: str = "") -> int:
    """Ban the email of each comment's author and remove all their comments.

    Returns how many comments were removed. Anonymised comments (no email) ban nobody.
    """
    emails = sorted(
        set(
            Comment.objects.filter(pk__in=[getattr(c, "pk", c) for c in comments])
            .exclude(author_email="")
            .values_list("author_email", flat=True)
        )
    )
    reason = note or _("banned, with all their comments, by a moderator")
    removed = 0
    for email in emails:
        if Ban.objects.active().for_email(email).exists():
            removed += comments_remove_all_by_author(email=email, moderator=moderator, note=reason)
            continue
        ban = commenter_ban(
            kind=Ban.Kind.EMAIL,
            value=email,
            reason=reason,
            moderator=moderator,
            remove_comments=True,
        )
        removed += ban.removed
    return removed


@transaction.atomic
def ban_change(*, ban: Ban, moderator, reason: str, expires_at) -> Ban:
    """Change a ban's reason or end, logged with what it was before."""
    before = Ban.objects.select_for_update().get(pk=ban.pk)
    changes = []
    if reason != before.reason:
        changes.append(_("reason was “%(old)s”") % {"old": before.reason})
    if expires_at != before.expires_at:
        old = before.expires_at.isoformat(timespec="minutes") if before.expires_at else _("none")
        changes.append(_("end was %(old)s") % {"old": old})
    if not changes:
        return before
    before.reason, before.expires_at = reason, expires_at
    before.save(update_fields=["reason", "expires_at"])
    lifecycle.log(
        None,
        moderator=moderator,
        action=Action.BAN,
        note=_("%(ban)s changed: %(changes)s") % {"ban": before, "changes": "; ".join(changes)},
    )
    return before


@transaction.atomic
def ban_lift(*, ban: Ban, moderator) -> Ban:
    ban.lifted_at = timezone.now()
    ban.save(update_fields=["lifted_at"])
    lifecycle.log(None, moderator=moderator, action=Action.LIFT_BAN, note=str(ban))
    return ban


# Details the admin changes ------------------------------------------------------------------


@transaction.atomic
def comment_move(*, comment: Comment, parent: Comment | None, moderator) -> Comment:
    """Move a comment (with its replies) under another comment of its article, or to the top.

    Raises ValidationError (``Comment.clean``) for a parent on another article, inside the
    comment's own replies, or so deep that the conversation would pass ``COMMENTS_MAX_DEPTH``.
    Depths below are recomputed, the thread refreshed, the move logged.
    """
    (comment,) = _locked([comment])
    if (parent.pk if parent is not None else None) == comment.parent_id:
        return comment
    old_parent = comment.parent_id
    comment.parent = parent
    comment.full_clean(exclude=[f.name for f in Comment._meta.fields if f.name != "parent"])
    # The comment now answers its new parent; reply mail follows the conversation.
    comment.in_reply_to = parent
    comment.save(update_fields=["parent", "in_reply_to", "updated_at"])
    lifecycle.recompute_depths([comment.article_id])
    lifecycle.changed_in_place(
        comment,
        moderator=moderator,
        action=Action.MOVE,
        note=_("moved from under #%(old)s to under #%(new)s")
        % {"old": old_parent or "-", "new": parent.pk if parent else "-"},
        readers_see=True,  # a placeholder's replies move with it too
    )
    return comment


# Fields a moderator may change directly, in the order forms show them; the article stays,
# and the parent, status and text have services of their own.
DETAIL_FIELDS = (
    "author_name",
    "author_email",
    "author_url",
    "user",
    "by_moderator",
    "notify_replies",
    "ip_address",
    "user_agent",
)


@transaction.atomic
def comment_change_details(*, comment: Comment, moderator, changes: dict) -> Comment:
    """Change a comment's author details (name, email, website, ...), logged with the fields.

    ``changes`` maps field names from ``DETAIL_FIELDS`` to new values; anything else raises
    ValueError. The email is stored normalised.
    """
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise ValueError(f"Not a detail a moderator changes directly: {sorted(unknown)}")
    (comment,) = _locked([comment])
    if "author_email" in changes:  # compared as stored: another spelling is no change
        changes = {**changes, "author_email": normalize_email(changes["author_email"])}
    changed = [name for name, value in changes.items() if getattr(comment, name) != value]
    if not changed:
        return comment
    for name in changed:
        setattr(comment, name, changes[name])
    comment.save(update_fields=[*changed, "updated_at"])
    lifecycle.changed_in_place(
        comment,
        moderator=moderator,
        action=Action.CHANGE,
        note=_("changed: %(fields)s") % {"fields": ", ".join(sorted(changed))},
    )
    return comment
