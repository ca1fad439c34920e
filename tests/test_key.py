"""match_key and explain.

Each fold listed in the module docstring of addrmatch/key.py has a test
below, and so does each item it lists as deliberately *not* folded.
"""

from __future__ import annotations

import pytest

from addrmatch import Address, Explanation, FieldComparison, explain, match_key, normalize
from addrmatch.key import key_of

HEADLINE = ("4321 North Lexington Avenue, Blaine, MN 55123", "4321 N Lexington Ave., Blaine MN 55123-0001")


def same(a: object, b: object) -> bool:
    return match_key(a) == match_key(b)  # type: ignore[arg-type]


def test_headline_example() -> None:
    assert same(*HEADLINE)


def test_key_is_a_nonempty_string() -> None:
    key = match_key(HEADLINE[0])
    assert isinstance(key, str) and key


@pytest.mark.parametrize(
    "changed",
    [
        "4322 North Lexington Avenue, Blaine, MN 55123",  # house number
        "4321 North Lexington Avenue Apt 1, Blaine, MN 55123",  # unit
        "4321 South Lexington Avenue, Blaine, MN 55123",  # directional
        "4321 North Lexington Street, Blaine, MN 55123",  # suffix type
        "4321 North Lexington Avenue, Blaine, MN 55124",  # ZIP
        "4321 North Lexington Avenue NE, Blaine, MN 55123",  # post directional added
        "4321 North Lexingten Avenue, Blaine, MN 55123",  # street name
    ],
)
def test_a_changed_part_changes_the_key(changed: str) -> None:
    assert not same(HEADLINE[0], changed)
    assert not same(HEADLINE[1], changed)


def test_same_key_for_every_input_type() -> None:
    text = "4321 South Lexington Ave SE Apt 45, Blaine, MN 55123"
    boi = {
        "number": "4321",
        "prefix": "South",
        "street": "Lexington",
        "tag": "Ave",
        "direction": "SE",
        "apt": "45",
        "city": "Blaine",
        "state": "MN",
        "zip": "55123",
    }
    full = {
        "fullStreetAddress": "4321 South Lexington Ave SE Apt 45",
        "city": "Blaine",
        "state": "MN",
        "zip": 55123,
    }
    address = Address(**boi)
    keys = {match_key(text), match_key(boi), match_key(full), match_key(address), match_key(normalize(text))}
    assert len(keys) == 1


def test_key_of_needs_no_parsing() -> None:
    assert key_of(normalize(HEADLINE[0])) == match_key(HEADLINE[0])


# -- the documented folds ------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("12 Mc Donnell St", "12 McDonnell St"),
        ("12 O'Hare St", "12 OHare St"),
        ("12 main st", "12 MAIN ST."),
        ("12 Main St, St. Louis, MO", "12 Main St, ST LOUIS, MO"),
        ("  12   Main   St ,  Blaine , MN  ", "12 Main St, Blaine, MN"),
        ("12 Main St, Blaine, MN", "12 MAIN ST BLAINE MN"),
        ("12 Main St, Blaine, MN", "12 Main St, Blaine, Minnesota"),
        ("12 Smith-Jones Rd", "12 Smith Jones Rd"),
    ],
)
def test_fold_case_spacing_and_punctuation(a: str, b: str) -> None:
    assert same(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("12 First Ave, Blaine, MN 55123", "12 1st Ave, Blaine, MN 55123"),
        ("12 First St", "12 1 St"),
        ("12 Fifth Ave", "12 5th Ave"),
        ("12 W Fifth Street", "12 West 5th St"),
        ("12 Twentyfirst St", "12 21st St"),
        ("12 Main St 2nd Floor", "12 Main St Floor 2"),
        ("12 Main St Second Floor", "12 Main St Fl 2"),
    ],
)
def test_fold_ordinals(a: str, b: str) -> None:
    assert same(a, b)


