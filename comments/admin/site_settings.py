"""The site's settings page in the admin (django-constance's, at /admin/constance/config/).

Only superusers and staff with ``constance.change_config`` open it (viewing alone is not
offered: the page is a form). Each change is validated by its field (choices, whole numbers
from 0 to ``MAX_COUNT``, email addresses), saved in one transaction, and logged as the user's
by ``moderation.site_settings_log``.
"""

import constance.admin  # noqa: F401 (registers constance's page first, replaced below)
from constance import config
from constance import settings as constance_settings
from constance.admin import Config, ConstanceAdmin
from constance.forms import ConstanceForm
from constance.utils import get_values
from django import forms
from django.contrib import admin
from django.core.validators import MaxValueValidator
from django.db import transaction
from django.utils.text import normalize_newlines
from django.utils.translation import gettext_lazy as _

from ..moderation import site_settings_log

# The largest whole number a setting takes. Days and minutes become dates (close after N days,
# the edit window): a number past what a date can hold would break every article page.
MAX_COUNT = 100_000


class SiteSettingsForm(ConstanceForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField) and field.max_value is None:
                field.max_value = MAX_COUNT
                field.validators.append(MaxValueValidator(MAX_COUNT))
                field.widget.attrs["max"] = MAX_COUNT

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


class SiteSettings(Config):
    """Constance's page as the admin's index lists it: "Site settings", not "Config"."""

    class Meta(Config.Meta):
        verbose_name_plural = _("site settings")

    _meta = Meta()


admin.site.unregister([Config])
admin.site.register([SiteSettings], SiteSettingsAdmin)
