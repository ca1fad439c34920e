"""Every word list and table addrmatch uses, loaded once from ``data/`` into immutable lookups.

The one module that knows the data files (``data/`` at the top of the
repository, shipped in the wheel as ``addrmatch/data``; see data/README.md for
the sources and licences). No other module holds a list of address words.

* ``street_suffixes.csv``: Pub 28 Appendix C1 (primary name, variant,
  standard abbreviation).
* ``street_suffix_aliases.csv``: street-type spellings C1 lacks (libpostal and
  real files); one row per meaning, so an alias with several rows is ambiguous
  (``TR``: TER, TRAK, TRL).
* ``secondary_units.csv``: Pub 28 Appendix C2 (designator, abbreviation,
  whether it needs a range), plus ``#``; ``unit_designator_variants.csv``:
  common spellings of the C2 designators (FLR, BLDG, LT...).
* ``directionals.csv``: Pub 28 Appendix B directionals and common spellings;
  ``directional_variants.csv``: informal ones (SO, NO) read as directionals
  only where a directional stands.
* ``states.csv``: Pub 28 Appendix B states, possessions and military "states".
* ``street_pretypes.csv``: the words and phrases of highway-style street names
  ("State Highway 7", "Farm to Market 2222", "Highway 71 Business"), with the
  form the match key folds each designation to.
* ``box_heads.csv``: what starts a PO box, rural route, highway contract,
  military box or urbanization, and its canonical form.
* ``name_abbreviations.csv``: abbreviations inside names (ST = SAINT, FT = FORT).
* ``reader_words.csv``: the small word classes the reader uses (country words,
  joining words, number words, floor and level words...).
* ``us_places.csv``: the US place gazetteer (ZIP, state, city names), read
  on first use (:func:`places`).

Nothing here changes after loading; every lookup is a ``frozenset`` or a
read-only mapping.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

__all__ = ["DATA_DIR", "TABLES", "Places", "Tables", "load_tables", "place_words", "places"]


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
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _words(text: str) -> str:
    """A table name as the tokenizer sees it: no periods or commas, single spaces."""
    return " ".join(text.replace(".", " ").replace(",", " ").replace("-", " ").split())


def _frozen(mapping: Mapping[str, object]) -> Mapping:  # type: ignore[type-arg]
    return MappingProxyType(dict(mapping))


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
    #: A spelling outside C1 with one meaning -> its C1 abbreviation ("CRT" -> "CT").
    suffix_aliases: Mapping[str, str]
    #: A spelling outside C1 with several meanings -> their C1 abbreviations ("TR" -> TER, TRAK, TRL).
    ambiguous_suffixes: Mapping[str, tuple[str, ...]]
    #: The commonest C1 abbreviations: a street type when they stand after a name.
    common_suffixes: frozenset[str]
    #: C1 abbreviations that stay a type even when written in full ("Midway Medical Park").
    name_like_suffixes: frozenset[str]
    #: Directional word or abbreviation (no periods) -> N S E W NE NW SE SW.
    directionals: Mapping[str, str]
    #: Informal directionals ("SO", "NO"), read as one only where a directional stands.
    informal_directionals: Mapping[str, str]
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
    #: Words that name a numbered highway when an identifier follows ("HWY 7", "ROUTE 66", "FM 2222").
    highway_words: frozenset[str]
    #: ROAD and RD: a numbered highway only after a modifier ("COUNTY ROAD 5") or first.
    road_words: frozenset[str]
    #: Words before a highway word ("STATE", "COUNTY", "US").
    highway_modifiers: frozenset[str]
    #: Words after a highway's identifier ("BUSINESS", "BYPASS").
    highway_trailers: frozenset[str]
    #: Highway designation (words) -> the form the match key folds it to ("FARM TO MARKET" -> "FM").
    highway_phrases: Mapping[tuple[str, ...], str]
    #: Longest highway designation, in words.
    highway_phrase_max_words: int
    #: Ordinal word -> numeral with suffix ("FIRST" -> "1ST", "TWENTY-FIRST" -> "21ST").
    ordinal_words: Mapping[str, str]
    #: The endings of a numeral ordinal ("1ST", "2ND", "3RD", "4TH").
    ordinal_endings: frozenset[str]
    #: Box and route heads (words) -> (canonical head, kind): ("RURAL", "ROUTE") -> ("RR", "rural_route").
    box_heads: Mapping[tuple[str, ...], tuple[str, str]]
    #: Abbreviation inside a name -> the word ("ST" -> "SAINT", "FT" -> "FORT").
    name_abbreviations: Mapping[str, str]
    #: Words that end an address as its country ("USA", "UNITED STATES").
    country_words: frozenset[str]
    #: Small words inside names ("OF", "DE", "LA": "Avenue of the Americas", "Via de la Paz").
    joining_words: frozenset[str]
    #: Number words ("ONE" -> "1") that may stand for a house number ("One Financial Plaza").
    number_words: Mapping[str, str]
    #: Words after a lone unit designator ("Lower Level").
    level_words: frozenset[str]
    #: Words that name a floor before FLOOR ("Ground Floor").
    floor_names: frozenset[str]
    #: Words that stand for a box number's designator ("BOX", "BX", "#").
    box_words: frozenset[str]
    #: Words that are a suite designator after a street type and before a number ("Ave St 1400").
    suite_words: Mapping[str, str]
    #: C1 abbreviations that name buildings more often than streets ("One Midtown Plaza", "Lincoln Ctr").
    building_types: frozenset[str]


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
    meanings: dict[str, list[str]] = {}
    for row in _read("street_suffix_aliases.csv"):
        if row["alias"] not in suffixes:  # Pub 28 wins
            meanings.setdefault(row["alias"], []).append(row["usps_abbreviation"])
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
    single = [r for r in pretypes if " " not in r["phrase"]]
    phrases = {tuple(r["phrase"].split()): r["key"] for r in pretypes if r["kind"] == "highway"}
    words = _read("reader_words.csv")

    def word_class(name: str) -> frozenset[str]:
        return frozenset(r["word"] for r in words if r["class"] == name)

    return Tables(
        suffixes=_frozen(suffixes),
        suffix_abbreviations=frozenset(suffixes.values()),
        suffix_spellings=_frozen(_inverse(suffixes)),
        suffix_names=_frozen(names),
        suffix_aliases=_frozen({a: m[0] for a, m in meanings.items() if len(m) == 1}),
        ambiguous_suffixes=_frozen({a: tuple(sorted(m)) for a, m in meanings.items() if len(m) > 1}),
        common_suffixes=word_class("common_suffix"),
        name_like_suffixes=word_class("name_like_suffix"),
        directionals=_frozen(directionals),
        informal_directionals=_frozen(
            {r["word"]: r["usps_abbreviation"] for r in _read("directional_variants.csv")}
        ),
        unit_designators=_frozen(units),
        unit_needs_identifier=frozenset(needs_identifier),
        states=_frozen(states),
        state_codes=frozenset(states.values()),
        state_name_max_words=max(len(name.split()) for name in states),
        highway_words=frozenset(r["phrase"] for r in single if r["kind"] == "highway"),
        road_words=frozenset(r["phrase"] for r in single if r["kind"] == "road"),
        highway_modifiers=frozenset(r["phrase"] for r in single if r["kind"] == "modifier"),
        highway_trailers=frozenset(r["phrase"] for r in single if r["kind"] == "trailer"),
        highway_phrases=_frozen(phrases),
        highway_phrase_max_words=max(len(p) for p in phrases),
        ordinal_words=_frozen(_ordinal_words()),
        ordinal_endings=frozenset(_ordinal_suffix(n).lstrip("0123456789") for n in range(1, 5)),
        box_heads=_frozen(
            {tuple(r["alias"].split()): (r["canonical"], r["kind"]) for r in _read("box_heads.csv")}
        ),
        name_abbreviations=_frozen({r["alias"]: r["canonical"] for r in _read("name_abbreviations.csv")}),
        country_words=word_class("country"),
        joining_words=word_class("joining"),
        number_words=_frozen({r["word"]: r["value"] for r in words if r["class"] == "number"}),
        level_words=word_class("level"),
        floor_names=word_class("floor_name"),
        box_words=word_class("box"),
        suite_words=_frozen({r["word"]: r["value"] for r in words if r["class"] == "suite"}),
        building_types=word_class("building_type"),
    )


#: The one set of tables, loaded at import.
TABLES: Tables = load_tables()


# ---------------------------------------------------------------------------
# The place gazetteer


def place_words(text: str) -> str:
    """A place name as the gazetteer keys it: upper case, periods and
    apostrophes dropped, hyphens as spaces, and the name abbreviations spelled
    out ("St. Paul" -> "SAINT PAUL", "Winston-Salem" -> "WINSTON SALEM").

    >>> place_words("Ft. Lauderdale"), place_words("Coeur d'Alene")
    ('FORT LAUDERDALE', 'COEUR DALENE')
    """
    abbreviations = TABLES.name_abbreviations
    words = text.upper().replace(".", " ").replace("'", "").replace("-", " ").split()
    return " ".join([abbreviations.get(w, w) for w in words])


@dataclass(frozen=True)
class Places:
    """The US place gazetteer (``data/us_places.csv``, from the ``zipcodes`` package)."""

    #: ZIP (5 digits) -> its state code.
    zip_states: Mapping[str, str]
    #: ZIP -> the city names USPS accepts for it (:func:`place_words` form), the primary one first.
    zip_cities: Mapping[str, tuple[str, ...]]
    #: State code -> every city name in it (:func:`place_words` form).
    state_cities: Mapping[str, frozenset[str]]
    #: Every city name in any state (:func:`place_words` form).
    cities: frozenset[str]
    #: The longest city name, in words.
    city_max_words: int
    #: The first words of city names of two words or more ("FORT", "LAKE", "GREEN", "SAINT").
    city_first_words: frozenset[str]
    #: The first word of every city name (a quick test before joining words to look a name up).
    first_words: frozenset[str]


@lru_cache(maxsize=1)
def places() -> Places:
    """The gazetteer, read on first use (about 43,000 ZIP codes) and kept.

    >>> p = places()
    >>> p.zip_states["55123"], "SAINT PAUL" in p.state_cities["MN"]
    ('MN', True)
    """
    zip_states: dict[str, str] = {}
    zip_cities: dict[str, tuple[str, ...]] = {}
    by_state: dict[str, set[str]] = {}
    with open(DATA_DIR / "us_places.csv", newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for zip_code, state, city, others in reader:
            names = (city, *others.split(";")) if others else (city,)  # already place_words() form
            zip_states[zip_code] = state
            zip_cities[zip_code] = names
            by_state.setdefault(state, set()).update(names)
    cities = frozenset(name for names in by_state.values() for name in names)
    # Plain dicts, never changed (the compiled reader looks them up on every address; a
    # read-only mapping proxy costs a method call per lookup there).
    return Places(
        zip_states=zip_states,
        zip_cities=zip_cities,
        state_cities={s: frozenset(n) for s, n in by_state.items()},
        cities=cities,
        city_max_words=max(len(n.split()) for n in cities),
        city_first_words=frozenset(n.split(" ", 1)[0] for n in cities if " " in n),
        first_words=frozenset(n.split(" ", 1)[0] for n in cities),
    )
