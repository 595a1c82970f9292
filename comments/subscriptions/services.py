"""Reply subscriptions: the writes behind the links in the mail (double opt-in, RFC 8058).

The mail itself is sent by tasks (``tasks.request_subscription``, ``tasks.notify_reply``);
links are ``signed_links.CONFIRM`` and ``signed_links.UNSUBSCRIBE``.
"""

from django.db import transaction
from django.utils import timezone

from .. import signed_links, tasks
from ..models import Subscriber


def subscriber_from_link(kind: signed_links.Kind, token: str) -> Subscriber:
    """The subscriber a confirm or unsubscribe link names; raises ``signed_links.InvalidLink``."""
    subscriber = signed_links.target(kind, token).subscriber
    if subscriber is None:
        raise signed_links.InvalidLink
    return subscriber


@transaction.atomic
def subscriber_confirm(*, subscriber: Subscriber) -> Subscriber:
    """Confirm the address (again): reply notifications start, an unsubscribe is undone, and
    the article follows it asked for (``ArticleFollow``) start too."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    subscriber.follows.pending().update(confirmed_at=timezone.now())
    if subscriber.is_active:
        return subscriber
    subscriber.confirmed_at = timezone.now()
    subscriber.unsubscribed_at = None
    subscriber.save(update_fields=["confirmed_at", "unsubscribed_at"])
    return subscriber


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber) -> Subscriber:
    """Stop every mail about comments to the address (replies and followed articles);
    repeating it changes nothing."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["unsubscribed_at"])
    return subscriber


def subscriber_resubscribe(*, subscriber: Subscriber) -> str:
    """ "Subscribe again" after unsubscribing: a new confirmation mail, at most one a day.

    Returns what happened: "active" (nothing to do), "recently_sent" or "sent".
    """
    if subscriber.is_active:
        return "active"
    if subscriber.confirmation_recently_sent():
        return "recently_sent"
    tasks.send_subscription_confirmation.enqueue(subscriber.pk)
    return "sent"
