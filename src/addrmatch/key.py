"""``match_key``: the identity of an address; ``explain``: why two keys agree.

The key is built from the canonical form (:func:`addrmatch.canonicalize`)
and folds a little more, each fold listed here and in the README:

* **case, spacing and punctuation** in names: "Mc Donnell" ~ "McDonnell",
  "O'Hare" ~ "OHARE", "St. Louis" ~ "ST LOUIS".
* **ordinals**: "First" ~ "1st" ~ "1" in street names and units
  ("Fifth Ave" ~ "5th Ave"; "2nd Floor" ~ "Floor 2").
* **highway designations** (``data/street_pretypes.csv``, column ``key``):
  "Farm to Market 2222" ~ "Farm Road 2222" ~ "FM 2222" -> FM2222; "County Road
  12" ~ "Co Rd 12" ~ "CR 12" -> CR12; "State Route 9" ~ "State Hwy 9" ~ "SR 9"
  -> SR9, and a state written before a route number is that state's route
  ("TX 121", "California 1" -> SR121, SR1); "US Hwy 20" ~ "US 20" -> US20;
  "Interstate 95" ~ "I 95" -> I95; "Highway"/"Hwy" -> HWY, "Route"/"Rte" -> RTE.
* **name abbreviations** (``data/name_abbreviations.csv``): ST = SAINT, STE =
  SAINTE, FT = FORT, MT = MOUNT, MTN = MOUNTAIN, PT = POINT in names.
* a street named only by a directional: "South St" ~ "S St".
* a directional first in a name without a prefix is the prefix: "West North
  Ave" ~ "W North Ave" ("WEST NORTH" is the street to one reader, W + NORTH
  to another).
* a type word left at the end of the name: "Cottage Grove" (no type) ~
  "Cottage" + GRV, since readers disagree on whether "Grove" is the type.
* **unit designator words**: "Apt 4" ~ "#4" ~ "Unit 4" ~ "Ste 4" (the
  identifier is the unit; leading zeros dropped: "#04" ~ "4").
* **ZIP+4 -> ZIP5**; the place is the ZIP when there is one, else city and
  state (so the city is not compared when both sides have a ZIP).

Deliberately *not* folded: the house number (123 vs 123A vs 123-1), the
prefix and post directionals (N Main St vs Main St N), the suffix type
(Main St vs Main Ave), the unit identifier, the ZIP, a missing part (no ZIP,
no suffix, no unit: the store's ``partial`` tier decides those), and PO box
versus street address.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from addrmatch._keyfold import fold_name, fold_number, fold_unit, key_from_parts, key_street
from addrmatch.address import Address
from addrmatch.canonical import canonicalize
from addrmatch.normalize import AddressInput, normalize, to_address
from addrmatch.reading import key_of_text
from addrmatch.typos import typo_pair

__all__ = ["KEY_VERSION", "Explanation", "FieldComparison", "explain", "key_of", "match_key"]

#: The version of the key function. It goes up whenever the same text may get
#: a different key (a new fold, a reader change that moves a word between
#: components), so that a database holding keys of an older version can be
#: re-keyed before it is looked up. 1: round 1; 2: one reading, highway and
#: name-abbreviation folds, letter streets, informal directionals.
KEY_VERSION = 2


def match_key(value: AddressInput) -> str:
    """The identity of an address: equal keys = the same delivery point.

    Accepts what :func:`addrmatch.normalize` accepts.

    >>> match_key("4321 North Lexington Avenue, Blaine, MN 55123") == match_key("4321 N Lexington Ave., Blaine MN 55123-0001")
    True
    >>> match_key("4321 N Lexington Ave, Blaine MN 55123") == match_key("4321 N Lexington St, Blaine MN 55123")
    False
    """
    if isinstance(value, str):
        return key_of_text(value)  # == key_of(normalize(value)), read once
    return key_of(normalize(value))


def key_of(canonical: Address) -> str:
    """The key of an address already in canonical form (no reading, no checks).

    >>> key_of(Address(number="12", street="MAIN", tag="ST", zip="55123-4567"))
    'S|12||MAIN|ST|||Z55123'
    """
    a = canonical
    return key_from_parts(
        a.po_box, a.number, a.prefix, a.street, a.tag, a.direction, a.apt, a.city, a.state, a.zip
    )


# ---------------------------------------------------------------------------
# explain

Status = Literal["same", "folded", "differs", "missing", "typo"]


@dataclass(frozen=True, slots=True)
class FieldComparison:
    """One field of an :class:`Explanation`.

    ``status``: ``same`` (equal as written), ``folded`` (equal after the
    normalisation named in ``how``), ``differs``, ``missing`` (one side
    has no value; the key then differs, and only the store's partial tier
    may still match them), or ``typo`` (only with ``explain(...,
    typos=True)``: the street names are one typo apart under the typo rule
    of :mod:`addrmatch.typos`, and ``how`` names both spellings).
    """

    field: str
    left: str | None
    right: str | None
    status: Status
    how: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """Whether two values match, and field by field why."""

    same: bool
    left_key: str
    right_key: str
    fields: tuple[FieldComparison, ...]

    def differing(self) -> tuple[FieldComparison, ...]:
        """The fields that make the keys differ."""
        return tuple(f for f in self.fields if f.status in ("differs", "missing"))

    def __str__(self) -> str:
        lines = [f"{'same address' if self.same else 'different addresses'}"]
        for f in self.fields:
            lines.append(f"  {f.field:<9} {f.status:<8} {f.left!s:<22} {f.right!s:<22} {f.how}")
        return "\n".join(lines)


_FOLD_NAMES = {
    "number": "spacing in the house number",
    "prefix": "directional abbreviation (Pub 28 s. 233)",
    "direction": "directional abbreviation (Pub 28 s. 233)",
    "tag": "suffix abbreviation (Pub 28 C1)",
    "apt": "unit designator dropped, identifier kept (Pub 28 C2)",
    "state": "state abbreviation (Pub 28 App. B)",
}


def _compare(
    name: str,
    raw_left: str | None,
    raw_right: str | None,
    can_left: str | None,
    can_right: str | None,
    key_left: str,
    key_right: str,
    fold: str,
) -> FieldComparison:
    if raw_left is None and raw_right is None:
        return FieldComparison(name, None, None, "same", "absent on both sides")
    if key_left != key_right:
        if raw_left is None or raw_right is None:
            side = "left" if raw_left is None else "right"
            return FieldComparison(name, raw_left, raw_right, "missing", f"no {name} on the {side}")
        return FieldComparison(name, raw_left, raw_right, "differs", f"{can_left} != {can_right}")
    if raw_left == raw_right:
        return FieldComparison(name, raw_left, raw_right, "same", "identical")
    if can_left == can_right:
        if (raw_left or "").upper().strip(". ") == (raw_right or "").upper().strip(". "):
            how = "case and punctuation"
        else:
            how = _FOLD_NAMES.get(name, "upper case, punctuation removed")
        return FieldComparison(name, raw_left, raw_right, "folded", f"{how}: both {can_left}")
    return FieldComparison(name, raw_left, raw_right, "folded", f"key fold ({fold}): both {key_left}")


def explain(a: AddressInput, b: AddressInput, *, typos: bool = False) -> Explanation:
    """Say whether ``a`` and ``b`` match and which normalisation made each
    field equal, or which field differs.

    ``typos=True`` (the opt-in typo rule of ``AddressStore(typos=True)`` and
    ``addrmatch dedupe --typos``, :mod:`addrmatch.typos`): when the keys
    differ only by a street name one typo from the other, with the same house
    number, ZIP, unit, directionals and suffix, ``same`` is True and the
    street's status is ``"typo"``. (The store and dedupe also check that the
    two spellings are not both real streets there; one pair cannot say.)

    >>> e = explain("4321 North Lexington Avenue, Blaine, MN 55123", "4321 N Lexington Ave., Blaine MN 55123-0001")
    >>> e.same, [(f.field, f.status) for f in e.fields if f.status != "same"]
    (True, [('prefix', 'folded'), ('tag', 'folded'), ('zip', 'folded')])
    >>> e = explain("12 Roosvelt St, Blaine MN 55123", "12 Roosevelt Street, Blaine MN 55123", typos=True)
    >>> e.same, [(f.field, f.status) for f in e.fields if f.status not in ("same", "folded")]
    (True, [('street', 'typo')])
    """
    raw_a, raw_b = to_address(a), to_address(b)
    can_a, can_b = canonicalize(raw_a), canonicalize(raw_b)
    key_a, key_b = key_of(can_a), key_of(can_b)
    out: list[FieldComparison] = []
    if can_a.po_box != can_b.po_box:
        out.append(
            FieldComparison(
                "po_box",
                str(can_a.po_box),
                str(can_b.po_box),
                "differs",
                "a PO box and a street address are never the same",
            )
        )
    else:
        out.append(FieldComparison("po_box", str(can_a.po_box), str(can_b.po_box), "same", "identical"))
    folds = {
        "number": fold_number,
        "prefix": lambda v: v or "",
        "street": fold_name,
        "tag": lambda v: v or "",
        "direction": lambda v: v or "",
        "apt": fold_unit,
    }
    fold_notes = {
        "street": "spacing, punctuation, ordinals, Saint/Fort/Mount, highway words",
        "apt": "ordinals, leading zeros, punctuation",
        "number": "spacing",
    }
    # The key reads a type word left at the end of a name as the type, and a
    # directional first in a name without a prefix as the prefix.
    split_a = dict(
        zip(("prefix", "street", "tag"), key_street(can_a.prefix, can_a.street, can_a.tag), strict=True)
    )
    split_b = dict(
        zip(("prefix", "street", "tag"), key_street(can_b.prefix, can_b.street, can_b.tag), strict=True)
    )
    for name, fold in folds.items():
        ca, cb = getattr(can_a, name), getattr(can_b, name)
        raw_left, raw_right = getattr(raw_a, name), getattr(raw_b, name)
        note = fold_notes.get(name, "none")
        if name in split_a and (split_a[name] != ca or split_b[name] != cb):
            note = "a type word left in the name is read as the type; a directional first in it as the prefix"
            # Compare what the key compares: "Main Arc" (no type) has the type ARC.
            raw_left = raw_left if split_a[name] == ca else split_a[name]
            raw_right = raw_right if split_b[name] == cb else split_b[name]
            ca, cb = split_a[name], split_b[name]
        out.append(
            _compare(
                name,
                raw_left,
                raw_right,
                ca,
                cb,
                fold(split_a.get(name, ca)),
                fold(split_b.get(name, cb)),
                note,
            )
        )
    if can_a.zip and can_b.zip:
        out.append(
            _compare(
                "zip",
                raw_a.zip,
                raw_b.zip,
                can_a.zip,
                can_b.zip,
                can_a.zip[:5],
                can_b.zip[:5],
                "ZIP+4 -> ZIP5",
            )
        )
        if out[-1].status == "folded" and can_a.zip != can_b.zip:
            out[-1] = FieldComparison(
                "zip", raw_a.zip, raw_b.zip, "folded", f"ZIP+4 dropped: same ZIP5 {can_a.zip[:5]}"
            )
        for name in ("city", "state"):
            out.append(
                FieldComparison(
                    name,
                    getattr(raw_a, name),
                    getattr(raw_b, name),
                    "same",
                    "not compared: the ZIP places the address",
                )
            )
    elif can_a.zip or can_b.zip:
        out.append(
            _compare(
                "zip",
                raw_a.zip,
                raw_b.zip,
                can_a.zip,
                can_b.zip,
                can_a.zip or "",
                can_b.zip or "",
                "ZIP+4 -> ZIP5",
            )
        )
    else:
        out.append(
            _compare(
                "city",
                raw_a.city,
                raw_b.city,
                can_a.city,
                can_b.city,
                fold_name(can_a.city),
                fold_name(can_b.city),
                "Saint/Fort/Mount, spacing",
            )
        )
        out.append(
            _compare(
                "state",
                raw_a.state,
                raw_b.state,
                can_a.state,
                can_b.state,
                can_a.state or "",
                can_b.state or "",
                "none",
            )
        )
    same = key_a == key_b
    pair = typo_pair(can_a, can_b) if typos and not same else None
    if pair is not None and all(f.status in ("same", "folded") for f in out if f.field != "street"):
        same = True
        out = [
            FieldComparison(
                f.field,
                f.left,
                f.right,
                "typo",
                f"one typo apart: {pair[0]} ~ {pair[1]} (one letter added, left out or changed, or two"
                " swapped; 4 letters or more, the same digits, number, ZIP, unit, directionals and suffix)",
            )
            if f.field == "street"
            else f
            for f in out
        ]
    return Explanation(same, key_a, key_b, tuple(out))
