"""The Pub 28 tables, loaded once at import into immutable lookups.

Sources (``data/`` at the top of the repository, shipped in the wheel as
``addrmatch/data``):

* ``street_suffixes.csv``: Pub 28 Appendix C1 (primary name, variant,
  standard abbreviation).
* ``secondary_units.csv``: Pub 28 Appendix C2 (designator, abbreviation,
  whether it needs a range), plus ``#``.
* ``unit_designator_variants.csv``: common spellings of the C2 designators
  (FLR, BLDG, SUIT...). Ours, not Pub 28's.
* ``directionals.csv``: Pub 28 Appendix B directionals and common spellings.
* ``states.csv``: Pub 28 Appendix B states, possessions and military "states".
* ``street_pretypes.csv``: the words of highway-style street names
  ("State Highway 7", "County Road 5", "Highway 71 Business"). Ours, not
  Pub 28's.

Nothing here changes after import; every lookup is a ``frozenset`` or a
read-only mapping.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

__all__ = ["DATA_DIR", "TABLES", "Tables"]


def _data_dir() -> Path:
    here = Path(__file__).resolve().parent
    shipped = here / "data"  # inside an installed wheel
    if (shipped / "street_suffixes.csv").exists():
        return shipped
    return here.parent.parent / "data"  # a source checkout (editable install)


DATA_DIR: Path = _data_dir()

_ORDINAL_WORDS = (
    "FIRST SECOND THIRD FOURTH FIFTH SIXTH SEVENTH EIGHTH NINTH TENTH ELEVENTH TWELFTH "
    "THIRTEENTH FOURTEENTH FIFTEENTH SIXTEENTH SEVENTEENTH EIGHTEENTH NINETEENTH"
).split()
_TENS_ORDINAL = {
    "TWENTIETH": 20,
    "THIRTIETH": 30,
    "FORTIETH": 40,
    "FIFTIETH": 50,
    "SIXTIETH": 60,
    "SEVENTIETH": 70,
    "EIGHTIETH": 80,
    "NINETIETH": 90,
}
_TENS = {
    "TWENTY": 20,
    "THIRTY": 30,
    "FORTY": 40,
    "FIFTY": 50,
    "SIXTY": 60,
    "SEVENTY": 70,
    "EIGHTY": 80,
    "NINETY": 90,
}


def _ordinal_suffix(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}TH"
    return f"{n}{ {1: 'ST', 2: 'ND', 3: 'RD'}.get(n % 10, 'TH') }"


def _ordinal_words() -> dict[str, str]:
    """FIRST -> 1ST ... NINETY-NINTH -> 99TH (also TWENTYFIRST)."""
    words = {w: _ordinal_suffix(i + 1) for i, w in enumerate(_ORDINAL_WORDS)}
    words.update({w: _ordinal_suffix(n) for w, n in _TENS_ORDINAL.items()})
    for tens_word, tens in _TENS.items():
        for i, unit_word in enumerate(_ORDINAL_WORDS[:9]):
            value = _ordinal_suffix(tens + i + 1)
            words[f"{tens_word}-{unit_word}"] = value
            words[f"{tens_word}{unit_word}"] = value
    return words


def _inverse(mapping: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    inverse: dict[str, list[str]] = {}
    for key, value in mapping.items():
        inverse.setdefault(value, []).append(key)
    return {value: tuple(keys) for value, keys in inverse.items()}


def _read(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="ascii") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Tables:
    """Every lookup the pipeline uses. Build with :func:`load_tables`."""

    #: C1 variant (and standard abbreviation) -> standard abbreviation.
    suffixes: Mapping[str, str]
    #: The C1 standard abbreviations.
    suffix_abbreviations: frozenset[str]
    #: C1 standard abbreviation -> every spelling that maps to it, in table order.
    suffix_spellings: Mapping[str, tuple[str, ...]]
    #: C1 standard abbreviation -> primary name (the singular where shared).
    suffix_names: Mapping[str, str]
    #: Directional word or abbreviation (no periods) -> N S E W NE NW SE SW.
    directionals: Mapping[str, str]
    #: Unit designator (C2 word, abbreviation or common variant) -> C2 abbreviation.
    unit_designators: Mapping[str, str]
    #: C2 abbreviations that need an identifier after them (APT 5).
    unit_needs_identifier: frozenset[str]
    #: State name or code (no periods) -> two-letter code.
    states: Mapping[str, str]
    #: The two-letter codes.
    state_codes: frozenset[str]
    #: Longest state name in words ("ARMED FORCES EUROPE THE MIDDLE EAST AND CANADA").
    state_name_max_words: int
    #: Words that name a numbered highway when an identifier follows ("HWY 7", "ROUTE 66").
    highway_words: frozenset[str]
    #: ROAD and RD: a numbered highway only after a modifier ("COUNTY ROAD 5") or first.
    road_words: frozenset[str]
    #: Words before a highway word ("STATE", "COUNTY", "US").
    highway_modifiers: frozenset[str]
    #: Words after a highway's identifier ("BUSINESS", "BYPASS").
    highway_trailers: frozenset[str]
    #: Ordinal word -> numeral with suffix ("FIRST" -> "1ST", "TWENTY-FIRST" -> "21ST").
    ordinal_words: Mapping[str, str]


def _words(text: str) -> str:
    """A table name as the tokenizer sees it: no periods or commas, single spaces."""
    return " ".join(text.replace(".", " ").replace(",", " ").replace("-", " ").split())


def load_tables() -> Tables:
    """Read ``data/*.csv`` into a :class:`Tables` (done once, as ``TABLES``).

    >>> load_tables().suffixes["AVENUE"]
    'AVE'
    """
    rows = _read("street_suffixes.csv")
    # A standard abbreviation always maps to itself: MDW is MEADOW's
    # abbreviation and also a printed variant of MEADOWS (reference/README.md).
    suffixes: dict[str, str] = {r["usps_abbreviation"]: r["usps_abbreviation"] for r in rows}
    names: dict[str, str] = {}
    for row in rows:
        names.setdefault(row["usps_abbreviation"], row["primary_name"])
        suffixes.setdefault(row["variant"], row["usps_abbreviation"])
    directionals: dict[str, str] = {}
    for row in _read("directionals.csv"):
        word = row["word"].replace(".", "")
        abbreviation = row["usps_abbreviation"]
        directionals[word.replace(" ", "").replace("-", "")] = abbreviation
        if "-" in word or " " in word:
            directionals[word] = abbreviation  # "NORTH-WEST"; "NORTH WEST" (two words the tokenizer joins)
        if len(abbreviation) == 2:
            directionals[f"{abbreviation[0]} {abbreviation[1]}"] = abbreviation  # "S E"
    units = {r["variant"]: r["usps_abbreviation"] for r in _read("unit_designator_variants.csv")}
    # "No 102", "Num 102": a number sign in words; "#" is not a C2 designator.
    needs_identifier = set()
    for row in _read("secondary_units.csv"):
        if row["designator"] == "#":
            continue
        units.setdefault(row["designator"], row["usps_abbreviation"])
        units.setdefault(row["usps_abbreviation"], row["usps_abbreviation"])
        if row["requires_range"] == "Y":
            needs_identifier.add(row["usps_abbreviation"])
    states: dict[str, str] = {}
    for row in _read("states.csv"):
        code = row["usps_abbreviation"]
        states[_words(row["name"])] = code
        states[code] = code
    # Common forms Pub 28 does not list.
    states.setdefault("DISTRICT OF COLUMBIA", "DC")
    states.setdefault("ARMED FORCES EUROPE", "AE")
    states.setdefault("ARMED FORCES AMERICAS", "AA")
    pretypes = _read("street_pretypes.csv")
    return Tables(
        suffixes=MappingProxyType(suffixes),
        suffix_abbreviations=frozenset(suffixes.values()),
        suffix_spellings=MappingProxyType(_inverse(suffixes)),
        suffix_names=MappingProxyType(names),
        directionals=MappingProxyType(directionals),
        unit_designators=MappingProxyType(units),
        unit_needs_identifier=frozenset(needs_identifier),
        states=MappingProxyType(states),
        state_codes=frozenset(states.values()),
        state_name_max_words=max(len(name.split()) for name in states),
        highway_words=frozenset(r["word"] for r in pretypes if r["kind"] == "highway"),
        road_words=frozenset(r["word"] for r in pretypes if r["kind"] == "road"),
        highway_modifiers=frozenset(r["word"] for r in pretypes if r["kind"] == "modifier"),
        highway_trailers=frozenset(r["word"] for r in pretypes if r["kind"] == "trailer"),
        ordinal_words=MappingProxyType(_ordinal_words()),
    )


#: The one set of tables, loaded at import.
TABLES: Tables = load_tables()