def test_fold_hyphenated_ordinal() -> None:
    assert same("12 Twenty-First St, Blaine, MN 55123", "12 21st St, Blaine, MN 55123")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("12 Main St Apt 4, Saint Paul, MN", "12 Main St Apt 4, St Paul, MN"),
        ("12 Main St Apt 4, Saint Paul, MN", "12 Main St Apt 4, St. Paul, MN"),
        ("12 Main St, Fort Worth, TX", "12 Main St, Ft Worth, TX"),
        ("12 Main St, Mount Vernon, NY", "12 Main St, Mt Vernon, NY"),
        ("12 Main St, Ste. Genevieve, MO", "12 Main St, Sainte Genevieve, MO"),
        ("12 Saint Charles Ave", "12 St Charles Ave"),
        ("12 Saint Charles Ave", "12 St. Charles Ave"),
        ("12 Fort Hamilton Pkwy", "12 Ft Hamilton Pkwy"),
        ("12 Mount Vernon Rd", "12 Mt Vernon Rd"),
    ],
)
def test_fold_saint_fort_mount(a: str, b: str) -> None:
    assert same(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1200 State Highway 7", "1200 State Hwy 7"),
        ("1200 State Highway 7", "1200 St Hwy 7"),
        ("500 US Highway 12", "500 US Hwy 12"),
        ("500 US Highway 12", "500 U.S. Hwy 12"),
        ("500 Route 66", "500 Rte 66"),
        ("500 Route 66", "500 Rt 66"),
        ("77 County Road 5", "77 Co Rd 5"),
        ("77 County Road 5", "77 County Rd 5"),
    ],
)
def test_fold_highway_words(a: str, b: str) -> None:
    assert same(a, b)


def test_highway_fold_limits() -> None:
    # A route is not a highway, nor a county road a state road.
    assert not same("500 Route 66", "500 Highway 66")
    assert not same("77 County Road 5", "77 State Road 5")
    assert not same("1200 State Highway 7", "1200 State Highway 8")


@pytest.mark.parametrize(
    ("a", "b"),
    [("100 South St", "100 S St"), ("12 North Ave", "12 N Ave"), ("12 East St", "12 E St")],
)
def test_fold_lone_directional_street_name(a: str, b: str) -> None:
    assert same(a, b)


def test_lone_directional_street_name_is_still_not_a_prefix() -> None:
    assert not same("100 South St", "100 S Main St")
    assert not same("100 South St", "100 North St")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("12500 South 42nd Gardens Apt 123", {"number": "12500", "prefix": "South", "street": "42nd",
                                              "tag": "Gardens", "apt": "123"}),
        (Address(number="7411", street="Cottage Grove"),
         Address(number="7411", street="Cottage", tag="Grove")),
        (Address(number="12", street="Main St"), "12 Main St"),
    ],
)  # fmt: skip
def test_fold_type_word_left_at_the_end_of_the_name(a: object, b: object) -> None:
    assert same(a, b)


def test_type_word_fold_limits() -> None:
    assert not same(Address(number="7411", street="Cottage Grove"), Address(number="7411", street="Cottage"))
    assert not same("7411 Cottage Grove Ave", Address(number="7411", street="Cottage", tag="Grove"))
    assert not same("12 Main", "12 Main St")


@pytest.mark.parametrize(
    "b",
    [
        "12 Main St #4",
        "12 Main St # 4",
        "12 Main St Unit 4",
        "12 Main St Ste 4",
        "12 Main St Suite 4",
        "12 Main St Apartment 4",
        "12 Main St, Apt. 4",
        "12 Main St Apt 04",
        "12 Main St #004",
    ],
)
def test_fold_unit_designator_words_and_leading_zeros(b: str) -> None:
    assert same("12 Main St Apt 4", b)


def test_fold_unit_letter_case() -> None:
    assert same("12 Main St #B", "12 Main St Apt b")
    assert same("12 Main St Basement", "12 Main St Bsmt")


def test_fold_zip4_to_zip5() -> None:
    assert same("12 Main St, Blaine, MN 55123", "12 Main St, Blaine, MN 55123-1234")
    assert same("12 Main St, Blaine, MN 55123-0001", "12 Main St, Blaine, MN 55123-9999")
    assert same("12 Main St, Blaine, MN 551230001", "12 Main St, Blaine, MN 55123")


def test_the_zip_places_the_address_so_the_city_is_not_compared() -> None:
    assert same("12 Main St, Blaine, MN 55123", "12 Main St, Minneapolis, MN 55123")
    assert same("PO Box 12, Blaine, MN 55123", "PO Box 12, Anoka, MN 55123")


def test_without_a_zip_city_and_state_place_the_address() -> None:
    assert not same("12 Main St, Blaine, MN", "12 Main St, Anoka, MN")
    assert not same("12 Main St, Saint Paul, MN", "12 Main St, Saint Paul, WI")


# -- deliberately not folded ---------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("123 Main St", "123A Main St"),
        ("123 Main St", "123-1 Main St"),
        ("123 Main St", "124 Main St"),
        ("12 1/2 Main St", "12 Main St"),
    ],
)
def test_not_folded_house_number(a: str, b: str) -> None:
    assert not same(a, b)


