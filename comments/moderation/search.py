"""The one comment search moderators use: the queue's ``?q=`` and the admin's search box.

A term is read as what it looks like:

- an IP address (any spelling ``canonical_ip`` reads) finds that address; a network
  (``198.51.100.0/24``) or the start of an address (``198.51.100``, ``2001:db8``) the
  addresses in it;
- an email address (it has "@") finds the comments stored under that whole address, in any
  spelling (``Jane@Exämple.com`` finds ``jane@xn--exmple-cua.com``); a local part and "@"
  (``dana.levi@``) the addresses it begins;
- anything else finds comments whose text or author name holds every word (a word of three
  letters or more also as the start of a longer one), or whose email starts with the term.

On PostgreSQL every branch can be an index lookup: the words a full-text search ('simple'
configuration: no stemming and no stop words, so Hebrew, Arabic or any language match as
typed) of the stored column ``search_vector`` (migration 0019: the database computes it from
the text and the name on every write) with its GIN index ``SEARCH_INDEX``, a whole email the
index on ``author_email``, the start of one ``EMAIL_PREFIX_INDEX``, the addresses
``IP_INDEX``. A common word is not looked up in the index at all: the planner reads the
newest comments of a tab (the (status, created_at) index) and tests each one's stored
document, a cheap test, until it has a page. Elsewhere (SQLite) the words are a plain
case-insensitive ``LIKE``: fine for a small site, a scan of the table on a large one.

A network means the same on both: the addresses of its version in it, never a comment without
one (``::/0`` is every IPv6 address, not every comment). PostgreSQL answers with ``<<=``;
SQLite stores the compressed text (``2001:db8::5``), which no text prefix of ``2001:db8:0:0``
matches, so there the distinct stored addresses that could be in it (the text of its leading
whole octets, or hextets up to the first zero one) are read, at most
``MAX_NETWORK_CANDIDATES`` of them, and tested with ``ipaddress``.
"""

import contextlib
import ipaddress
import re

from django.contrib.postgres.search import SearchQuery, SearchVectorExact, SearchVectorField
from django.db import connections
from django.db.models import Expression, F, Lookup, Q, Value
from django.db.models.expressions import Col

from ..identity import canonical_ip, normalize_email

# The index names (migrations 0017 and 0019 create them, on PostgreSQL only).
SEARCH_INDEX = "comment_search_vector_gin"
IP_INDEX = "comment_ip_address_idx"
EMAIL_PREFIX_INDEX = "comment_email_prefix_idx"

# The document of a comment, the words its text and author name hold: the column
# ``search_vector`` that PostgreSQL keeps (migration 0019, 'simple' configuration). The model
# has no field for it (SQLite has no such column), so the search names it here.
SEARCH_CONFIG = "simple"
DOCUMENT_COLUMN = "search_vector"
_DOCUMENT_FIELD = SearchVectorField()
_DOCUMENT_FIELD.set_attributes_from_name(DOCUMENT_COLUMN)


class Document(Expression):
    """The stored document (``comments_comment.search_vector``) of the queryset's comments,
    a ``tsvector``; PostgreSQL only."""

    def __init__(self):
        super().__init__(output_field=_DOCUMENT_FIELD)

    def resolve_expression(self, query=None, *args, **kwargs):
        # A column of the query's own table, relabelled like any other when it is nested.
        return Col(query.get_initial_alias(), _DOCUMENT_FIELD, _DOCUMENT_FIELD)


MAX_TERM = 200  # characters of a search term that count
MAX_WORDS = 8
# Distinct stored addresses a network search tests on SQLite (under its bound of parameters).
MAX_NETWORK_CANDIDATES = 5000
PREFIX_FROM = 3  # a word this long or longer also matches words it begins
WORD = re.compile(r"\w+")
# The start of an address as a moderator types it: "198.51." or "198.51.100"; "2001:db8".
IPV4_START = re.compile(r"\d{1,3}\.(\d{1,3}\.?){0,2}")
IPV6_START = re.compile(r"[0-9a-fA-F]{1,4}(:[0-9a-fA-F]{1,4}){0,6}:?")


