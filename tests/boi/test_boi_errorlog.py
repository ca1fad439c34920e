"""The Business Office Error Log."""

from __future__ import annotations

import csv
import io
import os
import stat

import pytest
from boi_support import BASKETBALL_COACH, LEXINGTON_FULL, Clock, staff_payload, with_address

from addrmatch.boi import (
    Campus,
    DuplicateStaffNumberError,
    NotFoundError,
    POBoxRuleError,
    UnknownReferenceError,
    ValidationError,
    errorlog,
)
from addrmatch.boi.errorlog import CSV_COLUMNS

BASE = "/api/businessOfficeIntegration"


def test_each_failed_call_is_logged_with_method_and_path(campus: Campus) -> None:
    campus.create_staff(staff_payload("1001", positions=[]))
    failures = [
        (
            lambda: campus.create_staff(staff_payload("1001")),
            DuplicateStaffNumberError,
            "POST",
            "/staffMembers",
        ),
        (
            lambda: campus.update_staff("1001", {"gender": "Q"}),
            UnknownReferenceError,
            "PUT",
            "/staffMembers/{staffNumber}",
        ),
        (
            lambda: campus.create_position("1001", dict(BASKETBALL_COACH, schoolNumber="999")),
            UnknownReferenceError,
            "POST",
            "/staffMembers/{staffNumber}/position",
        ),
        (
            lambda: campus.update_position("1001", BASKETBALL_COACH),
            NotFoundError,
            "PUT",
            "/staffMembers/{staffNumber}/position",
        ),
        (lambda: campus.search_staff(), ValidationError, "GET", "/staffMembers"),
        (lambda: campus.search_addresses(""), ValidationError, "GET", "/addresses"),
    ]
    for call, error, _, _ in failures:
        with pytest.raises(error):
            call()
    log = campus.error_log()
    assert [(e["action"], e["path"]) for e in log] == [(m, BASE + p) for _, _, m, p in failures]
    assert all(e["errorDate"] == "2024-08-01" for e in log)
    assert "'Q'" in log[1]["message"] and log[1]["errorType"] == "UnknownReferenceError"
    assert log[1]["payload"] == {"gender": "Q"}
    assert log[1]["staffNumber"] == "1001"


def test_successful_calls_are_not_logged(campus: Campus) -> None:
    campus.create_staff(staff_payload())
    campus.update_staff("1001", {"workPhone": "1"})
    assert campus.error_log() == []


def test_the_log_row_survives_the_rollback(campus: Campus) -> None:
    payload = with_address(
        staff_payload(), dict(LEXINGTON_FULL, fullStreetAddress=None, postOfficeBox=True, street="X")
    )
    with pytest.raises(POBoxRuleError):
        campus.create_staff(payload)
    assert campus.search_staff(staff_number="1001") == []
    assert len(campus.store) == 0
    [entry] = campus.error_log()
    assert entry["path"] == BASE + "/staffMembers" and "postOfficeBox" in entry["message"]


def test_log_is_filterable_by_date(campus: Campus, clock: Clock) -> None:
    for day in ("2024-08-01", "2024-08-15", "2024-09-01"):
        clock.today = day
        with pytest.raises(ValidationError):
            campus.create_staff({"lastName": day})
    assert [e["errorDate"] for e in campus.error_log(since="2024-08-10")] == ["2024-08-15", "2024-09-01"]
    assert [e["errorDate"] for e in campus.error_log(until="2024-08-15")] == ["2024-08-01", "2024-08-15"]
    assert [e["errorDate"] for e in campus.error_log(since="2024-08-02", until="2024-08-31")] == [
        "2024-08-15"
    ]
    assert campus.error_log(action="PUT") == []
    with pytest.raises(ValidationError):
        campus.error_log(since="last week")


def test_log_exports_to_csv(campus: Campus, tmp_path) -> None:
    with pytest.raises(ValidationError):
        campus.create_staff(staff_payload(gender=None))
    # A message that a spreadsheet would take for a formula.
    errorlog.record(
        campus.connection,
        today="2024-08-01",
        action="PUT",
        path=BASE + "/staffMembers/{staffNumber}",
        staff_number="x",
        error=RuntimeError("=cmd|' /C calc'!A0"),
        payload={"lastName": "@SUM(A1)"},
    )
    buffer = io.StringIO()
    assert campus.export_error_log(buffer) == 2
    rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS == ("Error Date", "Action", "Path", "Error Message", "Payload")
    assert rows[1][:3] == ["2024-08-01", "POST", BASE + "/staffMembers"]
    assert "gender" in rows[1][3]
    assert '"staffNumber": "1001"' in rows[1][4]
    # Spreadsheet formulas are neutralised.
    assert rows[2][3] == "'=cmd|' /C calc'!A0"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    path = tmp_path / "errors.csv"
    assert campus.export_error_log(path, since="2024-08-02") == 0
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_text(encoding="utf-8").splitlines() == [",".join(CSV_COLUMNS)]


def test_district_side_failures_are_not_hr_errors(campus: Campus) -> None:
    with pytest.raises(ValidationError):
        campus.add_school("", "Nameless")
    assert campus.error_log() == []
