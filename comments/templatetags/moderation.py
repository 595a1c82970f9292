import html
from html.parser import HTMLParser

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from ..models import staff_public_name
from ..sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

register = template.Library()

# What the inert copy keeps as markup: the comment allowlist without links, and the
# paragraphs and line breaks the sanitizer writes. Anything else is shown as text.
_KEPT_TAGS = (ALLOWED_TAGS - {"a"}) | {"p", "br"}
_VOID_TAGS = frozenset({"br"})


class _InertLinks(HTMLParser):
    """Rebuilds comment HTML tag by tag, every ``<a>`` replaced by its text and its URL.

    Parsing (rather than matching ``<a href=`` with a pattern) sees a link whatever the order
    or quoting of its attributes. The output is balanced: stray end tags are dropped and
    elements left open are closed at the end, so nothing spills into the rest of the page.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []  # kept elements and links ("a"), innermost last
        self.hrefs: list[str] = []  # the href of each open link

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.open.append("a")
            self.hrefs.append(dict(attrs).get("href") or "")
            self.out.append('<span class="inert-link">')
        elif tag in _KEPT_TAGS:
            allowed = ALLOWED_ATTRIBUTES.get(tag, ())
            kept = "".join(
                f' {name}="{html.escape(value or "")}"' for name, value in attrs if name in allowed
            )
            self.out.append(f"<{tag}{kept}>")
            if tag not in _VOID_TAGS:
                self.open.append(tag)
        else:
            self.handle_data(self.get_starttag_text() or "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag != "br" and self.open and self.open[-1] == tag:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in _VOID_TAGS:
            return
        if tag not in self.open:
            if tag not in _KEPT_TAGS and tag != "a":
                self.handle_data(f"</{tag}>")
            return
        while self.open:
            if self._close() == tag:
                break

    def _close(self) -> str:
        tag = self.open.pop()
        if tag == "a":
            href = self.hrefs.pop()
            self.out.append("</span>")
            if href:
                self.out.append(f' <span class="inert-href">[{html.escape(href)}]</span>')
        else:
            self.out.append(f"</{tag}>")
        return tag

    def handle_data(self, data):
        self.out.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        while self.open:
            self._close()
        return "".join(self.out)


@register.filter
def inert_links(body_html: str) -> str:
    """Comment HTML with its links shown but not clickable, as the queue needs.

    Every ``<a>`` becomes ``<span class="inert-link">text</span>`` followed by
    ``<span class="inert-href">[URL]</span>`` (no URL part for a link without one); the
    output never holds an ``<a>`` element, whatever order or quoting its attributes had.
    Other allowlisted tags (``comments.sanitize``) are kept with their allowlisted
    attributes, anything else is escaped as text, so the result is safe to mark safe even for
    a ``body_html`` the current sanitizer did not write.
    """
    parser = _InertLinks()
    parser.feed(body_html or "")
    return mark_safe(parser.result())  # noqa: S308


@register.filter
def public_name(user) -> str:
    """The name this staff member's replies appear under (``staff_public_name``)."""
    return staff_public_name(user)


@register.simple_tag
def reason_options(removal_reasons) -> str:
    """The ``<option>``s of a removal-reason picker, one per reason (``RemovalReason``: its
    pk and title, escaped). A tag, not a loop in the template: the queue shows a picker on
    every row, and the template loop cost more than the rest of a row."""
    return format_html_join(
        "", '<option value="{}">{}</option>', ((r.pk, r.title) for r in removal_reasons)
    )
