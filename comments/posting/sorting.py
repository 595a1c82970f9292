"""The orders a reader can read a thread in (``?sort=``) and the one function that applies them.

A sort orders the thread's top-level conversations only; replies stay in conversation order
(oldest first) under their parent, whatever the sort. ``oldest`` (the conversations in the
order they began), ``newest`` (the latest first) and ``helpful`` (most "Helpful" votes first,
ties oldest first). Without ``?sort=`` the thread is in the site's default order
(``site_settings.sort_default()``); ``?sort=`` with any other value is a 404, like a ``?cpage=``
the thread does not have, so no invented address makes a rendering or a cache key.

The addresses the thread links to (sort links, pages, reply links) are made here too, so every
link keeps the reader's sort and the default order keeps the article's plain address.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .. import site_settings

OLDEST, NEWEST, HELPFUL = "oldest", "newest", "helpful"
SORTS: dict[str, Promise] = {
    OLDEST: _("Oldest"),
    NEWEST: _("Newest"),
    HELPFUL: _("Most helpful"),
}


def default_sort() -> str:
    """The site's order for a thread when the reader picks none (a wrong setting: oldest)."""
    value = site_settings.sort_default()
    return value if value in SORTS else OLDEST


def sort_from(request) -> str:
    """The order ``?sort=`` names, or the default without it.

    Raises Http404 for any value but "oldest", "newest" or "helpful" (exact spelling).
    """
    value = request.GET.get("sort")
    if value is None:
        return default_sort()
    if value not in SORTS:
        raise Http404("No such order of comments.")
    return value


def roots_order_by(sort: str, *, answered_first: bool = True) -> list:
    """The display order of a thread's top-level comments, as ``order_by`` arguments.

    The one place a thread's order is decided: ``oldest`` is posted order
    ``(created_at, pk)``, ``newest`` its reverse, ``helpful`` most "Helpful" votes first with
    ties oldest first. Questions an expert answered (Q&A mode, ``answered_at`` set) come
    before the rest in any order, each group in the reader's order; ``answered_first=False``
    leaves that key out, for a thread the caller knows has none (the order is then an index's).
    ``roots_before_q`` is the same order as a filter; a property test holds the two together.
    """
    if sort == NEWEST:
        within = [F("created_at").desc(), F("pk").desc()]
    elif sort == HELPFUL:
        within = [F("helpful_count").desc(), F("created_at").asc(), F("pk").asc()]
    else:
        within = [F("created_at").asc(), F("pk").asc()]
    if not answered_first:
        return within
    unanswered = ExpressionWrapper(Q(answered_at__isnull=True), output_field=BooleanField())
    return [unanswered.asc(), *within]


def roots_before_q(sort: str, *, pk: int, created_at, helpful: int, answered: bool) -> Q:
    """``roots_order_by``'s order as a filter: the top-level comments of the same thread that
    come before the one described (``pk``, ``created_at``, its ``helpful_count`` and whether
    an expert answered it), so that a position is counted in the database, not in a list of
    the whole thread (``positions.page_of``). Posted order is ``(created_at, pk)``. Change it
    with ``roots_order_by``: a property test holds the two to the same order.
    """
    earlier = Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk)
    if sort == NEWEST:
        within = Q(created_at__gt=created_at) | Q(created_at=created_at, pk__gt=pk)
    elif sort == HELPFUL:
        within = Q(helpful_count__gt=helpful) | Q(helpful_count=helpful) & earlier
    else:
        within = earlier
    if answered:
        return Q(answered_at__isnull=False) & within
    return Q(answered_at__isnull=False) | Q(answered_at__isnull=True) & within


def thread_query(*, sort: str, page: int = 1) -> str:
    """The query string of a page of the thread in an order: "" for the default order's first
    page (the article's own address), else e.g. "?sort=helpful&cpage=2"."""
    params = {}
    if sort != default_sort():
        params["sort"] = sort
    if page > 1:
        params["cpage"] = page
    return f"?{urlencode(params)}" if params else ""


@dataclass(frozen=True, slots=True)
class SortLink:
    code: str
    label: Promise
    query: str  # the link's query string ("" for the article's own address)
    current: bool


def sort_links(current: str) -> list[SortLink]:
    """The "Sort by" links above the thread; each leads to the first page in its order."""
    return [
        SortLink(code, label, thread_query(sort=code), code == current)
        for code, label in SORTS.items()
    ]
