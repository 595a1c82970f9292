"""Assemble an article's comments into the threaded tree readers see, one page at a time.

What a reader sees follows the one rule in ``CommentQuerySet``: the comments visible to them,
and in the place of a comment they may not see that has a visible reply, a placeholder (no
name, text or avatar). A page never reads the whole thread: the conversations it shows are
counted and cut in the database (top-level comments in the reader's order,
``sorting.roots_order_by``; placeholders found through each reply's ``Comment.root``), then
its conversations are read whole and assembled in one pass. The result is a flat,
depth-first list of entries that a template renders with a single loop.

``ThreadPaginator`` works like Django's ``Paginator``: ``num_pages`` once made, ``page(number)``
after it, ``EmptyPage`` for a number the thread does not have.
"""

from dataclasses import dataclass, field

from django.core.paginator import EmptyPage
from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Value, When

from ..models import Comment, ThreadCount
from ..models.expressions import InIds
from .sorting import roots_order_by


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


def flag(condition) -> Case:
    """``condition`` (a ``Q``) as a boolean column."""
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def placeholder_roots(thread, visible: Q, among: Q | None = None):
    """The top-level comments of ``thread`` (a queryset of one article's comments) a reader
    sees only as placeholders: not ``visible`` to them, with a visible reply somewhere in
    their conversation (``Comment.root``). ``among`` narrows the top-level comments looked
    at (``positions.page_of``: those before a comment).

    A queryset of their ids (one query when read or counted), driven by the hidden top-level
    comments, each asking the conversation index with ``EXISTS`` whether a visible reply is
    there: never a walk down the thread level by level, and on stale statistics (rows written
    a moment ago) an index probe per hidden comment rather than a scan of the thread for each
    visible reply.
    """
    hidden = thread.filter(parent=None).exclude(visible)
    if among is not None:
        hidden = hidden.filter(among)
    replied = thread.filter(visible, root=OuterRef("pk"))
    return hidden.filter(Exists(replied)).values_list("pk", flat=True).order_by()


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

    Making it is one query of the counts the database keeps (``ThreadCount``), and one more
    for the placeholders when a top-level comment is hidden from this reader; for a reader
    who also sees their own held comments the counts are read from the comments (two
    queries). ``num_pages`` is then known (at least 1, so an empty thread has its page 1);
    each ``page()`` is two more, the page's conversations (cut in the database, in the
    reader's order) and all their comments.
    """

    def __init__(self, article, request, *, per_page: int, sort: str):
        self.sort = sort
        self.per_page = per_page
        self._thread = Comment.objects.for_article(article)
        self._visible = Comment.objects.visible_q(request)
        statuses, own_held = Comment.objects.visibility(request)
        if own_held:
            tops, hidden, public, own = self._counted()
        else:
            # A reader who sees whole statuses (everyone but one with own held comments): the
            # counts kept by the database (``ThreadCount``), a few rows whatever the thread.
            tally = ThreadCount.of(article.pk)
            tops = {
                "visible": tally.comments(statuses, top_level=True),
                "answered": tally.answered_questions(),
            }
            hidden = tally.top_level_other_than(statuses)
            public = tally.public()
            own = tally.comments(statuses) - public
        # The placeholders among the top-level comments (rare, see ``placeholder_roots``):
        # none to look for when every top-level comment is visible.
        placeholders = list(placeholder_roots(self._thread, self._visible)) if hidden else []
        # The placeholders as one parameter: a thread can have thousands (``InIds``).
        self._shown_roots = Q(parent=None) & (
            self._visible | Q(InIds("pk", placeholders)) if placeholders else self._visible
        )
        # Without answered questions the order is the top-level index's own: a page is read
        # off it in order, not sorted out of the whole thread.
        self._answered_first = bool(tops["answered"])
        roots = tops["visible"] + len(placeholders)
        self._public = public
        self._own_held = own
        self.num_pages = max(1, -(-roots // per_page)) if per_page else 1

    def _counted(self) -> tuple[dict, int, int, int]:
        """The counts for a reader who also sees some comments one by one (their own held
        ones), read from the comments: two queries that each read one index of the thread.
        (The top-level counts, how many top-level comments are hidden, the public comments,
        the reader's own held ones.)"""
        tops = self._thread.filter(parent=None).aggregate(
            visible=Count("status", filter=self._visible),
            answered=Count("answered_at"),
            all=Count("status"),
        )
        counts = self._thread.filter(self._visible).aggregate(
            public=Count("status", filter=Comment.objects.public_q()), visible=Count("status")
        )
        hidden = tops["all"] - tops["visible"]
        return tops, hidden, counts["public"], counts["visible"] - counts["public"]

    def page(self, number: int) -> ThreadPage:
        """Page ``number`` (from 1); raises ``EmptyPage`` outside 1..``num_pages``."""
        if not 1 <= number <= self.num_pages:
            raise EmptyPage(f"The thread has {self.num_pages} pages, not page {number}.")
        roots = (
            self._thread.filter(self._shown_roots)
            .order_by(*roots_order_by(self.sort, answered_first=self._answered_first))
            .values_list("pk", flat=True)
        )
        if self.per_page:
            roots = roots[(number - 1) * self.per_page : number * self.per_page]
        page_roots = list(roots)
        rows = (
            list(
                Comment.objects.filter(Q(pk__in=page_roots) | Q(root__in=page_roots))
                .annotate(seen=flag(self._visible))
                .order_by("created_at", "pk")
            )
            if page_roots
            else []
        )
        return ThreadPage(
            _assemble(rows, page_roots),
            number=number,
            num_pages=self.num_pages,
            total=self._public,
            own_held=self._own_held,
        )


def _assemble(rows: list[Comment], page_roots: list[int]) -> Thread:
    """The page's thread from its conversations' comments (posted order, each marked
    ``seen``): a hidden comment with a visible one below it becomes a placeholder, a hidden
    one without is left out, and the conversations keep the order of ``page_roots``."""
    by_pk = {row.pk: row for row in rows}
    shown = {row.pk for row in rows if row.seen}
    for pk in list(shown):
        up = by_pk[pk].parent_id
        while up is not None and up not in shown:
            shown.add(up)
            up = by_pk[up].parent_id
    hidden = frozenset(row.pk for row in rows if row.pk in shown and not row.seen)
    position = {pk: i for i, pk in enumerate(page_roots)}
    kept = [_placeholder(row) if row.pk in hidden else row for row in rows if row.pk in shown]
    kept.sort(key=lambda c: (0, position[c.pk]) if c.pk in position else (1,))
    return build_thread(kept, placeholders=hidden)
