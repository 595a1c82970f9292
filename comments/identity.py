"""Who someone is, in one place: their email, their name, their IP address, keyed hashes.

Every part of the comment section compares emails with ``normalize_email``, cleans names with
``clean_display_name``, reads the client's address with ``client_ip`` (one spelling,
``canonical_ip``) and hashes personal data with ``keyed_digest``; none writes its own. The
opt-in "save my details" cookie is here too: it is who the browser says it is; and the
commenter-key cookie, which is what it has proved.
"""

import contextlib
import ipaddress
import re
import unicodedata
from dataclasses import dataclass

import idna
from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

IPV6_LIMIT_PREFIX = 64
# Reports count networks: one person easily holds a few addresses of one /24 or one /64.
REPORT_IPV4_PREFIX = 24
# A home or a tunnel broker hands out a /56 or a /48: reports count the /48 as one source.
REPORT_IPV6_PREFIX = 48
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
    # An ASCII domain without A-labels is its own IDNA spelling (in lower case, valid or
    # not): that is almost every address, and the thread draws one avatar per comment.
    if not (domain.isascii() and "xn--" not in domain.lower()):
        with contextlib.suppress(idna.IDNAError, UnicodeError):
            domain = idna.encode(domain, uts46=True).decode("ascii")
    return f"{local}@{domain}".lower()


# Display names -----------------------------------------------------------------------------


# Which names pass for staff (a Unicode confusables skeleton, reserved words, the site's
# name) is its own module, comments/staff_names.py; offered here with the other name rules.
from .staff_names import impersonates_staff  # noqa: E402, F401

_ZWNJ, _ZWJ = "\u200c", "\u200d"
# An emoji tag sequence's tags, up to CANCEL TAG (the flags of Scotland, Wales, England).
_TAGS = re.compile("[\U000e0020-\U000e007e]+\U000e007f")
# What a name never keeps: controls, private use, and invisible formatting (Cf: bidi
# overrides, embeddings, isolates and marks, zero-width space, word joiner, BOM, soft
# hyphen...) but the joiners and tags kept where they join; surrogates; noncharacters.
_DROPPED_CATEGORIES = frozenset({"Cc", "Co", "Cs"})


def clean_display_name(name: str) -> str:
    """``name`` as shown: NFKC, one space between words, no invisible formatting.

    Removed: bidi overrides, embeddings and isolates (U+202A..U+202E, U+2066..U+2069) and
    direction marks, zero-width spaces, word joiners, BOM, soft hyphens and the other
    format characters, controls, private-use characters and noncharacters (U+FFFF). Kept
    where they join: ZWJ and ZWNJ between two visible characters (``Ann 👩‍⚕️``, a Persian
    name's ZWNJ); a lone joiner at either end of the name or beside a space is removed, and
    a run of joiners becomes its last. Kept: emoji tag sequences (🏴 and tags up to CANCEL
    TAG: the flags of Scotland, Wales, England) after a visible character. Which names pass
    for staff is decided on a skeleton that ignores the joiners (``staff_names``), so
    "Mod<ZWJ>erator" is refused.
    """
    name = unicodedata.normalize("NFKC", name)
    kept = []
    position = 0
    while position < len(name):
        ch = name[position]
        if (tags := _TAGS.match(name, position)) and kept and not kept[-1].isspace():
            kept.append(tags.group())
            position = tags.end()
            continue
        position += 1
        if ch in (_ZWJ, _ZWNJ):
            following = name[position : position + 1]
            if kept and _joinable(kept[-1][-1]) and following and _joinable(following):
                kept.append(ch)
            continue
        category = unicodedata.category(ch)
        if category in _DROPPED_CATEGORIES or category == "Cf" or _is_noncharacter(ch):
            continue
        kept.append(ch)
    return " ".join("".join(kept).split())


def _is_noncharacter(ch: str) -> bool:
    """U+FDD0..U+FDEF and the last two code points of every plane (U+FFFE, U+FFFF ...)."""
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def _joinable(ch: str) -> bool:
    """True for a character a joiner may stand beside: visible, not a space or a joiner."""
    return not ch.isspace() and ch not in (_ZWJ, _ZWNJ) and unicodedata.category(ch) != "Cf"


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
    if len(parts) == 4 and all(
        part.isascii() and part.isdigit() and len(part) <= 4 for part in parts
    ):
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


