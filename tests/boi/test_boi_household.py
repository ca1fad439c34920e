"""Households and addresses: the staff household rules, addresses through the
AddressStore (exact -> reparse -> create), the address input rules."""

from __future__ import annotations

import pytest
from boi_support import LEXINGTON_FULL, LEXINGTON_PARTS, PO_BOX_54, Clock, staff_payload, with_address

from addrmatch import ConflictingFieldsError, POBoxError
from addrmatch.boi import BOIError, Campus, InvalidAddressError, ValidationError


def _location(result: dict) -> dict:
    [location] = result["household"]["householdLocations"]
    return location


def test_create_makes_a_staff_household_with_the_spec_address(campus: Campus) -> None:
    result = campus.create_staff(with_address(staff_payload(), LEXINGTON_FULL))
    household = result["household"]
    assert household["staffHousehold"] is True
    assert campus.get_household(household["householdId"])["members"] == [result["personId"]]
    address = _location(result)["address"]
    assert {k: address[k] for k in ("number", "prefix", "street", "tag", "direction", "apt")} == {
        "number": "4321",
        "prefix": "S",
        "street": "LEXINGTON",
        "tag": "AVE",
        "direction": "SE",
        "apt": "45",
    }
    assert (address["city"], address["state"], address["zip"]) == ("BLAINE", "MN", "55123")
    assert result["addressResolutions"] == [
        {
            "path": "household.householdLocations[0].address",
            "addressId": _location(result)["addressId"],
            "how": "created",
        }
    ]


def test_household_defaults(campus: Campus) -> None:
    result = campus.create_staff(with_address(staff_payload(), LEXINGTON_FULL))
    household = result["household"]
    assert (household["name"], household["phone"], household["phonePrivate"]) == ("Simpson", None, False)
    location = _location(result)
    assert (location["startDate"], location["endDate"]) == ("2024-08-01", None)
    assert (location["mailing"], location["physical"], location["secondary"], location["private"]) == (
        True,
        True,
        False,
        False,
    )


def test_household_fields_sent_are_stored(campus: Campus) -> None:
    payload = staff_payload()
    payload["household"] = {
        "name": "Simpson Family",
        "phone": "763-555-0100",
        "phonePrivate": True,
        "householdLocations": [
            {"address": LEXINGTON_FULL, "startDate": "2019-05-01", "mailing": False, "private": True}
        ],
    }
    household = campus.create_staff(payload)["household"]
    assert (household["name"], household["phone"], household["phonePrivate"]) == (
        "Simpson Family",
        "763-555-0100",
        True,
    )
    location = household["householdLocations"][0]
    assert (location["startDate"], location["mailing"], location["private"]) == ("2019-05-01", False, True)


def test_the_same_address_in_another_form_is_found_not_created(campus: Campus) -> None:
    first = campus.create_staff(with_address(staff_payload("1001"), LEXINGTON_FULL))
    second = campus.create_staff(
        with_address(staff_payload("1002", lastName="Young", firstName="John", gender="M"), LEXINGTON_PARTS)
    )
    assert second["addressResolutions"][0]["how"] == "exact"
    assert _location(second)["addressId"] == _location(first)["addressId"]
    assert second["household"]["householdId"] != first["household"]["householdId"]
    assert len(campus.store) == 1


def test_mis_split_components_are_found_by_reparsing(campus: Campus) -> None:
    first = campus.create_staff(with_address(staff_payload("1001"), LEXINGTON_FULL))
    mis_split = {
        "number": "4321",
        "street": "South Lexington Avenue Southeast",
        "apt": "Apt 45",
        "city": "Blaine",
        "state": "MN",
        "zip": "55123",
    }
    second = campus.create_staff(with_address(staff_payload("1002", lastName="Young"), mis_split))
    assert second["addressResolutions"][0]["how"] == "reparse"
    assert _location(second)["addressId"] == _location(first)["addressId"]
    assert len(campus.store) == 1


def test_a_new_address_is_created_once(campus: Campus) -> None:
    campus.create_staff(with_address(staff_payload("1001"), LEXINGTON_FULL))
    other = {
        "fullStreetAddress": "12500 South 42nd Gardens Apt 123",
        "city": "Blaine",
        "state": "MN",
        "zip": "55123",
    }
    created = campus.create_staff(with_address(staff_payload("1002", lastName="Young"), other))
    assert created["addressResolutions"][0]["how"] == "created"
    assert len(campus.store) == 2


def test_po_box_54_example(campus: Campus) -> None:
    result = campus.create_staff(with_address(staff_payload(), PO_BOX_54))
    address = _location(result)["address"]
    assert (address["postOfficeBox"], address["number"], address["street"]) == (True, "54", None)
    again = campus.create_staff(
        with_address(
            staff_payload("1002", lastName="Young"), {"fullStreetAddress": "P.O. Box 54", "zip": "55123"}
        )
    )
    assert _location(again)["addressId"] == _location(result)["addressId"]


def test_po_box_with_street_parts_is_refused(campus: Campus, unchanged) -> None:
    bad = dict(PO_BOX_54, street="Main")
    error = unchanged(lambda: campus.create_staff(with_address(staff_payload(), bad)), POBoxError)
    assert isinstance(error, InvalidAddressError) and isinstance(error, BOIError)
    assert error.field == "household.householdLocations[0].address"
    assert "street" in error.fields and "street" in str(error)


def test_po_box_without_number_is_refused(campus: Campus) -> None:
    with pytest.raises(POBoxError) as info:
        campus.create_staff(with_address(staff_payload(), {"postOfficeBox": True, "city": "Blaine"}))
    assert "number" in info.value.fields


