"""Settings each new PostgreSQL connection gets: no parallel query for the site's pages.

A page's queries read a few index entries each (a queue page, a sorted list, a count that stops
at a cap). PostgreSQL still plans some of them in parallel, and starting the workers costs more
than the query: measured at 10,000,000 comments on 2 cores, the moderation queue's pending tab
took 100 ms with parallel workers and 68 ms without, page 50 of the approved tab 135 and 102.
So each connection runs ``SET max_parallel_workers_per_gather = N`` once when it opens, N from
``DATABASE_PARALLEL_WORKERS`` (default 0; set it to PostgreSQL's default, 2, to give the
planner its workers back). A ``SET``, not a connection option, so that it also passes through
a connection pooler such as PgBouncer (which refuses unknown startup options).
"""

from django.conf import settings


def on_connection_created(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: applies ``DATABASE_PARALLEL_WORKERS`` (PostgreSQL)."""
    workers = getattr(settings, "DATABASE_PARALLEL_WORKERS", None)
    if connection.vendor != "postgresql" or workers is None:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = %s", [int(workers)])
