from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("comments", "0012_import_sources")]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="edited_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="edited by its author at",
            ),
        ),
    ]
