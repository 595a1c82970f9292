"""IP bans stored in one spelling (``identity.canonical_ip``), as ``Ban.clean`` stores new ones.

``BanQuerySet.matching`` now finds an IP ban by its stored value (the ``(kind, value)`` index)
instead of reading every ban, so a ban saved before ``Ban.clean`` wrote that spelling (an IPv4
address in its IPv6 form, say) is rewritten here, or it would stop applying.
"""

from django.db import migrations

from comments.identity import canonical_ip


def canonical_ip_bans(apps, schema_editor):
    Ban = apps.get_model("comments", "Ban")
    for ban in Ban.objects.filter(kind="ip").only("pk", "value").iterator():
        value = canonical_ip(ban.value)
        if value is not None and value != ban.value:
            Ban.objects.filter(pk=ban.pk).update(value=value)


class Migration(migrations.Migration):
    dependencies = [("comments", "0022_conversation_indexes")]

    operations = [migrations.RunPython(canonical_ip_bans, migrations.RunPython.noop)]
