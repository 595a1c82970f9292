"""Removal reasons (editable), appeals (read-only: decided in the moderators' appeals queue),
and the transparency numbers as CSV (``admin:comments_transparency_csv``).

Holders of ``comments.can_moderate`` may add and change reasons: moderators keep the list
they pick from. A reason once used is switched off rather than deleted (the log protects it).
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Appeal, RemovalReason
from ..moderation.forms import parse_id
from . import transparency
from .base import ModeratorAccessMixin, ReadOnlyMixin, comment_link


@admin.register(RemovalReason)
class RemovalReasonAdmin(ModeratorAccessMixin, admin.ModelAdmin):
    list_display = ["title", "rule", "active", "order"]
    list_editable = ["active", "order"]
    list_filter = ["active"]
    search_fields = ["title", "rule", "explanation"]
    fields = ["title", "rule", "explanation", "active", "order"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) or self.has_moderate_permission(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self.has_moderate_permission(request)

    def get_urls(self):
        view = self.admin_site.admin_view(self.transparency_csv)
        return [
            path("transparency.csv", view, name="comments_transparency_csv"),
            *super().get_urls(),
        ]

    def transparency_csv(self, request):
        """The transparency numbers, ``?months=`` (1 to 36, default 12), as a CSV download."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        months = request.GET.get("months", "")
        count = parse_id(months)
        count = transparency.CSV_MONTHS if count is None else count
        body = transparency.as_csv(transparency.report(months=count))
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        filename = f"moderation-transparency-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


@admin.register(Appeal)
class AppealAdmin(ReadOnlyMixin, ModeratorAccessMixin, admin.ModelAdmin):
    list_display = ["created_at", "comment_link", "status", "decided_by", "decided_at"]
    list_filter = ["status", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["decided_by"]
    search_fields = ["comment__id__exact"]
    search_help_text = _("A comment number.")
    date_hierarchy = "created_at"
    fields = [
        "comment_link",
        "text",
        "created_at",
        "status",
        "decided_by",
        "decided_at",
        "decision_note",
        "queue_link",
    ]
    readonly_fields = fields

    @admin.display(description=_("comment"), ordering="comment")
    def comment_link(self, appeal):
        return comment_link(appeal.comment_id)

    @admin.display(description=_("decide"))
    def queue_link(self, appeal):
        return format_html(
            '<a href="{}">{}</a>', reverse("moderation:appeals"), _("Open the appeals queue")
        )
