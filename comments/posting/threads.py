"""Assemble an article's comments into the threaded tree readers see, one page at a time.

What a reader sees follows the one rule in ``CommentQuerySet``: the comments visible to them,
and in the place of a comment they may not see that has a visible reply, a placeholder (no
name, text or avatar). A page is two queries whatever the thread's size (the ids, parents and
visibility of every comment, then the rows of this page) and is assembled in one pass. The
result is a flat, depth-first list of entries that a template renders with a single loop.

``ThreadPaginator`` works like Django's ``Paginator``: ``num_pages`` after the first query,
``page(number)`` after the second, ``EmptyPage`` for a number the thread does not have.
"""

from dataclasses import dataclass, field

from django.core.paginator import EmptyPage
from django.db.models import BooleanField, Case, Value, When

from ..models import Comment
from .sorting import order_roots


@dataclass(slots=True)
class ThreadEntry:
    comment: Comment
    depth: int
    has_children: bool = False
    # Shown as "This comment was removed": the reader may not see it, but a reply under it.
    placeholder: bool = False
    # How many enclosing levels end right after this comment (each closes a nested list).
    closes: range = field(default_factory=lambda: range(0))


@dataclass(slots=True)
class Thread:
    entries: list[ThreadEntry]

    def __len__(self):
        return len(self.entries)


def build_thread(comments, *, placeholders: frozenset[int] = frozenset()) -> Thread:
    """Return the threaded, depth-first order of ``comments`` (already in display order).

    ``placeholders`` are the ids shown as placeholders. A reply whose parent is not among
    ``comments`` is left out together with its own replies, as readers could not place it.
    """
    children: dict[int | None, list[Comment]] = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)

    entries: list[ThreadEntry] = []
    # Iterative depth-first walk; the stack holds (comment, depth) in reverse display order.
    stack = [(c, 0) for c in reversed(children.get(None, []))]
    while stack:
        comment, depth = stack.pop()
        kids = children.get(comment.pk, [])
        entries.append(
            ThreadEntry(
                comment=comment,
                depth=depth,
                has_children=bool(kids),
                placeholder=comment.pk in placeholders,
            )
        )
        stack.extend((kid, depth + 1) for kid in reversed(kids))

    # A leaf closes every open level between its depth and the next entry's depth.
    for index, entry in enumerate(entries):
        if entry.has_children:
            continue
        next_depth = entries[index + 1].depth if index + 1 < len(entries) else 0
        entry.closes = range(entry.depth - next_depth)
    return Thread(entries=entries)


@dataclass(slots=True)
class ThreadPage:
    """One page of a thread: a slice of its top-level comments with all their replies."""

    thread: Thread
    number: int
    num_pages: int
    total: int  # public comments in the whole thread (a reader's own held ones not counted)
    # This reader's own comments awaiting moderation in the whole thread (only they see them).
    own_held: int = 0

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def page_range(self) -> range:
        return range(1, self.num_pages + 1)


@dataclass(slots=True)
class _Skeleton:
    """The shape of a whole thread as one reader sees it, from one query of ids."""

    parent: dict[int, int | None]
    children: dict[int | None, list[int]]
    visible: set[int]
    shown: set[int]  # visible, or a placeholder above something visible
    public: int
    helpful: dict[int, int]  # "Helpful" votes of the comments that have any
    answered: set[int] = field(default_factory=set)  # questions an expert answered (Q&A)

    def shown_roots(self, *, sort: str) -> list[int]:
        """The top-level comments shown, in ``sort``'s order (``sorting.order_roots``)."""
        roots = [pk for pk in self.children.get(None, []) if pk in self.shown]
        return order_roots(roots, sort=sort, helpful=self.helpful, answered=self.answered)

    def subtree(self, root: int) -> list[int]:
        ids, stack = [], [root]
        while stack:
            pk = stack.pop()
            ids.append(pk)
            stack.extend(kid for kid in self.children.get(pk, ()) if kid in self.shown)
        return ids

    def root_of(self, pk: int) -> int:
        while self.parent[pk] is not None:
            pk = self.parent[pk]
        return pk


def flag(condition) -> Case:
    """``condition`` (a ``Q``) as a boolean column."""
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def _skeleton(article, request) -> _Skeleton:
    rows = (
        Comment.objects.for_article(article)
        .thread_order()
        .annotate(
            visible=flag(Comment.objects.visible_q(request)),
            public=flag(Comment.objects.public_q()),
        )
        .values_list("pk", "parent_id", "visible", "public", "helpful_count", "answered_at")
    )
    parent: dict[int, int | None] = {}
    children: dict[int | None, list[int]] = {}
    visible: set[int] = set()
    helpful: dict[int, int] = {}
    answered: set[int] = set()
    public = 0
    for pk, parent_id, is_visible, is_public, helpful_count, answered_at in rows:
        parent[pk] = parent_id
        if helpful_count:
            helpful[pk] = helpful_count
        if answered_at is not None:
            answered.add(pk)
        children.setdefault(parent_id, []).append(pk)
        if is_visible:
            visible.add(pk)
        public += bool(is_public)
    shown = set(visible)
    for pk in visible:
        up = parent[pk]
        while up is not None and up not in shown:
            shown.add(up)
            up = parent.get(up)
    return _Skeleton(parent, children, visible, shown, public, helpful, answered)


def _placeholder(row: Comment) -> Comment:
    """A stand-in that holds nothing of the hidden comment but its place in the thread."""
    return Comment(
        pk=row.pk,
        article_id=row.article_id,
        parent_id=row.parent_id,
        depth=row.depth,
        created_at=row.created_at,
        status=row.status,
    )


class ThreadPaginator:
    """``article``'s thread as ``request``'s reader sees it, in pages of ``per_page``
    top-level conversations (0: one page), each with all its replies, the conversations in
    ``sort``'s order (``sorting.SORTS``).

    Making it is one query (the thread's shape); ``num_pages`` is then known (at least 1, so
    an empty thread has its page 1), and each ``page()`` is one more query.
    """

    def __init__(self, article, request, *, per_page: int, sort: str):
        self.sort = sort
        self._skeleton = _skeleton(article, request)
        self._roots = self._skeleton.shown_roots(sort=sort)
        self.per_page = per_page
        self.num_pages = max(1, -(-len(self._roots) // per_page)) if per_page else 1

    def page(self, number: int) -> ThreadPage:
        """Page ``number`` (from 1); raises ``EmptyPage`` outside 1..``num_pages``."""
        if not 1 <= number <= self.num_pages:
            raise EmptyPage(f"The thread has {self.num_pages} pages, not page {number}.")
        page_roots = (
            self._roots[(number - 1) * self.per_page : number * self.per_page]
            if self.per_page
            else self._roots
        )
        on_page = [pk for root in page_roots for pk in self._skeleton.subtree(root)]
        rows = {c.pk: c for c in Comment.objects.filter(pk__in=on_page)}
        hidden = frozenset(pk for pk in rows if pk not in self._skeleton.visible)
        for pk in hidden:
            rows[pk] = _placeholder(rows[pk])
        # Keep the display order of the page's top-level comments; replies stay oldest first.
        position = {pk: i for i, pk in enumerate(page_roots)}
        ordered = sorted(
            rows.values(),
            key=lambda c: (0, position[c.pk]) if c.pk in position else (1, c.created_at, c.pk),
        )
        return ThreadPage(
            build_thread(ordered, placeholders=hidden),
            number=number,
            num_pages=self.num_pages,
            total=self._skeleton.public,
            own_held=len(self._skeleton.visible) - self._skeleton.public,
        )
