"""Assemble a flat list of comments into the threaded tree readers see.

The thread is fetched in one query and assembled in one pass (O(n)). The result is a flat,
depth-first list of entries that a template renders with a single loop, so a thread of
thousands of comments needs no recursive includes.
"""

from dataclasses import dataclass, field

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

    @property
    def count(self) -> int:
        """Number of public comments shown (a commenter's own held ones are not counted)."""
        return sum(1 for entry in self.entries if entry.comment.is_public)


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
