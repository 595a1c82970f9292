import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("comments", "0008_report_sources")]

    operations = [
        migrations.CreateModel(
            name="UsedLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "digest",
                    models.CharField(max_length=64, unique=True, verbose_name="token digest"),
                ),
                (
                    "used_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="used at"),
                ),
                ("expires_at", models.DateTimeField(db_index=True, verbose_name="expires at")),
            ],
            options={"verbose_name": "used link", "verbose_name_plural": "used links"},
        ),
    ]
