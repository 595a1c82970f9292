"""The Django admin for comments: a dashboard on the index, and moderation that always goes through
``comments.services`` so every change is written to the ModerationLog.

Who may do what: superusers everything; holders of ``comments.can_moderate`` (the "Moderators"
group) see the dashboard, may view and moderate comments, and may view reports, bans and the log
without any other model permission. Other staff get only what their model permissions give,
and never the moderation actions.
"""

import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import privacy, services, stats
from .models import Ban, Comment, KeywordRule, ModerationLog, Report, Subscriber

Status = Comment.Status
MODERATE = "comments.can_moderate"
BOTH_LOCATIONS = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]


def _changelist_url(model, **params) -> str:
    url = reverse(f"admin:comments_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _author_comments_url(email: str, **params) -> str:
    """The comment list narrowed to one author's email (case-insensitively)."""
    return _changelist_url(Comment, author_email__iexact=email, **params)


def _comment_link(comment_id: int | None):
    if comment_id is None:
        return "—"
    url = reverse("admin:comments_comment_change", args=[comment_id])
    return format_html('<a href="{}">#{}</a>', url, comment_id)


class ModeratorAccessMixin:
    """Holders of comments.can_moderate may view this model, whatever their model perms."""

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm(MODERATE)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or self.has_moderate_permission(request)


class ReadOnlyMixin:
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Comments ----------------------------------------------------------------------------------


class OpenReportsFilter(admin.SimpleListFilter):
    title = _("open reports")
    parameter_name = "open_reports"

    def lookups(self, request, model_admin):
        return [("yes", _("Has open reports")), ("no", _("No open reports"))]

    def queryset(self, request, queryset):
        open_reports = Exists(
            Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
        )
        if self.value() == "yes":
            return queryset.filter(open_reports)
        if self.value() == "no":
            return queryset.filter(~open_reports)
        return queryset


class CommentAdminForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = [
            "article",
            "parent",
            "status",
            "body",
            "author_name",
            "author_email",
            "author_url",
            "user",
            "by_moderator",
            "notify_replies",
            "ip_address",
            "user_agent",
        ]
        help_texts = {
            "status": _(
                "Each change is logged. A comment cannot be sent back to the queue from here: "
                "to bring back a spam or removed comment, use the Restore action."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No service puts a published or rejected comment back in the queue; Restore does the
        # reverse move for spam and removed comments.
        if "status" in self.fields and self.instance.status != Status.PENDING:
            self.fields["status"].choices = [
                choice for choice in self.fields["status"].choices if choice[0] != Status.PENDING
            ]


class DataRequestForm(forms.Form):
    """A commenter's data request that arrived by post or phone, handled by a site admin."""

    EXPORT, ANONYMISE, ERASE = "export", "anonymise", "erase"

    email = forms.EmailField(label=_("The commenter's email"))
    action = forms.ChoiceField(
        label=_("What they asked for"),
        widget=forms.RadioSelect,
        choices=[
            (EXPORT, _("A copy of everything stored (JSON download)")),
            (
                ANONYMISE,
                _("Anonymise their comments (name, email, website, IP cleared; text kept)"),
            ),
            (ERASE, _("Delete their comments (replies by others move up the thread)")),
        ],
    )
    reference = forms.CharField(
        label=_("Where the request came from"),
        max_length=200,
        help_text=_('For the log, without the address: "letter of 3 May", "phone call".'),
    )
    confirm = forms.BooleanField(
        label=_("I have checked that the request comes from this address's owner."),
        required=True,
    )


@admin.register(Comment)
class CommentAdmin(ModeratorAccessMixin, admin.ModelAdmin):
    form = CommentAdminForm
    change_list_template = "admin/comments/comment/change_list.html"
    list_display = [
        "author_name",
        "author_email_link",
        "excerpt",
        "article_title",
        "status",
        "open_reports",
        "created_at",
    ]
    list_filter = [
        "status",
        OpenReportsFilter,
        "article",
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["author_name", "author_email", "body", "ip_address"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-pk"]
    raw_id_fields = ["article", "parent", "user"]
    list_select_related = ["article"]
    readonly_fields = [
        "rendered",
        "reasons",
        "author_history",
        "open_reports",
        "depth",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["article", "parent", "status", "reasons", "open_reports", "rendered"]},
        ),
        (_("Text as submitted"), {"fields": ["body"]}),
        (
            _("Author"),
            {"fields": ["author_name", "author_email", "author_url", "user", "author_history"]},
        ),
        (_("Options"), {"fields": ["by_moderator", "notify_replies"]}),
        (
            _("Request"),
            {"fields": ["ip_address", "user_agent", "depth", "created_at", "updated_at"]},
        ),
    ]
    actions = ["approve", "mark_spam", "remove", "restore"]

    def get_urls(self):
        return [
            path(
                "data-request/",
                self.admin_site.admin_view(self.data_request_view),
                name="comments_comment_data_request",
            ),
            *super().get_urls(),
        ]

    def has_data_request_permission(self, request) -> bool:
        return request.user.is_superuser or request.user.has_perm("comments.delete_comment")

    def data_request_view(self, request):
        """Export, anonymise or erase everything stored under an email (comments/privacy.py)."""
        if not self.has_data_request_permission(request):
            raise PermissionDenied
        form = DataRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            action = form.cleaned_data["action"]
            actor = f"{request.user.get_username()} in the admin ({form.cleaned_data['reference']})"
            if action == DataRequestForm.EXPORT:
                response = JsonResponse(
                    privacy.commenter_export(email=email), json_dumps_params={"indent": 2}
                )
                response["Content-Disposition"] = 'attachment; filename="commenter-data.json"'
                return response
            service = (
                privacy.commenter_anonymise
                if action == DataRequestForm.ANONYMISE
                else privacy.commenter_erase
            )
            count = service(email=email, actor_description=actor, moderator=request.user)
            self.message_user(
                request,
                ngettext(
                    "Done: %(count)d comment %(done)s.", "Done: %(count)d comments %(done)s.", count
                )
                % {
                    "count": count,
                    "done": _("anonymised")
                    if action == DataRequestForm.ANONYMISE
                    else _("deleted"),
                },
                messages.SUCCESS,
            )
            return redirect("admin:comments_comment_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("A commenter's data request"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/comments/data_request.html", context)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_report_count=Count("reports", filter=Q(reports__resolved_at__isnull=True))
            )
        )

    # Comments come from the public form or a moderator's reply, both through the services.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self.has_moderate_permission(request)

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        # Deleting leaves no log row; "Remove" is the moderation act.
        actions.pop("delete_selected", None)
        return actions

    # Columns and read-only fields

    @admin.display(description=_("email"), ordering="author_email")
    def author_email_link(self, comment):
        return format_html(
            '<a href="{}" title="{}">{}</a>',
            _author_comments_url(comment.author_email),
            _("All comments from this email"),
            comment.author_email,
        )

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    @admin.display(description=_("article"), ordering="article__title")
    def article_title(self, comment):
        # A plain column (not the FK itself, which the admin never wraps) keeps the list narrow.
        return Truncator(comment.article.title).chars(50)

    @admin.display(description=_("open reports"), ordering="open_report_count")
    def open_reports(self, comment):
        count = getattr(comment, "open_report_count", None)
        if count is None:
            count = comment.reports.filter(resolved_at__isnull=True).count()
        if not count:
            return "0"
        url = _changelist_url(Report, comment__id__exact=comment.pk, state="open")
        return format_html('<a href="{}">{}</a>', url, count)

    @admin.display(description=_("as readers see it"))
    def rendered(self, comment):
        # body_html was sanitized by comments.sanitize when it was saved: an allowlist of tags,
        # no attributes that could carry script or style, so it is safe to show as HTML.
        return format_html(
            '<div class="comment-content">{}</div>',
            mark_safe(comment.body_html),  # noqa: S308
        )

    @admin.display(description=_("why it was held"))
    def reasons(self, comment):
        reasons = [r for r in comment.hold_reasons if isinstance(r, dict)]
        if not reasons:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}{}</li>",
                (
                    (
                        reason.get("message") or reason.get("code", ""),
                        _(" (sent to spam)") if reason.get("verdict") == "spam" else "",
                    )
                    for reason in reasons
                ),
            ),
        )

    @admin.display(description=_("this author's comments"))
    def author_history(self, comment):
        if not comment.author_email:
            return "—"
        counts = Comment.objects.by_author(comment.author_email).aggregate(
            total=Count("pk"),
            **{status: Count("pk", filter=Q(status=status)) for status in Status.values},
        )
        parts = format_html_join(
            ", ",
            '<a href="{}">{} {}</a>',
            (
                (
                    _author_comments_url(comment.author_email, status__exact=status),
                    counts[status],
                    label.lower(),
                )
                for status, label in Status.choices
            ),
        )
        return format_html(
            '{} — <a href="{}">{}</a>',
            parts,
            _author_comments_url(comment.author_email),
            ngettext("%(n)d comment in all", "all %(n)d comments", counts["total"])
            % {"n": counts["total"]},
        )

    # Saving through the form goes through the services, so the change is logged.

    # Pending is not offered in the form (see CommentAdminForm).
    status_services = {
        Status.APPROVED: services.comments_approve,
        Status.SPAM: services.comments_mark_spam,
        Status.REMOVED: services.comments_remove,
    }

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        changed = set(form.changed_data)
        new_status, new_body = obj.status, obj.body
        obj.status, obj.body = form.initial["status"], form.initial["body"]
        with transaction.atomic():
            other = changed - {"status", "body"}
            if other:
                if "parent" in other:
                    other.add("depth")
                obj.save(update_fields=[*other, "updated_at"])
            if "body" in changed:
                services.comment_edit(comment=obj, moderator=request.user, body=new_body)
            if "status" in changed:
                self.status_services[new_status](comments=[obj], moderator=request.user)
        obj.refresh_from_db()

    # Actions (available on the list and on a comment's page)

    def _moderate(self, request, queryset, service, message):
        """Run a moderation service on the selection; tell the moderator how many changed."""
        selected = list(queryset.values_list("pk", flat=True))
        changed = service(comments=selected, moderator=request.user)
        text = message(changed) % {"count": changed}
        if unchanged := len(selected) - changed:
            text += " " + ngettext(
                "%(count)d was already so and was left as it was.",
                "%(count)d were already so and were left as they were.",
                unchanged,
            ) % {"count": unchanged}
        self.message_user(request, text, messages.SUCCESS if changed else messages.WARNING)

    @admin.action(permissions=["moderate"], description=_("Approve"), location=BOTH_LOCATIONS)
    def approve(self, request, queryset):
        self._moderate(
            request,
            queryset,
            services.comments_approve,
            lambda n: ngettext("%(count)d comment approved.", "%(count)d comments approved.", n),
        )

    @admin.action(permissions=["moderate"], description=_("Mark as spam"), location=BOTH_LOCATIONS)
    def mark_spam(self, request, queryset):
        self._moderate(
            request,
            queryset,
            services.comments_mark_spam,
            lambda n: ngettext(
                "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", n
            ),
        )

    @admin.action(permissions=["moderate"], description=_("Remove"), location=BOTH_LOCATIONS)
    def remove(self, request, queryset):
        self._moderate(
            request,
            queryset,
            services.comments_remove,
            lambda n: ngettext("%(count)d comment removed.", "%(count)d comments removed.", n),
        )

    @admin.action(
        permissions=["moderate"],
        description=_("Restore (spam or removed)"),
        location=BOTH_LOCATIONS,
    )
    def restore(self, request, queryset):
        self._moderate(
            request,
            queryset,
            services.comments_restore,
            lambda n: ngettext("%(count)d comment restored.", "%(count)d comments restored.", n),
        )


