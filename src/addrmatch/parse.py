"""Free text -> address components, as written.

Two paths, one result type:

* **fast** (:mod:`addrmatch._reader`, compiled with mypyc when built): a
  hand-written tokenizer (:mod:`addrmatch.tokens`, one table
  lookup per word) and a table-driven reading of the common shapes. The place
  (ZIP, state, city) is read from the right; the street from the left: PO
  box, rural route, military box, urbanization, or house number, then the
  street zone, then unit levels. Inside the street zone every plausible split
  (prefix or not; where the street ends and the city begins; a type word as
  the type or as part of the name) is scored, and the margin between the best
  and the second-best reading sets the confidence.
* **crf**: ``usaddress`` (a conditional random field) for what the fast path
  cannot read confidently (confidence below :data:`CONFIDENT`); its labels are
  mapped onto the same fields.

:func:`parse_details` says which path decided and how sure it is;
:func:`parse` returns the address only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from addrmatch._keyfold import key_of
from addrmatch._reader import Reader, read_text
from addrmatch.address import Address
from addrmatch.canonical import canonicalize
from addrmatch.errors import UnparseableAddressError
from addrmatch.inputs import MAX_ADDRESS_TEXT, check_text

__all__ = ["CONFIDENT", "ParseResult", "parse", "parse_details"]

#: Readings of the fast path at or above this confidence are not sent to the CRF.
CONFIDENT = 0.5

Path = Literal["fast", "crf"]


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What :func:`parse_details` found.

    ``confidence`` is in [0, 1]: 1 for an unambiguous shape, lower when
    readings competed; ``path`` is ``"fast"`` or ``"crf"`` (usaddress
    decided); ``warnings`` name words that were left out or guessed.
    """

    address: Address
    confidence: float
    path: Path
    warnings: tuple[str, ...] = ()


def parse(text: str) -> Address:  # text: str, but anything else raises AddressError too
    """Split free text into address components, as written.

    >>> a = parse("4321 South Lexington Ave SE Apt 45, Blaine, MN 55123")
    >>> (a.number, a.prefix, a.street, a.tag, a.direction, a.apt, a.city, a.state, a.zip)
    ('4321', 'South', 'Lexington', 'Ave', 'SE', '45', 'Blaine', 'MN', '55123')
    >>> parse("P.O. Box 125").po_box, parse("P.O. Box 125").number
    (True, '125')
    """
    return parse_details(text).address


def parse_details(text: str, *, fallback: bool = True) -> ParseResult:
    """Parse and say how: confidence, the path that decided, and warnings.

    With ``fallback=True`` (the default) a reading of the fast path below
    :data:`CONFIDENT` is replaced by usaddress's; with ``fallback=False`` the
    fast reading is kept whatever its confidence, and usaddress reads only
    text the fast path cannot read at all. ``normalize`` and ``match_key``
    use ``fallback=False``: the fast reader is deterministic in the word
    classes, so every spelling of one address is read alike.

    Raises :class:`~addrmatch.errors.UnparseableAddressError` when no street
    or box can be found. Never raises anything else for a ``str``.

    >>> r = parse_details("4321 W 109th Ave NW")
    >>> r.path, r.address.street, r.address.direction
    ('fast', '109th', 'NW')
    """
    reader = _read(text)
    if reader is not None and (reader.confidence >= CONFIDENT or not fallback):
        return _fast_result(reader)
    crf = _crf(text)
    if crf is not None:
        return crf
    if reader is not None:
        return _fast_result(reader)
    raise _unparseable(text)


def normalize_text(text: str) -> Address:
    """``canonicalize(parse_details(text, fallback=False).address)``, built
    straight from the token keys.

    The fast path already knows each word's table entry, so the canonical
    form costs nothing more than joining keys; the tests check the equality
    above on the corpus and on generated text.

    >>> normalize_text("4321 north lexington av #45").street_line()
    '4321 N LEXINGTON AVE # 45'
    """
    reader = _read(text)
    if reader is not None:
        return reader.canonical()
    return _crf_canonical(text)


def _crf_canonical(text: str) -> Address:
    """usaddress's reading, canonical, for text the fast reader cannot read."""
    crf = _crf(text)
    if crf is None:
        raise _unparseable(text)
    return canonicalize(crf.address)


