"""Fixtures for the comment section's tests: posting and approving as the services do."""

import itertools

import pytest
from django.contrib.auth.models import Group

from comments.moderation import services
from comments.posting import services as posting


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """Post like the comment form does; what is queued on commit runs (ImmediateBackend)."""

    numbers = itertools.count(1)

    def post(article, *, email="walter.private@example.com", name="Walter", body=None, **fields):
        # Each text differs: the same text twice is held as a duplicate.
        body = body or f"A thoughtful comment, number {next(numbers)}."
        with django_capture_on_commit_callbacks(execute=True):
            return posting.comment_post(
                article=article, body=body, author_name=name, author_email=email, **fields
            )

    return post


@pytest.fixture
def approve(django_capture_on_commit_callbacks, moderator):
    def approve(*comments):
        with django_capture_on_commit_callbacks(execute=True):
            services.comments_approve(comments=list(comments), moderator=moderator)

    return approve


@pytest.fixture
def moderator(django_user_model):
    """A member of the Moderators group (who hears of held comments)."""
    user = django_user_model.objects.create_user("maya", "Maya.Mod@example.com", "pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user
