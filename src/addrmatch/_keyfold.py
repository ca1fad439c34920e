"""The folds of the match key (see :mod:`addrmatch.key` for the list).

Private, and compiled with mypyc when the package is built; the public
:func:`addrmatch.match_key` and :func:`addrmatch.explain` call these.
"""

from __future__ import annotations

import re
from typing import Final

from addrmatch.tables import TABLES

__all__ = ["fold_name", "fold_number", "fold_unit", "key_from_parts", "key_street", "split_type_word"]

_NOT_ALNUM: Final = re.compile(r"[^A-Z0-9 ]+")
_NOT_ALNUM_HYPHEN: Final = re.compile(r"[^A-Z0-9 -]+")
_ORDINAL_NUMBER: Final = re.compile(r"^(\d+)(?:ST|ND|RD|TH)$")
_DIGITS: Final = "0123456789"
_LEADING_ZEROS: Final = re.compile(r"^0+(?=\d)")
# Plain dicts (private copies, never changed): compiled code looks a dict up directly,
# a read-only mapping proxy only through a method call.
_ORDINAL_WORDS: Final[dict[str, str]] = dict(TABLES.ordinal_words)
# The words an ordinal written in two words can start with ("TWENTY" of "TWENTY FIRST").
_ORDINAL_HEADS: Final = frozenset(word[:n] for word in _ORDINAL_WORDS for n in range(1, len(word)))
_DIRECTIONALS: Final[dict[str, str]] = dict(TABLES.directionals)
_SUFFIXES: Final[dict[str, str]] = dict(TABLES.suffixes)
_SUFFIX_ALIASES: Final[dict[str, str]] = dict(TABLES.suffix_aliases)
_NAME_ABBREVIATIONS: Final[dict[str, str]] = dict(TABLES.name_abbreviations)
_HIGHWAYS: Final[dict[tuple[str, ...], str]] = dict(TABLES.highway_phrases)
_HIGHWAY_MAX: Final = TABLES.highway_phrase_max_words
_HIGHWAY_FIRST: Final = frozenset(phrase[0] for phrase in _HIGHWAYS)
_STATES: Final[dict[str, str]] = dict(TABLES.states)
_STATE_FIRST: Final = frozenset(name.split(" ", 1)[0] for name in _STATES)
_STATE_MAX: Final = TABLES.state_name_max_words


def _number_word(word: str) -> str:
    word = _ORDINAL_WORDS.get(word, word)
    if len(word) < 3 or word[0] not in _DIGITS:
        return word  # no ordinal number ("21ST") can be this word: no regex needed
    m = _ORDINAL_NUMBER.match(word)
    return m.group(1) if m else word


def _table_fold(word: str) -> str:
    return _number_word(_NAME_ABBREVIATIONS.get(word, word))


# What the name folds do to a word, looked up once per word (most words are in no table):
# a word's fold inside a name (name abbreviations, ordinal words) ...
_WORD_FOLDS: Final[dict[str, str]] = {
    w: folded for w in (*_NAME_ABBREVIATIONS, *_ORDINAL_WORDS) if (folded := _table_fold(w)) != w
}
# ... and as a whole name ("S" is the directional S, "N" ~ "NORTH").
_LONE_FOLDS: Final[dict[str, str]] = {**_WORD_FOLDS, **_DIRECTIONALS}
_STARTS_PHRASE: Final = 1  #: may start a highway designation or a state's name ("COUNTY", "TX")
_STARTS_ORDINAL: Final = 2  #: may start an ordinal written in two words ("TWENTY")
_FOLDS: Final = 4  #: has a fold in _WORD_FOLDS


def _word_flags() -> dict[str, int]:
    flags: dict[str, int] = {}
    for words, bit in ((_HIGHWAY_FIRST | _STATE_FIRST, _STARTS_PHRASE), (_ORDINAL_HEADS, _STARTS_ORDINAL)):
        for w in words:
            flags[w] = flags.get(w, 0) | bit
    for w in _WORD_FOLDS:
        flags[w] = flags.get(w, 0) | _FOLDS
    return flags


_WORD_FLAGS: Final[dict[str, int]] = _word_flags()


