"""Address components -> USPS Publication 28 canonical components.

* Upper case; periods removed ("U.S." -> "US"), commas and semicolons
  turned into spaces; single spaces.
* ``prefix``/``direction``: N S E W NE NW SE SW (Pub 28 section 233).
* ``tag``: the C1 standard abbreviation (AVENUE, AV, AVEN -> AVE).
* ``apt``: the unit identifier only ("Apt 45", "#45", "Unit 45" -> "45"); a
  designator with no identifier becomes its C2 abbreviation ("Basement" ->
  "BSMT"); outer levels of a two-level unit keep their designator,
  abbreviated ("Bldg 2 Apt 5" -> "BLDG 2 5").
* ``state``: the two-letter code ("Minnesota", "N.Y." -> "MN", "NY").
* ``zip``: five digits, or ZIP+4 as "55123-4567".
* ``number``: "123½" -> "123 1/2".
* ``street``: words kept as written (Pub 28 does not abbreviate name words),
  except the heads of box routes: "Rural Route 2" -> "RR 2",
  "Highway Contract 1" -> "HC 1", "Urbanizacion X" -> "URB X".

:func:`canonicalize` is idempotent: ``canonicalize(canonicalize(a)) == canonicalize(a)``.
"""

from __future__ import annotations

import re

from addrmatch.address import Address
from addrmatch.errors import AddressError
from addrmatch.inputs import MAX_ADDRESS_FIELD, text_problem
from addrmatch.tables import TABLES

__all__ = [
    "canonical_apt",
    "canonical_direction",
    "canonical_tag",
    "canonical_words",
    "canonical_zip",
    "canonicalize",
    "number_from_words",
    "state_from_words",
    "street_from_words",
]

_DROP = str.maketrans({".": None, ",": " ", ";": " "})
_DIRECTIONAL_KEY = str.maketrans("", "", ".- ")
_ZIP_DIGITS = re.compile(r"^([0-9]{5})[- ]?([0-9]{4})?$")
_SUFFIXES = TABLES.suffixes
_DIRECTIONALS = TABLES.directionals
_UNITS = TABLES.unit_designators
_STATES = TABLES.states
_ROUTE_HEADS = {
    "RURAL ROUTE": "RR",
    "RURAL RTE": "RR",
    "RURAL RT": "RR",
    "R R": "RR",
    "RFD": "RR",
    "HIGHWAY CONTRACT": "HC",
    "STAR ROUTE": "HC",
    "URBANIZACION": "URB",
    "URBANIZATION": "URB",
}

#: Every text component of an Address (all but ``po_box``).
COMPONENT_FIELDS: tuple[str, ...] = (
    "number",
    "prefix",
    "street",
    "tag",
    "direction",
    "apt",
    "city",
    "state",
    "zip",
    "county",
    "location_code",
    "tract",
    "block",
)

_ROUTE_HEAD_FIRST = frozenset(head.split()[0] for head in _ROUTE_HEADS)


def canonical_words(value: str | None) -> str | None:
    """Upper case, separators removed, single spaces.

    >>> canonical_words(" St. Louis ")
    'ST LOUIS'
    """
    if value is None:
        return None
    text = " ".join(value.translate(_DROP).upper().split())
    return text or None


def canonical_direction(value: str | None) -> str | None:
    """A directional as N S E W NE NW SE SW; other words upper-cased.

    >>> canonical_direction("North-West"), canonical_direction("s.")
    ('NW', 'S')
    """
    words = canonical_words(value)
    if words is None:
        return None
    return _DIRECTIONALS.get(words.translate(_DIRECTIONAL_KEY), words)


def canonical_tag(value: str | None) -> str | None:
    """A street suffix as its C1 standard abbreviation.

    >>> canonical_tag("Avenue"), canonical_tag("AV."), canonical_tag("Blvd")
    ('AVE', 'AVE', 'BLVD')
    """
    words = canonical_words(value)
    if words is None:
        return None
    return _SUFFIXES.get(words, words)


