"""The thread counts' update trigger on PostgreSQL counts, and locks the articles of, only
the comments whose count row the update changed (``comments.models.thread_counts``): a vote,
an edit or a pick takes no article. SQLite's trigger had that condition already (and is
installed again after every ``migrate``)."""

from django.db import migrations

from comments.models import thread_counts


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        thread_counts.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("comments", "0024_thread_counts")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop, elidable=True)]
