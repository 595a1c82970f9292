"""What readers see of a comment: the sanitizing policy in comments/sanitize.py.

Pure-function tests, no database. Safety is asserted on the parsed output (what a browser
builds from the stored HTML), not on substrings alone.
"""

import re
import time
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

import pytest
from bleach._vendor import html5lib  # bleach vendors the html5lib it parses with
from hypothesis import example, given, settings
from hypothesis import strategies as st

from comments.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitize_comment

SAFE_HREF_PREFIXES = ("http://", "https://", "mailto:")
SEED_COMMENT = (
    "My patient (wife) says a massaging of lower back is beneficial both for reducing pain "
    "and facilitating mobility and walking. ... I use a small electric vibrating massage "
    "device but I wonder if someone can recommend something better."
)


# Helpers -----------------------------------------------------------------------------------


def parse(output: str):
    """The fragment a browser (html5lib) builds from the stored HTML."""
    return html5lib.parseFragment(output, treebuilder="etree", namespaceHTMLElements=False)


def elements(output: str) -> list[tuple[str, dict[str, str]]]:
    """Every element in the parsed output, in document order, as (tag, attributes)."""
    root = parse(output)
    found = []
    for node in root.iter():
        if node is root:
            continue
        assert isinstance(node.tag, str), f"no comments or other nodes in output: {output!r}"
        found.append((node.tag, dict(node.attrib)))
    return found


def text_of(output: str) -> str:
    """What a reader sees, with markup gone and entities decoded."""
    return "".join(parse(output).itertext())


def tags(output: str) -> list[str]:
    return [tag for tag, _ in elements(output)]


def links(output: str) -> list[dict[str, str]]:
    return [attrs for tag, attrs in elements(output) if tag == "a"]


class _TagChecker(HTMLParser):
    """Checks the serialised form: tags balanced and every attribute value quoted."""

    QUOTED_TAG = re.compile(r"""<[a-z]+(?: [a-z]+=(?:"[^"<]*"|'[^'<]*'))*>""")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open_tags, self.problems = [], []

    def handle_starttag(self, tag, attrs):
        if not self.QUOTED_TAG.fullmatch(self.get_starttag_text()):
            self.problems.append(f"unquoted or odd tag {self.get_starttag_text()!r}")
        if tag != "br":
            self.open_tags.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.problems.append(f"self-closing tag {tag!r}")

    def handle_endtag(self, tag):
        if not self.open_tags or self.open_tags.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")


def assert_safe(output: str) -> None:
    """The stored HTML can only ever produce allowlisted, inert markup."""
    for tag, attrs in elements(output):
        assert tag in ALLOWED_TAGS | {"p", "br"}, f"<{tag}> in {output!r}"
        allowed = ALLOWED_ATTRIBUTES.get(tag, frozenset()) | ({"rel"} if tag == "a" else set())
        assert set(attrs) <= allowed, f"<{tag} {attrs}> in {output!r}"
        if tag == "a":
            assert attrs.get("href", "").startswith(SAFE_HREF_PREFIXES), output
            assert attrs["rel"] == "nofollow ugc", output
        if "cite" in attrs:
            assert attrs["cite"].lower().startswith(("http://", "https://")), output

    checker = _TagChecker()
    checker.feed(output)
    checker.close()
    assert not checker.problems, (checker.problems, output)
    assert not checker.open_tags, (checker.open_tags, output)


# Paragraphs and line breaks ----------------------------------------------------------------


def test_the_seed_comment_comes_out_as_one_paragraph_with_its_text_intact():
    output = sanitize_comment(SEED_COMMENT)

    assert tags(output) == ["p"]
    assert text_of(output) == SEED_COMMENT
    assert_safe(output)


def test_blank_line_starts_a_new_paragraph():
    output = sanitize_comment("First thought.\n\nSecond thought.")

    assert output == "<p>First thought.</p><p>Second thought.</p>"


def test_single_newline_becomes_a_line_break():
    output = sanitize_comment("Roses are red,\nviolets are blue.")

    assert output == "<p>Roses are red,<br>violets are blue.</p>"


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_endings_work_like_newlines(newline):
    output = sanitize_comment(f"one{newline}two{newline}{newline}three")

    assert output == "<p>one<br>two</p><p>three</p>"


