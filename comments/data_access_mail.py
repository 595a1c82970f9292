"""The data-access link by mail: a commenter proves an address is theirs by opening it.

``queue_data_access_link(email)`` hands the address to the task through the shared cache;
``send_data_access_link`` mails the link (``signed_links.DATA_ACCESS``) if anything is stored
under the address; ``data_access_token`` makes the token.
"""

import logging
import secrets

from django.core.cache import cache
from django.tasks import task
from django.utils.translation import gettext as _

from . import mail, signed_links
from .identity import normalize_email
from .models import Comment, Subscriber

logger = logging.getLogger(__name__)

# How long a request waits in the cache for the task that mails the link.
REQUEST_HANDOFF_TIMEOUT = 60 * 60
_HANDOFF_KEY = "privacy:link-request:{}"


def queue_data_access_link(email: str) -> None:
    """Queue the data-access mail for the address; the task decides whether to send it.

    The task gets a random key to the address in the shared cache, not the address: task
    arguments are stored in the task queue's table, which outlives an erasure.
    """
    key = secrets.token_urlsafe(18)
    cache.set(_HANDOFF_KEY.format(key), normalize_email(email), REQUEST_HANDOFF_TIMEOUT)
    send_data_access_link.enqueue(key)


def data_access_token(email: str) -> str | None:
    """A data-access token for the address, or None if nothing is stored under it.

    It names the newest comment under the address, else its reply subscription.
    """
    email = normalize_email(email)
    kind = signed_links.DATA_ACCESS
    comment_pk = (
        Comment.objects.by_author(email).order_by("-created_at", "-pk").values_list("pk", flat=True)
    ).first()
    if comment_pk is not None:
        return signed_links.make(kind, email=email, comment_id=comment_pk)
    subscriber = Subscriber.objects.filter(email=email).first()
    if subscriber is None:
        return None
    return signed_links.make(kind, email=email, subscriber=subscriber)


@task
def send_data_access_link(request_key: str) -> bool:
    """Mail the data-access link if anything is stored under the requested address.

    Returns True if a mail was sent. The address is read from (and removed from) the shared
    cache; if it is not there (taken already, expired, or a worker without the shared cache),
    nothing is sent.
    """
    key = _HANDOFF_KEY.format(request_key)
    email = cache.get(key)
    cache.delete(key)
    if not email:
        logger.warning(
            "A data-access request was not found in the cache: it expired, was sent already, "
            "or the task worker does not share the web processes' cache (set REDIS_URL)."
        )
        return False
    token = data_access_token(email)
    if token is None:
        return False
    mail.send(
        to=email,
        subject=_("Your comments and data"),
        template="privacy/email_data_link.txt",
        context={
            "link": signed_links.url(signed_links.DATA_ACCESS, token),
            "lifetime": mail.duration_text(signed_links.DATA_ACCESS.max_age.total_seconds()),
        },
    )
    return True
