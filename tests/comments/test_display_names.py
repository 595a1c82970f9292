# ruff: noqa: RUF001 (Persian letters, written as such)
"""A name keeps the joiners that spell it and loses only the invisible characters that spoof.

ZWJ makes one emoji of several (``👩‍⚕️``, a health worker), ZWNJ is part of a Persian
spelling, tag characters make the flags of Scotland, Wales and England. Bidi overrides,
zero-width spaces, BOMs and lone joiners at the edges only hide or reorder text.
"""

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from comments.identity import clean_display_name, impersonates_staff
from comments.models import Comment
from tests.conftest import make_comment

ZWJ, ZWNJ = "\u200d", "\u200c"
# Emoji ZWJ sequences and tag sequences, as the RGI list spells them.
JOINED_EMOJI = [
    "👩\u200d⚕️",  # woman health worker
    "🧑🏽\u200d⚕️",  # health worker, medium skin tone
    "👨\u200d👩\u200d👧\u200d👦",  # family
    "🏳️\u200d🌈",  # rainbow flag
    "❤️\u200d🩹",  # mending heart
    "🧑\u200d🦽",  # person in manual wheelchair
    "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
    "🏴\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f",  # Wales
]
PERSIAN_NAMES = ["می\u200cنا", "مهر\u200cانگیز", "علی\u200cرضا"]
SPOOFING = [
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200b",
    "\ufeff",
    "\u00ad",
]
plain_names = st.text(
    st.characters(categories=["L", "M", "N"]) | st.sampled_from(" -'."), min_size=1, max_size=12
).filter(lambda name: clean_display_name(name) == name and name.strip())


@pytest.mark.parametrize("emoji", JOINED_EMOJI)
def test_a_joined_emoji_in_a_name_stays_one_emoji(emoji):
    assert clean_display_name(f"Ann {emoji}") == f"Ann {emoji}"
    assert clean_display_name(f"{emoji}Ann") == f"{emoji}Ann"


@pytest.mark.parametrize("name", PERSIAN_NAMES)
def test_a_persian_names_zero_width_non_joiner_is_kept(name):
    assert clean_display_name(name) == name


@pytest.mark.parametrize("mark", SPOOFING)
def test_bidi_overrides_zero_width_spaces_bom_and_soft_hyphens_are_removed(mark):
    assert clean_display_name(f"Ann{mark} Lee{mark}") == "Ann Lee"


@pytest.mark.parametrize(
    "typed, shown",
    [
        (f"{ZWJ}Ann", "Ann"),
        (f"Ann{ZWNJ}", "Ann"),
        (f"Ann {ZWJ}Lee", "Ann Lee"),
        (f"Ann{ZWJ} Lee", "Ann Lee"),
        (f"{ZWJ}{ZWNJ}", ""),
        (f"A{ZWJ}{ZWJ}{ZWNJ}B", f"A{ZWNJ}B"),
        ("Ann \U000e0067\U000e007f", "Ann"),  # tags with nothing to tag
        ("🏴\U000e0067\U000e0062", "🏴"),  # tags never ended
        ("Ann \ufffe\uffff\U0010ffff", "Ann"),  # noncharacters
    ],
)
def test_lone_joiners_and_stray_tags_are_removed(typed, shown):
    assert clean_display_name(typed) == shown


@pytest.mark.parametrize(
    "name",
    [f"Mod{ZWJ}erator", f"Ad{ZWNJ}min", f"Mod{ZWJ}s", f"Site{ZWJ}Admin", f"Sta{ZWNJ}ff"],
)
def test_a_joiner_inside_a_staff_word_still_passes_for_staff(name):
    assert clean_display_name(name) == name, "kept: it joins two letters"
    assert impersonates_staff(clean_display_name(name))


@given(
    before=plain_names,
    emoji=st.lists(st.sampled_from(JOINED_EMOJI), min_size=1, max_size=3).map("".join),
    after=st.sampled_from(["", " ", " Jr.", "!"]),
)
@example(before="Ann", emoji="👩\u200d⚕️", after="")
def test_any_name_with_joined_emoji_keeps_every_joiner_and_tag(before, emoji, after):
    name = f"{before} {emoji}{after}".strip()

    assert clean_display_name(name) == name


@given(name=plain_names, mark=st.sampled_from(SPOOFING), at=st.integers(min_value=0))
def test_a_spoofing_mark_anywhere_in_a_name_is_removed(name, mark, at):
    at %= len(name) + 1

    cleaned = clean_display_name(name[:at] + mark + name[at:])

    assert mark not in cleaned
    assert cleaned == name


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Ann 👩\u200d⚕️", PERSIAN_NAMES[0], f"Fan {JOINED_EMOJI[-2]}"])
def test_the_stored_and_shown_name_keeps_its_joiners(client, article, name):
    comment = make_comment(article, author_name=name)

    assert Comment.objects.get(pk=comment.pk).author_name == name
    assert f"<bdi>{name}</bdi>" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_name_posted_through_the_form_keeps_its_emoji_whole(client, article, comment_data):
    client.post(
        f"/articles/{article.slug}/comments/",
        {**comment_data, "name": "Ann 👩\u200d⚕️ \u202eevil"},
    )

    assert Comment.objects.get().author_name == "Ann 👩\u200d⚕️ evil"
