"""Realistic US addresses for the store benchmark, built from real street names.

Source: the street names and places (city, state, ZIP) of the labelled parse
corpus, ``shared/corpus/parse_train.jsonl`` beside the repository (or
``$ADDRMATCH_CORPUS``): real addresses from the usaddress training data (MIT
licence; see the corpus README). From them:

* **streets**: every real street (prefix, name, suffix, post-directional),
  plus street names compounded from two words of real names ("CEDAR
  HOLLOW", "KINGSTON GROVE") with real suffixes and directionals, so that a
  million addresses have a street vocabulary the size a real metro area has
  (about 20,000 names) instead of 800;
* **places**: the real (city, state, ZIP5) triples;
* **addresses**: each place gets its own streets, each street a block of
  house numbers; 12% have a unit, 1% are PO boxes. Every address is distinct.

A street is used only if ``addrmatch.normalize`` reads its written form back
into the same key (the benchmark measures the store, not the parser).

Variants of a stored address, for the lookups:

* :func:`written_differently`: the same delivery point written another way
  (case, suffix and directional spelt out or abbreviated, ``Apt 5`` /
  ``#5`` / ``Unit 5``, ZIP+4, state name, punctuation); same match key;
* :func:`missing_part`: the ZIP or the street suffix left out (the partial tier);
* :func:`hard_negative`: one field changed (house number, unit, directional,
  suffix type, ZIP): a different address that must not be merged;
* :func:`typo_query`: a search query with a typo, a missing part or words
  out of order.

>>> gen = AddressGenerator.from_records(
...     [{"prefix": "N", "street": "Lexington", "tag": "Ave", "direction": None,
...       "city": "Chicago", "state": "IL", "zip": "60615"}], names=10, seed=3)
>>> rows = gen.generate(50)
>>> len(rows) == len({r.text() for r in rows}) == 50
True
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from addrmatch import Address, match_key
from addrmatch.canonical import canonicalize
from addrmatch.key import key_of
from addrmatch.tables import TABLES

__all__ = [
    "CORPUS_ENV",
    "AddressGenerator",
    "GenAddress",
    "Place",
    "Street",
    "corpus_path",
    "hard_negative",
    "missing_part",
    "typo_query",
    "written_differently",
]

REPO = Path(__file__).resolve().parents[1]
CORPUS_ENV = "ADDRMATCH_CORPUS"
_ZIP5 = re.compile(r"^\d{5}$")
_WORD = re.compile(r"^[A-Z]{3,}$")

# Reverse lookups for writing a canonical part out in other ways.
_DIRECTION_WORDS = {
    "N": "North",
    "S": "South",
    "E": "East",
    "W": "West",
    "NE": "Northeast",
    "NW": "Northwest",
    "SE": "Southeast",
    "SW": "Southwest",
}
_STATE_NAMES: dict[str, str] = {}
for _name, _code in TABLES.states.items():
    if _name != _code and len(_name) > len(_STATE_NAMES.get(_code, "")) and "ARMED" not in _name:
        _STATE_NAMES[_code] = _name
_UNIT_STYLES = ("Apt {}", "#{}", "# {}", "Unit {}", "APT {}", "Apartment {}")
_COMMON_TAGS = (
    "ST",
    "AVE",
    "DR",
    "RD",
    "BLVD",
    "LN",
    "CT",
    "PL",
    "WAY",
    "CIR",
    "PKWY",
    "TER",
    "TRL",
)


def corpus_path() -> Path | None:
    """``$ADDRMATCH_CORPUS``, else the frozen copy ``tests/data/corpus/parse_train.jsonl``."""
    override = os.environ.get(CORPUS_ENV)
    for path in ([Path(override)] if override else []) + [
        REPO / "tests" / "data" / "corpus" / "parse_train.jsonl"
    ]:
        if path.is_file():
            return path
    return None


def load_records(path: Path) -> list[dict[str, object]]:
    """The ``gold`` components of every corpus record."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["gold"] for line in fh if line.strip()]


@dataclass(frozen=True, slots=True)
class Street:
    """A canonical street: prefix, name, suffix (tag), post-directional."""

    prefix: str | None
    name: str
    tag: str | None
    direction: str | None


@dataclass(frozen=True, slots=True)
class Place:
    """A real city, state and ZIP5."""

    city: str
    state: str
    zip: str


@dataclass(frozen=True, slots=True)
class GenAddress:
    """One generated address (canonical components)."""

    number: str
    street: Street | None  # None for a PO box
    apt: str | None
    place: Place

    def address(self) -> Address:
        """As an addrmatch Address (canonical)."""
        s = self.street
        if s is None:
            return Address(po_box=True, number=self.number, **_place(self.place))
        return Address(
            number=self.number,
            prefix=s.prefix,
            street=s.name,
            tag=s.tag,
            direction=s.direction,
            apt=self.apt,
            **_place(self.place),
        )

    def text(self) -> str:
        """The stored form: "4321 N LEXINGTON AVE APT 5, CHICAGO, IL 60615"."""
        return _write(self.address(), random.Random(0), plain=True)