def test_full_street_address_with_components_is_refused(campus: Campus, unchanged) -> None:
    bad = dict(LEXINGTON_FULL, apt="45")
    error = unchanged(lambda: campus.create_staff(with_address(staff_payload(), bad)), ConflictingFieldsError)
    assert set(error.fields) == {"fullStreetAddress", "apt"}
    assert isinstance(error, ValidationError)


def test_address_must_be_an_object(campus: Campus) -> None:
    payload = staff_payload()
    payload["household"] = {"householdLocations": [{"address": "4321 Main St"}]}
    with pytest.raises(ValidationError) as info:
        campus.create_staff(payload)
    assert info.value.field == "household.householdLocations[0].address"


# -- update ---------------------------------------------------------------------------


def test_update_moves_an_only_member_staff_household(campus: Campus, clock: Clock) -> None:
    created = campus.create_staff(with_address(staff_payload(), LEXINGTON_FULL))
    old_location = _location(created)
    clock.today = "2025-02-01"
    moved = campus.update_staff(
        "1001", with_address({}, {"fullStreetAddress": "9 Elm St", "city": "Blaine", "state": "MN"})
    )
    assert moved["household"]["householdId"] == created["household"]["householdId"]
    new_location = _location(moved)
    assert new_location["address"]["street"] == "ELM"
    assert new_location["startDate"] == "2025-02-01"
    ended = campus.connection.execute(
        "SELECT end_date FROM household_location WHERE location_id = ?", (old_location["locationId"],)
    ).fetchone()[0]
    assert ended == "2025-02-01"
    assert len(campus.store) == 2


def test_update_with_the_same_address_keeps_the_location(campus: Campus) -> None:
    created = campus.create_staff(with_address(staff_payload(), LEXINGTON_FULL))
    payload = {"household": {"phone": "555-0199", "householdLocations": [{"address": LEXINGTON_PARTS}]}}
    updated = campus.update_staff("1001", payload)
    assert _location(updated)["locationId"] == _location(created)["locationId"]
    assert updated["household"]["phone"] == "555-0199"
    assert updated["household"]["name"] == "Simpson"


def test_household_with_other_members_is_not_changed(campus: Campus) -> None:
    created = campus.create_staff(with_address(staff_payload(), LEXINGTON_FULL))
    child = campus.add_person({"lastName": "Simpson", "firstName": "Bart", "gender": "M"}, origin="student")
    campus.set_preferences(locks={"Staff Household": False})  # the district edits an HR staff household
    campus.add_household_member(created["household"]["householdId"], child)
    result = campus.update_staff(
        "1001", with_address({"workPhone": "1"}, {"fullStreetAddress": "9 Elm St", "zip": "55123"})
    )
    [warning] = [w for w in result["warnings"] if w["code"] == "household-ignored"]
    assert warning["reason"] == "other-members"
    assert _location(result)["addressId"] == _location(created)["addressId"]
    assert result["workPhone"] == "1"  # the rest of the update applies
    assert len(campus.store) == 1


def test_staff_in_a_student_household_is_not_moved(campus: Campus) -> None:
    parent = campus.add_person({"lastName": "Doe", "firstName": "Jane"}, origin="parent")
    family = campus.create_household("Doe", members=[parent], locations=[{"address": LEXINGTON_FULL}])
    created = campus.create_staff(staff_payload())
    campus.set_preferences(locks={"Staff Household": False})  # the district edits an HR staff household
    campus.add_household_member(family, created["personId"])
    result = campus.update_staff("1001", with_address({}, PO_BOX_54))
    assert "household-ignored" in [w["code"] for w in result["warnings"]]
    assert campus.get_household(family)["householdLocations"][0]["address"]["street"] == "LEXINGTON"


def test_only_member_of_a_non_staff_household_is_not_changed(campus: Campus) -> None:
    [person] = campus.import_legacy_staff(
        [with_address(staff_payload("1001"), LEXINGTON_FULL)], staff_household=False
    )
    result = campus.update_staff("1001", with_address({}, PO_BOX_54))
    [warning] = [w for w in result["warnings"] if w["code"] == "household-ignored"]
    assert warning["reason"] == "not-staff-household"
    assert _location(result)["address"]["street"] == "LEXINGTON"
    assert result["personId"] == person


def test_update_gives_a_staff_member_without_household_a_staff_household(campus: Campus) -> None:
    campus.create_staff(staff_payload())
    result = campus.update_staff("1001", with_address({}, PO_BOX_54))
    assert result["household"]["staffHousehold"] is True
    assert _location(result)["address"]["postOfficeBox"] is True


def test_household_preference_off_ignores_household_data(campus: Campus) -> None:
    campus.set_preferences(allow_household_updates=False)
    created = campus.create_staff(with_address(staff_payload(), LEXINGTON_FULL))
    assert created["household"] is None
    [warning] = [w for w in created["warnings"] if w["code"] == "household-ignored"]
    assert warning["reason"] == "preference-off"
    updated = campus.update_staff("1001", with_address({}, LEXINGTON_FULL))
    assert updated["household"] is None
    assert len(campus.store) == 0
    campus.set_preferences(allow_household_updates=True)
    assert campus.update_staff("1001", with_address({}, LEXINGTON_FULL))["household"] is not None


def test_search_addresses_through_the_store(campus: Campus) -> None:
    created = campus.create_staff(with_address(staff_payload(), LEXINGTON_FULL))
    [best, *_] = campus.search_addresses("4321 S Lexingtn Ave SE Apt 45 Blaine")
    assert best["addressId"] == _location(created)["addressId"]
    assert best["street"] == "LEXINGTON" and 0 < best["score"] <= 100
    with pytest.raises(ValidationError):
        campus.search_addresses("  ")