def fold_name(value: str | None) -> str:
    """Street or city name -> key part (see :mod:`addrmatch.key`)."""
    if not value:
        return ""
    if " " not in value and "-" not in value and value.isalnum() and value.isascii():
        # One plain word ("MAIN", "5TH", "FIFTH", "ST"): no highway or two-word ordinal can start here.
        found = _LONE_FOLDS.get(value)
        if found is not None:
            return found
        return _number_word(value) if value[0] in _DIGITS else value
    if "-" in value:
        words = _words_with_hyphens(value)
    elif (bare := value.replace(" ", "")).isascii() and bare.isalnum():
        words = value.split()  # canonical words are usually plain A-Z0-9: no regex needed
    else:
        words = _NOT_ALNUM.sub("", value).split()
    if len(words) == 1 and words[0] in _DIRECTIONALS:
        return _DIRECTIONALS[words[0]]
    out: list[str] = []
    n = 0
    count = len(words)
    while n < count:
        word = words[n]
        flags = _WORD_FLAGS.get(word, 0)
        if flags & (_STARTS_PHRASE | _STARTS_ORDINAL) and n + 1 < count:
            highway = _highway_at(words, n) if flags & _STARTS_PHRASE else 0
            if highway:
                out.append(_HIGHWAYS.get(tuple(words[n : n + highway]), "SR"))  # "TX 121": a state's route
                n += highway
                continue
            if flags & _STARTS_ORDINAL and word + words[n + 1] in _ORDINAL_WORDS:
                out.append(_number_word(word + words[n + 1]))  # "TWENTY FIRST" ~ "21ST"
                n += 2
                continue
        if flags & _FOLDS:
            out.append(_WORD_FOLDS[word])
        else:
            out.append(_number_word(word) if word and word[0] in _DIGITS else word)
        n += 1
    return "".join(out)


def _highway_at(words: list[str], n: int) -> int:
    """The length of a highway designation at ``words[n]`` followed by its
    identifier ("COUNTY ROAD" in "COUNTY ROAD 12", "TX" in "TX 121"), else 0."""
    count = len(words)
    for size in range(min(_HIGHWAY_MAX, count - n - 1), 0, -1):
        if tuple(words[n : n + size]) in _HIGHWAYS:
            return size
    for size in range(min(_STATE_MAX, count - n - 1), 0, -1):
        # A state written before a route number is that state's route ("TX 121", "CALIFORNIA 1").
        if " ".join(words[n : n + size]) in _STATES and words[n + size].isdigit() and n == 0:
            return size
    return 0


def _words_with_hyphens(value: str) -> list[str]:
    """Words, with "TWENTY-FIRST" read as one ordinal and other hyphens as spaces."""
    words: list[str] = []
    for word in _NOT_ALNUM_HYPHEN.sub("", value).split():
        if "-" in word and word in _ORDINAL_WORDS:
            words.append(word.replace("-", ""))
        else:
            words.extend(word.replace("-", " ").split())
    return words


def fold_unit(value: str | None) -> str:
    if not value:
        return ""
    if value.isalnum() and value.isascii():
        word = _number_word(value)  # one plain word ("4", "4B", "2ND"): no regex to split it
        return _LEADING_ZEROS.sub("", word) if word[0] == "0" else word
    words = _NOT_ALNUM.sub(" ", value).split()
    return "".join(_LEADING_ZEROS.sub("", _number_word(w)) for w in words)


def fold_number(value: str | None) -> str:
    if not value:
        return ""
    return value.replace(" ", "") if " " in value else value


def _place(zip_code: str | None, city: str | None, state: str | None) -> str:
    if zip_code:
        return "Z" + (zip_code if len(zip_code) == 5 else zip_code[:5])
    return f"C{fold_name(city)},{state or ''}"


def split_type_word(street: str | None, tag: str | None) -> tuple[str | None, str | None]:
    """A type word left at the end of a name without a type becomes the type:
    ("COTTAGE GROVE", None) -> ("COTTAGE", "GRV")."""
    if tag is None and street and " " in street:
        head, last = street.rsplit(" ", 1)
        found = _SUFFIXES.get(last) or _SUFFIX_ALIASES.get(last)
        if found is not None:
            return head, found
    return street, tag


def key_street(
    prefix: str | None, street: str | None, tag: str | None
) -> tuple[str | None, str | None, str | None]:
    """The (prefix, street, tag) the key compares: a type word left at the end of a
    name without a type is the type (:func:`split_type_word`); a directional word
    first in a name of two words or more, without a prefix, is the prefix
    ("West North Ave" ~ "W North Ave", "East West Hwy" ~ "E West Hwy": readers
    disagree on which it is, the address is one)."""
    street, tag = split_type_word(street, tag)
    if not prefix and street and " " in street:
        head, rest = street.split(" ", 1)
        code = _DIRECTIONALS.get(head)
        if code is not None:
            return code, rest, tag
    return prefix, street, tag


def key_from_parts(
    po_box: bool,
    number: str | None,
    prefix: str | None,
    street: str | None,
    tag: str | None,
    direction: str | None,
    apt: str | None,
    city: str | None,
    state: str | None,
    zip_code: str | None,
) -> str:
    """The match key from canonical components (see :mod:`addrmatch.key`)."""
    place = _place(zip_code, city, state)
    if po_box:
        return f"B|{fold_number(number)}|{place}"
    prefix, street, tag = key_street(prefix, street, tag)
    return "|".join(
        (
            "S",
            fold_number(number),
            prefix or "",
            fold_name(street),
            tag or "",
            direction or "",
            fold_unit(apt),
            place,
        )
    )
