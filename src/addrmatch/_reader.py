"""The fast path of :mod:`addrmatch.parse`: a table-driven reader over tokens.

Private, and compiled with mypyc when the package is built (see
pyproject.toml); the public entry points in :mod:`addrmatch.parse` check
their arguments and call :func:`read_text`.

The place (ZIP, state, city) is read from the right; the street from the
left: PO box, rural route, military box, urbanization, or house number, then
the street zone, then unit levels. Inside the street zone every plausible
split is scored, and the margin between the best and the second-best reading
sets the confidence.

One module, although well over 700 lines: it is one idea, a reader whose
methods share the token classes and the spans read so far and score the
readings of one street zone against each other, compiled by mypyc as one
native class; split into mixins across modules it would compile poorly on the
hottest path of the library. Its word lists are in ``data/`` (``tables``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final, cast

from addrmatch._canon import Parts, canonical_words, parts_from_words
from addrmatch._keyfold import key_from_parts
from addrmatch.tables import TABLES, Places, place_words, places
from addrmatch.tokens import (
    ALPHA,
    COMMON_SUFFIX,
    DIGIT,
    DIRECTIONAL,
    FLOOR_AFTER,
    HIGHWAY,
    INFORMAL,
    MODIFIER,
    NUMERIC,
    ORDINAL,
    ROAD,
    STATE_CODE,
    SUFFIX,
    TRAILER,
    UNIT,
    Tokens,
    tokenize,
)

__all__ = ["Reader", "read_text"]

# Plain dicts (private copies, never changed): compiled code looks a dict up directly,
# a read-only mapping proxy only through a method call.
_SUFFIXES: Final[dict[str, str]] = dict(TABLES.suffixes)
_SUFFIX_ALIASES: Final[dict[str, str]] = dict(TABLES.suffix_aliases)
# The street types spelled out as words ("GROVE", "COURT"), not abbreviated.
_SUFFIX_WORDS: Final = frozenset(TABLES.suffix_names.values()) | frozenset(
    word + "S" for word in TABLES.suffix_names.values()
)

_DIRECTIONALS: Final[dict[str, str]] = dict(TABLES.directionals)
_UNITS: Final[dict[str, str]] = dict(TABLES.unit_designators)
_UNITS_NEED_ID: Final = TABLES.unit_needs_identifier
_STATES: Final[dict[str, str]] = dict(TABLES.states)
# Last word of a state name -> the word counts of the names it ends, longest first.
_STATE_LENGTHS: Final[dict[str, tuple[int, ...]]] = {}
for _name in _STATES:
    _words_of_name = _name.split()
    _STATE_LENGTHS[_words_of_name[-1]] = tuple(
        sorted({*_STATE_LENGTHS.get(_words_of_name[-1], ()), len(_words_of_name)}, reverse=True)
    )
_ONE_WORD: Final = (1,)
# Type words that stay a type even when written in full ("Central Park" is
# a name in Chicago, but "Midway Medical Park" has the type PARK).
_TYPE_LIKE_SUFFIXES: Final = TABLES.name_like_suffixes
_COUNTRY: Final = frozenset(w for phrase in TABLES.country_words for w in phrase.split())
_NUMBER_WORDS: Final[dict[str, str]] = dict(TABLES.number_words)
_SUITE_WORDS: Final[dict[str, str]] = dict(TABLES.suite_words)
_BUILDING_TYPES: Final = TABLES.building_types
_HIGHWAY_PHRASES: Final[dict[tuple[str, ...], str]] = dict(TABLES.highway_phrases)
_HIGHWAY_MAX: Final = TABLES.highway_phrase_max_words
_HIGHWAY_FIRST: Final = frozenset(phrase[0] for phrase in _HIGHWAY_PHRASES)
_HIGHWAY_LAST: Final = frozenset(phrase[-1] for phrase in _HIGHWAY_PHRASES)
_STATE_MAX: Final = TABLES.state_name_max_words
_STATE_FIRST: Final = frozenset(name.split(" ", 1)[0] for name in _STATES)
_STATE_LAST: Final = frozenset(name.rsplit(" ", 1)[-1] for name in _STATES)
_NAME_ABBREVIATIONS: Final[dict[str, str]] = dict(TABLES.name_abbreviations)
# A directional abbreviation spelled out, for place names ("W" -> "WEST").
_DIRECTION_WORDS: Final = {
    abbreviation: word
    for word, abbreviation in TABLES.directionals.items()
    if word.isalpha() and len(word) > 2 and word != abbreviation
}
_CITY_MAX_WORDS: Final = 5
_NO_NAMES: Final[frozenset[str]] = frozenset()
_BOX_WORDS: Final = TABLES.box_words
_OF_WORDS: Final = TABLES.joining_words
_LEVEL_WORDS: Final = TABLES.level_words
_FLOOR_NAMES: Final = TABLES.floor_names

_ZIP: Final = re.compile(r"^\d{5}(?:-?\d{4})?-?$")
# What is written where a ZIP stands: digits first, then digits, letters, hyphens.
_ZIP_SHAPED: Final = re.compile(r"^\d{2}[0-9A-Z-]{1,10}$")
_GRID_HALF: Final = re.compile(r"^[NSEW]\d+[NSEW]?$")
_NUMBER: Final = re.compile(
    r"^(?:\d+[A-Z]?(?:[-/]\d*[A-Z0-9]+)?|\d+½|[NSEW]\d+[NSEW]\d+|\d+-[A-Z]|[A-Z]\d+)$"
)
_LETTER_NUMBER: Final = re.compile(r"^[A-Z](?:-[A-Z])?$")
_FRACTION: Final = re.compile(r"^\d/\d{1,2}$")
_UNIT_ID: Final = re.compile(
    r"^(?:[A-Z0-9]*\d[A-Z0-9]*(?:[-/][A-Z0-9]+)*|[A-Z]{1,2}(?:-[A-Z0-9]+)?|[A-Z]-?\d*)$"
)
# A designator glued to its identifier ("SUITE100", "APT4B"): the designators that need one.
_GLUED_UNIT: Final = re.compile(
    "^(?:"
    + "|".join(
        sorted(
            (re.escape(w) for w, a in _UNITS.items() if a in _UNITS_NEED_ID and w.isalpha()),
            key=len,
            reverse=True,
        )
    )
    + r")\d[A-Z0-9-]*$"
)
_BOX_ID: Final = re.compile(r"^[A-Z0-9-]*\d[A-Z0-9-]*$")

# Box heads by kind, longest first: PO boxes, and the routes that hold boxes.
_PO_BOX_HEADS: Final[tuple[tuple[str, ...], ...]] = tuple(
    sorted((h for h, (_, kind) in TABLES.box_heads.items() if kind == "po_box"), key=len, reverse=True)
)
_PO_BOX_FIRST: Final = frozenset(head[0] for head in _PO_BOX_HEADS)
_ROUTE_HEADS: Final[tuple[tuple[str, ...], ...]] = tuple(
    sorted(
        (
            h
            for h, (_, kind) in TABLES.box_heads.items()
            if kind in ("rural_route", "highway_contract", "military")
        ),
        key=len,
        reverse=True,
    )
)
_ROUTE_FIRST: Final = frozenset(head[0] for head in _ROUTE_HEADS)
_URBANIZATION: Final = frozenset(h[0] for h, (_, kind) in TABLES.box_heads.items() if kind == "urbanization")


class _Gazetteer:
    """The place gazetteer's lookups as typed attributes (compiled code reads
    them directly), taken from :func:`addrmatch.tables.places` on first use."""

    def __init__(self, found: Places) -> None:
        self.zip_states = cast(dict[str, str], found.zip_states)
        self.zip_cities = cast(dict[str, tuple[str, ...]], found.zip_cities)
        self.state_cities = cast(dict[str, frozenset[str]], found.state_cities)
        self.cities = found.cities
        self.city_first_words = found.city_first_words
        self.first_words = found.first_words


_GAZETTEER: Final[list[_Gazetteer]] = []


def _gazetteer() -> _Gazetteer:
    if not _GAZETTEER:
        _GAZETTEER.append(_Gazetteer(places()))
    return _GAZETTEER[0]


#: What :meth:`Reader._score` returns for no reading (a float: no boxing per reading).
_NO_READING: Final = -1e300


def _any_class(classes: list[int], start: int, end: int, bits: int) -> bool:
    """Has any word in ``[start, end)`` one of the class ``bits``?"""
    for k in range(start, end):  # noqa: SIM110 (a plain loop compiles to C; any() over a generator does not)
        if classes[k] & bits:
            return True
    return False


def _any_class_at(classes: list[int], words: list[int], bits: int) -> bool:
    """Has any of the words at ``words`` one of the class ``bits``?"""
    for k in words:  # noqa: SIM110 (a plain loop compiles to C; any() over a generator does not)
        if classes[k] & bits:
            return True
    return False


def _same_axis(first: str, second: str) -> bool:
    """Are two directional words on one axis (east-west or north-south)?"""
    a, b = _DIRECTIONALS.get(first, ""), _DIRECTIONALS.get(second, "")
    return len(a) == 1 and len(b) == 1 and (a in "EW") == (b in "EW")


# The identifier patterns, with their commonest case (digits only) decided
# from the word's class bits before any regular expression runs.
def _number_like(key: str, cls: int) -> bool:
    """A house number: "12", "12A", "12-14", "W148" ..."""
    if cls & NUMERIC:
        return True
    return cls & ALPHA == 0 and _NUMBER.match(key) is not None  # every other form has a digit


def _unit_id(key: str, cls: int) -> bool:
    """A unit identifier: "4", "4B", "B", "B-2" ..."""
    if cls & NUMERIC:
        return True
    if cls & ALPHA and key.isascii():
        return len(key) <= 2  # of letters alone, the pattern takes one or two
    return _UNIT_ID.match(key) is not None


def _box_id(key: str, cls: int) -> bool:
    """A box or route number: a word with a digit."""
    if cls & NUMERIC:
        return True
    return cls & ALPHA == 0 and _BOX_ID.match(key) is not None  # a box number has a digit


def _glued_unit(key: str, cls: int) -> bool:
    """A designator glued to its identifier: "SUITE100", "APT4B"."""
    return cls & DIGIT != 0 and cls & NUMERIC == 0 and _GLUED_UNIT.match(key) is not None


def _zip_word(key: str, cls: int) -> bool:
    """A ZIP in one word: "55123", "55123-4567", "551234567", "55123-"."""
    return (cls & NUMERIC != 0 and len(key) == 5) or _ZIP.match(key) is not None


def _grid_half(key: str) -> bool:
    """Half of a grid number: "W148", "N9748", "S300W"."""
    return len(key) > 1 and key[0] in "NSEW" and _GRID_HALF.match(key) is not None


def read_text(text: str) -> Reader | None:
    """Read ``text`` with the fast path; None when it finds no street or box
    (also for text with no words at all)."""
    tokens = tokenize(text)
    if not len(tokens):
        return None
    reader = Reader(tokens)
    return reader if reader.read() else None


# ---------------------------------------------------------------------------
# The fast path


class Reader:
    """Reads one token list: fields are kept as token index sequences."""

    __slots__ = (
        "apt_levels",
        "certainty",
        "classes",
        "commas",
        "end",
        "informal",
        "keys",
        "late_unit",
        "left_out",
        "penalty",
        "place_memo",
        "po_box",
        "raws",
        "scored_direction",
        "scored_tag",
        "spans",
        "warnings",
        "zone_end",
    )

    def __init__(self, tokens: Tokens) -> None:
        self.raws = tokens.raws
        self.keys = tokens.keys
        self.commas = tokens.commas
        self.classes = tokens.classes
        self.end = len(tokens.keys)
        self.informal = tokens.informal
        self.spans: dict[str, Sequence[int]] = {}
        self.apt_levels: list[tuple[int, Sequence[int]]] = []  # (designator index or -1, identifier)
        self.warnings: list[str] = []
        self.penalty = 0.0
        self.left_out = 0
        self.po_box = False
        self.certainty = 0.0
        self.zone_end = 0
        self.place_memo: dict[int, bool] = {}
        self.late_unit: tuple[int, Sequence[int]] | None = None  # a unit written after the ZIP
        self.scored_tag = -1  # the last reading _score scored: its type's index
        self.scored_direction = -1  # and its direction's

    # -- the place, read from the right ------------------------------------

    def _read_place(self) -> None:
        keys, commas, end = self.keys, self.commas, self.end
        if end > 2 and keys[end - 1] in _COUNTRY:
            n = 2 if keys[end - 1] == "STATES" and keys[end - 2] == "UNITED" else 1
            before = keys[end - n - 1]
            if end - n > 1 and (
                commas[end - n - 1] or _zip_word(before, self.classes[end - n - 1]) or before in _STATES
            ):
                end -= n  # "..., USA", "02895 United States", "CA United States"
        classes = self.classes
        if (
            end >= 4
            and _unit_id(keys[end - 1], classes[end - 1])
            and (keys[end - 2] == "#" or (classes[end - 2] & UNIT and not classes[end - 2] & STATE_CODE))
            and _zip_word(keys[end - 3], classes[end - 3])
        ):
            # "..., MN 55123 Apt 4", "... 55123, #4": a unit written after the ZIP
            self.late_unit = (-1 if keys[end - 2] == "#" else end - 2, (end - 1,))
            end -= 2
        zip_words = self._zip_words(end)
        if zip_words:
            self.spans["zip"] = tuple(range(end - zip_words, end))
            end -= zip_words
        zip_found = zip_words > 0
        if (
            zip_found
            and end > 3
            and commas[end - 2]
            and not self.classes[end - 1] & STATE_CODE
            and self._stray(end - 1)
            and any(
                " ".join(keys[end - 1 - n : end - 1]) in _STATES
                for n in _STATE_LENGTHS.get(keys[end - 2], _ONE_WORD)
                if n < end - 1
            )
        ):
            # "Marion, IA, W 52302": a stray letter between the state and the ZIP.
            self._leave_out(repr(self.raws[end - 1]))
            end -= 1
        for n in _STATE_LENGTHS.get(keys[end - 1], _ONE_WORD) if end > 1 else ():
            if n > end - 1:
                continue
            start = end - n
            if n == 1:
                key = keys[start]
            else:
                if any(commas[start : end - 1]):
                    continue
                key = " ".join(keys[start:end])
            if key not in _STATES or not self._state_plausible(key, n, start, zip_found):
                continue
            self.spans["state"] = range(start, end)
            end = start
            break
        else:
            if (
                zip_found
                and end > 2
                and self.commas[end - 2]
                and len(keys[end - 1]) == 2
                and self.classes[end - 1] & ALPHA != 0
            ):
                # "Chicago, lL 60603": two letters between the city and the ZIP stand for the state.
                self.spans["state"] = (end - 1,)
                end -= 1
        self.end = end

    def _zip_words(self, end: int) -> int:
        """How many of the words before ``end`` are the ZIP: 0, 1 or 2 ("55123 4567")."""
        keys, classes, commas = self.keys, self.classes, self.commas
        if end == 0 or not classes[end - 1] & DIGIT:
            return 0  # every ZIP form ends in a word with a digit
        last = keys[end - 1]
        if (
            end > 2
            and keys[end - 2] not in _BOX_WORDS
            and not (
                classes[end - 2] & UNIT
                and not classes[end - 2] & STATE_CODE
                and _designator(keys[end - 2]) in _UNITS_NEED_ID
            )  # "Apt 12345" is a unit; "FL 33709", "Lobby 60606" end in a ZIP
            and _zip_word(last, classes[end - 1])
        ):
            return 1
        four = classes[end - 1] & NUMERIC != 0 and len(last) == 4  # a ZIP that lost its leading zero?
        if end > 3 and four and len(keys[end - 2]) == 5 and keys[end - 2].isdigit():
            return 2  # "55123 4567": ZIP+4 with a space
        if (
            end > 3
            and four
            and classes[end - 2] & STATE_CODE
            and (
                commas[end - 3]
                or _gazetteer().zip_states.get("0" + last) == _STATES[keys[end - 2]]
                or self._city_before(end - 2, _STATES[keys[end - 2]])
            )
        ):
            # "Hoboken, NJ 7030": a ZIP that lost its leading zero, or mistyped after a city
            # ("Santa Fe NM 8750"); not "Main Aly Fl 1000", a floor
            return 1
        if end > 3 and classes[end - 1] & NUMERIC and 6 <= len(last) <= 10 and classes[end - 2] & STATE_CODE:
            # "IL 6065460610": where a ZIP stands, digits that cannot be one are
            # still the ZIP as written (and its canonical form says why it is none).
            return 1
        if (
            end > 4
            and last.isdigit()
            and keys[end - 2].isdigit()
            and len(keys[end - 2]) + len(last) == 5
            and classes[end - 3] & STATE_CODE
        ):
            return 2  # "ME 041 01": a ZIP with a stray space
        if (
            end > 3
            and classes[end - 2] & STATE_CODE
            and _ZIP_SHAPED.match(last) is not None
            and (
                (commas[end - 3] and not classes[end - 2] & UNIT)
                or self._city_before(end - 2, _STATES[keys[end - 2]])
            )
        ):
            # "Boston, MA 021", "Austin TX 787": where the ZIP stands after a state, a
            # word that cannot be one is still the ZIP as written (its canonical form
            # says why it is none, naming the field); "Fl 1000" after a street stays a floor.
            return 1
        return 0

    def _state_plausible(self, key: str, n: int, start: int, zip_found: bool) -> bool:
        keys, classes = self.keys, self.classes
        after_comma = self.commas[start - 1]
        prev = keys[start - 1]
        if n == 1 and classes[start] & (SUFFIX | DIRECTIONAL | UNIT):
            # CT KY MT PR WY NE FL are also street or unit words.
            if not zip_found and (classes[start - 1] & (DIGIT | ORDINAL)):
                return False  # "20th Fl" is a floor
            if (
                not zip_found
                and not after_comma
                and classes[start] & DIRECTIONAL
                and classes[start - 1] & SUFFIX
            ):
                return False  # "Cedar Lake Anx NE": after a street type, NE is a directional
            if (
                after_comma
                and not zip_found
                and classes[start] & DIRECTIONAL
                and classes[start - 1] & (SUFFIX | DIRECTIONAL)
            ):
                return False  # "Peachtree Street, NE" is a directional; "Miami Shores, FL" a state
        if zip_found:
            return True
        if after_comma:
            # "260 5th Ave, New York": a state's name that is also the name of a city of
            # that state, right after the street, is the city; after a city of that state
            # ("Albany, New York") the state.
            return not (
                len(key) > 2
                and place_words(key) in _gazetteer().state_cities.get(_STATES[key], _NO_NAMES)
                and not self._city_before(start, _STATES[key])
            )
        if start < 2:
            return False
        if n == 1 and classes[start] & (SUFFIX | DIRECTIONAL | UNIT):
            # "123 Oak Ct" is Court; "123 Main St Hartford CT", "1275 Cromwell Ave Rocky
            # Hill CT" and "500 US 19 Clearwater FL" (a city of Florida before it) are states.
            if classes[start - 1] & (COMMON_SUFFIX | DIRECTIONAL):
                return False
            if _any_class(classes, 1, start - 1, SUFFIX) or any(self.commas[1 : start - 1]):
                return True
            return self._city_before(start, _STATES[key])
        if len(key) > 2:
            # "3719 Old Alabama" is a street; "123 Main St Lafayette Indiana" and
            # "610 East Main Marion Kansas" (a city of Kansas before it) are states.
            if prev in _OF_WORDS:
                return False
            if _any_class(classes, 1, start - 1, SUFFIX):
                return True
            return self._city_before(start, _STATES[key])
        return True

    def _city_before(self, start: int, state: str) -> bool:
        """Do the words just before ``start`` name a city of ``state``, and leave
        a street before the city ("500 US 19 Clearwater FL"; not "11449 South
        Monroe Ct", whose street would be only "South")?"""
        classes = self.classes
        for w in range(1, min(_CITY_MAX_WORDS, start - 2) + 1):
            city_start = start - w
            street_words = [k for k in range(1, city_start) if not classes[k] & DIRECTIONAL]
            if street_words and self._known_place(city_start, start, state):
                return True
        return False

    # -- the street, read from the left ---------------------------------------

    def _informal_directionals(self) -> None:
        """ "So" and "No" are directionals where a directional stands: after the
        house number before a name ("610 So Elm St") or after a street type
        ("12 Lake Shore Dr So"); "No 12" stays a number sign."""
        keys, classes, end = self.keys, self.classes, self.end
        for n in range(1, end):
            if not classes[n] & INFORMAL:
                continue
            before = classes[n - 1]
            # "2200 So 700 E": a grid coordinate follows, with its own direction
            grid = (
                before & DIGIT
                and n + 2 < end
                and classes[n + 1] & NUMERIC
                and classes[n + 2] & DIRECTIONAL
                and not classes[n + 2] & INFORMAL
            )
            if n + 1 < end and classes[n + 1] & DIGIT and not grid:
                continue  # "No 12": a number sign
            if grid:
                classes[n] = (classes[n] | DIRECTIONAL) & ~UNIT
                continue
            number_before = before & DIGIT or (n >= 2 and classes[n - 2] & DIGIT and len(keys[n - 1]) == 1)
            after_number = (
                number_before
                and n + 1 < end
                and self.classes[n + 1] & ALPHA != 0
                and not (classes[n + 1] & SUFFIX and (n + 2 >= end or self.commas[n + 1]))
            )
            after_type = before & SUFFIX and n >= 2
            if after_number or after_type:
                classes[n] = (classes[n] | DIRECTIONAL) & ~UNIT

    def _suite_words(self) -> None:
        """ "St 1400" after a street type is a suite ("7777 Bonhomme Ave St 1400")."""
        keys, classes = self.keys, self.classes
        for n in range(2, self.end - 1):
            if (
                keys[n] in _SUITE_WORDS
                and classes[n - 1] & SUFFIX
                and classes[n + 1] & DIGIT
                and not self.commas[n]
            ):
                classes[n] = (classes[n] | UNIT) & ~(SUFFIX | COMMON_SUFFIX)

    def read(self) -> bool:
        """Read the tokens; False when no street or box was found."""
        if self.informal:
            self._informal_directionals()
        self._suite_words()
        self._read_place()
        if self.end == 0:
            return False
        i = self._leading_units(0)
        after = self._special(i)
        if after is None:
            after = self._number(i)
            if after is None:
                i = self._after_building_name(i)
                if i > 0:
                    after = self._special(i)
                    if after is None:
                        after = self._number(i)
                        if after is not None:
                            after = self._street_and_units(self._unit_after_number(after))
                            after = self._two_streets(i, after)
                if after is None:
                    return False
                self._city(after)
                return self._done()
            if after is None:
                return False
            after = self._street_and_units(self._unit_after_number(after))
            after = self._two_streets(i, after)
        self._city(after)
        return self._done()

    def _leave_out(self, what: str) -> None:
        """Words of the text that are no part of the address: warned about, and less sure."""
        self.warnings.append(f"words left out: {what}")
        self.left_out += 1

    def _done(self) -> bool:
        """Finish: False when no street or box was found; else set the confidence."""
        if not self.spans.get("street") and not self.po_box:
            return False  # "42": a number alone is no address
        if self.late_unit is not None:
            self.apt_levels.append(self.late_unit)
        penalty = self.penalty + 0.4 * self.left_out
        self.certainty = max(0.0, min(1.0, 1.0 - penalty))
        return True

    @property
    def confidence(self) -> float:
        """How sure the reading is, in [0, 1] (three decimals)."""
        return round(self.certainty, 3)

    def _second_street(self, start: int) -> tuple[int, int]:
        """A second street address after the first street, as (its house number's
        index, its type's index), or (-1, -1): "One Midtown Plaza 1360 Peachtree
        Street", "1201 Peachtree St NE 400 Colony Square"."""
        keys, classes, commas, end = self.keys, self.classes, self.commas, self.end
        for q in range(max(start, 1), end - 2):
            if not keys[q].isdigit() or classes[q - 1] & UNIT or keys[q - 1] == "#":
                continue  # "Suite 500" is a unit
            for m in range(q + 2, min(q + 7, end)):
                if commas[m - 1] or classes[m] & DIGIT:
                    break
                if classes[m] & COMMON_SUFFIX or _SUFFIXES.get(keys[m], "") in _BUILDING_TYPES:
                    return q, m
        return -1, -1

    def _two_streets(self, i: int, after: int) -> int:
        """Two street addresses in one text: the one whose type names a building
        ("Plaza", "Center", "Square", "Place") is the building; the other is the
        address. The building's words are left out, with a warning."""
        if "tag" not in self.spans and not self.commas[self.zone_end - 1]:
            return after  # no complete first street: one long name ("Ben C Pratt 6 Mile Cypress Pkwy")
        q, m = self._second_street(self.zone_end)
        if q < 0:
            return after
        keys, spans = self.keys, self.spans
        first_tag = spans.get("tag", ())
        first_is_building = len(first_tag) > 0 and _SUFFIXES.get(keys[first_tag[0]], "") in _BUILDING_TYPES
        if not first_is_building:
            # The second is the building: its number is no unit, its words no city.
            self.apt_levels = [
                (d, ident) for d, ident in self.apt_levels if not any(q <= w <= m for w in (d, *ident))
            ]
            self._leave_out(repr(self._raw(range(q, m + 1))))
            return max(after, m + 1)
        # The first is the building: read the address from the second number on.
        self._leave_out(repr(self._raw(range(i, self.zone_end))))
        self.apt_levels = [(d, ident) for d, ident in self.apt_levels if all(w < q for w in (d, *ident))]
        for name in ("number", "prefix", "street", "tag", "direction", "tail"):
            spans.pop(name, None)
        number_end = self._number(q)
        return after if number_end is None else self._street_and_units(number_end)

    def _after_building_name(self, i: int) -> int:
        """Where the address starts after a name written first: a building
        ("DeKalb Peachtree Airport, 2000 Airport Road", "Rodney Square North 1100
        N Market St") or a station ("Church Street Station PO Box 6262"); 0 if none."""
        keys, commas, classes = self.keys, self.commas, self.classes
        for j in range(i + 1, self.end - 1):
            starts = (keys[j].isdigit() and (commas[j - 1] or self._street_after(j))) or (
                keys[j] in _PO_BOX_FIRST and self._match_head(j, _PO_BOX_HEADS) > 0 and keys[j] != "BOX"
            )
            if starts:
                self._leave_out(repr(self._raw(range(i, j))))
                return self._leading_units(j)
            if classes[j] & NUMERIC and not commas[j - 1] and self._unit_before_number(i, j):
                return j + 1
            if classes[j] & DIGIT and not commas[j - 1]:
                return 0  # "Suite 4 ...": not a name
        return 0

    def _unit_before_number(self, i: int, j: int) -> bool:
        """A building's name and a unit number without a designator before the
        house number ("Portofino N 507 2600 N Flagler Dr"): the unit recorded
        (with a letter before its number: "N 507"), the name left out."""
        keys, classes = self.keys, self.classes
        if not (
            j + 1 < self.end and classes[j + 1] & NUMERIC and not self.commas[j] and self._street_after(j + 1)
        ):
            return False
        start = j - 1 if j - 1 > i and len(keys[j - 1]) == 1 and classes[j - 1] & ALPHA else j
        self._leave_out(repr(self._raw(range(i, start))))
        self.apt_levels.append((-1, tuple(range(start, j + 1))))
        return True

    def _street_after(self, j: int) -> bool:
        """Does a street with its type (or a directional and a name) follow the number at ``j``?"""
        classes = self.classes
        if j + 2 < self.end and classes[j + 1] & DIRECTIONAL and classes[j + 2] & ALPHA != 0:
            return True
        return self._type_follows(j)

    def _unit_after_number(self, j: int) -> int:
        """A unit written with "#" between the house number and the street
        ("6910 # G Mary Caroline Cir"): recorded; returns where the street starts."""
        keys = self.keys
        if (
            j + 2 < self.end
            and keys[j] == "#"
            and _unit_id(keys[j + 1], self.classes[j + 1])
            and not self.commas[j + 1]
        ):
            self.apt_levels.append((-1, (j + 1,)))
            return j + 2
        return j

    def _leading_units(self, i: int) -> int:
        """Units written before the house number ("Apt 4, 123 Main St")."""
        keys, classes = self.keys, self.classes
        if (
            i + 1 < self.end
            and _glued_unit(keys[i], self.classes[i])
            and _number_like(keys[i + 1], self.classes[i + 1])
        ):
            self.apt_levels.append((-1, (i,)))  # "Lt42 99 Some Road"
            i += 1
        while i + 2 < self.end and (classes[i] & UNIT or keys[i] == "#"):
            j = i + 1
            if (
                keys[i] == "#"
                and i == 0
                and _number_like(keys[j], self.classes[j])
                and not _number_like(keys[j + 1], self.classes[j + 1])
            ):
                break  # "# 2 Turner Rd": a number sign before the house number
            if not _unit_id(keys[j], self.classes[j]) or not _number_like(keys[j + 1], self.classes[j + 1]):
                break
            if i + 3 < self.end and keys[j + 1] in _BOX_WORDS:
                break  # "Unit 2050 Box 4190" is a military address
            self.apt_levels.append((i if keys[i] != "#" else -1, (j,)))
            i = j + 1
        return i

    def _match_head(self, i: int, heads: Sequence[tuple[str, ...]]) -> int:
        keys, end = self.keys, self.end
        for head in heads:
            n = len(head)
            if i + n <= end and all(keys[i + k] == head[k] for k in range(n)):
                return n
        return 0

    def _special(self, i: int) -> int | None:
        """PO box, rural route, highway contract, military box, urbanization."""
        keys, end = self.keys, self.end
        first = keys[i]
        if first in _PO_BOX_FIRST:
            n = self._match_head(i, _PO_BOX_HEADS)
            if n:
                j = i + n
                if j < end and keys[j] == "#":
                    j += 1
                if j < end and _box_id(keys[j], self.classes[j]):
                    self.po_box = True
                    k = self._second_box_id(j + 1)
                    if k < 0:
                        self.spans["number"] = (j,)
                        return j + 1
                    self.spans["number"] = (j, k)  # "Lockbox 1007 PO Box 4829": one box, both numbers
                    return k + 1
                if self._lettered_box_id(j):
                    self.po_box = True
                    self.spans["number"] = (j, j + 1)  # "Drawer CS 198422": a box series and its number
                    return j + 2
        if not self.classes[i] & NUMERIC:
            # A box on a numbered highway, written as a rural route's: "FM 170 Box 77", "Hwy 6 Box 12".
            j = self._highway_end(i, end)
            if (
                i < j
                and j + 1 < end
                and keys[j] in _BOX_WORDS
                and keys[j] != "#"
                and _box_id(keys[j + 1], self.classes[j + 1])
            ):
                self.spans["street"] = range(i, j)
                self.spans["number"] = (j + 1,)
                return j + 2
        if first in _ROUTE_FIRST:
            n = self._match_head(i, _ROUTE_HEADS)
            j = i + n
            if n and j + 2 < end and _box_id(keys[j], self.classes[j]) and keys[j + 1] in ("BOX", "BX"):
                k = j + 2
                if k < end and keys[k] == "#":
                    k += 1
                if k < end and _box_id(keys[k], self.classes[k]):
                    self.spans["street"] = range(i, j + 1)
                    self.spans["number"] = (k,)
                    return k + 1
        if first in _URBANIZATION:
            j = i + 1
            while j < end and not _number_like(keys[j], self.classes[j]):
                j += 1
            if i + 1 < j < end:
                after = self._number(j)
                if after is not None:
                    return self._street_and_units(after, lead=range(i, j))
        return None

    def _second_box_id(self, j: int) -> int:
        """Where the number of a second box head right after a box is ("Lockbox 1007
        PO Box 4829"), or a second number before the place ("PO Box 1007 4829,
        Houston": the canonical text of the same); -1 if none."""
        keys, classes, end = self.keys, self.classes, self.end
        if j >= end or self.commas[j - 1]:
            return -1
        if classes[j] & NUMERIC and (self.commas[j] or j + 1 == end or self._known_place(j + 1, end)):
            return j
        if keys[j] in _PO_BOX_FIRST:
            k = j + self._match_head(j, _PO_BOX_HEADS)
            if j < k < end and _box_id(keys[k], classes[k]):
                return k
        return -1

    def _lettered_box_id(self, j: int) -> bool:
        """A box number written after its series letters: "CS 198422" (one to
        three letters, then digits, in one breath)."""
        classes = self.classes
        return (
            j + 1 < self.end
            and classes[j] & ALPHA != 0
            and len(self.keys[j]) <= 3
            and classes[j + 1] & NUMERIC != 0
            and not self.commas[j]
        )

    def _number(self, i: int) -> int | None:
        keys, end = self.keys, self.end
        if i >= end:
            return None
        key = keys[i]
        if key == "#" and i + 2 < end and _number_like(keys[i + 1], self.classes[i + 1]):
            i += 1  # "# 2 Turner Rd": a number sign before the house number
            key = keys[i]
        if i + 1 < end and _grid_half(key) and _grid_half(keys[i + 1]):
            self.spans["number"] = (i, i + 1)  # "W148 N9748 Tree Tops Dr"
            return i + 2
        if not _number_like(key, self.classes[i]) and not (key in _NUMBER_WORDS and i + 2 < end):
            if i == 0 and self._letter_number():
                self.spans["number"] = (0,)  # "B San Luis Street", "G-J Hathway Avenue"
                return 1
            return None  # no house number: the CRF may know better
        j = i + 1
        if j < end and not self.commas[i] and "/" in keys[j] and _FRACTION.match(keys[j]):
            j += 1  # "123 1/2"
        elif (
            j + 1 < end
            and not self.commas[i]
            and key.isdigit()
            and (keys[j] == "&" or keys[j] == "AND" or keys[j] == "-")
            and keys[j + 1].isdigit()
        ):
            j += 2  # "12 & 14 Main St", "101 - 103 Elm Ave": a range of house numbers
        elif (
            j + 1 < end
            and not self.commas[i]
            and key.isdigit()
            and keys[j].isdigit()
            and self.classes[j + 1] & DIRECTIONAL
            and j + 2 < end
            and not self.classes[j + 2] & SUFFIX  # "20713 2700 N Ave": 2700 N is the street
        ):
            j += 1  # "3012 16 E 92nd St", "358 370 E 71st": a range of house numbers
        elif (
            j + 1 < end
            and not self.commas[i]
            and len(keys[j]) == 1
            and self.classes[j] & ALPHA != 0
            and not self.classes[j] & DIRECTIONAL
            and (
                len(keys[j + 1]) >= 2
                or (self.classes[j + 1] & DIRECTIONAL and j + 2 < end and self.classes[j + 2] & ALPHA != 0)
            )
            and keys[j + 1].replace(" ", "").isalpha()
            and keys[j + 1] not in _OF_WORDS
            and keys[j + 1] != "AND"
            and not self.classes[j + 1] & SUFFIX
        ):
            # "4922 B South Cornell", "1809 C Cross Beam Dr"; not "2964 L B J Fwy", and not
            # a letter-named street: after a single letter a street type is its type
            # ("1250 H St NE", "400 C Street Southwest", "123 A St").
            j += 1
        self.spans["number"] = range(i, j)
        return j

    def _letter_number(self) -> bool:
        """Is the first word a house number of letters ("B", "G-J"): a letter that
        is no directional, before a name of one or two words and its type, the
        text holding no number of digits?"""
        keys, classes, end = self.keys, self.classes, self.end
        first = keys[0]
        if not _LETTER_NUMBER.match(first) or classes[0] & (DIRECTIONAL | UNIT | SUFFIX) or end < 3:
            return False
        if _any_class(classes, 0, end, NUMERIC) or self.commas[0]:
            return False
        for k in range(2, min(4, end)):
            if classes[k] & SUFFIX and classes[k - 1] & ALPHA and not classes[k - 1] & SUFFIX:
                return classes[1] & ALPHA != 0 and not classes[1] & (SUFFIX | DIRECTIONAL)
            if self.commas[k - 1]:
                return False
        return False

    def _unit_identifier(self, k: int) -> int:
        """The identifier at ``k`` plus a trailing letter or directional at the
        end of its segment ("Apt 13 C", "Unit 2 East"); returns its end."""
        keys, commas, end = self.keys, self.commas, self.end
        m = k + 1
        if (
            m < end
            and not commas[k]
            and (commas[m] or m + 1 == end)
            and ((len(keys[m]) == 1 and self.classes[m] & ALPHA != 0) or self.classes[m] & DIRECTIONAL)
        ):
            m += 1
        return m

    def _unit_at(self, j: int, street_done: bool) -> int | None:
        """If a unit level starts at ``j``, record it and return the index after it."""
        keys, classes, end = self.keys, self.classes, self.end
        key = keys[j]
        if key == "#":
            k = j + 1
            while k < end and keys[k] == "#":
                k += 1  # "# #296"
            if k + 1 < end and classes[k] & UNIT and _unit_id(keys[k + 1], self.classes[k + 1]):
                k += 1  # "# APT 2"
            if k < end and _unit_id(keys[k], self.classes[k]):
                m = self._unit_identifier(k)
                self.apt_levels.append((-1, range(k, m)))
                return m
            if k < end and (self.commas[k] or k + 1 == end) and self.classes[k] & ALPHA != 0:
                self.apt_levels.append((-1, (k,)))  # "# SECOND": a word identifier ends its segment
                return k + 1
            return None
        if classes[j] & UNIT and not self._city_at(j):
            designator = _designator(key)
            k = j + 1
            if k < end and keys[k] == "#":
                k += 1
            if (
                k < end
                and _unit_id(keys[k], self.classes[k])
                and not classes[k] & UNIT
                and not self.commas[j]
            ):
                m = self._unit_identifier(k)
                self.apt_levels.append((j, range(k, m)))
                if m < end and classes[m] & FLOOR_AFTER and not self.commas[m - 1]:
                    m += 1  # "Apt. 3rd Flr."
                return m
            if k < end and classes[k] & ORDINAL and designator == "FL":
                self.apt_levels.append((j, (k,)))
                return k + 1
            if street_done and (
                designator not in _UNITS_NEED_ID
                or (classes[j - 1] & (SUFFIX | DIRECTIONAL) and not self.commas[j - 1])
            ):
                k = j + 1
                if k < end and keys[k] in _LEVEL_WORDS:
                    k += 1  # "Lower level"
                self.apt_levels.append((j, ()))
                return k
            return None
        if j + 1 < end and classes[j + 1] & FLOOR_AFTER and _floor_word(key, classes[j]):
            self.apt_levels.append((j + 1, (j,)))  # "2nd Floor"
            return j + 2
        if _glued_unit(key, classes[j]):
            self.apt_levels.append((-1, (j,)))  # "Suite100"
            return j + 1
        if street_done and (classes[j] & DIGIT or len(key) == 1) and _unit_id(key, classes[j]):
            self.apt_levels.append((-1, (j,)))  # "St East 100"
            return j + 1
        if (
            street_done
            and len(key) == 2
            and classes[j] & ALPHA != 0
            and j + 1 == end
            and "state" not in self.spans
            and "zip" not in self.spans
            and classes[j - 1] & SUFFIX
            and not classes[j] & (DIRECTIONAL | STATE_CODE | SUFFIX)
        ):
            self.apt_levels.append((-1, (j,)))  # "Webster Avenue LH": two letters ending the line
            return j + 1
        return None

    def _is_unit_start(self, j: int, zone_start: int) -> bool:
        """Does a unit start at ``j`` inside the street zone (not its first word)?"""
        keys, classes, end = self.keys, self.classes, self.end
        key = keys[j]
        if key == "#":
            return True
        cls = classes[j]
        prev_cls = classes[j - 1]
        at_segment_end = self.commas[j] or j + 1 == end
        if prev_cls & HIGHWAY and (
            cls & DIGIT
            or (
                (key == "NO" or key == "NUMBER")
                and (j - 1 == zone_start or classes[j - 2] & (MODIFIER | STATE_CODE))
            )
        ):
            return False  # "Highway No. 202", "US Hwy No 5", "Route 5"; not "Main Hwy Apt 1", "Main Hwy No 1"
        if cls & DIGIT and (
            self._designation_before(j, zone_start) or (j - 1 == zone_start and len(keys[zone_start]) == 1)
        ):
            return False  # "Farm to Market 2222", "TX 121", "F 41": the route's number
        if cls & UNIT and not self._city_at(j):
            designator = _designator(key)
            if j + 1 < end:
                nxt = keys[j + 1]
                if (
                    (
                        (_unit_id(nxt, classes[j + 1]) and not classes[j + 1] & UNIT)
                        or (nxt == "#" and designator in _UNITS_NEED_ID)
                    )
                    and not classes[j + 1] & SUFFIX
                    and not (cls & SUFFIX and (classes[j + 1] & DIRECTIONAL or nxt == "#"))
                ):
                    return True  # not "Key West Dr", "Trailer Park Rd", "Main Trlr N", "Main Trlr # 4"
                if designator == "FL" and classes[j + 1] & ORDINAL:
                    return True
            if (
                j - zone_start >= 2
                and prev_cls & (SUFFIX | DIRECTIONAL)
                and designator in _UNITS_NEED_ID
                and not cls & SUFFIX  # "Cedar Lake Key": a type, not a unit without its number
            ):
                return not (j + 1 < end and classes[j + 1] & SUFFIX)  # "Pl NE Unit Cedar Rapids"
            if (
                designator not in _UNITS_NEED_ID
                and j - zone_start >= 2
                and (prev_cls & (SUFFIX | DIRECTIONAL) or at_segment_end)
            ):
                return (
                    j + 1 == end or keys[j + 1] in _LEVEL_WORDS or self.commas[j] or not classes[j + 1] & UNIT
                )
            return False
        if j + 1 < end and classes[j + 1] & FLOOR_AFTER and _floor_word(key, cls):
            return True
        if _glued_unit(key, classes[j]):
            return True
        if prev_cls & (HIGHWAY | ROAD | UNIT) or (prev_cls & MODIFIER and not prev_cls & SUFFIX):
            return False  # "Highway 7", "County 5", "Highway No 202"
        if cls & DIGIT:
            if (
                at_segment_end
                and self.classes[j - 1] & ALPHA != 0
                and not prev_cls & (DIRECTIONAL | SUFFIX | UNIT)
                and not cls & ORDINAL
            ):
                return True  # "308 Elizabeth 1W", "1020 West Bryn Mawr 211"
            if j - zone_start >= 2:
                before_cls = classes[j - 2]
                if prev_cls & SUFFIX and not before_cls & MODIFIER:
                    return True  # "Main St 5"
                if prev_cls & DIRECTIONAL and before_cls & SUFFIX:
                    return True  # "40th St East 100"
                if (
                    self.classes[j - 1] & ALPHA != 0
                    and not prev_cls & DIRECTIONAL
                    and not cls & ORDINAL
                    and not (j + 1 < end and classes[j + 1] & SUFFIX)
                    and not self.commas[j - 1]
                    and not self._type_follows(j)
                ):
                    return True
            return False
        if (
            len(key) <= 2
            and cls & ALPHA != 0
            and not cls & (DIRECTIONAL | STATE_CODE | SUFFIX)
            and (at_segment_end or classes[j + 1] & STATE_CODE == 0)
            and prev_cls & (SUFFIX | DIRECTIONAL)
            and (j - 2 > zone_start or (len(key) == 2 and at_segment_end and j - 2 >= zone_start))
            and not classes[j - 2] & DIRECTIONAL
        ):
            return True  # "Summit Court B", "Webster Avenue LH", not "South Ave O" (Avenue O)
        return False

    def _city_at(self, j: int) -> bool:
        """Do the words from ``j`` to the state or ZIP name a city of the gazetteer,
        two words or more ("Upper Marlboro MD", "Key West FL 33040": a unit word first)?"""
        end = self.end
        for name in ("state", "zip"):
            span = self.spans.get(name)
            if span:
                end = min(end, span[0])
        return end - j >= 2 and self._known_place(j, end)

    def _type_follows(self, j: int) -> bool:
        """Does the street go on after the number at ``j`` to its type, in the same
        segment ("Ben C Pratt 6 Mile Cypress Pkwy")?"""
        classes, commas = self.classes, self.commas
        for m in range(j + 1, min(j + 5, self.end)):
            if commas[m - 1] or classes[m] & (UNIT | DIGIT) or self.classes[m] & ALPHA == 0:
                return False
            if classes[m] & COMMON_SUFFIX and m > j + 1:
                return True
        return False

    def _segment_is_unit(self, k: int) -> bool:
        """After a comma: is the next segment a unit ("..., Apt 4", "..., C-5")?"""
        key = self.keys[k]
        if key == "#" or self.classes[k] & UNIT:
            return True
        if k + 1 < self.end and self.classes[k + 1] & FLOOR_AFTER:
            return True
        if not self.classes[k] & DIGIT:
            return False
        if self.commas[k] or k + 1 == self.end:
            return True
        nxt = self.keys[k + 1]  # "106 d,"
        return (
            len(nxt) == 1 and self.classes[k + 1] & ALPHA != 0 and (self.commas[k + 1] or k + 2 == self.end)
        )

    def _street_and_units(self, i: int, lead: Sequence[int] = ()) -> int:
        """Read the street zone from ``i`` and the units after it."""
        keys, commas, end = self.keys, self.commas, self.end
        # The zone runs to the first comma or unit word.
        zone_end = end
        j = i
        while j < end:
            if j > i and self._is_unit_start(j, i):
                zone_end = j
                break
            if commas[j]:
                zone_end = j + 1
                break
            j += 1
        k = zone_end
        self.zone_end = zone_end
        post_direction = -1
        # "Wentworth Avenue Riverdale, W IL": a stray word alone between the street's
        # segment and the place, after a segment that does not end in a street type.
        stray = (
            k + 1 == end
            and commas[k - 1]
            and ("state" in self.spans or "zip" in self.spans)
            and self._stray(k)
            # not "Foxfield Lane, SE"; but "Powder Springs, W GA" (a city ends the segment)
            and (not self.classes[zone_end - 1] & (SUFFIX | DIRECTIONAL) or self._ends_in_city(i, zone_end))
        )
        if (
            k < end
            and commas[k - 1]
            and self.classes[k] & DIRECTIONAL
            and k > i + 1
            and (len(keys[k].replace(" ", "")) == 2 or commas[k] or k + 1 == end)
            and not stray
        ):
            post_direction = k  # "1800 M Street, NW, Washington"; not "..., N. Hollywood"
            k += 1
        while k < end and (not commas[k - 1] or self._segment_is_unit(k)):
            after = self._unit_at(k, street_done=True)
            if after is None:
                break
            k = after
        # The city follows the units; the zone's own tail can only be the
        # city when nothing but the place follows it.
        tail_allowed = k == zone_end and (not (k < end and commas[k - 1]) or stray)
        reading = self._best_street(i, zone_end, tail_allowed)
        if reading is None:
            self.penalty += 1.0
            if lead or zone_end > i:
                self.spans["street"] = [*lead, *range(i, zone_end)]
            return k
        _, p, s, tag, direction = reading
        if p > i:
            self.spans["prefix"] = (i,)
        body_end = s
        if 0 <= direction < body_end:
            body_end = direction
        if 0 <= tag < body_end:
            body_end = tag
        self.spans["street"] = [*lead, *range(p, body_end)]
        if tag >= 0:
            self.spans["tag"] = (tag,)
        if direction >= 0:
            self.spans["direction"] = (direction,)
        if post_direction >= 0:
            if direction >= 0:
                k = post_direction if k == post_direction + 1 else k
                self.spans["tail"] = range(post_direction, post_direction)
            else:
                self.spans["direction"] = (post_direction,)
        if s < zone_end:
            if zone_end - s == 1 and self.classes[s] & DIGIT and _unit_id(keys[s], self.classes[s]):
                self.apt_levels.append((-1, (s,)))  # "Cptl of TX Highway 3": a lone number is no city
            elif tail_allowed:
                self.spans["tail"] = range(s, zone_end)
            else:
                self._leave_out(repr(self._raw(range(s, zone_end))))
        if post_direction >= 0 and direction >= 0:
            # The street had its direction: the word after the comma starts the city.
            return post_direction
        return k

    def _best_street(
        self, i: int, zone_end: int, tail_allowed: bool
    ) -> tuple[float, int, int, int, int] | None:
        """Score the readings of the zone ``[i, zone_end)``; the best is
        ``(score, name_start, street_end, tag_index, direction_index)``."""
        if zone_end <= i:
            return None
        classes = self.classes
        place_known = "state" in self.spans or "zip" in self.spans
        starts = [i]
        if zone_end - i >= 2 and classes[i] & DIRECTIONAL:
            starts.append(i + 1)
        found = False
        best_score = second = -1e9
        best_p = best_s = best_tag = best_direction = -1
        for p in starts:
            highway_end = self._highway_end(p, zone_end)
            first = max(p + 1, highway_end)
            # Where may the street end? At the end of the zone, or (a city or
            # leftovers after it) right after a type or a directional; anywhere
            # when the zone has no type at all ("1600 NE 4th Fort Lauderdale").
            # (Plain int loops: generators, list(range()) and `in` on a list are slow compiled.)
            typed = _any_class(classes, p + 1, zone_end, SUFFIX)
            ends: list[int] = []
            for e in range(first, zone_end):
                if not typed or classes[e - 1] & (SUFFIX | DIRECTIONAL) or e == highway_end:
                    ends.append(e)
            ends.append(zone_end)
            if tail_allowed and typed:
                for e in range(max(first, zone_end - _CITY_MAX_WORDS), zone_end):
                    if not (
                        classes[e - 1] & (SUFFIX | DIRECTIONAL) or e == highway_end
                    ) and self._known_place(e, zone_end):
                        ends.append(e)  # a known city may start after a name word
            for s in ends:
                # Without, then with, a post-directional; with, then without, the type.
                directions = 2 if classes[s - 1] & DIRECTIONAL and s - p >= 2 else 1
                for d in range(directions):
                    direction = d == 1
                    last = s - 2 if direction else s - 1
                    weak = classes[last] & SUFFIX and not classes[last] & COMMON_SUFFIX
                    for t in range(2 if weak else 1):
                        score = self._score(i, p, s, direction, t == 0, highway_end, zone_end)
                        if score == _NO_READING:
                            continue
                        if s < zone_end:
                            score += self._tail_score(s, zone_end, tail_allowed, place_known)
                        if not found or score > best_score:
                            if found:
                                second = max(second, best_score)
                            found = True
                            best_score, best_p, best_s = score, p, s
                            best_tag, best_direction = self.scored_tag, self.scored_direction
                        else:
                            second = max(second, score)
        if not found:
            return None
        margin = best_score - second
        if margin < 1.0:
            self.penalty += (1.0 - margin) * 0.6 + 0.2
        return best_score, best_p, best_s, best_tag, best_direction

    def _score(
        self, i: int, p: int, s: int, with_direction: bool, with_tag: bool, highway_end: int, zone_end: int
    ) -> float:
        """One reading: prefix [i, p), name, type, direction, up to s. Returns
        its score, or :data:`_NO_READING`; the type's and the direction's
        indexes (-1 for none) are left in ``scored_tag`` and ``scored_direction``
        (no tuple per reading)."""
        keys, classes = self.keys, self.classes
        score = 0.0
        last = s - 1
        direction = last if with_direction else -1
        if with_direction:
            if s - p < 2 or not classes[last] & DIRECTIONAL or last < highway_end:
                return _NO_READING
            score += 0.5
            if s < zone_end:
                starts_place = self._known_place(last, zone_end)
                if (
                    len(keys[last].replace(" ", "")) > 2
                    and (starts_place or not self._known_place(s, zone_end))
                ) or (starts_place and not self._known_place(s, zone_end, strict=True)):
                    # "Main St West Lafayette", "Elm Ave W Palm Beach FL 33401": the directional
                    # starts the city (not "300 West Salt Lake City")
                    score -= 1.5
            last -= 1
        body_start = p
        tag = -1
        if with_tag and last > p and classes[last] & SUFFIX and last >= highway_end:
            tag = last
            cls = classes[tag]
            key = keys[tag]
            if cls & COMMON_SUFFIX:
                score += 3.0
            elif _suffix_of(key) not in _TYPE_LIKE_SUFFIXES:
                # However the type is spelled (so that canonical text reads back alike):
                if last - 1 == p and classes[p] & (ORDINAL | DIGIT):
                    score += 2.0  # "42nd Gardens": a numbered street has a type
                elif p > i and key in _SUFFIX_WORDS:
                    # "S Cottage Grove", "N Central Park": a grid street with its
                    # directional and without its type ends in a type-like name word
                    # (a word, not an abbreviation: "N Oak Crt W" has the type CT).
                    score += 0.6
                else:
                    score += 1.2  # "Hidden Meadow", "Moon Canyon": the type
            else:
                score += 1.2
            if s < zone_end and classes[s] & SUFFIX and not with_direction and not _starts_city(keys[s]):
                score -= 2.0  # "Park | Ave": the second of two type words is the type
            last -= 1
            if (
                direction < 0
                and last > p
                and classes[last] & DIRECTIONAL
                and not classes[last - 1] & (DIRECTIONAL | DIGIT | ORDINAL | HIGHWAY)
                and len(keys[last - 1]) > 1
                and keys[last - 1] not in _NUMBER_WORDS
            ):
                direction = last  # "Saint John W St": the directional before the type
                score += 1.0
                last -= 1
        elif not with_tag:
            score += 0.9  # a weak type word kept in the name
        elif s - p == 1 + with_direction and p > i and classes[p] & (ORDINAL | DIGIT):
            score += 1.0  # "SE 2nd", "NE 4th": a numbered street needs no type
        elif highway_end > p:
            score += 2.5  # "State Hwy 7" needs no type
        body_end = last + 1
        n = body_end - body_start
        if n <= 0:
            return _NO_READING
        first_cls = classes[body_start]
        if n == 1 and first_cls & COMMON_SUFFIX and tag < 0 and highway_end <= p:
            score -= 1.5  # a street named only "St" is a misreading (not "Wells", "Park")
        if n == 1 and tag >= 0 and first_cls & DIRECTIONAL:
            if p == i:
                # "100 South St" is South Street; "1520 N Wells" is North Wells.
                if len(keys[body_start]) <= 2 or not classes[tag] & COMMON_SUFFIX:
                    score -= 2.5
            elif len(keys[i]) > 2 and _same_axis(keys[i], keys[body_start]):
                # "East West Hwy", "North South Rd": two directionals of one axis are one
                # name; "West North Ave" (and "W North Ave") is W + North.
                score -= 2.0
        if p > i:
            score += 1.0
        elif n >= 2 and first_cls & DIRECTIONAL and not classes[body_start + 1] & SUFFIX:
            score -= 0.5
        if first_cls & SUFFIX and n >= 2 and keys[body_start + 1] in _OF_WORDS:
            score += 1.0  # "Avenue of the Americas"
        if tag < 0 and highway_end <= p:
            for k in range(body_start + 1, body_end - 1):
                if classes[k] & SUFFIX and not classes[k + 1] & DIGIT:  # not "Country Road 183"
                    score -= 2.0  # "Main Aly Salt | Lake City": a common type inside a typeless name
                    break
        if n > 3:
            score -= 0.4 * (n - 3)
            for k in range(body_start + 1, body_end - 1):
                if (
                    classes[k] & COMMON_SUFFIX
                    and classes[k + 1] & DIRECTIONAL
                    and not classes[k + 1] & SUFFIX
                ):
                    score -= 2.5  # "King Jr Ave SE Maple View Flats": "Ave SE" ended the street
                    break
        self.scored_tag = tag
        self.scored_direction = direction
        return score

    def _known_place(self, start: int, end: int, state_code: str = "", strict: bool = False) -> bool:
        """Are the words ``[start, end)`` a city of the gazetteer (for the
        address's ZIP or state when it has one, else anywhere)? A directional
        first word counts spelled out ("W Palm Beach" is West Palm Beach).
        ``strict``: when the address has a ZIP, that ZIP's own cities only."""
        n = end - start
        if n <= 0 or n > _CITY_MAX_WORDS:
            return False
        keys = self.keys
        first = _NAME_ABBREVIATIONS.get(keys[start], keys[start])
        spelled = _DIRECTION_WORDS.get(first) if n > 1 else None
        gazetteer = _gazetteer()
        if first not in gazetteer.first_words and spelled is None:
            return False  # most words begin no city name: no need to join them
        memo_key = (start << 9) | (end << 1) | strict
        if not state_code:
            known = self.place_memo.get(memo_key)
            if known is not None:
                return known
        words = [first.replace("-", " ").replace("'", "")]
        for k in range(start + 1, end):
            word = keys[k]
            words.append(_NAME_ABBREVIATIONS.get(word, word).replace("-", " ").replace("'", ""))
        name = " ".join(words)
        other = " ".join([spelled, *words[1:]]) if spelled is not None else ""
        zip_span = self.spans.get("zip", ())
        state_span = self.spans.get("state", ())
        found = False
        if zip_span and not state_code:
            names = gazetteer.zip_cities.get(keys[zip_span[0]][:5], ())
            found = name in names or other in names
            if strict:
                self.place_memo[memo_key] = found
                return found  # the ZIP's own cities only
        if not found and (state_span or state_code):
            state = state_code or _STATES.get(" ".join([keys[k] for k in state_span]), "")
            names_in_state = gazetteer.state_cities.get(state, _NO_NAMES)
            found = name in names_in_state or other in names_in_state
        elif not found and not zip_span:
            found = name in gazetteer.cities or other in gazetteer.cities
        if not state_code:
            self.place_memo[memo_key] = found
        return found

    def _tail_score(self, s: int, zone_end: int, tail_allowed: bool, place_known: bool) -> float:
        """How likely the words ``[s, zone_end)`` after the street are the city."""
        n = zone_end - s
        if not tail_allowed:
            # A building name between the street and its units is left out ("Frederick Rd The
            # Reed, Rockville"); a single word before the comma rarely is one ("Cottage Grove
            # Woods, Cedar Rapids").
            return -3.5 if n == 1 and self.commas[zone_end - 1] else -1.5 * n
        keys, classes = self.keys, self.classes
        known = self._known_place(s, zone_end)
        # A city of the gazetteer wins, the longer name first ("W Palm Beach" over "Palm Beach").
        score = (4.5 if place_known else -1.0) + 0.3 * n if known else (1.5 if place_known else -2.5)
        first = keys[s]
        if len(first) == 1 and classes[s] & ALPHA != 0 and not classes[s] & DIRECTIONAL:
            score -= 3.0  # "Calle A | San Juan", not "Calle | A San Juan"
        if (
            classes[s] & SUFFIX
            and not (_starts_city(first) and n > 1)
            and not (known and (place_known or n > 1))
        ):
            # "Center Point" may be a city; "Ln Center Point" is not.
            score -= 4.0
        if not known and classes[s] & DIRECTIONAL and (len(first.replace(" ", "")) <= 2 or n == 1):
            score -= 4.0 if n == 1 else 2.0
        if _any_class(classes, s, zone_end, DIGIT):
            score -= 3.0
        if n > 3 and not known:
            score -= 0.7 * (n - 3)
        return score

    def _highway_end(self, p: int, zone_end: int) -> int:
        """If the zone from ``p`` is a numbered highway ("State Hwy 7 Business",
        "Farm to Market 2222", "TX 121"), its end; else ``p``."""
        keys, classes = self.keys, self.classes
        if keys[p] in _HIGHWAY_FIRST:
            for size in range(min(_HIGHWAY_MAX, zone_end - p - 1), 1, -1):
                if tuple(keys[p : p + size]) in _HIGHWAY_PHRASES and self._route_identifier(p + size):
                    return self._after_trailers(p + size + 1, zone_end)
        if keys[p] in _STATE_FIRST:
            for size in range(min(_STATE_MAX, zone_end - p - 1), 0, -1):
                # A state before a route number is the state's route ("TX 121", "California 1").
                if " ".join(keys[p : p + size]) in _STATES and keys[p + size].isdigit():
                    return self._after_trailers(p + size + 1, zone_end)
        j = p
        while (
            j + 1 < zone_end
            and (classes[j] & (MODIFIER | STATE_CODE) or keys[j] in _STATES)
            and classes[j + 1] & (HIGHWAY | ROAD | MODIFIER)
        ):
            j += 1
        if j >= zone_end - 1:
            return p
        cls = classes[j]
        if not (cls & HIGHWAY or (cls & ROAD and (j == p or classes[j - 1] & MODIFIER))):
            return p
        if keys[j + 1] in ("NO", "NUMBER") and j + 2 < zone_end:
            j += 1  # "U.S. Highway No. 202"
        if not self._route_identifier(j + 1):
            return p
        return self._after_trailers(j + 2, zone_end)

    def _designation_before(self, j: int, zone_start: int) -> bool:
        """Does a highway designation ("Farm to Market", "C R") or, first in the
        street, a state's name ("TX", "California") end just before ``j``?"""
        keys = self.keys
        last = keys[j - 1]
        if last in _HIGHWAY_LAST:
            for size in range(2, min(_HIGHWAY_MAX, j - zone_start) + 1):
                if tuple(keys[j - size : j]) in _HIGHWAY_PHRASES:
                    return True
        return (
            last in _STATE_LAST and j - zone_start <= _STATE_MAX and " ".join(keys[zone_start:j]) in _STATES
        )

    def _route_identifier(self, k: int) -> bool:
        """Is the word at ``k`` a route's identifier ("2222", "A1A", "MM")? A
        street type is none ("I St", "I Ave": the letter street I)."""
        key = self.keys[k]
        return bool(self.classes[k] & DIGIT) or (
            self.classes[k] & ALPHA != 0 and len(key) <= 3 and not self.classes[k] & (DIRECTIONAL | SUFFIX)
        )

    def _after_trailers(self, e: int, zone_end: int) -> int:
        while e < zone_end and self.classes[e] & TRAILER:
            e += 1  # "Highway 71 Business"
        return e

    def _city(self, k: int) -> None:
        """Everything between the street and the state/ZIP is the city, but for
        units and building names. Comma segments: the last is the city; earlier
        ones are building names or second lines, left out with a warning. A unit
        inside a segment is read as a unit, and splits the segment: a building
        name before it, the city after it ("..., Tower Place Ste 1685",
        "..., Suite 1730 Atlanta, GA")."""
        tail = self.spans.pop("tail", ())
        words = [*tail, *range(k, self.end)]
        if not words:
            return
        segments: list[list[int]] = [[]]
        commas = self.commas
        for w in words:
            segments[-1].append(w)
            if commas[w]:
                segments.append([])
        pieces: list[list[int]] = []  # what is left of each segment, in order
        city: list[int] = []
        last_segment = len(segments) - 1
        while last_segment > 0 and not segments[last_segment]:
            last_segment -= 1
        for n, seg in enumerate(segments):
            if not seg:
                continue
            before, after, unit = self._split_at_unit(seg)
            if n == last_segment:
                if unit:
                    city = after
                    if before:
                        pieces.append(before)
                else:
                    city = before
            else:
                if before:
                    pieces.append(before)
                if after:
                    pieces.append(after)
        if pieces and len(city) == 1 and self._stray(city[0]):
            # "39 Main St, Anoka, W MN 55303": a stray letter or directional before the
            # state is no city; the segment before it is.
            pieces, city = [*pieces[:-1], city], pieces[-1]
        for extra in pieces:
            self._leave_out(repr(self._raw(extra)))
            self.penalty += 0.3
        if not city:
            return
        if _any_class_at(self.classes, city, DIGIT):
            self.warnings.append(f"city has digits: {self._raw(city)!r}")
            self.penalty += 0.6
        if "state" not in self.spans and "zip" not in self.spans and not (k > 0 and commas[k - 1]):
            self.penalty += 0.3  # no anchor: a city guessed from word order alone
        self.spans["city"] = city

    def _ends_in_city(self, i: int, zone_end: int) -> bool:
        """Does the zone ``[i, zone_end)`` end in a city of the gazetteer, after a street?"""
        return any(
            self._known_place(e, zone_end) for e in range(max(i + 1, zone_end - _CITY_MAX_WORDS), zone_end)
        )

    def _stray(self, k: int) -> bool:
        """A word that cannot be a city alone: one letter, a directional, a number."""
        key = self.keys[k]
        return len(key) == 1 or bool(self.classes[k] & (DIRECTIONAL | DIGIT))

    def _split_at_unit(self, seg: list[int]) -> tuple[list[int], list[int], bool]:
        """(words before, words after, found): the first unit written with its
        designator or "#" inside a segment, recorded as a unit level."""
        end = seg[-1] + 1
        for n, w in enumerate(seg):
            if self.keys[w] == "#" or self.classes[w] & UNIT:
                after = self._unit_at(w, street_done=True)
                if after is not None and after <= end:
                    return seg[:n], list(range(after, end)), True
        return seg, [], False

    # -- results -------------------------------------------------------------

    def _raw(self, span: Sequence[int]) -> str | None:
        if not span:
            return None
        raws = self.raws
        value = " ".join([raws[k] for k in span]).strip(" .,;#")
        return value or None

    def _words(self, span: Sequence[int] | None) -> str | None:
        if not span:
            return None
        keys = self.keys
        if len(span) == 1:
            value = keys[span[0]]  # a key has no outer spaces: only "#" can need stripping
            if "#" in value:
                value = value.strip(" #")
        else:
            value = " ".join([keys[k] for k in span]).strip(" #")
        return value or None

    def _apt(self) -> str | None:
        """Unit levels -> the apt field: identifiers only, the designator of a
        level that has none, and BLDG-type outer designators kept."""
        if not self.apt_levels:
            return None
        raws = self.raws
        last = len(self.apt_levels) - 1
        parts: list[str] = []
        for n, (designator, ident) in enumerate(self.apt_levels):
            if ident:
                kind = _designator(self.keys[designator]) if designator >= 0 else None
                if kind == "#" or (kind == "BLDG" and n < last):
                    parts.append(raws[designator] if kind == "#" else raws[designator].rstrip("."))
                parts.extend(raws[k] for k in ident)
            elif designator >= 0:
                parts.append(raws[designator].rstrip("."))
        return " ".join(parts).strip(" .,;#") or None

    def parts(self) -> Parts:
        """What the text says, as written: (po_box, number, prefix, street, tag,
        direction, apt, city, state, zip)."""
        spans = self.spans
        return (
            self.po_box,
            self._raw(spans.get("number", ())),
            self._raw(spans.get("prefix", ())),
            self._raw(spans.get("street", ())),
            self._raw(spans.get("tag", ())),
            self._raw(spans.get("direction", ())),
            self._apt(),
            self._raw(spans.get("city", ())),
            self._raw(spans.get("state", ())),
            self._raw(spans.get("zip", ())),
        )

    def canonical_parts(self) -> Parts:
        """The canonical form of :meth:`parts`, by the one set of rules
        (:func:`addrmatch._canon.parts_from_words`), fed the token keys: they
        are already the canonical words of the raw text."""
        spans = self.spans
        return parts_from_words(
            self.po_box,
            self._words(spans.get("number")),
            self._words(spans.get("prefix")),
            self._words(spans.get("street")),
            self._words(spans.get("tag")),
            self._words(spans.get("direction")),
            canonical_words(self._apt()) if self.apt_levels else None,
            self._words(spans.get("city")),
            self._words(spans.get("state")),
            self._raw(spans.get("zip", ())),
        )

    def key(self) -> str:
        """The match key of the canonical form, without building an Address."""
        p = self.canonical_parts()  # unpacked by hand: a direct call, not a generic *args one
        return key_from_parts(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9])


def _suffix_of(key: str) -> str:
    """The C1 abbreviation of a word the tokenizer classed as a street type."""
    found = _SUFFIXES.get(key)
    return found if found is not None else _SUFFIX_ALIASES.get(key, key)


def _designator(key: str) -> str:
    """The C2 abbreviation of a word the reader classed as a unit designator
    (a C2 word, or "St" read as a suite: "Ave St 1400")."""
    found = _UNITS.get(key)
    return found if found is not None else _SUITE_WORDS.get(key, key)


def _starts_city(key: str) -> bool:
    """Does a city name begin with this word ("Fort Lauderdale", "Lake Forest", "St Paul")?"""
    return _NAME_ABBREVIATIONS.get(key, key) in _gazetteer().city_first_words


def _floor_word(key: str, cls: int) -> bool:
    """Words that name a floor before FLOOR: "2nd", "Second", "Ground", "2"."""
    return bool(cls & ORDINAL) or key in _FLOOR_NAMES or key.isdigit()
