"""The one typo rule (addrmatch.typos, issue 12 item 9) and ``explain(a, b, typos=True)``.

The store's typo tier has its own tests (tests/test_store_typos.py) and dedupe's in
tests/test_dedupe_typos.py; here the pair rule itself, and that explain applies the same rule.
Street names are made up.
"""

from __future__ import annotations

import dataclasses

import pytest

from addrmatch import Address, AddressStore, explain, normalize
from addrmatch.typos import TYPO_MIN_LENGTH, one_typo, same_block, typo_pair


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("QUILLFEATHER", "QUILFEATHER"),  # a letter left out
        ("QUILLFEATHER", "QUILLFEATHERS"),  # added
        ("QUILLFEATHER", "QUILLFEATHIR"),  # changed
        ("QUILLFEATHER", "QUILLFAETHER"),  # two neighbours swapped
        ("BRAMWICK", "BRAMWIKC"),
        ("OLDS", "OLDE"),  # four letters: the floor
    ],
)
def test_one_edit_is_a_typo_both_ways(a: str, b: str) -> None:
    assert one_typo(a, b) and one_typo(b, a)


@pytest.mark.parametrize(
    ("a", "b", "why"),
    [
        ("QUILLFEATHER", "QUILLFEATHER", "the same name"),
        ("QUILLFEATHER", "QUILFEATHIR", "two edits"),
        ("ELK", "ELM", "under four letters"),
        ("ELMS", "ELM", "one side under four letters"),
        ("13TH", "12TH", "digits differ"),
        ("CR 120", "CR 12", "digits differ"),
        ("BRAMWICK", "KCIWMARB", "far apart"),
    ],
)
def test_not_a_typo(a: str, b: str, why: str) -> None:
    assert not one_typo(a, b), why
    assert not one_typo(b, a), why


def test_the_length_floor_is_four() -> None:
    assert TYPO_MIN_LENGTH == 4


def test_the_block_is_number_zip5_unit_directionals_and_suffix() -> None:
    a = Address(number="12", prefix="N", street="QUILLFEATHER", tag="ST", apt="4", zip="55123")
    b = Address(number="12", prefix="N", street="QUILFEATHER", tag="ST", apt="4", zip="55123-0042", city="X")
    assert same_block(a, b) and typo_pair(a, b) == ("QUILLFEATHER", "QUILFEATHER")
    for change in (
        {"number": "14"},
        {"zip": "55124"},
        {"zip": None},
        {"apt": "5"},
        {"apt": None},
        {"prefix": "S"},
        {"prefix": None},
        {"direction": "E"},
        {"tag": "AVE"},
        {"tag": None},
        {"po_box": True},
    ):
        other = dataclasses.replace(b, **change)
        assert not same_block(a, other), change
        assert typo_pair(a, other) is None, change


def test_explain_takes_a_typo_only_when_asked() -> None:
    a, b = "12 Quillfeather St, Blaine MN 55123", "12 Quilfeather Street, Blaine MN 55123"
    plain = explain(a, b)
    assert not plain.same
    assert [f.status for f in plain.fields if f.field == "street"] == ["differs"]
    e = explain(a, b, typos=True)
    assert e.same and e.left_key == plain.left_key and e.right_key == plain.right_key
    (street,) = [f for f in e.fields if f.field == "street"]
    assert street.status == "typo"
    assert "QUILLFEATHER" in street.how and "QUILFEATHER" in street.how and "one typo" in street.how
    assert [f.status for f in e.fields if f.field != "street"] == [
        f.status for f in plain.fields if f.field != "street"
    ]
    assert e.differing() == ()
    assert "typo" in str(e)


@pytest.mark.parametrize(
    "other",
    [
        "14 Quilfeather St, Blaine MN 55123",  # another house number
        "12 Quilfeather Ave, Blaine MN 55123",  # another suffix
        "12 N Quilfeather St, Blaine MN 55123",  # a directional on one side
        "12 Quilfeather St Apt 4, Blaine MN 55123",  # a unit on one side
        "12 Quilfeather St, Blaine MN 55124",  # another ZIP
        "12 Quilfeather St, Blaine MN",  # no ZIP: the rule needs one
        "12 Quilfeathr St, Blaine MN 55123",  # two edits
    ],
)
def test_explain_with_typos_keeps_every_other_difference(other: str) -> None:
    e = explain("12 Quillfeather St, Blaine MN 55123", other, typos=True)
    assert not e.same
    assert all(f.status != "typo" for f in e.fields)


def test_explain_with_typos_agrees_with_the_rule_and_with_the_key() -> None:
    pairs = [
        ("12 Bramwick Ln, Blaine MN 55123", "12 Bramwikc Ln, Blaine MN 55123"),
        ("12 Elk St, Blaine MN 55123", "12 Elm St, Blaine MN 55123"),
        ("12 13th St, Blaine MN 55123", "12 12th St, Blaine MN 55123"),
        ("12 Bramwick Ln, Blaine MN 55123", "12 Bramwick Lane, Blaine MN 55123-4400"),
    ]
    for a, b in pairs:
        same_key = explain(a, b).same
        rule = typo_pair(normalize(a), normalize(b)) is not None
        assert explain(a, b, typos=True).same == (same_key or rule), (a, b)


@pytest.mark.parametrize(
    ("stored", "given"),
    [
        ("12 Quillfeather St, Blaine MN 55123", "12 Quilfeather St, Blaine MN 55123"),
        ("12 Quillfeather St, Blaine MN 55123", "12 Quilfeathr St, Blaine MN 55123"),
        ("12 Elm St, Blaine MN 55123", "12 Elk St, Blaine MN 55123"),
        ("12 Quillfeather St, Blaine MN 55123", "12 Quilfeather Ave, Blaine MN 55123"),
        ("12 Quillfeather St Apt 4, Blaine MN 55123", "12 Quilfeather St Apt 4, Blaine MN 55123"),
        ("12 13th St, Blaine MN 55123", "12 12th St, Blaine MN 55123"),
    ],
)
def test_the_store_and_explain_apply_the_same_rule(stored: str, given: str) -> None:
    store = AddressStore(typos=True)
    store.resolve(stored)
    found = store.find(given)
    typo = [f.status for f in explain(stored, given, typos=True).fields if f.field == "street"] == ["typo"]
    assert (found is not None and found.how == "typo") == typo
