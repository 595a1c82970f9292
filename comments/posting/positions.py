"""Where a comment is in its thread: the page a reader finds it on, counted in the database.

``page_of`` answers the redirect after every post and every permalink, so it reads no page of
the thread (``threads.ThreadPaginator`` does that, for the page itself). It counts the top-level
comments shown before the comment's conversation in ``sort``'s order
(``sorting.roots_before_q``, the filter form of ``sorting.roots_order_by``, which places a
placeholder like any other conversation): the visible ones, and those the reader sees only as
a placeholder (hidden, with a visible reply below, ``threads.shows_a_reply``).

Queries: two, whatever the thread: the top of the comment's conversation (``Comment.root``,
or the comment itself) read together with whether the reader may see the comment, then both
counts in one pass over the top-level comments before it (the top-level index).
"""

from django.db.models import Count, Exists, Q

from ..models import Comment
from .sorting import roots_before_q
from .threads import shows_a_reply


def page_of(comment: Comment, request, *, per_page: int, sort: str) -> int | None:
    """The page of its article's thread, in ``sort``'s order (``sorting.SORTS``), on which
    ``request``'s reader sees ``comment``: a number from 1, or None if that reader may not see
    it. ``per_page`` is top-level conversations a page (0: the thread is one page)."""
    thread = Comment.objects.filter(article_id=comment.article_id)
    visible = Comment.objects.visible_q(request)
    top = (
        Comment.objects.filter(pk=comment.root_id or comment.pk)
        .values("pk", "created_at", "helpful_count", "answered_at")
        .annotate(seen=Exists(thread.filter(visible, pk=comment.pk)))
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
    # Top-level comments only: the pass reads the top-level index; a reply index probe is
    # made only for the hidden ones (placeholders are rare).
    counts = thread.filter(earlier, parent=None).aggregate(
        shown=Count("pk", filter=visible),
        placeholders=Count("pk", filter=~visible & Q(shows_a_reply(thread, visible))),
    )
    return (counts["shown"] + counts["placeholders"]) // per_page + 1
