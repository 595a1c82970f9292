"""The comment section's mail, sent by Django tasks (``django.tasks``).

Every task takes ids, reads the current state of the database, and decides again whether
anything is still worth sending: a task may run seconds (or, on a busy worker, minutes) after it
was queued, and a comment may have been approved, removed or replied to in the meantime.
Each returns what it did (a count or a flag), which the task backend keeps as the result.
"""

import logging
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import mail, ratelimit, signed_links
from .identity import KNOWN_EMAIL_NEW_BROWSER, normalize_email
from .models import Comment, ModerationLog, ModeratorMail, Subscriber
from .models.expressions import InIds
from .plain_text import plain_text, text_excerpt

logger = logging.getLogger(__name__)

# At most one mail a minute to each moderator address; a burst becomes one digest.
MODERATOR_MAIL_INTERVAL = timedelta(seconds=60)
# How far back a moderator's first mail looks for held comments.
NEW_MODERATOR_LOOKBACK = timedelta(hours=24)
DIGEST_LIMIT = 50
EXCERPT_CHARACTERS = 300
# A reply is announced once, even if it is unpublished and approved again later.
REPLY_MAIL_MEMORY = 60 * 60 * 24 * 90

Status = Comment.Status


# Moderators --------------------------------------------------------------------------------


@task
def notify_moderators(emails: list[str] | None = None) -> int:
    """Mail each moderator the comments held since their last mail; returns mails sent.

    ``emails`` limits the run to those moderator addresses (a deferred digest); addresses that
    are no longer moderators are skipped.

    No address gets more than one mail a minute. When a mail is due less than a minute after
    the last one, what happens depends on the task backend: if it supports deferred tasks, this
    task is queued again for the end of that minute and the digest goes out then; if it does not
    (the ImmediateBackend used locally), nothing is sent now, and the next held comment after
    the minute carries all of these in its digest, since each mail lists everything held since
    the recipient's previous mail.
    """
    recipients = mail.moderator_emails()
    if emails is not None:
        wanted = {normalize_email(email) for email in emails}
        recipients = [email for email in recipients if email in wanted]
    sent = 0
    for email in recipients:
        did_send, due_at = _notify_moderator(email)
        sent += did_send
        if due_at is not None:
            _defer_digest(email, due_at)
    return sent


def _notify_moderator(email: str) -> tuple[bool, datetime | None]:
    """Send this moderator their digest if one is due: (sent, when it may go out if it must
    wait for the end of the minute)."""
    with transaction.atomic():
        now = timezone.now()
        ModeratorMail.objects.get_or_create(
            email=email, defaults={"last_sent_at": now - NEW_MODERATOR_LOOKBACK}
        )
        # Locked until the mail is sent and recorded, so two workers never both send it, and a
        # failed send leaves last_sent_at alone for the next digest to pick these up.
        state = ModeratorMail.objects.select_for_update().get(email=email)
        held = _held_between(state.last_sent_at, now)
        total = held.count()
        if not total:
            return False, None
        if now - state.last_sent_at < MODERATOR_MAIL_INTERVAL:
            return False, state.last_sent_at + MODERATOR_MAIL_INTERVAL
        _send_moderator_mail(email, list(held[:DIGEST_LIMIT]), total)
        state.last_sent_at = now
        state.save(update_fields=["last_sent_at"])
    return True, None


def _held_between(since, until):
    """Comments still pending that were posted, or put back on hold, in (since, until].

    Their ids first, from two index ranges of that interval (the pending comments by date, the
    log by date), then those comments by primary key: one filter with an OR of both probed
    the log for every pending comment of the site (0.26 s at 80,000 pending, on every held
    comment).
    """
    pending = Comment.objects.filter(status=Status.PENDING)
    posted = pending.filter(created_at__gt=since, created_at__lte=until).values_list("pk")
    put_on_hold = ModerationLog.objects.filter(
        to_status=Status.PENDING, created_at__gt=since, created_at__lte=until
    ).values_list("comment_id")
    ids = {pk for (pk,) in posted} | {pk for (pk,) in put_on_hold if pk is not None}
    # One parameter however many (``InIds``): a long mail outage can hold tens of thousands.
    held = pending.filter(InIds("pk", sorted(ids)))
    return held.select_related("article").order_by("created_at", "pk")


