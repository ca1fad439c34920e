"""The ``Address`` value object and its mapping to the BOI field names.

An :class:`Address` is immutable and hashable: it can be a dict key, a set
member, or cached. Every stage of the pipeline (``parse``, ``canonicalize``,
``match_key``) takes or returns one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from addrmatch import _build
from addrmatch._canon import Parts
from addrmatch.errors import AddressError
from addrmatch.fields import BOI_FIELDS, PLACE_FIELDS, STREET_FIELDS, TEXT_FIELDS
from addrmatch.reading import read
from addrmatch.rules import check_boi, clean_boi
from addrmatch.tables import TABLES

__all__ = ["BOI_FIELDS", "PLACE_FIELDS", "STREET_FIELDS", "Address"]

# Heads of streets that are not streets: a rural route, highway contract route or
# military unit holds boxes, and the box number sits in ``number`` ("RR 2 BOX 15").
_BOX_ROUTES = {
    head: canonical
    for head, (canonical, kind) in TABLES.box_heads.items()
    if kind in ("rural_route", "highway_contract", "military")
}
_BOX_ROUTE_MAX = max(len(head) for head in _BOX_ROUTES)
_UNIT_DESIGNATORS = TABLES.unit_designators
# State codes that are also other words (NE the directional, CT the type, FL the floor...):
# written out in one_line() when nothing else says they are a state.
_AMBIGUOUS_STATE_CODES = frozenset(
    code
    for code in TABLES.state_codes
    if code in TABLES.directionals or code in TABLES.suffixes or code in TABLES.unit_designators
)
_STATE_NAMES = {}
for _name, _code in TABLES.states.items():
    if _name != _code:
        _STATE_NAMES.setdefault(_code, _name)


@dataclass(frozen=True, slots=True)
class Address:
    """A US postal address split into the BOI components.

    All components are ``str | None``, except ``po_box``. A PO box keeps its
    box number in ``number``. Rural routes, highway contracts and military
    addresses keep the route in ``street`` ("RR 2", "HC 1", "PSC 1234") and
    the box number in ``number``; a Puerto Rico urbanization leads ``street``
    ("URB LAS GLADIOLAS CALLE A"). See the README, "Mapping unusual address
    types".

    >>> a = Address(number="4321", prefix="N", street="LEXINGTON", tag="AVE", city="BLAINE", state="MN")
    >>> a.street_line()
    '4321 N LEXINGTON AVE'
    >>> Address.from_boi(a.to_boi()) == a
    True
    """

    po_box: bool = False
    number: str | None = None
    prefix: str | None = None
    street: str | None = None
    tag: str | None = None
    direction: str | None = None
    apt: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    county: str | None = None
    location_code: str | None = None
    tract: str | None = None
    block: str | None = None

    def __post_init__(self) -> None:
        # Components are text or None, po_box true or false (0 and 1 as SQLite gives them):
        # anything else is the caller's AddressError here, not a TypeError in a method later.
        if not isinstance(self.po_box, bool):
            if not (isinstance(self.po_box, int) and self.po_box in (0, 1)):
                raise AddressError(
                    f"po_box: must be true or false, got {type(self.po_box).__name__}",
                    fields=("po_box",),
                    rule="type",
                )
            object.__setattr__(self, "po_box", bool(self.po_box))
        for name in TEXT_FIELDS:
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise AddressError(
                    f"{name}: must be text, got {type(value).__name__}", fields=(name,), rule="type"
                )

    @classmethod
    def from_parts(cls, parts: Parts) -> Address:
        """An Address from what reading a text gives: ``(po_box, number,
        prefix, street, tag, direction, apt, city, state, zip)``; the other
        components are None. Fast (:mod:`addrmatch._build`): the pipeline
        builds one per call.

        >>> Address.from_parts((False, "12", None, "MAIN", "ST", None, None, None, "MN", None)).street_line()
        '12 MAIN ST'
        """
        return _build.from_parts(cls, parts)  # type: ignore[no-any-return]

    @classmethod
    def from_boi(cls, mapping: Mapping[str, Any]) -> Address:
        """Build an Address from a BOI address mapping (camelCase names).

        The input rules are applied first (:func:`addrmatch.rules.check_boi`).
        A ``fullStreetAddress`` is read into the street components (the one
        reading, :mod:`addrmatch.reading`); the mapping's own
        city/state/zip/county... win over any found in it. Numbers given as
        ``int`` become strings; empty strings become None.

        >>> Address.from_boi({"postOfficeBox": True, "number": 54, "city": "Blaine", "state": "MN", "zip": "55123"})
        Address(po_box=True, number='54', prefix=None, street=None, tag=None, direction=None, apt=None, city='Blaine', state='MN', zip='55123', county=None, location_code=None, tract=None, block=None)
        """
        values = clean_boi(mapping)
        check_boi(values)
        full = values.pop("fullStreetAddress", None)
        kwargs: dict[str, Any] = {attr: values.get(name) for attr, name in BOI_FIELDS.items()}
        kwargs["po_box"] = bool(values.get("postOfficeBox") or False)
        if full is None:
            return cls(**kwargs)
        parsed = cls.from_parts(read(full).parts)
        overrides = {k: v for k, v in kwargs.items() if v is not None and k != "po_box"}
        return replace(parsed, **overrides)

    def to_boi(self) -> dict[str, Any]:
        """The BOI mapping (camelCase names, every field present).

        >>> Address(po_box=True, number="54").to_boi()["postOfficeBox"]
        True
        """
        return {name: getattr(self, attr) for attr, name in BOI_FIELDS.items()}

    def street_line(self) -> str:
        """The street parts joined into one line, the way the specification's
        reparse step does ("puts them together"); parsing it gives the same
        street components back.

        >>> Address(po_box=True, number="125").street_line()
        'PO BOX 125'
        >>> Address(number="15", street="RR 2").street_line(), Address(number="15", street="Rural Route 2").street_line()
        ('RR 2 BOX 15', 'Rural Route 2 BOX 15')
        >>> Address(number="4321", street="Main", tag="St", apt="45").street_line()
        '4321 Main St # 45'
        >>> Address(number="17110", street="Linden", tag="St", apt="#296").street_line()
        '17110 Linden St # 296'
        """
        if self.po_box:
            return f"PO BOX {self.number}" if self.number else "PO BOX"
        if self.prefix is None and self.tag is None and _is_box_route(self.street):
            parts = [self.street, f"BOX {self.number}" if self.number else None]
        else:
            parts = [self.number, self.prefix, self.street, self.tag, self.direction]
        apt = self.apt.lstrip("# ") if self.apt else None  # "#296" is written "# 296"
        if apt:
            first = apt.split(" ", 1)[0].upper().rstrip(".")
            parts.append(apt if first in _UNIT_DESIGNATORS else "# " + apt)
        return " ".join(p for p in parts if p)

    def one_line(self) -> str:
        """The whole address on one line: the street line, then ", city, state zip".
        Reading it back gives the same address (for a normalized address, the
        same canonical form and key: the tests check it).

        >>> Address(number="39", street="MAIN", tag="ST", city="ANOKA", state="MN", zip="55303").one_line()
        '39 MAIN ST, ANOKA, MN 55303'
        >>> Address(po_box=True, number="125", zip="55123").one_line()
        'PO BOX 125, 55123'
        >>> Address(number="1", street="MAIN", tag="ANX", state="NE").one_line()
        '1 MAIN ANX, NEBRASKA'
        """
        state = self.state
        if state in _AMBIGUOUS_STATE_CODES and self.city is None and self.zip is None:
            state = _STATE_NAMES[state]  # "..., NEBRASKA": ", NE" alone would read as a directional
        place = " ".join(p for p in (state, self.zip) if p)
        return ", ".join(p for p in (self.street_line(), self.city, place) if p)

    def is_empty(self) -> bool:
        """True when no component is set.

        >>> Address().is_empty()
        True
        """
        return not self.po_box and all(
            getattr(self, f.name) is None for f in fields(self) if f.name != "po_box"
        )


def _is_box_route(street: str | None) -> bool:
    """Does the street name begin with a box route's head ("RR 2", "Rural Route 2", "PSC 1234")?"""
    if not street:
        return False
    words = street.upper().replace(".", " ").split()
    return any(tuple(words[:n]) in _BOX_ROUTES for n in range(1, min(_BOX_ROUTE_MAX, len(words) - 1) + 1))
