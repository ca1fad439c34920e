"""Staff synchronization (issue 6): every step of the state machine, every
out-of-order call, what validate compares and what commit applies."""

from __future__ import annotations

import copy
import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from boi_support import BASKETBALL_COACH, Clock, dump, load_lists

from addrmatch import match_key
from addrmatch.boi import (
    AmbiguousStaffNumberError,
    Campus,
    ReadOnlyError,
    ValidationError,
)
from addrmatch.boi.sync import SYNC_PATH, Sync, SyncStateError

LEXINGTON = {
    "fullStreetAddress": "4321 N Lexington Ave Apt 45",
    "city": "Blaine",
    "state": "MN",
    "zip": "55434",
}


def person(number: str | None, **changes: Any) -> dict[str, Any]:
    """A staff record as both systems hold it (Campus legacy data or an HR transfer)."""
    record: dict[str, Any] = {
        "staffNumber": number,
        "lastName": "Franklin",
        "firstName": "Frank",
        "middleName": "F",
        "gender": "M",
        "ssn": "123-45-6789",
        "birthdate": "1991-12-08",
        "workEmail": "FFF@email.com",
        "workPhone": "(723)897-1184x6033",
        "employments": [{"hireDate": "2020-12-08"}],
        "positions": [copy.deepcopy(BASKETBALL_COACH)],
        "household": {"householdLocations": [{"address": dict(LEXINGTON)}]},
    }
    record.update(changes)
    return record


def sync_to_validate(campus: Campus, records: list[dict[str, Any]]) -> Any:
    sync = campus.sync
    sync.start(started_by="Postma, Madison")
    result = sync.transfer(records)
    assert result["failures"] == [], result["failures"]
    sync.end()
    return sync.validate()


def errors_at(campus: Campus, path: str) -> list[dict[str, Any]]:
    return [e for e in campus.error_log() if e["path"] == path]


# ---------------------------------------------------------------------------
# the state machine


def _interrupt_after_first(_done: int, _failed: int, _total: int) -> None:
    raise KeyboardInterrupt


def to_state(campus: Campus, state: str) -> None:
    """Bring a fresh Campus's sync to ``state``."""
    sync = campus.sync
    if state == "none":
        return
    campus.import_legacy_staff([person("1001"), person("1002", lastName="Other")])
    sync.start(started_by="HR")
    if state == "transferring-empty":
        return
    sync.transfer([person("1001", workEmail="fff@email.com"), person("1002", lastName="Changed")])
    if state == "transferring":
        return
    sync.end()
    if state == "ended":
        return
    sync.validate()
    if state == "validated":
        return
    if state == "committed":
        sync.commit()
        return
    assert state == "interrupted"
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C after the first staff member
        sync.commit(progress=_interrupt_after_first)


OPS: dict[str, Callable[[Sync], Any]] = {
    "start": lambda s: s.start(started_by="HR"),
    "transfer": lambda s: s.transfer([person("2002")]),
    "end": lambda s: s.end(),
    "validate": lambda s: s.validate(),
    "commit": lambda s: s.commit(),
    "submit_commit_job": lambda s: s.submit_commit_job(),
    "restart": lambda s: s.restart(),
}
OP_PATHS = {
    "start": "start",
    "transfer": "transfer",
    "end": "end",
    "validate": "validate",
    "commit": "commit",
    "submit_commit_job": "submitCommitJob",
    "restart": "restart",
}
#: state -> {allowed op: the state it leads to}
ALLOWED: dict[str, dict[str, str]] = {
    "none": {"start": "transferring"},
    "transferring-empty": {"transfer": "transferring", "restart": "transferring"},
    "transferring": {
        "transfer": "transferring",
        "end": "ended",
        "restart": "transferring",
    },
    "ended": {"validate": "validated", "restart": "transferring"},
    "validated": {
        "validate": "validated",
        "commit": "committed",
        "submit_commit_job": "committed",
        "restart": "transferring",
    },
    "interrupted": {"validate": "validated", "restart": "transferring"},
    "committed": {"start": "transferring"},
}
REFUSED = [(state, op) for state in ALLOWED for op in OPS if op not in ALLOWED[state]]
PERMITTED = [(state, op, after) for state, ops in ALLOWED.items() for op, after in ops.items()]