def test_several_blank_lines_make_a_single_paragraph_break():
    assert sanitize_comment("one\n\n\n\n   \n\ntwo") == "<p>one</p><p>two</p>"


def test_surrounding_blank_lines_leave_no_empty_paragraphs_or_breaks():
    assert sanitize_comment("\n\n  Hello  \n\n\n") == "<p>Hello  </p>"


@pytest.mark.parametrize("text", ["", "   ", "\n\n\n", "\x00\x01"])
def test_empty_comment_gives_empty_html(text):
    assert sanitize_comment(text) == ""


def test_quoted_text_stands_in_its_own_block_with_its_own_paragraphs():
    output = sanitize_comment("You wrote:\n<blockquote>line one\n\nline two</blockquote>\nI agree.")

    assert output == (
        "<p>You wrote:</p><blockquote><p>line one</p><p>line two</p></blockquote><p>I agree.</p>"
    )


def test_blank_line_inside_bold_text_becomes_a_double_line_break():
    output = sanitize_comment("<b>loud\n\nstill loud</b>\nquiet")

    assert output == "<p><b>loud<br><br>still loud</b><br>quiet</p>"
    assert_safe(output)


def test_words_on_either_side_of_formatting_keep_their_spaces():
    output = sanitize_comment("a <b>bold</b> <i>and</i> plain")

    assert output == "<p>a <b>bold</b> <i>and</i> plain</p>"


def test_very_long_word_is_kept_whole():
    word = "a" * 20_000

    assert sanitize_comment(word) == f"<p>{word}</p>"


# Markup outside the allowlist --------------------------------------------------------------


def test_script_tag_is_shown_as_text_not_run():
    output = sanitize_comment("Hi <script>alert(1)</script>")

    assert tags(output) == ["p"]
    assert text_of(output) == "Hi <script>alert(1)</script>"
    assert "&lt;script&gt;" in output


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="x.png">',
        "<div>block</div>",
        '<span class="x">s</span>',
        "<iframe></iframe>",
        "<p>own paragraph</p>",
        "<br>",
        "<h1>shouting</h1>",
        "<u>underline</u>",
    ],
)
def test_tags_outside_the_allowlist_are_shown_as_typed(markup):
    output = sanitize_comment(markup)

    assert tags(output) == ["p"]
    assert text_of(output) == markup


def test_prose_with_angle_brackets_and_ampersands_shows_as_typed():
    typed = "If dose < 5 mg & weight > 60 kg, use A&B; 2<3 and x&amp;y"

    output = sanitize_comment(typed)

    assert tags(output) == ["p"]
    assert text_of(output) == typed, "an entity typed as text is text"


def test_html_comments_cdata_and_processing_instructions_are_shown_as_typed():
    # Nothing a reader types is hidden from other readers (or from moderators).
    output = sanitize_comment("before <!-- hidden <b>note</b> --> <![CDATA[ x ]]> <?php y ?> after")

    assert text_of(output) == "before <!-- hidden note --> <![CDATA[ x ]]> <?php y ?> after"
    assert tags(output) == ["p", "b"]


# Text with "<", ">" and the punctuation of markup, but no tag a reader may use: every character
# a reader typed is what readers see (only runs of white space may change, into paragraphs).
NO_ALLOWED_TAG = st.text(alphabet=st.sampled_from(" <>!?-[]/&;=\"'xyz0\n"), max_size=80)


@settings(max_examples=400)
@given(NO_ALLOWED_TAG)
@example("<x/")  # a tag that never ends: the rest of the text was dropped
@example("<x/0='>")  # its ">" inside a quoted value that never closes: all of it was dropped
@example("a <x 0='> b")
@example("a <!-- b --> c")
@example("</>")  # an end tag without a name
def test_text_without_an_allowed_tag_is_shown_exactly_as_typed(typed):
    output = sanitize_comment(typed).replace("<br>", "\n").replace("</p><p>", "</p>\n<p>")

    assert text_of(output).split() == typed.split()


def test_an_allowed_tag_whose_quoted_value_never_closes_is_shown_as_typed():
    output = sanitize_comment("Use <b title='bold for emphasis> and <i>this</i> too")

    assert text_of(output) == "Use <b title='bold for emphasis> and <i>this</i> too"
    assert tags(output) == ["p"]


