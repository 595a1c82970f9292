"""The site's admin: Django's, with the comment dashboard on the index for moderators.

Installed through ``config.apps.AdminConfig.default_site`` (no patching of ``admin.site``).
"""

from django.contrib import admin

MODERATE = "comments.can_moderate"


class AdminSite(admin.AdminSite):
    def index(self, request, extra_context=None):
        # Imported here: importing comments.admin registers ModelAdmins on this very site.
        from comments.admin.dashboard import dashboard_context

        if request.user.has_perm(MODERATE):
            extra_context = {**(extra_context or {}), "comment_dashboard": dashboard_context()}
        return super().index(request, extra_context)
