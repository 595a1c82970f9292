"""``Comment.reported_at``: when a comment's oldest open report was made, with a partial index
of the reported comments, so the moderators' reported tab reads those alone; and a partial
index of the top-level comments readers do not see, which a thread's placeholders are found
among."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_reported_at(apps, schema_editor):
    """Set ``reported_at`` of the comments that have open reports today (one UPDATE)."""
    Comment = apps.get_model("comments", "Comment")
    Report = apps.get_model("comments", "Report")
    open_reports = Report.objects.filter(resolved_at__isnull=True)
    oldest = (
        open_reports.filter(comment=OuterRef("pk")).order_by("created_at").values("created_at")[:1]
    )
    Comment.objects.filter(pk__in=open_reports.values("comment_id")).update(
        reported_at=Subquery(oldest)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0026_rate_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="reported_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="reported since"
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("reported_at__isnull", False)),
                fields=["reported_at", "id"],
                name="comment_reported_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(
                    ("parent__isnull", True), models.Q(("status", "approved"), _negated=True)
                ),
                fields=["article", "id", "status", "created_at", "answered_at", "helpful_count"],
                name="comment_hidden_top_idx",
            ),
        ),
        migrations.RunPython(fill_reported_at, migrations.RunPython.noop, elidable=True),
    ]