@pytest.mark.parametrize(("state", "op"), REFUSED, ids=[f"{s}-{o}" for s, o in REFUSED])
def test_out_of_order_call_is_a_clear_error_and_changes_nothing(campus: Campus, state: str, op: str) -> None:
    to_state(campus, state)
    before = dump(campus)
    logged = len(campus.error_log())
    with pytest.raises(SyncStateError) as info:
        OPS[op](campus.sync)
    error = info.value
    assert dump(campus) == before
    current = None if state == "none" else state.replace("-empty", "")
    assert error.value == current
    assert error.rule in ("sync-state", "sync-empty")
    assert str(error).startswith(f"{op}: ")
    # the message names the next step
    assert any(step in str(error) for step in ("start()", "transfer()", "end()", "validate()", "commit()"))
    log = campus.error_log()
    assert len(log) == logged + 1
    assert log[-1]["path"] == f"{SYNC_PATH}/{OP_PATHS[op]}"
    assert log[-1]["errorType"] == "SyncStateError"


@pytest.mark.parametrize(("state", "op", "after"), PERMITTED, ids=[f"{s}-{o}" for s, o, _ in PERMITTED])
def test_allowed_call_moves_to_the_next_state(campus: Campus, state: str, op: str, after: str) -> None:
    to_state(campus, state)
    OPS[op](campus.sync)
    if op == "submit_commit_job":
        assert campus.sync.wait(timeout=30)["state"] == "completed"
    assert campus.sync.status()["state"] == after


def test_end_needs_something_transferred(campus: Campus) -> None:
    campus.sync.start(started_by="HR")
    failed = campus.sync.transfer([person("1", gender="Q")])
    assert failed["accepted"] == 0 and failed["staffTransferred"] == 0
    with pytest.raises(SyncStateError, match="nothing was transferred") as info:
        campus.sync.end()
    assert info.value.rule == "sync-empty"


def test_state_lives_in_the_database(tmp_path: Path) -> None:
    path = tmp_path / "campus.db"
    first = Campus(path, clock=Clock("2024-08-01"))
    load_lists(first)
    first.import_legacy_staff([person("FFF666")])
    first.sync.start(started_by="Postma, Madison")
    first.sync.transfer([person("FFF666", workEmail="fff@email.com")])
    first.close()

    second = Campus(path, clock=Clock("2024-08-01"))
    status = second.sync.status()
    assert (status["state"], status["startedBy"], status["staffTransferred"]) == (
        "transferring",
        "Postma, Madison",
        1,
    )
    second.sync.end()
    second.close()

    third = Campus(path, clock=Clock("2024-08-01"))
    report = third.sync.validate()
    assert report["summary"]["demographicFieldDifferences"]["Work Email"] == 1
    result = third.sync.commit()
    assert (result["committed"], result["failed"]) == (1, 0)
    third.close()

    fourth = Campus(path)
    assert fourth.sync.commit_job_status()["state"] == "completed"
    assert fourth.get_staff("FFF666")["workEmail"] == "fff@email.com"
    fourth.close()


def test_status_shows_the_ui_columns(campus: Campus) -> None:
    sync = campus.sync
    sync.now = lambda: __import__("datetime").datetime(2023, 1, 23, 9, 30)
    assert sync.status() is None
    status = sync.start(started_by="  Postma, Madison ")
    assert (status["startedBy"], status["startedAt"], status["staffTransferred"]) == (
        "Postma, Madison",
        "2023-01-23T09:30:00",
        0,
    )
    with pytest.raises(ValidationError) as info:
        Campus().sync.start(started_by=" ")
    assert info.value.field == "startedBy"


# ---------------------------------------------------------------------------
# transfer


def test_transfer_checks_each_record_like_create_and_logs_failures(
    campus: Campus,
) -> None:
    campus.sync.start(started_by="HR")
    records = [
        person("1"),
        person("2", gender="Q"),
        person("3", positions=[{**BASKETBALL_COACH, "schoolNumber": "999"}]),
        person("4", lastname="typo"),
        person("5", ssn="123-45-678"),
        person(
            "6",
            household={
                "householdLocations": [{"address": {"postOfficeBox": True, "number": "5", "street": "Elm"}}]
            },
        ),
        person(
            "7",
            household={"householdLocations": [{"address": {**LEXINGTON, "number": "12"}}]},
        ),
        "not an object",
    ]
    result = campus.sync.transfer(records)
    assert (result["accepted"], result["failed"], result["staffTransferred"]) == (
        1,
        7,
        1,
    )
    failures = {f["index"]: f for f in result["failures"]}
    assert failures[1]["rule"] == "listed-gender"
    assert failures[2]["field"] == "positions[0].schoolNumber"
    assert failures[3]["rule"] == "unknown-field"
    assert failures[4]["field"] == "ssn" and "123-45-678" not in failures[4]["message"]
    assert failures[5]["field"] == "household.householdLocations[0].address"
    assert failures[5]["error"] == "POBoxRuleError"
    assert failures[6]["error"] == "ConflictingAddressFieldsError"
    assert failures[7]["field"] == "payload" and failures[7]["staffNumber"] is None
    logged = errors_at(campus, f"{SYNC_PATH}/transfer")
    assert [e["staffNumber"] for e in logged] == ["2", "3", "4", "5", "6", "7", None]
    assert all(e["action"] == "POST" for e in logged)
    assert logged[0]["payload"]["ssn"] == "***-**-6789" and logged[0]["payload"]["birthdate"] == "****-**-**"


