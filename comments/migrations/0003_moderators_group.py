from django.db import migrations


def create_moderators_group(apps, schema_editor):
    """The "Moderators" group, holding comments.can_moderate."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally made after migrate; this one is needed now.
    comments_config = apps.get_app_config("comments")
    comments_config.models_module = True
    create_permissions(comments_config, apps=apps, verbosity=0)
    comments_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(codename="can_moderate", content_type__app_label="comments")
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(permission)


def remove_moderators_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_moderation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_moderators_group, remove_moderators_group)]
