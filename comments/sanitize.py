"""The sanitizing policy for reader comments: what a commenter may type, and what we store.

Commenters type plain text that may contain a little HTML. ``sanitize_comment`` turns it
into the HTML stored in ``Comment.body_html``, which templates output unescaped:

* Only WordPress's comment allowlist survives as markup (``ALLOWED_TAGS`` with
  ``ALLOWED_ATTRIBUTES``). Any other tag is kept as visible text (escaped), so
  ``<script>`` shows up as ``&lt;script&gt;``. HTML comments are removed.
* Newlines become paragraphs: a blank line starts a new ``<p>``, a single newline is a
  ``<br>`` (a simple wpautop). ``<p>`` and ``<br>`` appear only where we put them and carry
  no attributes; a commenter who types ``<p>`` sees it as text.
* Bare ``http(s)://`` and ``www.`` URLs become links, except inside ``<a>`` and ``<code>``.
* Every link gets ``rel="nofollow ugc"`` (commenters cannot set ``rel`` or ``target``)
  and its ``href`` must start with ``http://``, ``https://`` or ``mailto:``. A link
  with any other href (``javascript:``, relative, ``//host`` ...) loses it, and an ``<a>``
  without an href is unwrapped, leaving its text. ``cite`` must be ``http(s)://``.
* Control characters (except newline and tab) are removed, line endings normalised to
  ``\\n`` and lone surrogates replaced with U+FFFD, so any ``str`` is accepted.
* Markup nested deeper than ``MAX_NESTING`` is not parsed at all: the whole comment is
  shown as text. html5lib's cost grows quadratically with depth (10,000 nested ``<b>``
  take most of a second, 50,000 over ten), and no real comment needs more than a few.

Parsing, allowlisting, linkifying and serialising happen in one bleach ``Cleaner`` pass.
"""

import html
import re
import threading
from collections import Counter
from functools import partial

from bleach.html5lib_shim import Filter
from bleach.linkifier import LinkifyFilter
from bleach.sanitizer import Cleaner

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "acronym",
        "b",
        "blockquote",
        "cite",
        "code",
        "del",
        "em",
        "i",
        "q",
        "s",
        "strike",
        "strong",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": frozenset({"href", "title"}),
    "abbr": frozenset({"title"}),
    "acronym": frozenset({"title"}),
    "blockquote": frozenset({"cite"}),
    "del": frozenset({"datetime"}),
    "q": frozenset({"cite"}),
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc"
MAX_NESTING = 100

_SAFE_HREF_RE = re.compile(r"(?:https?://|mailto:)", re.IGNORECASE)
_SAFE_CITE_RE = re.compile(r"https?://", re.IGNORECASE)
# A bare URL: explicit http(s) scheme or a www. host, not ending in sentence punctuation
# (bleach itself trims a trailing "." "," and unbalanced ")").
_BARE_URL_RE = re.compile(r"""\b(?:https?://|www\.)[^\s<>"'`]*[^\s<>"'`!?:;]""", re.IGNORECASE)
_CONTROL_CHARS_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATES_RE = re.compile(r"[\ud800-\udfff]")
_ALLOWED_TAG_RE = re.compile(rf"<(/?)({'|'.join(ALLOWED_TAGS)})(?=[\s/>])", re.IGNORECASE)
_BLANK_LINES_RE = re.compile(r"\n[ \t]*\n\s*")


