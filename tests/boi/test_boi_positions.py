"""District assignments (positions): create, update, the complete-list rule."""

from __future__ import annotations

import pytest
from boi_support import BASKETBALL_COACH, Clock, staff_payload

from addrmatch.boi import Campus, NotFoundError, UnknownReferenceError, ValidationError

TEACHER = {"schoolNumber": "106", "assignmentCode": "12", "startDate": "2020-08-25"}


def _shape(positions: list[dict]) -> list[tuple]:
    return [
        (p["schoolNumber"], p["assignmentCode"], p["titleCode"], p["startDate"], p["endDate"])
        for p in positions
    ]


def test_basketball_coach_example(campus: Campus) -> None:
    campus.create_staff(staff_payload(positions=[]))
    result = campus.create_position("1001", BASKETBALL_COACH)
    [position] = result["positions"]
    assert position["schoolNumber"] == "010"
    assert position["assignmentCode"] == "20"
    assert position["titleCode"] == "4A61E262"
    assert position["titleDescription"] == "Varsity Basketball"
    assert (position["startDate"], position["endDate"]) == ("2023-10-01", None)
    assert isinstance(position["positionId"], int)


@pytest.mark.parametrize(("missing", "field"), [("schoolNumber", "schoolNumber"), ("startDate", "startDate")])
def test_create_position_requires_school_and_start(campus: Campus, missing: str, field: str) -> None:
    campus.create_staff(staff_payload(positions=[]))
    payload = {k: v for k, v in BASKETBALL_COACH.items() if k != missing}
    with pytest.raises(ValidationError) as info:
        campus.create_position("1001", payload)
    assert (info.value.field, info.value.rule) == (field, "required")


def test_create_position_requires_title_or_assignment_code(campus: Campus) -> None:
    campus.create_staff(staff_payload(positions=[]))
    with pytest.raises(ValidationError) as info:
        campus.create_position(
            "1001", {"schoolNumber": "010", "startDate": "2024-01-01", "titleDescription": "X"}
        )
    assert info.value.rule == "title-or-assignment-code"
    only_title = campus.create_position(
        "1001", {"schoolNumber": "010", "titleCode": "T9", "startDate": "2024-01-01"}
    )
    only_code = campus.create_position(
        "1001", {"schoolNumber": "010", "assignmentCode": "12", "startDate": "2024-01-01"}
    )
    assert len(only_title["positions"]) == 1 and len(only_code["positions"]) == 2


def test_identical_positions_may_be_created_twice(campus: Campus) -> None:
    campus.create_staff(staff_payload(positions=[]))
    campus.create_position("1001", BASKETBALL_COACH)
    result = campus.create_position("1001", BASKETBALL_COACH)
    assert len(result["positions"]) == 2
    assert _shape(result["positions"])[0] == _shape(result["positions"])[1]


def test_create_position_checks_the_lists(campus: Campus) -> None:
    campus.create_staff(staff_payload(positions=[]))
    with pytest.raises(UnknownReferenceError) as info:
        campus.create_position("1001", dict(BASKETBALL_COACH, schoolNumber="999"))
    assert info.value.field == "schoolNumber" and info.value.value == "999"
    with pytest.raises(UnknownReferenceError) as info:
        campus.create_position("1001", dict(BASKETBALL_COACH, assignmentCode="77"))
    assert info.value.field == "assignmentCode" and info.value.value == "77"


def test_create_position_for_an_unknown_staff_number(campus: Campus) -> None:
    with pytest.raises(NotFoundError):
        campus.create_position("4040", BASKETBALL_COACH)


def test_update_position_by_start_date_sets_the_end_date(campus: Campus) -> None:
    campus.create_staff(staff_payload(positions=[BASKETBALL_COACH, TEACHER]))
    updated = campus.update_position(
        "1001",
        {"schoolNumber": "010", "titleCode": "4A61E262", "startDate": "2023-10-01", "endDate": "2024-03-01"},
    )
    assert _shape(updated) == [("010", "20", "4A61E262", "2023-10-01", "2024-03-01")]
    stored = campus.get_staff("1001")["positions"]
    assert ("106", "12", None, "2020-08-25", None) in _shape(stored)


def test_update_position_by_end_date_sets_the_start_date(campus: Campus) -> None:
    campus.create_staff(staff_payload(positions=[dict(BASKETBALL_COACH, endDate="2024-03-01")]))
    updated = campus.update_position(
        "1001",
        {"schoolNumber": "010", "assignmentCode": "20", "startDate": "2023-11-15", "endDate": "2024-03-01"},
    )
    assert _shape(updated) == [("010", "20", "4A61E262", "2023-11-15", "2024-03-01")]


