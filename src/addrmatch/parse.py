"""Free text -> address components, as written.

Two paths, one result type:

* **fast**: a hand-written tokenizer (:mod:`addrmatch.tokens`) and a
  table-driven reading of the common shapes. The place (ZIP, state, city) is
  read from the right; the street from the left: PO box, rural route,
  military box, urbanization, or house number, then the street zone, then
  unit levels. Inside the street zone every plausible split (prefix or not;
  where the street ends and the city begins) is scored, and the margin
  between the best and the second-best reading is the confidence.
* **crf**: ``usaddress`` (a conditional random field) for what the fast path
  cannot decide confidently: its labels are mapped onto the same fields.

:func:`parse_details` says which path decided and how sure it is;
:func:`parse` returns the address only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from addrmatch.address import Address
from addrmatch.errors import UnparseableAddressError
from addrmatch.tables import TABLES
from addrmatch.tokens import Token, tokenize

__all__ = ["ParseResult", "parse", "parse_details", "CONFIDENT"]

#: Readings of the fast path at or above this confidence are not sent to the CRF.
CONFIDENT = 0.5

_SUFFIXES = TABLES.suffixes
_DIRECTIONALS = TABLES.directionals
_UNITS = TABLES.unit_designators
_UNITS_NEED_ID = TABLES.unit_needs_identifier
_STATES = TABLES.states
_HIGHWAY = TABLES.highway_words
_ROAD = TABLES.road_words
_HIGHWAY_MODIFIERS = TABLES.highway_modifiers
_HIGHWAY_TRAILERS = TABLES.highway_trailers
_ORDINAL_WORDS = TABLES.ordinal_words
# Street types that are almost always a suffix when they stand after a name:
# the commonest C1 abbreviations. Any other C1 word ("Park", "Point") often
# is a name word and scores lower as a suffix.
_TYPE_LIKE_SUFFIXES = frozenset("PARK PLZ MALL WALK ROW STRA CTR".split())
_COMMON_SUFFIXES = frozenset(
    "ST AVE RD DR LN BLVD CT WAY PL CIR PKWY HWY TER TRL LOOP SQ PIKE XING CV RUN PT PATH "
    "ALY EXPY FWY TPKE RTE BND HOLW GRV CRES".split()
)
# State codes that are also suffixes, directionals or unit words: taken as a
# state only after a comma, before a ZIP, or after a street that has its type.
_AMBIGUOUS_STATES = frozenset(
    k for k in TABLES.state_codes if k in _SUFFIXES or k in _DIRECTIONALS or k in _UNITS
)
_STATE_CODES = TABLES.state_codes
_COUNTRY = frozenset({"USA", "US", "UNITED STATES", "UNITED STATES OF AMERICA"})

_ZIP = re.compile(r"^\d{5}(?:-?\d{4})?$")
_NUMBER = re.compile(r"^(?:\d+[A-Z]?(?:[-/]\d*[A-Z0-9]+)?|\d+½|[NSEW]\d+[NSEW]\d+|\d+-[A-Z])$")
_FRACTION = re.compile(r"^\d/\d{1,2}$")
_HAS_DIGIT = re.compile(r"\d")
_ORDINAL_NUMBER = re.compile(r"^\d+(?:ST|ND|RD|TH)$")
_UNIT_ID = re.compile(r"^(?:[A-Z0-9]*\d[A-Z0-9]*(?:[-/][A-Z0-9]+)*|[A-Z]{1,2}(?:-[A-Z0-9]+)?|[A-Z]-?\d*)$")
_GLUED_UNIT = re.compile(r"^(?:APT|STE|SUITE|UNIT|RM|ROOM|BLDG|LOT|SPC|TRLR)\d[A-Z0-9-]*$")
_BOX_ID = re.compile(r"^[A-Z0-9-]*\d[A-Z0-9-]*$")

_PO_BOX_HEADS: tuple[tuple[str, ...], ...] = (
    ("POST", "OFFICE", "BOX"),
    ("P", "O", "BOX"),
    ("PO", "BOX"),
    ("POBOX",),
    ("POB",),
    ("BOX",),
    ("PO",),
)
_ROUTE_HEADS: dict[tuple[str, ...], str] = {
    ("RURAL", "ROUTE"): "RR",
    ("RURAL", "RTE"): "RR",
    ("RURAL", "RT"): "RR",
    ("R", "R"): "RR",
    ("RR",): "RR",
    ("RFD",): "RR",
    ("HIGHWAY", "CONTRACT"): "HC",
    ("HC",): "HC",
    ("STAR", "ROUTE"): "HC",
    ("PSC",): "PSC",
    ("CMR",): "CMR",
    ("UNIT",): "UNIT",
}
_URBANIZATION = frozenset({"URB", "URBANIZACION", "URBANIZATION"})
_FLOOR_AFTER = frozenset({"FLOOR", "FLR", "FL"})
_FLOOR_NAMES = frozenset({"GROUND", "MAIN", "TOP", "BOTTOM", "LOBBY", "MEZZANINE"})
_LEVEL_WORDS = frozenset({"LEVEL", "LVL"})

Path = Literal["fast", "crf"]


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What :func:`parse_details` found.

    ``confidence`` is in [0, 1]: 1 for an unambiguous shape, lower when
    readings competed; ``path`` is ``"fast"`` or ``"crf"`` (usaddress
    decided); ``warnings`` name words that were left out or guessed.
    """

    address: Address
    confidence: float
    path: Path
    warnings: tuple[str, ...] = ()


