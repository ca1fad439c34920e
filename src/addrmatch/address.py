"""The ``Address`` value object and its mapping to the BOI field names.

An :class:`Address` is immutable and hashable: it can be a dict key, a set
member, or cached. Every stage of the pipeline (``parse``, ``canonicalize``,
``match_key``) takes or returns one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

__all__ = ["BOI_FIELDS", "PLACE_FIELDS", "STREET_FIELDS", "Address"]

#: Address attribute -> BOI JSON name, in BOI order.
BOI_FIELDS: dict[str, str] = {
    "po_box": "postOfficeBox",
    "number": "number",
    "prefix": "prefix",
    "street": "street",
    "tag": "tag",
    "direction": "direction",
    "apt": "apt",
    "city": "city",
    "state": "state",
    "zip": "zip",
    "county": "county",
    "location_code": "locationCode",
    "tract": "tract",
    "block": "block",
}
#: The parts of the street line, in the order they are written.
STREET_FIELDS: tuple[str, ...] = ("number", "prefix", "street", "tag", "direction", "apt")
#: The parts that say where the street is.
PLACE_FIELDS: tuple[str, ...] = ("city", "state", "zip")

# Streets that are not streets: a rural route, highway contract route or a
# military unit holds boxes, and the box number sits in ``number``.
_BOX_ROUTE_HEADS = frozenset({"RR", "HC", "PSC", "CMR", "UNIT"})


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

    @classmethod
    def from_boi(cls, mapping: Mapping[str, Any]) -> Address:
        """Build an Address from a BOI address mapping (camelCase names).

        The input rules are applied first (:func:`addrmatch.rules.check_boi`).
        A ``fullStreetAddress`` is parsed into the street components; the
        mapping's own city/state/zip/county... win over any found in it.
        Numbers given as ``int`` become strings; empty strings become None.

        >>> Address.from_boi({"postOfficeBox": True, "number": 54, "city": "Blaine", "state": "MN", "zip": "55123"})
        Address(po_box=True, number='54', prefix=None, street=None, tag=None, direction=None, apt=None, city='Blaine', state='MN', zip='55123', county=None, location_code=None, tract=None, block=None)
        """
        from addrmatch.rules import check_boi, clean_boi

        values = clean_boi(mapping)
        check_boi(values)
        full = values.pop("fullStreetAddress", None)
        kwargs: dict[str, Any] = {attr: values.get(name) for attr, name in BOI_FIELDS.items()}
        kwargs["po_box"] = bool(values.get("postOfficeBox") or False)
        if full is None:
            return cls(**kwargs)
        from addrmatch.parse import parse_details

        parsed = parse_details(full, fallback=False).address
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
        >>> Address(number="15", street="RR 2").street_line()
        'RR 2 BOX 15'
        >>> Address(number="4321", street="Main", tag="St", apt="45").street_line()
        '4321 Main St # 45'
        >>> Address(number="17110", street="Linden", tag="St", apt="#296").street_line()
        '17110 Linden St # 296'
        """
        if self.po_box:
            return f"PO BOX {self.number}" if self.number else "PO BOX"
        street = self.street or ""
        head = street.split(" ", 1)[0].upper()
        if head in _BOX_ROUTE_HEADS and self.prefix is None and self.tag is None:
            parts = [street, f"BOX {self.number}" if self.number else None]
        else:
            parts = [self.number, self.prefix, self.street, self.tag, self.direction]
        apt = self.apt.lstrip("# ") if self.apt else None  # "#296" is written "# 296"
        if apt:
            from addrmatch.tables import TABLES

            first = apt.split(" ", 1)[0].upper().rstrip(".")
            parts.append(apt if first in TABLES.unit_designators else "# " + apt)
        return " ".join(p for p in parts if p)

    def is_empty(self) -> bool:
        """True when no component is set.

        >>> Address().is_empty()
        True
        """
        return not self.po_box and all(
            getattr(self, f.name) is None for f in fields(self) if f.name != "po_box"
        )
