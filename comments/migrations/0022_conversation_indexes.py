"""The indexes a page of a thread reads alone (``comments.posting.threads``): the top-level
comments in posted order with what orders and filters them, and the replies by conversation.

On PostgreSQL they are built CONCURRENTLY, so a site with millions of comments keeps taking
comments while they build (the migration is therefore not atomic).
"""

from django.conf import settings
from django.db import migrations, models
from django.db.migrations.operations import AddIndex


class AddIndexConcurrentlyOnPostgres(AddIndex):
    """``AddIndex``, built with ``CREATE INDEX CONCURRENTLY`` on PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, **_concurrently(schema_editor))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, **_concurrently(schema_editor))


def _concurrently(schema_editor) -> dict:
    """The keyword only PostgreSQL's schema editor takes."""
    return {"concurrently": True} if schema_editor.connection.vendor == "postgresql" else {}


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("articles", "0005_questions"),
        ("comments", "0021_conversation_root"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("parent__isnull", True)),
                fields=["article", "created_at", "id", "status", "answered_at", "helpful_count"],
                name="comment_top_level_idx",
            ),
        ),
        AddIndexConcurrentlyOnPostgres(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("root__isnull", False)),
                fields=["article", "root", "status", "id"],
                name="comment_conversation_idx",
            ),
        ),
    ]
