"""Writes a reader makes: posting a comment and reporting one.

``comment_post`` is the one way a comment from the public form enters the database: sanitize
once and ask the remote checks (Akismet) before its transaction; in it, validate what needs
the database, run the local checks, decide the status and record why, save, and queue what
others should hear of once the transaction commits.
"""

from collections.abc import Collection
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.models import Article

from .. import follow_mail, lifecycle, ratelimit, site_settings, tasks
from ..identity import (
    KNOWN_EMAIL_NEW_BROWSER,
    CommenterKey,
    commenter_key,
    keyed_digest,
    normalize_email,
    report_network,
)
from ..models import Comment, ModerationLog, Report, text_fingerprint
from ..sanitize import sanitize_comment
from .checks import (
    Finding,
    NotAsked,
    Submission,
    ask_services,
    decide,
    ensure_open,
    hold_reason,
    services_on,
)

Status = Comment.Status
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=10)


def _has_public_comment(email: str) -> bool:
    return Comment.objects.by_author(email).public().making_author_known().exists()


def _proves(*, email: str, keys: Collection[CommenterKey], user) -> bool:
    """True if the posting browser has shown it belongs to ``email`` (normalised).

    It has when its commenter-key cookie holds a proved key for the address (a "confirm it's
    you" link, or an earlier proved post), or a key earned by a comment it posted under the
    address that is published now, or when it is logged in to an account with that address.
    A browser with no key for the address costs no query.
    """
    if getattr(user, "is_authenticated", False) and normalize_email(user.email) == email:
        return True
    mine = [key for key in keys if key.names(email)]
    if any(key.comment_id is None for key in mine):
        return True
    earned_by = [key.comment_id for key in mine]
    return bool(earned_by) and (
        Comment.objects.by_author(email).public().filter(pk__in=earned_by).exists()
    )


def answerable_parent(*, article: Article, parent_id: int | None) -> Comment | None:
    """The comment being replied to, or a ValidationError saying why it can't be.

    Call inside the transaction that saves the reply: the comment is locked until it ends
    (PostgreSQL), so a moderator's removal or move, or an erasure, happens wholly before the
    reply is placed under it (and it is read as it is then) or wholly after.
    """
    if parent_id is None:
        return None
    parent = Comment.objects.answerable_on(article).filter(pk=parent_id).for_writing().first()
    if parent is None:
        raise _unanswerable()
    return parent


def _unanswerable() -> ValidationError:
    return ValidationError(
        {
            "parent": _(
                "The comment you are replying to is not available. "
                "Your text is kept below: you can post it as a new comment."
            )
        }
    )


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
    follow_article: bool = False,
    honeypot: str = "",
    seconds_to_submit: float | None = None,
    own_comment_ids: Collection[int] = (),
    commenter_keys: Collection[CommenterKey] = (),
) -> Comment:
    """Post a comment and return it: approved, held (pending) or spam, with the reasons.

    What the browser shows of itself: ``own_comment_ids``, the comments its own-comments
    cookie proves it posted (``models.own_comment_ids``), and ``commenter_keys``, what its
    commenter-key cookie holds (``identity.commenter_keys``). The returned comment carries
    ``commenter_key``, the key that cookie should hold for this address from now on
    (``identity.with_commenter_key``), or None to leave the cookie as it is.

    Raises ValidationError (with field keys) when the article is closed or the reply target
    cannot be answered, and ``ratelimit.RateLimited`` when this IP address or email posts too
    often. The same text sent again by the browser that posted it (a double click) returns
    the first comment, before any limit is counted; from any other browser it is a new post,
    limited and checked like any other. A reply that would nest deeper than
    ``COMMENTS_MAX_DEPTH`` levels joins its parent's level. The email is stored normalised
    (``identity.normalize_email``).

    The text is sanitized and the remote checks asked (``_ask_first``) before the transaction
    that saves it: nothing waits for them under its locks.
    """
    ensure_open(article)
    submission = Submission(
        body=body,
        body_html=sanitize_comment(body),
        author_name=author_name,
        author_email=normalize_email(author_email),
        author_url=author_url,
        ip_address=ip_address,
        user_agent=user_agent[:500],
        article_id=article.pk,
        honeypot=honeypot,
        seconds_to_submit=seconds_to_submit,
    )
    browser = {
        "parent_id": parent_id,
        "user": user,
        "own_comment_ids": own_comment_ids,
        "commenter_keys": commenter_keys,
    }
    asked = _ask_first(article=article, submission=submission, **browser)
    wishes = {"notify_replies": notify_replies, "follow_article": follow_article}
    try:
        return _save_post(article=article, submission=submission, asked=asked, **browser, **wishes)
    except NotAsked:  # the double click's first comment went meanwhile: a new post after all
        asked = ask_services(submission)
        return _save_post(article=article, submission=submission, asked=asked, **browser, **wishes)


