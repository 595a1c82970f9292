"""Data rights for commenters without accounts: export, anonymise, erase, and the magic link.

A commenter proves they own an address by opening a link mailed to it
(``signed_links.DATA_ACCESS``: signed, one hour, once); opening it gives that browser session
``ACCESS_MAX_AGE`` of access to the data stored under the address. The services below are what
the pages (``views.py``) and the admin call. Every lookup is by the normalised address.

Nothing here writes the address where it was not already stored: the link carries a reference
to a row and a keyed hash of the address; the task that mails it gets a random key to a
short-lived cache entry, not the address; audit notes never mention it.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import data_access_mail, lifecycle, ratelimit, signed_links
from ..models import Appeal, Comment, ModerationLog, ModeratorMail, Subscriber
from .export import commenter_export as commenter_export  # the area's services, in one place
from .export import require_email

LINK_MAX_AGE = signed_links.DATA_ACCESS.max_age
ACCESS_MAX_AGE = timedelta(hours=1)
ANONYMOUS_NAME = "Anonymous"
ERASED_ADDRESS = "[address erased]"


def _scrub(text: str, email: str) -> str:
    """``text`` with every spelling of the address (any letter case) replaced."""
    return re.sub(re.escape(email), ERASED_ADDRESS, text, flags=re.IGNORECASE)


def _scrub_reasons(reasons, email: str):
    """Hold reasons with the address removed (a ban's reason names the banned address)."""
    if not isinstance(reasons, list):
        return reasons
    scrubbed = []
    for reason in reasons:
        if isinstance(reason, dict):
            reason = {
                key: _scrub(value, email) if isinstance(value, str) else value
                for key, value in reason.items()
            }
        scrubbed.append(reason)
    return scrubbed


# Anonymise and erase -----------------------------------------------------------------------


def _forget_address_elsewhere(email: str) -> tuple[int, int]:
    """Delete the subscription and moderator-mail rows; scrub the address from log notes.

    Returns (subscriptions deleted, moderator-mail rows deleted).
    """
    subscriptions, _detail = Subscriber.objects.filter(email=email).delete()
    moderator_mails, _detail = ModeratorMail.objects.filter(email=email).delete()
    # A ban's log note names the banned address.
    for entry in ModerationLog.objects.filter(note__icontains=email).only("pk", "note"):
        entry.note = _scrub(entry.note, email)
        entry.save(update_fields=["note"])
    return subscriptions, moderator_mails


def _audit(*, action: str, moderator, summary: str, actor_description: str, email: str) -> None:
    """The audit row of a data-rights act; it never names the address."""
    actor = _scrub(actor_description or "", email).strip()
    note = f"{summary} ({actor})" if actor else summary
    lifecycle.log(None, moderator=moderator, action=action, note=note)


def _also_deleted(subscriptions: int, moderator_mails: int) -> str:
    parts = []
    if subscriptions:
        parts.append(_("reply subscription deleted"))
    if moderator_mails:
        parts.append(_("moderator mail record deleted"))
    return "".join(f"; {part}" for part in parts)


@transaction.atomic
def commenter_anonymise(*, email: str, actor_description: str, moderator=None) -> int:
    """Strip the commenter from their comments but keep the words; returns comments changed.

    The name becomes "Anonymous"; email, website, IP address, user agent, the staff account
    link and the reply-notification wish are cleared; the address is taken out of the hold
    reasons. The text (``body`` and ``body_html``) and the status stay as they are. The reply
    subscription and any moderator-mail row for the address are deleted. Writes one
    ``ModerationLog`` row (action "edit", no comment) whose note does not name the address.
    """
    email = require_email(email)
    comments = list(Comment.objects.by_author(email).for_writing())
    now = timezone.now()
    for comment in comments:
        comment.author_name = ANONYMOUS_NAME
        comment.author_email = ""
        comment.author_url = ""
        comment.ip_address = None
        comment.user_agent = ""
        comment.user = None
        comment.notify_replies = False
        comment.hold_reasons = _scrub_reasons(comment.hold_reasons, email)
        comment.updated_at = now
    # bulk_update, not save(): save() would sanitize the text again, and the text stays as is.
    Comment.objects.bulk_update(
        comments,
        [
            "author_name",
            "author_email",
            "author_url",
            "ip_address",
            "user_agent",
            "user",
            "notify_replies",
            "hold_reasons",
            "updated_at",
        ],
    )
    lifecycle.thread_changed(comment.article_id for comment in comments)
    # An appeal is the commenter's own words, kept like the comment's; their address goes.
    for appeal in Appeal.objects.filter(comment__in=comments, text__icontains=email):
        appeal.text = _scrub(appeal.text, email)
        appeal.save(update_fields=["text"])
    subscriptions, moderator_mails = _forget_address_elsewhere(email)
    summary = ngettext(
        "Data-rights anonymisation: %(count)d comment anonymised",
        "Data-rights anonymisation: %(count)d comments anonymised",
        len(comments),
    ) % {"count": len(comments)}
    _audit(
        action=ModerationLog.Action.EDIT,
        moderator=moderator,
        summary=summary + _also_deleted(subscriptions, moderator_mails),
        actor_description=actor_description,
        email=email,
    )
    return len(comments)


@transaction.atomic
def commenter_erase(*, email: str, actor_description: str, moderator=None) -> int:
    """Delete every comment under the address; returns how many were deleted.

    Replies by other people survive: each is moved to the nearest surviving ancestor of the
    comment it answered (or to the top level), and the thread depths are recomputed. Reports on
    the deleted comments go with them; their moderation-log rows stay, without the comment, and
    with the old text a moderator edit kept erased. The reply subscription and any
    moderator-mail row are deleted. Writes one ``ModerationLog`` row (action "remove", no
    comment) whose note does not name the address.
    """
    email = require_email(email)
    doomed = {comment.pk: comment for comment in Comment.objects.by_author(email).for_writing()}
    orphans = list(
        Comment.objects.filter(parent_id__in=doomed).exclude(pk__in=doomed).for_writing()
    )
    for orphan in orphans:
        parent_id = orphan.parent_id
        while parent_id in doomed:
            parent_id = doomed[parent_id].parent_id
        orphan.parent_id = parent_id
    Comment.objects.bulk_update(orphans, ["parent"])

    # An edit (a moderator's or the author's own) keeps the previous text in the log: that
    # text is the commenter's too.
    ModerationLog.objects.filter(
        comment_id__in=doomed,
        action__in=[ModerationLog.Action.EDIT, ModerationLog.Action.SELF_EDIT],
    ).update(note=_("(previous text erased at the commenter's request)"))
    # Depths and conversation tops follow the moved replies before the deletion.
    lifecycle.recompute_depths({orphan.article_id for orphan in orphans})
    Comment.objects.filter(pk__in=doomed).delete()
    lifecycle.thread_changed(comment.article_id for comment in doomed.values())

    subscriptions, moderator_mails = _forget_address_elsewhere(email)
    summary = ngettext(
        "Data-rights erasure: %(count)d comment deleted",
        "Data-rights erasure: %(count)d comments deleted",
        len(doomed),
    ) % {"count": len(doomed)}
    if orphans:
        summary += ngettext(
            "; %(count)d reply by others kept and moved up the thread",
            "; %(count)d replies by others kept and moved up the thread",
            len(orphans),
        ) % {"count": len(orphans)}
    _audit(
        action=ModerationLog.Action.REMOVE,
        moderator=moderator,
        summary=summary + _also_deleted(subscriptions, moderator_mails),
        actor_description=actor_description,
        email=email,
    )
    return len(doomed)


# Retention ---------------------------------------------------------------------------------


def ip_retention_days() -> int:
    return int(getattr(settings, "COMMENTS_IP_RETENTION_DAYS", 30))


def purge_request_data(*, older_than_days: int) -> int:
    """Clear the IP address and user agent of comments posted more than that many days ago.

    Returns how many comments still had either and were cleared.
    """
    cutoff = timezone.now() - timedelta(days=older_than_days)
    return (
        Comment.objects.filter(created_at__lt=cutoff)
        .filter(Q(ip_address__isnull=False) | ~Q(user_agent=""))
        .update(ip_address=None, user_agent="")
    )


# The data-access link ----------------------------------------------------------------------


def data_access_requested(*, email: str, ip_address: str | None) -> None:
    """Someone asked for a data-access link: queue the mail unless a rate limit says no.

    Says nothing back either way: the page answers the same whether anything is stored under
    the address, whether a limit stopped it, whether a mail goes out (the task decides).
    """
    try:
        ratelimit.check(ratelimit.DATA_LINK_REQUESTS, ip_address=ip_address, email=email)
    except ratelimit.RateLimited:
        return
    data_access_mail.queue_data_access_link(email)


def data_access_check(token: str) -> str:
    """The address a data-access link is for, without using it up; raises InvalidLink."""
    return signed_links.target(signed_links.DATA_ACCESS, token).email


def data_access_redeem(token: str) -> str:
    """The address a data-access link is for, using it up; raises InvalidLink."""
    return signed_links.redeem(signed_links.DATA_ACCESS, token).email
