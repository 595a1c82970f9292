from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["author_name", "author_email", "excerpt", "article", "status", "created_at"]
    list_filter = ["status", "created_at", "article"]
    search_fields = ["author_name", "author_email", "body", "ip_address"]
    date_hierarchy = "created_at"
    raw_id_fields = ["article", "parent", "user"]
    readonly_fields = ["rendered", "reasons", "created_at", "updated_at", "depth"]
    list_select_related = ["article"]
    fieldsets = [
        (None, {"fields": ["article", "parent", "status", "body", "rendered", "reasons"]}),
        (_("Author"), {"fields": ["author_name", "author_email", "author_url", "user"]}),
        (_("Request"), {"fields": ["ip_address", "user_agent", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return comment.body[:80]

    @admin.display(description=_("as readers see it"))
    def rendered(self, comment):
        return format_html('<div class="comment-content">{}</div>', comment.body_html)

    @admin.display(description=_("why it was held"))
    def reasons(self, comment):
        return "; ".join(reason.get("message", "") for reason in comment.hold_reasons) or "—"
