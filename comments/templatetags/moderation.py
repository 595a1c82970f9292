import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)


@register.filter
def inert_links(body_html: str) -> str:
    """Sanitized comment HTML with its links shown but not clickable, as the queue needs.

    Safe to mark safe: the input is the sanitizer's output, whose href values are already
    escaped attribute values, and only the <a> tags are rewritten.
    """
    html = _LINK.sub(
        r'<span class="inert-link">\2</span> <span class="inert-href">[\1]</span>', body_html
    )
    return mark_safe(html)  # noqa: S308


@register.filter
def reason_messages(reasons) -> list[str]:
    return [reason.get("message", "") for reason in reasons or [] if isinstance(reason, dict)]
