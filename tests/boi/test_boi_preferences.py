"""Business Office Preferences: lock areas and the household/address toggle."""

from __future__ import annotations

import pytest
from boi_support import BASKETBALL_COACH, LEXINGTON_FULL, PO_BOX_54, staff_payload, with_address

from addrmatch.boi import LOCK_AREAS, Campus, NotFoundError, ReadOnlyError, ValidationError


def test_six_areas_all_locked_by_default(campus: Campus) -> None:
    prefs = campus.preferences()
    assert list(prefs["locks"]) == [
        "Staff Creation",
        "Staff Number",
        "Staff Demographics",
        "Staff Employment",
        "Staff Employment Assignments",
        "Staff Household",
    ]
    assert list(prefs["locks"]) == list(LOCK_AREAS)
    assert all(prefs["locks"].values())
    assert prefs["allowHouseholdUpdates"] is True


def test_preferences_are_saved(campus: Campus) -> None:
    saved = campus.set_preferences(locks={"Staff Demographics": False}, allow_household_updates=False)
    assert saved["locks"]["Staff Demographics"] is False and saved["locks"]["Staff Number"] is True
    assert campus.preferences() == saved
    with pytest.raises(ValidationError):
        campus.set_preferences(locks={"Staff Payroll": False})
    with pytest.raises(ValidationError):
        campus.set_preferences(locks={"Staff Number": "no"})


EDITS = [
    ("Staff Number", {"staffNumber": "9999"}),
    ("Staff Demographics", {"workEmail": "manual@example.com"}),
    ("Staff Demographics", {"lastName": "Manual"}),
    ("Staff Employment", {"employments": [{"hireDate": "2001-01-01"}]}),
    ("Staff Employment Assignments", {"positions": []}),
    ("Staff Household", {"household": {"householdLocations": [{"address": PO_BOX_54}]}}),
]


@pytest.mark.parametrize(("area", "change"), EDITS)
def test_locked_area_of_hr_staff_is_read_only(campus: Campus, unchanged, area: str, change: dict) -> None:
    campus.create_staff(with_address(staff_payload(), LEXINGTON_FULL))
    error = unchanged(lambda: campus.edit_staff("1001", change), ReadOnlyError)
    assert error.rule == f"locked:{area}"
    assert error.field == next(iter(change))
    assert area in str(error)


@pytest.mark.parametrize(("area", "change"), EDITS)
def test_unlocked_area_can_be_edited(campus: Campus, area: str, change: dict) -> None:
    campus.create_staff(with_address(staff_payload(), LEXINGTON_FULL))
    campus.set_preferences(locks={area: False})
    result = campus.edit_staff("1001", change)
    key = next(iter(change))
    if key == "household":
        assert result["household"]["householdLocations"][0]["address"]["postOfficeBox"] is True
    elif key == "employments":
        assert {"hireDate": "2001-01-01", "terminationDate": None} in result["employments"]
    else:
        assert result[key] == change[key]


def test_hr_update_overwrites_manual_edits(campus: Campus) -> None:
    campus.create_staff(staff_payload())
    campus.set_preferences(locks={"Staff Demographics": False})
    campus.edit_staff("1001", {"workEmail": "manual@example.com"})
    assert campus.get_staff("1001")["workEmail"] == "manual@example.com"
    result = campus.update_staff("1001", {"workEmail": "psimpson@school.k12.mo.us"})
    assert result["workEmail"] == "psimpson@school.k12.mo.us"


def test_locks_only_protect_hr_managed_staff(campus: Campus) -> None:
    [person] = campus.import_legacy_staff([{"staffNumber": "L1", "lastName": "Old", "firstName": "Timer"}])
    assert campus.edit_staff(person, {"workPhone": "123"})["workPhone"] == "123"
    campus.update_staff("L1", {"workPhone": "456"})  # now the HR system manages them
    with pytest.raises(ReadOnlyError):
        campus.edit_staff(person, {"workPhone": "789"})


def test_staff_creation_lock(campus: Campus) -> None:
    with pytest.raises(ReadOnlyError) as info:
        campus.add_staff_manually(staff_payload())
    assert info.value.rule == "locked:Staff Creation"
    campus.set_preferences(locks={"Staff Creation": False})
    created = campus.add_staff_manually(staff_payload(positions=[BASKETBALL_COACH]))
    assert created["hrManaged"] is False and created["staffMember"] is True


def test_the_household_toggle_does_not_lock_district_edits(campus: Campus) -> None:
    campus.create_staff(staff_payload())
    campus.set_preferences(locks={"Staff Household": False}, allow_household_updates=False)
    result = campus.edit_staff("1001", with_address({}, PO_BOX_54))
    assert result["household"]["householdLocations"][0]["address"]["number"] == "54"


def test_household_edits_of_hr_staff_respect_the_household_lock(campus: Campus, unchanged) -> None:
    staff = campus.create_staff(with_address(staff_payload(), LEXINGTON_FULL))
    staff_home = staff["household"]["householdId"]
    kid = campus.add_person({"lastName": "Simpson", "firstName": "Kid"})
    other = campus.create_household("Other")
    # Adding someone to an HR staff member's household, adding the staff member
    # elsewhere, or creating a household with them: all change their household.
    for call in (
        lambda: campus.add_household_member(staff_home, kid),
        lambda: campus.add_household_member(other, staff["personId"]),
        lambda: campus.create_household("Other", members=[staff["personId"]]),
    ):
        error = unchanged(call, ReadOnlyError)
        assert (error.rule, error.field) == ("locked:Staff Household", "household")
    # Households without HR-managed staff are the district's.
    campus.add_household_member(other, kid)
    [legacy] = campus.import_legacy_staff([{"staffNumber": "L1", "lastName": "Old", "firstName": "Timer"}])
    campus.create_household("Old", members=[legacy, kid])
    campus.set_preferences(locks={"Staff Household": False})
    campus.add_household_member(staff_home, kid)
    assert kid in campus.get_household(staff_home)["members"]
    assert campus.get_household(campus.create_household("X", members=[staff["personId"]]))["members"] == [
        staff["personId"]
    ]


def test_edit_staff_never_turns_a_person_into_staff(campus: Campus, unchanged) -> None:
    kid = campus.add_person({"lastName": "Rivera", "firstName": "Ana"})
    assert campus.preferences()["locks"]["Staff Creation"] is True
    error = unchanged(lambda: campus.edit_staff(kid, {"staffNumber": "S9"}), NotFoundError)
    assert error.field == "personId"
    campus.set_preferences(locks={"Staff Creation": False})
    unchanged(lambda: campus.edit_staff(kid, {"staffNumber": "S9"}), NotFoundError)
    assert campus.search_staff(staff_number="S9") == []
