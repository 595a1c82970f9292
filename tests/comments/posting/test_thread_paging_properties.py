"""Whatever a link or a person puts in ``?cpage=``, the article page shows one whole page.

Six conversations, two to a page: three pages. Any value of ``cpage`` (numbers, negatives, huge
numbers, words, digits from other scripts) answers 200 with exactly the conversations of one of
those pages, each with its replies; a plain page number shows that page, and a number past the
end shows the last page.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.conftest import make_comment

pytestmark = pytest.mark.django_db

LETTERS = "ABCDEF"
PER_PAGE = 2


def conversation(letter: str) -> str:
    return f"Conversation {letter} starts here."


def reply(letter: str) -> str:
    return f"A reply within conversation {letter}."


EXPECTED_PAGES = [frozenset(LETTERS[i : i + PER_PAGE]) for i in range(0, len(LETTERS), PER_PAGE)]

cpage_values = st.one_of(
    st.integers().map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(lambda n: f" {n} "),
    st.from_regex(r"[+-]?[0-9]{1,40}", fullmatch=True),
    # Digits of other scripts (Arabic-Indic, Devanagari, fullwidth), which int() accepts.
    st.from_regex(r"[\u0660-\u0669\u0966-\u096f\uff10-\uff19]{1,6}", fullmatch=True),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
)


@pytest.fixture
def three_pages(settings, article):
    settings.COMMENTS_PER_PAGE = PER_PAGE
    settings.COMMENTS_NEWEST_FIRST = False
    for letter in LETTERS:
        top = make_comment(article, body=conversation(letter))
        make_comment(article, parent=top, body=reply(letter))
    return article


def shown(html: str, text_of) -> frozenset[str]:
    return frozenset(letter for letter in LETTERS if text_of(letter) in html)


def page_for(article, value: str) -> frozenset[str]:
    """The conversations the page shows for this cpage value (asserting it is one whole page)."""
    response = Client().get(
        reverse("articles:detail", kwargs={"slug": article.slug}), {"cpage": value}
    )
    assert response.status_code == 200
    html = response.content.decode()
    conversations = shown(html, conversation)
    assert conversations in EXPECTED_PAGES
    # Each conversation comes whole: its replies with it, and no other conversation's.
    assert shown(html, reply) == conversations
    return conversations


def test_any_cpage_value_shows_exactly_one_whole_page(three_pages):
    @hypothesis_settings(max_examples=50, deadline=None)
    @given(value=cpage_values)
    @example(value="")
    @example(value="0")
    @example(value="-1")
    @example(value="-99999999999999999999")
    @example(value="4")
    @example(value="99999999999999999999999999999999999999")
    @example(value="9" * 5000)
    @example(value="1e3")
    @example(value="2.0")
    @example(value="1_0")
    @example(value="two")
    @example(value="\u0663")  # ARABIC-INDIC DIGIT THREE
    @example(value="\uff12")  # FULLWIDTH DIGIT TWO
    @example(value="\x00")
    @example(value="NaN")
    def check(value):
        page_for(three_pages, value)

    check()


@pytest.mark.parametrize(("value", "letters"), [("1", "AB"), ("2", "CD"), ("3", "EF")])
def test_a_page_number_shows_that_page(three_pages, value, letters):
    assert page_for(three_pages, value) == frozenset(letters)


@pytest.mark.parametrize("value", ["4", "10", "99999999999999999999999999999999999999"])
def test_a_page_number_past_the_end_shows_the_last_page(three_pages, value):
    assert page_for(three_pages, value) == frozenset("EF")


def test_without_cpage_the_first_page_is_shown(three_pages):
    response = Client().get(reverse("articles:detail", kwargs={"slug": three_pages.slug}))

    html = response.content.decode()
    assert shown(html, conversation) == frozenset("AB")
    assert re.search(r'href="\?cpage=2#comments"', html)
