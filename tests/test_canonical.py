"""canonicalize: components -> USPS Publication 28 canonical components."""

from __future__ import annotations

import pytest

from addrmatch import Address, canonicalize, normalize, parse, parse_details
from addrmatch.canonical import canonical_apt, canonical_direction, canonical_tag, canonical_words
from addrmatch.errors import AddressError
from addrmatch.normalize import to_address

# Every example of tests/test_parse.py, and more spellings.
EXAMPLES = [
    "4321 South Lexington Ave SE Apt 45, Blaine, MN 55123",
    "4321 109th Ave Northwest",
    "4321 W 109th Ave NW",
    "P.O. Box 125",
    "12500 South 42nd Gardens Apt 123",
    "123 Main St Apt 4",
    "123 Main St #4",
    "123 Main St Unit 4B",
    "123 Main St Ste 200",
    "123 Main St Apartment 4",
    "123 Main St Basement",
    "123 Main St Rear",
    "PO Box 12",
    "P O BOX 12",
    "Post Office Box 12",
    "POB 12",
    "Box 12",
    "123 1/2 Main St",
    "123-45 67th Ave",
    "1200 State Highway 7",
    "500 US Hwy 12",
    "77 County Road 5",
    "100 South St",
    "12 North Ave",
    "200 Park Ave",
    "5 Avenue B",
    "300 W Street Rd",
    "500 E 300 S, Salt Lake City, UT",
    "123 Main St, Blaine, MN 55123",
    "123 Main St Blaine MN 55123-6789",
    "123 Main St, Blaine, Minnesota",
    "RR 2 Box 15",
    "Rural Route 2 Box 15",
    "HC 1 Box 20",
    "PSC 1234 Box 5678, APO AE 09204",
    "CMR 450 Box 1234, APO AE 09227",
    "Unit 2050 Box 4190, FPO AP 96522",
    "URB Las Gladiolas 150 Calle A, San Juan, PR 00926",
    "N95W18000 Appleton Ave",
    "123½ Main St",
    "123 Main St Bldg 2 Apt 5",
    "38350 40th St East 100",
    "123 Main St Saint Paul MN 55101",
    "4321 north lexington av #45, blaine, minnesota 551230001",
    "1713 West U.S. Hwy 50, St. Louis, MO",
    "Empire State Building, 350 5th Ave, New York, NY 10118",
]


def test_the_spec_example() -> None:
    assert canonicalize(parse("4321 South Lexington Ave SE Apt 45, Blaine, MN 55123")) == Address(
        number="4321",
        prefix="S",
        street="LEXINGTON",
        tag="AVE",
        direction="SE",
        apt="45",
        city="BLAINE",
        state="MN",
        zip="55123",
    )


def test_variants_of_one_address_have_one_canonical_form() -> None:
    want = Address(
        number="4321",
        prefix="N",
        street="LEXINGTON",
        tag="AVE",
        apt="45",
        city="BLAINE",
        state="MN",
        zip="55123",
    )
    for text in [
        "4321 North Lexington Avenue Apt 45, Blaine, MN 55123",
        "4321 N Lexington Ave. #45, Blaine MN 55123",
        "4321 n. lexington av unit 45, blaine, minnesota 55123",
        "4321 N LEXINGTON AVEN APARTMENT 45 BLAINE MN 55123",
    ]:
        assert canonicalize(parse(text)) == want, text


@pytest.mark.parametrize(
    ("tag", "want"),
    [
        ("AVENUE", "AVE"),
        ("AV", "AVE"),
        ("AVEN", "AVE"),
        ("Avenue", "AVE"),
        ("Ave.", "AVE"),
        ("avnue", "AVE"),
        ("Street", "ST"),
        ("STR", "ST"),
        ("Boulevard", "BLVD"),
        ("Gardens", "GDNS"),
        ("Parkways", "PKWY"),
        ("Meadow", "MDW"),
        ("MDW", "MDW"),
        ("Meadows", "MDWS"),
    ],
)
def test_suffix_is_the_c1_standard_abbreviation(tag: str, want: str) -> None:
    assert canonical_tag(tag) == want
    assert canonicalize(Address(number="1", street="Main", tag=tag)).tag == want


def test_unknown_suffix_is_kept_upper_cased() -> None:
    assert canonical_tag("Xyzzy") == "XYZZY"