def _place(p: Place) -> dict[str, str]:
    return {"city": p.city, "state": p.state, "zip": p.zip}


def _write(a: Address, rng: random.Random, *, plain: bool = False, zip4: bool = False) -> str:
    """Write an Address out as text, plainly or in a random other style."""
    if a.po_box:
        box = rng.choice(("PO Box", "P.O. Box", "POB", "Post Office Box")) if not plain else "PO BOX"
        parts = [f"{box} {a.number}"]
    else:
        parts = [a.number or ""]
        if a.prefix:
            parts.append(a.prefix if plain or rng.random() < 0.5 else _spell_direction(a.prefix, rng))
        parts.append(a.street or "")
        if a.tag:
            parts.append(
                a.tag
                if plain or rng.random() < 0.4
                else rng.choice(TABLES.suffix_spellings.get(a.tag, [a.tag]))
            )
        if a.direction:
            parts.append(a.direction if plain or rng.random() < 0.5 else _spell_direction(a.direction, rng))
        if a.apt:
            parts.append(("APT {}" if plain else rng.choice(_UNIT_STYLES)).format(a.apt))
    street = " ".join(p for p in parts if p)
    state = a.state or ""
    if not plain and state in _STATE_NAMES and rng.random() < 0.15:
        state = _STATE_NAMES[state]
    zip_code = a.zip or ""
    if zip_code and zip4:
        zip_code = f"{zip_code}-{rng.randrange(10000):04d}"
    place = " ".join(p for p in (state, zip_code) if p)
    sep = ", " if plain or rng.random() < 0.7 else " "
    text = sep.join(p for p in (street, a.city, place) if p)
    if plain:
        return text
    style = rng.random()
    if style < 0.3:
        return text.lower()
    if style < 0.6:
        return text.title()
    return text


def _spell_direction(code: str, rng: random.Random) -> str:
    return rng.choice((_DIRECTION_WORDS.get(code, code), code + "."))


