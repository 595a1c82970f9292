import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("comments", "0011_moderation_log_actions")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="makes_author_known",
            field=models.BooleanField(
                default=True,
                editable=False,
                help_text=(
                    "Once public, this comment makes its email a returning commenter's. "
                    "Imported comments do only if the import trusted them: an import proves "
                    "nothing about who typed the address."
                ),
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="source_id",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                max_length=100,
                verbose_name="ID in the source",
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="source_system",
            field=models.CharField(
                blank=True,
                choices=[("wordpress", "WordPress"), ("disqus", "Disqus")],
                default="",
                editable=False,
                max_length=20,
                verbose_name="imported from",
            ),
        ),
        migrations.AlterField(
            model_name="comment",
            name="created_at",
            field=models.DateTimeField(
                db_index=True,
                default=django.utils.timezone.now,
                editable=False,
                verbose_name="posted at",
            ),
        ),
        migrations.AddConstraint(
            model_name="comment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source_id", ""), _negated=True),
                fields=("source_system", "source_id"),
                name="comment_unique_source",
            ),
        ),
    ]
