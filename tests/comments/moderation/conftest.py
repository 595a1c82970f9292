import pytest
from django.test import Client


@pytest.fixture
def mod_client(moderator):
    """A browser signed in as the moderator (the test module's own, or tests/comments')."""
    client = Client()
    client.force_login(moderator)
    return client
