from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("comments", "0007_normalized_emails")]

    operations = []
