"""Every reply names the top-level comment of its conversation (``Comment.root``), so a page of
a thread finds its conversations and placeholders without reading the whole thread."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_roots(apps, schema_editor):
    """Set-based, one level of replies a statement: the first level names its parent, each
    level below its parent's root, until a level finds nothing (a reply whose parents form a
    cycle, which no write path makes, keeps none)."""
    Comment = apps.get_model("comments", "Comment")
    Comment.objects.filter(parent__isnull=False, parent__parent__isnull=True).update(
        root_id=models.F("parent_id")
    )
    parents_root = Comment.objects.filter(pk=OuterRef("parent_id")).values("root_id")[:1]
    while Comment.objects.filter(root__isnull=True, parent__root__isnull=False).update(
        root_id=Subquery(parents_root)
    ):
        pass


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0020_import_waiting_parent"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="root",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="comments.comment",
            ),
        ),
        migrations.RunPython(fill_roots, migrations.RunPython.noop, elidable=True),
    ]
