"""Creating, updating and searching staff members; identities; employments;
the student/parent who gets hired and Combine Person."""

from __future__ import annotations

import pytest
from boi_support import BASKETBALL_COACH, Clock, staff_payload

from addrmatch.boi import (
    AmbiguousStaffNumberError,
    Campus,
    DuplicateStaffNumberError,
    NotFoundError,
    ValidationError,
)

# -- create -------------------------------------------------------------------------


def test_create_stores_the_demographics(campus: Campus) -> None:
    payload = staff_payload(
        middleName="Q", cellPhone="612-555-0101", otherPhone="612-555-0102", personalEmail="pat@example.com"
    )
    result = campus.create_staff(payload)
    stored = campus.get_staff("1001")
    for key in (
        "staffNumber",
        "lastName",
        "firstName",
        "middleName",
        "gender",
        "birthdate",
        "workPhone",
        "cellPhone",
        "otherPhone",
        "workEmail",
        "personalEmail",
    ):
        assert stored[key] == payload[key], key
    assert stored["ssn"] == "***-**-6789"
    assert stored["employments"] == [{"hireDate": "2020-07-25", "terminationDate": None}]
    assert stored["hrManaged"] is True
    assert result["personId"] == stored["personId"]


def test_staff_number_is_required(campus: Campus) -> None:
    payload = staff_payload()
    del payload["staffNumber"]
    with pytest.raises(ValidationError) as info:
        campus.create_staff(payload)
    assert (info.value.field, info.value.rule) == ("staffNumber", "required")
    with pytest.raises(ValidationError):
        campus.create_staff(staff_payload(staffNumber="   "))


@pytest.mark.parametrize("field", ["lastName", "firstName", "gender"])
def test_names_and_gender_are_required(campus: Campus, field: str) -> None:
    payload = staff_payload()
    del payload[field]
    with pytest.raises(ValidationError) as info:
        campus.create_staff(payload)
    assert info.value.field == field


def test_staff_number_must_not_be_in_use(campus: Campus) -> None:
    campus.create_staff(staff_payload("A100"))
    with pytest.raises(DuplicateStaffNumberError) as info:
        campus.create_staff(staff_payload("A100", lastName="Young", firstName="John", gender="M"))
    assert info.value.field == "staffNumber" and "'A100'" in str(info.value)
    # Case does not make a new number ("PENDING" and "pending" are one number).
    with pytest.raises(DuplicateStaffNumberError):
        campus.create_staff(staff_payload("a100"))


def test_legacy_staff_numbers_may_be_missing_or_duplicated(campus: Campus) -> None:
    ids = campus.import_legacy_staff(
        [
            {"staffNumber": "PENDING", "lastName": "Hurley", "firstName": "Bryan", "gender": "M"},
            {"staffNumber": "pending", "lastName": "Bonquet", "firstName": "Alicia", "gender": "F"},
            {"lastName": "Clark", "firstName": "Megan"},
        ]
    )
    assert len(ids) == 3
    with pytest.raises(AmbiguousStaffNumberError):
        campus.update_staff("PENDING", {"workPhone": "1"})
    with pytest.raises(DuplicateStaffNumberError):
        campus.create_staff(staff_payload("Pending"))
    assert campus.get_staff(ids[2])["staffNumber"] is None
    assert campus.get_staff(ids[2])["hrManaged"] is False