def test_transfer_in_batches_and_a_number_once(campus: Campus) -> None:
    sync = campus.sync
    sync.start(started_by="HR")
    first = sync.transfer([person("A1"), person("A2")])
    again = sync.transfer([person("A2"), person("a1", lastName="Changed"), person("A3")])
    assert (first["batch"], again["batch"]) == (1, 2)
    assert (again["accepted"], again["repeats"], again["failed"]) == (2, 1, 1)
    failure = again["failures"][0]
    assert (failure["index"], failure["rule"], failure["staffNumber"]) == (
        1,
        "transferred-once",
        "a1",
    )
    assert "batch 1" in failure["message"]
    assert sync.status()["staffTransferred"] == 3


def test_transfer_takes_a_list(campus: Campus) -> None:
    campus.sync.start(started_by="HR")
    with pytest.raises(ValidationError, match="records: a list"):
        campus.sync.transfer(person("1"))  # type: ignore[arg-type]


def test_restart_discards_the_transferred_data(campus: Campus) -> None:
    sync = campus.sync
    sync.start(started_by="HR")
    sync.transfer([person("1"), person("2")])
    sync.end()
    sync.validate()
    status = sync.restart(started_by="Postma, Madison")
    assert (
        status["state"],
        status["staffTransferred"],
        status["batches"],
        status["restarts"],
    ) == (
        "transferring",
        0,
        0,
        1,
    )
    assert status["startedBy"] == "Postma, Madison" and status["validatedAt"] is None
    assert campus.connection.execute("SELECT count(*) FROM sync_record").fetchone()[0] == 0
    sync.transfer([person("1", lastName="Other")])  # the same number, other data: a new transfer
    assert sync.status()["staffTransferred"] == 1


def test_a_new_sync_deletes_the_old_records(campus: Campus) -> None:
    campus.import_legacy_staff([person("1")])
    sync_to_validate(campus, [person("1")])
    campus.sync.commit()
    assert campus.connection.execute("SELECT count(*) FROM sync_record").fetchone()[0] == 1
    campus.sync.start(started_by="HR")
    assert campus.connection.execute("SELECT count(*) FROM sync_record").fetchone()[0] == 0
    assert campus.connection.execute("SELECT count(*) FROM sync_run").fetchone()[0] == 2


# ---------------------------------------------------------------------------
# validate: what is compared


def test_matching_is_by_staff_number_case_insensitively(campus: Campus) -> None:
    campus.import_legacy_staff([person("ab12")])
    report = sync_to_validate(campus, [person("AB12")])
    summary = report["summary"]
    assert (summary["hrStaffNotInCampus"], summary["campusStaffNotInHr"]) == (0, 0)
    assert summary["demographicFieldDifferences"]["Staff Number"] == 1
    entry = report["sections"]["demographicDifferences"][0]
    assert (
        entry["campus"]["staffNumber"],
        entry["hr"]["staffNumber"],
        entry["fields"],
    ) == (
        "ab12",
        "AB12",
        ["Staff Number"],
    )
    campus.sync.commit()
    assert campus.get_staff("AB12")["staffNumber"] == "AB12"


def test_identical_records_have_no_difference(campus: Campus) -> None:
    campus.import_legacy_staff([person("1"), person("2", lastName="Zed")])
    report = sync_to_validate(campus, [person("1"), person("2", lastName="Zed")])
    s = report["summary"]
    assert s["unchanged"] == 2
    for key in (
        "demographicDifferences",
        "employmentDifferences",
        "assignmentDifferences",
        "addressDifferences",
    ):
        assert s[key] == 0, key


def test_empty_hr_fields_are_not_sent(campus: Campus) -> None:
    """As the specification's report counts them: an HR value left empty is no difference."""
    campus.import_legacy_staff([person("1", cellPhone="555-0100")])
    report = sync_to_validate(
        campus,
        [
            person(
                "1",
                middleName=None,
                birthdate=None,
                workPhone="",
                employments=[],
                positions=[],
                household=None,
            )
        ],
    )
    assert report["summary"]["unchanged"] == 1
    campus.sync.commit()
    kept = campus.get_staff("1")
    assert (kept["middleName"], kept["birthdate"], kept["cellPhone"]) == (
        "F",
        "1991-12-08",
        "555-0100",
    )
    assert len(kept["employments"]) == 1 and len(kept["positions"]) == 1
    assert kept["hrManaged"] is True