def parse(text: str) -> Address:
    """Split free text into address components, as written.

    >>> a = parse("4321 South Lexington Ave SE Apt 45, Blaine, MN 55123")
    >>> (a.number, a.prefix, a.street, a.tag, a.direction, a.apt, a.city, a.state, a.zip)
    ('4321', 'South', 'Lexington', 'Ave', 'SE', '45', 'Blaine', 'MN', '55123')
    >>> parse("P.O. Box 125").po_box, parse("P.O. Box 125").number
    (True, '125')
    """
    return parse_details(text).address


def parse_details(text: str) -> ParseResult:
    """Parse and say how: confidence, the path that decided, and warnings.

    Raises :class:`~addrmatch.errors.UnparseableAddressError` when no street
    or box can be found. Never raises anything else for a ``str``.

    >>> r = parse_details("4321 W 109th Ave NW")
    >>> r.path, r.address.street, r.address.direction
    ('fast', '109th', 'NW')
    """
    if not isinstance(text, str):
        raise UnparseableAddressError(
            f"fullStreetAddress: expected text, got {type(text).__name__}", text=repr(text)
        )
    tokens = tokenize(text)
    if not tokens:
        raise UnparseableAddressError("fullStreetAddress: empty address text", text=text)
    fast = _Reader(tokens).read()
    if fast is not None and fast.confidence >= CONFIDENT:
        return fast
    crf = _crf(text)
    if crf is not None and (fast is None or _usable(crf.address)):
        return crf
    if fast is not None:
        return fast
    raise UnparseableAddressError(
        f"fullStreetAddress: no house number, street or box found in {text[:80]!r}", text=text
    )


def _join(tokens: Sequence[Token]) -> str | None:
    """Join tokens as written; drop a field's trailing period."""
    if not tokens:
        return None
    value = " ".join(t.raw for t in tokens).strip(" .,;#")
    return value or None


def _usable(address: Address) -> bool:
    return bool(address.number or address.street) and bool(address.street or address.po_box)


# ---------------------------------------------------------------------------
# The fast path


@dataclass(slots=True)
class _Street:
    """One reading of the street zone."""

    score: float
    prefix: list[Token]
    name: list[Token]
    tag: list[Token]
    direction: list[Token]
    tail: list[Token]  # words after the street: the city, or leftovers


