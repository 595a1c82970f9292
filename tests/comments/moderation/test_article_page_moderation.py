"""Moderating on the article page: held comments in place, the registry's actions under each."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import Comment, ModerationLog, RemovalReason
from comments.moderation import actions
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status
CONTROLS = "comment-moderation"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("maya", "maya@example.com", "pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def staff_client(django_user_model):
    staff = django_user_model.objects.create_user("sam", "sam@example.com", "pw", is_staff=True)
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def thread():
    article = make_article()
    public = make_comment(article, author_name="Pia", body="Public words.")
    held = make_comment(
        article,
        author_name="Hank",
        body="Held words.",
        status=Status.PENDING,
        hold_reasons=[{"code": "links", "message": "2 links", "verdict": "hold"}],
    )
    spam = make_comment(article, author_name="Sid", body="Spam words.", status=Status.SPAM)
    return article, public, held, spam


def comment_html(page: str, comment) -> str:
    start = page.index(f'id="comment-{comment.pk}"')
    return page[start : page.index("</article>", start)]


def test_a_moderator_sees_held_comments_in_place_marked_with_their_reasons(mod_client, thread):
    article, _public, held, _spam = thread
    page = mod_client.get(article.get_absolute_url()).content.decode()

    assert "Held words." in page
    assert "Held</span>: 2 links" in comment_html(page, held)
    assert "Your comment is awaiting moderation" not in page
    assert "Spam words." not in page
    assert "1 comment<span" in page and "1 held" in page


def test_each_comment_offers_the_registrys_actions_posting_back_to_it(mod_client, thread):
    article, public, held, _spam = thread
    page = mod_client.get(article.get_absolute_url()).content.decode()

    for comment in (public, held):
        html = comment_html(page, comment)
        offered = re.findall(r'name="row_action" value="(\w+):(\d+)"', html)
        expected = [a.code for a in actions.for_comment(comment)]
        assert [code for code, _pk in offered] == expected
        assert {int(pk) for _code, pk in offered} == {comment.pk}
        assert 'action="/moderation/act/"' in html
        assert f'name="next" value="{article.get_absolute_url()}#comment-{comment.pk}"' in html
        assert 'name="csrfmiddlewaretoken"' in html
        for anchor in ("#edit-heading", "#reply-heading", "#ban-heading"):
            assert f"/moderation/comment/{comment.pk}/{anchor}" in html
    public_actions = re.findall(r'value="(\w+):\d+"', comment_html(page, public))
    assert "approve" not in public_actions and "approve" in comment_html(page, held)


def test_an_action_on_the_page_returns_to_the_comment_with_an_undo(mod_client, thread):
    article, _public, held, _spam = thread
    next_url = f"{article.get_absolute_url()}#comment-{held.pk}"

    response = mod_client.post(
        "/moderation/act/", {"row_action": f"approve:{held.pk}", "next": next_url}
    )

    assert response.status_code == 302
    assert response["Location"] == next_url
    held.refresh_from_db()
    assert held.status == Status.APPROVED
    page = mod_client.get(article.get_absolute_url()).content.decode()
    assert "1 comment approved." in page
    assert 'action="/moderation/undo/"' in page


def test_readers_shared_page_has_no_held_comments_and_no_controls(mod_client, thread):
    article, _public, _held, _spam = thread
    mod_client.get(article.get_absolute_url())  # a moderator's visit first: nothing is shared

    reader = Client()
    first = reader.get(article.get_absolute_url())
    again = Client().get(article.get_absolute_url())

    for response in (first, again):
        page = response.content.decode()
        assert "Public words." in page
        assert "Held words." not in page
        assert CONTROLS not in page
        assert "/moderation/" not in page
        assert "csrfmiddlewaretoken" not in page
    assert "Set-Cookie" not in first.headers or "sessionid" not in first.headers["Set-Cookie"]


def test_the_moderators_page_is_not_the_cached_one(mod_client, thread):
    article, _public, _held, _spam = thread
    Client().get(article.get_absolute_url())  # the shared page is now in the cache

    page = mod_client.get(article.get_absolute_url()).content.decode()

    assert "Held words." in page and CONTROLS in page
    assert "Held words." not in Client().get(article.get_absolute_url()).content.decode()


def test_staff_without_the_permission_see_a_readers_thread(staff_client, thread):
    article, _public, _held, _spam = thread
    page = staff_client.get(article.get_absolute_url()).content.decode()

    assert "Public words." in page
    assert "Held words." not in page
    assert CONTROLS not in page


def test_a_reader_sees_their_own_held_comment_but_no_controls(thread, client, comment_data):
    article = thread[0]
    response = client.post(f"/articles/{article.slug}/comments/", comment_data)
    page = client.get(article.get_absolute_url()).content.decode()

    assert response.status_code == 302
    assert comment_data["comment"] in page
    assert "Your comment is awaiting moderation." in page
    assert "Held words." not in page
    assert CONTROLS not in page


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(article, n):
    for _ in range(n):
        top = make_comment(article)
        make_comment(article, parent=top, status=Status.PENDING)
        make_comment(article, status=Status.PENDING, hold_reasons=[{"code": "x", "message": "y"}])


def test_a_moderators_article_page_runs_the_same_queries_at_any_thread_size(mod_client):
    article = make_article()
    _grow(article, 2)
    url = article.get_absolute_url()
    _queries_for(mod_client, url)
    small = _queries_for(mod_client, url)
    _grow(article, 15)
    large = _queries_for(mod_client, url)

    assert large == small


def test_permission_matrix_of_the_article_pages_controls(client, staff_client, mod_client, thread):
    article = thread[0]
    for who, expected in ((client, False), (staff_client, False), (mod_client, True)):
        response = who.get(article.get_absolute_url())
        assert response.status_code == 200
        assert (CONTROLS in response.content.decode()) is expected


def test_removing_on_the_page_offers_the_rule_and_a_note_to_the_commenter(mod_client, thread):
    article, public, _held, _spam = thread
    html = comment_html(mod_client.get(article.get_absolute_url()).content.decode(), public)
    # The same picker as the queue and the comment page, with ids of this comment's own.
    assert f'<label class="form-label small mb-0" for="page-{public.pk}-reason-note">' in html
    assert f'id="page-{public.pk}-reason-note" name="reason_note"' in html
    assert f'id="page-{public.pk}-reason" name="reason"' in html
    reason = RemovalReason.objects.active().first()

    mod_client.post(
        "/moderation/act/",
        {
            "row_action": f"remove:{public.pk}",
            "reason": reason.pk,
            "reason_note": "Please cite a source.",
            "next": article.get_absolute_url(),
        },
    )

    row = ModerationLog.objects.get(comment=public, action=ModerationLog.Action.REMOVE)
    assert (row.reason, row.note) == (reason, "Please cite a source.")