@pytest.mark.parametrize(
    ("change", "label"),
    [
        ({"ssn": "987-65-4321"}, "SSN"),
        ({"lastName": "Brown"}, "Name"),
        ({"middleName": "G"}, "Name"),
        ({"gender": "F"}, "Gender"),
        ({"personalEmail": "me@home.org"}, "Personal Email"),
        ({"workEmail": "fff@email.com"}, "Work Email"),
        ({"cellPhone": "555-0101"}, "Cell Phone"),
        ({"otherPhone": "555-0102"}, "Other Phone"),
        ({"workPhone": "(662)031-1180"}, "Work Phone"),
        ({"birthdate": "1991-12-09"}, "Birth Date"),
    ],
)
def test_each_demographic_field_is_counted(campus: Campus, change: dict[str, Any], label: str) -> None:
    campus.import_legacy_staff([person("1")])
    report = sync_to_validate(campus, [person("1", **change)])
    counts = report["summary"]["demographicFieldDifferences"]
    assert counts == {k: int(k == label) for k in counts}
    assert report["sections"]["demographicDifferences"][0]["fields"] == [label]


def test_address_spelt_another_way_is_no_difference(campus: Campus) -> None:
    campus.import_legacy_staff([person("1"), person("2"), person("3")])
    spelled = {"fullStreetAddress": "4321 North Lexington Avenue #45", "city": "BLAINE", "state": "Minnesota",
               "zip": "55434-0001"}  # fmt: skip
    mis_split = {"number": "4321 North", "street": "Lexington Avenue", "apt": "Apt 45", "city": "Blaine",
                 "state": "MN", "zip": "55434"}  # fmt: skip
    assert match_key(spelled) == match_key(LEXINGTON)
    assert match_key(mis_split) != match_key(LEXINGTON)  # only the store's reparse tier finds it
    moved = {
        "fullStreetAddress": "4321 S Lexington Ave Apt 45",
        "city": "Blaine",
        "state": "MN",
        "zip": "55434",
    }
    records = [
        person(n, household={"householdLocations": [{"address": a}]})
        for n, a in (("1", spelled), ("2", mis_split), ("3", moved))
    ]
    report = sync_to_validate(campus, records)
    diffs = report["sections"]["addressDifferences"]
    assert [d["staffNumber"] for d in diffs] == ["3"]
    assert diffs[0]["hr"][0]["prefix"] == "S" and diffs[0]["campus"][0]["prefix"] == "N"
    assert diffs[0]["applies"] is True
    assert [a["staffNumbers"] for a in report["sections"]["addressesToAdd"]] == [["3"]]
    before = len(campus.store)
    campus.sync.commit()
    assert len(campus.store) == before + 1  # only the new address; no variant stored twice
    located = campus.get_staff("3")["household"]["householdLocations"]
    assert [loc["address"]["prefix"] for loc in located] == ["S"]


def test_household_with_other_members_is_reported_and_left(campus: Campus) -> None:
    [staff_id] = campus.import_legacy_staff([person("1")])
    household_id = campus.get_staff("1")["household"]["householdId"]
    kid = campus.add_person({"lastName": "Franklin", "firstName": "Kid"})
    campus.add_household_member(household_id, kid)
    moved = {
        "fullStreetAddress": "12 Elm St",
        "city": "Blaine",
        "state": "MN",
        "zip": "55434",
    }
    report = sync_to_validate(campus, [person("1", household={"householdLocations": [{"address": moved}]})])
    [diff] = report["sections"]["addressDifferences"]
    assert diff["applies"] is False and "other member" in diff["note"]
    assert report["sections"]["addressesToAdd"] == []  # it will not be created
    result = campus.sync.commit()
    [success] = result["successes"]
    assert any(w["code"] == "household-ignored" for w in success["warnings"])
    address = campus.get_household(household_id)["householdLocations"][0]["address"]
    assert address["street"] == "LEXINGTON"
    assert staff_id in campus.get_household(household_id)["members"]


def test_household_preference_off_skips_addresses(campus: Campus) -> None:
    campus.import_legacy_staff([person("1")])
    campus.set_preferences(allow_household_updates=False)
    moved = {
        "fullStreetAddress": "12 Elm St",
        "city": "Blaine",
        "state": "MN",
        "zip": "55434",
    }
    report = sync_to_validate(
        campus,
        [
            person("1", household={"householdLocations": [{"address": moved}]}),
            person("2"),
        ],
    )
    s = report["summary"]
    assert (
        s["householdUpdatesAllowed"],
        s["addressDifferences"],
        s["addressesToAdd"],
    ) == (False, 0, 0)
    campus.sync.commit()
    assert campus.get_staff("1")["household"]["householdLocations"][0]["address"]["street"] == "LEXINGTON"
    assert campus.get_staff("2")["household"] is None


