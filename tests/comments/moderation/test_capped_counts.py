"""A queue counts no further than it needs to: past the cap a tab says "N+", so no page of the
queue counts a million-comment table."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from comments.models import Comment
from comments.moderation import queues
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator_client(client, django_user_model):
    user = django_user_model.objects.create_user("cap", "cap@example.com", "pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(user)
    return client


def test_past_the_cap_a_tab_and_the_pages_say_there_are_more(
    monkeypatch, moderator_client, article
):
    monkeypatch.setattr(queues, "COUNT_CAP", 3)
    monkeypatch.setattr("comments.moderation.views.PAGE_SIZE", 2)
    for n in range(6):
        make_comment(article, status=Comment.Status.PENDING, body=f"Held {n}")
    make_comment(article, status=Comment.Status.SPAM)

    html = moderator_client.get(reverse("moderation:queue")).content.decode()

    assert '<span class="badge text-bg-light">3+</span>' in html
    assert '<span class="badge text-bg-light">1</span>' in html  # spam, under the cap
    assert "Page 1 of 2+" in html


def test_under_the_cap_counts_are_exact(moderator_client, article):
    for _ in range(4):
        make_comment(article, status=Comment.Status.PENDING)

    html = moderator_client.get(reverse("moderation:queue")).content.decode()

    assert '<span class="badge text-bg-light">4</span>' in html