# The moderation log, reports, bans, keywords, subscribers -----------------------------------


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
        return _comment_link(entry.comment_id)


class ReportStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Waiting")), ("resolved", _("Resolved"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "resolved":
            return queryset.filter(resolved_at__isnull=False)
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
        return _comment_link(report.comment_id)

    @admin.display(description=_("resolved"), boolean=True, ordering="resolved_at")
    def resolved(self, report):
        return report.resolved_at is not None

    @admin.action(permissions=["moderate"], description=_("Dismiss (keep the comment)"))
    def resolve(self, request, queryset):
        # Approving, removing or spamming a comment resolves its reports in the services; this
        # is for reports a moderator dismisses. It goes through the service, so it is logged.
        comment_ids = set(
            queryset.filter(resolved_at__isnull=True).values_list("comment_id", flat=True)
        )
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
        now = timezone.now()
        if self.value() == "active":
            return queryset.active(now)
        if self.value() == "expired":
            return queryset.filter(lifted_at__isnull=True, expires_at__lte=now)
        if self.value() == "lifted":
            return queryset.filter(lifted_at__isnull=False)
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

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
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
        if ban.lifted_at:
            return _("lifted")
        if ban.expires_at and ban.expires_at <= timezone.now():
            return _("expired")
        return _("active")

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


