import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

# A starter list for a health-news site; the admin edits it (Comments > Removal reasons).
# Spam is not among them: spam gets no statement of reasons (DSA Art. 17 leaves out
# deceptive high-volume commercial content), it is its own action.
STARTER_REASONS = [
    (
        "Personal attack or harassment",
        "Your comment attacked or insulted another person instead of discussing the article. "
        "We remove comments that target people, including other commenters, the authors and "
        "the people in the news.",
        "Comment policy, rule 1: respect other people",
    ),
    (
        "Medical misinformation that could cause harm",
        "Your comment made a health claim that goes against established medical evidence in "
        "a way that could lead readers to harm themselves or others, such as stopping a "
        "prescribed treatment or using an unsafe remedy.",
        "Comment policy, rule 2: no harmful medical misinformation",
    ),
    (
        "Personal data of others",
        "Your comment shared private information about someone else (such as a name with a "
        "diagnosis, contact details or an address) without their consent.",
        "Comment policy, rule 3: protect other people's privacy",
    ),
    (
        "Illegal content",
        "Your comment contained content that is against the law, such as incitement to "
        "violence, hate speech or defamation.",
        "Comment policy, rule 4: nothing illegal",
    ),
    (
        "Off topic",
        "Your comment was not about the article or the discussion under it.",
        "Comment policy, rule 5: stay on topic",
    ),
    (
        "Impersonation",
        "Your comment was posted under the name of another person or organisation, or "
        "presented itself as professional medical advice from someone who is not.",
        "Comment policy, rule 6: be who you are",
    ),
]
DECISIONS = ["approve", "spam", "remove", "hide"]


def seed_reasons(apps, schema_editor):
    RemovalReason = apps.get_model("comments", "RemovalReason")
    for order, (title, explanation, rule) in enumerate(STARTER_REASONS, start=1):
        RemovalReason.objects.get_or_create(
            title=title, defaults={"explanation": explanation, "rule": rule, "order": order * 10}
        )


def mark_automated(apps, schema_editor):
    # Before this field, "the site acted by itself" was written as an empty moderator.
    ModerationLog = apps.get_model("comments", "ModerationLog")
    ModerationLog.objects.filter(moderator__isnull=True, action__in=DECISIONS).update(
        automated=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0015_follow_and_questions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RemovalReason",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=120, unique=True, verbose_name="title")),
                (
                    "explanation",
                    models.TextField(
                        help_text=(
                            "Shown to the commenter in the statement of reasons: plain words, why."
                        ),
                        verbose_name="explanation",
                    ),
                ),
                (
                    "rule",
                    models.CharField(
                        help_text=(
                            "The rule of the comment policy it applies, "
                            "e.g. “Comment policy, rule 2”."
                        ),
                        max_length=200,
                        verbose_name="rule it cites",
                    ),
                ),
                ("active", models.BooleanField(default=True, verbose_name="offered to moderators")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
            ],
            options={
                "verbose_name": "removal reason",
                "verbose_name_plural": "removal reasons",
                "ordering": ["order", "title"],
            },
        ),
        migrations.CreateModel(
            name="Appeal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.TextField(verbose_name="why the decision is wrong")),
                (
                    "created_at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="filed at"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "waiting for a decision"),
                            ("upheld", "upheld: the comment was restored"),
                            ("rejected", "rejected: the removal stands"),
                        ],
                        default="open",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "decided_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="decided at"),
                ),
                (
                    "decision_note",
                    models.TextField(
                        blank=True,
                        help_text="Mailed to the commenter with the outcome.",
                        verbose_name="decision note",
                    ),
                ),
                (
                    "comment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="appeals",
                        to="comments.comment",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "appeal",
                "verbose_name_plural": "appeals",
                "ordering": ["created_at", "pk"],
                "indexes": [
                    models.Index(fields=["status", "created_at"], name="appeal_status_when")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "open")),
                        fields=("comment",),
                        name="one_open_appeal_per_comment",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["open", "upheld", "rejected"])),
                        name="appeal_status_valid",
                    ),
                ],
            },
        ),
        migrations.AddField(
            model_name="moderationlog",
            name="reason",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="comments.removalreason",
                verbose_name="removal reason",
            ),
        ),
        migrations.AddField(
            model_name="moderationlog",
            name="automated",
            field=models.BooleanField(
                default=False,
                help_text="The site decided by itself (no person).",
                verbose_name="automated",
            ),
        ),
        migrations.AddField(
            model_name="moderationlog",
            name="decision_seconds",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddIndex(
            model_name="moderationlog",
            index=models.Index(fields=["action", "created_at"], name="log_action_when"),
        ),
        migrations.RunPython(seed_reasons, migrations.RunPython.noop),
        migrations.RunPython(mark_automated, migrations.RunPython.noop),
    ]
