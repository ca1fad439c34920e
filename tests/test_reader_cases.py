"""Labelled regression cases for the reader's real-world classes (issue 12).

``tests/data/reader_cases.csv`` (described in ``tests/data/README.md``) holds, for
each class of issue 12 (1 letter-named streets, 2 informal directionals, 3 suffix
spellings outside Pub 28 C1, 4 highways and numbered roads, 5 grid and range house
numbers, 6 cities without commas, 7 ZIP forms, 8 units in odd places), rows of
four kinds:

* ``parse``: a text and every canonical field ``normalize(text)`` must give (an
  empty cell is a field that must be absent);
* ``same_key``: two spellings of one address, whose match keys must be equal;
* ``different_key``: two different addresses (hard negatives), whose keys must differ;
* ``error``: a text whose ZIP cannot be one: ``normalize`` must raise
  ``AddressError`` naming the field, with the rule id;
* ``store_same``: ``AddressStore.resolve`` of ``text`` then of ``other_text`` gives one
  stored address, not two (an alias spelling, even an ambiguous one such as ``Tr``,
  finds the street stored under its full name).

The labels are what is right, not what the reader happens to give: cases the
reader still gets wrong are kept out of the file and listed for the lead, who adds
them here when they pass.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from addrmatch import AddressError, AddressStore, canonicalize, match_key, normalize, parse

CASES = Path(__file__).resolve().parent / "data" / "reader_cases.csv"
FIELDS = ("number", "prefix", "street", "tag", "direction", "apt", "city", "state", "zip")
COLUMNS = ("class", "kind", "text", "other_text", *FIELDS, "po_box", "error_field", "error_rule", "source")
CLASSES = {str(n) for n in range(1, 9)}


def _rows() -> list[dict[str, str]]:
    with open(CASES, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        return list(reader)


ROWS = _rows()


def _of_kind(kind: str) -> list[pytest.param]:
    return [
        pytest.param(
            row,
            id=f"c{row['class']}:{row['text']}" + (f" ~ {row['other_text']}" if row["other_text"] else ""),
        )
        for row in ROWS
        if row["kind"] == kind
    ]


def _expected(row: dict[str, str]) -> dict[str, object]:
    out: dict[str, object] = {f: row[f] or None for f in FIELDS}
    out["po_box"] = row["po_box"] == "true"
    return out


def _fields(value) -> dict[str, object]:
    return {f: getattr(value, f) for f in (*FIELDS, "po_box")}


def test_every_class_has_cases_of_each_kind() -> None:
    counts = Counter(row["class"] for row in ROWS)
    assert set(counts) == CLASSES
    assert all(n >= 25 for n in counts.values()), counts
    kinds = Counter((row["class"], row["kind"]) for row in ROWS)
    for name in CLASSES:
        assert kinds[name, "parse"] >= 15, name
        assert kinds[name, "same_key"] >= 3, name
        assert kinds[name, "different_key"] >= 3, name
    assert kinds["7", "error"] >= 5
    assert all(row["source"] for row in ROWS)
    assert all(row["kind"] in {"parse", "same_key", "different_key", "error", "store_same"} for row in ROWS)
    assert len({(row["kind"], row["text"], row["other_text"]) for row in ROWS}) == len(ROWS)


@pytest.mark.parametrize("row", _of_kind("parse"))
def test_canonical_fields(row: dict[str, str]) -> None:
    text = row["text"]
    got = normalize(text)
    assert _fields(got) == _expected(row)
    # One reading (README "Parsing"): normalize and match_key see what parse sees.
    assert got == canonicalize(parse(text))
    assert match_key(text) == match_key(parse(text))
    # Re-importing the canonical line gives the same address.
    assert normalize(got.one_line()) == got
    assert match_key(got.one_line()) == match_key(text)


@pytest.mark.parametrize("row", _of_kind("same_key"))
def test_two_spellings_have_one_key(row: dict[str, str]) -> None:
    assert match_key(row["text"]) == match_key(row["other_text"])


@pytest.mark.parametrize("row", _of_kind("different_key"))
def test_two_addresses_have_two_keys(row: dict[str, str]) -> None:
    assert match_key(row["text"]) != match_key(row["other_text"])


@pytest.mark.parametrize("row", _of_kind("error"))
def test_impossible_zip_is_an_error_naming_the_field(row: dict[str, str]) -> None:
    with pytest.raises(AddressError) as caught:
        normalize(row["text"])
    assert row["error_field"] in caught.value.fields
    assert caught.value.rule == row["error_rule"]
    assert row["error_field"] in str(caught.value)
    with pytest.raises(AddressError):
        match_key(row["text"])


@pytest.mark.parametrize("row", _of_kind("store_same"))
def test_an_alias_spelling_resolves_to_the_stored_address(row: dict[str, str]) -> None:
    store = AddressStore(":memory:")
    first = store.resolve(row["text"])
    second = store.resolve(row["other_text"])
    assert first.how == "created"
    assert second.id == first.id
    assert second.how != "created"
    assert len(store) == 1
