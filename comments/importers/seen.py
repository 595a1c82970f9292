"""The source ids one import has read, kept in the database so that memory stays flat.

An export may hold millions of comments; a set of every id read would grow with the file
(about 100 bytes an id). ``SeenIds`` keeps them instead in a temporary table of the import's
own database connection: dropped when the import ends, never seen by another connection, and,
in a dry run, rolled back with everything else. The writer asks once per batch which of the
batch's ids (and their parents' ids) came earlier in the file (``among``) and then adds the
batch's (``add``): two queries a batch, whatever the file's size.

A temporary table belongs to one database session, so the import needs the same session from
start to end: a direct connection, or a pooler in session mode (a transaction-mode pooler may
hand a later batch another server connection, where the table does not exist, and the import
then stops with a database error after the batches already written).
"""

from collections.abc import Iterable
from uuid import uuid4

from django.db import connection

_CHUNK = 5_000


class SeenIds:
    """A context manager: the temporary table exists inside the ``with`` block."""

    def __init__(self):
        self._table = connection.ops.quote_name(f"import_seen_{uuid4().hex[:16]}")

    def __enter__(self) -> "SeenIds":
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {self._table} (source_id text PRIMARY KEY)")
        return self

    def __exit__(self, *exc_info) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self._table}")

    def among(self, source_ids: Iterable[str]) -> set[str]:
        """The ids of ``source_ids`` added earlier."""
        ids, found = list(source_ids), set()
        with connection.cursor() as cursor:
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                marks = ", ".join(["%s"] * len(chunk))
                # The table's name is made here; the ids are parameters.
                query = f"SELECT source_id FROM {self._table} WHERE source_id IN ({marks})"  # noqa: S608
                cursor.execute(query, chunk)
                found.update(row[0] for row in cursor.fetchall())
        return found

    def add(self, source_ids: Iterable[str]) -> None:
        """Remember ``source_ids``, none of which was added before."""
        with connection.cursor() as cursor:
            query = f"INSERT INTO {self._table} (source_id) VALUES (%s)"  # noqa: S608
            cursor.executemany(query, [(i,) for i in source_ids])