# The dashboard on the admin index ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChartBar:
    day: stats.DayCount
    label: str
    x: float
    width: float
    y: float
    height: float
    spam_y: float
    spam_height: float
    slot_x: float
    slot_width: float


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG bar chart's geometry, in viewBox units; the template draws it."""

    width: int
    height: int
    left: float
    right: float
    top: float
    baseline: float
    plot_height: float
    max_label_y: float
    date_label_y: float
    bars: list[ChartBar]
    max_total: int
    first_label: str
    last_label: str
    summary: str

    @property
    def center_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def empty_label_y(self) -> float:
        return (self.top + self.baseline) / 2


def bar_chart(days: list[stats.DayCount], *, width: int = 560, height: int = 170) -> Chart:
    """Lay out one bar per day, scaled so the busiest day reaches the top line."""
    left, right, top, baseline = 4.0, width - 4.0, 22.0, height - 24.0
    slot = (right - left) / max(len(days), 1)
    max_total = max((day.total for day in days), default=0)
    scale = (baseline - top) / max_total if max_total else 0
    bars = []
    for i, day in enumerate(days):
        bar_height = day.total * scale
        spam_height = day.spam * scale
        label = date_format(day.day, "D j M")
        tooltip = ngettext("%(day)s: %(n)d comment", "%(day)s: %(n)d comments", day.total) % {
            "day": label,
            "n": day.total,
        }
        if day.spam:
            tooltip += _(", %(n)d spam") % {"n": day.spam}
        bars.append(
            ChartBar(
                day=day,
                label=tooltip,
                x=round(left + i * slot + slot * 0.15, 2),
                width=round(slot * 0.7, 2),
                y=round(baseline - bar_height, 2),
                height=round(bar_height, 2),
                spam_y=round(baseline - spam_height, 2),
                spam_height=round(spam_height, 2),
                slot_x=round(left + i * slot, 2),
                slot_width=round(slot, 2),
            )
        )
    summary = ""
    if days:
        span = {
            "first": date_format(days[0].day, "j F"),
            "last": date_format(days[-1].day, "j F"),
        }
        total = sum(day.total for day in days)
        if total:
            busiest = max(days, key=lambda d: d.total)
            summary = ngettext(
                "%(total)d comment from %(first)s to %(last)s",
                "%(total)d comments from %(first)s to %(last)s",
                total,
            ) % {"total": total, **span} + _("; the busiest day was %(day)s, with %(max)d.") % {
                "day": date_format(busiest.day, "j F"),
                "max": max_total,
            }
        else:
            summary = _("No comments from %(first)s to %(last)s.") % span
    return Chart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        baseline=baseline,
        plot_height=baseline - top,
        max_label_y=top - 7,
        date_label_y=baseline + 16,
        bars=bars,
        max_total=max_total,
        first_label=date_format(days[0].day, "j M") if days else "",
        last_label=date_format(days[-1].day, "j M") if days else "",
        summary=summary,
    )


