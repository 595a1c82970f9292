"""The site's rate limits: a table of rules, counted in the database, one error.

Each rule counts per IP address (an IPv6 address per /64 network,
``identity.rate_limit_identity``), per report network or per normalised email, in the
database (``models.rate_counts``): one statement a count, the same for every process and
machine, atomic (a limit holds exactly under concurrent requests), and inside the writer's
transaction when there is one, so a post that fails takes its counts back. Identities appear
in the keys only as keyed hashes.
"""

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.conf import settings

from .identity import keyed_digest, normalize_email, rate_limit_identity, report_network
from .models.rate_counts import RateCount, count_event


@dataclass(frozen=True, slots=True)
class Rule:
    """At most ``limit`` events per fixed window of ``period`` seconds for one IP or email.

    ``by="network"`` counts the IP address's report network (``identity.report_network``:
    IPv4 /24, IPv6 /64) instead of the address.

    ``gap=True`` makes it one event per ``period`` seconds, measured from the last event.
    ``limit`` and ``period`` are numbers or the names of settings (read at each check); 0
    turns the rule off.
    """

    scope: str
    by: Literal["ip", "email", "network"]
    period: int | str
    limit: int | str = 1
    gap: bool = False

    def value(self, field: str) -> int:
        number = getattr(self, field)
        return int(getattr(settings, number)) if isinstance(number, str) else number


POSTING = (
    Rule("post-ip", by="ip", period="COMMENTS_RATE_GAP_SECONDS", gap=True),
    Rule("post-email", by="email", period="COMMENTS_RATE_GAP_SECONDS", gap=True),
    Rule("post-ip-hour", by="ip", limit="COMMENTS_RATE_PER_HOUR", period=3600),
    Rule("post-email-hour", by="email", limit="COMMENTS_RATE_PER_HOUR", period=3600),
)
# A commenter's edits and deletions of their own comments (``posting.editing``): no gap, so a
# typo can be fixed at once, but too few to churn the moderation queue and log.
OWN_EDITS = (
    Rule("own-edit-ip", by="ip", limit=20, period=60 * 60),
    Rule("own-edit-email", by="email", limit=20, period=60 * 60),
)
# Enough for a person who mistypes; too few to mail-bomb anyone.
DATA_LINK_REQUESTS = (
    Rule("privacy-link-ip", by="ip", limit=5, period=60 * 60),
    Rule("privacy-link-email", by="email", limit=3, period=24 * 60 * 60),
)
# "Confirm it's you" mail: at most one a day to an address, however many browsers post as it.
COMMENTER_CONFIRMATIONS = (
    Rule("commenter-confirm-email", by="email", period=24 * 60 * 60, gap=True),
)
# "Follow this article" without a comment: plenty for a reader, too few to mail strangers
# (each address also gets one confirmation mail a day at most).
FOLLOW_REQUESTS = (Rule("follow-ip", by="ip", limit=10, period=60 * 60),)
# Reports from one network (IPv4 /24, IPv6 /48): plenty for a reader, too few to flood the queue.
REPORTS = (Rule("report-network", by="network", limit=10, period=60 * 60),)
# "Helpful" votes from one network: a reader going through a long thread, not a vote farm.
HELPFUL_VOTES = (
    Rule("helpful-vote-network", by="network", limit="COMMENTS_RATE_VOTES_PER_HOUR", period=3600),
)


class RateLimited(Exception):
    """Too many events from one IP address or email; ``retry_after`` is in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def waiting(rules: Iterable[Rule], *, ip_address: str | None = None, email: str = "") -> int | None:
    """The seconds ``check`` would ask to wait if it were called now (for the first rule over
    its limit), or None if it would let the event through. Counts nothing; one query. For a
    refusal worth making before slow work that ``check`` would make pointless."""
    identities = _identities(ip_address, email)
    now = time.time()
    keyed = {
        _key(rule.scope, identities[rule.by]): rule.value("limit")
        for rule in rules
        if _applies(rule, identities[rule.by])
    }
    rows = RateCount.objects.filter(key__in=list(keyed), ends_at__gt=now)
    counted = {key: (n, ends) for key, n, ends in rows.values_list("key", "n", "ends_at")}
    for key, limit in keyed.items():
        n, ends = counted.get(key, (0, now))
        if n + 1 > limit:
            return _wait(ends, now)
    return None


def check(rules: Iterable[Rule], *, ip_address: str | None = None, email: str = "") -> None:
    """Count one event under each rule in turn; raise RateLimited at the first over its limit.

    A request that is let through has been counted under every rule, so no limit can be
    dodged by tripping another; a refused one is not counted under the rules after the one
    that refused it, so a flood of refused requests (new addresses from one IP) adds no
    rows of counts. A rule whose identity is missing (no email; no IP address,
    as for a moderator's reply) is not counted, except reports: a report without an address
    counts as one shared "unknown" network.
    """
    identities = _identities(ip_address, email)
    for rule in rules:
        if wait := _count(rule, identities[rule.by]):
            raise RateLimited(wait)


def _identities(ip_address: str | None, email: str) -> dict[str, str]:
    return {
        "ip": rate_limit_identity(ip_address),
        "email": normalize_email(email),
        "network": report_network(ip_address) or "unknown",
    }


def _key(scope: str, identity: str) -> str:
    return f"{scope}:{keyed_digest('ratelimit', identity)[:32]}"


def _count(rule: Rule, identity: str) -> int | None:
    """Count one event; None if it is within the rule, else the seconds until it would be."""
    if not _applies(rule, identity):
        return None
    period, limit = rule.value("period"), rule.value("limit")
    now = time.time()
    # A gap is measured from the last event let through; a window is a fixed slice of time.
    ends_at = now + period if rule.gap else (now // period + 1) * period
    counted, ends = count_event(_key(rule.scope, identity), now=now, ends_at=ends_at)
    if counted <= limit:
        return None
    return _wait(ends, now)


def _applies(rule: Rule, identity: str) -> bool:
    """Whether ``rule`` counts this identity: it has one, and the rule is on."""
    return bool(identity) and rule.value("period") > 0 and rule.value("limit") > 0


def _wait(ends: float, now: float) -> int:
    """Whole seconds from ``now`` until a window or gap that ends at ``ends`` is over."""
    return max(1, int(ends - now) + 1)
