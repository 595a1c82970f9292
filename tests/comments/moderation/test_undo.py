"""Every status change a moderator makes answers with "Undo" for a few minutes."""

import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from comments.models import Comment, ModerationLog
from comments.moderation import undo
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status
UNDO_FORM = re.compile(
    r'<form method="post" action="/moderation/undo/" class="undo-form d-inline">.*?</form>', re.S
)


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("maya", "maya@example.com", "pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def held(article, **fields):
    return make_comment(article, status=Status.PENDING, **fields)


def undo_fields(html: str) -> dict:
    """The hidden fields of the Undo button in a page's messages."""
    (form,) = UNDO_FORM.findall(html)
    return {
        name: unescape(value)
        for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', form)
        if name != "csrfmiddlewaretoken"
    }


def act(client, data, *, follow=True):
    return client.post(
        "/moderation/act/", {"next": "/moderation/?status=pending", **data}, follow=follow
    )


def test_approving_one_comment_offers_undo_that_puts_it_back_on_hold(mod_client, moderator):
    comment = held(make_article())
    page = act(mod_client, {"row_action": f"approve:{comment.pk}"}).content.decode()
    assert "1 comment approved." in page
    fields = undo_fields(page)
    assert fields["next"] == "/moderation/?status=pending"
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED

    response = mod_client.post("/moderation/undo/", fields, follow=True)

    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert "Undone: 1 comment(s) put back as they were." in response.content.decode()
    entry = ModerationLog.objects.filter(comment=comment).first()
    approved = ModerationLog.objects.get(comment=comment, action=ModerationLog.Action.APPROVE)
    assert (entry.action, entry.from_status, entry.to_status) == ("undo", "approved", "pending")
    assert f"#{approved.pk}" in entry.note
    assert entry.moderator == moderator


def test_a_bulk_action_has_one_undo_for_the_whole_batch(mod_client):
    article = make_article()
    pending = held(article)
    approved = make_comment(article)
    removed = make_comment(article, status=Status.REMOVED)
    page = act(
        mod_client,
        {"bulk_action": "spam", "selected": [pending.pk, approved.pk, removed.pk]},
    ).content.decode()
    assert "3 comments marked as spam." in page
    assert len(UNDO_FORM.findall(page)) == 1

    mod_client.post("/moderation/undo/", undo_fields(page))

    statuses = {c.pk: c.status for c in Comment.objects.all()}
    assert statuses == {
        pending.pk: Status.PENDING,
        approved.pk: Status.APPROVED,
        removed.pk: Status.REMOVED,
    }


def test_undo_after_the_window_is_refused(mod_client):
    comment = held(make_article())
    page = act(mod_client, {"row_action": f"remove:{comment.pk}"}).content.decode()
    fields = undo_fields(page)

    later = timezone.now() + timedelta(minutes=undo.UNDO_MINUTES, seconds=1)
    with time_machine.travel(later, tick=False):
        response = mod_client.post("/moderation/undo/", fields, follow=True)

    comment.refresh_from_db()
    assert comment.status == Status.REMOVED
    assert "can no longer be undone" in response.content.decode()


def test_undo_leaves_alone_a_comment_someone_changed_since(mod_client, django_user_model):
    comment = held(make_article())
    fields = undo_fields(act(mod_client, {"row_action": f"approve:{comment.pk}"}).content.decode())
    other = django_user_model.objects.create_user("omar", "omar@example.com", "pw")
    other.groups.add(Group.objects.get(name="Moderators"))
    other_client = Client()
    other_client.force_login(other)
    act(other_client, {"row_action": f"spam:{comment.pk}"})

    response = mod_client.post("/moderation/undo/", fields, follow=True)

    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    assert f"changed since (#{comment.pk})" in response.content.decode()


def test_undo_twice_changes_nothing_the_second_time(mod_client):
    comment = held(make_article())
    fields = undo_fields(act(mod_client, {"row_action": f"approve:{comment.pk}"}).content.decode())
    mod_client.post("/moderation/undo/", fields)
    rows = ModerationLog.objects.count()

    response = mod_client.post("/moderation/undo/", fields, follow=True)

    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert ModerationLog.objects.count() == rows
    assert "changed since" in response.content.decode()


def test_nobody_undoes_another_moderators_decision(mod_client, django_user_model):
    comment = held(make_article())
    fields = undo_fields(act(mod_client, {"row_action": f"approve:{comment.pk}"}).content.decode())
    other = django_user_model.objects.create_user("omar", "omar@example.com", "pw")
    other.groups.add(Group.objects.get(name="Moderators"))
    other_client = Client()
    other_client.force_login(other)

    response = other_client.post("/moderation/undo/", fields, follow=True)

    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert "can no longer be undone" in response.content.decode()


def test_undo_returns_only_to_a_page_on_this_site(mod_client):
    comment = held(make_article())
    fields = undo_fields(act(mod_client, {"row_action": f"approve:{comment.pk}"}).content.decode())

    response = mod_client.post("/moderation/undo/", {**fields, "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/moderation/"


def test_the_undo_button_escapes_what_it_carries(mod_client):
    comment = held(make_article())
    page = act(
        mod_client,
        {"row_action": f"approve:{comment.pk}", "next": '/moderation/?q="><script>x</script>'},
    ).content.decode()
    assert "<script>x</script>" not in page
    assert undo_fields(page)["next"] == '/moderation/?q="><script>x</script>'


def test_admin_actions_and_status_field_offer_undo(moderator, django_user_model):
    moderator.is_staff = True
    moderator.save()
    client = Client()
    client.force_login(moderator)
    article = make_article()
    first, second = held(article), held(article)

    page = client.post(
        "/admin/comments/comment/",
        {"action": "approve", "_selected_action": [first.pk, second.pk]},
        follow=True,
    ).content.decode()
    assert "2 comments approved." in page
    client.post("/moderation/undo/", undo_fields(page))
    assert set(Comment.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_undo_permission_matrix(moderator, django_user_model):
    anonymous = Client()
    response = anonymous.post("/moderation/undo/", {"logs": "1"})
    assert response.status_code == 302 and "/login" in response["Location"]
    staff = django_user_model.objects.create_user("sam", "sam@example.com", "pw", is_staff=True)
    staff_client = Client()
    staff_client.force_login(staff)
    assert staff_client.post("/moderation/undo/", {"logs": "1"}).status_code == 403
    client = Client()
    client.force_login(moderator)
    assert client.post("/moderation/undo/", {"logs": "1"}).status_code == 302
    assert client.get("/moderation/undo/").status_code == 405
