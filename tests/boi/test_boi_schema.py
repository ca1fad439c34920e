"""The payload schema: defined once, validated, documented."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from boi_support import LEXINGTON_FULL, staff_payload, with_address

from addrmatch.boi import Campus, ValidationError
from addrmatch.boi.schema import (
    EMPLOYMENT_FIELDS,
    HOUSEHOLD_FIELDS,
    LOCATION_FIELDS,
    POSITION_FIELDS,
    STAFF_FIELDS,
    clean_staff,
    schema_table,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_issue_field_names_are_the_schema() -> None:
    names = [f.name for f in STAFF_FIELDS if not f.output_only]
    assert names == [
        "staffNumber",
        "lastName",
        "firstName",
        "middleName",
        "gender",
        "ssn",
        "birthdate",
        "workPhone",
        "cellPhone",
        "otherPhone",
        "workEmail",
        "personalEmail",
        "employments",
        "positions",
        "household",
    ]
    assert [f.name for f in EMPLOYMENT_FIELDS] == ["hireDate", "terminationDate"]
    assert [f.name for f in POSITION_FIELDS if not f.output_only] == [
        "schoolNumber",
        "assignmentCode",
        "titleCode",
        "titleDescription",
        "startDate",
        "endDate",
    ]
    assert "householdLocations" in [f.name for f in HOUSEHOLD_FIELDS]
    assert "address" in [f.name for f in LOCATION_FIELDS]


def test_result_has_the_payload_shape_and_round_trips(campus: Campus) -> None:
    created = campus.create_staff(with_address(staff_payload(), LEXINGTON_FULL))
    record = campus.get_staff("1001")
    for spec in STAFF_FIELDS:
        if spec.name not in ("warnings", "addressResolutions"):
            assert spec.name in record, spec.name
    before = copy.deepcopy(dict(record))
    # Sending a result back (edited or not) is a valid update; output-only fields are ignored.
    again = campus.update_staff("1001", dict(record))
    again.pop("warnings")
    again.pop("addressResolutions")
    assert dict(again) == before
    assert len(campus.identity_history("1001")) == 1
    assert created["household"] == again["household"]


def test_nested_fields_are_named_by_path(campus: Campus) -> None:
    payload = staff_payload(employments=[{"hireDate": "2020-01-01"}, {"terminationDate": "2021-01-01"}])
    with pytest.raises(ValidationError) as info:
        campus.create_staff(payload)
    assert (info.value.field, info.value.rule) == ("employments[1].hireDate", "required")
    payload = with_address(staff_payload(), LEXINGTON_FULL)
    payload["household"]["householdLocations"][0]["mailng"] = True
    with pytest.raises(ValidationError) as info:
        campus.create_staff(payload)
    assert (info.value.field, info.value.rule) == ("household.householdLocations[0].mailng", "unknown-field")
    payload["household"]["householdLocations"][0] = {"address": LEXINGTON_FULL, "mailing": "sometimes"}
    with pytest.raises(ValidationError) as info:
        campus.create_staff(payload)
    assert info.value.field == "household.householdLocations[0].mailing"


def test_values_are_normalised() -> None:
    cleaned = clean_staff(
        {
            "staffNumber": 1001,
            "lastName": "  Smith ",
            "firstName": "Pat",
            "gender": "F",
            "middleName": "",
            "ssn": "123456789",
            "employments": None,
        }
    )
    assert cleaned["staffNumber"] == "1001" and cleaned["lastName"] == "Smith"
    assert cleaned["middleName"] is None and cleaned["employments"] == []
    with pytest.raises(ValidationError):
        clean_staff([("staffNumber", "1")])


def test_schema_table_lists_every_input_field() -> None:
    table = schema_table()

    def paths(prefix: str, specs: tuple) -> list[str]:
        out = []
        for spec in specs:
            if spec.output_only:
                continue
            out.append(prefix + spec.name)
            if spec.fields:
                out += paths(prefix + spec.name + ("[]." if spec.type == "array" else "."), spec.fields)
        return out

    for path in paths("", STAFF_FIELDS):
        assert f"| `{path}` |" in table, path
    assert "| `household.householdLocations[].mailing` | boolean | optional | true |" in table
    assert "| `household.name` | string | optional | the staff member's lastName |" in table


def test_readme_section_holds_the_schema_table() -> None:
    """The README section (.notes/README_boi.md until it is merged into README.md) shows the table."""
    header = schema_table().splitlines()[0]
    candidates = [ROOT / "README.md", ROOT / ".notes" / "README_boi.md"]
    texts = [p.read_text(encoding="utf-8") for p in candidates if p.exists()]
    text = next((t for t in texts if header in t), None)
    if text is None:
        pytest.skip("no README section for addrmatch.boi in this checkout")
    assert schema_table() in text
