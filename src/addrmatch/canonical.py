"""Address components -> USPS Publication 28 canonical components.

* Upper case; periods removed ("U.S." -> "US"), commas, semicolons and stray
  quotes turned into spaces; single spaces.
* ``prefix``/``direction``: N S E W NE NW SE SW (Pub 28 section 233; the
  informal "So"/"No" too, where the reader put them in that field).
* ``tag``: the C1 standard abbreviation (AVENUE, AV, AVEN -> AVE); a spelling
  outside C1 with one meaning as that abbreviation (CRT -> CT, PY -> PKWY);
  an ambiguous one (TR: terrace, track or trail) as written.
* ``apt``: the unit identifier only ("Apt 45", "#45", "Unit 45" -> "45"); a
  designator with no identifier becomes its C2 abbreviation ("Basement" ->
  "BSMT"); outer levels of a two-level unit keep their designator,
  abbreviated ("Bldg 2 Apt 5" -> "BLDG 2 5").
* ``state``: the two-letter code ("Minnesota", "N.Y." -> "MN", "NY").
* ``zip``: five digits, or ZIP+4 as "55123-4567" ("55123 4567", "551234567",
  "55123-" accepted); a 4-digit ZIP gets its leading zero back only when the
  gazetteer confirms that ZIP in the state ("2134", MA -> "02134"); anything
  else is an :class:`~addrmatch.errors.AddressError` naming ``zip``.
* ``number``: "123½" -> "123 1/2"; "12 & 14" -> "12-14".
* ``street``: words kept as written (Pub 28 does not abbreviate name words),
  except the heads of box routes: "Rural Route 2" -> "RR 2",
  "Highway Contract 1" -> "HC 1", "Urbanizacion X" -> "URB X".

The rules live in one place, :mod:`addrmatch._canon`; the reader calls the
same functions on its token words. :func:`canonicalize` is idempotent:
``canonicalize(canonicalize(a)) == canonicalize(a)``.
"""

from __future__ import annotations

from dataclasses import replace

from addrmatch._canon import (
    apt_from_words,
    canonical_words,
    direction_from_words,
    parts_from_text,
    tag_from_words,
)
from addrmatch.address import Address
from addrmatch.errors import AddressError
from addrmatch.fields import TEXT_FIELDS
from addrmatch.inputs import MAX_ADDRESS_FIELD, text_problem

__all__ = ["canonical_apt", "canonical_direction", "canonical_tag", "canonical_words", "canonicalize"]


def canonical_direction(value: str | None) -> str | None:
    """A directional as N S E W NE NW SE SW; other words upper-cased.

    >>> canonical_direction("North-West"), canonical_direction("s.")
    ('NW', 'S')
    """
    words = canonical_words(value)
    return None if words is None else direction_from_words(words)


def canonical_tag(value: str | None) -> str | None:
    """A street suffix as its C1 standard abbreviation.

    >>> canonical_tag("Avenue"), canonical_tag("AV."), canonical_tag("Blvd"), canonical_tag("Crt")
    ('AVE', 'AVE', 'BLVD', 'CT')
    """
    words = canonical_words(value)
    return None if words is None else tag_from_words(words)


def canonical_apt(value: str | None) -> str | None:
    """The unit: identifiers only; a lone designator as its C2 abbreviation;
    an outer building level keeps its designator.

    >>> canonical_apt("Apt 45"), canonical_apt("# 45"), canonical_apt("Basement"), canonical_apt("Bldg 2 Apt 5")
    ('45', '45', 'BSMT', 'BLDG 2 5')
    """
    words = canonical_words(value)
    return None if words is None else apt_from_words(words)


def _component_problem(address: object) -> AddressError | None:
    """The first component that is not text within the limit (or ``po_box`` not a bool)."""
    if not isinstance(address, Address):
        return AddressError(
            f"address: expected an Address, got {type(address).__name__}", fields=("address",), rule="type"
        )
    if not isinstance(address.po_box, bool):
        return AddressError(
            f"po_box: must be true or false, got {type(address.po_box).__name__}",
            fields=("po_box",),
            rule="type",
        )
    for name in TEXT_FIELDS:
        value = getattr(address, name)
        if value is not None:
            problem = text_problem(value, limit=MAX_ADDRESS_FIELD)
            if problem is not None:
                return AddressError(f"{name}: {problem.message}", fields=(name,), rule=problem.rule)
    return None


def canonicalize(address: Address) -> Address:
    """The Pub 28 canonical form of an address (see the module docstring).

    >>> from addrmatch import parse
    >>> a = canonicalize(parse("4321 North Lexington Avenue Apt #45, Blaine, Minnesota 55123"))
    >>> (a.number, a.prefix, a.street, a.tag, a.apt, a.city, a.state, a.zip)
    ('4321', 'N', 'LEXINGTON', 'AVE', '45', 'BLAINE', 'MN', '55123')
    """
    problem = _component_problem(address)
    if problem is not None:
        raise problem
    a = address
    canonical = Address.from_parts(
        parts_from_text(
            a.po_box, a.number, a.prefix, a.street, a.tag, a.direction, a.apt, a.city, a.state, a.zip
        )
    )
    if a.county is None and a.location_code is None and a.tract is None and a.block is None:
        return canonical
    return replace(
        canonical,
        county=canonical_words(a.county),
        location_code=a.location_code.strip() or None if a.location_code else None,
        tract=a.tract.strip() or None if a.tract else None,
        block=a.block.strip() or None if a.block else None,
    )
