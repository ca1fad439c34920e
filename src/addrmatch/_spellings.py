"""Reading distinct spellings in bulk, for the engines that dedupe at scale
(:mod:`addrmatch.dedupe_duckdb`, :mod:`addrmatch.spark`).

An engine collects the *distinct* address spellings of its input (the six
cells of :class:`~addrmatch.dedupe.AddressColumns`), hands them here a batch
at a time -- in worker processes, since reading holds the GIL -- and joins
the results back to its rows. :func:`analyse_spellings` reads each with
:func:`~addrmatch.dedupe.make_analyser`, exactly as the plain ``dedupe``
does, so every engine gives the same keys and canonical columns.

For the partial tier (``--partial``) it also gives the keys of the address
with its ZIP, its suffix, or both left out (``match_key`` of the address
without that part: the place is then its city and state). Two addresses fit
partially when one lacks the ZIP or the suffix and their keys agree with
that part left out on both sides: the store's partial rule, as equalities
an SQL join can use.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence

from addrmatch.address import Address
from addrmatch.dedupe import AddressColumns, Cells, make_analyser, one_line
from addrmatch.errors import AddressError
from addrmatch.key import match_key

__all__ = ["PARTIAL_FIELDS", "RESULT_FIELDS", "analyse_spellings", "partial_keys"]

#: What :func:`analyse_spellings` gives for each spelling, in this order.
RESULT_FIELDS: tuple[str, ...] = (
    "match_key",
    "canonical_address",
    "canonical_city",
    "canonical_state",
    "canonical_zip",
    "address_error",
    "address",
)
#: What it adds with ``partial=True`` (:func:`partial_keys`).
PARTIAL_FIELDS: tuple[str, ...] = ("has_zip", "has_tag", "key_no_zip", "key_no_tag", "key_no_zip_tag")


def partial_keys(address: Address) -> tuple[bool, bool, str | None, str | None, str | None]:
    """(has a ZIP, has a suffix, key without the ZIP, key without the suffix,
    key without both). A key without the ZIP needs a city and a state to place
    the address, and a partial match needs a house number and a street (or a
    box): None where a key cannot be used.

    >>> full = partial_keys(Address(number="12", street="ELM", tag="ST", city="BLAINE", state="MN", zip="55434"))
    >>> no_zip = partial_keys(Address(number="12", street="ELM", tag="ST", city="BLAINE", state="MN"))
    >>> full[2] == no_zip[2] is not None, no_zip[:2]
    (True, (False, True))
    """
    has_zip, has_tag = bool(address.zip), bool(address.tag)
    if not address.number or (not address.po_box and not address.street):
        return has_zip, has_tag, None, None, None
    placed = bool(address.city and address.state)
    no_zip = dataclasses.replace(address, zip=None)
    return (
        has_zip,
        has_tag,
        match_key(no_zip) if placed else None,
        match_key(dataclasses.replace(address, tag=None)) if has_zip else None,
        match_key(dataclasses.replace(no_zip, tag=None)) if placed else None,
    )


@functools.lru_cache(maxsize=4)
def _analyser(columns: AddressColumns) -> object:
    return make_analyser(columns, cache_size=0)  # every spelling comes once: a cache would only fill


def analyse_spellings(
    columns: AddressColumns, spellings: Sequence[Cells], *, partial: bool = False
) -> list[tuple[object, ...]]:
    """One result per spelling: :data:`RESULT_FIELDS` (and :data:`PARTIAL_FIELDS`
    with ``partial``). A spelling that is not an address has only its
    ``address_error``. Runs in a worker process as well as in this one.

    >>> rows = analyse_spellings(AddressColumns("a"), [("12 Elm Street", "", "", "", "", ""), ("asdf", "", "", "", "", "")])
    >>> rows[0][:2], rows[1][0], rows[1][5][:17]
    (('S|12||ELM|ST|||C,', '12 ELM ST'), None, 'fullStreetAddress')
    """
    analyse = _analyser(columns)
    out: list[tuple[object, ...]] = []
    blank = (None,) * len(PARTIAL_FIELDS) if partial else ()
    for cells in spellings:
        try:
            key, canonical = analyse(tuple(cells))  # type: ignore[operator]
        except AddressError as e:
            out.append((None, None, None, None, None, str(e) or type(e).__name__, None, *blank))
            continue
        row: tuple[object, ...] = (
            key,
            canonical.street_line(),
            canonical.city,
            canonical.state,
            canonical.zip,
            None,
            one_line(canonical),
        )
        out.append((*row, *partial_keys(canonical)) if partial else row)
    return out
