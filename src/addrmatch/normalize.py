"""``normalize``: any accepted input -> canonical Address (rules, reading, canonical form)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from addrmatch._build import from_parts
from addrmatch.address import Address
from addrmatch.canonical import canonicalize
from addrmatch.errors import AddressError, UnparseableAddressError
from addrmatch.reading import canonical_parts_of, read
from addrmatch.rules import check_boi

__all__ = ["AddressInput", "normalize", "to_address"]

#: What the pipeline accepts: free text, an Address, or a BOI address mapping.
AddressInput = str | Address | Mapping[str, Any]


def to_address(value: AddressInput) -> Address:
    """Turn an accepted input into an Address *as written* (not canonical),
    read the way :func:`normalize` reads it.

    Text is read by the one reading (:mod:`addrmatch.reading`, what
    :func:`addrmatch.parse` gives); a BOI mapping goes through
    :meth:`Address.from_boi` (input rules included); an Address is checked
    against the PO box rule and returned as it is.

    >>> to_address({"fullStreetAddress": "PO Box 54", "city": "Blaine"}).number
    '54'
    """
    if isinstance(value, str):
        return Address.from_parts(read(value).parts)
    if isinstance(value, Address):
        if value.po_box is True:
            check_boi({k: v for k, v in value.to_boi().items() if v})
        return value
    if isinstance(value, Mapping):
        address = Address.from_boi(value)
        if not (address.po_box or address.number or address.street):
            raise UnparseableAddressError(
                "address: no street, house number or box given (fullStreetAddress or the street components)",
                fields=("fullStreetAddress", "number", "street"),
            )
        return address
    raise AddressError(
        f"address: expected text, an Address or a BOI mapping, got {type(value).__name__}",
        fields=("address",),
        rule="type",
    )


def normalize(value: AddressInput) -> Address:
    """Apply the input rules, read, and canonicalize.

    Text is read by the one reading (:mod:`addrmatch.reading`), so
    ``normalize(t) == canonicalize(parse(t))`` for every text ``t``.

    >>> normalize("4321 north lexington av #45").street_line()
    '4321 N LEXINGTON AVE # 45'
    """
    if isinstance(value, str):
        return from_parts(Address, canonical_parts_of(value))  # == canonicalize(parse(value))
    return canonicalize(to_address(value))
