"""What a commenter gets when they ask for their data: everything stored under the address.

Shapes: ``commenter_export(email=...)`` returns JSON-ready data (strings, numbers, lists, None;
times in ISO 8601). Raises ValueError for an incomplete address.
"""

from django.conf import settings
from django.utils import timezone

from .. import mail
from ..identity import normalize_email
from ..models import Ban, Comment, ModeratorMail, Subscriber


def require_email(email: str) -> str:
    """The normalised address; a blank one would match every anonymised comment."""
    normalised = normalize_email(email or "")
    if "@" not in normalised:
        raise ValueError("A data-rights request needs a complete email address.")
    return normalised


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None


REPORTS_MADE_NOTE = (
    "Reports you made about other people's comments are not stored under your email address. "
    "For each report we keep only the comment, the reason and any details you typed, and a "
    "keyed hash of your browser session (so one browser can report a comment once) and of "
    "your network (so many browsers on one network count once). Those hashes "
    "cannot be traced back to you or to this address, so there are no reports we can find, "
    "export or delete by email."
)
BANS_NOTE = (
    "If moderators banned this address, the ban is kept after an erasure request so that the "
    "site stays protected from abuse; it is listed here so you know it exists."
)


def commenter_export(*, email: str) -> dict:
    """Everything stored under the address (any letter case), as JSON-ready data.

    Their comments with every stored field (status, IP address, user agent, times, the article's
    title and address, what moderators did with them), their reply subscription, a moderator
    mail record if the address is a moderator's, bans naming the address, and a note explaining
    why reports they made cannot be found by email.
    """
    email = require_email(email)
    comments = (
        Comment.objects.by_author(email)
        .select_related("article")
        .prefetch_related("log", "appeals")
        .order_by("created_at", "pk")
    )
    subscriber = Subscriber.objects.filter(email=email).first()
    moderator_mail = ModeratorMail.objects.filter(email=email).first()
    bans = Ban.objects.for_email(email).order_by("created_at")
    return {
        "generated_at": iso(timezone.now()),
        "site": settings.SITE_NAME,
        "site_url": mail.site_url(),
        "email": email,
        "comments": [_comment_data(comment) for comment in comments],
        "reply_subscription": _subscriber_data(subscriber),
        "moderator_mail": (
            {
                "email": moderator_mail.email,
                "last_sent_at": iso(moderator_mail.last_sent_at),
            }
            if moderator_mail
            else None
        ),
        "bans": [
            {
                "value": ban.value,
                "reason": ban.reason,
                "created_at": iso(ban.created_at),
                "expires_at": iso(ban.expires_at),
                "lifted_at": iso(ban.lifted_at),
            }
            for ban in bans
        ],
        "bans_note": BANS_NOTE,
        "reports_made": [],
        "reports_made_note": REPORTS_MADE_NOTE,
    }


def _comment_data(comment: Comment) -> dict:
    article = comment.article
    return {
        "id": comment.pk,
        "article": {
            "title": article.title,
            "url": mail.site_url(article.get_absolute_url()),
        },
        "url": (mail.site_url(comment.get_absolute_url()) if comment.is_public else None),
        "in_reply_to": comment.in_reply_to_id or comment.parent_id,
        "shown_under": comment.parent_id,
        "depth": comment.depth,
        "root": comment.root_id,  # the top-level comment of its conversation (None: it is one)
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "author_url": comment.author_url,
        "body": comment.body,
        "body_html": comment.body_html,
        # A hash of the text in lower case, used to spot the same text posted twice.
        "text_fingerprint": comment.text_fingerprint,
        "status": comment.status,
        "status_label": str(comment.get_status_display()),
        "hold_reasons": comment.hold_reasons,
        "created_at": iso(comment.created_at),
        "updated_at": iso(comment.updated_at),
        "edited_at": iso(comment.edited_at),  # when its author last edited it
        "ip_address": comment.ip_address,
        "user_agent": comment.user_agent,
        "notify_replies": comment.notify_replies,
        "posted_as_moderator": comment.by_moderator,
        "by_expert": comment.by_expert,  # an expert's answer (Q&A mode)
        "answered_at": iso(comment.answered_at),  # a question an expert answered
        "helpful_count": comment.helpful_count,  # readers' "Helpful" votes (who: not kept)
        "picked_at": iso(comment.picked_at),  # made an editors' pick
        # The day readers' reports on it began to wait for a moderator: the day only, so the
        # time does not point at a reader (who reported is not kept).
        "reported_at": comment.reported_at.date().isoformat() if comment.reported_at else None,
        # Imported comments: where they came from, and whether they vouch for the address.
        "source_system": comment.source_system,
        "source_id": comment.source_id,
        "source_parent_id": comment.source_parent_id,  # a reply whose parent was not imported
        "makes_author_known": comment.makes_author_known,
        "posted_from_staff_account": comment.user_id is not None,
        # What happened to the comment; which moderator did it is theirs, not the commenter's.
        "moderation_history": [
            {
                "action": entry.action,
                "from_status": entry.from_status,
                "to_status": entry.to_status,
                "note": entry.note,
                "at": iso(entry.created_at),
            }
            for entry in sorted(comment.log.all(), key=lambda entry: (entry.created_at, entry.pk))
        ],
        # Their appeals against removals (who decided is the moderators', not theirs).
        "appeals": [
            {
                "text": appeal.text,
                "filed_at": iso(appeal.created_at),
                "status": appeal.status,
                "decided_at": iso(appeal.decided_at),
                "decision_note": appeal.decision_note,
            }
            for appeal in comment.appeals.all()
        ],
    }


def _subscriber_data(subscriber: Subscriber | None) -> dict | None:
    if subscriber is None:
        return None
    return {
        "email": subscriber.email,
        "created_at": iso(subscriber.created_at),
        "confirmation_sent_at": iso(subscriber.confirmation_sent_at),
        "confirmed_at": iso(subscriber.confirmed_at),
        "unsubscribed_at": iso(subscriber.unsubscribed_at),
        "last_digest_at": iso(subscriber.digest_sent_at),
        "followed_articles": [  # deleted with the subscription on erasure
            {
                "title": follow.article.title,
                "asked_at": iso(follow.created_at),
                "confirmed_at": iso(follow.confirmed_at),
            }
            for follow in subscriber.follows.select_related("article").order_by("pk")
        ],
    }