class InNetwork(Lookup):
    """An address in a network: PostgreSQL's ``<<=``, which a btree index on the address
    answers as a range. Only PostgreSQL has it; ``search`` uses a text prefix elsewhere."""

    lookup_name = "in_network"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} <<= {rhs}::inet", [*lhs_params, *rhs_params]


def is_postgresql(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def network(term: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """The network ``term`` names: CIDR (``2001:db8::/32``) or the start of an address in
    whole groups (``198.51.100.`` is ``198.51.100.0/24``, ``2001:db8`` is ``2001:db8::/32``),
    else None."""
    if "/" in term:
        try:
            return ipaddress.ip_network(term, strict=False)
        except ValueError:
            return None
    if IPV4_START.fullmatch(term):
        octets = [part for part in term.split(".") if part]
        if all(int(octet) <= 255 for octet in octets):
            padded = [*octets, *["0"] * (4 - len(octets))]
            return ipaddress.ip_network(f"{'.'.join(padded)}/{8 * len(octets)}")
    if ":" in term and IPV6_START.fullmatch(term):
        groups = [group for group in term.split(":") if group]
        with contextlib.suppress(ValueError):
            return ipaddress.ip_network(f"{':'.join(groups)}::/{16 * len(groups)}")
    return None


def _network_prefix(net) -> str:
    """Text that every stored (compressed, lower-case) address in ``net`` begins with."""
    if net.version == 4:
        octets = str(net.network_address).split(".")[: net.prefixlen // 8]
        return ".".join(octets) + "." if octets else ""
    hextets = []
    # "::" may stand for any run of zero hextets: only the nonzero ones before it are sure.
    for hextet in net.network_address.exploded.split(":")[: min(net.prefixlen // 16, 7)]:
        if int(hextet, 16) == 0:
            break
        hextets.append(format(int(hextet, 16), "x"))
    return ":".join(hextets) + ":" if hextets else ""


def _in_network(text: str, net) -> bool:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    # ipaddress's "in" compares bits only: 10.0.0.1 would pass for a /8 of IPv6.
    return address.version == net.version and address in net


def _network_match(queryset, net) -> Q:
    if is_postgresql(queryset):
        return Q(InNetwork(F("ip_address"), Value(str(net))))
    candidates = (
        queryset.model._base_manager.using(queryset.db)
        .filter(ip_address__startswith=_network_prefix(net))
        .filter(ip_address__contains="." if net.version == 4 else ":")
        .order_by()
        .values_list("ip_address", flat=True)
        .distinct()[:MAX_NETWORK_CANDIDATES]
    )
    return Q(ip_address__in=[text for text in candidates if _in_network(text, net)])


def _words_match(queryset, words: list[str]) -> Q:
    if is_postgresql(queryset):
        # Each word is letters and digits only (no tsquery operator can get in).
        raw = " & ".join(f"{word}:*" if len(word) >= PREFIX_FROM else word for word in words)
        query = SearchQuery(raw, config=SEARCH_CONFIG, search_type="raw")
        return Q(SearchVectorExact(Document(), query))
    match = Q()
    for word in words:
        match &= Q(body__icontains=word) | Q(author_name__icontains=word)
    return match


def search(queryset, term: str):
    """``queryset`` narrowed to the comments ``term`` finds (unchanged for a blank term).

    Reads the term as an IP address, a network, an email (or its local part and "@"), else
    words (or the start of an email); see the module's docstring. Never raises: a term that
    finds nothing gives an empty queryset.
    """
    term = (term or "").strip()[:MAX_TERM]
    if not term:
        return queryset
    if ip := canonical_ip(term):
        return queryset.filter(ip_address=ip)
    if net := network(term):
        return queryset.filter(_network_match(queryset, net))
    if term.endswith("@") and term.count("@") == 1:
        return queryset.filter(author_email__startswith=term.lower())
    if "@" in term:
        return queryset.filter(author_email=normalize_email(term))
    words = WORD.findall(term.lower())[:MAX_WORDS]
    match = Q(author_email__startswith=term.lower())
    if words:
        match |= _words_match(queryset, words)
    return queryset.filter(match)
