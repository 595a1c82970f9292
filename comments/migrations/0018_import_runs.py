import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0017_search_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportRun",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("file_name", models.CharField(max_length=255, verbose_name="file name")),
                (
                    "file_size",
                    models.PositiveBigIntegerField(default=0, verbose_name="size in bytes"),
                ),
                ("comments_only", models.BooleanField(default=False, verbose_name="comments only")),
                ("dry_run", models.BooleanField(default=False, verbose_name="dry run")),
                (
                    "trust_approved",
                    models.BooleanField(default=False, verbose_name="trust approved commenters"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Queued"),
                            ("running", "Running"),
                            ("done", "Done"),
                            ("failed", "Failed"),
                        ],
                        default="queued",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="uploaded at")),
                (
                    "started_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="started at"),
                ),
                (
                    "finished_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="finished at"),
                ),
                ("report", models.JSONField(blank=True, default=dict, verbose_name="report")),
                ("report_text", models.TextField(blank=True, verbose_name="report as text")),
                ("error", models.TextField(blank=True, verbose_name="error")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="started by",
                    ),
                ),
            ],
            options={
                "verbose_name": "import run",
                "verbose_name_plural": "import runs",
                "ordering": ["-created_at", "-pk"],
                "permissions": [
                    ("import_comments", "Can import comments from WordPress or Disqus"),
                    (
                        "export_comments",
                        "Can export every comment with emails and IP addresses",
                    ),
                ],
            },
        ),
    ]
