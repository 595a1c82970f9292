"""A "Helpful" vote on a comment removed since the page was loaded: static/js/helpful.js asks
for JSON and must get JSON back (the message, the button left as it was), not an HTML 404 it
cannot read, which makes it send the form the plain way and leave the article page (and
whatever the reader was typing in the comment box)."""

import pytest
from django.test import Client

from comments.models import Comment, HelpfulVote
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [Comment.Status.REMOVED, Comment.Status.PENDING])
def test_the_script_gets_a_json_answer_for_a_comment_no_longer_public(article, status):
    comment = make_comment(article, status=status)

    response = Client().post(f"/comments/{comment.pk}/helpful/", HTTP_ACCEPT="application/json")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "count": 0,
        "voted": False,
        "message": "This comment can no longer be voted on.",
    }
    assert not HelpfulVote.objects.exists()
    assert "comment_voter" not in response.cookies


def test_without_javascript_it_is_the_site_s_not_found_page(article):
    comment = make_comment(article, status=Comment.Status.REMOVED)

    response = Client().post(f"/comments/{comment.pk}/helpful/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_unknown_comment_is_a_json_404_too(article):
    response = Client().post("/comments/987654/helpful/", HTTP_ACCEPT="application/json")

    assert response.status_code == 404
    assert response.json()["voted"] is False
