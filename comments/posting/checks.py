"""Abuse checks: each looks at a new comment and may hold it or send it to spam, saying why;
and ``decide``, the status a new comment starts in.

A check returns a list of ``Finding``s; the posting service records every finding on the
comment (``hold_reasons``), so moderators see in plain words why a comment was held.
"""

import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.models import Article

from .. import site_settings
from ..identity import KNOWN_EMAIL_NEW_BROWSER
from ..models import Ban, Comment, KeywordRule, text_fingerprint

logger = logging.getLogger(__name__)

Verdict = Literal["hold", "spam"]
HREF = re.compile(r"<a\s[^>]*href=", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    message: str
    verdict: Verdict

    def as_reason(self) -> dict:
        return asdict(self)


def hold_reason(code: str, message: str) -> dict:
    """A recorded reason to hold a comment that no check found (a mode, reader reports)."""
    return Finding(code, message, "hold").as_reason()


@dataclass(frozen=True, slots=True)
class Submission:
    """What a commenter sent, as the checks see it."""

    body: str
    body_html: str
    author_name: str
    author_email: str
    author_url: str
    ip_address: str | None
    user_agent: str
    article_id: int | None = None
    honeypot: str = ""
    seconds_to_submit: float | None = None
    # The comment itself when its author edits it: it is not its own duplicate.
    comment_id: int | None = None

    def fields(self) -> dict[str, str]:
        """Every part a keyword may hide in, named as moderators read it."""
        return {
            _("text"): self.body,
            _("name"): self.author_name,
            _("email"): self.author_email,
            _("website"): self.author_url,
            _("IP address"): self.ip_address or "",
            _("user agent"): self.user_agent,
        }


def banned(submission: Submission) -> list[Finding]:
    bans = Ban.objects.matching(email=submission.author_email, ip_address=submission.ip_address)
    return [
        Finding(
            "banned", _("banned %(what)s: %(reason)s") % {"what": ban, "reason": ban.reason}, "spam"
        )
        for ban in bans
    ]


def keywords(submission: Submission) -> list[Finding]:
    findings = []
    fields = {name: value.casefold() for name, value in submission.fields().items()}
    for rule in KeywordRule.objects.all():
        phrase = rule.phrase.strip().casefold()
        if not phrase:
            continue
        where = [name for name, value in fields.items() if phrase in value]
        if not where:
            continue
        if rule.action == KeywordRule.Action.SPAM:
            code, label, verdict = "disallowed_keyword", _("disallowed keyword"), "spam"
        else:
            code, label, verdict = "moderation_keyword", _("moderation keyword"), "hold"
        message = _("contains %(label)s '%(phrase)s' in the %(where)s") % {
            "label": label,
            "phrase": rule.phrase.strip(),
            "where": ", ".join(where),
        }
        findings.append(Finding(code, message, verdict))
    return findings


def too_many_links(submission: Submission) -> list[Finding]:
    links = len(HREF.findall(submission.body_html))
    limit = site_settings.hold_links()
    if limit and links >= limit:
        message = ngettext("%(count)d link", "%(count)d links", links) % {"count": links}
        return [Finding("links", message, "hold")]
    return []


def honeypot(submission: Submission) -> list[Finding]:
    """A field people never see (CSS hides it, screen readers skip it) that bots fill in."""
    if submission.honeypot.strip():
        return [Finding("honeypot", _("a hidden field only bots fill in was filled in"), "spam")]
    return []


def too_fast(submission: Submission) -> list[Finding]:
    """Posted sooner after the page loaded than a person could read and type.

    Only comments from the public form carry the time (the form refuses one without a valid
    signed timestamp); comments made by other code, such as moderators' replies, do not.
    """
    seconds = submission.seconds_to_submit
    if seconds is None:
        return []
    minimum = settings.COMMENTS_MIN_SUBMIT_SECONDS
    if minimum and seconds < minimum:
        message = ngettext(
            "posted %(seconds)d second after the page loaded",
            "posted %(seconds)d seconds after the page loaded",
            int(seconds),
        ) % {"seconds": int(seconds)}
        return [Finding("too_fast", message, "hold")]
    return []


def duplicate(submission: Submission) -> list[Finding]:
    """The same text posted again recently, on this article or by this email elsewhere."""
    window = settings.COMMENTS_DUPLICATE_WINDOW_HOURS
    if not window:
        return []
    same_text = Comment.objects.filter(
        Q(article_id=submission.article_id) | Q(author_email=submission.author_email),
        text_fingerprint=text_fingerprint(submission.body),
        created_at__gte=timezone.now() - timedelta(hours=window),
    ).exclude(status=Comment.Status.REMOVED)
    if submission.comment_id is not None:
        same_text = same_text.exclude(pk=submission.comment_id)
    if same_text.exists():
        return [Finding("duplicate", _("the same text as a recent comment"), "hold")]
    return []


def akismet(submission: Submission) -> list[Finding]:
    """Ask Akismet when AKISMET_API_KEY is set. The commenter's email is never sent.

    Any failure (timeout, error, unexpected answer) adds no finding: the site works the same
    without Akismet, and other checks still apply.
    """
    key = settings.AKISMET_API_KEY
    if not key:
        return []
    data = urllib.parse.urlencode(
        {
            "api_key": key,
            "blog": settings.SITE_URL,
            "user_ip": submission.ip_address or "",
            "user_agent": submission.user_agent,
            "comment_type": "comment",
            "comment_author": submission.author_name,
            "comment_author_url": submission.author_url,
            "comment_content": submission.body,
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (the URL is the operator's setting)
        settings.AKISMET_URL, data=data, headers={"User-Agent": "healthnews-comments/1.0"}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.AKISMET_TIMEOUT) as response:  # noqa: S310
            answer = response.read(16).decode().strip()
    except (OSError, urllib.error.URLError, ValueError) as error:
        logger.warning("Akismet check failed, comment not checked: %s", error)
        return []
    if answer == "true":
        return [Finding("akismet", _("Akismet says this is spam"), "spam")]
    if answer != "false":
        logger.warning("Akismet gave an unexpected answer: %r", answer)
    return []


# The checks that read this site's data run inside the transaction that saves the comment.
CHECKS = [banned, honeypot, keywords, too_many_links, too_fast, duplicate]
# Those that ask another service over the network (Akismet: up to AKISMET_TIMEOUT seconds)
# run before it (``ask_services``): a post must not wait for them while it holds the
# article's lock (PostgreSQL) or the database's only write lock (SQLite), which every other
# post, vote and moderator's decision then waits for.
REMOTE_CHECKS = [akismet]


def ensure_open(article: Article) -> None:
    """Raise ValidationError, in words for the commenter, if ``article`` takes no comments."""
    if not article.accepts_comments():
        raise ValidationError(_("Comments are closed on this article."))


class NotAsked(Exception):
    """A transaction needs what the remote checks say of a text it was not given
    (``run_checks`` with ``asked=None``). Its caller asks them outside it and tries again."""


def services_on() -> bool:
    """Whether a remote check would ask anything (Akismet has a key)."""
    return bool(settings.AKISMET_API_KEY)


def ask_services(submission: Submission) -> list[Finding]:
    """The remote checks' findings (``REMOTE_CHECKS``). Call outside any transaction."""
    return [finding for check in REMOTE_CHECKS for finding in check(submission)]


def run_checks(submission: Submission, asked: list[Finding] | None) -> list[Finding]:
    """Every check's findings: the local checks' now, then ``asked``, what
    ``ask_services`` found before the transaction. Raises ``NotAsked`` for ``asked=None``:
    the caller expected no new text to check (a double click, an unchanged edit) and found
    one under its lock."""
    if asked is None:
        raise NotAsked
    return [*(finding for check in CHECKS for finding in check(submission)), *asked]


@dataclass(frozen=True, slots=True)
class Decision:
    status: str
    reasons: list[dict]


def decide(
    *,
    article: Article,
    submission: Submission,
    asked: list[Finding] | None,
    known: bool,
    proven: bool,
    question: bool = False,
) -> Decision:
    """The status a new comment starts in, and every reason it was held or spammed.

    ``asked``: what the remote checks found (``ask_services``). ``question``: a top-level
    comment on an article in Q&A mode, always held (until an expert answers it or a
    moderator approves it, ``moderation.answers``).

    ``known``: the address has a published comment; ``proven``: this browser has shown it is
    that address's (``services._proves``). In the ``auto`` mode only both together publish at
    once; a known address from a browser that has not proved it is held like a first
    comment, so typing someone's address neither publishes as them nor tells that they
    comment here.
    """
    findings = run_checks(submission, asked)
    reasons = [finding.as_reason() for finding in findings]
    if any(finding.verdict == "spam" for finding in findings):
        return Decision(Comment.Status.SPAM, reasons)
    if question:
        reasons.append(hold_reason("question", _("question for the experts")))
    mode = article.moderation_mode
    if mode == "pre":
        reasons.append(hold_reason("pre_moderation", _("every comment here is reviewed first")))
    elif mode == "auto" and not known:
        reasons.append(hold_reason("first_comment", _("first comment from this email")))
    elif mode == "auto" and not proven:
        reasons.append(hold_reason(KNOWN_EMAIL_NEW_BROWSER, _("known email from a new browser")))
    return Decision(Comment.Status.PENDING if reasons else Comment.Status.APPROVED, reasons)
