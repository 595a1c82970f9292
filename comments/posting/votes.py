"""Readers mark a comment "Helpful": once per browser and once per network, no account.

A browser is told apart by the voter cookie (``settings.COMMENTS_VOTER_COOKIE``: a random id
the first vote sets, HttpOnly, nothing personal in it); a network is the reader's IPv4 /24 or
IPv6 /48 (``identity.report_network``), so fresh cookie jars on one network count once, as for
reader reports. Only keyed hashes of both are stored (``HelpfulVote``). No down-votes, no un-vote.

How fresh the count is: a vote updates ``Comment.helpful_count`` at once (one atomic
``UPDATE ... SET helpful_count = helpful_count + 1``, in the vote's transaction) but does not
raise ``Article.thread_version``, so the warm shared article page is not thrown away per vote.
The shared page is rendered again each minute (its cache key names the minute,
``articles.page_cache``), so the counts and the "Most helpful" order it shows are at most about
a minute old; a reader's personal page (a session, own comments, a notice) and the answer to
the vote itself show the count as it is.
"""

import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from .. import ratelimit
from ..identity import keyed_digest, report_network
from ..models import Comment, HelpfulVote

_VOTER_ID = re.compile(r"[A-Za-z0-9_-]{24}")


class AlreadyVoted(Exception):
    """This browser or this network has marked the comment helpful before."""


class NotVotable(Exception):
    """The comment is not public (any more): readers cannot vote on it."""


def voter_id(request) -> tuple[str, bool]:
    """This browser's voter id, and whether it is new (to be set with ``remember_voter``)."""
    saved = request.COOKIES.get(settings.COMMENTS_VOTER_COOKIE, "")
    if _VOTER_ID.fullmatch(saved):
        return saved, False
    return secrets.token_urlsafe(18), True


def remember_voter(response, voter: str) -> None:
    """Set the voter cookie: a random id, HttpOnly, Secure off DEBUG, SameSite=Lax, one year."""
    response.set_cookie(
        settings.COMMENTS_VOTER_COOKIE,
        voter,
        max_age=365 * 24 * 60 * 60,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def comment_vote_helpful(*, comment: Comment, voter: str, ip_address: str | None) -> int:
    """Record that the reader found ``comment`` helpful; returns its number of votes now.

    ``voter`` is the browser's voter id, ``ip_address`` the reader's address (None: no
    network known, then only the browser is checked). Raises ``AlreadyVoted`` if the browser
    or its network voted on this comment before, ``NotVotable`` if the comment is not public,
    and ``ratelimit.RateLimited`` when the network cast too many votes
    (``ratelimit.HELPFUL_VOTES``); none of them changes anything.
    """
    voter_key = keyed_digest("helpful-voter", voter)
    network = report_network(ip_address)
    network_key = keyed_digest("helpful-network", network) if network else ""
    same_reader = Q(voter_key=voter_key) | (Q(network_key=network_key) if network_key else Q())
    if HelpfulVote.objects.filter(same_reader, comment=comment).exists():
        raise AlreadyVoted
    ratelimit.check(ratelimit.HELPFUL_VOTES, ip_address=ip_address)
    try:
        with transaction.atomic():
            HelpfulVote.objects.create(
                comment=comment, voter_key=voter_key, network_key=network_key
            )
            counted = (
                Comment.objects.public()
                .filter(pk=comment.pk)
                .update(helpful_count=F("helpful_count") + 1)
            )
            if not counted:
                raise NotVotable
    except IntegrityError:  # the same browser or network, at the same instant
        raise AlreadyVoted from None
    return helpful_count(comment)


def helpful_count(comment: Comment) -> int:
    """The comment's number of "Helpful" votes as stored now (one query)."""
    return Comment.objects.values_list("helpful_count", flat=True).get(pk=comment.pk)
