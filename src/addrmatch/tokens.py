"""The tokenizer: address text -> words, each with its lookup key and class.

Each word keeps its text as written (``raws``, periods included; the parser
strips a field's trailing period when it joins the field), a lookup key
(``keys``: upper case, periods removed), whether a separator (``,`` or
``;``) ended it (``commas``), and a bit set of what the tables say it may be
(``classes``: street suffix, directional, unit designator, ...), looked up
once here so that the parser never looks a word up twice. ``#45`` is split
into ``#`` and ``45``.
"""

from __future__ import annotations

import re
from typing import Final

from addrmatch.tables import TABLES

__all__ = [
    "ALPHA",
    "COMMON_SUFFIX",
    "DIGIT",
    "DIRECTIONAL",
    "FLOOR_AFTER",
    "HIGHWAY",
    "INFORMAL",
    "MODIFIER",
    "NUMERIC",
    "ORDINAL",
    "ROAD",
    "STATE_CODE",
    "SUFFIX",
    "TRAILER",
    "UNIT",
    "Tokens",
    "tokenize",
]

# The bits most words carry are the low ones, so that a word's class (letters, a number, a
# suffix, a directional, a state code, a unit word, and their mixes) is at most 255: one of
# Python's cached small ints, which a list of classes holds without allocating (measured: 5% of
# normalize's instructions went to boxing classes 2048-16384).
ALPHA: Final = 1  #: the word is letters only (``str.isalpha``)
DIGIT: Final = 2  #: the word has a digit
NUMERIC: Final = 4  #: the word is digits only (``str.isdecimal``)
SUFFIX: Final = 8  #: a C1 street suffix word
DIRECTIONAL: Final = 16  #: N, North, NE...
STATE_CODE: Final = 32  #: a two-letter state code
COMMON_SUFFIX: Final = 64  #: a suffix that is nearly always a suffix after a name (ST, AVE, RD...)
UNIT: Final = 128  #: a C2 unit designator word (APT, SUITE, #-words)
ORDINAL: Final = 256  #: FIRST, SECOND... or 1ST, 2ND...
HIGHWAY: Final = 512  #: HIGHWAY, HWY, ROUTE... (a numbered road when an identifier follows)
ROAD: Final = 1024  #: ROAD, RD (a numbered road only after a modifier)
MODIFIER: Final = 2048  #: STATE, COUNTY, US... before a highway word
FLOOR_AFTER: Final = 4096  #: FLOOR, FLR, FL after a floor number
TRAILER: Final = 8192  #: BUSINESS, BYPASS... after a highway number
INFORMAL: Final = 16384  #: an informal directional ("SO", "NO"): a directional only where one stands


_ORDINAL_ENDINGS: Final = TABLES.ordinal_endings


def _has_digit(key: str) -> bool:
    for ch in key:  # noqa: SIM110 (a plain loop compiles to C; any() over a generator does not)
        if ch.isdecimal():
            return True
    return False


def _is_ordinal_number(key: str) -> bool:
    """ "21ST", "2ND", "103RD", "4TH"."""
    return len(key) > 2 and key[-2:] in _ORDINAL_ENDINGS and key[:-2].isdecimal()


def _shape(word: str) -> int:
    """The bits of a word's own shape: ALPHA, or DIGIT with NUMERIC or ORDINAL ("21ST")."""
    if word.isalpha():
        return ALPHA
    if word.isdecimal():
        return DIGIT | NUMERIC
    if _has_digit(word):
        return DIGIT | (ORDINAL if _is_ordinal_number(word) else 0)
    return 0


def _classes() -> dict[str, int]:
    classes: dict[str, int] = {}

    def mark(words, bit: int) -> None:
        for word in words:
            classes[word] = classes.get(word, 0) | bit

    mark(TABLES.suffixes, SUFFIX)
    mark(TABLES.suffix_aliases, SUFFIX)
    mark(TABLES.ambiguous_suffixes, SUFFIX)
    mark((k for k, v in TABLES.suffixes.items() if v in TABLES.common_suffixes), COMMON_SUFFIX)
    mark(TABLES.directionals, DIRECTIONAL)
    mark(TABLES.informal_directionals, INFORMAL)
    mark(TABLES.unit_designators, UNIT)
    mark(TABLES.state_codes, STATE_CODE)
    mark(TABLES.highway_words, HIGHWAY)
    mark(TABLES.road_words, ROAD)
    mark(TABLES.highway_modifiers, MODIFIER)
    mark(TABLES.highway_trailers, TRAILER)
    mark(TABLES.ordinal_words, ORDINAL)
    mark((w for w, a in TABLES.unit_designators.items() if a == "FL"), FLOOR_AFTER)
    # The word's own shape too, so that tokenize() need not work it out for table words.
    for word in classes:
        classes[word] |= _shape(word)
    return classes


_CLASSES: Final[dict[str, int]] = _classes()


class Tokens:
    """The words of one address, as parallel lists indexed by position.

    >>> t = tokenize("120 N. Michigan Ave., Chicago #4")
    >>> t.raws
    ['120', 'N.', 'Michigan', 'Ave.', 'Chicago', '#', '4']
    >>> t.keys
    ['120', 'N', 'MICHIGAN', 'AVE', 'CHICAGO', '#', '4']
    >>> t.commas
    [False, False, False, True, False, False, False]
    >>> bool(t.classes[3] & SUFFIX), bool(t.classes[1] & DIRECTIONAL)
    (True, True)
    """

    __slots__ = ("classes", "commas", "informal", "keys", "raws")

    def __init__(
        self, raws: list[str], keys: list[str], commas: list[bool], classes: list[int], informal: bool = False
    ) -> None:
        self.raws = raws
        self.keys = keys
        self.commas = commas
        self.classes = classes
        self.informal = informal  # an informal directional ("SO", "NO") among the words

    def __len__(self) -> int:
        return len(self.keys)


