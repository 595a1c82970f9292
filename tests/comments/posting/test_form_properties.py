"""Generated input through the real form and posting service: nothing a user sends crashes it."""

import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from comments.models import Comment
from comments.posting.forms import issue_timestamp
from comments.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from tests.conftest import make_comment

pytestmark = pytest.mark.django_db

# Anything a browser can send as UTF-8 (lone surrogates cannot be encoded), with extra weight
# on the characters that break things: controls, bidi overrides, zero-width, markup.
tricky = st.sampled_from(
    ["\x00", "\x1b", "\u202e", "\u2066", "\u200b", "\ufeff", "<", ">", "&", '"', "'", "\n", "\r"]
)
any_text = st.text(st.one_of(st.characters(exclude_categories=["Cs"]), tricky), max_size=300)
markup = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        "<img src=x onerror=alert(1)>",
        "<b><i>nested</b></i>",
        "https://example.org/path?q=1",
        "<svg><style>",
    ]
)
comment_text = st.lists(st.one_of(any_text, markup), max_size=5).map("".join)

TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)([^>]*)>")
ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="')


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=comment_text, name=any_text, email=any_text, url=any_text, parent=any_text)
def test_no_input_makes_the_form_fail_and_what_is_stored_is_safe(
    article, body, name, email, url, parent
):
    client = Client()
    data = {
        "comment": body,
        "name": name,
        "email": email,
        "url": url,
        "parent": parent,
        "issued": issue_timestamp(),
    }

    response = client.post(f"/articles/{article.slug}/comments/", data)

    assert response.status_code in (200, 302, 429)
    if response.status_code == 302:
        comment = Comment.objects.latest("pk")
        for _closing, tag, attributes in TAG.findall(comment.body_html):
            assert tag.lower() in ALLOWED_TAGS | {"p", "br"}
            allowed = ALLOWED_ATTRIBUTES.get(tag.lower(), frozenset()) | {"rel"}
            assert set(ATTRIBUTE.findall(attributes)) <= allowed
        assert "\x00" not in comment.author_name + comment.body


FIRST = "The first conversation."
SECOND = "The second conversation."

# What ends up in ``?cpage=``: page numbers, their odd spellings, and anything at all.
page_values = st.one_of(
    st.integers().map(str),
    st.from_regex(r"\s*[+-]?[0-9]{1,40}\s*", fullmatch=True),
    any_text,
)


@pytest.fixture
def two_pages(settings, article):
    """Two conversations, one to a page."""
    settings.COMMENTS_PER_PAGE = 1
    settings.COMMENTS_NEWEST_FIRST = False
    make_comment(article, body=FIRST)
    make_comment(article, body=SECOND)
    return article


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cpage=page_values, replytocom=st.none() | page_values)
@example(cpage="2", replytocom=None)
@example(cpage="9" * 5000, replytocom=None)
@example(cpage="-1", replytocom="not a number")
def test_no_query_string_breaks_the_article_page(client, two_pages, cpage, replytocom):
    """Whatever ``?cpage=`` (and ``?replytocom=``, which bypasses the shared page cache)
    hold, the reader gets the article, one real page of its thread and the comment form, or,
    when ``cpage`` is not a page number the thread has, a 404 page (never an error)."""
    query = {"cpage": cpage} if replytocom is None else {"cpage": cpage, "replytocom": replytocom}

    response = client.get(two_pages.get_absolute_url(), query)

    if cpage not in ("1", "2"):
        assert response.status_code == 404
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert two_pages.title in html
    assert (FIRST in html) != (SECOND in html), "exactly one page of the thread is shown"
    assert 'class="comment-form"' in html