class _Reader:
    """Reads one token list. Not reused; holds the working state of one parse."""

    __slots__ = ("apt_levels", "end", "fields", "penalty", "tokens", "warnings", "zone_tail")

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.end = len(tokens)
        self.fields: dict[str, str | None] = {}
        self.warnings: list[str] = []
        self.penalty = 0.0
        self.apt_levels: list[tuple[Token | None, list[Token]]] = []
        self.zone_tail: list[Token] = []  # street-zone words after the street: the city

    # -- place, read from the right -------------------------------------

    def _read_place(self) -> None:
        tokens = self.tokens
        end = self.end
        if (
            end > 2
            and tokens[end - 1].key in _COUNTRY
            and tokens[end - 2].comma | bool(_ZIP.match(tokens[end - 2].key))
        ):
            end -= 1
        zip_found = False
        if end > 1 and _ZIP.match(tokens[end - 1].key):
            self.fields["zip"] = tokens[end - 1].raw.strip(".,")
            zip_found = True
            end -= 1
        for n in range(min(TABLES.state_name_max_words, end - 1), 0, -1):
            words = tokens[end - n : end]
            if n > 1 and any(t.comma for t in words[:-1]):
                continue
            key = words[0].key if n == 1 else " ".join(t.key for t in words)
            code = _STATES.get(key)
            if code is None:
                continue
            before = tokens[end - n - 1]
            if not self._state_plausible(key, n, end - n, zip_found, before.comma):
                continue
            self.fields["state"] = _join(words)
            end -= n
            break
        self.end = end

    def _state_plausible(self, key: str, n: int, start: int, zip_found: bool, after_comma: bool) -> bool:
        if n == 1 and key in _AMBIGUOUS_STATES and start >= 1:
            prev = self.tokens[start - 1].key
            if (_HAS_DIGIT.search(prev) or prev in _ORDINAL_WORDS) and not zip_found:
                return False  # "20th Fl" is a floor
            if after_comma and not zip_found and (prev in _SUFFIXES or prev in _DIRECTIONALS):
                return False  # "Peachtree Street, NE" is a directional
        if zip_found or after_comma:
            return True
        if start < 2:
            return False
        if n == 1 and key in _AMBIGUOUS_STATES:
            # "123 Oak Ct" is Court; "123 Main St Hartford CT" is Connecticut.
            prev = self.tokens[start - 1].key
            if prev in _SUFFIXES or prev in _DIRECTIONALS:
                return False
            return any(t.key in _SUFFIXES for t in self.tokens[1 : start - 1])
        if len(key) > 2:
            # "3719 Old Alabama" is a street; "123 Main St Lafayette Indiana" a state.
            return any(t.key in _SUFFIXES for t in self.tokens[1 : start - 1])
        return True

    # -- street, read from the left ---------------------------------------

    def read(self) -> ParseResult | None:
        self._read_place()
        tokens = self.tokens
        if self.end == 0:
            return None
        i = self._special(0)
        if i is None:
            i = self._number(0)
            if i is None:
                return None
            i = self._street_and_units(i)
        self._city(i)
        return self._result()

    def _match_head(self, i: int, heads: Sequence[tuple[str, ...]]) -> tuple[str, ...] | None:
        tokens = self.tokens
        for head in heads:
            n = len(head)
            if i + n <= self.end and all(tokens[i + k].key == head[k] for k in range(n)):
                return head
        return None

    def _special(self, i: int) -> int | None:
        """PO box, rural route, highway contract, military box, urbanization."""
        tokens = self.tokens
        first = tokens[i].key
        if first in ("P", "PO", "POB", "POBOX", "POST", "BOX"):
            head = self._match_head(i, _PO_BOX_HEADS)
            if head is not None:
                j = i + len(head)
                if j < self.end and tokens[j].key == "#":
                    j += 1
                if j < self.end and _BOX_ID.match(tokens[j].key):
                    self.fields["po_box"] = "1"
                    self.fields["number"] = _join(tokens[j : j + 1])
                    return j + 1
        head = self._match_head(i, tuple(_ROUTE_HEADS))
        if head is not None:
            j = i + len(head)
            if j + 2 < self.end + 0 and _BOX_ID.match(tokens[j].key) and tokens[j + 1].key == "BOX":
                k = j + 2
                if k < self.end and tokens[k].key == "#":
                    k += 1
                if k < self.end and _BOX_ID.match(tokens[k].key):
                    self.fields["street"] = _join(tokens[i : j + 1])
                    self.fields["number"] = _join(tokens[k : k + 1])
                    return k + 1
        if first in _URBANIZATION:
            j = i + 1
            while j < self.end and not _NUMBER.match(tokens[j].key):
                j += 1
            if i + 1 < j < self.end:
                urbanization = tokens[i:j]
                after = self._number(j)
                if after is not None:
                    after = self._street_and_units(after, lead=urbanization)
                    return after
        return None

    def _number(self, i: int) -> int | None:
        tokens = self.tokens
        end = self.end
        if i >= end or not _NUMBER.match(tokens[i].key):
            # A unit written first ("Apt 4, 123 Main St") or no number at all:
            # leave it to the CRF.
            return None
        j = i + 1
        if j < end and not tokens[i].comma and _FRACTION.match(tokens[j].key):
            j += 1
        elif (
            j + 1 < end
            and not tokens[i].comma
            and len(tokens[j].key) == 1
            and tokens[j].key.isalpha()
            and tokens[j].key not in _DIRECTIONALS
            and tokens[j + 1].key not in _SUFFIXES
        ):
            j += 1  # "11719 B Jefferson Ave"
        self.fields["number"] = _join(tokens[i:j])
        return j

    def _unit_at(self, j: int, street_done: bool) -> int | None:
        """If a unit level starts at ``j``, read it and return the index after it."""
        tokens = self.tokens
        end = self.end
        key = tokens[j].key
        if key == "#":
            k = j + 1
            if k < end and tokens[k].key in _UNITS and k + 1 < end and _UNIT_ID.match(tokens[k + 1].key):
                k += 1  # "# APT 2"
            if k < end and _UNIT_ID.match(tokens[k].key):
                ident = [tokens[k]]
                m = k + 1
                if (
                    m < end
                    and not tokens[k].comma
                    and (tokens[m].comma or m + 1 == end)
                    and (
                        (len(tokens[m].key) == 1 and tokens[m].key.isalpha())
                        or tokens[m].key in _DIRECTIONALS
                    )
                ):
                    ident.append(tokens[m])  # "# 3 South"
                    m += 1
                self.apt_levels.append((None, ident))
                return m
            return None
        designator = _UNITS.get(key)
        if designator is not None:
            k = j + 1
            if k < end and tokens[k].key == "#":
                k += 1
            if k < end and _UNIT_ID.match(tokens[k].key) and not tokens[j].comma:
                ident = [tokens[k]]
                m = k + 1
                if (
                    m < end
                    and not tokens[k].comma
                    and (tokens[m].comma or m + 1 == end)
                    and (
                        (len(tokens[m].key) == 1 and tokens[m].key.isalpha())
                        or tokens[m].key in _DIRECTIONALS
                    )
                ):
                    ident.append(tokens[m])  # "Apt 13 C", "Unit 2 East"
                    m += 1
                self.apt_levels.append((tokens[j], ident))
                if m < end and tokens[m].key in _FLOOR_AFTER and not tokens[m - 1].comma:
                    m += 1  # "Apt. 3rd Flr."
                return m
            if k < end and tokens[k].key in _ORDINAL_WORDS and designator == "FL":
                self.apt_levels.append((tokens[j], [tokens[k]]))
                return k + 1
            if designator not in _UNITS_NEED_ID and street_done:
                k = j + 1
                if k < end and tokens[k].key in _LEVEL_WORDS:
                    k += 1
                self.apt_levels.append((tokens[j], []))
                return k
            return None
        if j + 1 < end and tokens[j + 1].key in _FLOOR_AFTER and _floor_word(key):
            self.apt_levels.append((tokens[j + 1], [tokens[j]]))  # "2nd Floor"
            return j + 2
        if _GLUED_UNIT.match(key):
            self.apt_levels.append((None, [tokens[j]]))  # "Suite100"
            return j + 1
        if street_done and (_HAS_DIGIT.search(key) or len(key) == 1) and _UNIT_ID.match(key):
            self.apt_levels.append((None, [tokens[j]]))  # "St East 100"
            return j + 1
        return None

    def _street_and_units(self, i: int, lead: Sequence[Token] = ()) -> int:
        """Read the street zone from ``i`` and the units after it."""
        tokens = self.tokens
        end = self.end
        # The zone runs to the first comma or unit word.
        j = i
        zone_end = None
        while j < end:
            if j > i and self._is_unit_start(j, i):
                zone_end = j
                break
            if tokens[j].comma:
                zone_end = j + 1
                break
            j += 1
        if zone_end is None:
            zone_end = end
        zone = tokens[i:zone_end]
        k = zone_end
        post_direction: Token | None = None
        if (
            k < end
            and tokens[k - 1].comma
            and tokens[k].key in _DIRECTIONALS
            and k > i + 1
            and (len(tokens[k].key) <= 2 or tokens[k].comma or k + 1 == end)
        ):
            post_direction = tokens[k]  # "1800 M Street, NW, Washington"
            k += 1
        while k < end and (not tokens[k - 1].comma or self._segment_is_unit(k)):
            after = self._unit_at(k, street_done=True)
            if after is None:
                break
            k = after
        tail_allowed = self._city_may_follow(k)
        reading = self._best_street(zone, tail_allowed)
        if reading is None:
            self.penalty += 1.0
            self.fields["street"] = _join(zone)
            return k
        street = reading.name if not lead else [*lead, *reading.name]
        self.fields["prefix"] = _join(reading.prefix)
        self.fields["street"] = _join(street)
        self.fields["tag"] = _join(reading.tag)
        self.fields["direction"] = _join(reading.direction)
        if post_direction is not None:
            if reading.direction:
                k -= 1  # the street has its direction: the word starts the city
            else:
                self.fields["direction"] = _join([post_direction])
        if reading.tail:
            if tail_allowed:
                self.zone_tail = reading.tail
            else:
                self.warnings.append(f"words left out: {_join(reading.tail)!r}")
        return k

    def _is_unit_start(self, j: int, zone_start: int) -> bool:
        """Does a unit start at ``j`` inside the street zone (not its first word)?"""
        tokens = self.tokens
        key = tokens[j].key
        if key == "#":
            return True
        designator = _UNITS.get(key)
        prev = tokens[j - 1].key
        if designator is not None:
            nxt = tokens[j + 1].key if j + 1 < self.end else None
            if nxt is not None and (_UNIT_ID.match(nxt) or nxt == "#") and nxt not in _SUFFIXES:
                # "Key West Dr", "Trailer Park Rd" stay street words.
                return not (designator == "FL" and nxt is None)
            if designator == "FL" and nxt in _ORDINAL_WORDS:
                return True
            if (
                designator not in _UNITS_NEED_ID
                and (prev in _SUFFIXES or prev in _DIRECTIONALS or tokens[j].comma or j + 1 == self.end)
                and j - zone_start >= 2
            ):
                return nxt is None or nxt in _LEVEL_WORDS or tokens[j].comma or not _UNITS.get(nxt or "")
            return False
        if j + 1 < self.end and tokens[j + 1].key in _FLOOR_AFTER and _floor_word(key):
            return j - zone_start >= 1
        if _GLUED_UNIT.match(key):
            return True
        at_segment_end = tokens[j].comma or j + 1 == self.end
        if prev in _HIGHWAY or prev in _ROAD or (prev in _HIGHWAY_MODIFIERS and prev not in _SUFFIXES):
            return False
        if j - zone_start >= 1 and _HAS_DIGIT.search(key) and at_segment_end and prev.isalpha():
            if prev not in _DIRECTIONALS and prev not in _SUFFIXES and not _ORDINAL_NUMBER.match(key):
                return True  # "308 Elizabeth 1W"
        if j - zone_start >= 2:
            before = tokens[j - 2].key
            if _HAS_DIGIT.search(key):
                if prev in _SUFFIXES and before not in _HIGHWAY_MODIFIERS:
                    return True
                if prev in _DIRECTIONALS and before in _SUFFIXES:
                    return True
                # "1020 West Bryn Mawr 211": a number after a name with no type.
                nxt = tokens[j + 1].key if j + 1 < self.end else ""
                if (
                    prev.isalpha()
                    and prev not in _DIRECTIONALS
                    and not _ORDINAL_NUMBER.match(key)
                    and nxt not in _SUFFIXES
                    and not tokens[j - 1].comma
                ):
                    return True
            elif (
                len(key) == 1
                and key.isalpha()
                and at_segment_end
                and prev in _SUFFIXES
                and before not in _DIRECTIONALS
                and j - 2 > zone_start
            ):
                return True  # "Summit Court B", not "South Ave O"
        return False

    def _segment_is_unit(self, k: int) -> bool:
        """After a comma: is the next segment a unit ("..., Apt 4", "..., C-5")?"""
        tokens = self.tokens
        key = tokens[k].key
        if key == "#" or key in _UNITS:
            return True
        if k + 1 < self.end and tokens[k + 1].key in _FLOOR_AFTER:
            return True
        # A lone word with a digit, followed by more text or by nothing.
        return bool(_HAS_DIGIT.search(key)) and (tokens[k].comma or k + 1 == self.end)

    def _city_may_follow(self, k: int) -> bool:
        """May the words after the street (no comma between) be the city?"""
        if k < self.end and self.tokens[k - 1].comma:
            return False  # the city has its own segment
        return True

    def _best_street(self, zone: list[Token], tail_allowed: bool) -> _Street | None:
        if not zone:
            return None
        place_known = "state" in self.fields or "zip" in self.fields
        readings: list[_Street] = []
        starts = [0]
        if len(zone) >= 2 and zone[0].key in _DIRECTIONALS:
            starts.append(1)
        for p in starts:
            highway_end = _highway_end(zone, p)
            # With tail_allowed False the words after the street are leftovers
            # (a building name): still considered, at a cost (_tail_score).
            for s in range(max(p + 1, highway_end), len(zone) + 1):
                for with_direction in (False, True):
                    for with_tag in (True, False):
                        reading = _reading(zone, p, s, with_direction, with_tag, highway_end)
                        if reading is None:
                            continue
                        reading.score += _tail_score(reading.tail, tail_allowed, place_known)
                        readings.append(reading)
        if not readings:
            return None
        readings.sort(key=lambda r: r.score, reverse=True)
        best = readings[0]
        margin = best.score - readings[1].score if len(readings) > 1 else 3.0
        if margin < 1.0:
            self.penalty += (1.0 - margin) * 0.6 + 0.2
        return best

    def _city(self, k: int) -> None:
        """Everything between the street and the state/ZIP is the city."""
        tokens = self.tokens
        words = self.zone_tail + tokens[k : self.end]
        if not words:
            return
        # Several comma segments: the last one is the city; earlier ones are
        # building names or second lines.
        segments: list[list[Token]] = [[]]
        for t in words:
            segments[-1].append(t)
            if t.comma:
                segments.append([])
        segments = [s for s in segments if s]
        city = segments[-1]
        for extra in segments[:-1]:
            self.warnings.append(f"words left out: {_join(extra)!r}")
            self.penalty += 0.3
        if any(_HAS_DIGIT.search(t.key) for t in city):
            self.warnings.append(f"city has digits: {_join(city)!r}")
            self.penalty += 0.6
        if "state" not in self.fields and "zip" not in self.fields and not (k > 0 and tokens[k - 1].comma):
            self.penalty += 0.3  # no anchor: a city guessed from word order alone
        self.fields["city"] = _join(city)

    def _result(self) -> ParseResult:
        f = self.fields
        apt = _apt_text(self.apt_levels)
        address = Address(
            po_box=bool(f.get("po_box")),
            number=f.get("number"),
            prefix=f.get("prefix"),
            street=f.get("street"),
            tag=f.get("tag"),
            direction=f.get("direction"),
            apt=apt,
            city=f.get("city"),
            state=f.get("state"),
            zip=f.get("zip"),
        )
        if not address.street and not address.po_box:
            return ParseResult(address, 0.0, "fast", ("no street found",))
        penalty = self.penalty + 0.4 * sum(w.startswith("words left out") for w in self.warnings)
        confidence = max(0.0, min(1.0, 1.0 - penalty))
        return ParseResult(address, round(confidence, 3), "fast", tuple(self.warnings))


