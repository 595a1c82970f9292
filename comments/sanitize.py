"""The sanitizing policy for reader comments: what a commenter may type, and what we store.

Commenters type plain text that may contain a little HTML. ``sanitize_comment`` turns it
into the HTML stored in ``Comment.body_html``, which templates output unescaped:

* Only WordPress's comment allowlist survives as markup (``ALLOWED_TAGS`` with
  ``ALLOWED_ATTRIBUTES``). Any other tag is kept as visible text (escaped), so
  ``<script>`` shows up as ``&lt;script&gt;``. HTML comments are removed.
* Newlines become paragraphs: a blank line starts a new ``<p>``, a single newline is a
  ``<br>`` (a simple wpautop). ``<p>`` and ``<br>`` appear only where we put them and carry
  no attributes; a commenter who types ``<p>`` sees it as text.
* What is typed as text is shown as typed: ``write &amp;lt; here`` shows as typed, not as
  ``write < here``, and ``AT&amp;amp;T`` not as ``AT&T``. An ``&`` in text never starts an
  entity (it is stored as ``&amp;``, which the page decodes once); entities keep their HTML
  meaning only in the attributes of allowlisted tags, which are markup.
* Bare ``http(s)://`` and ``www.`` URLs become links, except inside ``<a>`` and ``<code>``.
  A link ends before the punctuation people put after or around an address (``LINK_END``):
  a trailing ``. , ; : ! ? ' *``, a closing ``) ] }`` that has no partner inside the URL
  (so ``https://en.wikipedia.org/wiki/Sciatica_(disorder)`` is linked whole), and it never
  holds a typographic quote, guillemet or CJK/full-width bracket or punctuation
  (``“ ” « » 「 」 。``, full-width parentheses), which a copied address never holds
  (browsers percent-encode them). ``[https://example.org/]`` links
  ``https://example.org/``; the brackets stay text.
* Every link gets ``rel="nofollow ugc"`` (commenters cannot set ``rel`` or ``target``)
  and its ``href`` must start with ``http://``, ``https://`` or ``mailto:``. A link
  with any other href (``javascript:``, relative, ``//host`` ...) loses it, and an ``<a>``
  without an href is unwrapped, leaving its text. ``cite`` must be ``http(s)://``.
* Control characters (except newline and tab) and Unicode noncharacters (U+FFFE, U+FFFF,
  U+FDD0..U+FDEF, the last two of every plane) are removed, line endings normalised to
  ``\\n`` and lone surrogates replaced with U+FFFD, so any ``str`` is accepted and the
  result is legal XML 1.0 text (``UNUSABLE_CHARACTERS``; feeds hold ``body_html``).
* Markup nested deeper than ``MAX_NESTING`` is not parsed at all: the whole comment is
  shown as text. html5lib's cost grows quadratically with depth (10,000 nested ``<b>``
  take most of a second, 50,000 over ten), and no real comment needs more than a few.

Parsing, allowlisting, linkifying and serialising happen in one bleach ``Cleaner`` pass.
"""

import re
import threading
from collections import Counter
from functools import partial

from bleach.html5lib_shim import (
    TAG_TOKEN_TYPE_CHARACTERS,
    BleachHTMLParser,
    BleachHTMLTokenizer,
    Filter,
    ReparseException,
)
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

# Unicode's 66 noncharacters: U+FDD0..U+FDEF and the last two code points of every plane.
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000)
)
# Code points no text we keep may hold: C0 controls but tab, newline and CR; DEL and the C1
# controls; lone surrogates; the noncharacters. XML 1.0 forbids the C0 controls, surrogates,
# U+FFFE and U+FFFF (a feed holding one is not well-formed) and discourages the rest; nobody
# types one on purpose. The comment form refuses them, the sanitizer and the name cleaning
# drop them, and the feeds (``XmlTextFeedMixin``) drop them as the last guard.
UNUSABLE_CHARACTERS = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]"
)

