"""Where a comment is in its thread: the page a reader finds it on, counted in the database.

``page_of`` answers the redirect after every post and every permalink, so it reads no page of
the thread (``threads.ThreadPaginator`` does that, for the page itself). It counts the top-level
comments shown before the comment's conversation in ``sort``'s order
(``sorting.roots_before_q``, the filter form of ``sorting.roots_order_by``, which places a
placeholder like any other conversation): the visible ones, and those the reader sees only as
a placeholder (hidden, with a visible reply below, ``threads.placeholder_roots``).

The visible ones before a conversation near the end of the order (a new post, in the default
posted order) are the thread's visible top-level comments, which the database keeps counted
(``ThreadCount``), less the few after it: counting those after it stops at ``AFTER_CAP``, and
past it the ones before are counted instead. Counting the 140,000 before the newest comment of
a 200,000-comment thread read the whole top-level index on every post.

Queries: four to six, whatever the thread: the top of the comment's conversation
(``Comment.root``, or the comment itself) read together with whether the reader may see it
and the comment; the visible conversations after it (at most ``AFTER_CAP`` + 1), then the kept
counts and the reader's own held top-level comments, or the visible ones before it; and the
placeholders before it (none to count when no top-level comment is hidden).
"""

from django.db.models import Exists, OuterRef, Q

from ..models import Comment, ThreadCount
from .sorting import roots_before_q
from .threads import placeholder_roots

# How many visible conversations after a comment's are counted before giving up on counting
# from the end (``page_of``): a few index entries when it is near the end, at most this many
# wasted when it is not.
AFTER_CAP = 1000


def page_of(comment: Comment, request, *, per_page: int, sort: str) -> int | None:
    """The page of its article's thread, in ``sort``'s order (``sorting.SORTS``), on which
    ``request``'s reader sees ``comment``: a number from 1, or None if that reader may not see
    it. ``per_page`` is top-level conversations a page (0: the thread is one page)."""
    thread = Comment.objects.filter(article_id=comment.article_id)
    visible = Comment.objects.visible_q(request)
    top = (
        Comment.objects.filter(pk=comment.root_id or comment.pk)
        .values("pk", "created_at", "helpful_count", "answered_at")
        .annotate(
            seen=Exists(thread.filter(visible, pk=comment.pk)),
            top_seen=Exists(thread.filter(visible, pk=OuterRef("pk"))),
        )
        .first()
    )
    if top is None or not top["seen"]:
        return None
    if not per_page:
        return 1
    earlier = roots_before_q(
        sort,
        pk=top["pk"],
        created_at=top["created_at"],
        helpful=top["helpful_count"],
        answered=top["answered_at"] is not None,
    )
    # Top-level comments only, each count on the top-level index, the placeholders' with a
    # conversation-index probe for each hidden one alone. One pass with both counts as
    # FILTERs was slower on PostgreSQL (85 against 54 ms at 200,000 comments): every row
    # then tests both conditions.
    later = Q(parent=None) & ~earlier & ~Q(pk=top["pk"])
    earlier = Q(parent=None) & earlier
    after = thread.filter(visible).filter(later)[: AFTER_CAP + 1].count()
    if after > AFTER_CAP:
        before = thread.filter(visible).filter(earlier).count()
        hidden = True  # not known without the kept counts: look for placeholders
    else:
        shown, hidden = _visible_top_level(thread, comment.article_id, request)
        before = shown - after - top["top_seen"]
    placeholders = placeholder_roots(thread, visible, earlier).count() if hidden else 0
    return (before + placeholders) // per_page + 1


def _visible_top_level(thread, article_id: int, request) -> tuple[int, bool]:
    """(How many top-level comments of ``thread`` the reader sees, whether any is hidden from
    them): the kept counts (``ThreadCount``), plus the reader's own held ones (one query more
    when their browser has posted some)."""
    statuses, own_held = Comment.objects.visibility(request)
    tally = ThreadCount.of(article_id)
    shown = tally.comments(statuses, top_level=True)
    if own_held and Comment.Status.PENDING not in statuses:
        own = thread.filter(pk__in=own_held, parent=None)  # by primary key: a few rows
        shown += own.filter(Comment.objects.visible_q(request)).exclude(status__in=statuses).count()
    return shown, shown < tally.comments(Comment.Status.values, top_level=True)