def canonical_apt(value: str | None) -> str | None:
    """The unit: identifiers only; a lone designator as its C2 abbreviation;
    an outer building level keeps its designator ("Bldg 2 Apt 5" -> "BLDG 2 5").

    >>> canonical_apt("Apt 45"), canonical_apt("# 45"), canonical_apt("Basement"), canonical_apt("Bldg 2 Apt 5")
    ('45', '45', 'BSMT', 'BLDG 2 5')
    >>> canonical_apt("Apt 13 C"), canonical_apt("No 12")
    ('13 C', '12')
    """
    words = canonical_words(value)
    if words is None:
        return None
    tokens = [t for t in words.replace("#", " # ").split() if t != "#"]
    if not tokens:
        return None
    if len(tokens) == 1:
        abbreviation = _UNITS.get(tokens[0], tokens[0])
        return tokens[0] if abbreviation == "#" else abbreviation  # "No" alone stays a word
    out: list[str] = []
    last = len(tokens) - 1
    n = 0
    while n <= last:
        token = tokens[n]
        designator = _UNITS.get(token)
        if designator is None:
            out.append(token)
            n += 1
        elif n == last:
            out.append(token if designator == "#" else designator)  # nothing after it
            n += 1
        else:
            if designator == "BLDG" and n + 2 <= last:
                out.append(designator)  # an outer building level keeps its designator
            out.append(tokens[n + 1])  # the identifier; the designator itself is dropped
            n += 2
    return " ".join(out) or None


def street_from_words(words: str) -> str:
    """The canonical street from canonical words (route heads shortened)."""
    if words.split(" ", 1)[0] not in _ROUTE_HEAD_FIRST:
        return words
    for head, short in _ROUTE_HEADS.items():
        if words.startswith(head + " "):
            return short + words[len(head) :]
    return words


def number_from_words(words: str) -> str:
    """The canonical house number from canonical words ("123½" -> "123 1/2")."""
    if "½" in words:
        return " ".join(words.replace("½", " 1/2").split())
    return words


def state_from_words(words: str) -> str:
    """The two-letter code for a state written in canonical words, else the words."""
    return _STATES.get(words) or _STATES.get(words.replace(" ", ""), words)


def _canonical_street(value: str | None) -> str | None:
    words = canonical_words(value)
    return None if words is None else street_from_words(words)


def _canonical_number(value: str | None) -> str | None:
    words = canonical_words(value)
    return None if words is None else number_from_words(words)


def _canonical_state(value: str | None) -> str | None:
    words = canonical_words(value)
    return None if words is None else state_from_words(words)


def canonical_zip(value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip().rstrip(".").strip()
    m = _ZIP_DIGITS.match(text)
    if m is None:
        return text.upper() or None
    return f"{m.group(1)}-{m.group(2)}" if m.group(2) else m.group(1)


def _component_problem(address: object) -> AddressError | None:
    """The first component that is not text within the limit (or ``po_box`` not a bool)."""
    if not isinstance(address, Address):
        return AddressError(f"address: expected an Address, got {type(address).__name__}", rule="type")
    if not isinstance(address.po_box, bool):
        return AddressError(
            f"po_box: must be true or false, got {type(address.po_box).__name__}",
            fields=("po_box",),
            rule="type",
        )
    for name in COMPONENT_FIELDS:
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
    return Address(
        po_box=address.po_box,
        number=_canonical_number(address.number),
        prefix=canonical_direction(address.prefix),
        street=_canonical_street(address.street),
        tag=canonical_tag(address.tag),
        direction=canonical_direction(address.direction),
        apt=canonical_apt(address.apt),
        city=canonical_words(address.city),
        state=_canonical_state(address.state),
        zip=canonical_zip(address.zip),
        county=canonical_words(address.county),
        location_code=address.location_code.strip() if address.location_code else None,
        tract=address.tract.strip() if address.tract else None,
        block=address.block.strip() if address.block else None,
    )
