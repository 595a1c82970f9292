"""``plain_text.plain_text`` and ``text_excerpt``: a comment's text as readers see it, for mail
and excerpts (no markup, entities decoded once, paragraphs and lines kept apart)."""

from hypothesis import example, given
from hypothesis import strategies as st

from comments.plain_text import plain_text, text_excerpt
from comments.sanitize import sanitize_comment


def test_markup_goes_and_the_text_stays_as_the_page_shows_it():
    html = sanitize_comment("<a href='javascript:alert(1)'>x</a> <b>y</b> <script>z &amp;lt;")

    assert plain_text(html) == "x y <script>z &amp;lt;"


def test_paragraphs_lines_and_quotations_stay_apart():
    html = sanitize_comment("One.\nTwo.\n\n<blockquote>Quoted.</blockquote>After.")

    assert plain_text(html) == "One.\nTwo.\n\nQuoted.\n\nAfter."
    assert text_excerpt(html, 200) == "One. Two. Quoted. After."


@given(st.text(max_size=300), st.integers(min_value=1, max_value=80))
@example("000\u094d", 3)  # a virama after the cut: counted apart, it made the excerpt 4 long
@example("e\u0301e\u0301e\u0301e\u0301", 4)  # decomposed accents
def test_an_excerpt_is_one_line_of_at_most_the_length_asked(text, length):
    excerpt = text_excerpt(sanitize_comment(text), length)

    assert len(excerpt) <= length
    assert "\n" not in excerpt
