import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def create_experts_group(apps, schema_editor):
    """The "Experts" group, holding comments.can_answer (answer readers' questions)."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after migrate; this one is needed now (as in 0003).
    comments_config = apps.get_app_config("comments")
    comments_config.models_module = True
    create_permissions(comments_config, apps=apps, verbosity=0)
    comments_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(codename="can_answer", content_type__app_label="comments")
    group, _ = Group.objects.get_or_create(name="Experts")
    group.permissions.add(permission)


def remove_experts_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Experts").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0014_helpful_votes_picks"),
        ("articles", "0005_questions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="comment",
            options={
                "ordering": ["created_at", "pk"],
                "permissions": [
                    ("can_moderate", "Can moderate comments"),
                    ("can_answer", "Can answer readers' questions as an expert"),
                ],
                "verbose_name": "comment",
                "verbose_name_plural": "comments",
            },
        ),
        migrations.AddField(
            model_name="comment",
            name="answered_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="answered at"
            ),
        ),
        migrations.AddField(
            model_name="comment",
            name="by_expert",
            field=models.BooleanField(
                default=False,
                help_text="Shown with an Expert badge.",
                verbose_name="posted as expert",
            ),
        ),
        migrations.AddField(
            model_name="subscriber",
            name="digest_sent_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.CreateModel(
            name="ArticleFollow",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="articles.article",
                        verbose_name="article",
                    ),
                ),
                (
                    "subscriber",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="follows",
                        to="comments.subscriber",
                        verbose_name="address",
                    ),
                ),
            ],
            options={
                "verbose_name": "article follow",
                "verbose_name_plural": "article follows",
                "constraints": [
                    models.UniqueConstraint(fields=("subscriber", "article"), name="follow_once")
                ],
            },
        ),
        migrations.RunPython(create_experts_group, remove_experts_group),
    ]