@pytest.mark.parametrize(
    ("markup", "tag", "attrs"),
    [
        ('<a href="https://example.org/" title="Example">x</a>', "a", {"title": "Example"}),
        ('<abbr title="blood pressure">BP</abbr>', "abbr", {"title": "blood pressure"}),
        ('<acronym title="World Health Organization">WHO</acronym>', "acronym", {}),
        ("<b>bold</b>", "b", {}),
        ('<blockquote cite="https://example.org/">q</blockquote>', "blockquote", {}),
        ("<cite>A Book</cite>", "cite", {}),
        ("<code>x = 1</code>", "code", {}),
        ('<del datetime="2024-01-02T03:04:05Z">old</del>', "del", {}),
        ("<em>em</em>", "em", {}),
        ("<i>italic</i>", "i", {}),
        ('<q cite="http://example.org/q">quote</q>', "q", {}),
        ("<s>struck</s>", "s", {}),
        ("<strike>struck</strike>", "strike", {}),
        ("<strong>strong</strong>", "strong", {}),
    ],
)
def test_allowed_wordpress_tags_survive(markup, tag, attrs):
    output = sanitize_comment(markup)

    found = dict(elements(output))
    assert tag in found, output
    expected = {name: value for name, value in found[tag].items() if name in attrs}
    assert expected == attrs
    for name in re.findall(r" (\w+)=", markup):
        assert name in found[tag], f"{name} kept on <{tag}>"
    assert_safe(output)


def test_attributes_outside_the_allowlist_are_removed():
    output = sanitize_comment(
        '<b class="big" style="color:red" onclick="alert(1)" id="x">b</b>'
        '<abbr title="t" lang="en">a</abbr>'
    )

    assert elements(output) == [("p", {}), ("b", {}), ("abbr", {"title": "t"})]


def test_quotes_in_a_title_cannot_break_out_of_the_attribute():
    output = sanitize_comment('<abbr title="x&quot; onmouseover=&quot;alert(1)">a</abbr>')

    assert elements(output) == [
        ("p", {}),
        ("abbr", {"title": 'x" onmouseover="alert(1)'}),
    ]
    assert_safe(output)


def test_unclosed_tags_are_closed():
    output = sanitize_comment("<b>bold <i>and italic")

    assert output == "<p><b>bold <i>and italic</i></b></p>"


def test_stray_closing_tags_are_dropped_not_shown():
    output = sanitize_comment("plain</b></i> text")

    assert output == "<p>plain text</p>"


# Links -------------------------------------------------------------------------------------


def test_bare_url_becomes_a_nofollow_ugc_link():
    output = sanitize_comment("See https://example.org/study?id=1&page=2 for more.")

    assert links(output) == [
        {"href": "https://example.org/study?id=1&page=2", "rel": "nofollow ugc"}
    ]
    assert text_of(output) == "See https://example.org/study?id=1&page=2 for more."


def test_www_address_becomes_an_http_link():
    output = sanitize_comment("Try www.example.org today")

    assert links(output) == [{"href": "http://www.example.org", "rel": "nofollow ugc"}]
    assert text_of(output) == "Try www.example.org today"


@pytest.mark.parametrize("after", [".", ",", "!", "?", ";", ":", ")"])
def test_punctuation_after_a_url_is_not_part_of_the_link(after):
    output = sanitize_comment(f"(see https://example.org/a{after} ok")

    assert links(output)[0]["href"] == "https://example.org/a"
    assert text_of(output) == f"(see https://example.org/a{after} ok"


def test_url_with_balanced_parentheses_is_linked_whole():
    url = "https://en.wikipedia.org/wiki/Sciatica_(disorder)"

    assert links(sanitize_comment(f"read {url}"))[0]["href"] == url


@pytest.mark.parametrize(
    "text",
    [
        "example.org",
        "my notes.txt",
        "ftp://files.example.org/x",
        "write to nurse@example.org",
        "javascript:alert(1)",
    ],
)
def test_text_that_is_not_an_http_or_www_address_is_not_linked(text):
    output = sanitize_comment(text)

    assert links(output) == []
    assert text_of(output) == text


def test_urls_inside_code_are_not_linked():
    output = sanitize_comment("<code>curl https://example.org/api</code>")

    assert tags(output) == ["p", "code"]
    assert text_of(output) == "curl https://example.org/api"