def test_update_position_updates_every_match(campus: Campus) -> None:
    campus.create_staff(staff_payload(positions=[BASKETBALL_COACH, BASKETBALL_COACH, TEACHER]))
    updated = campus.update_position(
        "1001",
        {"schoolNumber": "010", "assignmentCode": "20", "startDate": "2023-10-01", "endDate": "2024-02-01"},
    )
    assert len(updated) == 2
    assert all(p["endDate"] == "2024-02-01" for p in updated)


def test_update_position_matches_on_both_codes_when_given(campus: Campus) -> None:
    other_title = dict(BASKETBALL_COACH, titleCode="JV01", titleDescription="JV Basketball")
    campus.create_staff(staff_payload(positions=[BASKETBALL_COACH, other_title]))
    updated = campus.update_position(
        "1001",
        {
            "schoolNumber": "010",
            "assignmentCode": "20",
            "titleCode": "JV01",
            "startDate": "2023-10-01",
            "endDate": "2024-02-01",
        },
    )
    assert [p["titleCode"] for p in updated] == ["JV01"]


def test_update_position_without_a_match_is_an_error(campus: Campus) -> None:
    campus.create_staff(staff_payload(positions=[BASKETBALL_COACH]))
    with pytest.raises(NotFoundError) as info:
        campus.update_position(
            "1001",
            {
                "schoolNumber": "106",
                "titleCode": "4A61E262",
                "startDate": "2023-10-01",
                "endDate": "2024-01-01",
            },
        )
    assert info.value.rule == "position-match"
    assert campus.get_staff("1001")["positions"][0]["endDate"] is None


# -- the complete list on update_staff ---------------------------------------------


def test_update_positions_are_the_complete_list(campus: Campus) -> None:
    campus.create_staff(staff_payload(positions=[BASKETBALL_COACH, TEACHER]))
    principal = {"schoolNumber": "200", "assignmentCode": "50", "startDate": "2024-07-01"}
    result = campus.update_staff("1001", {"positions": [dict(TEACHER, endDate="2024-06-30"), principal]})
    assert sorted(_shape(result["positions"])) == [
        ("106", "12", None, "2020-08-25", "2024-06-30"),
        ("200", "50", None, "2024-07-01", None),
    ]
    assert "positions-end-dated" not in [w["code"] for w in result["warnings"]]


def test_matching_positions_are_kept_not_recreated(campus: Campus) -> None:
    created = campus.create_staff(staff_payload(positions=[BASKETBALL_COACH, TEACHER]))
    ids = {p["positionId"] for p in created["positions"]}
    result = campus.update_staff("1001", {"positions": [TEACHER, BASKETBALL_COACH]})
    assert {p["positionId"] for p in result["positions"]} == ids


def test_linked_positions_are_end_dated_instead_of_removed(campus: Campus, clock: Clock) -> None:
    created = campus.create_staff(staff_payload(positions=[BASKETBALL_COACH, TEACHER]))
    teacher_id = next(p["positionId"] for p in created["positions"] if p["schoolNumber"] == "106")
    campus.link_position(teacher_id, "section", "ALG1-03")
    clock.today = "2025-01-10"
    result = campus.update_staff("1001", {"positions": [BASKETBALL_COACH]})
    assert sorted(_shape(result["positions"])) == [
        ("010", "20", "4A61E262", "2023-10-01", None),
        ("106", "12", None, "2020-08-25", "2025-01-10"),
    ]
    [warning] = [w for w in result["warnings"] if w["code"] == "positions-end-dated"]
    assert [p["positionId"] for p in warning["positions"]] == [teacher_id]


def test_linked_position_keeps_an_earlier_end_date(campus: Campus) -> None:
    created = campus.create_staff(staff_payload(positions=[dict(TEACHER, endDate="2021-06-01")]))
    campus.link_position(created["positions"][0]["positionId"], "section")
    result = campus.update_staff("1001", {"positions": []})
    assert _shape(result["positions"]) == [("106", "12", None, "2020-08-25", "2021-06-01")]


def test_empty_position_list_removes_unlinked_positions(campus: Campus) -> None:
    campus.create_staff(staff_payload(positions=[BASKETBALL_COACH]))
    result = campus.update_staff("1001", {"positions": []})
    assert result["positions"] == [] and result["staffMember"] is False


def test_update_without_positions_leaves_them(campus: Campus) -> None:
    campus.create_staff(staff_payload(positions=[BASKETBALL_COACH]))
    assert len(campus.update_staff("1001", {"workPhone": "1"})["positions"]) == 1
    assert len(campus.update_staff("1001", {"positions": None})["positions"]) == 1


def test_duplicates_in_the_list_are_kept_as_duplicates(campus: Campus) -> None:
    campus.create_staff(staff_payload(positions=[BASKETBALL_COACH]))
    result = campus.update_staff("1001", {"positions": [BASKETBALL_COACH, BASKETBALL_COACH]})
    assert len(result["positions"]) == 2
    result = campus.update_staff("1001", {"positions": [BASKETBALL_COACH]})
    assert len(result["positions"]) == 1
