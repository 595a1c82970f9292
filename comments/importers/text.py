"""Comment and post HTML from other systems, turned into what this site stores.

A comment here is stored as the commenter's text (``Comment.body``), which
``comments.sanitize.sanitize_comment`` turns into HTML: newlines make paragraphs and line
breaks, the WordPress allowlist stays markup, every other ``<`` is text. Exports hold HTML
instead, so ``comment_text`` undoes it: ``<p>`` and ``<br>`` become newlines, allowlisted
tags stay, other tags are unwrapped (``<script>`` and ``<style>`` lose their content too),
entities become the characters they stand for. The sanitizer then runs as for a posted
comment. (One difference remains: an export's ``&lt;b&gt;``, a literal "<b>", comes back as
bold, since this site has no way to type an allowlisted tag as text.)
"""

import re
from html import escape
from html.parser import HTMLParser

from ..sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

_DROPPED_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object"})
_BLOCKS = frozenset({"p", "div", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "pre"})
_PARAGRAPH_BREAK = "\n\n"
_EXTRA_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES_AROUND_NEWLINES = re.compile(r"[ \t]*\n[ \t]*")


class _CommentText(HTMLParser):
    def __init__(self, *, newlines_break: bool):
        super().__init__(convert_charrefs=True)
        self.newlines_break = newlines_break
        self.parts: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _DROPPED_WITH_CONTENT:
            self.dropping += 1
        elif self.dropping:
            return
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH_BREAK)
        elif tag in ALLOWED_TAGS:
            allowed = ALLOWED_ATTRIBUTES.get(tag, ())
            kept = "".join(
                f' {name}="{escape(value or "")}"' for name, value in attrs if name in allowed
            )
            self.parts.append(f"<{tag}{kept}>")

    def handle_startendtag(self, tag, attrs):
        if tag in ALLOWED_TAGS:
            # <b/> would open a tag nothing closes.
            return
        self.handle_starttag(tag, attrs)
        if tag in _DROPPED_WITH_CONTENT:
            self.dropping -= 1

    def handle_endtag(self, tag):
        if tag in _DROPPED_WITH_CONTENT:
            self.dropping = max(0, self.dropping - 1)
        elif self.dropping:
            return
        elif tag in _BLOCKS:
            self.parts.append(_PARAGRAPH_BREAK)
        elif tag in ALLOWED_TAGS:
            self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        if self.dropping:
            return
        if not self.newlines_break:
            # In HTML a newline is a space; only tags break lines (Disqus).
            data = re.sub(r"\s*\n\s*", " ", data)
        self.parts.append(data)


def comment_text(html: str, *, newlines_break: bool) -> str:
    """The text to store as ``Comment.body`` for a comment exported as ``html``.

    ``newlines_break``: WordPress's rule, where a newline in the text is a line break and a
    blank line a paragraph (as here); False for HTML where only tags break lines (Disqus).
    """
    html = (html or "").replace("\r\n", "\n").replace("\r", "\n")
    if newlines_break and "<" not in html and "&" not in html:
        text = html  # plain text, as most comments are: what the parser would give
    else:
        if newlines_break:
            # "line<br />\nline" is one break, not a paragraph.
            html = re.sub(r"<br\s*/?>[ \t]*\n", "\n", html, flags=re.IGNORECASE)
        parser = _CommentText(newlines_break=newlines_break)
        parser.feed(html)
        parser.close()
        text = "".join(parser.parts)
    text = _SPACES_AROUND_NEWLINES.sub("\n", text)
    return _EXTRA_BLANK_LINES.sub(_PARAGRAPH_BREAK, text).strip()


_BLOCK_TAG = re.compile(
    r"<\s*/?\s*(p|div|h[1-6]|ul|ol|li|blockquote|figure|pre|hr|table|aside)\b", re.IGNORECASE
)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def editorial_body(html: str) -> str:
    """An article body (editorial HTML, see ``articles.markup``) from a WordPress post's content.

    Block-editor posts are HTML already (their ``<!-- wp:... -->`` markers go). Classic posts
    rely on WordPress's ``wpautop``: a blank line is a paragraph, a newline a line break, while
    inline HTML stays markup; this does the same, so links in the text stay links.
    """
    html = _HTML_COMMENT.sub("", (html or "").replace("\r\n", "\n")).strip()
    if _BLOCK_TAG.search(html):
        return html
    paragraphs = [p.strip() for p in re.split(r"\n[ \t]*\n\s*", html) if p.strip()]
    return "\n".join("<p>{}</p>".format(p.replace("\n", "<br>\n")) for p in paragraphs)