def sanitize_comment(text: str) -> str:
    """Return the safe HTML to store for a comment the reader typed as ``text``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_CHARS_RE.sub("", _SURROGATES_RE.sub("\ufffd", text))
    if _nesting_depth(text) > MAX_NESTING:
        text = html.escape(text, quote=False)
    return _cleaner().clean(text)


def _nesting_depth(text):
    """How deep allowed tags could nest, over-estimated: end tags only close open names."""
    open_tags, depth, deepest = Counter(), 0, 0
    for match in _ALLOWED_TAG_RE.finditer(text):
        name = match.group(2).lower()
        if not match.group(1):
            open_tags[name] += 1
            depth += 1
        elif open_tags[name]:
            open_tags[name] -= 1
            depth -= 1
        deepest = max(deepest, depth)
    return deepest


def _allow_attribute(tag, name, value):
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    if name == "href":
        return bool(_SAFE_HREF_RE.match(value))
    if name == "cite":
        return bool(_SAFE_CITE_RE.match(value))
    return True


def _link_policy(attrs, new=False):
    """Linkify callback, run for typed and new links: safe href, rel="nofollow ugc"."""
    href = attrs.get((None, "href"), "")
    attrs = {key: attrs[key] for key in ((None, "title"), "_text") if key in attrs}
    if scheme := _SAFE_HREF_RE.match(href):
        attrs[(None, "href")] = scheme.group().lower() + href[scheme.end() :]
        attrs[(None, "rel")] = LINK_REL
    # Without an href the <a> is left bare, and _ParagraphFilter unwraps it. (Returning None
    # would make bleach flatten the link text, dropping entities such as &lt;.)
    return attrs


class _ParagraphFilter(Filter):
    """Wrap text in <p>, turn newlines into <br>, and unwrap <a> tags that have no href.

    Paragraphs live at the top level and directly inside a top-level <blockquote>. Inside
    inline elements a newline is a <br> and a blank line two, since a <p> cannot go there.
    """

    def __iter__(self):
        blocks = [_Block()]
        unwrap_a = []  # for each open <a>: whether its tags are dropped
        for token in super().__iter__():
            block, kind, name = blocks[-1], token["type"], token.get("name")
            if name == "a" and kind == "StartTag":
                unwrap_a.append((None, "href") not in token["data"])
                if unwrap_a[-1]:
                    continue
            elif name == "a" and kind == "EndTag" and unwrap_a.pop():
                continue

            if kind in ("Characters", "SpaceCharacters"):
                yield from block.text(token["data"])
            elif name == "blockquote" and block.depth == 0:
                if kind == "StartTag":
                    yield from block.close()
                    blocks.append(_Block())
                else:
                    yield from blocks.pop().close()
                yield token
            elif kind == "StartTag":
                yield from block.open()
                block.depth += 1
                yield token
            elif kind == "EndTag":
                block.depth -= 1
                yield token
            else:  # Entity
                yield from block.open()
                yield token
        yield from blocks[0].close()


class _Block:
    """Paragraph state of the comment, or of a blockquote at its top level."""

    def __init__(self):
        self.depth = 0  # open inline elements
        self.in_p = False
        self.pending_br = False  # a newline, written only if the paragraph goes on

    def open(self):
        """Called before inline content: make sure a paragraph is open."""
        if not self.in_p:
            yield {"type": "StartTag", "name": "p", "data": {}}
        elif self.pending_br:
            yield _br()
        self.in_p, self.pending_br = True, False

    def close(self):
        if self.in_p:
            yield {"type": "EndTag", "name": "p"}
        self.in_p = self.pending_br = False

    def text(self, data):
        for i, paragraph in enumerate(_BLANK_LINES_RE.split(data)):
            if i and self.depth:
                yield from (_br(), _br())
            elif i:
                yield from self.close()
            for j, line in enumerate(paragraph.split("\n")):
                if j and self.depth:
                    yield _br()
                elif j:
                    self.pending_br = self.in_p
                if line.strip():
                    yield from self.open()
                if line and self.in_p:
                    yield {"type": "Characters", "data": line}


def _br():
    return {"type": "EmptyTag", "name": "br", "data": {}}


def _make_cleaner():
    return Cleaner(
        tags=ALLOWED_TAGS,
        attributes=_allow_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=False,
        strip_comments=True,
        filters=[
            # Not "a" in skip_tags: that would also skip running _link_policy on typed links.
            partial(
                LinkifyFilter, callbacks=[_link_policy], skip_tags={"code"}, url_re=_BARE_URL_RE
            ),
            _ParagraphFilter,
        ],
    )


# A Cleaner is reused across calls, but its parser keeps state, so each thread gets its own.
_local = threading.local()


def _cleaner():
    if not hasattr(_local, "cleaner"):
        _local.cleaner = _make_cleaner()
    return _local.cleaner