def test_duplicate_and_missing_numbers_are_never_matched_or_touched(
    campus: Campus,
) -> None:
    ids = campus.import_legacy_staff(
        [
            person("PENDING", lastName="Hurley"),
            person("pending", lastName="Bonquet"),
            person(None, lastName="Nonumber"),
            person("0287909", lastName="Saunders"),
        ]
    )
    before = [campus.get_staff(i) for i in ids]
    report = sync_to_validate(campus, [person("Pending", lastName="New"), person("9999")])
    s = report["summary"]
    assert (s["duplicateStaffNumbers"], s["missingStaffNumbers"], s["conflicts"]) == (
        2,
        1,
        1,
    )
    assert (s["hrStaffNotInCampus"], s["campusStaffNotInHr"]) == (1, 1)
    [conflict] = report["sections"]["conflicts"]
    assert conflict["personIds"] == ids[:2] and conflict["rule"] == "staff-number-ambiguous"
    assert [r["lastName"] for r in report["sections"]["campusStaffNotInHr"]] == ["Saunders"]

    result = campus.sync.commit()
    assert [s["staffNumber"] for s in result["successes"]] == ["9999"]
    [failure] = result["failures"]
    assert (failure["staffNumber"], failure["error"], failure["rule"]) == (
        "Pending",
        "AmbiguousStaffNumberError",
        AmbiguousStaffNumberError.rule,
    )
    assert [campus.get_staff(i) for i in ids] == before
    [logged] = errors_at(campus, f"{SYNC_PATH}/commit")
    assert (logged["staffNumber"], logged["errorType"]) == (
        "Pending",
        "AmbiguousStaffNumberError",
    )
    records = dict(campus.connection.execute("SELECT staff_number, status FROM sync_record").fetchall())
    assert records == {"Pending": "failed", "9999": "committed"}


# ---------------------------------------------------------------------------
# commit: what is applied


def test_commit_replaces_campus_data_with_hr_data(campus: Campus, clock: Clock) -> None:
    campus.add_title("035E4EAB", "Old title")
    campus.import_legacy_staff(
        [
            person(
                "FFF666",
                positions=[
                    {
                        "schoolNumber": "106",
                        "titleCode": "035E4EAB",
                        "startDate": "2023-01-13",
                        "endDate": "2023-01-13",
                    }
                ],
                employments=[
                    {"hireDate": "2020-12-08"},
                    {"hireDate": "2015-01-01", "terminationDate": "2016-01-01"},
                ],
            )
        ]
    )
    hr_record = person(
        "FFF666",
        lastName="Frankland",
        workEmail="fff@email.com",
        workPhone="(662)031-1180",
        ssn="987-65-4321",
        employments=[{"hireDate": "2020-07-25"}],
        positions=[{"schoolNumber": "106", "titleCode": "337C8989", "startDate": "2020-07-25"}],
    )
    clock.today = "2024-09-01"
    report = sync_to_validate(campus, [hr_record])
    s = report["summary"]
    assert (
        s["demographicDifferences"],
        s["employmentDifferences"],
        s["assignmentDifferences"],
    ) == (1, 1, 1)
    result = campus.sync.commit()
    [success] = result["successes"]
    assert success["action"] == "updated"
    assert success["changes"] == ["demographics", "employments", "assignments"]
    staff = campus.get_staff("FFF666")
    assert (
        staff["lastName"],
        staff["workEmail"],
        staff["workPhone"],
        staff["ssn"],
    ) == (
        "Frankland",
        "fff@email.com",
        "(662)031-1180",
        "***-**-4321",
    )
    assert staff["employments"] == [{"hireDate": "2020-07-25", "terminationDate": None}]
    assert [(p["titleCode"], p["startDate"], p["endDate"]) for p in staff["positions"]] == [
        ("337C8989", "2020-07-25", None)
    ]
    history = campus.identity_history("FFF666")
    assert [(i["lastName"], i["endDate"]) for i in history] == [
        ("Franklin", "2024-09-01"),
        ("Frankland", None),
    ]
    assert staff["hrManaged"] is True


def test_linked_positions_are_end_dated_not_removed(campus: Campus) -> None:
    campus.import_legacy_staff([person("1")])
    position_id = campus.get_staff("1")["positions"][0]["positionId"]
    campus.link_position(position_id, "section", "ALG1-03")
    new_position = {
        "schoolNumber": "200",
        "assignmentCode": "12",
        "startDate": "2024-08-26",
    }
    sync_to_validate(campus, [person("1", positions=[new_position])])
    result = campus.sync.commit()
    assert result["failed"] == 0
    warnings = result["successes"][0]["warnings"]
    assert [w["code"] for w in warnings] == ["positions-end-dated"]
    positions = campus.get_staff("1")["positions"]
    assert sorted((p["schoolNumber"], p["endDate"]) for p in positions) == [
        ("010", "2024-08-01"),
        ("200", None),
    ]


