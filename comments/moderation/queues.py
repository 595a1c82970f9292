"""Reads for the moderation queue: which comments a tab holds, and what each row shows."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from articles.models import Article

from ..identity import canonical_ip, normalize_email
from ..models import Comment, Report
from . import actions

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

    @classmethod
    def from_query(cls, query) -> "QueueFilters":
        status = query.get("status", "pending")
        article = query.get("article", "")
        return cls(
            status=status if status in dict(TABS) else "pending",
            order="oldest" if query.get("order") == "oldest" else "newest",
            article=int(article) if article.isdigit() else None,
            author=query.get("author", "").strip()[:254],
        )

    def query_string(self, **changes) -> str:
        values = {
            "status": self.status,
            "order": self.order,
            "article": self.article or "",
            "author": self.author,
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
    return comments


def queue(filters: QueueFilters):
    """The comments of the chosen tab, newest or oldest first."""
    comments = _filtered(filters)
    if filters.status == "reported":
        comments = comments.with_open_reports()
    else:
        comments = comments.filter(status=filters.status)
    order = "created_at" if filters.order == "oldest" else "-created_at"
    return comments.select_related("article", "parent").order_by(order, "pk")


def tabs(filters: QueueFilters) -> list[dict]:
    """Each tab with its count under the current article/author filters (two queries)."""
    comments = _filtered(filters)
    counts = comments.status_counts()
    counts["reported"] = comments.with_open_reports().count()
    return [
        {
            "key": key,
            "label": label,
            "count": counts[key],
            "active": key == filters.status,
            "query": filters.query_string(status=key, page=""),
        }
        for key, label in TABS
    ]


@dataclass
class Row:
    comment: Comment
    history: dict = field(default_factory=dict)
    reports: list = field(default_factory=list)

    @property
    def actions(self) -> list[actions.ModerationAction]:
        """The registry's actions a moderator is offered for this comment."""
        return actions.for_comment(self.comment, open_reports=len(self.reports))

    @property
    def report_sources(self) -> int:
        """How many networks the open reports come from (several browsers on one count once)."""
        return len({report.source_key for report in self.reports})


def rows(comments: list[Comment]) -> list[Row]:
    """Queue rows with the author's history and open reports: two queries for any page."""
    # Anonymised comments have no email; they share no history with each other.
    history = Comment.objects.history_by_author(c.author_email for c in comments)
    reports: dict[int, list[Report]] = {}
    for report in Report.objects.open().filter(comment__in=[c.pk for c in comments]):
        reports.setdefault(report.comment_id, []).append(report)
    return [
        Row(
            comment=c,
            history=history.get(c.author_email, {}),
            reports=reports.get(c.pk, []),
        )
        for c in comments
    ]


def articles_with_comments():
    return Article.objects.filter(comments__isnull=False).distinct().only("pk", "title")
