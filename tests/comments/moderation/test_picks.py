"""Editors' picks: moderators mark the answers worth reading first; readers find them above
the thread, linked to their place, and marked in it."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from comments.models import Comment, ModerationLog
from comments.moderation import actions, picks
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("maya", "maya@example.com", "pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def strip(html: str) -> str:
    found = re.search(r'<aside class="editors-picks".*?</aside>', html, re.S)
    return found.group() if found else ""


def test_a_pick_appears_in_the_strip_and_is_marked_in_the_thread(client, article, moderator):
    nurse = make_comment(article, author_name="Nurse Joy", body="Take it with food.")
    make_comment(article, author_name="Other reader")

    assert picks.comments_pick(comments=[nurse.pk], moderator=moderator) == 1
    html = client.get(article.get_absolute_url()).content.decode()

    assert "Editors' picks" in html
    assert "Nurse Joy" in strip(html) and "Take it with food." in strip(html)
    assert f'href="/comments/{nurse.pk}/?sort=oldest"' in strip(html)
    assert "Other reader" not in strip(html)
    item = re.search(rf'<li id="comment-{nurse.pk}".*?</article>', html, re.S).group()
    assert "Editors&#x27; pick" in item or "Editors' pick" in item


def test_the_strip_link_leads_to_the_pick_in_the_thread(client, settings, article, moderator):
    settings.COMMENTS_PER_PAGE = 1
    make_comment(article)
    pick = make_comment(article, body="The clinician's answer")
    picks.comments_pick(comments=[pick.pk], moderator=moderator)

    response = client.get(f"/comments/{pick.pk}/?sort=oldest")

    assert response["Location"] == f"{article.get_absolute_url()}?cpage=2#comment-{pick.pk}"


def test_the_strip_shows_the_newest_picks_first(client, article, moderator):
    first, second = make_comment(article, body="Picked first"), make_comment(article)
    picks.comments_pick(comments=[first.pk], moderator=moderator)
    picks.comments_pick(comments=[second.pk], moderator=moderator)

    html = strip(client.get(article.get_absolute_url()).content.decode())

    assert html.index(f"/comments/{second.pk}/") < html.index(f"/comments/{first.pk}/")


def test_no_strip_without_picks_and_none_for_a_pick_no_longer_public(client, article, moderator):
    comment = make_comment(article)
    assert not strip(client.get(article.get_absolute_url()).content.decode())
    picks.comments_pick(comments=[comment.pk], moderator=moderator)
    Comment.objects.filter(pk=comment.pk).update(status=Status.REMOVED)
    Article.objects.thread_changed([article.pk])

    assert not strip(client.get(article.get_absolute_url()).content.decode())


def test_picking_refreshes_the_shared_page_and_is_logged(article, moderator):
    comment = make_comment(article)
    Client().get(article.get_absolute_url())
    version = Article.objects.get(pk=article.pk).thread_version

    picks.comments_pick(comments=[comment.pk], moderator=moderator)
    picks.comments_unpick(comments=[comment.pk], moderator=moderator)

    assert Article.objects.get(pk=article.pk).thread_version == version + 2
    actions_logged = list(comment.log.values_list("action", "moderator__username"))
    assert sorted(actions_logged) == [("pick", "maya"), ("unpick", "maya")]
    comment.refresh_from_db()
    assert comment.picked_at is None


def test_only_approved_comments_can_be_picked(article, moderator):
    held = make_comment(article, status=Status.PENDING)
    spam = make_comment(article, status=Status.SPAM)

    assert picks.comments_pick(comments=[held.pk, spam.pk], moderator=moderator) == 0
    assert not ModerationLog.objects.filter(action="pick").exists()


def test_the_queue_offers_pick_for_approved_comments_and_unpick_for_picks(article):
    approved, held = make_comment(article), make_comment(article, status=Status.PENDING)

    assert "pick" in [a.code for a in actions.for_comment(approved)]
    assert "pick" not in [a.code for a in actions.for_comment(held)]
    picks.comments_pick(comments=[approved.pk], moderator=None)
    approved.refresh_from_db()
    offered = [a.code for a in actions.for_comment(approved)]
    assert "unpick" in offered and "pick" not in offered


def test_a_moderator_picks_from_the_queue(mod_client, article):
    comment = make_comment(article, author_name="Dr Lee")

    queue = mod_client.get("/moderation/?status=approved").content.decode()
    assert f'value="pick:{comment.pk}"' in queue
    response = mod_client.post("/moderation/act/", {"row_action": f"pick:{comment.pk}"})

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.picked_at is not None
    assert "Dr Lee" in strip(Client().get(article.get_absolute_url()).content.decode())


def test_a_reader_cannot_pick(client, article):
    comment = make_comment(article)

    response = client.post("/moderation/act/", {"row_action": f"pick:{comment.pk}"})

    assert response.status_code in (302, 403)
    comment.refresh_from_db()
    assert comment.picked_at is None


def test_article_page_queries_stay_constant_with_picks_and_thread_size(client, moderator):
    small, large = make_article(), make_article()
    for article, size in ((small, 3), (large, 40)):
        comments = [make_comment(article) for _ in range(size)]
        picks.comments_pick(comments=[c.pk for c in comments], moderator=moderator)

    def page_queries(article):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            html = client.get(article.get_absolute_url()).content.decode()
        assert "Editors' picks" in html
        return len(captured)

    page_queries(small)  # the first request of a process loads the site's settings
    assert page_queries(small) == page_queries(large)
