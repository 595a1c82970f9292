"""The comment list's row checkbox, written as plain markup for speed, is the one Django's
admin writes (its actions and its "select all" script find rows by it)."""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin

from comments.models import Comment
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db


def test_the_row_checkbox_is_djangos_markup_for_any_name(article):
    comment_admin = admin.site._registry[Comment]
    for name in ["Ann", 'Dana "<script>" O\'Neil', "רחל 😀", "&amp;"]:
        comment = make_comment(article, author_name=name)

        assert comment_admin.action_checkbox(comment) == ModelAdmin.action_checkbox(
            comment_admin, comment
        )


def test_the_comment_list_selects_rows_by_it(article, admin_client):
    comment = make_comment(article)

    page = admin_client.get("/admin/comments/comment/").content.decode()

    assert f'name="_selected_action" value="{comment.pk}" class="action-select"' in page
