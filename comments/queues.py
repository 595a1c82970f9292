"""Reads for the moderation queue: which comments a tab holds, and what each row shows."""

import ipaddress
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from articles.models import Article

from .models import Comment, Report

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
        match = Q(author_email__iexact=filters.author)
        if ip := _as_ip(filters.author):
            match |= Q(ip_address=ip)
        comments = comments.filter(match)
    return comments


def _as_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def queue(filters: QueueFilters):
    """The comments of the chosen tab, newest or oldest first."""
    comments = _filtered(filters)
    if filters.status == "reported":
        comments = comments.reported()
    else:
        comments = comments.filter(status=filters.status)
    order = "created_at" if filters.order == "oldest" else "-created_at"
    return comments.select_related("article", "parent").order_by(order, "pk")


def tabs(filters: QueueFilters) -> list[dict]:
    """Each tab with its count under the current article/author filters (two queries)."""
    comments = _filtered(filters)
    counts = comments.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Status.values}
    )
    counts["reported"] = comments.reported().count()
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


def rows(comments: list[Comment]) -> list[Row]:
    """Queue rows with the author's history and open reports: two queries for any page."""
    # Anonymised comments have no email; they share no history with each other.
    emails = {c.author_email.lower() for c in comments if c.author_email}
    history = {
        item["email"]: item
        for item in Comment.objects.annotate(email=Lower("author_email"))
        .filter(email__in=emails)
        .values("email")
        .annotate(
            approved=Count("pk", filter=Q(status=Status.APPROVED)),
            pending=Count("pk", filter=Q(status=Status.PENDING)),
            spam=Count("pk", filter=Q(status=Status.SPAM)),
            removed=Count("pk", filter=Q(status=Status.REMOVED)),
        )
    }
    reports: dict[int, list[Report]] = {}
    for report in Report.objects.filter(
        comment__in=[c.pk for c in comments], resolved_at__isnull=True
    ):
        reports.setdefault(report.comment_id, []).append(report)
    return [
        Row(
            comment=c,
            history=history.get(c.author_email.lower(), {}),
            reports=reports.get(c.pk, []),
        )
        for c in comments
    ]


def articles_with_comments():
    return Article.objects.filter(comments__isnull=False).distinct().only("pk", "title")
