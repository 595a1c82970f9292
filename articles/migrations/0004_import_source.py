from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_thread_version")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="source_url",
            field=models.URLField(
                blank=True,
                db_index=True,
                help_text="Where an imported article lived before (its WordPress or Disqus link).",
                max_length=500,
                verbose_name="source link",
            ),
        ),
    ]