class AddressGenerator:
    """Generates distinct realistic addresses from real streets and places."""

    def __init__(self, streets: list[Street], places: list[Place], *, names: int, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.real_streets = streets
        self.places = places
        self.streets = self._vocabulary(streets, names)

    @classmethod
    def from_records(
        cls,
        records: Iterable[Mapping[str, object]],
        *,
        names: int = 20_000,
        seed: int = 1,
    ) -> AddressGenerator:
        """Build from corpus records (``gold`` components)."""
        streets: dict[Street, None] = {}
        places: dict[Place, None] = {}
        for g in records:
            if g.get("po_box"):
                continue
            if g.get("street"):
                c = canonicalize(
                    Address(
                        number="100",
                        prefix=_s(g, "prefix"),
                        street=_s(g, "street"),
                        tag=_s(g, "tag"),
                        direction=_s(g, "direction"),
                    )
                )
                if c.street and _round_trips(Street(c.prefix, c.street, c.tag, c.direction)):
                    streets[Street(c.prefix, c.street, c.tag, c.direction)] = None
            zip_code = str(g.get("zip") or "")[:5]
            if g.get("city") and g.get("state") and _ZIP5.match(zip_code):
                c = canonicalize(Address(city=_s(g, "city"), state=_s(g, "state"), zip=zip_code))
                if c.state in TABLES.state_codes and c.city:
                    places[Place(c.city, c.state, zip_code)] = None
        if not streets or not places:
            raise ValueError("records: need at least one street and one place (city, state, 5-digit ZIP)")
        return cls(list(streets), list(places), names=names, seed=seed)

    @classmethod
    def from_corpus(cls, path: Path | None = None, *, names: int = 20_000, seed: int = 1) -> AddressGenerator:
        """Build from the parse corpus (see :func:`corpus_path`)."""
        path = path or corpus_path()
        if path is None:
            raise FileNotFoundError(f"corpus not found (../shared/corpus/parse_train.jsonl or ${CORPUS_ENV})")
        return cls.from_records(load_records(path), names=names, seed=seed)

    def _vocabulary(self, real: list[Street], names: int) -> list[Street]:
        rng = self.rng
        words = sorted(
            {
                w
                for s in real
                for w in s.name.split()
                if _WORD.match(w) and w not in TABLES.suffixes and w not in TABLES.directionals
            }
        )
        tags = [s.tag for s in real if s.tag] or list(_COMMON_TAGS)
        out = dict.fromkeys(real)
        attempts = 0
        while len(out) < names and words and attempts < names * 20:
            attempts += 1
            name = f"{rng.choice(words)} {rng.choice(words)}" if rng.random() < 0.7 else rng.choice(words)
            prefix = rng.choice(("N", "S", "E", "W")) if rng.random() < 0.2 else None
            direction = (
                rng.choice(("NE", "NW", "SE", "SW")) if prefix is None and rng.random() < 0.05 else None
            )
            street = Street(prefix, name, rng.choice(tags), direction)
            if street not in out and _round_trips(street):
                out[street] = None
        return list(out)

    def generate(self, n: int) -> list[GenAddress]:
        """``n`` distinct addresses (deterministic for a seed)."""
        rng = self.rng
        per_place = max(8, min(len(self.streets), n // (len(self.places) * 25) + 1))
        layout: list[tuple[Place, list[tuple[Street, int]]]] = []
        for place in self.places:
            streets = rng.sample(self.streets, min(per_place, len(self.streets)))
            layout.append(
                (
                    place,
                    [(s, rng.choice((1, 1, 2, 5, 10, 20, 40, 80, 120)) * 100) for s in streets],
                )
            )
        seen: set[tuple[object, ...]] = set()
        out: list[GenAddress] = []
        while len(out) < n:
            place, streets = rng.choice(layout)
            if rng.random() < 0.01:
                item = GenAddress(str(rng.randrange(1, 30000)), None, None, place)
            else:
                street, base = rng.choice(streets)
                number = str(max(1, base + rng.randrange(-40, 400)))
                apt = str(rng.randrange(1, 40)) if rng.random() < 0.12 else None
                item = GenAddress(number, street, apt, place)
            ident = (item.number, item.street, item.apt, item.place.zip)
            if ident not in seen:
                seen.add(ident)
                out.append(item)
        return out


def _s(g: Mapping[str, object], name: str) -> str | None:
    value = g.get(name)
    return str(value) if value else None


def _round_trips(street: Street) -> bool:
    """Does addrmatch read this street's written form back as the same key?"""
    a = GenAddress("100", street, None, Place("SPRINGFIELD", "IL", "62701")).address()
    try:
        return match_key(_write(a, random.Random(0), plain=True)) == key_of(a)
    except ValueError:
        return False


def written_differently(item: GenAddress, rng: random.Random) -> str:
    """The same delivery point written another way (same match key)."""
    return _write(item.address(), rng, zip4=rng.random() < 0.2)


def missing_part(item: GenAddress, rng: random.Random) -> str | None:
    """The address without its ZIP or without its suffix (None if it has no suffix to drop)."""
    a = item.address()
    if a.tag and rng.random() < 0.5:
        return _write(replace(a, tag=None), rng)
    return _write(replace(a, zip=None), rng)


def hard_negative(item: GenAddress, rng: random.Random) -> tuple[str, str]:
    """One field changed: (text, which field). A different delivery point."""
    a = item.address()
    choices = ["number", "zip"]
    if not a.po_box:
        # Change a part the address has (adding a suffix is a missing part, not a change).
        choices += ["apt"] + [f for f in ("tag", "prefix") if getattr(a, f)]
    field = rng.choice(choices)
    if field == "number":
        a = replace(
            a,
            number=str(int(re.sub(r"\D", "", a.number or "1") or 1) + rng.choice((2, 4, 10, 100))),
        )
    elif field == "zip":
        a = replace(a, zip=f"{(int(a.zip or 0) + rng.randrange(1, 50)) % 100000:05d}")
    elif field == "apt":
        a = replace(a, apt=str(int(a.apt) + 1) if a.apt and a.apt.isdigit() else "101")
    elif field == "tag":
        a = replace(a, tag=rng.choice([t for t in _COMMON_TAGS if t != a.tag]))
    else:
        a = replace(a, prefix=rng.choice([d for d in ("N", "S", "E", "W") if d != a.prefix]))
    return _write(a, rng), field


def typo_query(item: GenAddress, rng: random.Random) -> str:
    """What a person might type looking for this address: a typo in the
    street name, and maybe no suffix, no city, no ZIP, or words swapped."""
    a = item.address()
    name = a.street or ""
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) >= 5:
        i = rng.choice(letters[1:-1])
        kind = rng.random()
        if kind < 0.4:
            name = name[:i] + name[i + 1 :]  # dropped letter
        elif kind < 0.7:
            name = name[:i] + name[i + 1] + name[i] + name[i + 2 :] if i + 1 < len(name) else name
        else:
            name = name[:i] + rng.choice("AEIOURSTN") + name[i + 1 :]
    b = replace(a, street=name or a.street)
    drop = rng.random()
    if drop < 0.25 and b.tag:
        b = replace(b, tag=None)
    elif drop < 0.5:
        b = replace(b, city=None, state=None)
    elif drop < 0.7:
        b = replace(b, zip=None)
    text = _write(b, rng)
    if rng.random() < 0.1:
        words = text.split()
        if len(words) > 3:
            words[1], words[2] = words[2], words[1]
            text = " ".join(words)
    return text
