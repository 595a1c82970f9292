"""The indexes of the moderators' comment search (``comments.moderation.search``).

PostgreSQL only (SQLite searches with a plain LIKE): a GIN index on the full-text document of
a comment (its text and author name, 'simple' configuration), a btree index on the IP
address (exact addresses and ``<<=`` networks), and one on the email for ``LIKE 'start%'``
under any collation (``varchar_pattern_ops``; the plain index serves only equality there).
Built CONCURRENTLY, so a large table keeps taking comments while they are made (the migration
is therefore not atomic).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

SEARCH_INDEX = "comment_search_gin"
IP_INDEX = "comment_ip_address_idx"
EMAIL_PREFIX_INDEX = "comment_email_prefix_idx"


def indexes():
    # The same expression as comments.moderation.search.search_vector(): the planner uses the
    # index only for a query with this very expression.
    return [
        GinIndex(SearchVector("body", "author_name", config="simple"), name=SEARCH_INDEX),
        models.Index(
            fields=["ip_address"], name=IP_INDEX, condition=models.Q(ip_address__isnull=False)
        ),
        models.Index(
            fields=["author_email"], name=EMAIL_PREFIX_INDEX, opclasses=["varchar_pattern_ops"]
        ),
    ]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    comment = apps.get_model("comments", "Comment")
    for index in indexes():
        sql = str(index.create_sql(comment, schema_editor, concurrently=True))
        schema_editor.execute(sql.replace("CONCURRENTLY", "CONCURRENTLY IF NOT EXISTS", 1))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in (SEARCH_INDEX, IP_INDEX, EMAIL_PREFIX_INDEX):
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("comments", "0016_reasons_appeals")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