def _defer_digest(email: str, retry_at: datetime) -> None:
    backend = notify_moderators.get_backend()
    if not backend.supports_defer:
        return
    # A burst of held comments queues one deferred digest per address, not one per comment.
    if cache.add(f"comments:moderator-digest:{email}:{retry_at.timestamp()}", True, 300):
        notify_moderators.using(run_after=retry_at).enqueue(emails=[email])


def _send_moderator_mail(email: str, comments: list[Comment], total: int) -> None:
    links = signed_links.moderation_links(email=email, comment_ids=[c.pk for c in comments])
    items = [
        {
            "article_title": comment.article.title,
            "author_name": mail.isolated(comment.author_name),
            "author_email": comment.author_email,
            "reasons": "; ".join(
                mail.one_line(text) for text, _verdict in comment.hold_reason_list()
            )
            or _("no reason recorded"),
            "excerpt": Truncator(mail.one_line(comment.body)).chars(EXCERPT_CHARACTERS),
            "review_url": mail.site_url(f"/moderation/comment/{comment.pk}/"),
            "actions": links.get(comment.pk, {}),
        }
        for comment in comments
    ]
    if total == 1:
        subject = _("Comment held for moderation on “%(title)s”") % {
            "title": comments[0].article.title
        }
    else:
        subject = ngettext(
            "%(count)d comment held for moderation",
            "%(count)d comments held for moderation",
            total,
        ) % {"count": total}
    mail.send(
        to=email,
        subject=subject,
        template="emails/moderators_held_comments.txt",
        context={
            "comments": items,
            "total": total,
            "more": total - len(items),
            "queue_url": mail.site_url("/moderation/?status=pending"),
            "action_days": signed_links.MODERATE.max_age.days,
        },
    )


# Reply subscriptions -----------------------------------------------------------------------


@task
def request_subscription(comment_pk: int) -> bool:
    """Start double opt-in for the author of this comment; True if a confirmation was sent.

    Nothing is sent to an address that has already confirmed, that got a confirmation mail in
    the last 24 hours, or for a comment that went to spam or was removed (a spammer must not be
    able to make the site mail a stranger).
    """
    comment = Comment.objects.filter(pk=comment_pk).first()
    if (
        comment is None
        or not comment.notify_replies
        or comment.status in (Status.SPAM, Status.REMOVED)
    ):
        return False
    email = normalize_email(comment.author_email)
    if not email:
        return False
    subscriber, _created = Subscriber.objects.get_or_create(email=email)
    return confirmation_mail(subscriber.pk)


@task
def send_subscription_confirmation(subscriber_pk: int) -> bool:
    """Mail this address a link confirming what waits for confirmation (reply notifications,
    followed articles or both, ``Subscriber.confirmation_topics``); nothing when nothing waits
    or it got a confirmation mail in the last day. Returns True if a mail was sent.
    """
    return confirmation_mail(subscriber_pk)


