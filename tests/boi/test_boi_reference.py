"""Reference lists: schools, genders, assignment codes, titles."""

from __future__ import annotations

import io

import pytest
from boi_support import BASKETBALL_COACH, staff_payload

from addrmatch.boi import Campus, UnknownReferenceError, ValidationError


def test_lists_are_listable(campus: Campus) -> None:
    assert campus.schools()[0] == {"schoolNumber": "010", "name": "Blaine High"}
    assert [g["code"] for g in campus.genders()] == ["F", "M", "X"]
    assert {"assignmentCode": "20", "description": "Athletic Coach"} in campus.assignment_codes()
    assert campus.titles() == []


def test_add_renames_an_existing_entry(campus: Campus) -> None:
    campus.add_school("010", "Blaine Senior High")
    assert [s for s in campus.schools() if s["schoolNumber"] == "010"] == [
        {"schoolNumber": "010", "name": "Blaine Senior High"}
    ]
    campus.add_title("T1", "Teacher")
    campus.add_title("T1", "Lead Teacher")
    assert campus.titles() == [{"titleCode": "T1", "titleDescription": "Lead Teacher"}]


def test_school_numbers_are_text_not_numbers(campus: Campus) -> None:
    payload = staff_payload(positions=[dict(BASKETBALL_COACH, schoolNumber="10")])
    with pytest.raises(UnknownReferenceError) as info:
        campus.create_staff(payload)
    assert info.value.value == "10"


def test_bulk_load_from_csv(tmp_path) -> None:
    campus = Campus()
    path = tmp_path / "schools.csv"
    path.write_text("schoolNumber,name\n010,Blaine High\n106,Northdale Middle\n", encoding="utf-8")
    assert campus.load_reference_csv("schools", path) == 2
    assert campus.load_reference_csv("genders", io.StringIO("code,name\nF,Female\nM,Male\n")) == 2
    assert (
        campus.load_reference_csv("assignmentCodes", io.StringIO("assignmentCode,description\n20,Coach\n"))
        == 1
    )
    assert campus.load_reference_csv("titles", io.StringIO("titleCode,titleDescription\nT1,Teacher\n")) == 1
    assert [s["schoolNumber"] for s in campus.schools()] == ["010", "106"]
    assert campus.titles() == [{"titleCode": "T1", "titleDescription": "Teacher"}]


def test_bulk_load_is_all_or_nothing(campus: Campus) -> None:
    bad = io.StringIO("schoolNumber,name\n300,Good School\n,Missing Number\n")
    with pytest.raises(ValidationError) as info:
        campus.load_reference_csv("schools", bad)
    assert info.value.field == "schoolNumber" and "line 3" in str(info.value)
    assert "300" not in [s["schoolNumber"] for s in campus.schools()]


def test_bulk_load_needs_the_header(campus: Campus) -> None:
    with pytest.raises(ValidationError) as info:
        campus.load_reference_csv("genders", io.StringIO("gender,label\nF,Female\n"))
    assert info.value.rule == "csv-header"
    with pytest.raises(ValidationError):
        campus.load_reference_csv("colours", io.StringIO("code,name\n"))


def test_gender_must_be_listed(campus: Campus) -> None:
    with pytest.raises(UnknownReferenceError) as info:
        campus.create_staff(staff_payload(gender="Q"))
    assert (info.value.field, info.value.rule, info.value.value) == ("gender", "listed-gender", "Q")
    assert "'Q'" in str(info.value)


def test_school_must_be_listed(campus: Campus) -> None:
    with pytest.raises(UnknownReferenceError) as info:
        campus.create_staff(staff_payload(positions=[dict(BASKETBALL_COACH, schoolNumber="999")]))
    assert info.value.field == "positions[0].schoolNumber"
    assert info.value.rule == "listed-school"
    assert "'999'" in str(info.value)


def test_assignment_code_must_be_listed(campus: Campus) -> None:
    with pytest.raises(UnknownReferenceError) as info:
        campus.create_staff(staff_payload(positions=[dict(BASKETBALL_COACH, assignmentCode="77")]))
    assert (info.value.field, info.value.rule, info.value.value) == (
        "positions[0].assignmentCode",
        "listed-assignment-code",
        "77",
    )
    assert "'77'" in str(info.value)


def test_unknown_title_is_created_with_its_description(campus: Campus) -> None:
    result = campus.create_staff(staff_payload())
    assert campus.titles() == [{"titleCode": "4A61E262", "titleDescription": "Varsity Basketball"}]
    assert "title-created" in [w["code"] for w in result["warnings"]]
    # A known title keeps its description.
    again = campus.create_staff(
        staff_payload("1002", positions=[dict(BASKETBALL_COACH, titleDescription="Something Else")])
    )
    assert "title-created" not in [w["code"] for w in again["warnings"]]
    assert campus.titles() == [{"titleCode": "4A61E262", "titleDescription": "Varsity Basketball"}]


def test_new_title_without_description_takes_the_code(campus: Campus) -> None:
    position = {"schoolNumber": "106", "titleCode": "ZZ9", "startDate": "2024-01-01"}
    campus.create_staff(staff_payload(positions=[position]))
    assert {"titleCode": "ZZ9", "titleDescription": "ZZ9"} in campus.titles()
