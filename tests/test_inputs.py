"""The input gate (addrmatch.inputs) and the core entry points that use it.

Issue 9's reproductions for the core: lone surrogates, NUL, huge texts, huge
integers and wrong types each give an AddressError naming the field and the
rule, at once, and never another exception.
"""

from __future__ import annotations

import time

import pytest

from addrmatch import Address, AddressError, canonicalize, match_key, normalize, parse, parse_details
from addrmatch.inputs import (
    MAX_ADDRESS_FIELD,
    MAX_ADDRESS_TEXT,
    check_text,
    integer_problem,
    is_missing,
    parse_bool,
    preview,
    text_problem,
)

TEXT_FUNCTIONS = (parse, parse_details, normalize, match_key)


@pytest.mark.parametrize("func", TEXT_FUNCTIONS)
@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("12 Ma\udcffin St, Blaine MN 55123", "invalid-unicode"),
        ("12 Main St\ud800", "invalid-unicode"),
        ("12 Main\x00 St", "control-character"),
        ("12 Main\x1b St", "control-character"),
        ("12 Main St " + "x" * MAX_ADDRESS_TEXT, "too-long"),
        (b"12 Main St", "type"),
        (None, "type"),
        (12, "type"),
    ],
)
def test_bad_text_is_refused_with_the_field_and_rule(func, text, rule) -> None:
    with pytest.raises(AddressError) as caught:
        func(text)
    assert caught.value.rule == rule
    # normalize and match_key take text, an Address or a mapping: a value of another type is "address".
    assert caught.value.fields in (("fullStreetAddress",), ("address",))
    assert str(caught.value).startswith(caught.value.fields[0] + ":")


def test_a_megabyte_of_text_is_refused_at_once() -> None:
    text = "123 Main St " * 100_000
    start = time.perf_counter()
    with pytest.raises(AddressError, match="more than the limit of 1,000"):
        match_key(text)
    assert time.perf_counter() - start < 0.05
    # The message does not echo the text.
    with pytest.raises(AddressError) as caught:
        normalize(text)
    assert len(str(caught.value)) < 200


def test_text_at_the_limit_is_read() -> None:
    text = "123 Main St, Blaine, MN 55123"
    padded = text + " " * (MAX_ADDRESS_TEXT - len(text))
    assert match_key(padded) == match_key(text)


def test_tabs_and_newlines_are_whitespace() -> None:
    assert match_key("123 Main St\nBlaine, MN\t55123") == match_key("123 Main St, Blaine MN 55123")


def test_non_ascii_letters_are_accepted() -> None:
    assert normalize("12 Calle Niño, San Juan, PR 00901").street == "CALLE NIÑO"


@pytest.mark.parametrize(
    ("mapping", "field", "rule"),
    [
        ({"number": 10**4300, "street": "Main"}, "number", "out-of-range"),
        ({"number": -1, "street": "Main"}, "number", "out-of-range"),
        ({"number": "12", "street": "Ma\ud800in"}, "street", "invalid-unicode"),
        ({"number": "12", "street": "Main", "city": "x" * (MAX_ADDRESS_FIELD + 1)}, "city", "too-long"),
        ({"fullStreetAddress": "x" * (MAX_ADDRESS_TEXT + 1)}, "fullStreetAddress", "too-long"),
        ({"number": 12.5, "street": "Main"}, "number", "type"),
        ({"number": "12", "street": ["Main"]}, "street", "type"),
        ({"postOfficeBox": "maybe", "number": "12"}, "postOfficeBox", "type"),
    ],
)
def test_bad_boi_components_are_refused(mapping, field, rule) -> None:
    for func in (normalize, match_key):
        with pytest.raises(AddressError) as caught:
            func(mapping)
        assert caught.value.fields == (field,)
        assert caught.value.rule == rule
        repr(caught.value)  # never raises, even for a huge integer
        assert len(str(caught.value)) < 300


def test_a_huge_unknown_key_is_not_echoed_whole() -> None:
    with pytest.raises(AddressError) as caught:
        normalize({"number": "1", "street": "Main", "z" * 100_000: "x"})
    assert caught.value.rule == "unknown-field"
    assert len(str(caught.value)) < 400


@pytest.mark.parametrize(
    ("components", "field"),
    [
        ({"number": 12, "street": "Main"}, "number"),
        ({"number": "12", "street": "Main", "city": b"Blaine"}, "city"),
        ({"po_box": "yes", "number": "12"}, "po_box"),
        ({"number": "12", "apt": 4.0}, "apt"),
    ],
)
def test_an_address_of_other_types_is_refused_when_made(components, field) -> None:
    with pytest.raises(AddressError) as caught:
        Address(**components)
    assert caught.value.fields == (field,)
    assert caught.value.rule == "type"


def test_po_box_zero_and_one_are_false_and_true() -> None:
    assert Address(po_box=1, number="12").po_box is True  # type: ignore[arg-type]
    assert Address(po_box=0, number="12").po_box is False  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("address", "field"),
    [
        (Address(number="12", street="Ma\udfffin"), "street"),
        (Address(number="12", street="M" * (MAX_ADDRESS_FIELD + 1)), "street"),
    ],
)
def test_canonicalize_names_a_bad_component(address, field) -> None:
    for func in (canonicalize, normalize, match_key):
        with pytest.raises(AddressError) as caught:
            func(address)
        assert caught.value.fields == (field,)


def test_canonicalize_of_something_else() -> None:
    with pytest.raises(AddressError, match="expected an Address"):
        canonicalize("12 Main St")  # type: ignore[arg-type]


def test_gate_functions() -> None:
    assert text_problem("ok", limit=2) is None
    assert text_problem("oks", limit=2).rule == "too-long"
    assert check_text("  x ", field="f") == "  x "
    assert integer_problem(5, minimum=0, maximum=5) is None
    assert integer_problem("5", minimum=0, maximum=5).rule == "type"
    assert parse_bool("TRUE") is True and parse_bool("") is None and parse_bool(1.0) is None
    assert is_missing(float("nan")) and not is_missing("NA")
    assert preview("short") == "'short'"
    assert len(preview("y" * 10_000)) < 80


def test_preview_survives_a_broken_repr() -> None:
    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    assert preview(Broken()) == "a Broken"