_SAFE_HREF_RE = re.compile(r"(?:https?://|mailto:)", re.IGNORECASE)
_SAFE_CITE_RE = re.compile(r"https?://", re.IGNORECASE)
# What a bare URL never holds: white space, < > " `, typographic quotes and guillemets, CJK
# and full-width brackets and punctuation (U+3000..U+303F, full-width ASCII punctuation),
# and U+FFFF (the stand-in for "<" in text shown whole as text, see sanitize_comment).
_NOT_IN_URL = (
    '\\s<>"`\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a\u2018\u2019\u201a\u201b'
    "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\uffff"
)
# A bare URL: an http(s) scheme or a www. host, then a letter, digit or "[" (an IPv6 host).
# Punctuation at its end is trimmed by _trim_url.
_BARE_URL_RE = re.compile(rf"\b(?:https?://|www\.)(?=[\w\[])[^{_NOT_IN_URL}]+", re.IGNORECASE)
# Trimmed from the end of a bare URL: sentence punctuation (Latin, Arabic, Urdu; the
# ellipsis), quotes, emphasis.
LINK_END = frozenset(".,;:!?'*\u060c\u061b\u061f\u06d4\u2026")
# A closing bracket ends a bare URL unless it closes one opened inside it.
_CLOSING = {")": "(", "]": "[", "}": "{"}
_SURROGATES_RE = re.compile(r"[\ud800-\udfff]")
_LT_STAND_IN = "\uffff"  # a noncharacter: never in the text once UNUSABLE_CHARACTERS are gone
_ALLOWED_TAG_RE = re.compile(rf"<(/?)({'|'.join(ALLOWED_TAGS)})(?=[\s/>])", re.IGNORECASE)
BLANK_LINES_RE = re.compile(r"\n[ \t]*\n\s*")
# A "<" that starts no tag (not "<" or "</" and an ASCII letter: a comment, CDATA, "</>", "<3").
_NOT_MARKUP_RE = re.compile(r"<(?!/?[A-Za-z])")


