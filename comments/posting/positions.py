"""Where a comment is in its thread: the page a reader finds it on, counted in the database.

``page_of`` answers the redirect after every post and every permalink, so it reads no page of
the thread (``threads.ThreadPaginator`` does that, for the page itself). It counts the top-level
comments shown before the comment's conversation in ``sort``'s order
(``sorting.roots_before_q``, the filter form of ``sorting.roots_order_by``, which places a
placeholder like any other conversation): the visible ones in one ``COUNT``, and those the
reader sees only as a placeholder (hidden, with a visible reply below), found by
``threads.placeholder_roots``.

Queries: at most four, whatever the thread: the top of the comment's conversation
(``Comment.root``; none for a top-level comment), whether the reader may see the comment, the
count of conversations before it and that of placeholders before it.
"""

from django.db.models import Q

from ..models import Comment
from .sorting import roots_before_q
from .threads import placeholder_roots


def page_of(comment: Comment, request, *, per_page: int, sort: str) -> int | None:
    """The page of its article's thread, in ``sort``'s order (``sorting.SORTS``), on which
    ``request``'s reader sees ``comment``: a number from 1, or None if that reader may not see
    it. ``per_page`` is top-level conversations a page (0: the thread is one page)."""
    thread = Comment.objects.filter(article_id=comment.article_id)
    visible = Comment.objects.visible_q(request)
    if not thread.filter(visible, pk=comment.pk).exists():
        return None
    if not per_page:
        return 1
    pk, created_at, helpful, answered_at = _root(comment)
    earlier = Q(parent=None) & roots_before_q(
        sort, pk=pk, created_at=created_at, helpful=helpful, answered=answered_at is not None
    )
    # Top-level comments only: both counts read the top-level index alone.
    before = thread.filter(visible).filter(earlier).count()
    return (before + placeholder_roots(thread, visible, earlier).count()) // per_page + 1


def _root(comment: Comment) -> tuple:
    """``(pk, created_at, helpful_count, answered_at)`` of the top-level comment above it."""
    if comment.root_id is None:
        return comment.pk, comment.created_at, comment.helpful_count, comment.answered_at
    return Comment.objects.values_list("pk", "created_at", "helpful_count", "answered_at").get(
        pk=comment.root_id
    )