def _highway_end(zone: list[Token], p: int) -> int:
    """If the zone from ``p`` is a numbered highway ("State Hwy 7 Business"), its end; else ``p``."""
    j = p
    n = len(zone)
    while (
        j < n
        and (zone[j].key in _HIGHWAY_MODIFIERS or zone[j].key in _STATE_CODES)
        and j + 1 < n
        and (zone[j + 1].key in _HIGHWAY or zone[j + 1].key in _ROAD or zone[j + 1].key in _HIGHWAY_MODIFIERS)
    ):
        j += 1
    if j >= n - 1:
        return p
    key = zone[j].key
    is_highway = key in _HIGHWAY or (key in _ROAD and (j == p or zone[j - 1].key in _HIGHWAY_MODIFIERS))
    if not is_highway:
        return p
    if zone[j + 1].key in ("NO", "NUMBER") and j + 2 < n:
        j += 1  # "U.S. Highway No. 202"
    ident = zone[j + 1].key
    if not (_HAS_DIGIT.search(ident) or (ident.isalpha() and len(ident) <= 3 and ident not in _DIRECTIONALS)):
        return p
    e = j + 2
    while e < n and zone[e].key in _HIGHWAY_TRAILERS:
        e += 1
    return e


def _reading(
    zone: list[Token], p: int, s: int, with_direction: bool, with_tag: bool, highway_end: int
) -> _Street | None:
    """The reading: prefix zone[:p], street body zone[p:s], tail zone[s:]."""
    body = zone[p:s]
    score = 0.0
    direction: list[Token] = []
    if with_direction:
        if len(body) < 2 or body[-1].key not in _DIRECTIONALS or p + len(body) - 1 < highway_end:
            return None
        direction = body[-1:]
        body = body[:-1]
        score += 0.5
        if s < len(zone) and len(direction[0].key) > 2:
            score -= 1.5  # "Main St West Lafayette": West starts the city
    tag: list[Token] = []
    last = p + len(body) - 1
    if with_tag and len(body) >= 2 and body[-1].key in _SUFFIXES and last >= highway_end:
        tag = body[-1:]
        body = body[:-1]
        key = tag[0].key
        abbreviation = _SUFFIXES[key]
        if abbreviation in _COMMON_SUFFIXES:
            score += 3.0
        elif key == TABLES.suffix_names[abbreviation] and abbreviation not in _TYPE_LIKE_SUFFIXES:
            score += 0.6  # "Cottage Grove", "Stony Island": often the name itself
        else:
            score += 1.2
        if s < len(zone) and zone[s].key in _SUFFIXES and not with_direction:
            score -= 2.0  # "Park | Ave": the second of two suffix words is the type
    elif not with_tag:
        if not (len(body) >= 2 and body[-1].key in _SUFFIXES and body[-1].key not in _COMMON_SUFFIXES):
            return None  # the reading without a type only where a weak type word ends the name
        score += 0.9
    elif highway_end > p:
        score += 2.5  # "State Hwy 7" needs no type
    if not body:
        return None
    if len(body) == 1 and body[0].key in _SUFFIXES and not tag:
        score -= 1.5  # a street named only "St" is a misreading
    if len(body) == 1 and tag and body[0].key in _DIRECTIONALS and p == 0:
        # "100 South St" is South Street; "1520 N Wells" is North Wells.
        if len(body[0].key) <= 2 or _SUFFIXES[tag[0].key] not in _COMMON_SUFFIXES:
            score -= 2.5
    if p == 1:
        score += 1.0
        if len(body) == 1 and body[0].key in _DIRECTIONALS:
            score -= 2.0  # "East West Hwy" is one name
    elif body[0].key in _DIRECTIONALS and len(body) >= 2 and body[1].key not in _SUFFIXES:
        score -= 0.5
    if len(body) > 3:
        score -= 0.4 * (len(body) - 3)
    return _Street(score, zone[:p], body, tag, direction, zone[s:])