def report_network(ip_address: str | None) -> str:
    """The network a reader's report comes from: an IPv4 /24 or an IPv6 /48, in CIDR form.

    ``198.51.100.7`` gives ``198.51.100.0/24``, ``2001:db8:1:2::1`` gives ``2001:db8:1::/48``.
    Cookie jars cost nothing and a person easily holds several addresses of one network (a
    router that changes address, a phone and a laptop on one Wi-Fi, a small server block),
    so reports count these networks, not browsers or single addresses; one person may get a
    whole IPv6 /48 for free. "" for no address.
    """
    canonical = canonical_ip(ip_address)
    if not canonical:
        return ""
    prefix = REPORT_IPV6_PREFIX if ":" in canonical else REPORT_IPV4_PREFIX
    return str(ipaddress.ip_network(f"{canonical}/{prefix}", strict=False))


def login_limit_identity(request) -> str:
    """What login throttling counts a visitor as (``AXES_CLIENT_IP_CALLABLE``): their address
    as every other limit reads it, an IPv6 visitor as their /64 (``rate_limit_identity``)."""
    return rate_limit_identity(client_ip(request))


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
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def forget_author(response) -> None:
    response.delete_cookie(settings.COMMENTS_AUTHOR_COOKIE, samesite="Lax")


# The "commenter key" cookie: proof that this browser posted as an address before -----------

COMMENTER_COOKIE_SALT = "comments.commenter"
COMMENTER_KEYS_KEPT = 10
_COMMENTER_DIGEST_LENGTH = 32
# The hold reason of a known address's comment from a browser that has not proved it.
KNOWN_EMAIL_NEW_BROWSER = "known_email_new_browser"


@dataclass(frozen=True, slots=True)
class CommenterKey:
    """One entry of the commenter-key cookie: a keyed hash naming an address, and what earns it.

    ``digest`` is 32 hex characters of ``keyed_digest("commenter", normalized email)``.
    ``comment_id`` None means the browser has proved the address (a "confirm it's you" link, or
    a post it had proved); otherwise the key proves the address once that comment, which this
    browser posted under it, is published.
    """

    digest: str
    comment_id: int | None = None

    def names(self, email: str) -> bool:
        """True if this key is for ``email`` (in any spelling ``normalize_email`` joins)."""
        return constant_time_compare(self.digest, commenter_key(email).digest)


def commenter_key(email: str, *, comment_id: int | None = None, earned: bool = True):
    """The key for ``email``; with ``earned=False`` a stand-in that proves nothing.

    The stand-in (for a known address the browser has not proved) is a hash for another
    purpose: without ``SECRET_KEY`` nobody can tell it from a real key, so the cookie a post
    sets never tells whether an address has commented here before.
    """
    purpose = "commenter" if earned else "commenter.unproven"
    digest = keyed_digest(purpose, normalize_email(email))[:_COMMENTER_DIGEST_LENGTH]
    return CommenterKey(digest, comment_id)


def commenter_keys(request) -> tuple[CommenterKey, ...]:
    """The keys this browser's commenter-key cookie holds, newest first; () if none or forged."""
    saved = request.COOKIES.get(settings.COMMENTS_COMMENTER_COOKIE)
    if not saved:
        return ()
    try:
        entries = signing.loads(
            saved, salt=COMMENTER_COOKIE_SALT, max_age=settings.COMMENTS_AUTHOR_COOKIE_MAX_AGE
        )
    except (signing.BadSignature, ValueError):
        return ()
    if not isinstance(entries, list):
        return ()
    keys = []
    for entry in entries[:COMMENTER_KEYS_KEPT]:
        digest, _colon, comment_id = str(entry).partition(":")
        if len(digest) == _COMMENTER_DIGEST_LENGTH and (comment_id.isdigit() or not comment_id):
            keys.append(CommenterKey(digest, int(comment_id) if comment_id else None))
    return tuple(keys)


def with_commenter_key(keys, key: CommenterKey) -> tuple[CommenterKey, ...]:
    """``keys`` with ``key`` first, at most ``COMMENTER_KEYS_KEPT``; a proved key (no comment)
    replaces the other keys for its address."""
    rest = [
        kept
        for kept in keys
        if kept != key and not (key.comment_id is None and kept.digest == key.digest)
    ]
    return (key, *rest)[:COMMENTER_KEYS_KEPT]


def remember_commenter(response, keys) -> None:
    """Set the commenter-key cookie: signed, HttpOnly, Secure off DEBUG, SameSite=Lax."""
    entries = [
        key.digest if key.comment_id is None else f"{key.digest}:{key.comment_id}" for key in keys
    ]
    response.set_cookie(
        settings.COMMENTS_COMMENTER_COOKIE,
        signing.dumps(entries[:COMMENTER_KEYS_KEPT], salt=COMMENTER_COOKIE_SALT),
        max_age=settings.COMMENTS_AUTHOR_COOKIE_MAX_AGE,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
