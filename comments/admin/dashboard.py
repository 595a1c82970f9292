"""The dashboard on the admin index: the numbers, and the SVG chart's geometry.

Read-only, a fixed number of queries whatever the volume. Days are the project's local days
(``TIME_ZONE``, via ``timezone.localdate``), so "today" in the chart is the day the site's
editors live in, not UTC's. ``config.admin.AdminSite`` puts ``dashboard_context()`` on the
index for moderators; the template draws the chart, no script.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.db.models.functions import TruncDate
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from articles.models import Article

from ..models import Comment, Report
from ..moderation import queues
from . import transparency
from .base import changelist_url
from .paginators import AtLeast

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
    """How many comments wait for a moderator (an ``AtLeast``, "10,000+", past the queue's
    cap), and when the longest-waiting one came (1 query)."""
    # Oldest first and no further than the queue counts: the (status, created_at) index's
    # first rows, not every held comment (800,000 of them at ten million comments).
    cap = queues.COUNT_CAP
    row = (
        Comment.objects.filter(status=Status.PENDING)
        .order_by("created_at")
        .values("created_at")[: cap + 1]
        .aggregate(count=Count("*"), oldest_at=Min("created_at"))
    )
    count = row["count"]
    return PendingSummary(
        count=AtLeast(count) if count > cap else count, oldest_at=row["oldest_at"]
    )


def open_report_count() -> int:
    """Reader reports no moderator has resolved yet (1 query)."""
    return Report.objects.open().count()


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


# The 30 days' counts and the week's most-commented articles read every comment of those days
# (about 400,000 on a site of 12,000 a day): kept this many seconds, one entry a local day.
HISTORY_TIMEOUT = 5 * 60


def dashboard(now: datetime | None = None, *, kept: bool = False) -> Dashboard:
    """Everything the admin index shows, in four queries; with ``kept``, the two over the
    past days come from the shared cache when it has them (at most ``HISTORY_TIMEOUT`` old),
    and the pending and report counts are always read now."""
    now = now or timezone.now()

    def history():
        return comments_per_day(now=now), most_commented_articles(now=now)

    if kept:
        key = f"admin-dashboard-history:{timezone.localdate(now).isoformat()}"
        days, top_articles = cache.get_or_set(key, history, HISTORY_TIMEOUT)
    else:
        days, top_articles = history()
    return Dashboard(
        now=now,
        pending=pending_summary(),
        open_reports=open_report_count(),
        days=days,
        top_articles=top_articles,
    )


@dataclass(frozen=True, slots=True)
class ChartBar:
    day: DayCount
    label: str
    x: float
    width: float
    y: float
    height: float
    spam_y: float
    spam_height: float
    slot_x: float
    slot_width: float


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG bar chart's geometry, in viewBox units; the template draws it."""

    width: int
    height: int
    left: float
    right: float
    top: float
    baseline: float
    plot_height: float
    max_label_y: float
    date_label_y: float
    bars: list[ChartBar]
    max_total: int
    first_label: str
    last_label: str
    summary: str

    @property
    def center_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def empty_label_y(self) -> float:
        return (self.top + self.baseline) / 2


def bar_chart(days: list[DayCount], *, width: int = 560, height: int = 170) -> Chart:
    """Lay out one bar per day, scaled so the busiest day reaches the top line."""
    left, right, top, baseline = 4.0, width - 4.0, 22.0, height - 24.0
    slot = (right - left) / max(len(days), 1)
    max_total = max((day.total for day in days), default=0)
    scale = (baseline - top) / max_total if max_total else 0
    bars = []
    for i, day in enumerate(days):
        bar_height = day.total * scale
        spam_height = day.spam * scale
        label = date_format(day.day, "D j M")
        tooltip = ngettext("%(day)s: %(n)d comment", "%(day)s: %(n)d comments", day.total) % {
            "day": label,
            "n": day.total,
        }
        if day.spam:
            tooltip += _(", %(n)d spam") % {"n": day.spam}
        bars.append(
            ChartBar(
                day=day,
                label=tooltip,
                x=round(left + i * slot + slot * 0.15, 2),
                width=round(slot * 0.7, 2),
                y=round(baseline - bar_height, 2),
                height=round(bar_height, 2),
                spam_y=round(baseline - spam_height, 2),
                spam_height=round(spam_height, 2),
                slot_x=round(left + i * slot, 2),
                slot_width=round(slot, 2),
            )
        )
    summary = ""
    if days:
        span = {
            "first": date_format(days[0].day, "j F"),
            "last": date_format(days[-1].day, "j F"),
        }
        total = sum(day.total for day in days)
        if total:
            busiest = max(days, key=lambda d: d.total)
            summary = ngettext(
                "%(total)d comment from %(first)s to %(last)s",
                "%(total)d comments from %(first)s to %(last)s",
                total,
            ) % {"total": total, **span} + _("; the busiest day was %(day)s, with %(max)d.") % {
                "day": date_format(busiest.day, "j F"),
                "max": max_total,
            }
        else:
            summary = _("No comments from %(first)s to %(last)s.") % span
    return Chart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        baseline=baseline,
        plot_height=baseline - top,
        max_label_y=top - 7,
        date_label_y=baseline + 16,
        bars=bars,
        max_total=max_total,
        first_label=date_format(days[0].day, "j M") if days else "",
        last_label=date_format(days[-1].day, "j M") if days else "",
        summary=summary,
    )


def _age(since, now) -> str:
    """ "2 hours ago": the largest unit only, which is all a glance needs."""
    if since is None:
        return ""
    if (now - since).total_seconds() < 60:
        return _("just now")
    return _("%(age)s ago") % {"age": timesince(since, now, depth=1)}


def _transparency() -> dict:
    months = transparency.cached_report(months=transparency.DASHBOARD_MONTHS)
    categories = transparency.categories(months)
    return {
        "months": months,
        "by_reason": [
            {"label": label, "counts": [month.by_reason.get(label, 0) for month in months]}
            for label in categories
        ],
        "csv_url": reverse("admin:comments_transparency_csv"),
        "csv_months": transparency.CSV_MONTHS,
    }


def dashboard_context() -> dict:
    """What templates/admin/index.html needs for the dashboard block."""
    data = dashboard(kept=True)
    try:
        queue_url = reverse("moderation:queue")
    except NoReverseMatch:
        queue_url = ""
    return {
        "stats": data,
        "oldest_age": _age(data.pending.oldest_at, data.now),
        "chart": bar_chart(data.days),
        "pending_url": changelist_url("comment", status__exact=Status.PENDING),
        "reports_url": changelist_url("report", state="open"),
        "spam_url": changelist_url("comment", status__exact=Status.SPAM),
        "queue_url": queue_url,
        "transparency": _transparency(),
        "top_articles": [
            {
                "title": row.article.title,
                "comments": row.comments,
                "admin_url": reverse("admin:articles_article_change", args=[row.article.pk]),
                "public_url": row.article.get_absolute_url(),
            }
            for row in data.top_articles
        ],
    }
