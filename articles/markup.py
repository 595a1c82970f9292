"""The editorial markup policy: what an article body may contain.

Editors write either plain text (blank lines separate paragraphs) or HTML. Either way the body
is cleaned to this allowlist before it is stored as ``body_html``: editors are trusted more than
commenters, but an article page must never carry script, styles or event handlers.
"""

import html
import re

import bleach
from django.utils.html import escape

EDITORIAL_TAGS = frozenset(
    {
        "a", "abbr", "aside", "b", "blockquote", "br", "cite", "code", "em", "figcaption", "figure",
        "h2", "h3", "h4", "hr", "i", "li", "ol", "p", "pre", "q", "s", "strong", "sub", "sup",
        "ul",
    }
)  # fmt: skip
EDITORIAL_ATTRIBUTES = {
    "a": ["href", "title"],
    "abbr": ["title"],
    "blockquote": ["cite"],
    "q": ["cite"],
}
EDITORIAL_PROTOCOLS = frozenset({"http", "https", "mailto"})

_BLOCK_TAG = re.compile(r"<\s*(p|h[2-4]|ul|ol|blockquote|figure|pre|hr|aside)\b", re.IGNORECASE)
_HREF = re.compile(r'<a\s(?:[^>]*?\s)?href="([^"]*)"')
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def render_editorial(body: str) -> str:
    """Return safe HTML for an article body written as plain text or as HTML."""
    body = body.replace("\r\n", "\n").strip()
    if not _BLOCK_TAG.search(body):
        paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(body) if p.strip()]
        body = "".join("<p>{}</p>".format(escape(p).replace("\n", "<br>")) for p in paragraphs)
    return bleach.clean(
        body,
        tags=EDITORIAL_TAGS,
        attributes=EDITORIAL_ATTRIBUTES,
        protocols=EDITORIAL_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


def linked_paths(body_html: str) -> frozenset[str]:
    """The ``href`` values of the links in a cleaned body (``render_editorial``'s output).

    An editor who links a related article in its place in the text (a "More:" line after the
    paragraph it belongs to, as the seed page does) has placed it; the page's "More" list at
    the end leaves out what the body already links. Values are as written (entities such as
    ``&amp;`` unescaped), so a site path reads ``/articles/<slug>/``.
    """
    return frozenset(html.unescape(href) for href in _HREF.findall(body_html))
