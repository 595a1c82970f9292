"""A site owner's first week, as the README leads them: trying production on a laptop, hearing of
held comments, mail that reaches the running site and comes from a real address, a notice after
asking for reply mail, and a log that says each thing once."""

import re
import subprocess

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from comments import mail as comment_mail
from comments.models import Subscriber
from comments.posting import services as posting
from comments.posting.forms import issue_timestamp
from config.checks import check_local_http, check_mail_identity
from tests.conftest import PRODUCTION_ENV, make_article, manage

PRODUCTION = PRODUCTION_ENV


def deploy_check(**changes: str | None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in {**PRODUCTION, **changes}.items() if value is not None}
    return manage("check", "--deploy", "--fail-level", "WARNING", env=env)


def production_setting(expression: str, **changes: str) -> str:
    code = f"from django.conf import settings; print(repr(({expression})))"
    result = manage("shell", "-c", code, env={**PRODUCTION, **changes})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """Post as the comment form does; what is queued on commit runs (ImmediateBackend)."""

    def post(article, *, email="walter.private@example.com", **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return posting.comment_post(
                article=article,
                body="Which massage device helps?",
                author_name="Walter",
                author_email=email,
                **fields,
            )

    return post


# Trying production on a laptop ----------------------------------------------------------------


def test_local_http_serves_production_settings_over_plain_http_with_cookies_that_work():
    values = production_setting(
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, "
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.MAILERS['default']['BACKEND']",
        DJANGO_LOCAL_HTTP="1",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
    )

    assert values == "(False, 0, False, False, 'django.core.mail.backends.console.EmailBackend')"


def test_real_production_still_redirects_to_https_with_secure_cookies():
    values = production_setting(
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS > 0, "
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE"
    )

    assert values == "(True, True, True, True)"


def test_local_http_refuses_a_public_host_name():
    result = manage("check", env={**PRODUCTION, "DJANGO_LOCAL_HTTP": "1"})

    assert result.returncode != 0
    assert "DJANGO_LOCAL_HTTP=1 is for trying the site on this machine only" in result.stderr


def test_the_deployment_check_warns_while_local_http_is_on():
    result = deploy_check(DJANGO_LOCAL_HTTP="1", DJANGO_ALLOWED_HOSTS="127.0.0.1")

    assert result.returncode != 0
    assert "config.W003" in result.stdout + result.stderr
    with override_settings(DEBUG=False, LOCAL_HTTP=True):
        assert [w.id for w in check_local_http(None)] == ["config.W003"]


# Mail from a real address, with links to the running site ----------------------------------


def test_production_settings_as_the_readme_gives_them_pass_the_deployment_check():
    result = deploy_check()

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_email_host_sends_through_the_local_mail_server():
    code = "from django.core import mail; c = mail.get_connection(); print(repr((c.host, c.port)))"
    result = manage("shell", "-c", code, env={**PRODUCTION, "EMAIL_HOST": None})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "('localhost', 25)"


def test_the_deployment_check_warns_when_mail_would_come_from_webmaster_at_localhost():
    result = deploy_check(DEFAULT_FROM_EMAIL=None)

    assert result.returncode != 0
    assert "config.W001" in result.stdout + result.stderr
    assert "webmaster@localhost" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("sender", "site_url", "expected"),
    [
        ("webmaster@localhost", "https://news.example.org", ["config.W001"]),
        ("News <news@intranet>", "https://news.example.org", ["config.W001"]),
        ("News <news@news.example.org>", "https://news.example.org", []),
        ("news@news.example.org", "http://127.0.0.1:8000", ["config.W002"]),
        ("news@news.example.org", "http://localhost:8123", ["config.W002"]),
        ("webmaster@localhost", "http://[::1]:8000", ["config.W001", "config.W002"]),
    ],
)
def test_mail_sender_and_links_are_checked_for_production(sender, site_url, expected):
    with override_settings(
        DEBUG=False, LOCAL_HTTP=False, DEFAULT_FROM_EMAIL=sender, SITE_URL=site_url
    ):
        assert [warning.id for warning in check_mail_identity(None)] == expected


def test_make_check_gives_production_a_sender_and_an_address():
    makefile = open("Makefile", encoding="utf-8").read()  # noqa: SIM115
    check_target = makefile.split("\ncheck:", 1)[1].split("\n\n", 1)[0]

    assert "DEFAULT_FROM_EMAIL=" in check_target
    assert "SITE_URL=https://" in check_target


@pytest.mark.parametrize(
    ("target", "env", "expected"),
    [
        ("run", {}, "SITE_URL='http://127.0.0.1:8123'"),
        ("serve", {}, "SITE_URL='http://127.0.0.1:8123'"),
        ("run", {"SITE_URL": "https://news.example.org"}, "SITE_URL='https://news.example.org'"),
    ],
)
def test_make_serves_mail_links_at_the_port_it_serves(target, env, expected):
    result = subprocess.run(  # noqa: S603
        ["make", "-n", target, "PORT=8123"],  # noqa: S607
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        check=False,
    )

    served = [line for line in result.stdout.splitlines() if "127.0.0.1:8123" in line]
    assert served and expected in served[-1], result.stdout + result.stderr


