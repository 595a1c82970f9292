from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("comments", "0007_normalized_emails")]

    operations = [
        migrations.AddField(
            model_name="report",
            name="source_key",
            field=models.CharField(
                blank=True,
                default="",
                help_text=(
                    "A keyed hash of the reporter's network (IPv4 /24, IPv6 /64); not "
                    "reversible. Empty for reports made before networks were recorded."
                ),
                max_length=64,
            ),
        ),
    ]
