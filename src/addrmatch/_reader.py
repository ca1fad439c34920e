"""The fast path of :mod:`addrmatch.parse`: a table-driven reader over tokens.

Private, and compiled with mypyc when the package is built (see
pyproject.toml); the public entry points in :mod:`addrmatch.parse` check
their arguments and call :func:`read_text`.

The place (ZIP, state, city) is read from the right; the street from the
left: PO box, rural route, military box, urbanization, or house number, then
the street zone, then unit levels. Inside the street zone every plausible
split is scored, and the margin between the best and the second-best reading
sets the confidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from addrmatch._keyfold import key_from_parts
from addrmatch.address import Address
from addrmatch.canonical import (
    canonical_apt,
    canonical_zip,
    number_from_words,
    state_from_words,
    street_from_words,
)
from addrmatch.tables import TABLES
from addrmatch.tokens import (
    COMMON_SUFFIX,
    DIGIT,
    DIRECTIONAL,
    FLOOR_AFTER,
    HIGHWAY,
    MODIFIER,
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

_SUFFIXES = TABLES.suffixes
_SUFFIX_NAMES = TABLES.suffix_names
_DIRECTIONALS = TABLES.directionals
_UNITS = TABLES.unit_designators
_UNITS_NEED_ID = TABLES.unit_needs_identifier
_STATES = TABLES.states
# Last word of a state name -> the word counts of the names it ends, longest first.
_STATE_LENGTHS: dict[str, tuple[int, ...]] = {}
for _name in _STATES:
    _words_of_name = _name.split()
    _STATE_LENGTHS[_words_of_name[-1]] = tuple(
        sorted({*_STATE_LENGTHS.get(_words_of_name[-1], ()), len(_words_of_name)}, reverse=True)
    )
_ONE_WORD = (1,)
# Type words that stay a type even when written in full ("Central Park" is
# a name in Chicago, but "Midway Medical Park" has the type PARK).
_TYPE_LIKE_SUFFIXES = frozenset("PARK PLZ MALL WALK ROW STRA CTR".split())
_COUNTRY = frozenset({"USA", "US", "STATES"})
# Words that begin city names ("Fort Lauderdale", "Mount Vernon", "St Petersburg")
# although they are also street types.
_CITY_STARTERS = frozenset({"FORT", "FT", "MOUNT", "MT", "PORT", "SAINT", "ST", "LAKE", "PALM", "VILLAGE"})
_NUMBER_WORDS = frozenset("ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE TEN ELEVEN TWELVE".split())
_BOX_WORDS = frozenset({"BOX", "BX", "#"})
_OF_WORDS = frozenset({"OF", "DE", "DEL", "LA", "LAS", "LOS", "EL", "THE"})
_LEVEL_WORDS = frozenset({"LEVEL", "LVL"})
_FLOOR_NAMES = frozenset({"GROUND", "MAIN", "TOP", "BOTTOM", "MEZZANINE"})
_URBANIZATION = frozenset({"URB", "URBANIZACION", "URBANIZATION"})

_ZIP = re.compile(r"^\d{5}(?:-?\d{4})?$")
_ZIP4 = re.compile(r"^\d{4}$")  # a ZIP that lost its leading zero ("NJ 7030")
_GRID_HALF = re.compile(r"^[NSEW]\d+[NSEW]?$")
_NUMBER = re.compile(r"^(?:\d+[A-Z]?(?:[-/]\d*[A-Z0-9]+)?|\d+½|[NSEW]\d+[NSEW]\d+|\d+-[A-Z])$")
_FRACTION = re.compile(r"^\d/\d{1,2}$")
_UNIT_ID = re.compile(r"^(?:[A-Z0-9]*\d[A-Z0-9]*(?:[-/][A-Z0-9]+)*|[A-Z]{1,2}(?:-[A-Z0-9]+)?|[A-Z]-?\d*)$")
_GLUED_UNIT = re.compile(r"^(?:APT|STE|SUITE|UNIT|RM|ROOM|BLDG|LOT|SPC|TRLR)\d[A-Z0-9-]*$")
_BOX_ID = re.compile(r"^[A-Z0-9-]*\d[A-Z0-9-]*$")

_PO_BOX_HEADS: tuple[tuple[str, ...], ...] = (
    ("POST", "OFFICE", "BOX"),
    ("P", "O", "BOX"),
    ("PO", "BOX"),
    ("PO", "BX"),
    ("POBOX",),
    ("POB",),
    ("BOX",),
    ("PO",),
)
_PO_BOX_FIRST = frozenset(head[0] for head in _PO_BOX_HEADS)
_ROUTE_HEADS: tuple[tuple[str, ...], ...] = (
    ("RURAL", "ROUTE"),
    ("RURAL", "RTE"),
    ("RURAL", "RT"),
    ("R", "R"),
    ("RR",),
    ("RFD",),
    ("HIGHWAY", "CONTRACT"),
    ("HC",),
    ("STAR", "ROUTE"),
    ("PSC",),
    ("CMR",),
    ("UNIT",),
)
_ROUTE_FIRST = frozenset(head[0] for head in _ROUTE_HEADS)


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
        "classes",
        "commas",
        "confidence",
        "end",
        "keys",
        "penalty",
        "po_box",
        "raws",
        "spans",
        "warnings",
    )

    def __init__(self, tokens: Tokens) -> None:
        self.raws = tokens.raws
        self.keys = tokens.keys
        self.commas = tokens.commas
        self.classes = tokens.classes
        self.end = len(tokens.keys)
        self.spans: dict[str, Sequence[int]] = {}
        self.apt_levels: list[tuple[int, Sequence[int]]] = []  # (designator index or -1, identifier)
        self.warnings: list[str] = []
        self.penalty = 0.0
        self.po_box = False
        self.confidence = 0.0

    # -- the place, read from the right ------------------------------------

    def _read_place(self) -> None:
        keys, commas, end = self.keys, self.commas, self.end
        if end > 2 and keys[end - 1] in _COUNTRY:
            n = 2 if keys[end - 1] == "STATES" and keys[end - 2] == "UNITED" else 1
            if end - n > 1 and (commas[end - n - 1] or _ZIP.match(keys[end - n - 1])):
                end -= n  # "..., USA", "02895 United States"
        zip_found = False
        if (
            end > 2
            and keys[end - 2] not in _BOX_WORDS
            and not (
                self.classes[end - 2] & UNIT
                and not self.classes[end - 2] & STATE_CODE
                and _UNITS[keys[end - 2]] in _UNITS_NEED_ID
            )  # "Apt 12345" is a unit; "FL 33709", "Lobby 60606" end in a ZIP
            and _ZIP.match(keys[end - 1])
        ):
            self.spans["zip"] = (end - 1,)
            zip_found = True
            end -= 1
        elif end > 3 and _ZIP4.match(keys[end - 1]) and self.classes[end - 2] & STATE_CODE:
            self.spans["zip"] = (end - 1,)  # "Hoboken, NJ 7030"
            zip_found = True
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
        self.end = end

    def _state_plausible(self, key: str, n: int, start: int, zip_found: bool) -> bool:
        keys, classes = self.keys, self.classes
        after_comma = self.commas[start - 1]
        prev = keys[start - 1]
        if n == 1 and classes[start] & (SUFFIX | DIRECTIONAL | UNIT):
            # CT KY MT PR WY NE FL are also street or unit words.
            if not zip_found and (classes[start - 1] & (DIGIT | ORDINAL)):
                return False  # "20th Fl" is a floor
            if after_comma and not zip_found and classes[start - 1] & (SUFFIX | DIRECTIONAL):
                return False  # "Peachtree Street, NE" is a directional
        if zip_found or after_comma:
            return True
        if start < 2:
            return False
        if n == 1 and classes[start] & (SUFFIX | DIRECTIONAL | UNIT):
            # "123 Oak Ct" is Court; "123 Main St Hartford CT" and
            # "1275 Cromwell Ave Rocky Hill CT" are Connecticut.
            if classes[start - 1] & (COMMON_SUFFIX | DIRECTIONAL):
                return False
            return any(c & SUFFIX for c in classes[1 : start - 1]) or any(self.commas[1 : start - 1])
        if len(key) > 2:
            # "3719 Old Alabama" is a street; "123 Main St Lafayette Indiana" a state.
            return any(c & SUFFIX for c in classes[1 : start - 1]) and prev not in _OF_WORDS
        return True

    # -- the street, read from the left ---------------------------------------

    def read(self) -> bool:
        """Read the tokens; False when no street or box was found."""
        self._read_place()
        if self.end == 0:
            return False
        i = self._leading_units(0)
        after = self._special(i)
        if after is None:
            after = self._number(i)
            if after is None:
                return False
            after = self._street_and_units(after)
        self._city(after)
        if not self.spans.get("street") and not self.po_box:
            return False  # "42": a number alone is no address
        penalty = self.penalty + 0.4 * sum(w.startswith("words left out") for w in self.warnings)
        self.confidence = round(max(0.0, min(1.0, 1.0 - penalty)), 3)
        return True

    def _leading_units(self, i: int) -> int:
        """Units written before the house number ("Apt 4, 123 Main St")."""
        keys, classes = self.keys, self.classes
        while i + 2 < self.end and (classes[i] & UNIT or keys[i] == "#"):
            j = i + 1
            if not _UNIT_ID.match(keys[j]) or not _NUMBER.match(keys[j + 1]):
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
                if j < end and _BOX_ID.match(keys[j]):
                    self.po_box = True
                    self.spans["number"] = (j,)
                    return j + 1
        if first in _ROUTE_FIRST:
            n = self._match_head(i, _ROUTE_HEADS)
            j = i + n
            if n and j + 2 < end and _BOX_ID.match(keys[j]) and keys[j + 1] in ("BOX", "BX"):
                k = j + 2
                if k < end and keys[k] == "#":
                    k += 1
                if k < end and _BOX_ID.match(keys[k]):
                    self.spans["street"] = range(i, j + 1)
                    self.spans["number"] = (k,)
                    return k + 1
        if first in _URBANIZATION:
            j = i + 1
            while j < end and not _NUMBER.match(keys[j]):
                j += 1
            if i + 1 < j < end:
                after = self._number(j)
                if after is not None:
                    return self._street_and_units(after, lead=range(i, j))
        return None

    def _number(self, i: int) -> int | None:
        keys, end = self.keys, self.end
        if i >= end:
            return None
        key = keys[i]
        if i + 1 < end and _GRID_HALF.match(key) and _GRID_HALF.match(keys[i + 1]):
            self.spans["number"] = (i, i + 1)  # "W148 N9748 Tree Tops Dr"
            return i + 2
        if not _NUMBER.match(key) and not (key in _NUMBER_WORDS and i + 2 < end):
            return None  # no house number: the CRF may know better
        j = i + 1
        if j < end and not self.commas[i] and _FRACTION.match(keys[j]):
            j += 1  # "123 1/2"
        elif (
            j + 1 < end
            and not self.commas[i]
            and len(keys[j]) == 1
            and keys[j].isalpha()
            and not self.classes[j] & DIRECTIONAL
            and len(keys[j + 1]) >= 2
            and keys[j + 1].isalpha()
            and keys[j + 1] not in _OF_WORDS
            and keys[j + 1] != "AND"
            and not (self.classes[j + 1] & SUFFIX and (j + 2 >= end or self.commas[j + 1]))
        ):
            j += 1  # "4922 B South Cornell"; not "2964 L B J Fwy", "123 A St"
        self.spans["number"] = range(i, j)
        return j

    def _unit_identifier(self, k: int) -> int:
        """The identifier at ``k`` plus a trailing letter or directional at the
        end of its segment ("Apt 13 C", "Unit 2 East"); returns its end."""
        keys, commas, end = self.keys, self.commas, self.end
        m = k + 1
        if (
            m < end
            and not commas[k]
            and (commas[m] or m + 1 == end)
            and ((len(keys[m]) == 1 and keys[m].isalpha()) or self.classes[m] & DIRECTIONAL)
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
            if k + 1 < end and classes[k] & UNIT and _UNIT_ID.match(keys[k + 1]):
                k += 1  # "# APT 2"
            if k < end and _UNIT_ID.match(keys[k]):
                m = self._unit_identifier(k)
                self.apt_levels.append((-1, range(k, m)))
                return m
            if k < end and (self.commas[k] or k + 1 == end) and keys[k].isalpha():
                self.apt_levels.append((-1, (k,)))  # "# SECOND": a word identifier ends its segment
                return k + 1
            return None
        if classes[j] & UNIT:
            designator = _UNITS[key]
            k = j + 1
            if k < end and keys[k] == "#":
                k += 1
            if k < end and _UNIT_ID.match(keys[k]) and not self.commas[j]:
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
        if _GLUED_UNIT.match(key):
            self.apt_levels.append((-1, (j,)))  # "Suite100"
            return j + 1
        if street_done and (classes[j] & DIGIT or len(key) == 1) and _UNIT_ID.match(key):
            self.apt_levels.append((-1, (j,)))  # "St East 100"
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
        if prev_cls & HIGHWAY and (cls & DIGIT or key == "NO" or key == "NUMBER"):
            return False  # "Highway No. 202", "Route 5"; not "Main Hwy Apt 1"
        if cls & UNIT:
            designator = _UNITS[key]
            if j + 1 < end:
                nxt = keys[j + 1]
                if (
                    (_UNIT_ID.match(nxt) or (nxt == "#" and designator in _UNITS_NEED_ID))
                    and not classes[j + 1] & SUFFIX
                    and not (cls & SUFFIX and classes[j + 1] & DIRECTIONAL)
                ):
                    return True  # not "Key West Dr", "Trailer Park Rd", "Main Trlr N"
                if designator == "FL" and classes[j + 1] & ORDINAL:
                    return True
            if j - zone_start >= 2 and prev_cls & (SUFFIX | DIRECTIONAL) and designator in _UNITS_NEED_ID:
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
        if _GLUED_UNIT.match(key):
            return True
        if prev_cls & (HIGHWAY | ROAD | UNIT) or (prev_cls & MODIFIER and not prev_cls & SUFFIX):
            return False  # "Highway 7", "County 5", "Highway No 202"
        if cls & DIGIT:
            if (
                at_segment_end
                and keys[j - 1].isalpha()
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
                    keys[j - 1].isalpha()
                    and not prev_cls & DIRECTIONAL
                    and not cls & ORDINAL
                    and not (j + 1 < end and classes[j + 1] & SUFFIX)
                    and not self.commas[j - 1]
                ):
                    return True
            return False
        if (
            len(key) <= 2
            and key.isalpha()
            and not cls & (DIRECTIONAL | STATE_CODE | SUFFIX)
            and (at_segment_end or classes[j + 1] & STATE_CODE == 0)
            and prev_cls & (SUFFIX | DIRECTIONAL)
            and j - 2 > zone_start
            and not classes[j - 2] & DIRECTIONAL
        ):
            return True  # "Summit Court B", "Webster Avenue LH", not "South Ave O"
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
        return len(nxt) == 1 and nxt.isalpha() and (self.commas[k + 1] or k + 2 == self.end)

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
        post_direction = -1
        if (
            k < end
            and commas[k - 1]
            and self.classes[k] & DIRECTIONAL
            and k > i + 1
            and (len(keys[k]) == 2 or commas[k] or k + 1 == end)
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
        tail_allowed = k == zone_end and not (k < end and commas[k - 1])
        reading = self._best_street(i, zone_end, tail_allowed)
        if reading is None:
            self.penalty += 1.0
            if lead or zone_end > i:
                self.spans["street"] = [*lead, *range(i, zone_end)]
            return k
        _, p, s, tag, direction = reading
        if p > i:
            self.spans["prefix"] = (i,)
        body_end = min(x for x in (s, tag, direction) if x >= 0)
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
            if tail_allowed:
                self.spans["tail"] = range(s, zone_end)
            else:
                self.warnings.append(f"words left out: {self._raw(range(s, zone_end))!r}")
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
        best: tuple[float, int, int, int, int] | None = None
        second = -1e9
        for p in starts:
            highway_end = self._highway_end(p, zone_end)
            first = max(p + 1, highway_end)
            # Where may the street end? At the end of the zone, or (a city or
            # leftovers after it) right after a type or a directional; anywhere
            # when the zone has no type at all ("1600 NE 4th Fort Lauderdale").
            if any(c & SUFFIX for c in classes[p + 1 : zone_end]):
                ends = [
                    e
                    for e in range(first, zone_end)
                    if classes[e - 1] & (SUFFIX | DIRECTIONAL) or e == highway_end
                ]
                ends.append(zone_end)
            else:
                ends = list(range(first, zone_end + 1))
            for s in ends:
                with_direction = (False, True) if classes[s - 1] & DIRECTIONAL and s - p >= 2 else (False,)
                for direction in with_direction:
                    last = s - 2 if direction else s - 1
                    weak = classes[last] & SUFFIX and not classes[last] & COMMON_SUFFIX
                    for with_tag in (True, False) if weak else (True,):
                        reading = self._score(i, p, s, direction, with_tag, highway_end, zone_end)
                        if reading is None:
                            continue
                        score, tag, direction_at = reading
                        if s < zone_end:
                            score += self._tail_score(s, zone_end, tail_allowed, place_known)
                        if best is None or score > best[0]:
                            if best is not None:
                                second = max(second, best[0])
                            best = (score, p, s, tag, direction_at)
                        else:
                            second = max(second, score)
        if best is None:
            return None
        margin = best[0] - second
        if margin < 1.0:
            self.penalty += (1.0 - margin) * 0.6 + 0.2
        return best

    def _score(
        self, i: int, p: int, s: int, with_direction: bool, with_tag: bool, highway_end: int, zone_end: int
    ) -> tuple[float, int, int] | None:
        """One reading: prefix [i, p), name, type, direction, up to s.
        Returns (score, type index, direction index), -1 for none."""
        keys, classes = self.keys, self.classes
        score = 0.0
        last = s - 1
        direction = last if with_direction else -1
        if with_direction:
            if s - p < 2 or not classes[last] & DIRECTIONAL or last < highway_end:
                return None
            score += 0.5
            if s < zone_end and len(keys[last].replace(" ", "")) > 2:
                score -= 1.5  # "Main St West Lafayette": West starts the city
            last -= 1
        body_start = p
        tag = -1
        if with_tag and last > p and classes[last] & SUFFIX and last >= highway_end:
            tag = last
            cls = classes[tag]
            key = keys[tag]
            abbreviation = _SUFFIXES[key]
            if cls & COMMON_SUFFIX:
                score += 3.0
            elif key == _SUFFIX_NAMES[abbreviation] and abbreviation not in _TYPE_LIKE_SUFFIXES:
                if last - 1 == p and classes[p] & (ORDINAL | DIGIT):
                    score += 2.0  # "42nd Gardens": a numbered street has a type
                else:
                    score += 0.6  # "Cottage Grove", "Stony Island": often the name itself
            else:
                score += 1.2
            if s < zone_end and classes[s] & SUFFIX and not with_direction and keys[s] not in _CITY_STARTERS:
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
            return None
        first_cls = classes[body_start]
        if n == 1 and first_cls & COMMON_SUFFIX and tag < 0 and highway_end <= p:
            score -= 1.5  # a street named only "St" is a misreading (not "Wells", "Park")
        if n == 1 and tag >= 0 and first_cls & DIRECTIONAL:
            if p == i:
                # "100 South St" is South Street; "1520 N Wells" is North Wells.
                if len(keys[body_start]) <= 2 or not classes[tag] & COMMON_SUFFIX:
                    score -= 2.5
            elif len(keys[i]) > 2:
                score -= 2.0  # "East West Hwy" is one name; "W North Ave" is W + North
        if p > i:
            score += 1.0
        elif n >= 2 and first_cls & DIRECTIONAL and not classes[body_start + 1] & SUFFIX:
            score -= 0.5
        if first_cls & SUFFIX and n >= 2 and keys[body_start + 1] in _OF_WORDS:
            score += 1.0  # "Avenue of the Americas"
        if n > 3:
            score -= 0.4 * (n - 3)
        return score, tag, direction

    def _tail_score(self, s: int, zone_end: int, tail_allowed: bool, place_known: bool) -> float:
        n = zone_end - s
        if not tail_allowed:
            return -1.5 * n
        keys, classes = self.keys, self.classes
        score = 2.0 if place_known else -0.8
        first = keys[s]
        if len(first) == 1 and first.isalpha() and not classes[s] & DIRECTIONAL:
            score -= 3.0  # "Calle A | San Juan", not "Calle | A San Juan"
        if classes[s] & SUFFIX and first not in _CITY_STARTERS:
            # "Center Point" may be a city; "Ln Center Point" is not.
            score -= 1.0 if first == _SUFFIX_NAMES[_SUFFIXES[first]] else 4.0
        if classes[s] & DIRECTIONAL and (len(first.replace(" ", "")) <= 2 or n == 1):
            score -= 4.0 if n == 1 else 2.0
        if any(c & DIGIT for c in classes[s:zone_end]):
            score -= 3.0
        if n > 3:
            score -= 0.7 * (n - 3)
        return score

    def _highway_end(self, p: int, zone_end: int) -> int:
        """If the zone from ``p`` is a numbered highway ("State Hwy 7 Business"), its end; else ``p``."""
        keys, classes = self.keys, self.classes
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
        ident = keys[j + 1]
        if not (
            classes[j + 1] & DIGIT
            or (ident.isalpha() and len(ident) <= 3 and not classes[j + 1] & DIRECTIONAL)
        ):
            return p
        e = j + 2
        while e < zone_end and classes[e] & TRAILER:
            e += 1
        return e

    def _city(self, k: int) -> None:
        """Everything between the street and the state/ZIP is the city."""
        tail = self.spans.pop("tail", ())
        words = [*tail, *range(k, self.end)]
        if not words:
            return
        # Several comma segments: the last is the city; earlier ones are
        # building names or second lines.
        segments: list[list[int]] = [[]]
        commas = self.commas
        for w in words:
            segments[-1].append(w)
            if commas[w]:
                segments.append([])
        segments = [seg for seg in segments if seg]
        city = segments[-1]
        for extra in segments[:-1]:
            self.warnings.append(f"words left out: {self._raw(extra)!r}")
            self.penalty += 0.3
        if any(self.classes[w] & DIGIT for w in city):
            self.warnings.append(f"city has digits: {self._raw(city)!r}")
            self.penalty += 0.6
        if "state" not in self.spans and "zip" not in self.spans and not (k > 0 and commas[k - 1]):
            self.penalty += 0.3  # no anchor: a city guessed from word order alone
        self.spans["city"] = city

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
                kind = _UNITS.get(self.keys[designator]) if designator >= 0 else None
                if kind == "#" or (kind == "BLDG" and n < last):
                    parts.append(raws[designator] if kind == "#" else raws[designator].rstrip("."))
                parts.extend(raws[k] for k in ident)
            elif designator >= 0:
                parts.append(raws[designator].rstrip("."))
        return " ".join(parts).strip(" .,;#") or None

    def result(self) -> Address:
        """The address as written."""
        spans, raw = self.spans, self._raw
        address = Address(
            po_box=self.po_box,
            number=raw(spans.get("number", ())),
            prefix=raw(spans.get("prefix", ())),
            street=raw(spans.get("street", ())),
            tag=raw(spans.get("tag", ())),
            direction=raw(spans.get("direction", ())),
            apt=self._apt(),
            city=raw(spans.get("city", ())),
            state=raw(spans.get("state", ())),
            zip=raw(spans.get("zip", ())),
        )
        return address

    def canonical_parts(
        self,
    ) -> tuple[
        str | None,
        str | None,
        str | None,
        str | None,
        str | None,
        str | None,
        str | None,
        str | None,
        str | None,
    ]:
        """(number, prefix, street, tag, direction, apt, city, state, zip) in
        canonical form, from the token keys."""
        spans, words, keys = self.spans, self._words, self.keys
        number = words(spans.get("number"))
        street = words(spans.get("street"))
        state = words(spans.get("state"))
        prefix = spans.get("prefix")
        tag = spans.get("tag")
        direction = spans.get("direction")
        zip_span = spans.get("zip")
        return (
            number_from_words(number) if number else None,
            _DIRECTIONALS[keys[prefix[0]]] if prefix else None,
            street_from_words(street) if street else None,
            _SUFFIXES[keys[tag[0]]] if tag else None,
            _DIRECTIONALS[keys[direction[0]]] if direction else None,
            canonical_apt(self._apt()) if self.apt_levels else None,
            words(spans.get("city")),
            state_from_words(state) if state else None,
            canonical_zip(self._raw(zip_span)) if zip_span else None,
        )

    def canonical(self) -> Address:
        """The canonical form, from the token keys (== canonicalize(result()))."""
        number, prefix, street, tag, direction, apt, city, state, zip_code = self.canonical_parts()
        return Address(
            po_box=self.po_box,
            number=number,
            prefix=prefix,
            street=street,
            tag=tag,
            direction=direction,
            apt=apt,
            city=city,
            state=state,
            zip=zip_code,
        )

    def key(self) -> str:
        """The match key of the canonical form, without building an Address."""
        number, prefix, street, tag, direction, apt, city, state, zip_code = self.canonical_parts()
        return key_from_parts(self.po_box, number, prefix, street, tag, direction, apt, city, state, zip_code)


def _floor_word(key: str, cls: int) -> bool:
    """Words that name a floor before FLOOR: "2nd", "Second", "Ground", "2"."""
    return bool(cls & ORDINAL) or key in _FLOOR_NAMES or key.isdigit()
