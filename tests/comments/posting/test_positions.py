"""The page a comment is found on (the redirect after posting, the permalink) is the page the
thread shows it on, in every order, whatever the thread holds: held, spam and removed
comments, placeholders above visible replies, the reader's own held comments, votes, answered
questions and comments posted in the same second. And finding it costs the same few queries
in a thread of any size."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from comments.models import Comment, ThreadCount, remember_own_comment
from comments.posting import positions
from comments.posting.positions import page_of
from comments.posting.sorting import SORTS
from comments.posting.threads import ThreadPaginator
from tests.conftest import make_article, make_comment

pytestmark = pytest.mark.django_db

Status = Comment.Status
T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)

node = st.fixed_dictionaries(
    {
        # None: a new conversation; k: a reply to the comment k places back (replies often
        # land under a hidden comment, making placeholders).
        "parent": st.one_of(st.none(), st.integers(min_value=0, max_value=4)),
        "status": st.sampled_from([Status.APPROVED] * 2 + [Status.PENDING, Status.SPAM, "removed"]),
        "second": st.integers(min_value=0, max_value=3),  # equal times happen
        "helpful": st.integers(min_value=0, max_value=2),
        "answered": st.booleans(),
        "own": st.booleans(),
    }
)


def reader(own_ids) -> object:
    """A request from the browser that posted ``own_ids``: its own-comments cookie names them."""
    posted, answer = RequestFactory().get("/"), HttpResponse()
    for pk in own_ids:
        remember_own_comment(posted, answer, pk, until=timezone.now() + timedelta(days=1))
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    if own_ids:
        request.COOKIES[settings.COMMENTS_OWN_COOKIE] = answer.cookies[
            settings.COMMENTS_OWN_COOKIE
        ].value
    return request


def build(article, nodes) -> tuple[list[Comment], object]:
    made, own = [], []
    for n, spec in enumerate(nodes):
        answered = made[-1 - spec["parent"] % n] if spec["parent"] is not None and n else None
        parent = answered.reply_parent() if answered else None  # as posting places a reply
        comment = make_comment(
            article,
            parent=parent,
            in_reply_to=answered,
            depth=parent.depth + 1 if parent else 0,
            status=spec["status"],
            created_at=T0 + timedelta(seconds=spec["second"] * (n // 3)),
            helpful_count=spec["helpful"],
            answered_at=T0 if spec["answered"] else None,
        )
        made.append(comment)
        if spec["own"] and spec["status"] == Status.PENDING:
            own.append(comment.pk)
    return made, reader(own)


def pages_shown(article, request, *, per_page, sort) -> dict[int, int]:
    """Every comment the reader sees (placeholders not counted) -> the page showing it."""
    paginator = ThreadPaginator(article, request, per_page=per_page, sort=sort)
    shown = {}
    for number in range(1, paginator.num_pages + 1):
        for entry in paginator.page(number).thread.entries:
            if not entry.placeholder:
                shown[entry.comment.pk] = number
    return shown


def test_page_of_is_the_page_the_thread_shows_it_on(article, monkeypatch, django_user_model):
    moderator = django_user_model.objects.create_user("mod", is_superuser=True)

    @hypothesis_settings(
        max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        nodes=st.lists(node, min_size=1, max_size=16),
        per_page=st.integers(0, 3),
        # Counted from the end of the thread past this many, else from its start.
        count_limit=st.sampled_from([0, 1, 3, positions.COUNT_LIMIT]),
        as_moderator=st.booleans(),
    )
    def check(nodes, per_page, count_limit, as_moderator):
        monkeypatch.setattr(positions, "COUNT_LIMIT", count_limit)
        Comment.objects.filter(article=article).delete()
        made, request = build(article, nodes)
        if as_moderator:
            request.user = moderator
        for sort in SORTS:
            shown = pages_shown(article, request, per_page=per_page, sort=sort)
            for comment in made:
                found = page_of(comment, request, per_page=per_page, sort=sort)
                assert found == shown.get(comment.pk), (sort, comment.pk)
                # Each is as it was saved: placed the same from its own fields.
                found = page_of(comment, request, per_page=per_page, sort=sort, just_posted=True)
                assert found == shown.get(comment.pk), (sort, comment.pk)

    check()


def test_a_reply_under_a_removed_conversation_is_found_on_its_placeholders_page(article):
    first = make_comment(article, created_at=T0)
    gone = make_comment(article, created_at=T0 + timedelta(minutes=1), status="removed")
    reply = make_comment(
        article, parent=gone, in_reply_to=gone, depth=1, created_at=T0 + timedelta(minutes=2)
    )
    last = make_comment(article, created_at=T0 + timedelta(minutes=3))
    request = reader([])

    assert page_of(reply, request, per_page=1, sort="oldest") == 2
    assert page_of(last, request, per_page=1, sort="oldest") == 3
    assert page_of(last, request, per_page=1, sort="newest") == 1
    assert page_of(first, request, per_page=1, sort="newest") == 3
    assert page_of(gone, request, per_page=1, sort="oldest") is None


def test_a_conversation_shown_for_a_reply_three_levels_down_counts_before_later_ones(article):
    gone = make_comment(article, created_at=T0, status="removed")
    hidden = [gone]
    for level in range(1, 3):
        hidden.append(
            make_comment(
                article,
                parent=hidden[-1],
                in_reply_to=hidden[-1],
                depth=level,
                created_at=T0 + timedelta(minutes=level),
                status="spam",
            )
        )
    deep = make_comment(article, parent=hidden[-1], in_reply_to=hidden[-1], depth=3, created_at=T0)
    later = make_comment(article, created_at=T0 + timedelta(minutes=5))
    request = reader([])

    assert pages_shown(article, request, per_page=1, sort="oldest") == {deep.pk: 1, later.pk: 2}
    assert page_of(deep, request, per_page=1, sort="oldest") == 1
    assert page_of(later, request, per_page=1, sort="oldest") == 2


def test_a_comment_in_hand_is_seen_exactly_by_the_readers_the_threads_filter_shows_it_to(
    article, django_user_model
):
    moderator = django_user_model.objects.create_user("mod", is_superuser=True)
    comments = {status: make_comment(article, status=status) for status in Status.values}

    @hypothesis_settings(max_examples=60, deadline=None)
    @given(
        own=st.sets(st.sampled_from(Status.values)),
        as_moderator=st.booleans(),
    )
    def check(own, as_moderator):
        request = reader([comments[status].pk for status in own])
        if as_moderator:
            request.user = moderator
        shown = set(
            Comment.objects.filter(article=article)
            .filter(Comment.objects.visible_q(request))
            .values_list("pk", flat=True)
        )
        for comment in comments.values():
            assert Comment.objects.is_visible(comment, request) == (comment.pk in shown)

    check()


def queries_to_find(article, comment, **just_posted) -> int:
    with CaptureQueriesContext(connection) as queries:
        page_of(comment, reader([]), per_page=2, sort="oldest", **just_posted)
    return len(queries)


def test_finding_a_comment_costs_the_same_queries_in_a_small_and_a_large_thread(
    article, monkeypatch
):
    monkeypatch.setattr(positions, "COUNT_LIMIT", 20)  # past it, counted from the end

    def grow(count):
        for _ in range(count):
            top = make_comment(article)
            reply = make_comment(article, parent=top, in_reply_to=top, depth=1)
            removed = make_comment(article, status="removed")
            make_comment(article, parent=removed, in_reply_to=removed, depth=1)
        return reply

    small = queries_to_find(article, grow(2))
    large = queries_to_find(article, grow(60))
    larger = queries_to_find(article, grow(120))

    assert small == 3
    assert large == larger <= 7


def test_a_comment_just_posted_is_placed_without_reading_it_again(article):
    make_comment(article)
    newest = make_comment(article)

    assert queries_to_find(article, newest, just_posted=True) == 2  # those before it, twice
    assert queries_to_find(article, newest) == 3


def test_a_comment_voted_up_is_found_where_its_new_count_puts_it(article, settings):
    settings.COMMENTS_PER_PAGE = 1
    make_comment(article, helpful_count=1)
    later = make_comment(article)
    request = reader([])
    Comment.objects.filter(pk=later.pk).update(helpful_count=2)  # as a vote counts

    assert page_of(later, request, per_page=1, sort="helpful") == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner, its step counter")
def test_placing_a_post_reads_its_own_thread_not_every_conversation_on_the_site(article):
    """SQLite's planner once read an index of every top-level comment of the site for
    "parent IS NULL" (its statistics count NULL as one key of a few rows)."""
    make_comment(article)
    newest = make_comment(article)
    elsewhere = make_article()

    def steps_to_place_after_adding(others: int) -> int:
        """``others`` conversations on another article, each a comment and a reply."""
        fields = {"article": elsewhere, "author_name": "R", "author_email": "r@x.org"}
        tops = Comment.objects.bulk_create(Comment(**fields) for _ in range(others))
        Comment.objects.bulk_create(
            Comment(**fields, parent=top, in_reply_to=top, root=top, depth=1) for top in tops
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as a site's statistics are
        steps = [0]

        def count_steps():
            steps[0] += 1
            return 0  # go on

        connection.connection.set_progress_handler(count_steps, 50)
        try:
            page_of(newest, reader([]), per_page=2, sort="oldest", just_posted=True)
        finally:
            connection.connection.set_progress_handler(None, 50)
        return steps[0]

    few = steps_to_place_after_adding(20)
    many = steps_to_place_after_adding(3000)

    assert many <= few + 5


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="another connection commits while it counts"
)
@pytest.mark.django_db(transaction=True)
def test_a_post_committed_while_it_counts_does_not_move_the_comment_to_another_page(
    monkeypatch,
):
    article = make_article()
    for minute in range(3):
        make_comment(article, created_at=T0 + timedelta(minutes=minute))
    mine = make_comment(article, created_at=T0 + timedelta(minutes=3))  # 4th of 4: page 4
    request = reader([])
    monkeypatch.setattr(positions, "COUNT_LIMIT", 1)  # counted from the end
    tally_of = ThreadCount.of

    def another_reader_posts_after_the_first_read(article_id):
        tally = tally_of(article_id)
        if not posted.is_set():
            posted.set()
            other = threading.Thread(target=post_and_close)
            other.start()
            other.join()
        return tally

    def post_and_close():  # on its own connection, committed at once
        make_comment(article, created_at=T0 + timedelta(minutes=4))
        connections.close_all()

    posted = threading.Event()
    monkeypatch.setattr(ThreadCount, "of", staticmethod(another_reader_posts_after_the_first_read))
    found = page_of(mine, request, per_page=1, sort="oldest")
    monkeypatch.setattr(ThreadCount, "of", staticmethod(tally_of))

    assert posted.is_set()
    assert found == pages_shown(article, request, per_page=1, sort="oldest")[mine.pk] == 4
