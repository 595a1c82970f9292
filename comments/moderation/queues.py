"""Reads for the moderation queue: which comments a tab holds, and what each row shows."""

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from articles.models import Article

from ..identity import canonical_ip, normalize_email
from ..models import Comment, ModerationLog, Report
from . import actions, search
from .forms import parse_id

Status = Comment.Status

TABS = [
    ("pending", _("Pending")),
    ("reported", _("Reported")),
    ("spam", _("Spam")),
    ("removed", _("Removed")),
    ("approved", _("Approved")),
]


@dataclass(frozen=True)
class QueueFilters:
    status: str = "pending"
    order: str = "newest"
    article: int | None = None
    author: str = ""
    q: str = ""  # words, a name, an email or an IP address (``search.search``)

    @classmethod
    def from_query(cls, query) -> "QueueFilters":
        status = query.get("status", "pending")
        article = query.get("article", "")
        return cls(
            status=status if status in dict(TABS) else "pending",
            order="oldest" if query.get("order") == "oldest" else "newest",
            article=parse_id(article),
            author=query.get("author", "").strip()[:254],
            q=query.get("q", "").strip()[: search.MAX_TERM],
        )

    def query_string(self, **changes) -> str:
        values = {
            "status": self.status,
            "order": self.order,
            "article": self.article or "",
            "author": self.author,
            "q": self.q,
            **changes,
        }
        return urlencode({key: value for key, value in values.items() if value})


def _filtered(filters: QueueFilters):
    comments = Comment.objects.all()
    if filters.article:
        comments = comments.filter(article_id=filters.article)
    if filters.author:
        match = Q(author_email=normalize_email(filters.author))
        if ip := canonical_ip(filters.author):
            match |= Q(ip_address=ip)
        comments = comments.filter(match)
    return search.search(comments, filters.q)


def queue(filters: QueueFilters):
    """The comments of the chosen tab, newest or oldest first: by when they were posted, and
    in the reported tab by when they were first reported (``Comment.reported_at``), so a
    report on a months-old comment comes to the top as a new one would."""
    comments = _filtered(filters)
    if filters.status == "reported":
        comments, key = comments.with_open_reports(), "reported_at"
    else:
        comments, key = comments.filter(status=filters.status), "created_at"
    order = key if filters.order == "oldest" else f"-{key}"
    return comments.select_related("article", "parent").order_by(order, "pk")


# A tab or a queue counts its comments no further than this: a count is then an index range
# of at most this many rows, not a scan of a million-comment table on every page.
COUNT_CAP = 10_000
# ... and no further than this while a search narrows it: a common word is in hundreds of
# thousands of comments, and a count that stops at the 1,001st match reads a few thousand
# rows of a tab's index newest first (a larger cap makes PostgreSQL collect every match).
SEARCH_COUNT_CAP = 1_000


def count_cap(filters: QueueFilters) -> int:
    """How far the tabs and pages of ``filters`` count: ``SEARCH_COUNT_CAP`` with a search."""
    return SEARCH_COUNT_CAP if filters.q else COUNT_CAP


def capped_count(comments, cap: int | None = None) -> int:
    """How many comments, counted no further than ``cap + 1`` (default ``COUNT_CAP``): one
    ``SELECT COUNT(*) FROM (... LIMIT cap + 1)``, which stops at the first ``cap + 1``."""
    cap = COUNT_CAP if cap is None else cap
    return comments.order_by()[: cap + 1].count()


def count_label(count: int | None, cap: int | None = None) -> str:
    """ "42", or "10,000+" past the cap (default ``COUNT_CAP``); "" for a tab not counted."""
    if count is None:
        return ""
    cap = COUNT_CAP if cap is None else cap
    return f"{cap:,}+" if count > cap else f"{count:,}"