def test_not_folded_prefix_versus_post_directional() -> None:
    assert not same("12 N Main St", "12 Main St N")
    assert not same("12 N Main St", "12 Main St")
    assert not same("12 Main St", "12 Main St S")


def test_not_folded_suffix_type() -> None:
    assert not same("12 Main St", "12 Main Ave")
    assert not same("12 Main Ct", "12 Main Cir")


def test_not_folded_unit_identifier() -> None:
    assert not same("12 Main St Apt 4", "12 Main St Apt 5")
    assert not same("12 Main St Apt 4A", "12 Main St Apt 4B")
    assert not same("12 Main St Apt 4", "12 Main St Apt 40")


def test_not_folded_zip() -> None:
    assert not same("12 Main St, Blaine, MN 55123", "12 Main St, Blaine, MN 55124")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("12 Main St, Blaine, MN 55123", "12 Main St, Blaine, MN"),  # no ZIP
        ("12 Main St, Blaine, MN", "12 Main, Blaine, MN"),  # no suffix
        ("12 Main St Apt 4, Blaine, MN", "12 Main St, Blaine, MN"),  # no unit
        ("12 Main St Rear", "12 Main St"),  # no unit (a designator alone)
        ("12 Main St, Blaine, MN", "12 Main St"),  # no place
    ],
)
def test_not_folded_a_missing_part(a: str, b: str) -> None:
    assert not same(a, b)


def test_not_folded_po_box_versus_street() -> None:
    assert not same("PO Box 12, Blaine, MN 55123", "12 Box St, Blaine, MN 55123")
    assert not same("PO Box 12", "12 Main St")
    assert not same("PO Box 12", "RR 2 Box 12")


# -- box routes, military, urbanization ------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Rural Route 2 Box 15", "RR 2 BOX 15"),
        ("Rural Route 2 Box 15, Blaine, MN 55123", "RR 2 BOX 15, Blaine MN 55123"),
        ("Rural Route 2 Box 15", "R.R. 2 Box 15"),
        ("HC 1 Box 20", "Highway Contract 1 Box 20"),
        ("HC 1 Box 20", "Star Route 1 Box 20"),
        ("PSC 1234 Box 5678, APO AE 09204", "PSC 1234 BOX 5678 APO AE 09204"),
        ("PSC 1234 Box 5678, APO AE 09204", "psc 1234, box 5678, apo, ae 09204"),
        ("Unit 2050 Box 4190, FPO AP 96522", "UNIT 2050 BOX 4190 FPO AP 96522-1234"),
        (
            "URB Las Gladiolas 150 Calle A, San Juan, PR 00926",
            "Urbanizacion Las Gladiolas 150 Calle A, San Juan, PR 00926",
        ),
        (
            "URB Las Gladiolas 150 Calle A, San Juan, PR 00926",
            "urb las gladiolas 150 calle a, san juan, pr 00926-1234",
        ),
    ],
)
def test_route_military_and_urbanization_variants(a: str, b: str) -> None:
    assert same(a, b)


def test_route_components_match_their_text() -> None:
    assert same({"number": "15", "street": "Rural Route 2", "zip": "55123"}, "RR 2 Box 15, Blaine, MN 55123")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("RR 2 Box 15", "RR 3 Box 15"),
        ("RR 2 Box 15", "RR 2 Box 16"),
        ("PSC 1234 Box 5678, APO AE 09204", "PSC 1234 Box 5679, APO AE 09204"),
        (
            "URB Las Gladiolas 150 Calle A, San Juan, PR 00926",
            "URB Las Gladiolas 150 Calle B, San Juan, PR 00926",
        ),
    ],
)
def test_route_military_and_urbanization_differences(a: str, b: str) -> None:
    assert not same(a, b)


def test_urbanization_without_commas() -> None:
    assert same(
        "URB Las Gladiolas 150 Calle A San Juan PR 00926", "URB Las Gladiolas 150 Calle A, San Juan, PR 00926"
    )


# -- explain ---------------------------------------------------------------------


def by_field(e: Explanation) -> dict[str, FieldComparison]:
    return {f.field: f for f in e.fields}


def test_explain_same() -> None:
    e = explain(*HEADLINE)
    assert e.same is True
    assert e.left_key == e.right_key == match_key(HEADLINE[0])
    f = by_field(e)
    assert f["number"].status == "same"
    assert f["street"].status == "same"
    assert f["prefix"].status == "folded" and "directional abbreviation" in f["prefix"].how
    assert (f["prefix"].left, f["prefix"].right) == ("North", "N")
    assert f["tag"].status == "folded" and "suffix abbreviation" in f["tag"].how
    assert (f["tag"].left, f["tag"].right) == ("Avenue", "Ave")
    assert f["zip"].status == "folded" and "ZIP+4" in f["zip"].how
    assert e.differing() == ()
    assert str(e).startswith("same address")


