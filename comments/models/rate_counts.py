"""The rate limits' counts (``comments.ratelimit``): one row per rule and identity, counted
with one statement that every process sees at once.

The counts were kept in the shared cache. With Redis that is one round trip a count; with the
database cache (production without Redis) a count was a read and a write of a cache row, each
write preceded by a count of the whole cache table: 12 statements a rule, about 30 for a post,
and two processes at one instant could both read the same count and pass a limit by one. Here
a count is one upsert that returns the new count, on SQLite and PostgreSQL alike.
"""

from django.db import connection, models
from django.utils.translation import gettext_lazy as _


class RateCountQuerySet(models.QuerySet):
    def ended(self, *, now: float):
        """Rows whose window ended before ``now`` (epoch seconds): counting starts again from
        nothing there, so deleting them changes no limit."""
        return self.filter(ends_at__lte=now)


class RateCount(models.Model):
    """How many events one rule has counted for one identity in its current window.

    ``key`` names the rule and a keyed hash of the identity (an IP address or network, an
    email), never the identity itself. ``ends_at`` (epoch seconds) is when the window ends:
    for a fixed window its end, for a gap rule the moment the next event is let through.
    Rows are purged after their window (``manage.py purge_rate_counts``, daily).
    """

    key = models.CharField(_("rule and identity"), max_length=100, primary_key=True)
    n = models.PositiveIntegerField(_("events counted"))
    ends_at = models.FloatField(_("window ends (epoch seconds)"), db_index=True)

    objects = RateCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("rate-limit count")
        verbose_name_plural = _("rate-limit counts")

    def __str__(self):
        return f"{self.key}: {self.n}"


def count_event(key: str, *, now: float, ends_at: float) -> tuple[int, float]:
    """Count one event under ``key`` and return (the events counted in its window, including
    this one; when that window ends, epoch seconds). A window that had ended by ``now`` (or a
    key never seen) starts again at 1 and ends at ``ends_at``. One statement; inside a
    transaction the row stays locked until it ends, so two processes never read one count.
    """
    table = connection.ops.quote_name(RateCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, n, ends_at) VALUES (%s, 1, %s) "  # noqa: S608
            "ON CONFLICT (key) DO UPDATE SET "
            f"n = CASE WHEN {table}.ends_at <= %s THEN 1 ELSE {table}.n + 1 END, "
            f"ends_at = CASE WHEN {table}.ends_at <= %s THEN EXCLUDED.ends_at "
            f"ELSE {table}.ends_at END "
            "RETURNING n, ends_at",
            [key, ends_at, now, now],
        )
        counted, ends = cursor.fetchone()
    return counted, ends