def test_suffix_spellings_outside_pub28() -> None:
    # Pub 28 wins; an unambiguous alias folds to its one suffix; an ambiguous one stays as written.
    assert canonical_tag("Hgwy") == "HWY"
    assert canonical_tag("Crt") == "CT"
    assert canonical_tag("Py") == "PKWY"
    assert canonical_tag("Tpk") == canonical_tag("Trpk") == "TPKE"
    assert canonical_tag("La") == "LN"
    assert canonical_tag("Tr") == "TR"


@pytest.mark.parametrize(
    ("word", "want"),
    [
        ("North", "N"),
        ("n.", "N"),
        ("SOUTH", "S"),
        ("East", "E"),
        ("west", "W"),
        ("Northeast", "NE"),
        ("North East", "NE"),
        ("north-west", "NW"),
        ("S.W.", "SW"),
        ("SE", "SE"),
        ("Southeast", "SE"),
    ],
)
def test_directionals(word: str, want: str) -> None:
    assert canonical_direction(word) == want
    a = canonicalize(Address(number="1", prefix=word, street="Main", tag="St", direction=word))
    assert (a.prefix, a.direction) == (want, want)


@pytest.mark.parametrize(
    ("apt", "want"),
    [
        ("Apt 45", "45"),
        ("#45", "45"),
        ("# 45", "45"),
        ("Unit 45", "45"),
        ("Apartment 45", "45"),
        ("Ste 200", "200"),
        ("Suite 200", "200"),
        ("45", "45"),
        ("4b", "4B"),
        ("Apt. 45", "45"),
        ("Basement", "BSMT"),
        ("Rear", "REAR"),
        ("Lobby", "LBBY"),
        ("Penthouse", "PH"),
        ("Bldg 2 5", "BLDG 2 5"),
    ],
)
def test_apt_is_the_identifier_only(apt: str, want: str) -> None:
    assert canonical_apt(apt) == want
    assert canonicalize(Address(number="1", street="Main", tag="St", apt=apt)).apt == want


def test_two_level_unit_given_as_a_component() -> None:
    assert canonical_apt("Bldg 2 Apt 5") == "BLDG 2 5"


def test_one_level_unit_with_a_two_word_identifier() -> None:
    assert canonical_apt("Apt 13 C") == canonical_apt(parse("1 Main St Apt 13 C").apt) == "13 C"


def test_two_unit_levels_from_text() -> None:
    assert canonicalize(parse("123 Main St Bldg 2 Apt 5")).apt == "BLDG 2 5"


@pytest.mark.parametrize(
    ("state", "want"),
    [
        ("Minnesota", "MN"),
        ("MN", "MN"),
        ("mn", "MN"),
        ("N.Y.", "NY"),
        ("South Carolina", "SC"),
        ("District of Columbia", "DC"),
        ("Puerto Rico", "PR"),
        ("Armed Forces Pacific", "AP"),
    ],
)
def test_state_is_its_code(state: str, want: str) -> None:
    assert canonicalize(Address(state=state)).state == want


@pytest.mark.parametrize(
    ("zip_code", "want"),
    [
        ("551230001", "55123-0001"),
        ("55123-0001", "55123-0001"),
        ("55123", "55123"),
        (" 55123 ", "55123"),
        ("09204", "09204"),
    ],
)
def test_zip(zip_code: str, want: str) -> None:
    assert canonicalize(Address(zip=zip_code)).zip == want


@pytest.mark.parametrize(
    ("number", "want"),
    [("123½", "123 1/2"), ("123 1/2", "123 1/2"), ("n95w18000", "N95W18000"), ("123-45", "123-45")],
)
def test_house_number(number: str, want: str) -> None:
    assert canonicalize(Address(number=number, street="Main")).number == want


@pytest.mark.parametrize(
    ("street", "want"),
    [
        ("Rural Route 2", "RR 2"),
        ("rural rte 2", "RR 2"),
        ("R.R. 2", "RR 2"),
        ("RR 2", "RR 2"),
        ("Highway Contract 1", "HC 1"),
        ("Star Route 1", "HC 1"),
        ("Urbanizacion Las Gladiolas Calle A", "URB LAS GLADIOLAS CALLE A"),
        ("PSC 1234", "PSC 1234"),
    ],
)
def test_box_route_heads(street: str, want: str) -> None:
    assert canonicalize(Address(number="15", street=street)).street == want


