"""Who hears of what: moderators of held comments, subscribers of replies.

The three notification functions at the top are called once the posting or moderation
transaction has committed; they only queue Django tasks (with ids, never objects, so a
worker can run them anywhere) and the mail itself is sent by the tasks in ``tasks.py``.

Below them sit the pieces the tasks and the subscription pages share: the recipients, and the
signed links of the double opt-in and the one-click unsubscribe (the writes those clicks make
are services: ``services.subscriber_confirm`` and ``services.subscriber_unsubscribe``).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import Subscriber

MODERATORS_GROUP = "Moderators"
# One confirmation mail per address per day, so the comment form cannot mail-bomb anyone.
CONFIRMATION_INTERVAL = timedelta(hours=24)
CONFIRMATION_MAX_AGE = timedelta(days=7)

_CONFIRM_SALT = "comments.subscriptions.confirm"
_UNSUBSCRIBE_SALT = "comments.subscriptions.unsubscribe"
_EMAIL_FINGERPRINT_SALT = "comments.subscriptions.email"


# What the posting and moderation services call -------------------------------------------


def held_comment_queued() -> None:
    """A comment is now held for moderation: tell the moderators (throttled, digested)."""
    from .tasks import notify_moderators

    notify_moderators.enqueue()


def reply_published(comment_pk: int) -> None:
    """An approved reply is now public: tell its parent's author if they subscribed."""
    from .tasks import notify_reply

    notify_reply.enqueue(comment_pk)


def subscription_requested(comment_pk: int) -> None:
    """The commenter ticked "Notify me of replies by email": start or reuse double opt-in."""
    from .tasks import request_subscription

    request_subscription.enqueue(comment_pk)


def resubscription_requested(subscriber_pk: int) -> None:
    """An unsubscribed address asked to hear of replies again: it confirms once more."""
    from .tasks import send_subscription_confirmation

    send_subscription_confirmation.enqueue(subscriber_pk)


# Recipients and links ----------------------------------------------------------------------


def normalize_email(email: str) -> str:
    """The form an address is stored and compared in: stripped, lower case."""
    return email.strip().lower()


def moderator_emails() -> list[str]:
    """Who hears of held comments, in lower case, each address once.

    ``COMMENTS_MODERATOR_EMAILS`` first, then the active members of the Moderators group
    (superusers outside the group are not included: being an admin is not volunteering to
    moderate).
    """
    user_model = get_user_model()
    email_field = user_model.get_email_field_name()
    members = (
        user_model._default_manager.filter(is_active=True, groups__name=MODERATORS_GROUP)
        .exclude(**{email_field: ""})
        .order_by("pk")
        .values_list(email_field, flat=True)
    )
    seen: dict[str, None] = {}
    for email in [*settings.COMMENTS_MODERATOR_EMAILS, *members]:
        address = normalize_email(email or "")
        if address:
            seen.setdefault(address, None)
    return list(seen)


def site_url(path: str = "") -> str:
    """An absolute URL on the public site, for links in mail (no request to build it from)."""
    base = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    return f"{base}{path}"


def _email_fingerprint(email: str) -> str:
    # The token is signed, not encrypted: carrying the address itself would put it, readable,
    # into every proxy and access log the link passes. A keyed hash still binds the link to the
    # address (a reused id with another address does not match) without revealing it.
    return salted_hmac(
        _EMAIL_FINGERPRINT_SALT, normalize_email(email), algorithm="sha256"
    ).hexdigest()[:24]


def _token(subscriber: Subscriber, *, salt: str) -> str:
    return signing.dumps({"s": subscriber.pk, "e": _email_fingerprint(subscriber.email)}, salt=salt)


def confirmation_url(subscriber: Subscriber) -> str:
    """The absolute double opt-in link; it works for ``CONFIRMATION_MAX_AGE``."""
    token = _token(subscriber, salt=_CONFIRM_SALT)
    return site_url(reverse("subscriptions:confirm", kwargs={"token": token}))


def unsubscribe_url(subscriber: Subscriber) -> str:
    """The absolute one-click unsubscribe link; it never expires."""
    token = _token(subscriber, salt=_UNSUBSCRIBE_SALT)
    return site_url(reverse("subscriptions:unsubscribe", kwargs={"token": token}))


class InvalidLink(Exception):
    """A subscription link that was altered, has expired, or names no subscriber."""

    def __init__(self, *, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _subscriber_from(token: str, *, salt: str, max_age: timedelta | None) -> Subscriber:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise InvalidLink(expired=True) from None
    except signing.BadSignature:
        raise InvalidLink from None
    if not isinstance(data, dict):
        raise InvalidLink
    subscriber = Subscriber.objects.filter(pk=data.get("s")).first()
    if subscriber is None or not constant_time_compare(
        str(data.get("e", "")), _email_fingerprint(subscriber.email)
    ):
        raise InvalidLink
    return subscriber


def subscriber_from_confirmation_token(token: str) -> Subscriber:
    """The subscriber a confirmation link names; raises InvalidLink (``expired`` says why)."""
    return _subscriber_from(token, salt=_CONFIRM_SALT, max_age=CONFIRMATION_MAX_AGE)


def subscriber_from_unsubscribe_token(token: str) -> Subscriber:
    """The subscriber an unsubscribe link names; raises InvalidLink."""
    return _subscriber_from(token, salt=_UNSUBSCRIBE_SALT, max_age=None)


def confirmation_recently_sent(subscriber: Subscriber, *, now=None) -> bool:
    """True while a new confirmation mail to this address would break the one-a-day limit."""
    sent = subscriber.confirmation_sent_at
    return sent is not None and (now or timezone.now()) - sent < CONFIRMATION_INTERVAL
