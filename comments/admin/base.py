"""What every comment ModelAdmin shares: who may see it, links between the lists."""

import functools
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin import helpers
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..identity import normalize_email

MODERATE = "comments.can_moderate"
BOTH_LOCATIONS = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]


@functools.lru_cache(maxsize=64)
def _changelist(model_name: str, script_prefix: str) -> str:
    return reverse(f"admin:comments_{model_name}_changelist")


def changelist_url(model_name: str, **params) -> str:
    """The admin list of a comments model (``"comment"``, ``"report"``), with filters.

    The list's address is looked up once per site prefix: the comment list links every row
    to it twice."""
    url = _changelist(model_name, get_script_prefix())
    return f"{url}?{urlencode(params)}" if params else url


def author_comments_url(email: str, **params) -> str:
    """The comment list narrowed to one author's email (compared normalised)."""
    return changelist_url("comment", author_email=normalize_email(email), **params)


def comment_link(comment_id: int | None):
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


class PlainActionCheckboxMixin:
    """The list's row checkbox written as markup, the same as Django's.

    Django renders it through a form widget and the template engine, row by row: on a list
    of 100 comments that was a fifth of the page's time.
    """

    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            format_html(_("Select this object for an action - {}"), str(obj)),
        )
