"""The specification's input rules, the BOI mapping and the input types of normalize.

Specification, *Addresses*: "The API only accepts fullStreetAddress or the
other street address properties. An error is returned if both are
specified." and "If the address is a PO Box, you are only allowed to specify
the number of the PO Box."
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addrmatch import (
    Address,
    AddressError,
    ConflictingFieldsError,
    POBoxError,
    UnparseableAddressError,
    canonicalize,
    match_key,
    normalize,
    parse,
)
from addrmatch.address import BOI_FIELDS

STREET_COMPONENTS = ["number", "prefix", "street", "tag", "direction", "apt", "postOfficeBox"]
NOT_FOR_PO_BOX = ["prefix", "street", "tag", "direction", "apt"]
COMPONENT_VALUES: dict[str, Any] = {
    "number": "4321",
    "prefix": "South",
    "street": "Lexington",
    "tag": "Ave",
    "direction": "SE",
    "apt": "45",
    "postOfficeBox": True,
}

SPEC_PO_BOX = {"postOfficeBox": True, "number": 54, "city": "Blaine", "state": "MN", "zip": "55123"}
SPEC_COMPONENTS = {
    "number": 4321,
    "prefix": "South",
    "street": "Lexington",
    "tag": "Ave",
    "direction": "SE",
    "apt": 45,
    "city": "Blaine",
    "state": "MN",
    "zip": 55123,
}
SPEC_FULL = {
    "fullStreetAddress": "4321 South Lexington Ave SE Apt 45",
    "city": "Blaine",
    "state": "MN",
    "zip": 55123,
}


# -- fullStreetAddress xor components ------------------------------------------


@pytest.mark.parametrize("component", STREET_COMPONENTS)
def test_full_street_address_with_a_component_conflicts(component: str) -> None:
    mapping = {
        "fullStreetAddress": "4321 South Lexington Ave SE Apt 45",
        component: COMPONENT_VALUES[component],
    }
    with pytest.raises(ConflictingFieldsError) as info:
        Address.from_boi(mapping)
    err = info.value
    assert isinstance(err, AddressError)
    assert "fullStreetAddress" in str(err) and component in str(err)
    assert set(err.fields) == {"fullStreetAddress", component}
    assert err.rule == "fullStreetAddress-xor-components"


def test_conflict_names_every_component() -> None:
    with pytest.raises(ConflictingFieldsError) as info:
        Address.from_boi({"fullStreetAddress": "4321 Main St", "tag": "St", "apt": "4", "city": "Blaine"})
    assert set(info.value.fields) == {"fullStreetAddress", "tag", "apt"}
    assert "tag" in str(info.value) and "apt" in str(info.value)
    assert "city" not in info.value.fields


@pytest.mark.parametrize("component", STREET_COMPONENTS)
def test_conflict_through_normalize_and_match_key(component: str) -> None:
    mapping = {"fullStreetAddress": "4321 Main St", component: COMPONENT_VALUES[component]}
    with pytest.raises(ConflictingFieldsError):
        normalize(mapping)
    with pytest.raises(ConflictingFieldsError):
        match_key(mapping)


def test_full_street_address_with_place_fields_is_fine() -> None:
    a = Address.from_boi({**SPEC_FULL, "county": "Anoka", "locationCode": "X1", "tract": "7", "block": "9"})
    assert (a.county, a.location_code, a.tract, a.block) == ("Anoka", "X1", "7", "9")


def test_post_office_box_false_is_not_a_component() -> None:
    # A false postOfficeBox says "not a box": it does not conflict.
    a = Address.from_boi({"fullStreetAddress": "4321 Main St", "postOfficeBox": False})
    assert (a.number, a.street, a.tag, a.po_box) == ("4321", "Main", "St", False)


def test_the_spec_full_street_address_example() -> None:
    assert Address.from_boi(SPEC_FULL) == Address.from_boi(SPEC_COMPONENTS)
    assert Address.from_boi(SPEC_FULL) == parse("4321 South Lexington Ave SE Apt 45, Blaine, MN 55123")


def test_the_mappings_place_wins_over_the_texts() -> None:
    a = Address.from_boi({"fullStreetAddress": "4321 Main St, Blaine, MN 55123", "city": "Anoka"})
    assert (a.city, a.state, a.zip) == ("Anoka", "MN", "55123")


def test_unparseable_full_street_address() -> None:
    with pytest.raises(UnparseableAddressError) as info:
        Address.from_boi({"fullStreetAddress": "asdf", "city": "Blaine"})
    assert "fullStreetAddress" in info.value.fields


# -- PO box rule -----------------------------------------------------------------


@pytest.mark.parametrize("component", NOT_FOR_PO_BOX)
def test_po_box_with_a_street_part(component: str) -> None:
    mapping = {"postOfficeBox": True, "number": 54, component: COMPONENT_VALUES[component]}
    with pytest.raises(POBoxError) as info:
        Address.from_boi(mapping)
    err = info.value
    assert isinstance(err, AddressError)
    assert component in err.fields and "postOfficeBox" in err.fields
    assert component in str(err) and "postOfficeBox" in str(err)
    assert err.rule == "po-box-number-only"


@pytest.mark.parametrize(
    "mapping", [{"postOfficeBox": True}, {"postOfficeBox": True, "number": "  ", "zip": "55123"}]
)
def test_po_box_without_number(mapping: dict[str, Any]) -> None:
    with pytest.raises(POBoxError) as info:
        Address.from_boi(mapping)
    assert "number" in info.value.fields
    assert "number" in str(info.value)


def test_the_spec_po_box_example() -> None:
    a = Address.from_boi(SPEC_PO_BOX)
    assert a == Address(po_box=True, number="54", city="Blaine", state="MN", zip="55123")
    assert a.street_line() == "PO BOX 54"
    assert normalize(SPEC_PO_BOX) == Address(po_box=True, number="54", city="BLAINE", state="MN", zip="55123")
    assert match_key(SPEC_PO_BOX) == match_key("PO Box 54, Blaine, MN 55123")
    assert match_key(SPEC_PO_BOX) == match_key({"fullStreetAddress": "P.O. Box 54", "zip": "55123"})


@pytest.mark.parametrize("component", NOT_FOR_PO_BOX)
def test_po_box_rule_for_an_address_value(component: str) -> None:
    bad = Address(po_box=True, number="54", **{component: "X"})
    with pytest.raises(POBoxError):
        normalize(bad)
    with pytest.raises(POBoxError):
        match_key(bad)


def test_po_box_address_value_without_number() -> None:
    with pytest.raises(POBoxError):
        normalize(Address(po_box=True, zip="55123"))


@pytest.mark.parametrize(
    ("value", "want"),
    [
        (True, True),
        ("true", True),
        ("Yes", True),
        (1, True),
        ("1", True),
        (False, False),
        ("false", False),
        ("no", False),
        (0, False),
        ("", False),
    ],
)
def test_post_office_box_flag_forms(value: object, want: bool) -> None:
    assert Address.from_boi({"postOfficeBox": value, "number": "54"}).po_box is want


@pytest.mark.parametrize("value", ["maybe", 2, 1.0, [True]])
def test_post_office_box_flag_must_be_a_boolean(value: object) -> None:
    with pytest.raises(AddressError) as info:
        Address.from_boi({"postOfficeBox": value, "number": "54"})
    assert info.value.fields == ("postOfficeBox",)
    assert "postOfficeBox" in str(info.value)


# -- unknown keys and value types ----------------------------------------------------


@pytest.mark.parametrize("key", ["zipCode", "postalCode", "Street", "full_street_address", "po_box"])
def test_unknown_key(key: str) -> None:
    with pytest.raises(AddressError) as info:
        Address.from_boi({"number": "1", "street": "Main", key: "x"})
    assert info.value.rule == "unknown-field"
    assert info.value.fields == (key,)
    assert key in str(info.value)


def test_unknown_key_through_normalize() -> None:
    with pytest.raises(AddressError) as info:
        normalize({"fullStreetAddress": "1 Main St", "zipCode": "55123"})
    assert info.value.rule == "unknown-field"


@pytest.mark.parametrize("value", [1.5, True, ["1"], {"n": 1}, b"1"])
def test_component_must_be_text_or_int(value: object) -> None:
    with pytest.raises(AddressError) as info:
        Address.from_boi({"number": value, "street": "Main"})
    assert info.value.fields == ("number",)
    assert "number" in str(info.value)


def test_ints_become_text_and_blanks_none() -> None:
    a = Address.from_boi({"number": 4321, "street": "  Lexington ", "apt": "", "zip": 55123, "city": None})
    assert (a.number, a.street, a.apt, a.zip, a.city) == ("4321", "Lexington", None, "55123", None)


@pytest.mark.parametrize("value", [["4321 Main St"], 4321, None, 4.5])
def test_mapping_required(value: object) -> None:
    with pytest.raises(AddressError):
        Address.from_boi(value)  # type: ignore[arg-type]


# -- to_boi / from_boi round trip -----------------------------------------------------


def test_to_boi_names() -> None:
    boi = Address(po_box=False, number="1", location_code="X").to_boi()
    assert list(boi) == list(BOI_FIELDS.values())
    assert boi["locationCode"] == "X" and boi["postOfficeBox"] is False and boi["street"] is None


_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(
    lambda s: s.strip() == s and s != ""
)
_OPTIONAL = st.none() | _TEXT


@st.composite
def rule_abiding_addresses(draw: st.DrawFn) -> Address:
    place = {
        name: draw(_OPTIONAL)
        for name in ("city", "state", "zip", "county", "location_code", "tract", "block")
    }
    if draw(st.booleans()):
        return Address(po_box=True, number=draw(_TEXT), **place)
    street = {name: draw(_OPTIONAL) for name in ("number", "prefix", "street", "tag", "direction", "apt")}
    return Address(po_box=False, **street, **place)


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(rule_abiding_addresses())
def test_boi_round_trip(a: Address) -> None:
    assert Address.from_boi(a.to_boi()) == a


def test_spec_examples_round_trip() -> None:
    for mapping in (SPEC_PO_BOX, SPEC_COMPONENTS):
        a = Address.from_boi(mapping)
        assert Address.from_boi(a.to_boi()) == a


# -- normalize: input types -------------------------------------------------------------


def test_normalize_text_mapping_and_address_agree() -> None:
    from_text = normalize("4321 South Lexington Ave SE Apt 45, Blaine, MN 55123")
    assert normalize(SPEC_COMPONENTS) == from_text
    assert normalize(SPEC_FULL) == from_text
    assert normalize(Address.from_boi(SPEC_COMPONENTS)) == from_text
    assert normalize(from_text) == from_text


def test_normalize_an_address_is_not_split_again() -> None:
    a = normalize(Address(number="123", street="Main St", city="Blaine"))
    assert (a.number, a.street, a.tag, a.city) == ("123", "MAIN ST", None, "BLAINE")


def test_normalize_an_address_is_canonicalize() -> None:
    a = Address(
        number="4321", prefix="North", street="Lexington", tag="Avenue", apt="Apt 45", state="Minnesota"
    )
    assert normalize(a) == canonicalize(a)


@pytest.mark.parametrize("value", [None, 4321, 4.5, ["4321 Main St"], ("4321", "Main"), b"4321 Main St"])
def test_normalize_refuses_other_types(value: object) -> None:
    with pytest.raises(AddressError) as info:
        normalize(value)  # type: ignore[arg-type]
    assert info.value.rule in ("type", "unparseable")
    with pytest.raises(AddressError):
        match_key(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "   ", "asdf"])
def test_normalize_unparseable_text(text: str) -> None:
    with pytest.raises(UnparseableAddressError):
        normalize(text)


def test_text_and_its_parse_are_accepted_alike() -> None:
    text = "lockbox 1007 po box 4829 houston tx 77210"
    assert normalize(parse(text)) == normalize(text)
