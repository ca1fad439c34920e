"""usaddress's reading of a text, mapped onto the BOI components.

usaddress is a conditional random field trained on labelled US addresses.
:mod:`addrmatch.reading` asks it only for what the fast reader cannot read
at all (and, on request, for an alternative reading: ``parse_details(...,
alternatives=True)``). Its labels are mapped onto the fields as the
labelled corpus maps them (tests/data/corpus/README.md).
"""

from __future__ import annotations

from addrmatch._canon import Parts

__all__ = ["crf_parts"]

_FIELDS = {
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


def _joined(first: str | None, second: str | None) -> str | None:
    return " ".join(p for p in (first, second) if p) or None


def crf_parts(text: str) -> tuple[Parts, tuple[str, ...]] | None:
    """usaddress's reading as (parts as written, warnings), or None when it
    finds no street or box either.

    >>> crf_parts("1755 Lake Cook")[0][3]
    'Lake Cook'
    """
    # Imported on first use: most texts never need it, and it takes ~0.1 s to load.
    import usaddress  # type: ignore[import-untyped]

    try:
        labelled = usaddress.parse(text)
    except Exception:  # usaddress raises assorted errors on odd input
        return None
    parts: dict[str, list[str]] = {}
    occupancy_type: list[str] = []
    for word, label in labelled:
        if label == "OccupancyType":
            occupancy_type.append(word)
        field = _FIELDS.get(label)
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
    warnings: list[str] = []
    # A PO box has only its number (the input rule); what usaddress put
    # beside it ("Lockbox 1007") is left out, with a warning.
    if po_box and (prefix or street or tag or direction or apt):
        warnings.append(f"left out of the PO box: {_joined(_joined(street, tag), apt)!r}")
        prefix = street = tag = direction = apt = None
    if not ((number or street) and (street or po_box)):
        return None
    found: Parts = (
        po_box,
        number,
        prefix,
        street,
        tag,
        direction,
        apt,
        get("city"),
        get("state"),
        get("zip"),
    )
    return found, tuple(warnings)
