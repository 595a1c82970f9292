"""The transparency numbers (EU Digital Services Act, Art. 15 and 24): per month, the decisions
restricting comments per reason, automated or by a person, appeals and their outcomes, and
the median time from a comment's posting to its first decision.

Counted from the moderation log, whatever the volume in a fixed number of queries: one grouped
count of decisions, one of first decisions, one per month for its median (an index-backed
sort of that month's first decisions; no vendor-specific percentile function), two for
appeals, one for undone decisions; the undone rows are a subquery over the ``UNDO`` rows of
the period (index ``log_action_when``), each resolved by the log's comment index. Months
are the project's local months (``TIME_ZONE``), newest first (the dashboard and the CSV
alike), at most ``MAX_MONTHS``.

What counts as a decision: removals (per ``RemovalReason``, or "no specific reason"), spam,
and hiding after reader reports; ``automated`` on the log row says whether a person took it.
A decision its moderator took back with Undo (``moderation/undo.py``) is not a decision: it is
counted apart, as ``undone``, in the month it was taken, and leaves the median out too.
Data-rights erasures (log rows without a status) are the commenter's own act and not counted.
Comments sent to spam or held by the checks as they were posted are recorded on the comment
(``hold_reasons``), not in the log, and are not counted here. The time to decision counts a
comment's first logged decision of any kind (approval included), from decisions logged since
the field existed (migration 0016).
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..models import Appeal, ModerationLog, RemovalReason
from ..moderation.undo import undone_rows

Action = ModerationLog.Action
DASHBOARD_MONTHS = 6
CSV_MONTHS = 12
MAX_MONTHS = 36
CACHE_SECONDS = 10 * 60
RESTRICTIONS = [Action.REMOVE, Action.SPAM, Action.HIDE]
DECISIONS = [Action.APPROVE, *RESTRICTIONS]


@dataclass(slots=True)
class Month:
    """One month's numbers; ``by_reason`` maps a category's label to its count."""

    month: date
    by_reason: dict[str, int] = field(default_factory=dict)
    automated: int = 0
    human: int = 0
    undone: int = 0  # decisions taken back with Undo: not in the counts above
    appeals_filed: int = 0
    appeals_upheld: int = 0
    appeals_rejected: int = 0
    median_seconds: float | None = None

    @property
    def decisions(self) -> int:
        return self.automated + self.human

    @property
    def median_text(self) -> str:
        """The median time to decision in words ("3.5 hours"); a dash when nothing was decided."""
        if self.median_seconds is None:
            return "\u2013"
        hours = self.median_seconds / 3600
        if hours < 1:
            return _("%(n)d min") % {"n": round(self.median_seconds / 60)}
        if hours < 48:
            return _("%(n).1f hours") % {"n": hours}
        return _("%(n).1f days") % {"n": hours / 24}


def cached_report(*, months: int = DASHBOARD_MONTHS) -> list[Month]:
    """``report()``, kept in the shared cache for ``CACHE_SECONDS``: the dashboard shows it on
    every visit to the admin index, and at 1.5 million log rows a fresh count takes about a
    second on PostgreSQL (the CSV export counts afresh)."""
    key = f"comments:transparency:{months}:{timezone.localdate():%Y-%m}:{get_language()}"
    found = cache.get(key)
    if found is None:
        found = report(months=months)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _month_starts(count: int, now: datetime) -> list[date]:
    today = timezone.localdate(now)
    year, month = today.year, today.month
    starts = []
    for _step in range(count):
        starts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _month_of(value) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def _labels() -> dict:
    return {
        Action.SPAM: _("Spam"),
        Action.HIDE: _("Hidden after reader reports"),
        None: _("Removed, no specific reason"),
    }


def report(*, months: int = CSV_MONTHS, now: datetime | None = None) -> list[Month]:
    """The numbers for the last ``months`` months (1 to ``MAX_MONTHS``), newest first."""
    months = max(1, min(int(months), MAX_MONTHS))
    now = now or timezone.now()
    starts = _month_starts(months, now)
    rows = {start: Month(month=start) for start in starts}
    since = _aware(starts[-1])
    reasons = dict(RemovalReason.objects.values_list("pk", "title"))
    labels = _labels()
    undone = undone_rows(since=since)

    restrictions = ModerationLog.objects.filter(
        created_at__gte=since, action__in=RESTRICTIONS
    ).exclude(to_status="")
    taken_back = (
        restrictions.filter(pk__in=undone)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    for item in taken_back:
        if row := rows.get(_month_of(item["month"])):
            row.undone += item["n"]
    decisions = (
        restrictions.exclude(pk__in=undone)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "action", "reason_id", "automated")
        .annotate(n=Count("pk"))
    )
    for item in decisions:
        row = rows.get(_month_of(item["month"]))
        if row is None:
            continue
        if item["action"] == Action.REMOVE and item["reason_id"]:
            label = reasons.get(item["reason_id"], labels[None])
        else:
            label = labels[item["action"] if item["action"] != Action.REMOVE else None]
        row.by_reason[label] = row.by_reason.get(label, 0) + item["n"]
        if item["automated"]:
            row.automated += item["n"]
        else:
            row.human += item["n"]

    firsts = ModerationLog.objects.filter(
        created_at__gte=since, action__in=DECISIONS, decision_seconds__isnull=False
    ).exclude(pk__in=undone)
    counts = firsts.annotate(month=TruncMonth("created_at")).values("month").annotate(n=Count("pk"))
    for item in counts:
        start = _month_of(item["month"])
        if start in rows:
            rows[start].median_seconds = _median(firsts, start, item["n"])

    filed = (
        Appeal.objects.filter(created_at__gte=since)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    for item in filed:
        if row := rows.get(_month_of(item["month"])):
            row.appeals_filed += item["n"]
    decided = (
        Appeal.objects.decided()
        .filter(decided_at__gte=since)
        .annotate(month=TruncMonth("decided_at"))
        .values("month", "status")
        .annotate(n=Count("pk"))
    )
    for item in decided:
        if row := rows.get(_month_of(item["month"])):
            if item["status"] == Appeal.Status.UPHELD:
                row.appeals_upheld += item["n"]
            else:
                row.appeals_rejected += item["n"]
    return [rows[start] for start in starts]


def _median(firsts, start: date, count: int) -> float | None:
    if not count:
        return None
    following = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    values = list(
        firsts.filter(created_at__gte=_aware(start), created_at__lt=_aware(following))
        .order_by("decision_seconds")
        .values_list("decision_seconds", flat=True)[(count - 1) // 2 : count // 2 + 1]
    )
    return sum(values) / len(values) if values else None


def categories(months: list[Month]) -> list[str]:
    """Every category with a count in ``months``: the reasons in their order, then the rest."""
    seen = {label for month in months for label in month.by_reason}
    ordered = list(RemovalReason.objects.values_list("title", flat=True))
    labels = _labels()
    ordered += [str(labels[None]), str(labels[Action.SPAM]), str(labels[Action.HIDE])]
    return [label for label in ordered if label in seen]


def as_csv(months: list[Month]) -> str:
    """The numbers as CSV (RFC 4180): one row per month in ``months``' order (``report()``:
    newest first, as on the dashboard); a column per category."""
    columns = categories(months)
    # A title starting with = + - @ would be a formula in a spreadsheet (CSV injection).
    headers = [f"'{c}" if c[:1] in ("=", "+", "-", "@") else c for c in columns]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "month",
            "decisions",
            "automated",
            "by_a_person",
            "undone",
            *headers,
            "appeals_filed",
            "appeals_upheld",
            "appeals_rejected",
            "median_hours_to_first_decision",
        ]
    )
    for month in months:
        median = "" if month.median_seconds is None else f"{month.median_seconds / 3600:.2f}"
        writer.writerow(
            [
                month.month.strftime("%Y-%m"),
                month.decisions,
                month.automated,
                month.human,
                month.undone,
                *(month.by_reason.get(column, 0) for column in columns),
                month.appeals_filed,
                month.appeals_upheld,
                month.appeals_rejected,
                median,
            ]
        )
    return out.getvalue()