def sanitize_comment(text: str) -> str:
    """Return the safe HTML to store for a comment the reader typed as ``text``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = UNUSABLE_CHARACTERS.sub("", _SURROGATES_RE.sub("\ufffd", text))
    if _nesting_depth(text) > MAX_NESTING:
        # Shown whole as text: "<" starts no tag. ("&" in text is text anyway.)
        return _cleaner().clean(text.replace("<", _LT_STAND_IN)).replace(_LT_STAND_IN, "&lt;")
    # "<!", "<?", "</>" (an HTML comment, CDATA, a doctype, a processing instruction: no tag a
    # reader may use) would make the parser drop what follows: they are text as typed.
    text = _NOT_MARKUP_RE.sub(_LT_STAND_IN, text)
    # A tag that never ends (no ">" after its "<", or one inside a quoted attribute value
    # that never closes) would make the parser drop the rest: from there on, "<" is text.
    end = _unended_tag(text)
    if end is not None:
        text = text[:end] + text[end:].replace("<", _LT_STAND_IN)
    return _cleaner().clean(text).replace(_LT_STAND_IN, "&lt;")


def _unended_tag(text: str) -> int | None:
    """Where a tag starts that the HTML tokenizer would read to the end of ``text`` (its "<"),
    or None. A tag is "<" or "</" and an ASCII letter; it ends at the first ">" outside a
    quoted attribute value, and a quote opens a value only right after "=" (and spaces)."""
    start, length = 0, len(text)
    while (start := text.find("<", start)) >= 0:
        name = start + 1 + (text.startswith("/", start + 1))
        if name >= length or not (text[name].isascii() and text[name].isalpha()):
            start += 1
            continue
        quote, after_equals, in_name = None, False, True
        for at in range(name, length):
            char = text[at]
            if quote:
                quote = None if char == quote else quote
            elif char == ">":
                break
            elif in_name:
                in_name = char not in " \t\n\f/"
            elif after_equals and char in "\"'":
                quote, after_equals = char, False
            elif char == "=":
                after_equals = True
            elif char not in " \t\n\f":
                after_equals = False
        else:
            return start
        start = at + 1
    return None


def allowed_tags_text() -> str:
    """The markup a commenter may type, as WordPress's ``allowed_tags()`` lists it.

    Plain text (not HTML), tags in alphabetical order with their allowed attributes, built
    from ``ALLOWED_TAGS`` and ``ALLOWED_ATTRIBUTES``:
    ``<a href="" title=""> <abbr title=""> ... <strong>``. Escape it before putting it in HTML.
    """
    tags = []
    for tag in sorted(ALLOWED_TAGS):
        attributes = "".join(f' {name}=""' for name in sorted(ALLOWED_ATTRIBUTES.get(tag, ())))
        tags.append(f"<{tag}{attributes}>")
    return " ".join(tags)


def xml_text(text: str) -> str:
    """``text`` without the code points XML 1.0 cannot hold (``UNUSABLE_CHARACTERS``)."""
    return UNUSABLE_CHARACTERS.sub("", text)


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
    if new:
        # A bare URL's href is text as typed; the serializer reads an attribute's "&" as
        # the start of an entity (as typed markup means it), so its "&" are escaped here.
        href = href.replace("&", "&amp;")
    if scheme := _SAFE_HREF_RE.match(href):
        attrs[(None, "href")] = scheme.group().lower() + href[scheme.end() :]
        attrs[(None, "rel")] = LINK_REL
    # Without an href the <a> is left bare, and _ParagraphFilter unwraps it. (Returning None
    # would make bleach flatten the link text, dropping entities such as &lt;.)
    return attrs


def _trim_url(url: str) -> str:
    """``url`` without the punctuation after it: ``LINK_END``, and closing brackets that close
    nothing opened inside the URL (``https://x.org/a_(b))`` keeps one ``)``)."""
    end = len(url)
    while end:
        last = url[end - 1]
        if last in LINK_END or (
            last in _CLOSING and url.count(last, 0, end) > url.count(_CLOSING[last], 0, end)
        ):
            end -= 1
        else:
            break
    return url[:end]


class _TextAsTypedTokenizer(BleachHTMLTokenizer):
    """Text tokens with every ``&`` escaped as ``&amp;``.

    bleach reads ``&name;`` in text as an entity (and its linkifier reads ``&amp;`` once
    more, decoding ``&amp;lt;`` to ``<``). Escaping each ``&`` of the text here, before
    bleach's sanitizer reads ``&amp;`` back as ``&``, leaves the characters as typed. Tag
    attributes are markup and keep HTML's meaning.
    """

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == TAG_TOKEN_TYPE_CHARACTERS and "&" in token["data"]:
                token = {**token, "data": token["data"].replace("&", "&amp;")}
            yield token


class _TextAsTypedParser(BleachHTMLParser):
    """bleach's parser with _TextAsTypedTokenizer (bleach 6's ``_parse``, tokenizer swapped)."""

    def _parse(self, stream, innerHTML=False, container="div", scripting=True, **kwargs):
        self.innerHTMLMode = innerHTML
        self.container = container
        self.scripting = scripting
        self.tokenizer = _TextAsTypedTokenizer(
            stream=stream, consume_entities=self.consume_entities, parser=self, **kwargs
        )
        self.reset()
        try:
            self.mainLoop()
        except ReparseException:
            self.reset()
            self.mainLoop()


class _LinkifyFilter(LinkifyFilter):
    """bleach's linkifier, reading text as text and ending links before punctuation."""

    def extract_entities(self, token):
        yield token  # text holds the characters as typed: no entities to find

    def strip_non_url_bits(self, fragment):
        url = _trim_url(fragment)
        return url, "", fragment[len(url) :]


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
        for i, paragraph in enumerate(BLANK_LINES_RE.split(data)):
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
    cleaner = Cleaner(
        tags=ALLOWED_TAGS,
        attributes=_allow_attribute,
        protocols=ALLOWED_PROTOCOLS,
        strip=False,
        strip_comments=True,
        filters=[
            # Not "a" in skip_tags: that would also skip running _link_policy on typed links.
            partial(
                _LinkifyFilter, callbacks=[_link_policy], skip_tags={"code"}, url_re=_BARE_URL_RE
            ),
            _ParagraphFilter,
        ],
    )
    cleaner.parser = _TextAsTypedParser(
        tags=cleaner.tags, strip=False, consume_entities=False, namespaceHTMLElements=False
    )
    return cleaner


# A Cleaner is reused across calls, but its parser keeps state, so each thread gets its own.
_local = threading.local()


def _cleaner():
    if not hasattr(_local, "cleaner"):
        _local.cleaner = _make_cleaner()
    return _local.cleaner