def test_unknown_fields_are_refused(campus: Campus) -> None:
    with pytest.raises(ValidationError) as info:
        campus.create_staff(staff_payload(lastname="typo"))
    assert (info.value.field, info.value.rule) == ("lastname", "unknown-field")


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("birthdate", "12/26/1979", "date-format"),
        ("birthdate", "1979-02-30", "date-format"),
        ("ssn", "12-345-678", "ssn-format"),
        ("lastName", 42.5, "type"),
        ("employments", "2020-01-01", "type"),
    ],
)
def test_field_types_are_checked(campus: Campus, field: str, value: object, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        campus.create_staff(staff_payload(**{field: value}))
    assert (info.value.field, info.value.rule) == (field, rule)


def test_a_person_without_a_position_is_not_yet_a_staff_member(campus: Campus) -> None:
    result = campus.create_staff(staff_payload(positions=[]))
    assert result["staffMember"] is False
    assert "not-a-staff-member" in [w["code"] for w in result["warnings"]]
    assert campus.search_staff(staff_number="1001") == []  # "they cannot be found when searching for Staff"
    [found] = campus.search_staff(staff_number="1001", include_non_staff=True)
    assert found["staffMember"] is False
    assert campus.search_staff(staff_number="1001", staff_members_only=True) == []
    after = campus.create_position("1001", BASKETBALL_COACH)
    assert after["staffMember"] is True
    assert (
        campus.search_staff(staff_number="1001", staff_members_only=True)[0]["personId"] == result["personId"]
    )


# -- update: identities -------------------------------------------------------------


def test_name_change_ends_the_identity_and_starts_a_new_one(campus: Campus, clock: Clock) -> None:
    campus.create_staff(staff_payload())
    clock.today = "2025-03-15"
    result = campus.update_staff("1001", {"lastName": "Brown"})
    assert (result["lastName"], result["firstName"]) == ("Brown", "Pat")
    history = campus.identity_history("1001")
    assert [(h["lastName"], h["startDate"], h["endDate"], h["current"]) for h in history] == [
        ("Simpson", "2024-08-01", "2025-03-15", False),
        ("Brown", "2025-03-15", None, True),
    ]


@pytest.mark.parametrize("change", [{"firstName": "Patricia"}, {"middleName": "R"}, {"lastName": "SIMPSON"}])
def test_any_name_part_change_makes_a_new_identity(campus: Campus, change: dict) -> None:
    campus.create_staff(staff_payload())
    campus.update_staff("1001", change)
    assert len(campus.identity_history("1001")) == 2


def test_clearing_the_middle_name_is_a_name_change(campus: Campus) -> None:
    campus.create_staff(staff_payload(middleName="Q"))
    result = campus.update_staff("1001", {"middleName": None})
    assert result["middleName"] is None
    assert len(campus.identity_history("1001")) == 2


def test_same_names_keep_the_identity(campus: Campus) -> None:
    campus.create_staff(staff_payload())
    campus.update_staff("1001", {"lastName": "Simpson", "firstName": "Pat", "workPhone": "555"})
    assert len(campus.identity_history("1001")) == 1
    assert campus.get_staff("1001")["workPhone"] == "555"


def test_demographic_update_changes_only_what_is_sent(campus: Campus) -> None:
    campus.create_staff(staff_payload())
    result = campus.update_staff("1001", {"gender": "X", "workEmail": None, "ssn": "987654321"})
    assert (result["gender"], result["workEmail"], result["ssn"]) == ("X", None, "***-**-4321")
    assert result["workPhone"] == "320-555-0071"
    with pytest.raises(ValidationError):
        campus.update_staff("1001", {"lastName": None})


def test_update_of_an_unknown_staff_number(campus: Campus) -> None:
    with pytest.raises(NotFoundError) as info:
        campus.update_staff("nobody", {"workPhone": "1"})
    assert info.value.field == "staffNumber"


def test_update_may_change_the_staff_number_to_an_unused_one(campus: Campus) -> None:
    campus.create_staff(staff_payload("1001"))
    campus.create_staff(staff_payload("1002", lastName="Young", firstName="John", gender="M"))
    with pytest.raises(DuplicateStaffNumberError):
        campus.update_staff("1001", {"staffNumber": "1002"})
    assert campus.update_staff("1001", {"staffNumber": "H-1001"})["staffNumber"] == "H-1001"
    with pytest.raises(NotFoundError):
        campus.get_staff("1001")


# -- employments --------------------------------------------------------------------


def test_several_employments_without_date_checks(campus: Campus) -> None:
    employments = [
        {"hireDate": "2010-08-20", "terminationDate": "2015-06-01"},
        {"hireDate": "2014-01-01", "terminationDate": "2012-01-01"},  # overlapping, ends before it starts
        {"hireDate": "2020-07-25"},
    ]
    result = campus.create_staff(staff_payload(employments=employments))
    assert result["employments"] == [
        {"hireDate": "2010-08-20", "terminationDate": "2015-06-01"},
        {"hireDate": "2014-01-01", "terminationDate": "2012-01-01"},
        {"hireDate": "2020-07-25", "terminationDate": None},
    ]


def test_update_matches_employments_by_hire_date(campus: Campus) -> None:
    campus.create_staff(staff_payload(employments=[{"hireDate": "2010-08-20"}, {"hireDate": "2020-07-25"}]))
    result = campus.update_staff(
        "1001",
        {
            "employments": [
                {"hireDate": "2020-07-25", "terminationDate": "2024-06-30"},
                {"hireDate": "2024-09-01"},
            ]
        },
    )
    assert result["employments"] == [
        {"hireDate": "2010-08-20", "terminationDate": None},
        {"hireDate": "2020-07-25", "terminationDate": "2024-06-30"},
        {"hireDate": "2024-09-01", "terminationDate": None},
    ]


# -- search -------------------------------------------------------------------------


def test_search_by_number_names_and_birthdate(campus: Campus) -> None:
    campus.create_staff(staff_payload("1001"))
    campus.create_staff(
        staff_payload("1002", lastName="Young", firstName="John", gender="M", birthdate="1980-01-02")
    )
    campus.create_staff(staff_payload("1003", lastName="Youngblood", firstName="Amy", birthdate="1990-05-05"))
    assert [r["staffNumber"] for r in campus.search_staff(staff_number="1002")] == ["1002"]
    assert [r["staffNumber"] for r in campus.search_staff(last_name="young")] == ["1002", "1003"]
    assert [r["staffNumber"] for r in campus.search_staff(last_name="Young", first_name="J")] == ["1002"]
    assert [r["staffNumber"] for r in campus.search_staff(birthdate="1990-05-05")] == ["1003"]
    assert campus.search_staff(last_name="Young", birthdate="1979-12-26") == []


def test_search_needs_a_criterion(campus: Campus) -> None:
    with pytest.raises(ValidationError):
        campus.search_staff()
    with pytest.raises(ValidationError):
        campus.search_staff(birthdate="yesterday")


def test_search_finds_legacy_staff_but_not_students(campus: Campus) -> None:
    campus.import_legacy_staff([{"staffNumber": "0295382", "lastName": "Sawatzky", "firstName": "Douglas"}])
    campus.add_person(
        {"lastName": "Sawatzky", "firstName": "Timmy", "gender": "M", "birthdate": "2012-01-01"}
    )
    assert campus.search_staff(last_name="Sawatzky") == []  # no position: not found by default
    found = campus.search_staff(last_name="Sawatzky", include_non_staff=True)
    assert [(r["firstName"], r["staffNumber"]) for r in found] == [("Douglas", "0295382")]


# -- a student or parent who gets hired ------------------------------------------


def test_hired_student_is_created_with_a_duplicate_warning(campus: Campus) -> None:
    student = campus.add_person(
        {"lastName": "Rivera", "firstName": "Ana", "gender": "F", "birthdate": "2005-04-01"}, origin="student"
    )
    result = campus.create_staff(
        staff_payload("2001", lastName="RIVERA", firstName="ana", birthdate="2005-04-01", ssn=None)
    )
    assert result["personId"] != student
    [warning] = [w for w in result["warnings"] if w["code"] == "possible-duplicate-person"]
    assert warning["personId"] == student
    assert warning["kind"] == "student"
    assert "Rivera" in warning["message"] and str(student) in warning["message"]


def test_no_duplicate_warning_for_a_different_birthdate(campus: Campus) -> None:
    campus.add_person({"lastName": "Rivera", "firstName": "Ana", "birthdate": "2005-04-01"}, origin="parent")
    result = campus.create_staff(
        staff_payload("2001", lastName="Rivera", firstName="Ana", birthdate="1975-04-01")
    )
    assert "possible-duplicate-person" not in [w["code"] for w in result["warnings"]]


def test_combine_persons_keeps_the_new_staff_member(campus: Campus, clock: Clock) -> None:
    student = campus.add_person(
        {
            "lastName": "Rivera",
            "firstName": "Ana",
            "gender": "F",
            "birthdate": "2005-04-01",
            "ssn": "111-22-3333",
        },
        origin="student",
    )
    family = campus.create_household(
        "Rivera",
        members=[student],
        locations=[{"address": {"fullStreetAddress": "9 Elm St", "zip": "55123"}}],
    )
    staff = campus.create_staff(
        staff_payload("2001", lastName="Rivera", firstName="Ana", birthdate="2005-04-01", ssn=None)
    )
    clock.today = "2024-09-01"
    combined = campus.combine_persons(staff["personId"], student)
    assert combined["personId"] == staff["personId"]
    assert combined["staffNumber"] == "2001"
    assert combined["ssn"] == "***-**-3333"  # filled from the student: the base had none
    assert campus.get_household(family)["members"] == [staff["personId"]]
    history = campus.identity_history("2001")
    assert len([h for h in history if h["current"]]) == 1
    assert {(h["lastName"], h["firstName"]) for h in history} == {("Rivera", "Ana")}
    assert len(history) == 2
    with pytest.raises(NotFoundError):
        campus.get_staff(student)
    later = campus.create_staff(
        staff_payload("2002", lastName="Rivera", firstName="Ana", birthdate="2005-04-01")
    )
    duplicates = [w["personId"] for w in later["warnings"] if w["code"] == "possible-duplicate-person"]
    assert duplicates == [staff["personId"]]


def test_combine_refuses_the_same_person_twice(campus: Campus) -> None:
    staff = campus.create_staff(staff_payload())
    with pytest.raises(ValidationError):
        campus.combine_persons(staff["personId"], staff["personId"])
    with pytest.raises(NotFoundError):
        campus.combine_persons(staff["personId"], 9999)
