"""Writes to comments. Views, the admin, commands and tasks all go through these functions.

Every moderation act is one transaction that locks the comments it changes and writes a
``ModerationLog`` row, so two moderators acting on one comment at once cannot both win.
"""

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article

from . import notifications, ratelimit, thread_cache
from .checks import Submission, run_checks
from .models import Ban, Comment, ModerationLog, Report, Subscriber, text_fingerprint
from .sanitize import sanitize_comment

Status = Comment.Status
Action = ModerationLog.Action


@dataclass(frozen=True, slots=True)
class Decision:
    status: str
    reasons: list[dict]


def _decide(*, article: Article, submission: Submission) -> Decision:
    """The status a new comment starts in, and every reason it was held or spammed."""
    findings = run_checks(submission)
    reasons = [finding.as_reason() for finding in findings]
    if any(finding.verdict == "spam" for finding in findings):
        return Decision(Status.SPAM, reasons)
    mode = article.moderation_mode
    if mode == "pre":
        reasons.append(_reason("pre_moderation", _("every comment here is reviewed first")))
    elif (
        mode == "auto"
        and not Comment.objects.by_author(submission.author_email)
        .filter(status=Status.APPROVED)
        .exists()
    ):
        reasons.append(_reason("first_comment", _("first comment from this email")))
    return Decision(Status.PENDING if reasons else Status.APPROVED, reasons)


def _reason(code: str, message: str) -> dict:
    return {"code": code, "message": message, "verdict": "hold"}


def _answerable_parent(*, article: Article, parent_id: int | None) -> Comment | None:
    """The comment being replied to, or a ValidationError saying why it can't be."""
    if parent_id is None:
        return None
    parent = Comment.objects.filter(pk=parent_id, article=article, status=Status.APPROVED).first()
    if parent is None:
        raise ValidationError(
            {
                "parent": _(
                    "The comment you are replying to is not available. "
                    "Your text is kept below: you can post it as a new comment."
                )
            }
        )
    return parent


def _placement(answered: Comment | None) -> Comment | None:
    """Where a reply to ``answered`` goes: under it, or beside it at the deepest level."""
    parent = answered
    while parent is not None and parent.depth + 1 >= settings.COMMENTS_MAX_DEPTH:
        if not parent.parent_id:
            break
        parent = parent.parent
    return parent


@transaction.atomic
def comment_post(
    *,
    article: Article,
    body: str,
    author_name: str,
    author_email: str,
    author_url: str = "",
    parent_id: int | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
    user=None,
    notify_replies: bool = False,
    honeypot: str = "",
    seconds_to_submit: float | None = None,
) -> Comment:
    """Post a comment and return it: approved, held (pending) or spam, with the reasons.

    Raises ValidationError (with field keys) when the article is closed or the reply target
    cannot be answered, and RateLimited when this IP address or email posts too often. The
    same text sent twice by the same email (a double click) returns the first comment. A
    reply that would nest deeper than ``COMMENTS_MAX_DEPTH`` levels joins its parent's level.
    Moderators hear of held comments once the transaction commits.
    """
    if not article.accepts_comments():
        raise ValidationError(_("Comments are closed on this article."))
    answered = _answerable_parent(article=article, parent_id=parent_id)
    if (earlier := _double_submission(article, author_email, body)) is not None:
        return earlier
    if not (user is not None and user.has_perm("comments.can_moderate")):
        _check_rate(ip_address=ip_address, email=author_email)
    submission = Submission(
        body=body,
        body_html=sanitize_comment(body),
        author_name=author_name,
        author_email=author_email,
        author_url=author_url,
        ip_address=ip_address,
        user_agent=user_agent[:500],
        article_id=article.pk,
        honeypot=honeypot,
        seconds_to_submit=seconds_to_submit,
    )
    decision = _decide(article=article, submission=submission)
    comment = Comment.objects.create(
        article=article,
        parent=_placement(answered),
        in_reply_to=answered,
        author_name=author_name,
        author_email=author_email,
        author_url=author_url,
        body=body,
        status=decision.status,
        hold_reasons=decision.reasons,
        ip_address=ip_address,
        user_agent=submission.user_agent,
        user=user if user is not None and user.is_authenticated and user.is_staff else None,
        notify_replies=notify_replies,
    )
    _after_status_change(comment, previous=None)
    if notify_replies:
        transaction.on_commit(lambda: notifications.subscription_requested(comment.pk))
    return comment