class CappedPaginator(Paginator):
    """Pages of a queue that counts no further than ``cap`` (default ``COUNT_CAP``): the pages
    past it are not offered (a moderator works from the newest or the oldest end, and filters
    and searches narrow). ``count``, when given, is the capped count already known (a tab's)."""

    def __init__(self, object_list, per_page, *, cap: int | None = None, count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap
        if count is not None:
            self.__dict__["count"] = count  # the cached_property, already known

    @cached_property
    def count(self) -> int:
        # In the page's own order: PostgreSQL then walks the (status, created_at) index as the
        # page does, and stops at the cap, where a bitmap of a common word's matches would not.
        return self.object_list[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def page(self, number):
        """Page ``number``: its keys first, in the page's order and from the index alone, then
        its rows with what they join (``select_related``), for those keys only. One query more
        than a plain slice, but a page deep in a tab, or the reported tab (found through its
        reports), no longer joins articles and parents for every row before or around it:
        page 50 of the approved tab went from 116 to 66 ms at 10,000,000 comments."""
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys)}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)


def tab_counts(filters: QueueFilters) -> dict[str, int | None]:
    """Each tab's count (``TABS`` keys) under the current filters, capped at ``count_cap``.

    Without a search: one query per tab, each an index range of at most ``COUNT_CAP`` rows.
    With one: the "reported" tab as above, and one query reading the statuses of the first
    ``SEARCH_COUNT_CAP + 1`` matches in any tab (it stops there, so a common word costs a few
    thousand rows): if there are no more, every tab's count is exact; if there are more, the
    status tabs are not counted (None; the queue then counts the current tab alone).
    """
    comments = _filtered(filters)
    cap = count_cap(filters)
    if not filters.q:
        counts = {
            status: capped_count(comments.filter(status=status), cap) for status in Status.values
        }
    else:
        found = list(comments.order_by().values_list("status", flat=True)[: cap + 1])
        over = len(found) > cap
        counts = {status: None if over else found.count(status) for status in Status.values}
    counts["reported"] = capped_count(comments.with_open_reports(), cap)
    return counts


def tabs(filters: QueueFilters, counts: dict[str, int | None]) -> list[dict]:
    """Each tab for the template: its label, its ``counts`` entry, whether it is the current one
    and its link (the filters and search kept)."""
    cap = count_cap(filters)
    return [
        {
            "key": key,
            "label": label,
            "count": counts[key],
            "count_label": count_label(counts[key], cap),
            "active": key == filters.status,
            "query": filters.query_string(status=key, page=""),
        }
        for key, label in TABS
    ]


Action = ModerationLog.Action
# The log rows that change where a comment stands (edits, moves, replies and bans do not).
DECISIONS = (
    Action.APPROVE,
    Action.SPAM,
    Action.REMOVE,
    Action.RESTORE,
    Action.HIDE,
    Action.DISMISS,
)
REPORTED = "reported"  # the hold reason's code when reader reports hid a comment
VERBS = {
    Action.APPROVE: _("Approved"),
    Action.SPAM: _("Marked as spam"),
    Action.REMOVE: _("Removed"),
    Action.RESTORE: _("Restored"),
    Action.HIDE: _("Hidden after reader reports"),
    Action.DISMISS: _("Reports dismissed"),
}


@dataclass(frozen=True, slots=True)
class Standing:
    """One change in where a comment stands: how it was posted, or a decision on it.

    ``kind`` is "posted" (the checks held it or sent it to spam; ``reasons`` are theirs) or
    a ``ModerationLog.Action`` in ``DECISIONS`` (``reasons`` is the log row's note, or for a
    hide the reports' reason). ``status`` is the status it left the comment in, ``by`` the
    moderator's username ("" for the site itself), ``at`` when.
    """

    kind: str
    status: str
    at: datetime
    by: str = ""
    reasons: tuple[str, ...] = ()

    @property
    def holds(self) -> bool:
        """True if ``reasons`` say why the comment was held or sent to spam."""
        return self.kind in ("posted", Action.HIDE)

    @property
    def verb(self) -> str:
        if self.kind != "posted":
            return VERBS[self.kind]
        return _("Sent to spam") if self.status == Status.SPAM else _("Held")

    @property
    def why(self) -> str:
        """The heading of the reasons while they describe the comment now."""
        if self.status == Status.SPAM:
            return _("Why it went to spam:")
        return _("Why it is held:")


