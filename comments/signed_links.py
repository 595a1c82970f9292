"""Every link the site mails: one token scheme, one error.

A token is Django-signed (tamper-proof, not secret) and names a stored row, ``{"c": comment
id}`` or ``{"s": subscriber id}``, plus a keyed hash of the address it was mailed to; never the
address itself, which would then sit readable in every proxy and access log the link passes.
Opening a link finds the row again and checks that it still belongs to that address (an
anonymised or erased row, or a reused id, no longer does). Single-use links are remembered as
used in the database (``models.UsedLink``, unique on the token's hash), not in the cache, which
can evict or be per-process: a second use fails in every app process, after any cache flush.

The token travels in the query string (``/subscriptions/unsubscribe/?token=…``) and in form
bodies, never in the path: access logs (gunicorn's ``%(U)s``) and Django's request warnings
record the path only. ``url()`` puts it there and ``token_from()`` reads it back.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from . import mail
from .identity import keyed_digest, normalize_email
from .models import Comment, Subscriber, UsedLink


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of link: what signs it, how long it works, where it leads.

    ``url_name`` names a route without arguments: the token goes in the query string.
    """

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
# Two years: a mail read a year later must still stop the mail, and every mail we send carries
# a new link, so whoever still gets mail from us holds a link that works. Links mailed before
# expiry existed carry the time they were signed too (signing.dumps adds it).
UNSUBSCRIBE = Kind(
    salt="comments.subscriptions.unsubscribe",
    url_name="subscriptions:unsubscribe",
    max_age=timedelta(days=2 * 365),
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
# "Confirm it's you": a known address's comment came from a browser that has not proved it.
# Names the held comment; once used, that browser holds the address's commenter key.
COMMENTER = Kind(
    salt="comments.posting.commenter",
    url_name="comments:commenter-confirm",
    max_age=timedelta(days=7),
    digest_purpose="commenter.email",
    digest_length=32,
    single_use=True,
)
# The appeal link in a statement of reasons (DSA Art. 20): names the removed comment; opening
# it shows the appeal form, filing is a POST. Six months: the time the DSA gives to complain.
# Not single-use: one open appeal per comment is the database's rule (Appeal), and the
# commenter may come back to the link to see where their appeal stands.
APPEAL = Kind(
    salt="comments.moderation.appeal",
    url_name="appeals:appeal",
    max_age=timedelta(days=183),
    digest_purpose="appeal.email",
    digest_length=32,
)
# A moderator's approve / spam / remove link in the held-comment mail: names the comment, the
# action and the moderator (user id, and a hash of the address it was mailed to). Opening it
# shows a confirming page; only its POST acts, once.
MODERATE = Kind(
    salt="comments.moderation.mail-action",
    url_name="moderation:from-mail",
    max_age=timedelta(days=3),
    digest_purpose="moderator.email",
    digest_length=32,
    single_use=True,
)
# The actions the held-comment mail offers, in its order (codes of moderation/actions.py).
MAIL_ACTIONS = ("approve", "spam", "remove")
MODERATE_PERMISSION = "comments.can_moderate"
# The query-string and form field that carries a token (a field's name, not a secret).
TOKEN_FIELD = "token"  # noqa: S105


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
    user: Any = None  # a MODERATE link's moderator (an active user; permission not checked)
    action: str = ""  # a MODERATE link's action code


def _digest(kind: Kind, email: str) -> str:
    return keyed_digest(kind.digest_purpose, normalize_email(email))[: kind.digest_length]


def make(
    kind: Kind,
    *,
    email: str,
    comment_id: int | None = None,
    subscriber=None,
    user=None,
    action: str = "",
) -> str:
    """A token for ``kind`` naming one comment or one subscriber stored under ``email``.

    With ``user`` (``MODERATE``): the token names that user (``email`` is theirs), the
    comment and the ``action`` they may take on it.
    """
    if user is not None:
        reference = {"u": user.pk, "c": comment_id, "a": action}
    elif comment_id is not None:
        reference = {"c": comment_id}
    else:
        reference = {"s": subscriber.pk}
    payload = {**reference, "e": _digest(kind, email)}
    if kind.single_use:
        payload["n"] = secrets.token_urlsafe(6)  # every single-use link is a new one
    return signing.dumps(payload, salt=kind.salt)


def url(kind: Kind, token: str) -> str:
    """The absolute address of the link, for mail: ``https://site/path/?token=…``."""
    return mail.site_url(location(kind.url_name, token))


def location(url_name: str, token: str) -> str:
    """The site-relative address of the route ``url_name`` with ``token`` in its query string."""
    # ":" (the signature's separator) is allowed in a query (RFC 3986) and keeps links readable.
    return f"{reverse(url_name)}?{urlencode({TOKEN_FIELD: token}, safe=':')}"


def token_from(request) -> str:
    """The token a request carries: a form field in the body first, else the query string.

    Forms post it in the body; RFC 8058 one-click POSTs and opened links carry it in the query.
    Returns "" when there is none (``target()`` then raises InvalidLink).
    """
    return request.POST.get(TOKEN_FIELD) or request.GET.get(TOKEN_FIELD) or ""


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
    if kind.single_use and UsedLink.objects.filter(digest=_used_digest(token)).exists():
        raise InvalidLink(InvalidLink.USED)
    return found


def redeem(kind: Kind, token: str) -> Target:
    """What a single-use link names, marking it used in the database. Raises InvalidLink.

    Of any number of opens of one link, in any processes, at the same moment or a year
    apart, exactly one returns: the unique digest lets one insert through.
    """
    found = target(kind, token)
    if kind.single_use:
        now = timezone.now()
        try:
            with transaction.atomic():
                UsedLink.objects.create(
                    digest=_used_digest(token), used_at=now, expires_at=now + _used_memory(kind)
                )
        except IntegrityError:
            raise InvalidLink(InvalidLink.USED) from None
    return found


def purge_used(*, now=None) -> int:
    """Forget used links that have expired anyway (they no longer verify); returns how many."""
    deleted, _ = UsedLink.objects.expired(now=now).delete()
    return deleted


def moderation_links(*, email: str, comment_ids) -> dict[int, dict[str, str]]:
    """The held-comment mail's action links for the moderator at ``email``.

    ``{comment id: {"approve": url, "spam": url, "remove": url}}``; empty when no active user
    with ``comments.can_moderate`` has this address (an address from the settings alone gets
    no links: an act must be logged as someone).
    """
    user = _moderator_with(email)
    if user is None:
        return {}
    return {
        pk: {
            action: url(
                MODERATE, make(MODERATE, email=email, comment_id=pk, user=user, action=action)
            )
            for action in MAIL_ACTIONS
        }
        for pk in comment_ids
    }


def _moderator_with(email: str):
    email = normalize_email(email)
    user_model = get_user_model()
    users = user_model._default_manager.filter(
        is_active=True, **{f"{user_model.get_email_field_name()}__iexact": email}
    ).order_by("pk")
    return next((user for user in users if user.has_perm(MODERATE_PERMISSION)), None)


def _row(data: dict) -> Target | None:
    if "u" in data:
        user_model = get_user_model()
        user = user_model._default_manager.filter(pk=data["u"], is_active=True).first()
        if user is None or not Comment.objects.filter(pk=data.get("c")).exists():
            return None
        email = normalize_email(getattr(user, user_model.get_email_field_name()) or "")
        if not email:
            return None
        return Target(email=email, comment_id=data["c"], user=user, action=str(data.get("a", "")))
    if "c" in data:
        email = Comment.objects.filter(pk=data["c"]).values_list("author_email", flat=True).first()
        return Target(email=normalize_email(email), comment_id=data["c"]) if email else None
    if "s" in data:
        subscriber = Subscriber.objects.filter(pk=data["s"]).first()
        if subscriber is not None:
            return Target(email=normalize_email(subscriber.email), subscriber=subscriber)
    return None


def _used_digest(token: str) -> str:
    # Not keyed: the token is signed and carries a random nonce, so its hash reveals nothing,
    # and a SECRET_KEY rotation (a fallback still verifying old tokens) cannot unmark a link.
    return hashlib.sha256(token.encode()).hexdigest()


def _used_memory(kind: Kind) -> timedelta:
    # Longer than the link lives, so a used link stays used until it has expired anyway.
    return kind.max_age * 2 if kind.max_age else timedelta(days=100 * 365)