def key_text(text: str) -> str:
    """``key_of(normalize_text(text))``, without building the Address."""
    reader = _read(text)
    if reader is not None:
        return reader.key()
    return key_of(_crf_canonical(text))  # the fast reader found nothing: no second reading


def _fast_result(reader: Reader) -> ParseResult:
    return ParseResult(reader.result(), reader.confidence, "fast", tuple(reader.warnings))


def _read(text: object) -> Reader | None:
    check_text(text, field="fullStreetAddress", limit=MAX_ADDRESS_TEXT)
    assert isinstance(text, str)
    if not text.strip():
        raise _unparseable(text)
    return read_text(text)


def _unparseable(text: str) -> UnparseableAddressError:
    stripped = text.strip() if isinstance(text, str) else ""
    if not stripped:
        return UnparseableAddressError("fullStreetAddress: empty address text", text=str(text))
    return UnparseableAddressError(
        f"fullStreetAddress: no house number, street or box found in {stripped[:80]!r}", text=text
    )


# ---------------------------------------------------------------------------
# The CRF path (usaddress)

_CRF_FIELDS = {
    "AddressNumberPrefix": "number",
    "AddressNumber": "number",
    "AddressNumberSuffix": "number",
    "StreetNamePreDirectional": "prefix",
    "StreetNamePreModifier": "street",
    "StreetNamePreType": "street",
    "StreetName": "street",
    "StreetNamePostModifier": "street",
    "StreetNamePostType": "tag",
    "StreetNamePostDirectional": "direction",
    "OccupancyIdentifier": "apt",
    "SubaddressIdentifier": "subaddress",
    "SubaddressType": "subaddress",
    "PlaceName": "city",
    "StateName": "state",
    "ZipCode": "zip",
    "USPSBoxID": "box",
    "USPSBoxGroupType": "route",
    "USPSBoxGroupID": "route",
}


def _crf(text: str) -> ParseResult | None:
    """usaddress's reading, mapped onto the BOI fields (as the corpus labels are)."""
    import usaddress  # type: ignore[import-untyped]  # lazily: most inputs never need it

    try:
        labelled = usaddress.parse(text)
    except Exception:  # usaddress raises assorted errors on odd input
        return None
    parts: dict[str, list[str]] = {}
    occupancy_type: list[str] = []
    for word, label in labelled:
        if label == "OccupancyType":
            occupancy_type.append(word)
        field = _CRF_FIELDS.get(label)
        if field is not None:
            parts.setdefault(field, []).append(word)

    def get(field: str) -> str | None:
        words = parts.get(field)
        if not words:
            return None
        return " ".join(words).strip(" .,;#") or None

    apt = get("apt")
    if apt is not None:
        apt = apt.lstrip("#").strip() or None
    if apt is None and occupancy_type:
        apt = " ".join(occupancy_type).strip(" .,;#") or None
    sub = get("subaddress")
    if sub:
        apt = f"{sub} {apt}" if apt else sub
    number = get("number")
    street = get("street")
    po_box = False
    box = get("box")
    if box is not None:
        box = box.lstrip("#").strip()
        route = get("route")
        if route is not None:
            street, number = route, box
        elif street is None:
            po_box, number = True, box
    prefix, tag, direction = get("prefix"), get("tag"), get("direction")
    city, state, zip_code = get("city"), get("state"), get("zip")
    warnings: list[str] = []
    # A PO box has only its number (the input rule); what usaddress put
    # beside it ("Lockbox 1007") is left out, with a warning.
    if po_box and (prefix or street or tag or direction or apt):
        warnings.append(f"left out of the PO box: {_joined(_joined(street, tag), apt)!r}")
        prefix = street = tag = direction = apt = None
    address = Address(
        po_box=po_box,
        number=number,
        prefix=prefix,
        street=street,
        tag=tag,
        direction=direction,
        apt=apt,
        city=city,
        state=state,
        zip=zip_code,
    )
    if not ((address.number or address.street) and (address.street or address.po_box)):
        return None
    return ParseResult(address, 0.5, "crf", tuple(warnings))


def _joined(first: str | None, second: str | None) -> str | None:
    return " ".join(p for p in (first, second) if p) or None
