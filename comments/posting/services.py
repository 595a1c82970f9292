"""Writes a reader makes: posting a comment and reporting one.

``comment_post`` is the one way a comment from the public form enters the database: validate
what needs the database, run the abuse checks, decide the status and record why, sanitize once,
save, and queue what others should hear of once the transaction commits.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article

from .. import lifecycle, ratelimit, tasks
from ..identity import keyed_digest, normalize_email
from ..models import Comment, ModerationLog, Report, text_fingerprint
from ..sanitize import sanitize_comment
from .checks import Submission, hold_reason, run_checks

Status = Comment.Status
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=10)


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
        reasons.append(hold_reason("pre_moderation", _("every comment here is reviewed first")))
    elif mode == "auto" and not _has_public_comment(submission.author_email):
        reasons.append(hold_reason("first_comment", _("first comment from this email")))
    return Decision(Status.PENDING if reasons else Status.APPROVED, reasons)


def _has_public_comment(email: str) -> bool:
    return Comment.objects.by_author(email).public().exists()


def answerable_parent(*, article: Article, parent_id: int | None) -> Comment | None:
    """The comment being replied to, or a ValidationError saying why it can't be."""
    if parent_id is None:
        return None
    parent = Comment.objects.answerable_on(article).filter(pk=parent_id).first()
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
    cannot be answered, and ``ratelimit.RateLimited`` when this IP address or email posts too
    often. The same text sent twice by the same email (a double click) returns the first
    comment. A reply that would nest deeper than ``COMMENTS_MAX_DEPTH`` levels joins its
    parent's level. The email is stored normalised (``identity.normalize_email``).
    """
    if not article.accepts_comments():
        raise ValidationError(_("Comments are closed on this article."))
    author_email = normalize_email(author_email)
    answered = answerable_parent(article=article, parent_id=parent_id)
    if (earlier := _double_submission(article, author_email, body)) is not None:
        return earlier
    if not (user is not None and user.has_perm("comments.can_moderate")):
        ratelimit.check(ratelimit.POSTING, ip_address=ip_address, email=author_email)
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
    comment = Comment(
        article=article,
        parent=answered.reply_parent() if answered is not None else None,
        in_reply_to=answered,
        author_name=author_name,
        author_email=author_email,
        author_url=author_url,
        status=decision.status,
        hold_reasons=decision.reasons,
        ip_address=ip_address,
        user_agent=submission.user_agent,
        user=user if user is not None and user.is_authenticated and user.is_staff else None,
        notify_replies=notify_replies,
    )
    comment.set_body(body, body_html=submission.body_html)
    comment.save()
    lifecycle.status_changed(comment, previous=None)
    if notify_replies:
        transaction.on_commit(lambda: tasks.request_subscription.enqueue(comment.pk))
    return comment


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


# Reader reports ----------------------------------------------------------------------------


class AlreadyReported(Exception):
    pass


@transaction.atomic
def comment_report(*, comment: Comment, reason: str, note: str, reporter: str) -> Report:
    """Record a reader's report; enough open reports hide a public comment until reviewed.

    ``reporter`` tells readers apart; only its keyed hash is stored. Raises AlreadyReported
    when this reader has reported this comment before.
    """
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                comment=comment,
                reason=reason,
                note=note,
                reporter_key=keyed_digest("report", reporter),
            )
    except IntegrityError:
        raise AlreadyReported from None
    open_reports = comment.reports.open().count()
    threshold = settings.COMMENTS_REPORT_THRESHOLD
    if comment.status == Status.APPROVED and threshold and open_reports >= threshold:
        comment.status = Status.PENDING
        comment.hold_reasons = [
            *comment.hold_reasons,
            hold_reason("reported", _("reported by %(count)d readers") % {"count": open_reports}),
        ]
        comment.save(update_fields=["status", "hold_reasons", "updated_at"])
        lifecycle.log(
            comment,
            moderator=None,
            action=ModerationLog.Action.HIDE,
            from_status=Status.APPROVED,
            to_status=Status.PENDING,
            note=_("%(count)d open reports") % {"count": open_reports},
        )
        lifecycle.status_changed(comment, previous=Status.APPROVED)
    return report