def test_new_hr_staff_are_created_and_campus_only_staff_left_alone(
    campus: Campus,
) -> None:
    [old_id] = campus.import_legacy_staff([person("OLD", lastName="Retired")])
    before = campus.get_staff(old_id)
    sync_to_validate(campus, [person("NEW1", lastName="Newman")])
    result = campus.sync.commit()
    [success] = result["successes"]
    assert (success["staffNumber"], success["action"]) == ("NEW1", "created")
    new = campus.get_staff("NEW1")
    assert (new["lastName"], new["hrManaged"], new["staffMember"]) == (
        "Newman",
        True,
        True,
    )
    assert new["household"]["householdLocations"][0]["address"]["street"] == "LEXINGTON"
    assert campus.get_staff(old_id) == before


def test_committed_staff_are_locked(campus: Campus) -> None:
    campus.import_legacy_staff([person("1"), person("2")])
    campus.edit_staff("1", {"workPhone": "555-0001"})  # legacy staff: not HR-managed, editable
    sync_to_validate(campus, [person("1")])
    result = campus.sync.commit()
    assert result["successes"][0]["action"] == "updated"  # the edited phone goes back to HR's
    assert campus.get_staff("1")["workPhone"] == "(723)897-1184x6033"
    with pytest.raises(ReadOnlyError):
        campus.edit_staff("1", {"workPhone": "555-0002"})
    campus.edit_staff("2", {"workPhone": "555-0002"})  # not in HR: still Campus's


def test_commit_refuses_a_stale_validation(campus: Campus) -> None:
    campus.import_legacy_staff([person("1"), person("2")])
    sync_to_validate(campus, [person("1", workEmail="a@b.org"), person("2")])
    campus.edit_staff("2", {"workPhone": "555-0009"})  # Campus data changed after validate
    before = dump(campus)
    with pytest.raises(SyncStateError, match="changed since the sync was validated") as info:
        campus.sync.commit()
    assert info.value.rule == "sync-stale"
    assert dump(campus) == before
    staff = [campus.get_staff(n) for n in ("1", "2")]
    campus.sync.submit_commit_job()  # returns at once; the job finds the validation stale
    job = campus.sync.wait(timeout=30)
    assert job["state"] == "failed" and "changed since the sync was validated" in job["error"]
    assert campus.sync.status()["state"] == "validated"
    assert [campus.get_staff(n) for n in ("1", "2")] == staff
    assert errors_at(campus, f"{SYNC_PATH}/submitCommitJob")[-1]["errorType"] == "SyncStateError"
    report = campus.sync.validate()  # only a new validate is needed, not a new transfer
    assert report["summary"]["demographicFieldDifferences"]["Work Phone"] == 1
    result = campus.sync.commit()
    assert (result["committed"], result["failed"]) == (2, 0)
    assert campus.get_staff("2")["workPhone"] == "(723)897-1184x6033"


def test_each_staff_member_commits_alone(campus: Campus) -> None:
    """A failure in the middle rolls back that staff member only."""
    campus.import_legacy_staff([person("PENDING"), person("pending"), person("1"), person("2")])
    sync_to_validate(
        campus,
        [
            person("1", workEmail="one@x.org"),
            person("PENDING", workEmail="x@x.org"),
            person("2", workEmail="two@x.org"),
        ],
    )
    progress: list[tuple[int, int, int]] = []
    result = campus.sync.commit(progress=lambda *counts: progress.append(counts))
    assert progress == [(1, 0, 3), (1, 1, 3), (2, 1, 3)]
    assert (result["committed"], result["failed"], result["total"]) == (2, 1, 3)
    assert campus.get_staff("1")["workEmail"] == "one@x.org"
    assert campus.get_staff("2")["workEmail"] == "two@x.org"
    job = campus.sync.commit_job_status()
    assert (
        job["state"],
        job["done"],
        job["failed"],
        job["total"],
        job["background"],
    ) == (
        "completed",
        2,
        1,
        3,
        False,
    )


def test_commit_sends_the_hr_sync_commit_notification(campus: Campus) -> None:
    campus.add_user("mpostma", "Postma, Madison", ["District Employment"])
    campus.add_user("staffer", "Staffer, Sam", ["District Assignments"])
    campus.create_notification("HR Sync Commit", ["mpostma"])
    campus.create_notification("HR-Staff", ["staffer"])
    campus.import_legacy_staff([person("1")])
    sync_to_validate(campus, [person("1", workEmail="x@y.org"), person("2")])
    campus.sync.commit()
    [message] = campus.messages("mpostma")
    assert (message["type"], message["event"]) == ("HR Sync Commit", "sync committed")
    assert "2 of 2 staff members" in message["body"] and "1 created, 1 updated" in message["body"]
    assert campus.messages("staffer") == []  # no HR-Staff message per staff member


