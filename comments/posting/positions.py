"""Where a comment is in its thread: the page a reader finds it on, counted in the database.

``page_of`` answers the redirect after every post and every permalink, so it reads no page of
the thread (``threads.ThreadPaginator`` does that, for the page itself). It counts the top-level
comments shown before the comment's conversation in ``sort``'s order
(``sorting.roots_before_q``, the filter form of ``sorting.roots_order_by``, which places a
placeholder like any other conversation): the visible ones, and those the reader sees only as
a placeholder (hidden, with a visible reply below, ``threads.placeholder_roots``).

The visible ones before a conversation near the end of the order (a new post, in the default
posted order) of a thread with more than ``COUNT_LIMIT`` are the thread's visible top-level
comments, which the database keeps counted (``ThreadCount``), less the few after it; the kept
counts are read again after, so that a change committed in between (another reader's post)
sends it back to counting those before. Counting the 140,000 before the newest comment of a
200,000-comment thread read the whole top-level index on every post.

Queries: four to seven, whatever the thread: the top of the comment's conversation
(``Comment.root``, or the comment itself) read together with whether the reader may see it
and the comment; the kept counts; the reader's own held top-level comments (when their browser
has posted some); in a large thread, the visible conversations after it (at most
``COUNT_LIMIT`` + 1) and the kept counts again; the visible ones before it (unless those after
told); and the placeholders before it (none to count when no top-level comment is hidden).
"""

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from ..models import Comment, ThreadCount
from .sorting import roots_before_q
from .threads import placeholder_roots

if TYPE_CHECKING:
    from ..models.thread_counts import Tally

# Up to this many conversations before or after a comment are counted from the comments
# themselves (``page_of``): a short range of the top-level index. Past it, the ones before a
# comment near the end of the thread are the kept total less those after it.
COUNT_LIMIT = 1000


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
    tally = ThreadCount.of(comment.article_id)
    shown, hidden = _visible_top_level(thread, tally, request)
    before = None
    if shown > COUNT_LIMIT:
        after = thread.filter(visible).filter(later)[: COUNT_LIMIT + 1].count()
        # The total and those after it must describe one moment: a post, a removal or an
        # approval committed between the two reads changes the kept counts (read again).
        if after <= COUNT_LIMIT and ThreadCount.of(comment.article_id) == tally:
            before = shown - after - top["top_seen"]
    if before is None:
        before = thread.filter(visible).filter(earlier).count()
    placeholders = placeholder_roots(thread, visible, earlier).count() if hidden else 0
    return (before + placeholders) // per_page + 1


def _visible_top_level(thread, tally: "Tally", request) -> tuple[int, bool]:
    """(How many top-level comments of ``thread`` the reader sees, whether any is hidden from
    them): from the kept counts (``tally``), plus the reader's own held ones (one query when
    their browser has posted some)."""
    statuses, own_held = Comment.objects.visibility(request)
    shown = tally.comments(statuses, top_level=True)
    if own_held and Comment.Status.PENDING not in statuses:
        own = thread.filter(pk__in=own_held, parent=None)  # by primary key: a few rows
        shown += own.filter(Comment.objects.visible_q(request)).exclude(status__in=statuses).count()
    return shown, shown < tally.comments(Comment.Status.values, top_level=True)
