"""Names kept for the site's people: which display names pass for staff, however spelled.

``impersonates_staff(name)`` compares the name's *skeleton* with the reserved words and the
site's name. The skeleton follows Unicode's confusable detection (UTS #39, section 4):
every character is replaced by the one it is confusable with, from the Unicode data the
maintained ``confusable-homoglyphs`` package ships. That package answers "is this string
confusable?" but gives no skeleton, so one is derived from its data here:

* Its data pairs each confusable character with its prototype (both ways). The pairs form
  classes (connected components); a class's character is the ASCII letter or digit in it
  (lower case first, so Cyrillic Em U+041C, Greek Mu U+039C, full-width, bold and Roman
  numeral M all read ``m``).
  A class without one reads as the letter of a member named "LATIN LETTER SMALL CAPITAL X"
  (``ᴍ`` and its look-alikes ``м``, ``ʍ`` read ``m``), else as itself. A character the data
  spells with several ASCII letters reads as them (``ⅿ`` is "rn"), and the one ASCII pair
  the data gives for a letter is folded back ("rn" reads ``m``).
* Then compatibility forms are unfolded (NFKD), accents and other combining marks dropped
  ("Mödèrätor"), invisible formatting dropped, and case folded.
* Beyond UTS #39, because commenters type them as letters: digits and symbols ``0 1 3 4 5
  7 @ $`` read ``o l e a s t a s``, and ``i`` reads ``l`` (the data already makes ``I``,
  ``1`` and ``|`` an ``l``; in many fonts ``I`` and ``l`` are one glyph, so "ADMlN" must
  meet "ADMIN").

A name passes for staff (decisions, with the real names each one keeps open):

1. Anywhere in the name, spaces and punctuation ignored: "moderator", "moderation",
   "administrator", "administration", "webmaster". No one's name contains them, so
   "TheModerator", "moderatorjane" and "Mo Der Ator" are refused. "Moderna", "Modesta",
   "Moderato" are not these words and are accepted.
2. A word (split at spaces and punctuation, and also at a lower-to-upper case change:
   "SiteAdmin", "ModJane") that is made only of reserved words and staff words, with at
   least one reserved word: "Mod", "Mods", "Admins", "Editors", "Staff", "ModTeam",
   "SiteAdmin", "HeadMod", "TheStaff", "ChiefEditor". The whole name read as one word is
   checked the same way ("Site Admin", "Mod Team", "A D M I N"; so "Mo D" and "Ed Itor"
   are refused too, a cost accepted: initials rarely trail a name). Reserved words are
   ``RESERVED_WORDS`` (each also with a plural "s"); staff words are ``STAFF_WORDS``
   ("team", "site", "the", "head", "chief", "official", "support", ...), which alone are
   not refused ("Team Jones" is accepted). So "Staffan", "Stafford", "Modesta", "Modou",
   "Admir", "Edith", "Edita", "Theodora" are accepted: what follows or precedes the
   reserved word is not a staff word. A camel-case name that splits into a reserved word
   ("StaffAn") is refused; real names do not capitalise that way.
3. A word that starts or ends with "admin" ("Adminbob", "adminjane", "xxadmin"): no name
   starts or ends with it ("Admir", "Admira", "Kadmiel" are accepted).
4. The site's name (``settings.SITE_NAME``) as a run of whole words anywhere in the name,
   with or without spaces: "Multiple Sclerosis News Today", "... Team", "... Staff",
   "Jane from Multiple Sclerosis News Today", "MultipleSclerosisNewsToday". A name sharing
   only some of its words ("Jane Today") is accepted.

Reserved words are English, as the site is: "Модератор" (Russian for moderator) is a
different word in a different script and is accepted, which a Russian-language site would
have to add. Names in any script are otherwise untouched by these rules: the skeleton is used
only for comparing, never stored or shown.
"""

import functools
import re
import unicodedata

from confusable_homoglyphs.confusables import confusables_data
from django.conf import settings

