"""The names of an address's components: the Address attributes and their BOI JSON names.

A leaf module (it imports nothing of addrmatch), so that the value object, the
input rules, the reader and ``addrmatch.boi`` can all share one list.

>>> BOI_FIELDS["location_code"]
'locationCode'
>>> STREET_FIELDS
('number', 'prefix', 'street', 'tag', 'direction', 'apt')
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["BOI_FIELDS", "BOI_KEYS", "PARTS", "PLACE_FIELDS", "STREET_FIELDS", "TEXT_FIELDS"]

#: Address attribute -> BOI JSON name, in BOI (and Address) order.
BOI_FIELDS: Mapping[str, str] = MappingProxyType(
    {
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
)
#: Every key a BOI address mapping may hold.
BOI_KEYS: frozenset[str] = frozenset(BOI_FIELDS.values()) | {"fullStreetAddress"}
#: The parts of the street line, in the order they are written.
STREET_FIELDS: tuple[str, ...] = ("number", "prefix", "street", "tag", "direction", "apt")
#: The parts that say where the street is.
PLACE_FIELDS: tuple[str, ...] = ("city", "state", "zip")
#: What reading a text gives, in this order: ``po_box`` and the street and place parts.
PARTS: tuple[str, ...] = ("po_box", *STREET_FIELDS, *PLACE_FIELDS)
#: Every text component of an Address (all but ``po_box``), in Address order.
TEXT_FIELDS: tuple[str, ...] = tuple(name for name in BOI_FIELDS if name != "po_box")
