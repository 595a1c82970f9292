"""Who someone is, in one place: their email as stored, their IP address, keyed hashes of both.

Every part of the comment section compares emails with ``normalize_email``, reads the client's
address with ``client_ip`` and hashes personal data with ``keyed_digest``; none writes its own.
"""

import contextlib
import ipaddress

import idna
from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

IPV6_LIMIT_PREFIX = 64
AUTHOR_COOKIE_SALT = "comments.author"


def normalize_email(email: str) -> str:
    """The one form an address is stored and compared in.

    Stripped, lower case, and the domain in its ASCII (IDNA, UTS #46) spelling, so that
    ``Jane@Exämple.com`` and ``jane@xn--exmple-cua.com``, one mailbox that browsers send
    either way, are one person here. A domain IDNA cannot encode is kept as typed, lower case;
    an empty or blank value gives "".
    """
    email = (email or "").strip()
    local, at, domain = email.rpartition("@")
    if not at:
        return email.lower()
    domain = domain.rstrip(".")
    with contextlib.suppress(idna.IDNAError, UnicodeError):
        domain = idna.encode(domain, uts46=True).decode("ascii")
    return f"{local}@{domain}".lower()


def mask_email(email: str) -> str:
    """The address with its local part hidden: ``walter@example.com`` → ``w•••@example.com``."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def client_ip(request) -> str | None:
    """The visitor's IP address, read behind ``COMMENTS_TRUSTED_PROXIES`` reverse proxies.

    With N trusted proxies the address is the N-th entry from the right of
    ``X-Forwarded-For`` (entries further left are the client's to forge); with none, or with
    fewer entries than proxies, it is ``REMOTE_ADDR``. None when that is not an IP address.
    """
    proxies = settings.COMMENTS_TRUSTED_PROXIES
    if proxies:
        forwarded = [ip.strip() for ip in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [ip for ip in forwarded if ip]
        if len(forwarded) >= proxies:
            return _valid_ip(forwarded[-proxies])
    return _valid_ip(request.META.get("REMOTE_ADDR", ""))


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def rate_limit_identity(ip_address: str | None) -> str:
    """What a per-IP limit counts: the address, or its /64 network for IPv6.

    One IPv6 subscriber holds a whole /64 and may use a new address for every request, so
    counting single IPv6 addresses would limit nothing. "" for no address (never limited).
    """
    if not ip_address:
        return ""
    address = ipaddress.ip_address(ip_address)
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_LIMIT_PREFIX}", strict=False))
    return str(address)


def keyed_digest(purpose: str, value: str) -> str:
    """A hex HMAC-SHA256 of ``value``, keyed with ``SECRET_KEY`` and named by ``purpose``.

    Every hash of personal data (avatars, link bindings, rate-limit keys, reporter keys) is
    one of these: nothing a dictionary of known addresses could reverse without the key, and
    a different value for every purpose, so one use's hash never stands for another's. 64
    characters; callers may shorten it.
    """
    return salted_hmac(f"comments.{purpose}", value, algorithm="sha256").hexdigest()


# The opt-in "Save my name, email, and website in this browser" cookie --------------------


def remembered_author(request) -> dict:
    """Name, email and website saved by the "save my details" cookie, if the reader opted in."""
    saved = request.COOKIES.get(settings.COMMENTS_AUTHOR_COOKIE)
    if not saved:
        return {}
    try:
        data = signing.loads(
            saved, salt=AUTHOR_COOKIE_SALT, max_age=settings.COMMENTS_AUTHOR_COOKIE_MAX_AGE
        )
    except (signing.BadSignature, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: str(data[key]) for key in ("name", "email", "url") if data.get(key)}


def remember_author(response, *, name: str, email: str, url: str) -> None:
    """Set the opt-in "save my details" cookie: signed, HttpOnly, with a stated lifetime."""
    response.set_cookie(
        settings.COMMENTS_AUTHOR_COOKIE,
        signing.dumps({"name": name, "email": email, "url": url}, salt=AUTHOR_COOKIE_SALT),
        max_age=settings.COMMENTS_AUTHOR_COOKIE_MAX_AGE,
        httponly=True,
        secure=not settings.DEBUG,
        samesite="Lax",
    )


def forget_author(response) -> None:
    response.delete_cookie(settings.COMMENTS_AUTHOR_COOKIE, samesite="Lax")