def _ask_first(
    *, article, submission: Submission, parent_id, user, own_comment_ids, commenter_keys
) -> list[Finding] | None:
    """What the remote checks say of a post (``checks.ask_services``), asked before its
    transaction; None, not asked, for a double click (``_double_submission``). First the
    refusals the transaction makes again under its lock, read here without one: the reply
    target, the rate limit (counting nothing), so that no refused post waits for another
    service or spends its quota. No query while no remote check is on."""
    if not services_on():
        return []
    answerable = Comment.objects.answerable_on(article).filter(pk=parent_id)
    if parent_id is not None and not answerable.exists():
        raise _unanswerable()
    email = submission.author_email
    proven = _proves(email=email, keys=commenter_keys, user=user)
    posted_here = _posted_here(own_comment_ids, commenter_keys)
    if _double_submission(article, email, submission.body, posted_here=posted_here, proven=proven):
        return None
    if _limited(user) and (
        wait := ratelimit.waiting(ratelimit.POSTING, ip_address=submission.ip_address, email=email)
    ):
        raise ratelimit.RateLimited(wait)
    return ask_services(submission)


def _posted_here(own_comment_ids, commenter_keys) -> set[int]:
    """The comments the browser's cookies name as its own."""
    return {*own_comment_ids, *(key.comment_id for key in commenter_keys)} - {None}


def _limited(user) -> bool:
    """Whether the rate limits apply (to everyone but moderators)."""
    return not (user is not None and user.has_perm("comments.can_moderate"))


@transaction.atomic
def _save_post(
    *,
    article: Article,
    submission: Submission,
    asked: list[Finding] | None,
    parent_id: int | None,
    user,
    notify_replies: bool,
    follow_article: bool,
    own_comment_ids: Collection[int],
    commenter_keys: Collection[CommenterKey],
) -> Comment:
    """``comment_post``'s transaction: the double submission, the limits, the local checks,
    the status and the comment saved."""
    body, author_email = submission.body, submission.author_email
    # The article first, as every writer of its comments takes it (``for_writing``, which
    # locks a reply's with the comment it answers): posts to one article wait for each other,
    # so a double click's second post finds the first comment (``_double_submission``)
    # instead of posting it again or meeting the rate limit. SQLite has one writer at a time
    # (``BEGIN IMMEDIATE``) already.
    if parent_id is None:
        Comment.objects.lock_articles([article.pk])
    answered = answerable_parent(article=article, parent_id=parent_id)
    proven = _proves(email=author_email, keys=commenter_keys, user=user)
    posted_here = _posted_here(own_comment_ids, commenter_keys)
    earlier = _double_submission(
        article, author_email, body, posted_here=posted_here, proven=proven
    )
    if earlier is not None:
        earlier.commenter_key = None
        return earlier
    if _limited(user):
        ratelimit.check(ratelimit.POSTING, ip_address=submission.ip_address, email=author_email)
    known = _has_public_comment(author_email)
    decision = decide(
        article=article,
        submission=submission,
        asked=asked,
        known=known,
        proven=proven,
        question=article.qa_mode and answered is None,
    )
    comment = Comment(
        article=article,
        parent=answered.reply_parent() if answered is not None else None,
        in_reply_to=answered,
        author_name=submission.author_name,
        author_email=author_email,
        author_url=submission.author_url,
        status=decision.status,
        hold_reasons=decision.reasons,
        ip_address=submission.ip_address,
        user_agent=submission.user_agent,
        user=user if user is not None and user.is_authenticated and user.is_staff else None,
        notify_replies=notify_replies,
    )
    comment.set_body(body, body_html=submission.body_html)
    comment.save()
    lifecycle.status_changed(comment, previous=None)
    # One confirmation mail: the follow's names the replies too (Subscriber.confirmation_topics).
    if follow_article:
        transaction.on_commit(lambda: follow_mail.request_follow.enqueue(comment.pk))
    elif notify_replies:
        transaction.on_commit(lambda: tasks.request_subscription.enqueue(comment.pk))
    codes = {reason["code"] for reason in decision.reasons}
    if codes & {"first_comment", KNOWN_EMAIL_NEW_BROWSER}:
        # Queued for both, so a post does the same work whether or not the address is known;
        # the task mails only the known one's owner.
        transaction.on_commit(lambda: tasks.send_commenter_confirmation.enqueue(comment.pk))
    # A browser that has not proved a known address gets a stand-in key that proves nothing;
    # one that posts as a new address earns its key once that comment is published.
    comment.commenter_key = (
        commenter_key(author_email)
        if proven
        else commenter_key(author_email, comment_id=comment.pk, earned=not known)
    )
    return comment


