"""The Pub 28 tables: data/*.csv, loaded once into read-only lookups."""

from __future__ import annotations

import csv
import dataclasses
import hashlib
from pathlib import Path

import pytest

from addrmatch.tables import DATA_DIR, TABLES, Tables, load_tables

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference"  # the checked Pub 28 CSVs (DESIGN.md), beside the clone
# sha256 of each checked reference CSV, recorded when data/ was built from them, so that a plain
# clone (no ../shared) still checks that data/ holds the reference tables unchanged.
REFERENCE_SHA256 = {
    name: digest
    for digest, name in (
        line.split() for line in (REPO / "tests" / "data" / "pub28_reference.sha256").read_text().splitlines()
    )
}


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="ascii") as handle:
        return list(csv.DictReader(handle))


def test_data_dir_is_the_repository_data() -> None:
    assert (DATA_DIR / "street_suffixes.csv").exists()
    for name in ("street_suffixes", "secondary_units", "directionals", "states", "street_pretypes"):
        assert (DATA_DIR / f"{name}.csv").exists(), name


@pytest.mark.parametrize("name", ["street_suffixes", "secondary_units", "directionals", "states"])
def test_data_matches_the_pub28_reference(name: str) -> None:
    data = DATA_DIR / f"{name}.csv"
    assert hashlib.sha256(data.read_bytes()).hexdigest() == REFERENCE_SHA256[f"{name}.csv"]
    reference = REFERENCE / f"{name}.csv"
    for ref in [reference] if reference.exists() else []:
        assert rows(data) == rows(ref)


def test_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        TABLES.suffixes["AVENUE"] = "X"  # type: ignore[index]
    with pytest.raises(TypeError):
        TABLES.states["MINNESOTA"] = "X"  # type: ignore[index]
    with pytest.raises(TypeError):
        TABLES.directionals["NORTH"] = "X"  # type: ignore[index]
    with pytest.raises(TypeError):
        TABLES.unit_designators["APT"] = "X"  # type: ignore[index]
    with pytest.raises(TypeError):
        TABLES.ordinal_words["FIRST"] = "X"  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        TABLES.suffixes = {}  # type: ignore[misc]
    for field in dataclasses.fields(Tables):
        value = getattr(TABLES, field.name)
        assert not isinstance(value, (dict, set, list)), field.name


def test_loading_again_gives_the_same_tables() -> None:
    assert load_tables() == TABLES


# -- C1 suffixes ---------------------------------------------------------------


def test_every_c1_variant_maps_to_its_abbreviation() -> None:
    source = rows(DATA_DIR / "street_suffixes.csv")
    abbreviations = {r["usps_abbreviation"] for r in source}
    for r in source:
        want = r["usps_abbreviation"]
        if r["variant"] in abbreviations:
            # A standard abbreviation is its own standard (MDW: MEADOW's, also printed under MEADOWS).
            want = r["variant"]
        assert TABLES.suffixes[r["variant"]] == want, r
    assert set(TABLES.suffixes) == {r["variant"] for r in source} | abbreviations


def test_standard_abbreviations_are_fixed_points() -> None:
    for abbreviation in TABLES.suffix_abbreviations:
        assert TABLES.suffixes[abbreviation] == abbreviation
    assert TABLES.suffix_abbreviations == frozenset(TABLES.suffixes.values())
    assert len(TABLES.suffix_abbreviations) == 202


@pytest.mark.parametrize(
    ("variant", "want"),
    [("AVENUE", "AVE"), ("AV", "AVE"), ("AVEN", "AVE"), ("AVNUE", "AVE"), ("STREET", "ST"), ("MDW", "MDW"),
     ("MEADOWS", "MDWS"), ("ANNEX", "ANX"), ("CAUSWA", "CSWY"), ("PARKS", "PARK"), ("TRAILER", "TRLR")],
)  # fmt: skip
def test_suffix_examples(variant: str, want: str) -> None:
    assert TABLES.suffixes[variant] == want


def test_suffix_names() -> None:
    assert TABLES.suffix_names["AVE"] == "AVENUE"
    assert TABLES.suffix_names["PARK"] == "PARK"  # shared by PARK and PARKS: the singular
    assert TABLES.suffix_names["PKWY"] == "PARKWAY"
    assert set(TABLES.suffix_names) == TABLES.suffix_abbreviations


# -- directionals, units, states ----------------------------------------------------