def test_explain_reports_the_differing_field() -> None:
    e = explain("4321 North Lexington Avenue Apt 4, Blaine, MN", "4321 N Lexington Ave #5, Blaine, Minnesota")
    assert e.same is False
    assert e.left_key != e.right_key
    f = by_field(e)
    assert f["apt"].status == "differs"
    assert (f["apt"].left, f["apt"].right) == ("4", "5")
    assert "4" in f["apt"].how and "5" in f["apt"].how
    assert [d.field for d in e.differing()] == ["apt"]
    assert f["state"].status == "folded" and "state abbreviation" in f["state"].how
    assert str(e).startswith("different addresses")
    assert "apt" in str(e)


def test_explain_key_folds_name_the_fold() -> None:
    e = explain("12 First Ave Apt 4, Saint Paul, MN", "12 1st Ave Unit 04, St Paul, MN")
    assert e.same is True
    f = by_field(e)
    assert f["street"].status == "folded" and "ordinals" in f["street"].how
    assert f["apt"].status == "folded" and "leading zeros" in f["apt"].how
    assert f["city"].status == "folded" and "Saint" in f["city"].how


def test_explain_unit_designator_fold() -> None:
    e = explain("12 Main St Apt 4", "12 Main St Unit 4")
    f = by_field(e)
    # parse keeps only the identifier, so both sides are "4" as written.
    assert e.same and f["apt"].status == "same"
    e = explain({"number": "12", "street": "Main", "tag": "St", "apt": "Apt 4"}, "12 Main St #4")
    f = by_field(e)
    assert e.same and f["apt"].status == "folded" and "unit designator" in f["apt"].how


def test_explain_case_and_punctuation() -> None:
    f = by_field(explain("12 main st", "12 Main St."))
    assert f["street"].status == "folded" and "case" in f["street"].how
    assert f["tag"].status == "folded" and "case" in f["tag"].how


def test_explain_missing_part() -> None:
    e = explain("12 Main St, Blaine, MN 55123", "12 Main St, Blaine, MN")
    assert not e.same
    f = by_field(e)
    assert f["zip"].status == "missing" and "right" in f["zip"].how
    assert [d.field for d in e.differing()] == ["zip"]
    e = explain("12 Main", "12 Main St")
    assert by_field(e)["tag"].status == "missing" and "left" in by_field(e)["tag"].how


def test_explain_po_box_versus_street() -> None:
    e = explain("12 Main St", "PO Box 12")
    assert not e.same
    f = by_field(e)
    assert f["po_box"].status == "differs"
    assert "po_box" in [d.field for d in e.differing()]


def test_explain_type_word_fold() -> None:
    e = explain(
        "12500 South 42nd Gardens Apt 123",
        {"number": "12500", "prefix": "South", "street": "42nd", "tag": "Gardens", "apt": "123"},
    )
    assert e.same
    assert e.differing() == ()


def test_explain_city_not_compared_when_both_have_a_zip() -> None:
    e = explain("12 Main St, Blaine, MN 55123", "12 Main St, Anoka, MN 55123")
    assert e.same
    f = by_field(e)
    assert f["city"].status == "same" and "not compared" in f["city"].how


@pytest.mark.parametrize(
    ("a", "b"),
    [
        HEADLINE,
        ("12 Main St", "12 Main Ave"),
        ("12 Main St", "PO Box 12"),
        ("12 N Main St", "12 Main St N"),
        ("12 Main St, Blaine, MN", "12 Main St, Anoka, MN"),
        ("12 Main St, Blaine, MN 55123", "12 Main St"),
        ("RR 2 Box 15", "Rural Route 2 Box 15"),
        ("12 Main St Apt 4", "12 Main St"),
    ],
)
def test_explain_agrees_with_match_key(a: str, b: str) -> None:
    e = explain(a, b)
    assert e.same == same(a, b)
    assert (e.left_key, e.right_key) == (match_key(a), match_key(b))
    assert explain(b, a).same == e.same
    # Different keys always name at least one field; equal keys name none.
    assert bool(e.differing()) != e.same
    assert all(f.status in ("same", "folded", "differs", "missing") for f in e.fields)
    assert all(isinstance(f.how, str) and f.how for f in e.fields)
