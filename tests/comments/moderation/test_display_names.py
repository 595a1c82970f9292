"""Moderators reply under a public name, never their username: in the thread, the feeds and
the mail a reader gets. They see that name before replying, and set it themselves."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, ModerationLog, StaffProfile, Subscriber
from comments.moderation import services
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db
USERNAME = "mod1"


@pytest.fixture
def mod1(django_user_model):
    user = django_user_model.objects.create_user(USERNAME, "mod1@example.com", "pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def mod_client(mod1):
    client = Client()
    client.force_login(mod1)
    return client


@pytest.fixture
def subscribed(article):
    """A published comment whose author (confirmed) hears of replies."""
    Subscriber.objects.create(email="walter@example.com", confirmed_at=timezone.now())
    return make_comment(article, author_email="walter@example.com", notify_replies=True)


def reply(mod_client, comment, body="Thanks, we have looked into it."):
    response = mod_client.post(reverse("moderation:reply", args=[comment.pk]), {"body": body})
    assert response.status_code == 302
    return Comment.objects.get(in_reply_to=comment)


def public_surfaces(article) -> str:
    reader = Client()
    return "".join(
        reader.get(url).content.decode()
        for url in (
            article.get_absolute_url(),
            reverse("comments:feed", args=[article.slug]),
            "/feed/",
        )
    )


def test_a_moderator_without_names_replies_as_moderator_never_the_username(
    mod_client, article, subscribed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = reply(mod_client, subscribed)

    assert answer.author_name == "Moderator"
    assert USERNAME not in public_surfaces(article)
    (message,) = mail.outbox
    assert "\u2068Moderator\u2069 replied to your comment" in message.subject
    assert USERNAME not in message.body


def test_the_public_name_comes_first_then_the_full_name(mod1, mod_client, article):
    mod1.first_name, mod1.last_name = "Ana", "Ruiz"
    mod1.save()
    assert reply(mod_client, make_comment(article)).author_name == "Ana Ruiz"

    StaffProfile.objects.create(user=mod1, display_name="Dr. Ana Ruiz, Moderator team")
    second = reply(mod_client, make_comment(article))

    assert second.author_name == "Dr. Ana Ruiz, Moderator team"
    assert "Dr. Ana Ruiz, Moderator team" in public_surfaces(article)


def test_a_full_name_that_is_the_username_is_not_used(mod1, mod_client, article):
    mod1.first_name = "MOD1"
    mod1.save()

    assert reply(mod_client, make_comment(article)).author_name == "Moderator"


def test_the_comment_page_says_under_which_name_the_reply_appears(mod1, mod_client, article):
    StaffProfile.objects.create(user=mod1, display_name="Ana R., moderation team")
    comment = make_comment(article)

    page = mod_client.get(reverse("moderation:comment", args=[comment.pk])).content.decode()

    assert "Your reply will appear as <strong>Ana R., moderation team</strong>" in page
    assert f'href="{reverse("moderation:profile")}?next=' in page


def test_a_moderator_sets_their_public_name_and_returns_to_the_comment(mod_client, article):
    comment = make_comment(article)
    back = reverse("moderation:comment", args=[comment.pk])

    form = mod_client.get(reverse("moderation:profile"), {"next": back}).content.decode()
    response = mod_client.post(
        reverse("moderation:profile"), {"display_name": " Ana  Ruiz ", "next": back}
    )

    assert "appear as <strong>Moderator</strong>" in form
    assert response.status_code == 302 and response["Location"] == back
    assert reply(mod_client, comment).author_name == "Ana Ruiz"
    assert ModerationLog.objects.filter(action="change", note__contains="Ana Ruiz").exists()


def test_the_username_is_refused_as_a_public_name(mod_client):
    response = mod_client.post(reverse("moderation:profile"), {"display_name": "Mod1"})

    assert response.status_code == 200
    assert "other than the username" in response.content.decode()
    assert not StaffProfile.objects.exclude(display_name="").exists()


def test_the_profile_page_is_for_moderators_only(django_user_model):
    reader = Client()
    assert reader.get(reverse("moderation:profile")).status_code == 302
    reader.force_login(django_user_model.objects.create_user("someone", "s@example.com", "pw"))
    assert reader.get(reverse("moderation:profile")).status_code == 403


def test_a_site_admin_sets_a_moderators_public_name_in_the_admin(mod1, django_user_model):
    admin_user = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    client = Client()
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:comments_staffprofile_add"),
        {"user": mod1.pk, "display_name": "Ana Ruiz, Moderator team"},
    )

    assert response.status_code == 302
    assert StaffProfile.objects.get(user=mod1).display_name == "Ana Ruiz, Moderator team"
    assert ModerationLog.objects.filter(action="change", moderator=admin_user).exists()


def test_the_service_logs_a_change_of_name_once(mod1):
    services.staff_profile_set_name(user=mod1, display_name="Ana", changed_by=mod1)
    services.staff_profile_set_name(user=mod1, display_name="Ana", changed_by=mod1)

    assert ModerationLog.objects.filter(action="change").count() == 1