DOUBLE_SUBMIT_WINDOW = timedelta(minutes=10)


def _double_submission(article, author_email: str, body: str) -> Comment | None:
    """The comment this email just posted here with the same text, if any."""
    return (
        Comment.objects.by_author(author_email)
        .filter(
            article=article,
            text_fingerprint=text_fingerprint(body),
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        )
        .order_by("-pk")
        .first()
    )


class RateLimited(Exception):
    """Too many comments from one IP address or email; ``retry_after`` is in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def _check_rate(*, ip_address: str | None, email: str) -> None:
    waits = [
        ratelimit.gap(scope, who, seconds=settings.COMMENTS_RATE_GAP_SECONDS)
        for scope, who in (("post-ip", ip_address), ("post-email", email.lower()))
    ] + [
        ratelimit.hit(scope, who, limit=settings.COMMENTS_RATE_PER_HOUR, period=3600)
        for scope, who in (("post-ip-hour", ip_address), ("post-email-hour", email.lower()))
    ]
    if any(waits):
        raise RateLimited(max(wait for wait in waits if wait))


# Moderation --------------------------------------------------------------------------------


def _locked(comments: Iterable[Comment] | Iterable[int]) -> list[Comment]:
    ids = [c.pk if isinstance(c, Comment) else int(c) for c in comments]
    return list(Comment.objects.select_for_update().filter(pk__in=ids).order_by("pk"))


def _log(comment, *, moderator, action, from_status="", to_status="", note="") -> ModerationLog:
    return ModerationLog.objects.create(
        comment=comment,
        moderator=moderator if getattr(moderator, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def _after_status_change(comment: Comment, *, previous: str | None) -> None:
    """Mark the thread changed if readers see a difference; queue what others should hear of."""
    if Status.APPROVED in (comment.status, previous):
        thread_cache.changed([comment.article_id])
    if comment.status == Status.PENDING and previous != Status.PENDING:
        transaction.on_commit(notifications.held_comment_queued)
    if comment.status == Status.APPROVED and previous != Status.APPROVED and comment.parent_id:
        pk = comment.pk
        transaction.on_commit(lambda: notifications.reply_published(pk))


def _set_status(comments, *, status: str, action: str, moderator, note: str = "") -> int:
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
            _log(
                comment,
                moderator=moderator,
                action=action,
                from_status=previous,
                to_status=status,
                note=note,
            )
            _after_status_change(comment, previous=previous)
            changed += 1
    return changed


def _resolve_reports(comment: Comment, moderator) -> int:
    return Report.objects.filter(comment=comment, resolved_at__isnull=True).update(
        resolved_at=timezone.now(),
        resolved_by=moderator if getattr(moderator, "is_authenticated", False) else None,
    )


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
            _log(
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


def comments_remove(*, comments, moderator, note: str = "") -> int:
    return _set_status(
        comments, status=Status.REMOVED, action=Action.REMOVE, moderator=moderator, note=note
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
    comment.body = body
    comment.save(update_fields=["body", "updated_at"])
    if comment.status == Status.APPROVED:
        thread_cache.changed([comment.article_id])
    _log(
        comment,
        moderator=moderator,
        action=Action.EDIT,
        from_status=comment.status,
        to_status=comment.status,
        note=note or _("Previous text: %(text)s") % {"text": old},
    )
    return comment


@transaction.atomic
def comment_reply_as_moderator(*, parent: Comment, moderator, body: str) -> Comment:
    """A reply shown with a Moderator badge, published at once; approves a held parent."""
    if parent.status != Status.APPROVED:
        comments_approve(comments=[parent], moderator=moderator, note=_("approved by replying"))
        parent.refresh_from_db()
    reply = Comment.objects.create(
        article=parent.article,
        parent=_placement(parent),
        in_reply_to=parent,
        author_name=moderator.get_full_name() or moderator.get_username(),
        author_email=moderator.email or "",
        body=body,
        status=Status.APPROVED,
        user=moderator,
        by_moderator=True,
    )
    _log(reply, moderator=moderator, action=Action.REPLY, to_status=Status.APPROVED)
    _after_status_change(reply, previous=None)
    return reply


@transaction.atomic
def commenter_ban(
    *, kind: str, value: str, reason: str, moderator, expires_at=None, comment=None
) -> Ban:
    """Ban an email, IP address or network; its new comments go straight to spam."""
    ban = Ban(kind=kind, value=value, reason=reason, expires_at=expires_at, created_by=None)
    if getattr(moderator, "is_authenticated", False):
        ban.created_by = moderator
    ban.full_clean()
    ban.save()
    note = _("%(ban)s: %(reason)s") % {"ban": ban, "reason": reason}
    if expires_at:
        note += " " + _("(until %(date)s)") % {"date": expires_at.isoformat(timespec="minutes")}
    _log(comment, moderator=moderator, action=Action.BAN, note=note)
    return ban


@transaction.atomic
def ban_lift(*, ban: Ban, moderator) -> Ban:
    ban.lifted_at = timezone.now()
    ban.save(update_fields=["lifted_at"])
    _log(None, moderator=moderator, action=Action.LIFT_BAN, note=str(ban))
    return ban


# Reader reports ----------------------------------------------------------------------------


def reporter_key(identity: str) -> str:
    """A keyed, non-reversible token that tells readers apart for "once per reader"."""
    return hmac.new(
        settings.SECRET_KEY.encode(), f"report:{identity}".encode(), hashlib.sha256
    ).hexdigest()


class AlreadyReported(Exception):
    pass


@transaction.atomic
def comment_report(*, comment: Comment, reason: str, note: str, reporter: str) -> Report:
    """Record a reader's report; enough reports hide an approved comment until reviewed.

    Raises AlreadyReported when this reader has reported this comment before.
    """
    (comment,) = _locked([comment])
    try:
        with transaction.atomic():
            report = Report.objects.create(
                comment=comment, reason=reason, note=note, reporter_key=reporter_key(reporter)
            )
    except IntegrityError:
        raise AlreadyReported from None
    open_reports = Report.objects.filter(comment=comment, resolved_at__isnull=True).count()
    threshold = settings.COMMENTS_REPORT_THRESHOLD
    if comment.status == Status.APPROVED and threshold and open_reports >= threshold:
        comment.status = Status.PENDING
        comment.hold_reasons = [
            *comment.hold_reasons,
            _reason("reported", _("reported by %(count)d readers") % {"count": open_reports}),
        ]
        comment.save(update_fields=["status", "hold_reasons", "updated_at"])
        _log(
            comment,
            moderator=None,
            action=Action.HIDE,
            from_status=Status.APPROVED,
            to_status=Status.PENDING,
            note=_("%(count)d open reports") % {"count": open_reports},
        )
        _after_status_change(comment, previous=Status.APPROVED)
    return report


# Reply subscriptions -----------------------------------------------------------------------


@transaction.atomic
def subscriber_confirm(*, subscriber: Subscriber) -> Subscriber:
    """Confirm the address (again): reply notifications start, an unsubscribe is undone."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.is_active:
        return subscriber
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["confirmed_at", "unsubscribed_at"])
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber) -> Subscriber:
    """Stop every reply notification to the address; repeating it changes nothing."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["unsubscribed_at"])
    return subscriber
