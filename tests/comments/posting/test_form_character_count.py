"""The server counts a comment's characters as the live count under the box documents it
(static/js/comment_count.js): code points, line breaks as one, and white space or U+FEFF at
either end not counted (JavaScript's String.prototype.trim). A count that says "5000 of
5000" is never refused."""

from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from comments.posting.forms import trim
from comments.posting.own_edits import CommentEditForm
from comments.sanitize import UNUSABLE_CHARACTERS

LIMIT = 20
# ECMAScript's WhiteSpace and LineTerminator, what String.prototype.trim removes: TAB, VT, FF,
# ZWNBSP (U+FEFF), the space separators (Zs) and LF, CR, LS, PS.
JS_TRIMMED = (
    "\t\n\x0b\x0c\r \xa0\u1680"
    + "".join(chr(code) for code in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
# Look like space but are not trimmed by either (zero-width, joiners, the old Mongolian
# vowel separator), and C0/C1 controls Python calls space (both drop them before counting).
NOT_TRIMMED = "\u180e\u200b\u200c\u200d\u2060"
CONTROLS = "\x1c\x1d\x1e\x1f\x85"


def documented_count(text: str) -> int:
    """comment_count.js's count, transcribed: line endings, unusable characters, trim."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = UNUSABLE_CHARACTERS.sub("", text)
    start, end = 0, len(text)
    while start < end and text[start] in JS_TRIMMED:
        start += 1
    while end > start and text[end - 1] in JS_TRIMMED:
        end -= 1
    return end - start


edges = st.text(st.sampled_from(JS_TRIMMED + NOT_TRIMMED + CONTROLS), max_size=6)
core = st.text(
    st.characters(exclude_categories=["Cs", "Cc"]) | st.sampled_from(JS_TRIMMED), max_size=25
)


@override_settings(COMMENTS_MAX_LENGTH=LIMIT)
@given(edges, core, edges)
def test_the_server_counts_as_the_live_count_says(before, middle, after):
    text = before + middle + after
    form = CommentEditForm(data={"comment": text})
    count = documented_count(text)

    if UNUSABLE_CHARACTERS.search(text.replace("\r", "")):
        # Refused once with the characters named; the text shown again counts the same.
        assert not form.is_valid()
        form = CommentEditForm(data={"comment": form.data["comment"]})
    assert form.is_valid() == (1 <= count <= LIMIT), form.errors
    if form.is_valid():
        assert len(form.cleaned_data["comment"]) == count


def test_a_leading_byte_order_mark_is_not_counted_nor_kept():
    with override_settings(COMMENTS_MAX_LENGTH=5):
        form = CommentEditForm(data={"comment": "\ufeffHello\ufeff "})

        assert form.is_valid(), form.errors
    assert form.cleaned_data["comment"] == "Hello"


def test_trimming_keeps_what_is_inside():
    assert trim("\ufeff \u3000a\ufeffb \n") == "a\ufeffb"
    assert trim("\ufeff\u2028") == ""