def test_url_as_link_text_is_not_linked_twice():
    output = sanitize_comment('<a href="https://a.example/">https://b.example/</a>')

    assert links(output) == [{"href": "https://a.example/", "rel": "nofollow ugc"}]


def test_typed_link_gets_nofollow_ugc_and_keeps_its_title():
    output = sanitize_comment('<a href="https://example.org/" title="A study">study</a>')

    assert links(output) == [
        {"href": "https://example.org/", "title": "A study", "rel": "nofollow ugc"}
    ]


def test_commenter_cannot_set_target_or_rel():
    output = sanitize_comment(
        '<a href="https://example.org/" target="_blank" rel="dofollow noopener">x</a>'
    )

    assert links(output) == [{"href": "https://example.org/", "rel": "nofollow ugc"}]


def test_mailto_link_survives_with_nofollow_ugc():
    output = sanitize_comment('<a href="mailto:editor@example.org">write</a>')

    assert links(output) == [{"href": "mailto:editor@example.org", "rel": "nofollow ugc"}]


def test_uppercase_scheme_is_accepted_and_lowercased():
    output = sanitize_comment('<a href="HTTPS://Example.org/X">x</a>')

    assert links(output)[0]["href"] == "https://Example.org/X"


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "jav\tascript:alert(1)",
        " javascript:alert(1)",
        "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)",
        "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)",
        "javascript&colon;alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "ftp://files.example.org/",
        "/relative/path",
        "../up",
        "#top",
        "//evil.example/",
        "\\\\evil.example\\share",
        "http:evil.example",
        "&#104;ttp://example.org/",
        "",
    ],
)
def test_javascript_link_loses_its_href(href):
    output = sanitize_comment(f'Look <a href="{href}">here</a> now')

    assert links(output) == [], "a link without a safe href is not a link"
    assert text_of(output) == "Look here now"
    assert_safe(output)


def test_link_without_href_keeps_its_text_and_formatting():
    output = sanitize_comment('<a href="javascript:x" title="t">a &lt; <b>b</b></a>')

    assert elements(output) == [("p", {}), ("b", {})]
    assert text_of(output) == "a &lt; b"


def test_quote_source_must_be_an_http_address():
    output = sanitize_comment(
        '<blockquote cite="javascript:alert(1)">a</blockquote>'
        '<q cite="mailto:x@example.org">b</q><q cite="/relative">c</q>'
        '<q cite="https://example.org/src">d</q>'
    )

    cites = [attrs.get("cite") for tag, attrs in elements(output) if tag in {"blockquote", "q"}]
    assert cites == [None, None, None, "https://example.org/src"]


# Hostile input -----------------------------------------------------------------------------

MUTATION_XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
    '<<SCRIPT>alert("XSS");//<</SCRIPT>',
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    "<style>@import 'http://evil.example/x.css';</style>",
    '<div style="background-image: url(javascript:alert(1))">x</div>',
    '<b onmouseover="alert(1)">hover</b>',
    '<a href="https://example.org/" onclick="alert(1)">x</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<title><a title="</title><img src=x onerror=alert(1)>">',
    '<xmp><b title="</xmp><img src=x onerror=alert(1)>">',
    '<textarea><b title="</textarea><img src=x onerror=alert(1)>">',
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    '<math><mi><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=alert(1) src=1>">',
    "<!--<img src=x onerror=alert(1)>-->",
    "<!--><img src=x onerror=alert(1)>-->",
    '<a href="javascript:alert(1)"><b title="</a><img src=x onerror=alert(1)>">x</b></a>',
    '<blockquote cite="javascript:alert(1)"><q cite=" javascript:alert(1)">q</q></blockquote>',
    '<a href="&#x20;javascript:alert(1)">x</a>',
    '<a href="java\x00script:alert(1)">x</a>',
    "<a href=javascript:alert(1)//https://example.org/>x</a>",
    '<abbr title="</abbr><script>alert(1)</script>">a</abbr>',
]


def _executable(output: str) -> list[str]:
    """Things in the parsed output a browser could run or load."""
    found = []
    for tag, attrs in elements(output):
        found += [f"{tag}[{name}]" for name in attrs if name.startswith("on")]
        for name, value in attrs.items():
            squashed = re.sub(r"[\x00-\x20]", "", value).lower()
            if squashed.startswith(("javascript:", "data:", "vbscript:")):
                found.append(f"{tag}[{name}={value!r}]")
        if tag in {"script", "style", "img", "svg", "math", "iframe", "object", "noscript"}:
            found.append(tag)
    return found


