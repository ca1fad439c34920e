"""Hostile and odd input (issue 9, the boi part): every failure is the
library's own error naming the argument or field and the rule, every failed
HR call is in the error log (masked, storable), and a failed call changes
nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from boi_support import Clock, load_lists, staff_payload

from addrmatch.boi import BOIError, Campus, NotFoundError, ValidationError
from addrmatch.boi.endpoints import ENDPOINTS
from addrmatch.errors import DatabaseError

SURROGATE = "A\ud800"
MEGABYTE = "x" * 1_000_000


def _deep(levels: int) -> list[Any]:
    top: list[Any] = []
    cur = top
    for _ in range(levels):
        cur.append([])
        cur = cur[0]
    return top


def _log_json(campus: Campus) -> str:
    """The error log as JSON: it can always be encoded (no lone surrogate)."""
    return json.dumps(campus.error_log(), ensure_ascii=False).encode("utf-8").decode("utf-8")


def test_a_lone_surrogate_is_refused_and_the_failed_call_logged(campus: Campus, unchanged) -> None:
    error = unchanged(lambda: campus.create_staff(staff_payload(lastName=SURROGATE)), ValidationError)
    assert (error.field, error.rule) == ("lastName", "invalid-unicode")
    [row] = campus.error_log()
    assert (row["action"], row["path"]) == ("POST", ENDPOINTS["create_staff"].path)
    assert row["payload"]["lastName"] == "A\ufffd"  # stored, readable, the surrogate replaced
    assert row["payload"]["ssn"] == "***-**-6789"  # and masked
    _log_json(campus)


def test_a_surrogate_anywhere_is_logged_even_in_a_key_or_the_staff_number(campus: Campus) -> None:
    with pytest.raises(ValidationError) as info:
        campus.create_staff({**staff_payload(number=SURROGATE), SURROGATE: 1})
    assert info.value.rule == "unknown-field"
    with pytest.raises(ValidationError):
        campus.update_staff(SURROGATE, {"lastName": "B"})
    assert len(campus.error_log()) == 2
    text = _log_json(campus)
    assert "\ud800" not in text


def test_one_bad_record_in_a_transfer_is_refused_alone(campus: Campus) -> None:
    sync = campus.sync
    sync.start(started_by="HR")
    result = sync.transfer([staff_payload("1"), staff_payload("2", firstName=SURROGATE), staff_payload("3")])
    assert (result["accepted"], result["failed"]) == (2, 1)
    [failure] = result["failures"]
    assert (failure["index"], failure["field"], failure["rule"]) == (1, "firstName", "invalid-unicode")
    json.dumps(result, ensure_ascii=False).encode("utf-8")  # the result itself is valid text
    assert [e["path"] for e in campus.error_log()] == [ENDPOINTS["sync.transfer"].path]
    sync.end()
    assert sync.validate()["summary"]["hrStaffNotInCampus"] == 2


def test_validate_from_a_json_file_with_a_surrogate_record(tmp_path: Path) -> None:
    db = tmp_path / "campus.db"
    campus = Campus(db, clock=Clock("2024-08-01"))
    load_lists(campus)
    campus.close()
    hr = tmp_path / "hr.json"
    records = [staff_payload("1"), staff_payload("2", lastName=SURROGATE)]
    hr.write_text(json.dumps(records), encoding="utf-8")  # JSON carries it as "\ud800"
    report = tmp_path / "report.json"
    run = subprocess.run(
        [sys.executable, "-m", "addrmatch", "boi", "validate", str(db), str(hr), "-o", str(report)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr  # a negative answer: a record was rejected
    assert "invalid-unicode" in run.stderr or "surrogate" in run.stderr
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["hrStaffNotInCampus"] == 1
    assert Campus(db).sync.status()["state"] == "validated"


def test_a_huge_staff_number_is_refused_not_echoed(campus: Campus) -> None:
    for call in (
        lambda: campus.get_staff(MEGABYTE),
        lambda: campus.update_staff(MEGABYTE, {"lastName": "B"}),
        lambda: campus.create_position(MEGABYTE, {}),
    ):
        with pytest.raises(BOIError) as info:
            call()
        assert len(str(info.value)) < 500 and len(repr(info.value)) < 800
        assert info.value.rule == "too-long" and info.value.field == "staffNumber"
    for row in campus.error_log():
        assert len(row["message"]) < 500


def test_a_huge_search_text_is_refused(campus: Campus) -> None:
    with pytest.raises(ValidationError) as info:
        campus.search_staff(last_name=MEGABYTE)
    assert (info.value.field, info.value.rule) == ("lastName", "too-long")
    with pytest.raises(ValidationError) as info:
        campus.search_addresses(MEGABYTE)
    assert (info.value.field, info.value.rule) == ("text", "too-long")


def test_huge_integers(campus: Campus) -> None:
    with pytest.raises(NotFoundError) as info:
        campus.get_staff(2**70)
    assert info.value.field == "personId"
    with pytest.raises(ValidationError) as info:
        campus.create_staff(staff_payload(number=10**4300))
    repr(info.value), str(info.value)  # neither raises
    assert info.value.rule == "out-of-range" and len(repr(info.value)) < 800
    assert campus.error_log()[0]["staffNumber"] is None


def test_an_empty_database_path_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatabaseError):
        Campus("")
    assert list(tmp_path.iterdir()) == []


def test_deeply_nested_payloads_are_refused_and_logged(campus: Campus, unchanged) -> None:
    deep = _deep(100_000)
    error = unchanged(lambda: campus.create_staff({**staff_payload(), "household": deep}), ValidationError)
    assert error.rule == "nesting"
    error = unchanged(lambda: campus.create_staff({**staff_payload(), "notes": deep}), ValidationError)
    assert error.rule == "nesting"
    campus.sync.start(started_by="HR")
    result = campus.sync.transfer([{**staff_payload(), "positions": deep}, staff_payload("2")])
    assert result["accepted"] == 1 and [f["rule"] for f in result["failures"]] == ["nesting"]
    assert len(campus.error_log()) == 3
    _log_json(campus)


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.sync.transfer(None), "records"),
        (lambda c: c.search_addresses("12 Main St", limit="x"), "limit"),
        (lambda c: c.search_addresses(None), "text"),
        (lambda c: c.import_legacy_staff(None), "records"),
        (lambda c: c.export_error_log(12345), "dest"),
        (lambda c: c.search_staff(last_name="A", limit=10**30), "limit"),
        (lambda c: c.error_log(action=5), "action"),
    ],
)
def test_wrong_typed_arguments_are_validation_errors(
    campus: Campus, call: Callable[[Campus], Any], field: str
) -> None:
    if field == "records" and "transfer" in repr(call.__code__.co_consts):
        campus.sync.start(started_by="HR")
    with pytest.raises(ValidationError) as info:
        call(campus)
    assert info.value.field == field


def test_every_failed_hr_call_is_logged_whatever_its_input(campus: Campus) -> None:
    hostile: list[Any] = [None, 12, "x", [], {"a": SURROGATE}, {SURROGATE: MEGABYTE}, _deep(50), 10**5000]
    calls = 0
    for value in hostile:
        for call in (
            lambda v: campus.create_staff(v),
            lambda v: campus.update_staff("1001", v),
            lambda v: campus.create_position("1001", v),
            lambda v: campus.update_position("1001", v),
        ):
            with pytest.raises(BOIError):
                call(value)
            calls += 1
    assert len(campus.error_log()) == calls
    _log_json(campus)


def test_staged_payloads_keep_no_personal_data_in_clear_after_the_commit(campus: Campus) -> None:
    sync = campus.sync
    sync.start(started_by="HR")
    sync.transfer([staff_payload("1"), staff_payload("2", birthdate="1970-03-04")])
    sync.end()
    sync.validate()
    staged = "\n".join(r[0] for r in campus.connection.execute("SELECT payload FROM sync_record"))
    assert "123-45-6789" in staged  # kept as sent until the commit (a re-validation needs it)
    assert sync.commit()["committed"] == 2
    staged = "\n".join(r[0] for r in campus.connection.execute("SELECT payload FROM sync_record"))
    assert "6789" in staged and "123-45-6789" not in staged and "123456789" not in staged
    assert "1979-12-26" not in staged and "1970-03-04" not in staged
    assert campus.sync.status()["staffCommitted"] == 2


@pytest.mark.parametrize(
    "flags", [{"include_non_staff": "maybe"}, {"staff_members_only": [1]}, {"include_non_staff": object()}]
)
def test_a_bad_search_flag_is_a_logged_validation_error(campus: Campus, flags: dict[str, Any]) -> None:
    # Found by tests/fuzz: the flag was read before the call's unit of work, so a flag whose
    # truth could not be taken escaped the error log, and "maybe" counted as true.
    with pytest.raises(ValidationError, match="must be true or false"):
        campus.search_staff(last_name="Sim", **flags)
    [row] = campus.error_log()
    assert (row["action"], row["path"]) == ("GET", ENDPOINTS["search_staff"].path)


def test_a_failed_sync_call_on_a_new_campus_changes_nothing(tmp_path: Path) -> None:
    # Found by tests/fuzz: the sync tables were created on the first use of campus.sync, so
    # `boi commit` with nothing to commit (or POST .../sync/end) changed the database it refused.
    path = tmp_path / "campus.db"
    Campus(path).close()
    campus = Campus(path)
    before = [line for line in campus.connection.iterdump() if "error_log" not in line]
    with pytest.raises(BOIError):
        campus.sync.end()
    assert [line for line in campus.connection.iterdump() if "error_log" not in line] == before
