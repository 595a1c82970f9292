"""Where a comment is in its thread: the page a reader finds it on, counted in the database.

``page_of`` answers the redirect after every post and every permalink, so it does not read the
thread (``threads.ThreadPaginator`` does that, for the page itself). It counts the top-level
comments shown before the comment's conversation: the visible ones in one ``COUNT``
(``sorting.roots_before_q``, the database's form of ``sorting.order_roots``), and the few the
reader sees only as a placeholder (hidden, with a visible reply below, as in ``threads``),
found from the hidden top-level comments that have replies, one query per level of replies,
and placed with ``order_roots`` itself.

Queries: one per level above the comment (at most ``COMMENTS_MAX_DEPTH``), one that counts
(and checks the reader may see the comment), one for hidden top-level comments with replies,
and one per level of their replies if there are any: their number does not grow with the
thread. The count itself reads the index entries of the conversations before the comment's:
about 30 ms on PostgreSQL for a thread of 200,000 comments, against 320 ms to read the
whole thread as the paginator does.
"""

from django.db.models import Count, Exists, OuterRef, Q

from ..models import Comment
from .sorting import order_roots, roots_before_q
from .threads import flag

_CHUNK = 5_000
_ROOT_FIELDS = ("pk", "created_at", "helpful_count", "answered_at")


def page_of(comment: Comment, request, *, per_page: int, sort: str) -> int | None:
    """The page of its article's thread, in ``sort``'s order (``sorting.SORTS``), on which
    ``request``'s reader sees ``comment``: a number from 1, or None if that reader may not see
    it. ``per_page`` is top-level conversations a page (0: the thread is one page)."""
    thread = Comment.objects.filter(article_id=comment.article_id)
    visible = Comment.objects.visible_q(request)
    pk, created_at, helpful, answered_at = _root(comment)
    earlier = Q(parent=None) & roots_before_q(
        sort, pk=pk, created_at=created_at, helpful=helpful, answered=answered_at is not None
    )
    counts = (
        thread.filter(visible)
        .filter(earlier | Q(pk=comment.pk))
        .aggregate(seen=Count("pk", filter=Q(pk=comment.pk)), before=Count("pk", filter=earlier))
    )
    if not counts["seen"]:
        return None
    if not per_page:
        return 1
    before = counts["before"]
    placeholders = _placeholder_roots(thread, visible)
    if placeholders:
        # The comment is visible, so its root is shown: visible, or one of the placeholders.
        placeholders.setdefault(pk, (created_at, helpful, answered_at))
        posted = sorted(placeholders, key=lambda root: (placeholders[root][0], root))
        ordered = order_roots(
            posted,
            sort=sort,
            helpful={root: row[1] for root, row in placeholders.items()},
            answered={root for root, row in placeholders.items() if row[2] is not None},
        )
        before += ordered.index(pk)  # the placeholders before it
    return before // per_page + 1


def _root(comment: Comment) -> tuple:
    """``(pk, created_at, helpful_count, answered_at)`` of the top-level comment above it."""
    if comment.parent_id is None:
        return comment.pk, comment.created_at, comment.helpful_count, comment.answered_at
    pk, parent_id = comment.pk, comment.parent_id
    while parent_id is not None:
        pk, parent_id = Comment.objects.values_list("pk", "parent_id").get(pk=parent_id)
    return Comment.objects.values_list(*_ROOT_FIELDS).get(pk=pk)


def _placeholder_roots(thread, visible) -> dict[int, tuple]:
    """The top-level comments this reader sees as a placeholder: pk -> (created_at,
    helpful_count, answered_at). Hidden ones with replies, kept if any reply below is
    visible (looked for level by level, stopping below a root once one is found)."""
    hidden = {
        pk: rest
        for pk, *rest in thread.filter(parent=None)
        .exclude(visible)
        .filter(Exists(Comment.objects.filter(parent=OuterRef("pk"))))
        .values_list(*_ROOT_FIELDS)
    }
    root_of = {pk: pk for pk in hidden}
    shown: set[int] = set()
    frontier = list(hidden)
    while frontier:
        below = []
        for start in range(0, len(frontier), _CHUNK):
            rows = (
                thread.filter(parent_id__in=frontier[start : start + _CHUNK])
                .annotate(seen=flag(visible))
                .values_list("pk", "parent_id", "seen")
            )
            for pk, parent_id, seen in rows:
                root = root_of[pk] = root_of[parent_id]
                if seen:
                    shown.add(root)
                below.append(pk)
        frontier = [pk for pk in below if root_of[pk] not in shown]
    return {pk: tuple(hidden[pk]) for pk in hidden if pk in shown}
