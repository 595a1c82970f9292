"""Every link the site mails: one token scheme, one error.

A token is Django-signed (tamper-proof, not secret) and names a stored row, ``{"c": comment
id}`` or ``{"s": subscriber id}``, plus a keyed hash of the address it was mailed to; never the
address itself, which would then sit readable in every proxy and access log the link passes.
Opening a link finds the row again and checks that it still belongs to that address (an
anonymised or erased row, or a reused id, no longer does). Single-use links remember in the
shared cache that they were used, so a second use fails in every app process.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from . import mail
from .identity import keyed_digest, normalize_email
from .models import Comment, Subscriber


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of link: what signs it, how long it works, where it leads."""

    salt: str
    url_name: str
    max_age: timedelta | None
    digest_purpose: str
    digest_length: int
    single_use: bool = False


CONFIRM = Kind(
    salt="comments.subscriptions.confirm",
    url_name="subscriptions:confirm",
    max_age=timedelta(days=7),
    digest_purpose="subscriptions.email",
    digest_length=24,
)
# Unsubscribe links never expire: a mail read a year later must still stop the mail.
UNSUBSCRIBE = Kind(
    salt="comments.subscriptions.unsubscribe",
    url_name="subscriptions:unsubscribe",
    max_age=None,
    digest_purpose="subscriptions.email",
    digest_length=24,
)
DATA_ACCESS = Kind(
    salt="comments.privacy.data-link",
    url_name="privacy:link",
    max_age=timedelta(hours=1),
    digest_purpose="privacy.email",
    digest_length=32,
    single_use=True,
)
_USED_KEY = "signed-link:used:{}"


class InvalidLink(Exception):
    """A mailed link that was altered, has expired, was used, or names nothing stored now.

    ``reason`` is one of ``INVALID``, ``EXPIRED``, ``USED``; the pages say it in words.
    """

    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"

    def __init__(self, reason: str = INVALID):
        super().__init__(reason)
        self.reason = reason

    @property
    def expired(self) -> bool:
        return self.reason == self.EXPIRED


@dataclass(frozen=True, slots=True)
class Target:
    """What an opened link names: the address (normalised) and the row it was made for."""

    email: str
    comment_id: int | None = None
    subscriber: Subscriber | None = None


def _digest(kind: Kind, email: str) -> str:
    return keyed_digest(kind.digest_purpose, normalize_email(email))[: kind.digest_length]


def make(kind: Kind, *, email: str, comment_id: int | None = None, subscriber=None) -> str:
    """A token for ``kind`` naming one comment or one subscriber stored under ``email``."""
    reference = {"c": comment_id} if comment_id is not None else {"s": subscriber.pk}
    payload = {**reference, "e": _digest(kind, email)}
    if kind.single_use:
        payload["n"] = secrets.token_urlsafe(6)  # every single-use link is a new one
    return signing.dumps(payload, salt=kind.salt)


def url(kind: Kind, token: str) -> str:
    """The absolute address of the link, for mail."""
    return mail.site_url(reverse(kind.url_name, kwargs={"token": token}))


def target(kind: Kind, token: str) -> Target:
    """What the link names, without using it up. Raises InvalidLink."""
    try:
        data = signing.loads(token, salt=kind.salt, max_age=kind.max_age)
    except signing.SignatureExpired:
        raise InvalidLink(InvalidLink.EXPIRED) from None
    except signing.BadSignature:
        raise InvalidLink from None
    if not isinstance(data, dict):
        raise InvalidLink
    found = _row(data)
    if found is None or not constant_time_compare(
        str(data.get("e", "")), _digest(kind, found.email)
    ):
        raise InvalidLink
    if kind.single_use and cache.get(_used_key(token)) is not None:
        raise InvalidLink(InvalidLink.USED)
    return found


def redeem(kind: Kind, token: str) -> Target:
    """What a single-use link names, marking it used in the shared cache. Raises InvalidLink."""
    found = target(kind, token)
    if kind.single_use and not cache.add(_used_key(token), True, _used_memory(kind)):
        raise InvalidLink(InvalidLink.USED)
    return found


def _row(data: dict) -> Target | None:
    if "c" in data:
        email = Comment.objects.filter(pk=data["c"]).values_list("author_email", flat=True).first()
        return Target(email=normalize_email(email), comment_id=data["c"]) if email else None
    if "s" in data:
        subscriber = Subscriber.objects.filter(pk=data["s"]).first()
        if subscriber is not None:
            return Target(email=normalize_email(subscriber.email), subscriber=subscriber)
    return None


def _used_key(token: str) -> str:
    return _USED_KEY.format(hashlib.sha256(token.encode()).hexdigest())


def _used_memory(kind: Kind) -> int:
    # Longer than the link lives, so a used link stays used until it has expired anyway.
    return int(kind.max_age.total_seconds()) * 2 if kind.max_age else 60 * 60 * 24 * 30
