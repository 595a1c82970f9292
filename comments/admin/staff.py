"""Staff profiles in the admin: the public name each moderator's replies are shown under.

Saving goes through ``moderation.services.staff_profile_set_name``, so a change is logged
like the same change made on the moderators' own profile page.
"""

from django.contrib import admin

from ..models import StaffProfile
from ..moderation import services


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "display_name"]
    raw_id_fields = ["user"]
    list_select_related = ["user"]

    def get_readonly_fields(self, request, obj=None):
        # A profile belongs to one person for good; make a new one for someone else.
        return ["user"] if obj else []

    def save_model(self, request, obj, form, change):
        profile = services.staff_profile_set_name(
            user=obj.user, display_name=obj.display_name, changed_by=request.user
        )
        obj.pk = profile.pk
