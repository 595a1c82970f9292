"""The parent column indexed for replies only.

Django's index of the ``parent`` foreign key also held every top-level comment under NULL,
and SQLite's planner, whose statistics count NULL as one key of a few rows, read that index
for "parent IS NULL": every top-level comment of the site, on each post's placeholder count
(3 ms at 8,500 top-level comments, growing with the site). The partial index keeps what the
foreign key needs (a comment's replies, for deletes) and offers nothing for NULL.

The index is dropped by name rather than by altering the field, which on SQLite would copy
the whole table (the thread counts' triggers are put back around every migrate anyway,
``thread_counts``).
"""

import django.db.models.deletion
from django.db import migrations, models

FOREIGN_KEY_INDEX = "comments_comment_parent_id_3e0802fb"


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0027_reported_at_hidden_top_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="comment",
                    name="parent",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="replies",
                        to="comments.comment",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{FOREIGN_KEY_INDEX}"',
                    reverse_sql=(
                        f'CREATE INDEX "{FOREIGN_KEY_INDEX}" ON "comments_comment" ("parent_id")'
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("parent__isnull", False)),
                fields=["parent"],
                name="comment_reply_parent_idx",
            ),
        ),
    ]
