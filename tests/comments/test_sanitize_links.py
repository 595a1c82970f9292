# ruff: noqa: RUF001 (the quotes and brackets people use, written as such)
"""Bare URLs become links that end where the address ends, not at the bracket around it.

People put addresses in brackets, quotes and guillemets, and end sentences after them; the
link must hold the address only, and the punctuation stays text. Balanced parentheses inside
an address (Wikipedia's ``_(disease)``) are part of it.
"""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from comments.sanitize import sanitize_comment
from tests.comments.test_sanitize import links, text_of

WIKIPEDIA = "https://en.wikipedia.org/wiki/Multiple_sclerosis_(disease)"
# (opening, closing) pairs people wrap addresses in, in Latin and CJK typography.
PAIRS = [
    ("(", ")"),
    ("[", "]"),
    ("{", "}"),
    ("<", ">"),
    ("«", "»"),
    ("»", "«"),
    ("“", "”"),
    ("„", "“"),
    ("‘", "’"),
    ('"', '"'),
    ("'", "'"),
    ("（", "）"),
    ("【", "】"),
    ("「", "」"),
    ("『", "』"),
    ("〈", "〉"),
    ("《", "》"),
    ("", ""),
]
AFTER = [".", ",", ";", ":", "!", "?", "'", "...", "。", "、", "！", "？", "", " (see the study)"]


def test_a_link_in_square_brackets_ends_before_the_bracket():
    typed = "Source: [https://www.example.org/] (see the study)"

    output = sanitize_comment(typed)

    assert [link["href"] for link in links(output)] == ["https://www.example.org/"]
    assert text_of(output) == typed, "the brackets stay as text"
    assert "]</a>" not in output


@pytest.mark.parametrize("opening, closing", PAIRS)
def test_a_link_wrapped_in_brackets_or_quotes_ends_before_the_closing_one(opening, closing):
    output = sanitize_comment(f"see {opening}https://example.org/study{closing}. Thanks")

    assert [link["href"] for link in links(output)] == ["https://example.org/study"]
    assert text_of(output) == f"see {opening}https://example.org/study{closing}. Thanks"


def test_balanced_parentheses_inside_an_address_stay_in_the_link():
    assert links(sanitize_comment(f"read {WIKIPEDIA}."))[0]["href"] == WIKIPEDIA
    assert links(sanitize_comment(f"(read {WIKIPEDIA})"))[0]["href"] == WIKIPEDIA
    assert links(sanitize_comment(f"[{WIKIPEDIA}]"))[0]["href"] == WIKIPEDIA


def test_brackets_and_punctuation_inside_an_address_are_kept():
    url = "https://example.org/a.b;c/[1]?q=a,b:c&x='y'!z"

    assert links(sanitize_comment(f"see {url} now"))[0]["href"] == url


def test_an_address_before_cjk_text_ends_at_the_cjk_punctuation():
    output = sanitize_comment("「https://example.jp/x」を見てください。")

    assert [link["href"] for link in links(output)] == ["https://example.jp/x"]


# An address as people paste one: a host, a path of URL characters, maybe a query, maybe a
# balanced (…) part, never ending in punctuation.
_word = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_~%", min_size=1, max_size=8)
_end = st.text("abcdefghijklmnopqrstuvwxyz0123456789/", min_size=1, max_size=1)
urls = st.builds(
    lambda scheme, host, path, paren, query, end: (
        f"{scheme}{host}.org/{'/'.join(path)}{paren}{query}{end}"
    ),
    st.sampled_from(["https://", "http://", "https://www."]),
    _word.filter(lambda word: word[0].isalnum()),
    st.lists(_word, max_size=3),
    st.one_of(st.just(""), _word.map(lambda word: f"_({word})")),
    st.one_of(st.just(""), st.builds("?a={}&b={}".format, _word, _word)),
    _end,
)


@given(url=urls, pair=st.sampled_from(PAIRS), after=st.sampled_from(AFTER))
@example(url=WIKIPEDIA, pair=("(", ")"), after=".")
@example(url="https://www.example.org/", pair=("[", "]"), after=" (see the study)")
def test_a_wrapped_address_followed_by_punctuation_links_exactly_the_address(url, pair, after):
    opening, closing = pair
    typed = f"Source: {opening}{url}{closing}{after} more"

    output = sanitize_comment(typed)

    assert [link["href"] for link in links(output)] == [url]
    assert text_of(output) == typed