# Single-word directionals that can begin a two-word one ("North West", "S E") and end it.
_NORTH_SOUTH: Final = frozenset(w for w, a in TABLES.directionals.items() if a in ("N", "S") and " " not in w)
_EAST_WEST: Final = frozenset(w for w, a in TABLES.directionals.items() if a in ("E", "W") and " " not in w)


def _merge_compass_pairs(raws: list[str], keys: list[str], commas: list[bool], classes: list[int]) -> None:
    """Join a directional written in two words into one: "North West", "S E"."""
    n = 0
    while n + 1 < len(keys):
        first, second = keys[n], keys[n + 1]
        if (
            first in _NORTH_SOUTH
            and second in _EAST_WEST
            and not commas[n]
            and (len(first) == 1) == (len(second) == 1)
        ):
            raws[n : n + 2] = [f"{raws[n]} {raws[n + 1]}"]
            keys[n : n + 2] = [f"{first} {second}"]  # as canonical words write it: "S E", "NORTH WEST"
            commas[n : n + 2] = [commas[n + 1]]
            classes[n : n + 2] = [DIRECTIONAL]
        n += 1


# A directional abbreviation glued to a name by its period: "S.Elm", "N.Main" (the name of
# three letters or more: "W.Va" stays whole).
_GLUED_DIRECTIONAL: Final = re.compile(r"^((?:[NSEW]|[NS][EW]|[NS]O)\.)([^\W\d_][\w'-]{2,})$", re.IGNORECASE)
# A grid coordinate glued to its direction: "48S", "400E".
_GRID_GLUED: Final = re.compile(r"^(\d+)([NSEW])$", re.IGNORECASE)
_QUOTES: Final = "'\u2018\u2019"


def _split(text: str) -> list[str]:
    """Words and separators: "12 Main St,#4" -> ["12", "Main", "St", ",", "#", "4"].

    Parentheses separate like commas ("12 Main St (Ste B)"); quotes around a
    word (stray CSV quoting: "'12 Main St'") are no part of it; a directional
    glued to a name by its period is two words ("S.Elm" -> "S.", "Elm").
    """
    if "," in text:
        text = text.replace(",", " , ")
    if ";" in text:
        text = text.replace(";", " , ")
    if "#" in text:
        text = text.replace("#", " # ")
    if "(" in text or ")" in text:
        text = text.replace("(", " , ").replace(")", " , ")
    if '"' in text or "\u201c" in text or "\u201d" in text:
        text = text.replace('"', " ").replace("\u201c", " ").replace("\u201d", " ")  # stray CSV quotes
    words = text.split()
    if "'" in text or "\u2018" in text or "\u2019" in text:
        words = [w.strip(_QUOTES) for w in words]  # "O'Hare" keeps its quote
        words = [w for w in words if w]
    if "." in text:
        glued: list[str] = []
        for word in words:
            dot = word.find(".")  # the pattern's period is its second or third character
            m = _GLUED_DIRECTIONAL.match(word) if 0 < dot <= 2 and len(word) - dot > 3 else None
            if m is not None:
                glued.append(m.group(1))
                glued.append(m.group(2))
            else:
                glued.append(word)
        words = glued
    return words


def _split_grid_pair(raws: list[str], keys: list[str], commas: list[bool], classes: list[int]) -> None:
    """ "48S 400E" (a Utah/Idaho grid address, glued) as "48 S 400 E": the house
    number and the street, each with its direction. Only at the start of the text."""
    first = _GRID_GLUED.match(keys[0])
    second = _GRID_GLUED.match(keys[1])
    if first is None or second is None or commas[0]:
        return
    raws[0:2] = [raws[0][:-1], raws[0][-1], raws[1][:-1], raws[1][-1]]
    keys[0:2] = [first.group(1), first.group(2), second.group(1), second.group(2)]
    commas[0:2] = [False, False, False, commas[1]]
    number = DIGIT | NUMERIC
    classes[0:2] = [number, _CLASSES[first.group(2)], number, _CLASSES[second.group(2)]]


def tokenize(text: str) -> Tokens:
    """Split address text into :class:`Tokens`."""
    split = _split(text)
    periods = "." in text
    raws: list[str] = []
    keys: list[str] = []
    commas: list[bool] = []
    classes: list[int] = []
    informal = False
    directionals = 0
    for n in range(len(split)):
        key = split[n].upper()
        if periods and "." in key:
            key = key.replace(".", "")
            if not key:
                continue  # a word of periods only
        if key == ",":
            if commas:
                commas[-1] = True
            continue
        cls = _CLASSES.get(key, -1)
        if cls < 0:
            cls = _shape(key)  # a word outside the tables: its shape bits only
        if cls & INFORMAL:
            informal = True
        if cls & DIRECTIONAL:
            directionals += 1
        raws.append(split[n])
        keys.append(key)
        commas.append(False)
        classes.append(cls)
    if len(keys) > 1 and classes[0] & DIGIT and not classes[0] & NUMERIC and classes[1] & DIGIT:
        _split_grid_pair(raws, keys, commas, classes)
        directionals = 2
    if directionals > 1:
        _merge_compass_pairs(raws, keys, commas, classes)
    return Tokens(raws, keys, commas, classes, informal)
