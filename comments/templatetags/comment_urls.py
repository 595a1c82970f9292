"""``{{ comment.pk|comment_url:"comments:report" }}``: a comment's own address (report,
helpful, edit, delete), as ``{% url name pk %}`` gives it, for the thread's hottest loop.

``{% url %}`` resolves the pattern anew for every comment, about a tenth of a page's render
at 85 comments. Here the address is reversed once per URL name, URL configuration and script
prefix, with a stand-in id, and each comment's id is put in its place: the same string
``reverse(name, args=[pk])`` returns (a property test holds the two together).
"""

from functools import lru_cache

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

# An id no real comment has, reversed in the place of one: only the id's digits match it.
_STAND_IN = 987_654_321_098_765_432
_STAND_IN_TEXT = str(_STAND_IN)


@lru_cache(maxsize=64)
def _pattern(name: str, urlconf, prefix: str) -> tuple[str, str]:
    """The address of ``name`` around its id: (before, after). ``prefix`` is in the key
    because ``reverse`` writes the script prefix in front."""
    before, _stand_in, after = reverse(name, urlconf=urlconf, args=[_STAND_IN]).partition(
        _STAND_IN_TEXT
    )
    return before, after


@register.filter
def comment_url(pk, name: str) -> str:
    """The address ``reverse(name, args=[pk])`` gives for a URL taking one comment id.

    ``pk`` is an int (or its digits); raises ``NoReverseMatch`` for a name without such an
    address, like ``{% url %}``.
    """
    before, after = _pattern(name, get_urlconf(), get_script_prefix())
    return f"{before}{int(pk)}{after}"
