"""The moderation queue is its rows: the same queries with 3 articles and comments as with
30, and no list of every article; the article filter is a row's link and a "clear" link."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db
Status = Comment.Status
QUEUE = "/moderation/"


@pytest.fixture
def mod_client(django_user_model):
    user = django_user_model.objects.create_user("maya", "maya@example.com", "pw")
    user.groups.add(Group.objects.get(name="Moderators"))
    client = Client()
    client.force_login(user)
    return client


def held_on_new_articles(count):
    return [make_comment(make_article(), status=Status.PENDING) for _ in range(count)]


def queries(client, params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(QUEUE, params)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("params", [{}, {"status": "approved"}, {"author": "x@example.com"}])
def test_queue_runs_as_many_queries_with_30_comments_on_30_articles_as_with_3(mod_client, params):
    held_on_new_articles(3)
    few, _ = queries(mod_client, params)
    held_on_new_articles(27)

    assert queries(mod_client, params)[0] == few


def test_queue_filtered_to_an_article_runs_as_many_queries_at_any_size(mod_client):
    article = make_article()
    make_comment(article, status=Status.PENDING)
    held_on_new_articles(3)
    few, _ = queries(mod_client, {"article": article.pk})
    held_on_new_articles(27)
    for _ in range(27):
        make_comment(article, status=Status.PENDING)

    assert queries(mod_client, {"article": article.pk})[0] == few


def test_queue_lists_no_article_but_its_rows(mod_client):
    shown = make_comment(make_article(title="Held story"), status=Status.PENDING)
    make_comment(make_article(title="Approved-only story"))

    _, html = queries(mod_client, {})

    assert "Held story" in html
    assert "Approved-only story" not in html
    assert "<option" not in html.split('id="filter-order"')[0]
    assert f'href="/moderation/?status=pending&amp;article={shown.article_id}"' in html


def test_a_rows_article_link_narrows_the_queue_and_clear_widens_it(mod_client):
    chosen = make_article(title="Chosen story")
    other = make_article(title="Other story")
    make_comment(chosen, status=Status.PENDING, body="On the chosen one")
    make_comment(other, status=Status.PENDING, body="On the other one")

    _, html = queries(mod_client, {"status": "pending", "article": chosen.pk, "order": "oldest"})

    assert "On the chosen one" in html
    assert "On the other one" not in html
    assert 'class="queue-chosen-article">Chosen story<' in html
    assert f'name="article" value="{chosen.pk}"' in html  # kept when filtering by author
    assert 'href="?status=pending&amp;order=oldest">clear' in html
    _, cleared = queries(mod_client, {"status": "pending", "order": "oldest"})
    assert "On the other one" in cleared
    assert "queue-chosen-article" not in cleared


def test_queue_filtered_to_a_missing_article_says_so(mod_client):
    _, html = queries(mod_client, {"article": 999999})

    assert "An article that no longer exists" in html