def test_directionals() -> None:
    assert set(TABLES.directionals.values()) == {"N", "S", "E", "W", "NE", "NW", "SE", "SW"}
    for abbreviation in TABLES.directionals.values():
        assert TABLES.directionals[abbreviation] == abbreviation
    for word, want in [("NORTH", "N"), ("SOUTHWEST", "SW"), ("NORTHEAST", "NE"), ("SOUTHEAST", "SE")]:
        assert TABLES.directionals[word] == want
    # Keys are as the tokenizer sees a word: no periods, spaces or hyphens.
    # Keys have no periods; a space or hyphen only in a two-word directional,
    # which the tokenizer joins ("NORTH WEST", "S E") or keeps ("NORTH-WEST").
    assert all("." not in k for k in TABLES.directionals)
    for key in (k for k in TABLES.directionals if " " in k or "-" in k):
        first, second = key.replace("-", " ").split()
        assert TABLES.directionals[key] == TABLES.directionals[first][0] + TABLES.directionals[second][0]


def test_unit_designators() -> None:
    for row in rows(DATA_DIR / "secondary_units.csv"):
        if row["designator"] == "#":
            continue
        assert TABLES.unit_designators[row["designator"]] == row["usps_abbreviation"]
        assert TABLES.unit_designators[row["usps_abbreviation"]] == row["usps_abbreviation"]
        assert (row["usps_abbreviation"] in TABLES.unit_needs_identifier) == (row["requires_range"] == "Y")
    for word, want in [
        ("APARTMENT", "APT"),
        ("SUITE", "STE"),
        ("SUIT", "STE"),
        ("BLDG", "BLDG"),
        ("FLR", "FL"),
    ]:
        assert TABLES.unit_designators[word] == want
    assert {"BSMT", "REAR", "LBBY", "PH"} <= set(
        TABLES.unit_designators.values()
    ) - TABLES.unit_needs_identifier


def test_unit_abbreviations_are_fixed_points() -> None:
    for abbreviation in set(TABLES.unit_designators.values()) - {"#"}:
        assert TABLES.unit_designators[abbreviation] == abbreviation


def test_states() -> None:
    codes = {r["usps_abbreviation"] for r in rows(DATA_DIR / "states.csv")}
    assert TABLES.state_codes == frozenset(codes)
    assert len(codes) == 62
    for code in codes:
        assert TABLES.states[code] == code
    for name, code in [("MINNESOTA", "MN"), ("SOUTH CAROLINA", "SC"), ("DISTRICT OF COLUMBIA", "DC"),
                       ("PUERTO RICO", "PR"), ("ARMED FORCES PACIFIC", "AP"), ("ARMED FORCES EUROPE", "AE")]:  # fmt: skip
        assert TABLES.states[name] == code
    assert TABLES.state_name_max_words == max(len(name.split()) for name in TABLES.states)
    assert all("," not in name and "." not in name for name in TABLES.states)


# -- street pretypes, ordinals ---------------------------------------------------------


def test_highway_words() -> None:
    assert {"HIGHWAY", "HWY", "ROUTE", "RTE"} <= TABLES.highway_words
    assert TABLES.road_words == frozenset({"ROAD", "RD"})
    assert {"STATE", "COUNTY", "US"} <= TABLES.highway_modifiers
    assert {"BUSINESS", "BYPASS"} <= TABLES.highway_trailers


@pytest.mark.parametrize(
    ("word", "want"),
    [("FIRST", "1ST"), ("SECOND", "2ND"), ("THIRD", "3RD"), ("FOURTH", "4TH"), ("ELEVENTH", "11TH"),
     ("TWELFTH", "12TH"), ("THIRTEENTH", "13TH"), ("NINETEENTH", "19TH"), ("TWENTIETH", "20TH"),
     ("TWENTY-FIRST", "21ST"), ("TWENTYFIRST", "21ST"), ("TWENTY-SECOND", "22ND"), ("FORTY-THIRD", "43RD"),
     ("NINETY-NINTH", "99TH"), ("NINETIETH", "90TH")],
)  # fmt: skip
def test_ordinal_words(word: str, want: str) -> None:
    assert TABLES.ordinal_words[word] == want


def test_ordinal_words_cover_1_to_99() -> None:
    numbers = {int(v[:-2]) for v in TABLES.ordinal_words.values()}
    assert numbers == set(range(1, 100))


def test_suffix_spellings_invert_the_suffix_table() -> None:
    assert {"AVENUE", "AV", "AVE", "AVEN"} <= set(TABLES.suffix_spellings["AVE"])
    for abbreviation, spellings in TABLES.suffix_spellings.items():
        assert all(TABLES.suffixes[s] == abbreviation for s in spellings)
    assert sum(len(v) for v in TABLES.suffix_spellings.values()) == len(TABLES.suffixes)
