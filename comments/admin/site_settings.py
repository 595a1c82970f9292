"""The site's settings page in the admin (django-constance's, at /admin/constance/config/).

Only superusers and staff with ``constance.change_config`` open it (viewing alone is not
offered: the page is a form). Each change is validated by its field (choices, whole numbers
of at least 0, email addresses), saved in one transaction, and logged as the user's by
``moderation.site_settings_log``.
"""

import constance.admin  # noqa: F401 (registers constance's page first, replaced below)
from constance import config
from constance import settings as constance_settings
from constance.admin import Config, ConstanceAdmin
from constance.forms import ConstanceForm
from constance.utils import get_values
from django.contrib import admin
from django.db import transaction
from django.utils.text import normalize_newlines

from ..moderation import site_settings_log


class SiteSettingsForm(ConstanceForm):
    def save(self) -> list[str]:
        """Store the values that differ from those in force; return their names.

        Constance's own save reads every value through ``config``, which stores each default
        it reads: an unchanged setting would then no longer follow the environment.
        """
        current = get_values()  # stored values over the defaults, storing nothing
        changed = []
        for name in constance_settings.CONFIG:
            new = self.cleaned_data[name]
            if isinstance(new, str):
                new = normalize_newlines(new)
            if current[name] != new:
                setattr(config, name, new)
                changed.append(name)
        return changed


class SiteSettingsAdmin(ConstanceAdmin):
    change_list_form = SiteSettingsForm

    def has_view_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def changelist_view(self, request, extra_context=None):
        with site_settings_log.changes_by(request.user), transaction.atomic():
            return super().changelist_view(request, extra_context)


admin.site.unregister([Config])
admin.site.register([Config], SiteSettingsAdmin)
