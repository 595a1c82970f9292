"""A comment's text as readers see it, from its sanitized HTML (``Comment.body_html``), as plain
text: for mail, excerpts and the editors' picks strip. Never HTML: escape it before it goes
into a page.
"""

import html
import re
import unicodedata

from django.utils.html import strip_tags

from .sanitize import BLANK_LINES_RE

# Where the text a reader sees breaks: a line (<br>), a paragraph or a quotation ends.
_LINE_END_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_END_RE = re.compile(r"</(?:p|blockquote)>", re.IGNORECASE)


def plain_text(body_html: str) -> str:
    """The text a reader sees in sanitized comment HTML (``Comment.body_html``), as plain text.

    Tags are dropped (a link keeps only its text), entities are decoded once, as the page
    shows them (``&amp;lt;`` is ``&lt;``), a line break ends a line and a paragraph or
    quotation ends with a blank line, so words never run together. For mail and other plain
    text only: the result is not HTML and must be escaped before it goes into a page.
    """
    text = _BLOCK_END_RE.sub("\n\n", _LINE_END_RE.sub("\n", body_html))
    text = html.unescape(strip_tags(text))
    return "\n\n".join(
        "\n".join(line.strip() for line in block.strip().splitlines())
        for block in BLANK_LINES_RE.split(text.strip())
        if block.strip()
    )


def text_excerpt(body_html: str, length: int) -> str:
    """``plain_text(body_html)`` on one line (white space runs made one space), cut to at
    most ``length`` code points (a cut ends with "…" and never parts a combining mark, such
    as a virama or an accent, from the letter before it)."""
    text = " ".join(plain_text(body_html).split())
    if len(text) <= length:
        return text
    cut = length - 1
    while cut > 0 and unicodedata.combining(text[cut]):
        cut -= 1
    return text[:cut] + "…"
