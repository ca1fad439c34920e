"""The specification's input rules for a BOI address mapping.

From the specification's *Addresses* section:

* "The API only accepts fullStreetAddress or the other street address
  properties. An error is returned if both are specified."
  -> :class:`~addrmatch.errors.ConflictingFieldsError`
* "If the address is a PO Box, you are only allowed to specify the number of
  the PO Box. If other parts of the address are also included, an error is
  returned." -> :class:`~addrmatch.errors.POBoxError` (also when the number
  is missing, since a box without a number is no address).

Unknown keys are refused too (``AddressError`` with rule ``unknown-field``):
a misspelt ``zipCode`` silently dropped would create a wrong address.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from addrmatch.errors import AddressError, ConflictingFieldsError, POBoxError
from addrmatch.fields import BOI_KEYS
from addrmatch.inputs import (
    MAX_ADDRESS_FIELD,
    MAX_ADDRESS_TEXT,
    check_integer,
    check_text,
    parse_bool,
    preview,
)

__all__ = ["BOI_KEYS", "check_boi", "clean_boi"]

# Street components that conflict with fullStreetAddress.
_STREET_KEYS = ("postOfficeBox", "number", "prefix", "street", "tag", "direction", "apt")
# Street components a PO box must not have.
_NOT_FOR_PO_BOX = ("prefix", "street", "tag", "direction", "apt")


def _as_bool(name: str, value: Any) -> bool:
    parsed = parse_bool(value)
    if parsed is None:
        raise AddressError(
            f"{name}: must be true or false, got {preview(value)}", fields=(name,), rule="type"
        )
    return parsed


def clean_boi(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """Type-check a BOI address mapping and return a cleaned copy.

    Strings are stripped, empty strings and None dropped, ints turned into
    strings, ``postOfficeBox`` into a bool (dropped when false).

    >>> clean_boi({"number": 4321, "street": " Lexington ", "apt": "", "postOfficeBox": "false"})
    {'number': '4321', 'street': 'Lexington'}
    """
    if not isinstance(mapping, Mapping):
        raise AddressError(
            f"address: expected a mapping of BOI fields, got {type(mapping).__name__}", fields=(), rule="type"
        )
    unknown = sorted(
        preview(k) if not isinstance(k, str) or len(k) > 40 else k for k in mapping if k not in BOI_KEYS
    )
    if unknown:
        shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5:,} more" if len(unknown) > 5 else "")
        raise AddressError(
            f"{shown}: not a BOI address field (known: {', '.join(sorted(BOI_KEYS))})",
            fields=unknown[:5],
            rule="unknown-field",
        )
    cleaned: dict[str, Any] = {}
    for name, value in mapping.items():
        if value is None:
            continue
        if name == "postOfficeBox":
            if isinstance(value, str) and not value.strip():
                continue  # an empty cell is "not given", as for every other field
            if _as_bool(name, value):
                cleaned[name] = True
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            text = str(check_integer(value, field=name))
        else:
            limit = MAX_ADDRESS_TEXT if name == "fullStreetAddress" else MAX_ADDRESS_FIELD
            text = check_text(value, field=name, limit=limit).strip()
        if text:
            cleaned[name] = text
    return cleaned


def check_boi(values: Mapping[str, Any]) -> None:
    """Apply the input rules to a cleaned BOI mapping (see :func:`clean_boi`).

    >>> check_boi({"fullStreetAddress": "4321 Main St", "city": "Blaine"})
    >>> check_boi({"fullStreetAddress": "4321 Main St", "apt": "4"})
    Traceback (most recent call last):
    ...
    addrmatch.errors.ConflictingFieldsError: fullStreetAddress and apt: give either fullStreetAddress or the street components, not both
    """
    if "fullStreetAddress" in values:
        both = [k for k in _STREET_KEYS if k in values]
        if both:
            raise ConflictingFieldsError(
                f"fullStreetAddress and {', '.join(both)}: give either fullStreetAddress "
                "or the street components, not both",
                fields=("fullStreetAddress", *both),
            )
    if values.get("postOfficeBox"):
        extra = [k for k in _NOT_FOR_PO_BOX if k in values]
        if extra:
            raise POBoxError(
                f"postOfficeBox with {', '.join(extra)}: a PO box may only have a number "
                "(and city, state, zip)",
                fields=("postOfficeBox", *extra),
            )
        if "number" not in values:
            raise POBoxError(
                "postOfficeBox without number: a PO box needs its box number in number",
                fields=("postOfficeBox", "number"),
            )
