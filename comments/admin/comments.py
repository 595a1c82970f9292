"""The comment list and a comment's page in the admin: every change through the services.

Who may do what: superusers everything; holders of ``comments.can_moderate`` (the "Moderators"
group) may view and moderate comments without any other model permission. Other staff get only
what their model permissions give, and never the moderation actions. The actions are the
moderation registry's (``moderation/actions.py``); saving the form calls the services for the
status, text, parent and details, so each change is validated, logged and shown to readers.
"""

import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..models import Comment
from ..moderation import actions as registry
from ..moderation import search, services, undo
from .base import (
    BOTH_LOCATIONS,
    ModeratorAccessMixin,
    PlainActionCheckboxMixin,
    author_comments_url,
    changelist_url,
)
from .data_requests import data_request_view
from .paginators import ListPaginator, SearchPaginator

Status = Comment.Status


class OpenReportsFilter(admin.SimpleListFilter):
    title = _("open reports")
    parameter_name = "open_reports"

    def lookups(self, request, model_admin):
        return [("yes", _("Has open reports")), ("no", _("No open reports"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.with_open_reports()
        if self.value() == "no":
            return queryset.without_open_reports()
        return queryset


class CommentAdminForm(forms.ModelForm):
    class Meta:
        model = Comment
        # The article is shown, not edited: a comment belongs to the thread it was posted in.
        fields = ["parent", "status", "body", *services.DETAIL_FIELDS]
        help_texts = {
            "status": _(
                "Each change is logged. A comment cannot be sent back to the queue from here: "
                "to bring back a spam or removed comment, use the Restore action."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An anonymised comment has no email, and must stay editable (moved, its text edited).
        if "author_email" in self.fields:
            self.fields["author_email"].required = False
        # No service puts a published or rejected comment back in the queue; Restore does the
        # reverse move for spam and removed comments.
        if "status" in self.fields and self.instance.status != Status.PENDING:
            self.fields["status"].choices = [
                choice for choice in self.fields["status"].choices if choice[0] != Status.PENDING
            ]


def _registry_action(action: registry.ModerationAction):
    """An admin action (list and change form) that runs a registry action's service."""

    @admin.action(permissions=["moderate"], description=action.label, location=BOTH_LOCATIONS)
    def run(modeladmin, request, queryset):
        """Run the action's service on the selection; say how many changed."""
        selected = list(queryset.values_list("pk", flat=True))
        with undo.recording() as logged:
            changed = action.service(comments=selected, moderator=request.user)
        text = action.done_message(changed)
        if action.on_rows and (unchanged := len(selected) - changed):
            text += " " + ngettext(
                "%(count)d was already so and was left as it was.",
                "%(count)d were already so and were left as they were.",
                unchanged,
            ) % {"count": unchanged}
        level = messages.SUCCESS if changed else messages.WARNING
        # A ban is not undone by an Undo: banning authors offers none.
        logged = logged if action.on_rows else []
        undo.offer(request, text, logged, next_url=request.get_full_path(), level=level)

    run.__name__ = action.code
    return run


@admin.register(Comment)
class CommentAdmin(PlainActionCheckboxMixin, ModeratorAccessMixin, admin.ModelAdmin):
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
    # No "article" filter (it would list every article): the article column and the article
    # admin link to ?article__id__exact=. No date_hierarchy either: its year/month links are a
    # DISTINCT over every comment's date; "created at" below needs no query.
    list_filter = [
        "status",
        OpenReportsFilter,
        ("created_at", admin.DateFieldListFilter),
    ]
    # What the search box looks in is get_search_results (never the text of every comment).
    search_fields = ["author_name", "author_email", "ip_address"]
    search_help_text = _(
        "Words of the comment or the name, an email address (in any spelling) or the start "
        "of one, an IP address, a network or the start of an address."
    )
    # No COUNT(*) over the whole table on every page ("n of N selected" shows the filtered n).
    show_full_result_count = False
    # As many rows as a page of the moderation queue: rendering the rows is most of the
    # page's time (100 rows of 9 columns took about 60% of 110 ms at a million comments).
    list_per_page = 50
    ordering = ["-created_at", "-pk"]
    raw_id_fields = ["parent", "user"]
    list_select_related = ["article"]
    actions = [_registry_action(action) for action in registry.REGISTRY]
    readonly_fields = [
        "article",
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

    def get_urls(self):
        return [
            path(
                "data-request/",
                self.admin_site.admin_view(functools.partial(data_request_view, self)),
                name="comments_comment_data_request",
            ),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate_open_reports()

    def get_search_results(self, request, queryset, search_term):
        """The moderators' one search (``moderation/search.py``), as in the queue: words of
        the text or name, an email in any spelling, an IP address or network, each an index
        lookup on PostgreSQL."""
        return search.search(queryset, search_term), False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # A search counts no further than the queue's does (a common word is in most rows).
        searching = request.GET.get(SEARCH_VAR, "").strip()
        paginator = SearchPaginator if searching else ListPaginator
        return paginator(queryset, per_page, orphans, allow_empty_first_page)

    # Comments come from the public form or a moderator's reply, both through the services.
    def has_add_permission(self, request):
        return False

    # Deleting leaves no log row and takes every reply with it: "Remove" is the moderation
    # act, and a commenter's erasure is a data request (it keeps other people's replies).
    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # The status is the moderators' to change, through the moderation services.
        return fields if self.has_moderate_permission(request) else [*fields, "status"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or self.has_moderate_permission(request)

    # Columns and read-only fields

    @admin.display(description=_("email"), ordering="author_email")
    def author_email_link(self, comment):
        return format_html(
            '<a href="{}" title="{}">{}</a>',
            author_comments_url(comment.author_email),
            _("All comments from this email"),
            comment.author_email,
        )

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    @admin.display(description=_("article"), ordering="article__title")
    def article_title(self, comment):
        # A plain column (not the FK itself, which the admin never wraps) keeps the list narrow;
        # it links to this list narrowed to the article (there is no filter listing them all).
        return format_html(
            '<a href="{}" title="{}">{}</a>',
            changelist_url("comment", article__id__exact=comment.article_id),
            _("All comments on this article"),
            Truncator(comment.article.title).chars(50),
        )

    @admin.display(description=_("open reports"), ordering="open_report_count")
    def open_reports(self, comment):
        count = getattr(comment, "open_report_count", None)
        if count is None:
            count = comment.reports.open().count()
        if not count:
            return "0"
        url = changelist_url("report", comment__id__exact=comment.pk, state="open")
        return format_html('<a href="{}">{}</a>', url, count)

    @admin.display(description=_("as readers see it"))
    def rendered(self, comment):
        # body_html was sanitized by comments.sanitize when it was saved: an allowlist of tags,
        # no attributes that could carry script or style, so it is safe to show as HTML.
        return format_html(
            '<div class="comment-content" dir="auto">{}</div>',
            mark_safe(comment.body_html),  # noqa: S308
        )

    @admin.display(description=_("why it was held"))
    def reasons(self, comment):
        reasons = comment.hold_reason_list()
        if not reasons:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}{}</li>",
                (
                    (text, _(" (sent to spam)") if verdict == "spam" else "")
                    for text, verdict in reasons
                ),
            ),
        )

    @admin.display(description=_("this author's comments"))
    def author_history(self, comment):
        if not comment.author_email:
            return "—"
        counts = Comment.objects.history_by_author([comment.author_email]).get(
            comment.author_email, dict.fromkeys(Status.values, 0)
        )
        counts["total"] = sum(counts.values())
        parts = format_html_join(
            ", ",
            '<a href="{}">{} {}</a>',
            (
                (
                    author_comments_url(comment.author_email, status__exact=status),
                    counts[status],
                    label.lower(),
                )
                for status, label in Status.choices
            ),
        )
        return format_html(
            '{} — <a href="{}">{}</a>',
            parts,
            author_comments_url(comment.author_email),
            ngettext("%(n)d comment in all", "all %(n)d comments", counts["total"])
            % {"n": counts["total"]},
        )

    # Saving goes through the services: each change is validated, logged and refreshes the page.

    def save_model(self, request, obj, form, change):
        if not change:
            raise PermissionDenied  # comments come from the form or a moderator's reply
        changed = set(form.changed_data)
        new = {name: getattr(obj, name) for name in changed}
        obj.refresh_from_db()  # what the services start from: nothing is saved directly
        with transaction.atomic():
            details = {name: new[name] for name in changed & set(services.DETAIL_FIELDS)}
            if details:
                services.comment_change_details(
                    comment=obj, moderator=request.user, changes=details
                )
            if "parent" in changed:
                services.comment_move(comment=obj, parent=new["parent"], moderator=request.user)
            if "body" in changed:
                services.comment_edit(comment=obj, moderator=request.user, body=new["body"])
            if "status" in changed:
                # Pending is not offered in the form (see CommentAdminForm).
                action = registry.setting_status(new["status"])
                with undo.recording() as logged:
                    done = action.service(comments=[obj], moderator=request.user)
                if done:
                    undo.offer(
                        request,
                        action.done_message(done),
                        logged,
                        next_url=request.get_full_path(),
                    )
        obj.refresh_from_db()
