"""A stored full-text document per comment, kept by PostgreSQL (``comments.moderation.search``).

PostgreSQL only (SQLite searches with a plain LIKE and gets nothing here): a column
``search_vector``, ``GENERATED ALWAYS AS (to_tsvector('simple', body || ' ' || author_name))
STORED``, so the database computes it on every insert and update and no code can forget it;
a GIN index on it (``comment_search_vector_gin``); and the expression index of migration 0017
(``comment_search_gin``) dropped, since no query uses that expression any more.

Why a column: with an expression index a search whose word is common (in 40% of comments)
either builds a bitmap of every match or, walking the newest comments first, computes
``to_tsvector`` of each row again; a stored document makes that per-row test a cheap match,
so the newest matches of a common word are found by reading a few rows of the
(status, created_at) index.

The model has no field for the column (``search.py`` reads it with raw SQL on PostgreSQL
only). Adding a stored generated column rewrites the table under an exclusive lock (about a
minute per million comments); the index is then built CONCURRENTLY, so the migration is not
atomic.
"""

import importlib

from django.db import migrations

COLUMN = "search_vector"
INDEX = "comment_search_vector_gin"
OLD_INDEX = "comment_search_gin"
# The document: the same words migration 0017's expression index held.
DOCUMENT = (
    "to_tsvector('simple'::regconfig, COALESCE(body, '') || ' ' || COALESCE(author_name, ''))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE comments_comment ADD COLUMN IF NOT EXISTS {COLUMN} tsvector "
        f"GENERATED ALWAYS AS ({DOCUMENT}) STORED"
    )
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON comments_comment USING gin ({COLUMN})"
    )
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {OLD_INDEX}")
    schema_editor.execute("ANALYZE comments_comment")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # Back to migration 0017's state: its expression index, no column.
    importlib.import_module("comments.migrations.0017_search_index").create(apps, schema_editor)
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
    schema_editor.execute(f"ALTER TABLE comments_comment DROP COLUMN IF EXISTS {COLUMN}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("comments", "0018_import_runs")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
