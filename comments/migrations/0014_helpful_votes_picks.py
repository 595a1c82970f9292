import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("comments", "0013_own_edits")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="helpful_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="helpful votes"
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="picked_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="editors' pick since"
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                fields=["article", "-helpful_count", "created_at"], name="comment_helpful_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("picked_at__isnull", False)),
                fields=["article", "-picked_at"],
                name="comment_picked_idx",
            ),
        ),
        migrations.CreateModel(
            name="HelpfulVote",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "voter_key",
                    models.CharField(
                        help_text="A keyed hash that tells browsers apart; not reversible.",
                        max_length=64,
                    ),
                ),
                (
                    "network_key",
                    models.CharField(
                        blank=True,
                        default="",
                        help_text="A keyed hash of the voter's network; empty when it had no "
                        "address.",
                        max_length=64,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "comment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="helpful_votes",
                        to="comments.comment",
                    ),
                ),
            ],
            options={
                "verbose_name": "helpful vote",
                "verbose_name_plural": "helpful votes",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("comment", "voter_key"), name="one_helpful_vote_per_browser"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("network_key", ""), _negated=True),
                        fields=("comment", "network_key"),
                        name="one_helpful_vote_per_network",
                    ),
                ],
            },
        ),
    ]