def _tail_score(tail: list[Token], tail_allowed: bool, place_known: bool) -> float:
    if not tail:
        return 0.0
    if not tail_allowed:
        return -1.5 * len(tail)
    score = 2.0 if place_known else -0.8
    if len(tail) == 1 and len(tail[0].key) == 1:
        score -= 3.0
    first = tail[0].key
    if first in _SUFFIXES:
        primary = TABLES.suffix_names.get(_SUFFIXES[first], "")
        score -= 1.0 if first == primary else 4.0  # "Center Point" may be a city; "Ln ..." is not
    if first in _DIRECTIONALS and (len(first) <= 2 or len(tail) == 1):
        score -= 4.0 if len(tail) == 1 else 2.0
    if any(_HAS_DIGIT.search(t.key) for t in tail):
        score -= 3.0
    if len(tail) > 3:
        score -= 0.7 * (len(tail) - 3)
    return score


def _floor_word(key: str) -> bool:
    """Words that name a floor before FLOOR: "2nd", "Second", "Ground"."""
    return key in _ORDINAL_WORDS or key in _FLOOR_NAMES or bool(_ORDINAL_NUMBER.match(key))


def _apt_text(levels: list[tuple[Token | None, list[Token]]]) -> str | None:
    """Unit levels -> the apt field: the last level's identifier (or its
    designator when it has none); outer levels keep their designator."""
    if not levels:
        return None
    parts: list[str] = []
    for n, (designator, ident) in enumerate(levels):
        last = n == len(levels) - 1
        if ident:
            if designator is not None and not last:
                parts.append(designator.raw.rstrip("."))
            parts.append(" ".join(t.raw for t in ident))
        elif designator is not None:
            parts.append(designator.raw.rstrip("."))
    return " ".join(parts).strip(" .,;#") or None