@pytest.mark.parametrize("vector", MUTATION_XSS_VECTORS)
def test_mutation_xss_vectors_leave_no_executable_markup(vector):
    output = sanitize_comment(vector)

    assert _executable(output) == []
    assert_safe(output)
    # Sanitizing the stored HTML again finds nothing new to remove (no mutation on reparse).
    assert _executable(sanitize_comment(output)) == []


def test_deeply_nested_markup_is_handled_quickly():
    started = time.perf_counter()
    output = sanitize_comment("<b>" * 10_000 + "deep" + "</b>" * 10_000)
    elapsed = time.perf_counter() - started

    assert_safe(output)
    assert text_of(output).endswith("deep" + "</b>" * 10_000), "shown as text instead"
    assert elapsed < 5, f"took {elapsed:.2f}s"


@pytest.mark.parametrize("repeat", ["<b>", "<b></i>", "<a>", "<blockquote><i></blockquote>"])
def test_pathological_nesting_tricks_degrade_to_plain_text(repeat):
    output = sanitize_comment(repeat * 5_000 + "x")

    assert elements(output) == [("p", {})]
    assert_safe(output)


def test_ordinary_nesting_and_many_tags_keep_their_formatting():
    nested = "<b><i><em><strong><q>deep</q></strong></em></i></b>"
    many = "<b>x</b> " * 1_000

    assert tags(sanitize_comment(nested)) == ["p", "b", "i", "em", "strong", "q"]
    assert tags(sanitize_comment(many)).count("b") == 1_000


def test_control_characters_are_removed():
    output = sanitize_comment("a\x00b\x01c\x08d\x0be\x0cf\x1bg\x7fh\x85i\tj")

    assert output == "<p>abcdefghi\tj</p>"


def test_lone_surrogates_do_not_raise():
    output = sanitize_comment("half \ud83d of an emoji, and \udc00 too")

    assert text_of(output) == "half \ufffd of an emoji, and \ufffd too"
    output.encode("utf-8")  # storable as-is


def test_concurrent_comments_from_threads_do_not_mix():
    comments = [f"comment {n}\n\n<b>bold {n}</b> https://example.org/{n}" for n in range(200)]
    expected = [sanitize_comment(comment) for comment in comments]

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(sanitize_comment, comments)) == expected


# Any input at all --------------------------------------------------------------------------

HTML_SNIPPETS = [
    *(f"<{tag}>" for tag in sorted(ALLOWED_TAGS)),
    *(f"</{tag}>" for tag in sorted(ALLOWED_TAGS)),
    "<p>",
    "</p>",
    "<br>",
    "<br/>",
    "<script>",
    "</script>",
    "<style>",
    "<svg>",
    "<math>",
    "<mglyph>",
    "<noscript>",
    "<textarea>",
    "<title>",
    "<img src=x onerror=alert(1)>",
    '<a href="',
    "<a href=",
    '<a href="javascript:alert(1)">',
    '<a href="https://example.org/" rel="me" target="_blank">',
    '<a href="mailto:a@example.org">',
    '<a href="//evil.example">',
    '<blockquote cite="',
    '<q cite="https://example.org/">',
    '<abbr title="',
    '<del datetime="2024">',
    ' onclick="alert(1)"',
    ' title="x"',
    '"',
    "'",
    ">",
    "<",
    "/>",
    "<!--",
    "-->",
    "<![CDATA[",
    "&",
    "&amp;",
    "&lt;",
    "&#x6A;",
    "&#0;",
    "&colon;",
    "javascript:",
    "https://example.org/",
    "http://x.example/a_(b)",
    "www.example.org",
    "\n",
    "\n\n",
    "\r\n",
    "\r",
    "\t",
    "\x00",
    "\x0c",
    "\ud800",
    "\ufeff",
    "\u2028",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(), st.sampled_from(HTML_SNIPPETS)), max_size=40).map("".join))
def test_any_text_gives_safe_well_formed_html(text):
    output = sanitize_comment(text)

    assert isinstance(output, str)
    assert_safe(output)
    assert _executable(output) == []