def standings(comment: Comment, decisions: list[ModerationLog]) -> list[Standing]:
    """Where ``comment`` has stood, oldest first, from its ``DECISIONS`` log rows (in order).

    The checks' reasons at posting come first (if any); a hide by reader reports carries the
    reports' reason, so an old "first comment" reason is never told as the reason of now.
    """
    reasons = [r for r in comment.hold_reasons or [] if isinstance(r, dict)]
    hides = [row for row in decisions if row.action == Action.HIDE]
    reported = [r.get("message", "") for r in reasons if r.get("code") == REPORTED]
    posted_reasons = [
        r.get("message", "") for r in reasons if not (hides and r.get("code") == REPORTED)
    ]
    result = []
    if posted_reasons:
        posted = decisions[0].from_status if decisions else comment.status
        result.append(
            Standing(
                kind="posted",
                status=posted if posted == Status.SPAM else Status.PENDING,
                at=comment.created_at,
                reasons=tuple(posted_reasons),
            )
        )
    for row in decisions:
        note = row.note or (reported[-1] if row.action == Action.HIDE and reported else "")
        result.append(
            Standing(
                kind=row.action,
                status=row.to_status or comment.status,
                at=row.created_at,
                by=row.moderator.get_username() if row.moderator else "",
                # A removal's reason (the statement of reasons cites it), then the note.
                reasons=tuple(r for r in (row.reason and row.reason.title, note) if r),
            )
        )
    return result


@dataclass
class Row:
    comment: Comment
    history: dict = field(default_factory=dict)
    reports: list = field(default_factory=list)
    # Where the comment has stood, oldest first (``standings``).
    standings: list[Standing] = field(default_factory=list)

    @property
    def actions(self) -> list[actions.ModerationAction]:
        """The registry's actions a moderator is offered for this comment."""
        return actions.for_comment(self.comment, open_reports=len(self.reports))

    @property
    def report_sources(self) -> int:
        """How many networks the open reports come from (several browsers on one count once)."""
        return len({report.source_key for report in self.reports})

    @property
    def current(self) -> Standing | None:
        """What describes the comment now: the last decision on it, or why it is held or in
        spam if no one has decided yet. None if nothing was held or decided (or if the last
        record does not match its status: then all of it is history)."""
        if self.standings and self.standings[-1].status == self.comment.status:
            return self.standings[-1]
        return None

    @property
    def earlier(self) -> list[Standing]:
        """Where it stood before ``current``, newest first."""
        past = self.standings[:-1] if self.current else self.standings
        return past[::-1]


def rows(comments: list[Comment]) -> list[Row]:
    """Queue rows with the author's history, open reports and where each comment has stood:
    three queries for any page."""
    # Anonymised comments have no email; they share no history with each other.
    history = Comment.objects.history_by_author(c.author_email for c in comments)
    ids = [c.pk for c in comments]
    reports: dict[int, list[Report]] = {}
    for report in Report.objects.open().filter(comment__in=ids):
        reports.setdefault(report.comment_id, []).append(report)
    decisions: dict[int, list[ModerationLog]] = {}
    for row in (
        ModerationLog.objects.filter(comment__in=ids, action__in=DECISIONS)
        .select_related("moderator", "reason")
        .order_by("created_at", "pk")
    ):
        decisions.setdefault(row.comment_id, []).append(row)
    return [
        Row(
            comment=c,
            history=history.get(c.author_email, {}),
            reports=reports.get(c.pk, []),
            standings=standings(c, decisions.get(c.pk, [])),
        )
        for c in comments
    ]


def chosen_article(filters: QueueFilters) -> Article | None:
    """The article the queue is filtered to (one query, only when there is one), for its title.

    The queue never lists every article: a row's article links to the queue filtered to it.
    """
    if not filters.article:
        return None
    return Article.objects.filter(pk=filters.article).only("pk", "title").first()