# ---------------------------------------------------------------------------
# The CRF path (usaddress)

_CRF_FIELDS = {
    "AddressNumberPrefix": "number",
    "AddressNumber": "number",
    "AddressNumberSuffix": "number",
    "StreetNamePreDirectional": "prefix",
    "StreetNamePreModifier": "street",
    "StreetNamePreType": "street",
    "StreetName": "street",
    "StreetNamePostModifier": "street",
    "StreetNamePostType": "tag",
    "StreetNamePostDirectional": "direction",
    "OccupancyIdentifier": "apt",
    "SubaddressIdentifier": "subaddress",
    "SubaddressType": "subaddress",
    "PlaceName": "city",
    "StateName": "state",
    "ZipCode": "zip",
    "USPSBoxID": "box",
    "USPSBoxGroupType": "route",
    "USPSBoxGroupID": "route",
}


def _crf(text: str) -> ParseResult | None:
    """usaddress's reading, mapped onto the BOI fields."""
    import usaddress  # imported lazily: most inputs never need it

    try:
        labelled = usaddress.parse(text)
    except Exception:  # usaddress raises assorted errors on odd input
        return None
    parts: dict[str, list[str]] = {}
    occupancy_type: list[str] = []
    box_type: list[str] = []
    for word, label in labelled:
        field = _CRF_FIELDS.get(label)
        if label == "OccupancyType":
            occupancy_type.append(word)
        elif label == "USPSBoxType":
            box_type.append(word)
        if field is not None:
            parts.setdefault(field, []).append(word)

    def get(field: str) -> str | None:
        words = parts.get(field)
        if not words:
            return None
        return " ".join(words).strip(" .,;#") or None

    apt = get("apt")
    if apt is not None:
        apt = apt.lstrip("#").strip() or None
    if apt is None and occupancy_type:
        apt = " ".join(occupancy_type).strip(" .,;#") or None
    sub = get("subaddress")
    if sub and apt:
        apt = f"{sub} {apt}"
    elif sub:
        apt = sub
    number = get("number")
    street = get("street")
    po_box = False
    box = get("box")
    if box is not None:
        box = box.lstrip("#").strip()
        route = get("route")
        if route is not None:
            street, number = route, box
        elif street is None:
            po_box, number = True, box
    address = Address(
        po_box=po_box,
        number=number,
        prefix=get("prefix"),
        street=street,
        tag=get("tag"),
        direction=get("direction"),
        apt=apt,
        city=get("city"),
        state=get("state"),
        zip=get("zip"),
    )
    if not _usable(address):
        return None
    return ParseResult(address, 0.5, "crf", ())
