"""The Pub 28 canonical form: one rule per component, in one place.

Private, and compiled with mypyc when the package is built. Two callers, one
set of rules: :func:`addrmatch.canonicalize` passes components as written
through :func:`canonical_words` first (:func:`parts_from_text`); the reader
passes the words of its tokens, which are already upper case with the
separators removed, straight to :func:`parts_from_words`. See
:mod:`addrmatch.canonical` for the rules in prose.
"""

from __future__ import annotations

from typing import Final

from addrmatch.errors import AddressError
from addrmatch.tables import TABLES, places

__all__ = [
    "Parts",
    "apt_from_words",
    "canonical_words",
    "direction_from_words",
    "number_from_words",
    "parts_from_text",
    "parts_from_words",
    "state_from_words",
    "street_from_words",
    "tag_from_words",
    "zip_from_text",
]

#: (po_box, number, prefix, street, tag, direction, apt, city, state, zip): what reading a text gives.
Parts = tuple[
    bool,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
]

# Periods go; commas, semicolons and stray quotes (CSV tools leave them) become spaces.
_DROP: Final = str.maketrans({".": None, ",": " ", ";": " ", '"': " ", "\u201c": " ", "\u201d": " "})
_DIRECTIONAL_KEY: Final = str.maketrans("", "", ".- ")
# Plain dicts (private copies, never changed): compiled code looks a dict up directly,
# a read-only mapping proxy only through a method call.
_SUFFIXES: Final[dict[str, str]] = dict(TABLES.suffixes)
_SUFFIX_ALIASES: Final[dict[str, str]] = dict(TABLES.suffix_aliases)
_DIRECTIONALS: Final[dict[str, str]] = dict(TABLES.directionals)
_INFORMAL_DIRECTIONALS: Final[dict[str, str]] = dict(TABLES.informal_directionals)
_UNITS: Final[dict[str, str]] = dict(TABLES.unit_designators)
_STATES: Final[dict[str, str]] = dict(TABLES.states)
_BOX_HEADS: Final[dict[tuple[str, ...], tuple[str, str]]] = dict(TABLES.box_heads)
# Route heads that the canonical street spells short ("RURAL ROUTE 2" -> "RR 2").
_SHORTENED_KINDS: Final = frozenset({"rural_route", "highway_contract", "urbanization"})
_ROUTE_HEAD_FIRST: Final = frozenset(
    head[0] for head, (_, kind) in _BOX_HEADS.items() if kind in _SHORTENED_KINDS
)
_ROUTE_HEAD_MAX: Final = max(len(head) for head in _BOX_HEADS)


def canonical_words(value: str | None) -> str | None:
    """Upper case, separators and stray quotes removed, single spaces.

    >>> canonical_words(' St. Louis, "MO" ')
    'ST LOUIS MO'
    """
    if value is None:
        return None
    text = " ".join(value.translate(_DROP).upper().split())
    return text or None


def direction_from_words(words: str) -> str:
    """A directional as N S E W NE NW SE SW (informal "SO" too); other words unchanged.

    >>> direction_from_words("NORTH-WEST"), direction_from_words("S E"), direction_from_words("SO")
    ('NW', 'SE', 'S')
    """
    found = _DIRECTIONALS.get(words)
    if found is not None:
        return found  # written as the table writes it ("N", "NORTH"): nothing to remove first
    found = _DIRECTIONALS.get(words.translate(_DIRECTIONAL_KEY))
    if found is not None:
        return found
    return _INFORMAL_DIRECTIONALS.get(words, words)


def tag_from_words(words: str) -> str:
    """A street type as its C1 standard abbreviation; a spelling outside C1 with
    one meaning as that abbreviation ("CRT" -> "CT"); an ambiguous one ("TR")
    as written.

    >>> tag_from_words("AVENUE"), tag_from_words("CRT"), tag_from_words("TR")
    ('AVE', 'CT', 'TR')
    """
    found = _SUFFIXES.get(words)
    if found is not None:
        return found
    return _SUFFIX_ALIASES.get(words, words)


def street_from_words(words: str) -> str:
    """The street name: words kept, except the heads of box routes, spelled short
    ("RURAL ROUTE 2" -> "RR 2", "HIGHWAY CONTRACT 1" -> "HC 1", "URBANIZACION X" -> "URB X").

    >>> street_from_words("RURAL ROUTE 2"), street_from_words("MAIN")
    ('RR 2', 'MAIN')
    """
    if words.split(" ", 1)[0] not in _ROUTE_HEAD_FIRST:
        return words
    split = words.split()
    for n in range(min(_ROUTE_HEAD_MAX, len(split) - 1), 0, -1):
        head = _BOX_HEADS.get(tuple(split[:n]))
        if head is not None and head[1] in _SHORTENED_KINDS:
            return " ".join([head[0], *split[n:]])
    return words


