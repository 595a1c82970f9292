"""Settings each new PostgreSQL connection gets: no parallel query and no JIT for the site's
pages.

A page's queries read a few index entries each (a queue page, a sorted list, a count that stops
at a cap). PostgreSQL still plans some of them as if they were big:

- **Parallel workers.** Starting them costs more than the query: measured at 10,000,000
  comments on 2 cores, the moderation queue's pending tab took 100 ms with parallel workers
  and 68 ms without, page 50 of the approved tab 135 and 102. ``DATABASE_PARALLEL_WORKERS``
  (default 0; PostgreSQL's default is 2) sets ``max_parallel_workers_per_gather``.
- **JIT compilation.** A count whose estimate passes ``jit_above_cost`` (the page a post
  lands on, in a thread of 200,000 comments: an estimated cost of 635,000 for an 80 ms index
  read) spent 65 ms compiling before it ran. ``DATABASE_JIT`` (default off) sets ``jit``.

Both with one ``set_config`` statement when a connection opens, not as connection options, so
that they also pass through a connection pooler such as PgBouncer (which refuses unknown
startup options).
"""

from django.conf import settings


def on_connection_created(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: applies ``DATABASE_PARALLEL_WORKERS`` and
    ``DATABASE_JIT`` (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    workers = int(getattr(settings, "DATABASE_PARALLEL_WORKERS", 0))
    jit = "on" if getattr(settings, "DATABASE_JIT", False) else "off"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('max_parallel_workers_per_gather', %s, false),"
            " set_config('jit', %s, false)",
            [str(workers), jit],
        )
