"""The opt-in typo tier of AddressStore (issue 12, item 9).

how = "typo" when the street name is one edit from exactly one stored street with the same house
number, ZIP, unit, directionals and suffix; never when the input's own spelling is a stored
street there; never by default. Made-up examples of each rule, not special-cased strings.
"""

from __future__ import annotations

import pytest

from addrmatch import AddressError, AddressStore

PLACE = "Blaine, MN 55123"


def stored(*lines: str, typos: bool = False) -> AddressStore:
    store = AddressStore(typos=typos)
    store.add_many([f"{line}, {PLACE}" for line in lines])
    return store


@pytest.mark.parametrize(
    ("kept", "written", "pair"),
    [
        ("12 Roosevelt St", "12 Roosvelt St", ("ROOSVELT", "ROOSEVELT")),  # a letter left out
        ("12 Roosevelt St", "12 Roossevelt St", ("ROOSSEVELT", "ROOSEVELT")),  # a letter doubled
        ("40 Main St", "40 Mian St", ("MIAN", "MAIN")),  # two neighbours swapped
        ("7 Hawthorne Ave Apt 3", "7 Hawthorn Ave Apt 3", ("HAWTHORN", "HAWTHORNE")),  # with a unit
        ("9 N Calloway Dr", "9 N Galloway Dr", ("GALLOWAY", "CALLOWAY")),  # one letter changed
        ("300 Martin Luther King Jr Blvd", "300 Martin Luther Kng Jr Blvd", None),  # several words
    ],
)
def test_a_street_one_edit_from_one_stored_street_is_a_typo_match(
    kept: str, written: str, pair: tuple[str, str] | None
) -> None:
    store = stored(kept, "12 Elm St")
    before = len(store)
    found = store.resolve(f"{written}, {PLACE}", typos=True)
    assert (found.id, found.how) == (1, "typo")
    assert found.address == store.get(1)
    assert found.typo is not None and found.typo[1] == store.get(1).street
    if pair is not None:
        assert found.typo == pair
    assert len(store) == before  # nothing written
    assert store.find(f"{written}, {PLACE}", typos=True) == found
    assert store.resolve(f"{kept}, {PLACE}").how == "exact"  # the other way round is unaffected


def test_the_typo_tier_is_off_by_default_and_per_call_or_per_store() -> None:
    store = stored("12 Roosevelt St")
    assert store.typos is False
    assert store.find(f"12 Roosvelt St, {PLACE}") is None
    assert store.find(f"12 Roosvelt St, {PLACE}", typos=True).how == "typo"
    on = stored("12 Roosevelt St", typos=True)
    assert on.find(f"12 Roosvelt St, {PLACE}").how == "typo"
    assert on.find(f"12 Roosvelt St, {PLACE}", typos=False) is None
    created = store.resolve(f"12 Roosvelt St, {PLACE}")  # default: a new address
    assert (created.how, created.id, created.typo) == ("created", 2, None)


def test_a_stored_typo_is_found_from_the_right_spelling_too() -> None:
    store = stored("12 Roosvlet St")
    found = store.resolve(f"12 Roosevlet St, {PLACE}", typos=True)
    assert (found.id, found.how, found.typo) == (1, "typo", ("ROOSEVLET", "ROOSVLET"))


@pytest.mark.parametrize(
    "written",
    [
        "14 Roosvelt St",  # another house number
        "12 Roosvelt Ave",  # another suffix
        "12 Roosvelt",  # no suffix
        "12 N Roosvelt St",  # a directional the stored one has not
        "12 Roosvelt St NE",
        "12 Roosvelt St Apt 2",  # a unit the stored one has not
        "12 Rosvlet St",  # two edits
    ],
)
def test_a_typo_never_bridges_another_part(written: str) -> None:
    store = stored("12 Roosevelt St")
    assert store.find(f"{written}, {PLACE}", typos=True) is None
    assert store.resolve(f"{written}, {PLACE}", typos=True).how == "created"


def test_a_typo_needs_the_same_zip() -> None:
    store = stored("12 Roosevelt St")
    assert store.find("12 Roosvelt St, Blaine, MN 55124", typos=True) is None
    assert store.find("12 Roosvelt St, Blaine, MN", typos=True) is None  # no ZIP to agree on


def test_never_when_both_spellings_are_stored_streets_with_that_number() -> None:
    # "Roosvelt" is itself stored with house number 12 (another suffix): it may be a real street.
    store = stored("12 Roosevelt St", "12 Roosvelt Ave")
    found = store.resolve(f"12 Roosvelt St, {PLACE}", typos=True)
    assert found.how == "created" and found.id == 3


def test_never_when_the_written_spelling_is_a_stored_street_of_that_zip() -> None:
    store = stored("12 Roosevelt St", "80 Roosvelt St")
    assert store.find(f"12 Roosvelt St, {PLACE}", typos=True) is None


def test_never_when_two_stored_streets_are_one_edit_away() -> None:
    store = stored("5 Holten Rd", "5 Bolton Rd")
    found = store.resolve(f"5 Holton Rd, {PLACE}", typos=True)
    assert found.how == "created"
    assert len(store) == 3


@pytest.mark.parametrize(("kept", "written"), [("12 12th St", "12 13th St"), ("12 Elm St", "12 Elk St")])
def test_numbered_and_short_street_names_are_never_typos(kept: str, written: str) -> None:
    store = stored(kept)
    assert store.find(f"{written}, {PLACE}", typos=True) is None


def test_add_many_with_typos_gives_what_resolve_in_a_loop_gives() -> None:
    lines = [
        "12 Roosevelt St",
        "12 Roosvelt St",  # a typo of the row above
        "40 Main St",
        "40 Mian St",
        "5 Holten Rd",
        "5 Bolton Rd",
        "5 Holton Rd",  # two streets fit: created
        "80 Kensington Ave",
        "81 Kensingten Ave",  # another number: created
        "90 Wallace Ct",
        "90 Walace Ct",
        "91 Walace Ct",  # then the written spelling is a street of the ZIP: no typo match
        "90 Walace Ct",
    ]
    values = [f"{line}, {PLACE}" for line in lines]
    loop = AddressStore(typos=True)
    expected = [loop.resolve(v).id for v in values]
    for batch_size in (1, 4, 100):
        bulk = AddressStore(typos=True)
        assert bulk.add_many(values, batch_size=batch_size) == expected
    assert AddressStore().add_many(values) != expected  # off by default: more rows


def test_a_bad_typos_argument_is_an_address_error() -> None:
    store = stored("12 Roosevelt St")
    with pytest.raises(AddressError) as info:
        store.resolve(f"12 Roosvelt St, {PLACE}", typos="yes")
    assert info.value.fields == ("typos",)
