"""The admin's lists of moderation records: the log, reports, bans, keyword rules, subscribers.

Reports are dismissed and bans made or lifted through the moderation services, so each act
is logged like the same act in the moderators' workspace.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import Ban, KeywordRule, ModerationLog, Report, Subscriber
from ..moderation import services
from .base import ModeratorAccessMixin, ReadOnlyMixin, comment_link


@admin.register(ModerationLog)
class ModerationLogAdmin(ReadOnlyMixin, ModeratorAccessMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "who",
        "action",
        "comment_link",
        "from_status",
        "to_status",
        "note",
    ]
    list_filter = [
        "action",
        ("moderator", admin.RelatedOnlyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["comment__id__exact", "note"]
    search_help_text = _("A comment number, or words from the note.")
    list_select_related = ["moderator"]
    date_hierarchy = "created_at"

    @admin.display(description=_("who"), ordering="moderator")
    def who(self, entry):
        return entry.moderator or _("the site")

    @admin.display(description=_("comment"), ordering="comment")
    def comment_link(self, entry):
        return comment_link(entry.comment_id)


class ReportStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Waiting")), ("resolved", _("Resolved"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "resolved":
            return queryset.resolved()
        return queryset


@admin.register(Report)
class ReportAdmin(ReadOnlyMixin, ModeratorAccessMixin, admin.ModelAdmin):
    list_display = ["reason", "comment_link", "note", "created_at", "resolved", "resolved_by"]
    list_filter = [ReportStateFilter, "reason", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["comment__id__exact", "note"]
    list_select_related = ["resolved_by"]
    actions = ["resolve"]

    @admin.display(description=_("comment"), ordering="comment")
    def comment_link(self, report):
        return comment_link(report.comment_id)

    @admin.display(description=_("resolved"), boolean=True, ordering="resolved_at")
    def resolved(self, report):
        return report.resolved_at is not None

    @admin.action(permissions=["moderate"], description=_("Dismiss (keep the comment)"))
    def resolve(self, request, queryset):
        # Approving, removing or spamming a comment resolves its reports in the services; this
        # is for reports a moderator dismisses. It goes through the service, so it is logged.
        comment_ids = set(queryset.open().values_list("comment_id", flat=True))
        count = services.comments_dismiss_reports(
            comments=list(comment_ids), moderator=request.user
        )
        self.message_user(
            request,
            ngettext(
                "Reports on %(count)d comment dismissed.",
                "Reports on %(count)d comments dismissed.",
                count,
            )
            % {"count": count},
        )


class BanStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", _("Active")), ("expired", _("Expired")), ("lifted", _("Lifted"))]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.active()
        if self.value() == "expired":
            return queryset.expired()
        if self.value() == "lifted":
            return queryset.lifted()
        return queryset


@admin.register(Ban)
class BanAdmin(ModeratorAccessMixin, admin.ModelAdmin):
    list_display = ["value", "kind", "reason", "state", "expires_at", "created_by", "created_at"]
    list_filter = [BanStateFilter, "kind"]
    search_fields = ["value", "reason"]
    list_select_related = ["created_by"]
    actions = ["lift"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) or self.has_moderate_permission(request)

    def get_fields(self, request, obj=None):
        fields = ["kind", "value", "reason", "expires_at"]
        return fields if obj is None else [*fields, "created_by", "created_at", "lifted_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["kind", "value", "created_by", "created_at", "lifted_at"]

    # A ban ends by being lifted (logged), never by vanishing.
    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            services.ban_change(
                ban=obj,
                moderator=request.user,
                reason=obj.reason,
                expires_at=obj.expires_at,
            )
            return
        # The service validates (full_clean) and writes the log row.
        ban = services.commenter_ban(
            kind=obj.kind,
            value=obj.value,
            reason=obj.reason,
            expires_at=obj.expires_at,
            moderator=request.user,
        )
        obj.pk, obj.value, obj.created_by, obj.created_at = (
            ban.pk,
            ban.value,
            ban.created_by,
            ban.created_at,
        )
        obj._state.adding = False
        obj._state.db = ban._state.db

    @admin.display(description=_("state"))
    def state(self, ban):
        return {"active": _("active"), "expired": _("expired"), "lifted": _("lifted")}[ban.state]

    @admin.action(permissions=["moderate"], description=_("Lift the selected bans"))
    def lift(self, request, queryset):
        lifted = 0
        for ban in queryset.active():
            services.ban_lift(ban=ban, moderator=request.user)
            lifted += 1
        self.message_user(
            request,
            ngettext("%(count)d ban lifted.", "%(count)d bans lifted.", lifted) % {"count": lifted},
        )


@admin.register(KeywordRule)
class KeywordRuleAdmin(admin.ModelAdmin):
    list_display = ["phrase", "action", "created_at"]
    list_display_links = ["phrase"]
    list_editable = ["action"]
    list_filter = ["action"]
    search_fields = ["phrase"]
    fields = ["phrase", "action"]


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["email", "created_at", "confirmed_at", "unsubscribed_at", "active"]
    search_fields = ["email"]

    @admin.display(description=_("active"), boolean=True)
    def active(self, subscriber):
        return subscriber.is_active


# ModeratorMail is bookkeeping for notifications (rate limit): not registered.
