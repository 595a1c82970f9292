"""A reference model of a thread's pages, in plain Python, for the property tests.

It reads the whole thread and decides everything in memory, the way the site did before
the pages were counted in the database (``threads.ThreadPaginator``): the reader's visible
comments, a placeholder for a hidden comment with something visible below it, the top-level
conversations in the reader's order (answered questions first, then oldest, newest or most
helpful with ties oldest first) and ``per_page`` conversations a page with all their replies.
"""

from comments.models import Comment
from comments.posting.sorting import HELPFUL, NEWEST


def order_roots(roots: list[Comment], sort: str) -> list[Comment]:
    """``roots`` (in posted order) in the reader's order."""
    if sort == NEWEST:
        ordered = roots[::-1]
    elif sort == HELPFUL:
        ordered = sorted(roots, key=lambda c: -c.helpful_count)  # stable: ties oldest first
    else:
        ordered = roots
    return sorted(ordered, key=lambda c: c.answered_at is None)


def model_pages(article, request, *, per_page: int, sort: str) -> dict:
    """``{"pages": [[(pk, depth, placeholder), ...], ...], "public": n, "held": n}``: what
    the reader should see on each page, depth-first, and the thread's counts."""
    comments = list(Comment.objects.for_article(article).order_by("created_at", "pk"))
    visible_ids = set(
        Comment.objects.for_article(article)
        .filter(Comment.objects.visible_q(request))
        .values_list("pk", flat=True)
    )
    by_pk = {c.pk: c for c in comments}
    shown = set(visible_ids)
    for pk in visible_ids:
        up = by_pk[pk].parent_id
        while up is not None and up not in shown:
            shown.add(up)
            up = by_pk[up].parent_id
    children: dict[int | None, list[Comment]] = {}
    for comment in comments:
        if comment.pk in shown:
            children.setdefault(comment.parent_id, []).append(comment)
    roots = order_roots(children.get(None, []), sort)
    chunks = (
        [roots[i : i + per_page] for i in range(0, len(roots), per_page)] if per_page else [roots]
    )
    pages = []
    for chunk in chunks or [[]]:
        entries, stack = [], [(c, 0) for c in reversed(chunk)]
        while stack:
            comment, depth = stack.pop()
            entries.append((comment.pk, depth, comment.pk not in visible_ids))
            stack.extend((kid, depth + 1) for kid in reversed(children.get(comment.pk, [])))
        pages.append(entries)
    public = sum(c.status == Comment.Status.APPROVED for c in comments)
    return {"pages": pages, "public": public, "held": len(visible_ids) - public}
