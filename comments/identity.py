"""Who someone is, in one place: their email, their name, their IP address, keyed hashes.

Every part of the comment section compares emails with ``normalize_email``, cleans names with
``clean_display_name``, reads the client's address with ``client_ip`` (one spelling,
``canonical_ip``) and hashes personal data with ``keyed_digest``; none writes its own. The
opt-in "save my details" cookie is here too: it is who the browser says it is.
"""

import contextlib
import ipaddress
import re
import unicodedata

import idna
from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

IPV6_LIMIT_PREFIX = 64
AUTHOR_COOKIE_SALT = "comments.author"
# Words kept for the site's people, compared after folding look-alike letters.
RESERVED_WORDS = frozenset({"moderator", "mod", "admin", "administrator", "staff", "editor"})
# Cyrillic letters that look like Latin a, e, o, p, c, y, x, i, j, d, h, l and an Armenian
# one like n; then digits and symbols used as letters.
HOMOGLYPHS = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0501\u04bb\u04cf\u05780135@$",
    "aeopcyxijdhlnoiesas",
)


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


# Display names -----------------------------------------------------------------------------


def name_skeleton(name: str) -> str:
    """A name folded so that look-alike spellings (full-width or Cyrillic letters, "m0derat0r")
    compare equal to the plain word."""
    folded = unicodedata.normalize("NFKC", name).casefold().translate(HOMOGLYPHS)
    return "".join(ch for ch in folded if ch.isalnum())


def impersonates_staff(name: str) -> bool:
    """True for names that pass for the site's staff, however they are spelled."""
    skeleton = name_skeleton(name)
    words = {name_skeleton(word) for word in re.split(r"[\W_]+", name) if word}
    return (
        "moderator" in skeleton
        or bool(words & RESERVED_WORDS)
        or skeleton in RESERVED_WORDS
        or skeleton == name_skeleton(settings.SITE_NAME)
    )


def clean_display_name(name: str) -> str:
    """A name with invisible formatting (bidi overrides, zero-width characters) removed."""
    name = unicodedata.normalize("NFKC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cf", "Cc", "Co"))
    return " ".join(name.split())


def mask_email(email: str) -> str:
    """The address with its local part hidden: ``walter@example.com`` → ``w•••@example.com``."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"


def client_ip(request) -> str | None:
    """The visitor's IP address (``canonical_ip`` form), behind ``COMMENTS_TRUSTED_PROXIES``.

    With N trusted proxies the address is the N-th entry from the right of
    ``X-Forwarded-For`` (entries further left are the client's to forge). With none, with
    fewer entries than proxies, or with an entry that is no address ("unknown"), it is
    ``REMOTE_ADDR``: a proxy's own address shares one limit, so bad input never turns limits
    off. None only when ``REMOTE_ADDR`` is not an address either.
    """
    proxies = settings.COMMENTS_TRUSTED_PROXIES
    if proxies:
        forwarded = [ip.strip() for ip in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [ip for ip in forwarded if ip]
        if len(forwarded) >= proxies and (address := canonical_ip(forwarded[-proxies])):
            return address
    return canonical_ip(request.META.get("REMOTE_ADDR", ""))


_WITH_PORT = re.compile(r"^\[(?P<v6>[^\]]+)\](?::\d+)?$|^(?P<v4>[\d.]+):\d+$")


def canonical_ip(value: str | None) -> str | None:
    """One spelling of an IP address, or None if ``value`` is none.

    Proxies and headers write addresses many ways: with a port (``198.51.100.7:5555``,
    ``[2001:db8::1]:443``), with an IPv6 zone (``fe80::1%eth0``), IPv4 inside IPv6
    (``::ffff:198.51.100.7``), with leading zeros (``198.51.100.007``). Bans, limits, the
    queue's filter and what is stored all compare this form.
    """
    value = (value or "").strip()
    if match := _WITH_PORT.match(value):
        value = match.group("v6") or match.group("v4")
    value = value.split("%", 1)[0]
    parts = value.split(".")
    if len(parts) == 4 and all(part.isdigit() and len(part) <= 4 for part in parts):
        value = ".".join(str(int(part)) for part in parts)
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def rate_limit_identity(ip_address: str | None) -> str:
    """What a per-IP limit counts: the address, or its /64 network for IPv6.

    One IPv6 subscriber holds a whole /64 and may use a new address for every request, so
    counting single IPv6 addresses would limit nothing. "" for no address (never limited).
    """
    canonical = canonical_ip(ip_address)
    if not canonical:
        return ""
    if ipaddress.ip_address(canonical).version == 6:
        return str(ipaddress.ip_network(f"{canonical}/{IPV6_LIMIT_PREFIX}", strict=False))
    return canonical


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
