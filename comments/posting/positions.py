"""Where a comment is in its thread: the page a reader finds it on, counted in the database.

``page_of`` answers the redirect after every post and every permalink, so it reads no page of
the thread (``threads.ThreadPaginator`` does that, for the page itself). It counts the top-level
comments shown before the comment's conversation in ``sort``'s order
(``sorting.roots_before_q``, the filter form of ``sorting.roots_order_by``, which places a
placeholder like any other conversation): the visible ones, and those the reader sees only as
a placeholder (hidden, with a visible reply below, ``threads.placeholder_roots``).

The visible ones before a conversation are counted up to ``COUNT_LIMIT``. Past it (a new
post at the end of a long thread, in the default posted order), they are the thread's visible
top-level comments, which the database keeps counted (``ThreadCount``), less the few after it;
the kept counts are read again after, so that a change committed in between (another reader's
post) sends it back to counting those before. Counting the 140,000 before the newest comment
of a 200,000-comment thread read the whole top-level index on every post.

Queries: three in a thread of up to ``COUNT_LIMIT`` conversations before the comment's: for
a comment, the top of its conversation (``Comment.root``, or itself) read together with
whether the reader may see the comment (none for a top-level comment just posted: two
queries); the visible
conversations before it; and the placeholders before it (on the index of the hidden top-level
comments). Past that, up to five more:
whether the reader sees the top (for a reply), the kept counts, the reader's own held
top-level comments (when their browser has posted some), the visible conversations after it
(at most ``COUNT_LIMIT`` + 1) and the kept counts again (or, when those after are many, a full
count of those before).
"""

from typing import TYPE_CHECKING

from django.db.models import Exists, Q

from ..models import Comment, ThreadCount
from .sorting import roots_before_q
from .threads import placeholder_roots

if TYPE_CHECKING:
    from ..models.thread_counts import Tally

# Up to this many conversations before or after a comment are counted from the comments
# themselves (``page_of``): a short range of the top-level index. Past it, the ones before a
# comment near the end of the thread are the kept total less those after it.
COUNT_LIMIT = 1000
# What places a conversation in every order (``sorting.roots_before_q``).
TOP_FIELDS = ("pk", "created_at", "helpful_count", "answered_at")


def page_of(
    comment: Comment, request, *, per_page: int, sort: str, just_posted: bool = False
) -> int | None:
    """The page of its article's thread, in ``sort``'s order (``sorting.SORTS``), on which
    ``request``'s reader sees ``comment``: a number from 1, or None if that reader may not see
    it. ``per_page`` is top-level conversations a page (0: the thread is one page).

    A comment is placed by its conversation's top, read together with whether the reader sees
    the comment; ``just_posted`` says ``comment`` is the one this request has just saved, so
    a top-level one is placed by its own fields, without reading it again (any other in hand
    may be stale: a vote, a report's hiding)."""
    thread = Comment.objects.filter(article_id=comment.article_id)
    visible = Comment.objects.visible_q(request)
    if just_posted and comment.root_id is None:  # its own conversation's top, as saved
        if not Comment.objects.is_visible(comment, request):
            return None
        top = {field: getattr(comment, field) for field in TOP_FIELDS}
    else:
        top = (
            Comment.objects.filter(pk=comment.root_id or comment.pk)
            .values(*TOP_FIELDS)
            .annotate(seen=Exists(thread.filter(visible, pk=comment.pk)))
            .first()
        )
        if top is None or not top["seen"]:
            return None
    if not per_page:
        return 1
    ahead = roots_before_q(
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
    earlier = Q(parent=None) & ahead
    before = thread.filter(visible).filter(earlier)[: COUNT_LIMIT + 1].count()
    if before > COUNT_LIMIT:
        before = _before_from_the_end(comment, top["pk"], ahead, request)
    return (before + placeholder_roots(thread, visible, earlier).count()) // per_page + 1


def _before_from_the_end(comment: Comment, top_pk: int, ahead: Q, request) -> int:
    """How many visible conversations come before the one ``top_pk`` starts (those
    ``ahead`` of it), more than ``COUNT_LIMIT``: the kept total less those after it when they
    are few, else counted."""
    thread = Comment.objects.filter(article_id=comment.article_id)
    visible = Comment.objects.visible_q(request)
    # The conversation's top is visible unless the comment is a reply under a placeholder.
    top_seen = top_pk == comment.pk or thread.filter(visible, pk=top_pk).exists()
    tally = ThreadCount.of(comment.article_id)
    shown = _visible_top_level(thread, tally, request)
    later = Q(parent=None) & ~ahead & ~Q(pk=top_pk)
    after = thread.filter(visible).filter(later)[: COUNT_LIMIT + 1].count()
    # The total and those after it must describe one moment: a post, a removal or an
    # approval committed between the two reads changes the kept counts (read again).
    if after <= COUNT_LIMIT and ThreadCount.of(comment.article_id) == tally:
        return shown - after - top_seen
    return thread.filter(visible).filter(Q(parent=None) & ahead).count()


def _visible_top_level(thread, tally: "Tally", request) -> int:
    """How many top-level comments of ``thread`` the reader sees: from the kept counts
    (``tally``), plus the reader's own held ones (one query when their browser has posted
    some)."""
    statuses, own_held = Comment.objects.visibility(request)
    shown = tally.comments(statuses, top_level=True)
    if own_held and Comment.Status.PENDING not in statuses:
        own = thread.filter(pk__in=own_held, parent=None)  # by primary key: a few rows
        shown += own.filter(Comment.objects.visible_q(request)).exclude(status__in=statuses).count()
    return shown
