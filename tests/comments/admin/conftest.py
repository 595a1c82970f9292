"""Who works the admin in these tests, and what its comment form posts."""

import pytest
from django.contrib.auth.models import Group

from comments.models import Comment


def change_form_data(comment: Comment, **changes) -> dict:
    """What the admin's change form posts back for this comment, with some fields changed."""
    data = {
        "parent": comment.parent_id or "",
        "status": comment.status,
        "body": comment.body,
        "author_name": comment.author_name,
        "author_email": comment.author_email,
        "author_url": comment.author_url,
        "user": comment.user_id or "",
        "ip_address": comment.ip_address or "",
        "user_agent": comment.user_agent,
        "_save": "Save",
    }
    data.update(changes)
    return data


@pytest.fixture
def moderator(django_user_model):
    """A staff member in the Moderators group, with no other model permission."""
    user = django_user_model.objects.create_user(
        "mod", "mod@example.com", "pw-mod-123456", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client