# ---------------------------------------------------------------------------
# background job


def test_submit_commit_job_runs_in_the_background(tmp_path: Path) -> None:
    path = tmp_path / "campus.db"
    campus = Campus(path, clock=Clock("2024-08-01"))
    load_lists(campus)
    campus.import_legacy_staff([person("PENDING"), person("pending")] + [person(f"S{i}") for i in range(20)])
    sync_to_validate(
        campus,
        [person(f"S{i}", workEmail=f"s{i}@x.org") for i in range(20)] + [person("Pending")],
    )
    submitted = campus.sync.submit_commit_job()
    assert submitted["state"] in ("running", "completed") and submitted["background"] is True
    assert submitted["total"] == 21
    final = campus.sync.wait(timeout=60)
    assert (final["state"], final["done"], final["failed"]) == ("completed", 20, 1)
    assert final["finishedAt"] is not None
    other = Campus(path)  # another object on the file sees the job
    assert other.sync.commit_job_status() == final
    assert other.get_staff("S7")["workEmail"] == "s7@x.org"
    [logged] = errors_at(other, f"{SYNC_PATH}/submitCommitJob")
    assert logged["staffNumber"] == "Pending"
    other.close()
    campus.close()


def test_calls_during_a_running_commit_are_refused(campus: Campus) -> None:
    campus.import_legacy_staff([person("1"), person("2")])
    sync_to_validate(campus, [person("1", workEmail="a@x.org"), person("2", workEmail="b@x.org")])
    paused, resume = threading.Event(), threading.Event()

    def hold(done: int, _failed: int, _total: int) -> None:
        if done == 1:
            paused.set()
            resume.wait(10)

    worker = threading.Thread(target=lambda: campus.sync.commit(progress=hold))
    worker.start()
    try:
        assert paused.wait(10)
        assert campus.sync.status()["state"] == "committing"
        job = campus.sync.commit_job_status()
        assert (job["state"], job["done"], job["total"]) == ("running", 1, 2)
        for op in ("start", "validate", "commit", "restart", "transfer"):
            with pytest.raises(SyncStateError, match=r"committing|commit job"):
                OPS[op](campus.sync)
    finally:
        resume.set()
        worker.join(10)
    assert campus.sync.status()["state"] == "committed"


