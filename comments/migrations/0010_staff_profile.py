from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("comments", "0009_used_links")]

    operations = []
