from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("comments", "0008_report_sources")]

    operations = []
