"""Each thread's counts by kind, kept by triggers (``comments.models.thread_counts``).

The triggers are installed and every comment counted once, with the comments locked against
writes on PostgreSQL meanwhile; going back drops the triggers and the table.
"""

import django.db.models.deletion
from django.db import migrations, models

from comments.models import thread_counts


def install(apps, schema_editor):
    thread_counts.install(schema_editor)


def uninstall(apps, schema_editor):
    thread_counts.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_questions"),
        ("comments", "0023_canonical_ip_bans"),
    ]

    operations = [
        migrations.CreateModel(
            name="ThreadCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("top_level", models.BooleanField()),
                ("status", models.CharField(max_length=10)),
                ("answered", models.BooleanField()),
                ("n", models.IntegerField(default=0)),
                (
                    "article",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="articles.article",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("article", "top_level", "status", "answered"),
                        name="thread_count_key",
                    )
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
