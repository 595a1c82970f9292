"""The admin's settings page: a site owner changes the comment policy while the site runs.

The environment gives the defaults; a change on the page is in force at once (through
``comments.site_settings``), is validated, and is logged as the user's.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import site_settings
from comments.mail import moderator_emails
from comments.models import Comment, ModerationLog
from comments.posting import services as posting
from tests.conftest import make_article

pytestmark = pytest.mark.django_db
SETTINGS_PAGE = "/admin/constance/config/"


def form_data(client, **changes) -> dict:
    """What the settings page posts: every current value, with ``changes``."""
    form = client.get(SETTINGS_PAGE).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(changes)
    return data


def change(client, **changes):
    return client.post(SETTINGS_PAGE, form_data(client, **changes), follow=True)


def post(article, body="Is a heated massage pad safe with MS?"):
    return posting.comment_post(
        article=article, body=body, author_name="Dana", author_email="dana@example.com"
    )


@pytest.fixture(autouse=True)
def _fresh_content_types():
    """Constance's history row names a content type it makes on first use; Django keeps it in
    a cache that outlives each test's rolled-back transaction."""
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("sam", "sam@example.com", "pw", is_staff=True)


def test_settings_page_is_reachable_from_the_admin_index(admin_client):
    html = admin_client.get("/admin/").content.decode()

    assert "Site settings" in html
    assert f'href="{SETTINGS_PAGE}"' in html


def test_settings_page_starts_from_the_environment(admin_client, settings):
    settings.COMMENTS_HOLD_LINKS = 4

    html = admin_client.get(SETTINGS_PAGE).content.decode()

    assert "COMMENTS_MODERATION" in html and "COMMENTS_SORT_DEFAULT" in html
    assert site_settings.hold_links() == 4


def test_moderation_mode_pre_holds_the_next_comment(admin_client, settings, article):
    settings.COMMENTS_MODERATION = "post"
    assert post(article, body="Published at once.").status == Comment.Status.APPROVED

    response = change(admin_client, COMMENTS_MODERATION="pre")

    assert response.status_code == 200
    assert site_settings.moderation_mode() == "pre"
    assert post(article).status == Comment.Status.PENDING


def test_every_change_is_logged_as_the_users(admin_client, admin_user, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 3

    change(admin_client, COMMENTS_REPORT_THRESHOLD=5, COMMENTS_EDIT_MINUTES=30)
    change(admin_client, COMMENTS_REPORT_THRESHOLD=0)

    rows = ModerationLog.objects.filter(action=ModerationLog.Action.SETTING).order_by("pk")
    assert [row.note for row in rows] == [
        "COMMENTS_REPORT_THRESHOLD: 3 -> 5",
        "COMMENTS_EDIT_MINUTES: 15 -> 30",
        "COMMENTS_REPORT_THRESHOLD: 5 -> 0",
    ]
    assert all(row.moderator == admin_user and row.comment is None for row in rows)
    assert site_settings.report_threshold() == 0
    assert site_settings.edit_minutes() == 30


def test_saving_unchanged_values_logs_nothing(admin_client):
    change(admin_client)

    assert not ModerationLog.objects.filter(action=ModerationLog.Action.SETTING).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("COMMENTS_MODERATION", "sometimes", "Select a valid choice"),
        ("COMMENTS_SORT_DEFAULT", "random", "Select a valid choice"),
        ("COMMENTS_HOLD_LINKS", "-1", "greater than or equal to 0"),
        ("COMMENTS_CLOSE_AFTER_DAYS", "two weeks", "Enter a whole number"),
        # A number no date can hold once added to a publication date: every article page
        # answered 500 after it was saved.
        ("COMMENTS_CLOSE_AFTER_DAYS", "99999999999999999999999", "less than or equal to"),
        ("COMMENTS_EDIT_MINUTES", "9999999999999", "less than or equal to"),
        ("COMMENTS_MODERATOR_EMAILS", "desk@example.com, not-an-address", "not-an-address"),
    ],
)
def test_invalid_values_are_refused_with_a_clear_message(admin_client, field, value, message):
    response = change(admin_client, **{field: value})

    html = response.content.decode()
    assert message in html
    assert response.context["form"][field].value() == value  # what was typed is kept
    assert not ModerationLog.objects.filter(action=ModerationLog.Action.SETTING).exists()
    assert site_settings.moderation_mode() in site_settings.MODERATION_MODES


def test_the_largest_numbers_accepted_still_serve_the_article_page(admin_client, client):
    article = make_article()
    change(admin_client, COMMENTS_CLOSE_AFTER_DAYS=100_000, COMMENTS_EDIT_MINUTES=100_000)

    assert site_settings.close_after_days() == 100_000
    assert client.get(article.get_absolute_url()).status_code == 200


def test_notification_recipients_hear_of_held_comments(admin_client):
    change(admin_client, COMMENTS_MODERATOR_EMAILS="Desk@Example.com\nnight@example.org")

    assert moderator_emails()[:2] == ["desk@example.com", "night@example.org"]


def test_closing_age_refreshes_the_shared_article_page(admin_client, client):
    article = make_article(published_at=timezone.now() - timedelta(days=10))
    assert "Post Comment" in client.get(article.get_absolute_url()).content.decode()

    change(admin_client, COMMENTS_CLOSE_AFTER_DAYS=7)

    assert "Post Comment" not in client.get(article.get_absolute_url()).content.decode()


def test_reading_the_settings_costs_no_query_once_kept(admin_client, settings):
    settings.COMMENTS_MODERATION = "post"
    change(admin_client, COMMENTS_HOLD_LINKS=1)
    site_settings.hold_links()

    with CaptureQueriesContext(connection) as queries:
        values = (site_settings.hold_links(), site_settings.moderation_mode())

    assert values == (1, "post")  # the changed value, and the environment's for the rest
    assert len(queries) == 0


def test_staff_without_the_permission_are_refused(client, staff):
    client.force_login(staff)

    assert client.get(SETTINGS_PAGE).status_code == 403
    assert client.post(SETTINGS_PAGE, {"COMMENTS_MODERATION": "pre"}).status_code == 403
    assert site_settings.moderation_mode() == "auto"
    assert not ModerationLog.objects.exists()


def test_staff_with_only_the_view_permission_are_refused(client, staff):
    staff.user_permissions.add(Permission.objects.get(codename="view_config"))
    client.force_login(staff)

    assert client.get(SETTINGS_PAGE).status_code == 403


def test_staff_with_the_change_permission_may_change_settings(client, staff):
    staff.user_permissions.add(Permission.objects.get(codename="change_config"))
    client.force_login(staff)

    change(client, COMMENTS_SORT_DEFAULT="newest")

    assert site_settings.sort_default() == "newest"
    assert ModerationLog.objects.get().moderator == staff


def test_anonymous_visitors_go_to_the_login_page(client):
    response = client.get(SETTINGS_PAGE)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_admin_index_names_the_settings_page_site_settings_not_config(admin_client):
    html = admin_client.get("/admin/").content.decode()
    link = re.search(rf'<a href="{SETTINGS_PAGE}"[^>]*>([^<]+)</a>', html)

    assert link and link.group(1).strip() == "Site settings"
    assert ">Config<" not in html
