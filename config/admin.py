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

    def logout(self, request, extra_context=None):
        """Log out as on the site (``config.views.LogoutView``): the own-comments cookie goes
        with the session."""
        from comments.models import forget_own_comments

        response = super().logout(request, extra_context)
        if request.method == "POST":  # the logout itself (a GET is refused with 405)
            forget_own_comments(response)
        return response
