"""Template filters for an article page."""

from django import template

from ..markup import linked_paths

register = template.Library()


@register.filter
def not_linked_from(related, body_html: str) -> list:
    """The related articles (a list of ``Article``) whose page the body does not link to.

    A related article the editor linked in its place in the text is not listed again in the
    "More" list at the end of the page.
    """
    placed = linked_paths(body_html or "")
    return [article for article in related if article.get_absolute_url() not in placed]
