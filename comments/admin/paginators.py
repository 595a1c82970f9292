"""Pages of the admin comment list that never count every match of a search.

A common word is in hundreds of thousands of comments; the admin would count them all on
every page (``paginator.count``) before showing the first 100. ``SearchPaginator`` counts no
further than the queue does (``queues.SEARCH_COUNT_CAP``): one ``COUNT(*)`` over a
``LIMIT cap + 1`` subquery, which stops early. Past the cap the count is an ``AtLeast``,
which the admin's templates print as "1,000+" (results, pages, "0 of 1,000+ selected").
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from ..moderation import queues


class AtLeast(int):
    """A count that stopped past its cap: the int ``cap + 1`` (so the admin's comparisons,
    page arithmetic and plurals work), printed "{cap}+" (e.g. "1,000+")."""

    def __str__(self) -> str:
        return f"{self - 1:,}+"

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else super().__format__(spec)


class SearchPaginator(Paginator):
    """A paginator whose ``count`` is exact up to ``cap`` (``queues.SEARCH_COUNT_CAP``) and an
    ``AtLeast`` past it; its last page is the one holding the cap's next comment."""

    @property
    def cap(self) -> int:
        return queues.SEARCH_COUNT_CAP

    @cached_property
    def count(self) -> int:
        count = queues.capped_count(self.object_list, self.cap)
        return AtLeast(count) if count > self.cap else count


class ListPaginator(SearchPaginator):
    """The unsearched list: counted as far as the queue's tabs are (``queues.COUNT_CAP``), not
    over every comment the site has (a full count grows with the table: 0.5 s at 10M)."""

    @property
    def cap(self) -> int:
        return queues.COUNT_CAP
