"""Mail leaves through a real SMTP connection, as in production (EMAIL_HOST set)."""

import pytest
from django.contrib.auth.models import Group

from tests.conftest import make_article
from tests.smtp_sink import SMTPSink

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    with SMTPSink() as sink:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": sink.port, "timeout": 5},
            }
        }
        yield sink


def test_a_held_comment_reaches_the_moderators_mailbox(
    client, smtp, settings, comment_data, django_user_model, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MODERATION = "auto"
    settings.DEFAULT_FROM_EMAIL = "comments@news.example.org"
    moderator = django_user_model.objects.create_user("maya", "maya@news.example.org")
    moderator.groups.add(Group.objects.get(name="Moderators"))
    article = make_article(title="Massage and MS")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/articles/{article.slug}/comments/", comment_data)

    ((sender, recipients, message),) = smtp.received
    assert sender == "comments@news.example.org"
    assert recipients == ["maya@news.example.org"]
    assert "Massage and MS" in message.get_body(("plain",)).get_content()
    assert "first comment from this email" in message.get_body(("plain",)).get_content()
    assert "/moderation/" in message.get_body(("plain",)).get_content()


def test_the_confirmation_mail_reaches_the_commenter(
    client, smtp, settings, comment_data, django_capture_on_commit_callbacks
):
    settings.COMMENTS_MODERATION = "post"
    article = make_article()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/articles/{article.slug}/comments/", {**comment_data, "notify_replies": "on"})

    ((_sender, recipients, message),) = smtp.received
    assert recipients == [comment_data["email"]]
    assert message["List-Unsubscribe"].startswith("<http")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