def _double_submission(
    article, author_email: str, body: str, *, posted_here: Collection[int], proven: bool
) -> Comment | None:
    """The comment this browser just posted here under this email with the same text, if any.

    Only the browser that posted it gets it back: one whose own-comments cookie or commenter
    keys name it (``posted_here``), or that has proved the address. For any other browser this
    is None without a query, so no one learns what someone else wrote or that it is held.
    """
    if not proven and not posted_here:
        return None
    earlier = Comment.objects.by_author(author_email).filter(
        article=article,
        text_fingerprint=text_fingerprint(body),
        created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
    )
    if not proven:
        earlier = earlier.filter(pk__in=posted_here)
    return earlier.order_by("-pk").first()


# Reader reports ----------------------------------------------------------------------------


class AlreadyReported(Exception):
    """This browser has reported this comment before."""


@transaction.atomic
def comment_report(
    *, comment: Comment, reason: str, note: str, reporter: str, ip_address: str | None
) -> Report:
    """Record a reader's report; reports from enough networks hide a public comment.

    ``reporter`` tells browsers apart (one report per comment per browser) and ``ip_address``
    gives the network the report comes from (``identity.report_network``: IPv4 /24, IPv6
    /64); only keyed hashes of both are stored. The comment is hidden (pending, reason
    "reported") when ``COMMENTS_REPORT_THRESHOLD`` networks a moderator has not yet heard
    from have open reports on it (``ReportQuerySet.new_source_count``), so fresh cookie jars
    on one network count once, and after a moderator keeps the comment only new networks
    count. A moderator's own reply is never hidden, only listed for the moderators.

    Raises AlreadyReported when this browser has reported this comment before, and
    ``ratelimit.RateLimited`` when its network sent too many reports (``ratelimit.REPORTS``);
    neither stores a report or hides anything.
    """
    comment = Comment.objects.filter(pk=comment.pk).for_writing().get()
    reporter_key = keyed_digest("report", reporter)
    if comment.reports.filter(reporter_key=reporter_key).exists():
        raise AlreadyReported
    ratelimit.check(ratelimit.REPORTS, ip_address=ip_address)
    network = report_network(ip_address)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                comment=comment,
                reason=reason,
                note=note,
                reporter_key=reporter_key,
                source_key=keyed_digest("report-source", network) if network else "",
            )
    except IntegrityError:
        raise AlreadyReported from None
    Comment.objects.filter(pk=comment.pk).refresh_reported_at()
    threshold = site_settings.report_threshold()
    if comment.status != Status.APPROVED or comment.by_moderator or not threshold:
        return report
    sources = comment.reports.new_source_count()
    if sources >= threshold:
        _hide_reported(comment, sources=sources)
    return report


def _hide_reported(comment: Comment, *, sources: int) -> None:
    message = ngettext(
        "reported from %(count)d network", "reported from %(count)d networks", sources
    ) % {"count": sources}
    comment.status = Status.PENDING
    comment.hold_reasons = [
        *(
            r
            for r in comment.hold_reasons
            if not (isinstance(r, dict) and r.get("code") == "reported")
        ),
        hold_reason("reported", message),
    ]
    comment.save(update_fields=["status", "hold_reasons", "updated_at"])
    lifecycle.log(
        comment,
        moderator=None,
        action=ModerationLog.Action.HIDE,
        from_status=Status.APPROVED,
        to_status=Status.PENDING,
        note=message,
    )
    lifecycle.status_changed(comment, previous=Status.APPROVED)
