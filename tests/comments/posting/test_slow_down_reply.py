"""The "please wait a moment" page says whom a refused reply was answering.

The page keeps the text and the reply's parent, and names the parent's author as readers see
them. (A reply to a comment readers may not see never gets this far: the form comes back,
the reply made a new comment, before any limit is counted; the page names public comments
only.)
"""

import re

import pytest
from django.test import Client

from tests.conftest import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_post_per_15_seconds(settings):
    settings.COMMENTS_MODERATION = "post"
    settings.COMMENTS_RATE_GAP_SECONDS = 15


def refused(article, comment_data, **fields) -> str:
    """Post once, then again at once from the same browser: the second is refused (429)."""
    client = Client()
    url = f"/articles/{article.slug}/comments/"
    assert client.post(url, {**comment_data, "comment": "A first comment."}).status_code == 302
    response = client.post(url, {**comment_data, **fields})
    assert response.status_code == 429
    return response.content.decode()


def explanation(html: str) -> str:
    return re.search(r"<p>Nothing you typed is lost: (.*?)</p>", html, re.S)[1]


def test_a_refused_reply_says_it_was_a_reply_to_the_comments_author(article, comment_data):
    parent = make_comment(article, author_name="Ann Smith")

    html = refused(article, comment_data, comment="Thank you, Ann!", parent=parent.pk)

    assert explanation(html).startswith("your reply to <bdi>Ann Smith</bdi> on <a href=")
    assert re.search(rf'name="parent" value="{parent.pk}"', html)
    assert "Thank you, Ann!" in html


def test_a_right_to_left_name_is_isolated(article, comment_data):
    parent = make_comment(article, author_name="דוד כהן")

    html = refused(article, comment_data, comment="Toda!", parent=parent.pk)

    assert "your reply to <bdi>דוד כהן</bdi> on" in explanation(html)


def test_a_refused_top_level_comment_is_called_a_comment(article, comment_data):
    html = refused(article, comment_data, comment="Another thought.")

    assert explanation(html).startswith("your comment on <a href=")
