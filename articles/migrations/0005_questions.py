from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_import_source")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="qa_mode",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Readers' top-level comments are questions: held until an expert or "
                    "moderator answers them; answered questions come first."
                ),
                verbose_name="Q&A mode (ask the experts)",
            ),
        ),
    ]