def number_from_words(words: str) -> str:
    """The house number: "123½" -> "123 1/2"; a range written with "&", "AND",
    a spaced hyphen or a space as a hyphenated range ("12 & 14", "12 - 14", "12 14" -> "12-14").

    >>> number_from_words("123½"), number_from_words("12 & 14"), number_from_words("3012 16")
    ('123 1/2', '12-14', '3012-16')
    """
    if "½" in words:
        words = " ".join(words.replace("½", " 1/2").split())
    if " " in words:
        split = words.split()
        if len(split) == 3 and split[1] in ("&", "AND", "-") and split[0].isdigit() and split[2].isdigit():
            return f"{split[0]}-{split[2]}"
        if len(split) == 2 and split[0].isdigit() and split[1].isdigit():
            return f"{split[0]}-{split[1]}"  # "3012 16": the range written with a space
    return words


def state_from_words(words: str) -> str:
    """The two-letter code for a state written in canonical words, else the words.

    >>> state_from_words("MINNESOTA"), state_from_words("N Y")
    ('MN', 'NY')
    """
    return _STATES.get(words) or _STATES.get(words.replace(" ", ""), words)


def zip_from_text(value: str, state: str | None) -> str:
    """A ZIP as five digits or ZIP+4 "55123-4567"; raises AddressError for text
    that cannot be a ZIP.

    Accepted: "55123", "55123-4567", "55123 4567", "551234567", "55123-" (a
    dangling hyphen), "551 23" (a stray space). A 4-digit ZIP that lost its leading zero in a
    spreadsheet ("2134") becomes "02134" only when the gazetteer confirms
    that ZIP in the address's state.

    >>> zip_from_text("55123 4567", "MN"), zip_from_text("2134", "MA")
    ('55123-4567', '02134')
    """
    if len(value) == 5 and value.isdigit() and value.isascii():
        return value  # the common case, decided at once
    text = value.strip().strip('."\u201c\u201d').strip()
    digits = text.replace("-", "").replace(" ", "")
    if digits.isdigit() and digits.isascii():
        n = len(digits)
        hyphens = text.count("-")
        plain = hyphens == 0 and " " not in text
        if n == 5 and (plain or (text.endswith("-") and hyphens == 1 and " " not in text)):
            return digits
        if n == 5 and hyphens == 0 and text.count(" ") == 1:
            return digits  # "041 01": a stray space
        if n == 9 and (plain or text[5:6] in ("-", " ")) and hyphens + text.count(" ") <= 1:
            return f"{digits[:5]}-{digits[5:]}"
        if n == 4 and plain and state is not None and places().zip_states.get("0" + digits) == state:
            return "0" + digits
        if (
            n == 8
            and (plain or (text[4:5] == "-" and hyphens == 1 and " " not in text))
            and state is not None
            and places().zip_states.get("0" + digits[:4]) == state
        ):
            return f"0{digits[:4]}-{digits[4:]}"
    shown = text if len(text) <= 20 else text[:20] + "..."
    raise AddressError(
        f"zip: {shown!r} is not a ZIP code (5 digits, or ZIP+4 as 12345-6789)"
        + (
            "; a 4-digit ZIP gets its leading zero back only when the state confirms it"
            if len(digits) in (4, 8)
            else ""
        ),
        fields=("zip",),
        rule="zip-format",
    )


def apt_from_words(words: str) -> str | None:
    """The unit: identifiers only; a lone designator as its C2 abbreviation;
    an outer building level keeps its designator ("BLDG 2 APT 5" -> "BLDG 2 5").

    >>> apt_from_words("APT 45"), apt_from_words("# 45"), apt_from_words("BASEMENT"), apt_from_words("BLDG 2 APT 5")
    ('45', '45', 'BSMT', 'BLDG 2 5')
    >>> apt_from_words("APT 13 C"), apt_from_words("NO 12")
    ('13 C', '12')
    """
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


def parts_from_words(
    po_box: bool,
    number: str | None,
    prefix: str | None,
    street: str | None,
    tag: str | None,
    direction: str | None,
    apt: str | None,
    city: str | None,
    state: str | None,
    zip_code: str | None,
) -> Parts:
    """The canonical parts from words already upper case without separators
    (what :func:`canonical_words` gives, or a reader's token keys joined)."""
    state = state_from_words(state) if state is not None else None
    return (
        po_box,
        number_from_words(number) if number is not None else None,
        direction_from_words(prefix) if prefix is not None else None,
        street_from_words(street) if street is not None else None,
        tag_from_words(tag) if tag is not None else None,
        direction_from_words(direction) if direction is not None else None,
        apt_from_words(apt) if apt is not None else None,
        city,
        state,
        zip_from_text(zip_code, state) if zip_code is not None else None,
    )


def parts_from_text(
    po_box: bool,
    number: str | None,
    prefix: str | None,
    street: str | None,
    tag: str | None,
    direction: str | None,
    apt: str | None,
    city: str | None,
    state: str | None,
    zip_code: str | None,
) -> Parts:
    """The canonical parts from components as written (:func:`canonical_words` first)."""
    return parts_from_words(
        po_box,
        canonical_words(number),
        canonical_words(prefix),
        canonical_words(street),
        canonical_words(tag),
        canonical_words(direction),
        canonical_words(apt),
        canonical_words(city),
        canonical_words(state),
        zip_code.strip() or None if zip_code is not None else None,
    )
