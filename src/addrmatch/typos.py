"""The typo rule: when two spellings of a street name are one typo apart.

One rule, used in three places: the store's opt-in typo tier
(``AddressStore(typos=True)``), ``explain(a, b, typos=True)`` and
``addrmatch dedupe --typos``. Each adds its own context check (the store
and dedupe never join two spellings that are both real streets); the pair
rule itself is here:

* :func:`one_typo`: two street names are one typo apart when they differ by
  exactly one edit -- a letter inserted, left out or changed, or two
  neighbouring letters swapped (Damerau-Levenshtein distance 1) -- both
  have at least :data:`TYPO_MIN_LENGTH` characters (one edit in "ELM" is a
  third of the name: "ELK" is another street), and their digits are the
  same ("13TH" is not a typo of "12TH", nor "CR 12" of "CR 13").
* :func:`same_block`: two addresses are of one block for the rule when both
  are street addresses (no PO box) with a house number, a ZIP and a street
  name, and they agree on the house number, the ZIP5, the unit, both
  directionals and the suffix.
* :func:`typo_pair`: both at once; the two street names, or None.

Names are compared as given: callers pass canonical components
(:func:`addrmatch.canonicalize`), upper case.
"""

from __future__ import annotations

from rapidfuzz.distance import DamerauLevenshtein

from addrmatch.address import Address

__all__ = ["TYPO_MIN_LENGTH", "one_typo", "same_block", "typo_pair"]

#: Street names shorter than this are never taken for a typo of another.
TYPO_MIN_LENGTH = 4


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def one_typo(a: str, b: str) -> bool:
    """True when street names ``a`` and ``b`` are one typo apart (module docstring).

    >>> one_typo("ROOSVELT", "ROOSEVELT"), one_typo("LEXINGTON", "LEXIGNTON")
    (True, True)
    >>> one_typo("ELK", "ELM"), one_typo("13TH", "12TH"), one_typo("MAIN", "MAIN"), one_typo("OAKS", "PARKS")
    (False, False, False, False)
    """
    return (
        a != b
        and min(len(a), len(b)) >= TYPO_MIN_LENGTH
        and DamerauLevenshtein.distance(a, b, score_cutoff=1) <= 1
        and _digits(a) == _digits(b)
    )


def same_block(a: Address, b: Address) -> bool:
    """True when ``a`` and ``b`` may differ by a typo in the street name alone
    (module docstring): street addresses with the same house number, ZIP5,
    unit, directionals and suffix.

    >>> a = Address(number="12", street="ROOSEVELT", tag="ST", zip="55123")
    >>> same_block(a, Address(number="12", street="ROOSVELT", tag="ST", zip="55123-0001"))
    True
    >>> same_block(a, Address(number="12", street="ROOSVELT", tag="AVE", zip="55123"))
    False
    """
    return (
        not a.po_box
        and not b.po_box
        and bool(a.number and a.street and a.zip and b.street and b.zip)
        and a.number == b.number
        and a.zip[:5] == (b.zip or "")[:5]
        and a.apt == b.apt
        and a.prefix == b.prefix
        and a.direction == b.direction
        and a.tag == b.tag
    )


def typo_pair(a: Address, b: Address) -> tuple[str, str] | None:
    """``(a.street, b.street)`` when ``a`` and ``b`` are one block
    (:func:`same_block`) and their street names one typo apart
    (:func:`one_typo`); None otherwise.

    >>> typo_pair(Address(number="12", street="ROOSVELT", tag="ST", zip="55123"),
    ...           Address(number="12", street="ROOSEVELT", tag="ST", zip="55123"))
    ('ROOSVELT', 'ROOSEVELT')
    >>> typo_pair(Address(number="12", street="ROOSVELT", tag="ST", zip="55123"),
    ...           Address(number="14", street="ROOSEVELT", tag="ST", zip="55123")) is None
    True
    """
    if not same_block(a, b):
        return None
    left, right = a.street or "", b.street or ""  # (same_block: both have one)
    return (left, right) if one_typo(left, right) else None
