"""One rule of what readers see: the thread, its count, the front page, feeds and permalinks
agree, and a public reply under a comment readers may not see keeps its place."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db

Status = Comment.Status
HIDDEN = [Status.REMOVED, Status.SPAM, Status.PENDING]


def feed_links(client, article) -> list[str]:
    feed = client.get(reverse("comments:feed", kwargs={"slug": article.slug}))
    root = ET.fromstring(feed.content)  # noqa: S314 (our own feed)
    return [item.findtext("link") for item in root.iter("item")]


@pytest.mark.parametrize("hidden", HIDDEN)
def test_page_count_front_page_feed_and_permalinks_agree_when_a_parent_is_hidden(
    client, article, hidden
):
    parent = make_comment(article, body="The parent's words", author_name="Parent Person")
    reply = make_comment(article, parent=parent, body="A public reply")
    make_comment(article, body="Another conversation")
    Comment.objects.filter(pk=parent.pk).update(status=hidden)

    page = client.get(article.get_absolute_url()).content.decode()
    front = client.get(reverse("articles:list")).content.decode()

    assert "A public reply" in page
    assert "The parent's words" not in page and "Parent Person" not in page
    assert "2 comments" in page
    assert "2 comments" in front
    links = feed_links(client, article)
    assert len(links) == 2
    for link in links:
        path = link.split("://", 1)[-1].split("/", 1)[-1]
        assert client.get("/" + path).status_code == 302, link
    assert client.get(reply.get_absolute_url()).status_code == 302
    assert client.get(parent.get_absolute_url()).status_code == 404


def test_a_placeholder_shows_no_name_text_avatar_or_actions(client, article):
    parent = make_comment(article, body="Secret words", author_url="https://parent.example")
    make_comment(article, parent=parent, body="Visible reply")
    Comment.objects.filter(pk=parent.pk).update(status=Status.SPAM)

    page = client.get(article.get_absolute_url()).content.decode()
    start = page.index(f'id="comment-{parent.pk}"')
    placeholder = page[start : page.index('id="comment-', start + 10)]

    assert "This comment was removed." in placeholder
    for absent in ("Secret words", parent.author_name, "parent.example", "<img", "Reply", "Report"):
        assert absent not in placeholder


def test_a_hidden_comment_without_public_replies_leaves_no_trace(client, article):
    make_comment(article, body="Removed alone", status=Status.REMOVED)

    page = client.get(article.get_absolute_url()).content.decode()

    assert "This comment was removed." not in page
    assert "No comments yet" in page


def test_paging_counts_a_placeholder_conversation_like_any_other(client, settings, article):
    settings.COMMENTS_PER_PAGE = 1
    first = make_comment(article, body="First conversation")
    make_comment(article, parent=first, body="Reply in the first")
    second = make_comment(article, body="Second conversation")
    Comment.objects.filter(pk=first.pk).update(status=Status.REMOVED)

    assert client.get(second.get_absolute_url())["Location"].endswith(
        f"?cpage=2#comment-{second.pk}"
    )