def test_street_words_are_not_abbreviated() -> None:
    # Pub 28 does not abbreviate name words: only case and punctuation change.
    a = canonicalize(parse("100 Saint Charles Avenue North, Fort Worth, Texas 76102"))
    assert (a.street, a.tag, a.direction, a.city, a.state) == (
        "SAINT CHARLES",
        "AVE",
        "N",
        "FORT WORTH",
        "TX",
    )


def test_periods_inside_abbreviations_are_dropped() -> None:
    assert canonical_words("U.S. Hwy 50") == "US HWY 50"
    assert canonical_words(" St. Louis ") == "ST LOUIS"
    assert canonical_words("a,b;c") == "A B C"


def test_highway_street_from_text() -> None:
    a = canonicalize(parse("1713 West U.S. Hwy 50"))
    assert (a.number, a.prefix, a.street, a.tag) == ("1713", "W", "US HWY 50", None)


def test_po_box() -> None:
    assert canonicalize(parse("P.O. Box 125, Blaine, Minnesota 55123")) == Address(
        po_box=True, number="125", city="BLAINE", state="MN", zip="55123"
    )


def test_other_fields() -> None:
    a = canonicalize(
        Address(number="1", street="Main", county=" Anoka ", location_code=" X1 ", tract=" 7 ", block=" 9 ")
    )
    assert (a.county, a.location_code, a.tract, a.block) == ("ANOKA", "X1", "7", "9")


def test_empty_components_become_none() -> None:
    assert canonicalize(Address(number=" ", street=".", tag="", apt="#", city=" , ")) == Address()


def test_returns_a_new_value_and_leaves_the_input_alone() -> None:
    a = parse("4321 North Lexington Avenue")
    before = (a.number, a.prefix, a.street, a.tag)
    c = canonicalize(a)
    assert (a.number, a.prefix, a.street, a.tag) == before
    assert c is not a and isinstance(c, Address)


@pytest.mark.parametrize("text", EXAMPLES)
def test_idempotent(text: str) -> None:
    once = canonicalize(parse(text))
    assert canonicalize(once) == once


@pytest.mark.parametrize("text", EXAMPLES)
def test_normalize_text_is_canonicalize_of_the_fast_reading(text: str) -> None:
    # normalize reads text with the fast reader only (parse_details(fallback=False)),
    # and builds the canonical form from the token keys: it must equal the plain pipeline.
    assert normalize(text) == canonicalize(parse_details(text).address)
    assert normalize(text) == canonicalize(to_address(text))


@pytest.mark.parametrize("text", EXAMPLES)
def test_canonical_is_upper_case(text: str) -> None:
    a = canonicalize(parse(text))
    for value in (a.number, a.prefix, a.street, a.tag, a.direction, a.apt, a.city, a.state, a.zip):
        assert value is None or value == value.upper(), value


@pytest.mark.parametrize("apt", ["No", "Num"])
def test_idempotent_on_a_lone_number_sign_word(apt: str) -> None:
    once = canonicalize(Address(number="1", street="Main", apt=apt))
    assert canonicalize(once) == once


@pytest.mark.parametrize("zip_code", ["abc .", "1234", "123456", "55123-45", "5512", "55123--4567", "٥٥١٢٣"])
def test_a_zip_that_cannot_be_one_is_an_error(zip_code: str) -> None:
    with pytest.raises(AddressError) as caught:
        canonicalize(Address(number="1", street="Main", zip=zip_code))
    assert caught.value.fields == ("zip",) and caught.value.rule == "zip-format"


@pytest.mark.parametrize(
    ("zip_code", "state", "want"),
    [
        ("55123", "MN", "55123"),
        ("55123-4567", "MN", "55123-4567"),
        ("55123 4567", "MN", "55123-4567"),
        ("551234567", None, "55123-4567"),
        ("55123-", "MN", "55123"),
        ('"55123"', "MN", "55123"),
        ("2134", "MA", "02134"),  # a spreadsheet dropped the leading zero; MA confirms 02134
        ("21344567", "MA", "02134-4567"),
    ],
)
def test_zip_forms(zip_code: str, state: str | None, want: str) -> None:
    assert canonicalize(Address(number="1", street="Main", state=state, zip=zip_code)).zip == want


def test_a_four_digit_zip_needs_the_state_to_confirm_it() -> None:
    for state in (None, "MN"):  # 02134 is in MA, not MN
        with pytest.raises(AddressError, match="leading zero"):
            canonicalize(Address(number="1", street="Main", state=state, zip="2134"))