@pytest.mark.django_db
@override_settings(SITE_URL="http://127.0.0.1:8123")
def test_mailed_links_point_at_the_site_url(post):
    post(make_article(), notify_replies=True)

    (confirmation,) = mail.outbox
    links = re.findall(r"https?://\S+", confirmation.body)
    assert links
    assert all(link.startswith("http://127.0.0.1:8123/") for link in links), links
    assert confirmation.extra_headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8123/")


# The first admin hears of held comments -------------------------------------------------------


@pytest.mark.django_db
def test_the_first_admin_hears_of_held_comments_while_the_site_has_no_moderator(
    post, django_user_model, settings
):
    settings.COMMENTS_MODERATION = "pre"
    django_user_model.objects.create_superuser("owner", "Owner@Example.com", "pw")
    gone = django_user_model.objects.create_superuser("gone", "gone@example.com", "pw")
    gone.is_active = False
    gone.save()
    django_user_model.objects.create_superuser("nomail", "", "pw")

    post(make_article())

    assert [message.to for message in mail.outbox] == [["owner@example.com"]]


@pytest.mark.django_db
def test_once_the_site_has_a_moderator_the_admin_is_not_mailed(django_user_model, settings):
    django_user_model.objects.create_superuser("owner", "owner@example.com", "pw")
    maya = django_user_model.objects.create_user("maya", "maya@example.com", "pw")
    maya.groups.add(Group.objects.get(name="Moderators"))

    assert comment_mail.moderator_emails() == ["maya@example.com"]

    settings.COMMENTS_MODERATOR_EMAILS = ["desk@example.com"]
    maya.groups.clear()
    assert comment_mail.moderator_emails() == ["desk@example.com"]


# A notice after asking for reply mail ---------------------------------------------------------


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def posted_notice(client, article, *, email: str, notify: bool, capture) -> list[str]:
    data = {
        "comment": f"Massage helps my wife sleep ({email}).",
        "name": "Walter",
        "email": email,
        "url": "",
        "issued": issue_timestamp(),
    }
    if notify:
        data["notify_replies"] = "on"
    with capture(execute=True):
        response = client.post(reverse("comments:post", kwargs={"slug": article.slug}), data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    return re.findall(r'<div class="alert[^"]*">(.*?)</div>', page, re.S)


@pytest.mark.django_db
def test_ticking_notify_me_says_to_look_for_the_confirmation_mail(client, settings, capture):
    settings.COMMENTS_MODERATION = "post"
    article = make_article()

    notices = posted_notice(
        client, article, email="walter@example.com", notify=True, capture=capture
    )

    assert len(notices) == 1
    assert "Check your inbox" in notices[0]
    assert "confirm reply notifications" in notices[0]
    assert len(mail.outbox) == 1  # the confirmation it speaks of


@pytest.mark.django_db
def test_the_notice_does_not_tell_whether_an_address_is_subscribed(client, settings, capture):
    settings.COMMENTS_MODERATION = "post"
    article = make_article()
    Subscriber.objects.create(email="known@example.com", confirmed_at=timezone.now())

    known = posted_notice(client, article, email="known@example.com", notify=True, capture=capture)
    client.cookies.clear()
    unknown = posted_notice(client, article, email="new@example.com", notify=True, capture=capture)

    assert known == unknown and len(known) == 1


@pytest.mark.django_db
def test_no_notice_without_notify_me(client, settings, capture):
    settings.COMMENTS_MODERATION = "post"

    assert (
        posted_notice(client, make_article(), email="w@example.com", notify=False, capture=capture)
        == []
    )


# The form's notes, and the log ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_privacy_link_is_not_run_into_the_required_fields_sentence(client):
    article = make_article()
    html = client.get(article.get_absolute_url()).content.decode()

    notes = re.findall(r'<p class="comment-notes">(.*?)</p>', html, re.S)
    text = [re.sub(r"<[^>]+>", "", note) for note in notes]
    required = next(t for t in text if "Required fields are marked" in t)
    assert "How we use" not in required
    assert any(t.strip() == "How we use your email and data" for t in text)


def test_task_log_lines_print_once_under_make_run():
    code = (
        "import logging; logging.getLogger('django.tasks').info('task ran: X1'); "
        "logging.getLogger('comments.tasks').info('task ran: X2')"
    )
    result = manage("shell", "-c", code, env={"DJANGO_DEBUG": "1", "PATH": "/usr/bin:/bin"})

    output = result.stdout + result.stderr
    assert output.count("task ran: X1") == 1, output
    assert output.count("task ran: X2") == 1, output
