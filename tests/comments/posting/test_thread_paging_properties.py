"""Whatever a link or a person puts in ``?cpage=``, the article page shows one whole page or
is not found.

Six conversations, two to a page: three pages. A plain page number of the thread ("1" to "3")
answers 200 with exactly that page's conversations, each with its replies; any other value
(numbers past the end, zero, negatives, huge numbers, signs, spaces, leading zeros, words,
digits from other scripts) answers 404, so no invented address gets a page of its own.
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


def page_for(article, value: str) -> frozenset[str] | None:
    """The conversations the page shows for this cpage value (asserting it is one whole page),
    or None when there is no such page (asserting a 404)."""
    response = Client().get(
        reverse("articles:detail", kwargs={"slug": article.slug}), {"cpage": value}
    )
    if value not in ("1", "2", "3"):
        assert response.status_code == 404
        return None
    assert response.status_code == 200
    html = response.content.decode()
    conversations = shown(html, conversation)
    assert conversations in EXPECTED_PAGES
    # Each conversation comes whole: its replies with it, and no other conversation's.
    assert shown(html, reply) == conversations
    return conversations


def test_any_cpage_value_shows_exactly_one_whole_page_or_is_not_found(three_pages):
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
def test_a_page_number_past_the_end_is_not_found(three_pages, value):
    assert page_for(three_pages, value) is None


@pytest.mark.parametrize("value", ["0", "-1", "+2", "02", " 2", "2 ", "", "two", "\uff12"])
def test_another_spelling_of_a_page_number_is_not_found(three_pages, value):
    assert page_for(three_pages, value) is None


def test_without_cpage_the_first_page_is_shown(three_pages):
    response = Client().get(reverse("articles:detail", kwargs={"slug": three_pages.slug}))

    html = response.content.decode()
    assert shown(html, conversation) == frozenset("AB")
    assert re.search(r'href="\?cpage=2#comments"', html)


def test_a_thread_of_many_pages_links_its_ends_and_the_pages_around_this_one(settings, article):
    settings.COMMENTS_PER_PAGE = 1
    for n in range(40):
        make_comment(article, body=f"Conversation {n}.")

    html = (
        Client()
        .get(reverse("articles:detail", kwargs={"slug": article.slug}), {"cpage": "20"})
        .content.decode()
    )
    linked = [int(n) for n in re.findall(r"Comments page </span>(\d+)", html)]

    assert linked == [1, 18, 19, 20, 21, 22, 40]
    assert html.count('<span class="page-link">…</span>') == 2