def confirmation_mail(subscriber_pk: int) -> bool:
    """Send the confirmation mail now (the task's body, for other tasks that must send it in
    their own run); see ``send_subscription_confirmation``."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_pk).first()
        if subscriber is None:
            return False
        now = timezone.now()
        if subscriber.confirmation_recently_sent(now=now):
            return False
        # One mail names everything the link confirms: replies, followed articles, or both.
        topics = subscriber.confirmation_topics()
        if not topics:
            return False
        mail.send(
            to=subscriber.email,
            subject=mail.confirmation_subject(topics),
            template="emails/subscription_confirm.txt",
            context={
                "replies": topics.replies,
                "titles": topics.titles,
                "confirm_url": confirmation_url(subscriber),
                "unsubscribe_url": unsubscribe_url(subscriber),
                "unsubscribe_valid_until": now + signed_links.UNSUBSCRIBE.max_age,
                "valid_days": signed_links.CONFIRM.max_age.days,
            },
            headers=mail.unsubscribe_headers(unsubscribe_url(subscriber)),
        )
        subscriber.confirmation_sent_at = now
        subscriber.save(update_fields=["confirmation_sent_at"])
    return True


@task
def notify_reply(comment_pk: int) -> bool:
    """Tell the author of the comment this approved reply answers; True if a mail was sent.

    Sent only when that comment asked for replies, its author's address is confirmed and not
    unsubscribed, and the reply is not by that same address; at most once per reply. The
    replier's email never appears in the mail (nor as Reply-To).
    """
    reply = (
        Comment.objects.select_related("article", "parent", "in_reply_to")
        .filter(pk=comment_pk)
        .first()
    )
    if reply is None or reply.status != Status.APPROVED:
        return False
    parent = reply.in_reply_to or reply.parent
    if parent is None:
        return False
    if not parent.notify_replies or parent.status != Status.APPROVED:
        return False
    email = normalize_email(parent.author_email)
    if not email or normalize_email(reply.author_email) == email:
        return False
    subscriber = Subscriber.objects.filter(email=email).first()
    if subscriber is None or not subscriber.is_active:
        return False
    # Comment ids can be reused after a database is rebuilt; the creation time makes it unique.
    once = f"comments:reply-mail:{reply.pk}:{reply.created_at.timestamp()}"
    if not cache.add(once, True, REPLY_MAIL_MEMORY):
        return False
    try:
        unsubscribe_link = unsubscribe_url(subscriber)
        mail.send(
            to=subscriber.email,
            subject=_("%(name)s replied to your comment on “%(title)s”")
            % {"name": mail.isolated(reply.author_name), "title": reply.article.title},
            template="emails/reply_published.txt",
            context={
                "reply_author": mail.isolated(reply.author_name),
                "by_moderator": reply.by_moderator,
                "article_title": reply.article.title,
                # What readers saw (the sanitized HTML's text), not the markup typed.
                "reply_text": plain_text(reply.body_html),
                "your_excerpt": text_excerpt(parent.body_html, EXCERPT_CHARACTERS),
                "reply_url": mail.site_url(reply.get_absolute_url()),
                "unsubscribe_url": unsubscribe_link,
                "unsubscribe_valid_until": timezone.now() + signed_links.UNSUBSCRIBE.max_age,
            },
            headers=mail.unsubscribe_headers(unsubscribe_link),
        )
    except Exception:
        cache.delete(once)  # let a retry send it
        raise
    return True


def confirmation_url(subscriber: Subscriber) -> str:
    """The absolute double opt-in link; it works for ``signed_links.CONFIRM.max_age``."""
    token = signed_links.make(signed_links.CONFIRM, email=subscriber.email, subscriber=subscriber)
    return signed_links.url(signed_links.CONFIRM, token)


def unsubscribe_url(subscriber: Subscriber) -> str:
    """The absolute one-click unsubscribe link; it works for ``signed_links.UNSUBSCRIBE.max_age``
    (every mail carries a new one)."""
    kind = signed_links.UNSUBSCRIBE
    token = signed_links.make(kind, email=subscriber.email, subscriber=subscriber)
    return signed_links.url(kind, token)


# Returning commenters ----------------------------------------------------------------------


@task
def send_commenter_confirmation(comment_pk: int) -> bool:
    """Mail "confirm it's you" to the address of a comment held as from a new browser.

    Queued for every comment held as a first comment or as a known address's from a new
    browser, so that posting does the same work either way; it sends only for the latter,
    while the comment is still held, and at most one mail a day to an address
    (``ratelimit.COMMENTER_CONFIRMATIONS``). Returns True if a mail was sent.
    """
    comment = Comment.objects.select_related("article").filter(pk=comment_pk).first()
    if comment is None or comment.status != Status.PENDING or not comment.author_email:
        return False
    codes = {reason.get("code") for reason in comment.hold_reasons if isinstance(reason, dict)}
    if KNOWN_EMAIL_NEW_BROWSER not in codes:
        return False
    try:
        ratelimit.check(ratelimit.COMMENTER_CONFIRMATIONS, email=comment.author_email)
    except ratelimit.RateLimited:
        return False
    kind = signed_links.COMMENTER
    token = signed_links.make(kind, email=comment.author_email, comment_id=comment.pk)
    mail.send(
        to=comment.author_email,
        subject=_("Was it you? A comment on “%(title)s”") % {"title": comment.article.title},
        template="emails/commenter_confirm.txt",
        context={
            "article_title": comment.article.title,
            "confirm_url": signed_links.url(kind, token),
            "valid_days": kind.max_age.days,
        },
    )
    return True