def test_a_job_whose_process_died_is_interrupted(tmp_path: Path) -> None:
    path = tmp_path / "campus.db"
    campus = Campus(path, clock=Clock("2024-08-01"))
    load_lists(campus)
    campus.import_legacy_staff([person("1"), person("2")])
    sync_to_validate(campus, [person("1", workEmail="a@x.org"), person("2", workEmail="b@x.org")])
    campus.close()
    script = (
        "import os, sys\n"
        "from addrmatch.boi import Campus\n"
        "c = Campus(sys.argv[1], clock=lambda: '2024-08-01')\n"
        "def die(done, failed, total):\n"
        "    os._exit(9)\n"
        "c.sync.commit(progress=die)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 9, done.stderr
    campus = Campus(path, clock=Clock("2024-08-01"))
    job = campus.sync.commit_job_status()
    assert (job["state"], job["done"], job["failed"]) == ("interrupted", 1, 0)
    assert "stopped" in job["error"]
    assert campus.sync.status()["state"] == "interrupted"
    with pytest.raises(SyncStateError, match="interrupted"):
        campus.sync.commit()
    report = campus.sync.validate()  # the first staff member is done; only the second differs
    assert report["summary"]["demographicDifferences"] == 1
    assert report["sections"]["demographicDifferences"][0]["staffNumber"] == "2"
    result = campus.sync.commit()
    assert (result["committed"], result["failed"]) == (2, 0)
    assert [campus.get_staff(n)["workEmail"] for n in ("1", "2")] == [
        "a@x.org",
        "b@x.org",
    ]
    campus.close()


def test_report_data_is_json(campus: Campus) -> None:
    campus.import_legacy_staff([person("1"), person(None), person("D"), person("d")])
    report = sync_to_validate(campus, [person("1", ssn="987654321"), person("2"), person("D")])
    data = json.loads(report.to_json())
    assert data == json.loads(json.dumps(report))
    assert "987654321" not in report.to_json() and "123456789" not in report.to_json()
    assert data["sections"]["demographicDifferences"][0]["hr"]["ssn"] == "***-**-4321"


def test_a_failure_halfway_through_a_staff_member_rolls_back_all_of_it(
    campus: Campus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Demographics are applied before positions: a position failure undoes them too."""
    from addrmatch.boi import positions
    from addrmatch.boi.errors import NotFoundError

    campus.import_legacy_staff([person("1"), person("2")])
    new_position = {"schoolNumber": "200", "assignmentCode": "12", "startDate": "2024-08-26"}
    sync_to_validate(
        campus,
        [
            person("1", lastName="Changed", workEmail="x@y.org", positions=[new_position]),
            person("2", workEmail="z@y.org"),
        ],
    )
    before = campus.get_staff("1")
    history = campus.identity_history("1")
    real = positions.reconcile

    def failing(ctx: Any, person_id: int, wanted: Any) -> Any:
        real(ctx, person_id, wanted)  # the positions change, then the call fails
        raise NotFoundError("positions: injected failure", field="positions", rule="injected")

    monkeypatch.setattr(positions, "reconcile", failing)
    result = campus.sync.commit()
    assert [f["staffNumber"] for f in result["failures"]] == ["1"]
    assert result["failures"][0]["rule"] == "injected"
    assert campus.get_staff("1") == before
    assert campus.identity_history("1") == history
    assert campus.get_staff("2")["workEmail"] == "z@y.org"


@pytest.mark.parametrize("kind", ["memory connection", "file connection", "sqlite_utils memory"])
def test_submit_commit_job_over_a_caller_connection(tmp_path: Path, kind: str) -> None:
    # The caller's connection keeps check_same_thread=True: the worker thread must not use it.
    if kind == "memory connection":
        database: Any = sqlite3.connect(":memory:")
    elif kind == "file connection":
        database = sqlite3.connect(tmp_path / "campus.db")
    else:
        import sqlite_utils

        database = sqlite_utils.Database(memory=True)
    campus = Campus(database, clock=Clock("2024-08-01"))
    load_lists(campus)
    campus.import_legacy_staff([person("1")])
    sync_to_validate(campus, [person("1", workEmail="a@x.org"), person("N1", workEmail="n@x.org")])
    submitted = campus.sync.submit_commit_job()
    final = campus.sync.wait(timeout=60)
    assert (final["state"], final["done"], final["failed"], final["error"]) == ("completed", 2, 0, None)
    if kind != "file connection":  # no file to share: the commit ran before submit returned
        assert submitted == final
    assert campus.get_staff("N1")["workEmail"] == "n@x.org"
    assert campus.get_staff("1")["workEmail"] == "a@x.org"
    assert campus.sync.status()["state"] == "committed"
    assert campus.error_log() == []


def test_a_job_that_cannot_open_its_connection_is_logged(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "campus.db"
    campus = Campus(sqlite3.connect(path), clock=Clock("2024-08-01"))
    load_lists(campus)
    sync_to_validate(campus, [person("N1")])
    real_connect = sqlite3.connect
    refused: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        if threading.current_thread() is not threading.main_thread() and not refused:
            refused.append("once")  # the worker's connection fails once
            raise sqlite3.OperationalError("unable to open database file")
        return real_connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", refuse)
    campus.sync.submit_commit_job()
    final = campus.sync.wait(timeout=60)
    monkeypatch.undo()
    assert final["state"] == "failed" and "unable to open database file" in final["error"]
    assert campus.sync.status()["state"] == "validated"  # nothing changed: commit again
    [logged] = errors_at(campus, f"{SYNC_PATH}/submitCommitJob")
    assert "unable to open database file" in logged["message"]
    assert campus.sync.commit()["committed"] == 1


def test_transfer_ignores_the_household_when_the_preference_is_off(campus: Campus) -> None:
    bad_box = {"postOfficeBox": True, "number": "54", "street": "Main", "zip": "55123"}
    bad = person("N1", household={"householdLocations": [{"address": bad_box}]})
    campus.set_preferences(allow_household_updates=False)
    created = campus.create_staff(dict(bad, staffNumber="C1"))  # create ignores the household
    assert "household-ignored" in [w["code"] for w in created["warnings"]]
    sync = campus.sync
    sync.start(started_by="HR")
    assert sync.transfer([bad, person("N2", household=bad["household"])])["failures"] == []
    sync.end()
    report = sync.validate()
    assert report["sections"]["addressesToAdd"] == []
    result = sync.commit()
    assert (result["committed"], result["failed"]) == (2, 0)
    assert "household-ignored" in [w["code"] for w in result["successes"][0]["warnings"]]
    assert campus.get_staff("N1")["household"] is None
    # The preference turned on after the transfer: the address rules apply at validate/commit.
    sync.start(started_by="HR")
    assert sync.transfer([dict(bad, workEmail="changed@x.org")])["failures"] == []
    campus.set_preferences(allow_household_updates=True)
    sync.end()
    sync.validate()
    result = sync.commit()
    assert (result["committed"], result["failed"]) == (0, 1)
    assert result["failures"][0]["rule"] == "po-box-number-only"
