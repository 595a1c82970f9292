"""A commenter cannot pass for the site's staff, in any look-alike spelling, and people keep
their real names, whatever script they write them in."""

import pytest
from confusable_homoglyphs.confusables import confusables_data
from hypothesis import given
from hypothesis import strategies as st

from comments.identity import impersonates_staff
from comments.staff_names import RESERVED_WORDS, skeleton

STAFF_LOOKALIKES = [
    "Moderator",
    "\u041coderator",  # Cyrillic Em
    "\u039coderator",  # Greek Mu
    "\u1d0d\u1d0f\u1d05\u1d07\u0280\u1d00\u1d1b\u1d0f\u0280",  # small capitals
    "Admins",
    "Moderation Team",
    "SiteAdmin",
    "Site Admin",
    "ModTeam",
    "Mod Team",
    "Editors",
    "The Staff",
    "Head Mod",
    "Adminbob",
    "m0derat0r",
    "rnoderator",
    "M\u00f6d\u00e8r\u00e4tor",
    "\uff2d\uff4f\uff44",  # full-width
    "\U0001d40c\U0001d428\U0001d41d",  # mathematical bold
    "ADMlN",
    "Adm|n",
    "A D M I N",
    "TheModerator",
    "Jane the moderator",
]

SITE_LOOKALIKES = [
    "Multiple Sclerosis News Today",
    "Multiple Sclerosis News Today Team",
    "Multiple Sclerosis News Today Staff",
    "Multiple Sclerosis News Today Editors",
    "MultipleSclerosisNewsToday",
    "Jane from Multiple Sclerosis News Today",
    "Multiple Sclerosis N\u0435ws T\u043eday",  # Cyrillic e and o
]

# Real first names from several cultures, some of which hold a reserved word's letters.
FIRST_NAMES = [
    "Modesta",
    "Modestas",
    "Modou",
    "Modibo",
    "Staffan",
    "Stafford",
    "Admir",
    "Admira",
    "Kadmiel",
    "Edith",
    "Edita",
    "Theodora",
    "Amit",
    "Arnold",
    "Carmen",
    "Mo",
    "Ted",
    "Ed",
    "Walter",
    "Siobh\u00e1n",
    "Zo\u00eb",
    "Bj\u00f6rn",
    "Nguy\u1ec5n",
    "\u0414\u043c\u0438\u0442\u0440\u0438\u0439",  # Dmitriy
    "\u041c\u043e\u0434\u0435\u0441\u0442",  # Modest
    "\u0421\u0432\u0435\u0442\u043b\u0430\u043d\u0430",  # Svetlana
    "\u041e\u043b\u044c\u0433\u0430",  # Olga
    "\u039c\u03b1\u03c1\u03af\u03b1",  # Maria
    "\u0394\u03b7\u03bc\u03ae\u03c4\u03c1\u03b7\u03c2",  # Dimitris
    "\u0391\u03b8\u03b7\u03bd\u03ac",  # Athina
    "\u05d3\u05d5\u05d3",  # David
    "\u05de\u05e8\u05d9\u05dd",  # Miriam
    "\u05e9\u05e8\u05d4",  # Sarah
    "\u0645\u062d\u0645\u062f",  # Muhammad
    "\u0641\u0627\u0637\u0645\u0629",  # Fatima
    "\u0639\u0644\u064a",  # Ali
    "\u738b\u82b3",  # Wang Fang
    "\u3055\u304f\u3089",  # Sakura
    "\u5065\u592a",  # Kenta
    "\ubbfc\uc900",  # Min-jun
    "\u0905\u0928\u093f\u0924\u093e",  # Anita
]
SURNAMES = [
    "Jones",
    "Modi",
    "Stafford",
    "Editha",
    "Moderno",
    "Team",
    "Today",
    "Nakamura",
    "\u0418\u0432\u0430\u043d\u043e\u0432",  # Ivanov
    "\u03a0\u03b1\u03c0\u03b1\u03b4\u03ac\u03ba\u03b7\u03c2",  # Papadakis
    "\u05db\u05d4\u05df",  # Cohen
    "\u0627\u0644\u0639\u0644\u064a",  # Al-Ali
    "\u674e",  # Li
]


@pytest.mark.parametrize("name", STAFF_LOOKALIKES + SITE_LOOKALIKES)
def test_names_that_pass_for_staff_are_refused(name):
    assert impersonates_staff(name)


@pytest.mark.parametrize("name", [*FIRST_NAMES, "Moderna", "Team Jones", "Jane Today"])
def test_real_names_holding_a_reserved_words_letters_are_accepted(name):
    assert not impersonates_staff(name)


def test_the_sites_name_is_read_from_the_settings(settings):
    settings.SITE_NAME = "Health Daily"

    assert impersonates_staff("Health Daily Team")
    assert not impersonates_staff("Multiple Sclerosis News Today Team")


def _lookalikes(letter: str) -> list[str]:
    """The letter, its capital, and every character the Unicode data says looks like them."""
    found = [letter, letter.upper()]
    for key in {letter, letter.upper()}:
        found += [entry["c"] for entry in confusables_data.get(key, [])]
    return found


@st.composite
def disguised_reserved_words(draw):
    word = draw(st.sampled_from(sorted(RESERVED_WORDS)))
    letters = [draw(st.sampled_from(_lookalikes(letter))) for letter in word]
    plural = draw(st.sampled_from(["", "s", "S"]))
    return word, "".join(letters) + plural


@given(disguised_reserved_words())
def test_a_reserved_word_in_any_look_alike_letters_is_refused(disguised):
    word, name = disguised
    assert impersonates_staff(name), (word, name, skeleton(name))


@given(
    st.sampled_from(FIRST_NAMES),
    st.sampled_from(SURNAMES),
    st.sampled_from([" ", " ", "-", " ", ", "]),
)
def test_real_names_from_many_cultures_are_accepted(first, surname, separator):
    assert not impersonates_staff(f"{first}{separator}{surname}")


# Through the comment form -----------------------------------------------------------------


def post(client, article, data):
    return client.post(f"/articles/{article.slug}/comments/", data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["\u039coderator", "Admins", "Moderation Team", "Multiple Sclerosis News Today Team"]
)
def test_the_form_refuses_a_staff_look_alike_and_keeps_the_text(
    client, article, comment_data, name
):
    response = post(client, article, {**comment_data, "name": name})

    page = response.content.decode()
    assert "this one is kept for the site&#x27;s staff" in page
    assert comment_data["comment"] in page


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Modesta", "Staffan", "\u041c\u043e\u0434\u0435\u0441\u0442"])
def test_the_form_accepts_a_real_name_that_holds_a_reserved_words_letters(
    client, article, comment_data, name
):
    assert post(client, article, {**comment_data, "name": name}).status_code == 302


@pytest.mark.parametrize(
    "name",
    [
        "Mod\u115ferator",  # Hangul fillers: letters that show as nothing
        "Adm\u3164in",
        "Moder\uffa0ator",
        "Mod\u2800erator",  # the Braille blank
        "ᎷᎾᎠᎬᎡᎪᎢᎾᎡ",  # Cherokee, with a letter listed as O plus an overlay
        "Adm!n",
        "🅼🅾🅳",  # negative squared letters
        "Ⓜⓞⓓⓔⓡⓐⓣⓞⓡ",  # circled letters
    ],
)
def test_invisible_letters_and_dressed_up_letters_do_not_hide_a_staff_word(name):
    assert impersonates_staff(name)