# Words kept for the site's people. Each is also reserved with a plural "s".
RESERVED_WORDS = frozenset(
    {
        "moderator",
        "moderation",
        "mod",
        "admin",
        "administrator",
        "administration",
        "staff",
        "editor",
        "editorial",
        "webmaster",
        "sysop",
    }
)
# Reserved anywhere in a name (rule 1): no real name contains them.
RESERVED_ANYWHERE = frozenset(
    {"moderator", "moderation", "administrator", "administration", "webmaster"}
)
# Reserved at the start or end of a word (rule 3).
RESERVED_AFFIXES = frozenset({"admin"})
# Words that, beside a reserved word, make a staff title; alone they are anyone's.
STAFF_WORDS = frozenset(
    {
        "site",
        "team",
        "crew",
        "squad",
        "group",
        "the",
        "our",
        "head",
        "chief",
        "lead",
        "senior",
        "super",
        "sys",
        "web",
        "forum",
        "comment",
        "comments",
        "community",
        "news",
        "official",
        "support",
        "help",
        "desk",
        "of",
    }
)
# Digits and symbols typed as letters, read after the confusables (which make 0 an "o" and
# 1 an "l" already).
_TYPED_AS_LETTERS = str.maketrans(
    {"3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "l"}
)
# A character whose Unicode name says it is a Latin letter in some dress: small capitals,
# squared, negative squared, circled, parenthesised ("NEGATIVE SQUARED LATIN CAPITAL LETTER M").
_SMALL_CAPITAL = re.compile(r"\bLATIN (?:CAPITAL |SMALL )?LETTER (?:SMALL CAPITAL )?([A-Z])$")
# Code points drawn as nothing (Unicode's Default_Ignorable_Code_Point, and the Hangul and
# Braille blanks, which are letters or symbols that show as empty space): a name may hide them
# inside a word ("Mod\u3164erator").
_INVISIBLE = frozenset(
    [
        *(0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFEFF, 0xFFA0),
        *range(0x180B, 0x1810),
        *range(0x200B, 0x2010),
        *range(0x202A, 0x202F),
        *range(0x2060, 0x2070),
        *range(0xFE00, 0xFE10),
        *range(0x1BCA0, 0x1BCA4),
        *range(0x1D173, 0x1D17B),
        *range(0xE0000, 0xE1000),
    ]
)


def _clean(chars: str) -> str:
    """A data entry without the direction marks the package keeps around Arabic letters, and
    without combining marks (Cherokee "Ꮎ" is listed as "O" with an overlay: it reads "o")."""
    return "".join(ch for ch in chars if unicodedata.category(ch) not in ("Cf", "Mn", "Me"))


@functools.cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """(what each confusable character reads as, ASCII sequences folded back to a letter).

    Built once from ``confusables_data``: a union-find over its single-character pairs.
    """
    parent: dict[str, str] = {}

    def find(ch):
        parent.setdefault(ch, ch)
        while parent[ch] != ch:
            parent[ch] = parent[parent[ch]]
            ch = parent[ch]
        return ch

    spelled: dict[str, str] = {}
    folded_back: dict[str, str] = {}
    for key, entries in confusables_data.items():
        key = _clean(key)
        for entry in entries:
            other = _clean(entry["c"])
            if len(key) == 1 and len(other) == 1:
                parent[find(key)] = find(other)
            for one, many in ((key, other), (other, key)):
                if len(one) == 1 and len(many) > 1 and many.isascii() and many.isalnum():
                    if one.isascii():
                        folded_back[many.lower()] = one.lower()
                    else:
                        spelled[one] = many.lower()

    classes: dict[str, list[str]] = {}
    for ch in parent:
        classes.setdefault(find(ch), []).append(ch)
    reads_as: dict[str, str] = dict(spelled)
    for members in classes.values():
        letter = _class_letter(members)
        if letter:
            reads_as.update((ch, letter) for ch in members if not ch.isascii() or ch != letter)
    for ch in list(reads_as):
        if ch.isascii() and ch.lower() == reads_as[ch]:
            del reads_as[ch]  # plain ASCII letters are case-folded later anyway
    return reads_as, folded_back


def _class_letter(members: list[str]) -> str:
    ascii_alnum = sorted(ch for ch in members if ch.isascii() and ch.isalnum())
    for candidates in (
        [ch for ch in ascii_alnum if ch.islower()],
        [ch for ch in ascii_alnum if ch.isalpha()],
        ascii_alnum,
    ):
        if candidates:
            return candidates[0].lower()
    for ch in members:
        if match := _SMALL_CAPITAL.search(unicodedata.name(ch, "")):
            return match.group(1).lower()
    return ""


@functools.lru_cache(maxsize=4096)  # a name is read a character at a time, on every post
def _read(ch: str) -> str:
    reads_as, _folded_back = _tables()
    if ord(ch) in _INVISIBLE:
        return ""
    ch = reads_as.get(ch, ch)
    if len(ch) == 1 and (match := _SMALL_CAPITAL.search(unicodedata.name(ch, ""))):
        ch = match.group(1)
    out = []
    for part in unicodedata.normalize("NFKD", ch):
        if unicodedata.category(part) in ("Mn", "Me", "Cf", "Cc"):
            continue
        out.append(reads_as.get(part, part))
    return "".join(out).casefold()


def skeleton(text: str) -> str:
    """``text`` as it reads, for comparing: lower-case ASCII where a look-alike exists.

    Word separators are kept (a space stays a space); callers split on them. Pure, and the
    same for any two spellings a reader could not tell apart: "Moderator" with a Cyrillic
    or Greek M, in small capitals, as "m0derat0r" or "rnoderator" all read "moderator".
    ``i`` is read as ``l``, so "admin" reads "admln".
    """
    _reads_as, folded_back = _tables()
    read = "".join(_read(ch) for ch in text)
    read = read.translate(_TYPED_AS_LETTERS).replace("i", "l")
    for many, one in folded_back.items():
        read = read.replace(many, one)
    return read


def _fold(word: str) -> str:
    return "".join(ch for ch in skeleton(word) if ch.isalnum())


@functools.cache
def _reserved() -> tuple[frozenset, frozenset, frozenset, frozenset]:
    reserved = {_fold(word) for word in RESERVED_WORDS}
    reserved |= {word + "s" for word in reserved}
    return (
        frozenset(reserved),
        frozenset(_fold(word) for word in STAFF_WORDS),
        frozenset(_fold(word) for word in RESERVED_ANYWHERE),
        frozenset(_fold(word) for word in RESERVED_AFFIXES),
    )


def _is_staff_title(word: str) -> bool:
    """True if ``word`` (a skeleton) is made of reserved and staff words, one reserved."""
    reserved, staff, _anywhere, _affixes = _reserved()
    pieces = reserved | staff
    # reach[i]: the ways word[:i] splits into pieces, as "with a reserved word" flags.
    reach: list[set[bool]] = [set() for _ in range(len(word) + 1)]
    reach[0].add(False)
    for end in range(1, len(word) + 1):
        for start in range(end):
            piece = word[start:end]
            if reach[start] and piece in pieces:
                reach[end] |= {flag or piece in reserved for flag in reach[start]}
    return True in reach[len(word)]


def _split(name: str) -> tuple[list[str], list[str]]:
    """The name's words and its parts, as typed.

    Words are split where a character reads as no letter or digit (a space, "-", but not a
    "|" standing for an "l"); parts are words split again where a lower-case letter is
    followed by a capital ("SiteAdmin" is "Site", "Admin").
    """
    words, parts = [""], [""]
    previous = ""
    for ch in name:
        if not any(c.isalnum() for c in skeleton(ch)):
            words.append("")
            parts.append("")
            previous = ""
            continue
        if previous.islower() and ch.isupper():
            parts.append("")
        words[-1] += ch
        parts[-1] += ch
        previous = ch
    return [word for word in words if word], [part for part in parts if part]


def impersonates_staff(name: str) -> bool:
    """True for a name that passes for the site's staff, however it is spelled.

    The rules and the names they keep open are listed in this module's docstring.
    """
    _reserved_words, _staff, anywhere, affixes = _reserved()
    whole = _fold(name)
    if not whole:
        return False
    if any(word in whole for word in anywhere):
        return True
    site = _fold(settings.SITE_NAME)
    for split in _split(name):
        words = [folded for word in split if (folded := _fold(word))]
        if _is_staff_title(whole) or any(_is_staff_title(word) for word in words):
            return True
        if any(word.startswith(a) or word.endswith(a) for word in words for a in affixes):
            return True
        if site and _has_run(words, site):
            return True
    return False


def _has_run(words: list[str], site: str) -> bool:
    """True if some consecutive ``words``, joined, are exactly ``site``."""
    for start in range(len(words)):
        run = ""
        for word in words[start:]:
            run += word
            if run == site:
                return True
            if len(run) >= len(site):
                break
    return False
