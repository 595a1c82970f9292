"""The thread's pages, counted and cut in the database, are the pages a reader should see:
for any thread (held, spam and removed comments, placeholders above visible replies at any
depth, the reader's own held comments, a moderator, votes, answered questions, comments posted
in the same second), in every order and page size, each page holds the same conversations in
the same order, with the same nesting and placeholders, as a plain reading of the whole thread
(``thread_model``), and the heading's counts agree."""

import pytest
from django.contrib.auth.models import Permission
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment
from comments.posting.sorting import SORTS
from comments.posting.threads import ThreadPaginator
from tests.comments.posting.test_positions import build, node
from tests.comments.posting.thread_model import model_pages

pytestmark = pytest.mark.django_db


def paginated(article, request, *, per_page: int, sort: str) -> dict:
    paginator = ThreadPaginator(article, request, per_page=per_page, sort=sort)
    pages = [paginator.page(n) for n in range(1, paginator.num_pages + 1)]
    return {
        "pages": [
            [(e.comment.pk, e.depth, e.placeholder) for e in page.thread.entries] for page in pages
        ],
        "public": pages[0].total,
        "held": pages[0].own_held,
    }


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user("mod", password="x")
    user.user_permissions.add(Permission.objects.get(codename="can_moderate"))
    return django_user_model.objects.get(pk=user.pk)


def test_every_page_is_the_page_a_reader_should_see(article, moderator):
    @hypothesis_settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        nodes=st.lists(node, min_size=0, max_size=16),
        per_page=st.integers(0, 3),
        as_moderator=st.booleans(),
    )
    def check(nodes, per_page, as_moderator):
        Comment.objects.filter(article=article).delete()
        _, request = build(article, nodes)
        if as_moderator:
            request.user = moderator
        for sort in SORTS:
            expected = model_pages(article, request, per_page=per_page, sort=sort)
            assert paginated(article, request, per_page=per_page, sort=sort) == expected, sort

    check()
