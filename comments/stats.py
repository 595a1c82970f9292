"""Numbers for the admin dashboard: read-only, a fixed number of queries whatever the volume.

Days are the project's local days (``TIME_ZONE``, via ``timezone.localdate``), so "today" in the
chart is the day the site's editors live in, not UTC's.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from articles.models import Article

from .models import Comment, Report

Status = Comment.Status

CHART_DAYS = 30
TOP_ARTICLE_DAYS = 7
TOP_ARTICLE_LIMIT = 5


@dataclass(frozen=True, slots=True)
class PendingSummary:
    count: int
    oldest_at: datetime | None


@dataclass(frozen=True, slots=True)
class DayCount:
    day: date
    total: int
    spam: int


@dataclass(frozen=True, slots=True)
class ArticleCount:
    article: Article
    comments: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    now: datetime
    pending: PendingSummary
    open_reports: int
    days: list[DayCount]
    top_articles: list[ArticleCount]

    @property
    def total_comments(self) -> int:
        """Comments received (any status) over the chart's days."""
        return sum(day.total for day in self.days)

    @property
    def spam_comments(self) -> int:
        return sum(day.spam for day in self.days)

    @property
    def spam_percent(self) -> float | None:
        """Spam as a percentage of all comments over the chart's days; None when there were none."""
        if not self.total_comments:
            return None
        return 100 * self.spam_comments / self.total_comments


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def pending_summary() -> PendingSummary:
    """How many comments wait for a moderator, and when the longest-waiting one came (1 query)."""
    row = Comment.objects.filter(status=Status.PENDING).aggregate(
        count=Count("pk"), oldest_at=Min("created_at")
    )
    return PendingSummary(count=row["count"], oldest_at=row["oldest_at"])


def open_report_count() -> int:
    """Reader reports no moderator has resolved yet (1 query)."""
    return Report.objects.filter(resolved_at__isnull=True).count()


def comments_per_day(*, days: int = CHART_DAYS, now: datetime | None = None) -> list[DayCount]:
    """Comments received per local day, oldest first, ending today: exactly ``days`` entries.

    Every status counts (spam included, counted again in ``spam``); days without comments are
    0. One query.
    """
    today = timezone.localdate(now or timezone.now())
    first = today - timedelta(days=days - 1)
    rows = (
        Comment.objects.filter(
            created_at__gte=_local_midnight(first),
            created_at__lt=_local_midnight(today + timedelta(days=1)),
        )
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(total=Count("pk"), spam=Count("pk", filter=Q(status=Status.SPAM)))
        .order_by()
    )
    counts = {row["day"]: (row["total"], row["spam"]) for row in rows}
    result = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        total, spam = counts.get(day, (0, 0))
        result.append(DayCount(day=day, total=total, spam=spam))
    return result


def most_commented_articles(
    *, days: int = TOP_ARTICLE_DAYS, limit: int = TOP_ARTICLE_LIMIT, now: datetime | None = None
) -> list[ArticleCount]:
    """The articles with the most approved comments posted in the last ``days`` days (rolling).

    Most comments first (ties: newest article first); articles without any are left out. One
    query.
    """
    now = now or timezone.now()
    articles = (
        Article.objects.filter(
            comments__status=Status.APPROVED,
            comments__created_at__gte=now - timedelta(days=days),
            comments__created_at__lte=now,
        )
        .annotate(recent_comments=Count("comments"))
        .order_by("-recent_comments", "-published_at", "-pk")[:limit]
    )
    return [ArticleCount(article=a, comments=a.recent_comments) for a in articles]


def dashboard(now: datetime | None = None) -> Dashboard:
    """Everything the admin index shows, in four queries."""
    now = now or timezone.now()
    return Dashboard(
        now=now,
        pending=pending_summary(),
        open_reports=open_report_count(),
        days=comments_per_day(now=now),
        top_articles=most_commented_articles(now=now),
    )
