"""Assemble a flat list of comments into the threaded tree readers see.

The thread is fetched in one query and assembled in one pass (O(n)). The result is a flat,
depth-first list of entries that a template renders with a single loop, so a thread of
thousands of comments needs no recursive includes.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from .models import Comment


@dataclass(slots=True)
class ThreadEntry:
    comment: Comment
    depth: int
    has_children: bool = False
    # How many enclosing levels end right after this comment (each closes a nested list).
    closes: range = field(default_factory=lambda: range(0))


@dataclass(slots=True)
class Thread:
    entries: list[ThreadEntry]

    def __len__(self):
        return len(self.entries)


def build_thread(comments) -> Thread:
    """Return the threaded, depth-first order of ``comments`` (already in display order).

    A reply whose parent is not among ``comments`` (held, removed) is left out together with
    its own replies, as readers could not place it.
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
        entries.append(ThreadEntry(comment=comment, depth=depth, has_children=bool(kids)))
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

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def page_range(self) -> range:
        return range(1, self.num_pages + 1)


def _skeleton(comments):
    """Ids only: children by parent, top-level ids in order, and the status of each."""
    children: dict[int | None, list[int]] = {}
    status: dict[int, str] = {}
    for pk, parent_id, comment_status in comments.values_list("pk", "parent_id", "status"):
        children.setdefault(parent_id, []).append(pk)
        status[pk] = comment_status
    return children, status


def _subtree(children, root: int) -> list[int]:
    ids, stack = [], [root]
    while stack:
        pk = stack.pop()
        ids.append(pk)
        stack.extend(children.get(pk, ()))
    return ids


def thread_page(comments, *, number: int, per_page: int, newest_first: bool) -> ThreadPage:
    """The page ``number`` of the thread made of ``comments`` (a QuerySet in display order).

    Two queries whatever the thread's size: the ids and parents of every comment, then the
    full rows of the comments on this page. A page past the end shows the last page.
    """
    children, status = _skeleton(comments)
    roots = children.get(None, [])
    if newest_first:
        roots = roots[::-1]
    reachable = [pk for root in roots for pk in _subtree(children, root)]
    total = sum(1 for pk in reachable if status[pk] == "approved")
    num_pages = max(1, -(-len(roots) // per_page)) if per_page else 1
    number = min(max(1, number), num_pages)
    page_roots = roots[(number - 1) * per_page : number * per_page] if per_page else roots
    on_page = [pk for root in page_roots for pk in _subtree(children, root)]
    rows = {c.pk: c for c in comments.filter(pk__in=on_page)}
    # Keep the display order of the page's top-level comments; replies stay oldest first.
    position = {pk: i for i, pk in enumerate(page_roots)}
    ordered = sorted(
        rows.values(),
        key=lambda c: (0, position[c.pk]) if c.pk in position else (1, c.created_at, c.pk),
    )
    return ThreadPage(build_thread(ordered), number=number, num_pages=num_pages, total=total)


def page_of(comment_pk: int, comments, *, per_page: int, newest_first: bool) -> int | None:
    """The page on which a comment appears, or None if it (or an ancestor) is not shown.

    ``comments`` is the thread a reader sees (a QuerySet). A few small queries whatever the
    thread's size: one per level up to the top-level comment, then one count.
    """
    visible = comments.order_by()
    fields = ("pk", "parent_id", "created_at")
    node = visible.filter(pk=comment_pk).values(*fields).first()
    while node is not None and node["parent_id"] is not None:
        node = visible.filter(pk=node["parent_id"]).values(*fields).first()
    if node is None:
        return None
    if not per_page:
        return 1
    when, pk = node["created_at"], node["pk"]
    if newest_first:
        before = Q(created_at__gt=when) | Q(created_at=when, pk__gt=pk)
    else:
        before = Q(created_at__lt=when) | Q(created_at=when, pk__lt=pk)
    return visible.filter(before, parent=None).count() // per_page + 1