def _age(since, now) -> str:
    """ "2 hours ago": the largest unit only, which is all a glance needs."""
    if since is None:
        return ""
    if (now - since).total_seconds() < 60:
        return _("just now")
    return _("%(age)s ago") % {"age": timesince(since, now, depth=1)}


def dashboard_context() -> dict:
    """What templates/admin/index.html needs for the dashboard block."""
    data = stats.dashboard()
    try:
        queue_url = reverse("moderation:queue")
    except NoReverseMatch:
        queue_url = ""
    return {
        "stats": data,
        "oldest_age": _age(data.pending.oldest_at, data.now),
        "chart": bar_chart(data.days),
        "pending_url": _changelist_url(Comment, status__exact=Status.PENDING),
        "reports_url": _changelist_url(Report, state="open"),
        "spam_url": _changelist_url(Comment, status__exact=Status.SPAM),
        "queue_url": queue_url,
        "top_articles": [
            {
                "title": row.article.title,
                "comments": row.comments,
                "admin_url": reverse("admin:articles_article_change", args=[row.article.pk]),
                "public_url": row.article.get_absolute_url(),
            }
            for row in data.top_articles
        ],
    }


def _index_with_dashboard(index):
    @functools.wraps(index)
    def view(request, extra_context=None):
        if request.user.has_perm(MODERATE):
            extra_context = {
                **(extra_context or {}),
                "comment_dashboard": dashboard_context(),
            }
        return index(request, extra_context)

    return view


# The project uses Django's default admin site (config/urls.py: admin.site.urls), so the index
# view is wrapped here rather than replaced by an AdminSite subclass. admin.site builds its URLs
# lazily, after autodiscover has imported this module.
admin.site.index = _index_with_dashboard(admin.site.index)
