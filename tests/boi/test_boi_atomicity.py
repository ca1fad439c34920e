"""Each call is one transaction: a failure leaves the database byte-for-byte
as it was (compared with ``iterdump``), apart from the error-log row."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from boi_support import (
    BASKETBALL_COACH,
    LEXINGTON_FULL,
    PO_BOX_54,
    Clock,
    dump,
    load_lists,
    staff_payload,
    with_address,
)

from addrmatch import ConflictingFieldsError, POBoxError
from addrmatch.boi import (
    BOIError,
    Campus,
    DuplicateStaffNumberError,
    NotFoundError,
    ReadOnlyError,
    UnknownReferenceError,
    ValidationError,
)

TEACHER = {"schoolNumber": "106", "assignmentCode": "12", "startDate": "2020-08-25"}


@pytest.fixture
def populated(campus: Campus) -> Campus:
    """A campus with data in every table, so a stray write would show."""
    campus.create_staff(
        with_address(staff_payload("1001", positions=[BASKETBALL_COACH, TEACHER]), LEXINGTON_FULL)
    )
    campus.create_staff(
        with_address(staff_payload("1002", lastName="Young", firstName="John", gender="M"), PO_BOX_54)
    )
    campus.add_user("hr1", "Postma, Madison", ["District Employment"])
    campus.create_notification("HR-Staff", ["hr1"])
    return campus


def _two_locations(second: dict) -> dict:
    payload = staff_payload("2001", lastName="Newton")
    new_address = {"fullStreetAddress": "77 Sunset Blvd", "city": "Blaine", "state": "MN", "zip": "55123"}
    payload["household"] = {"householdLocations": [{"address": new_address}, {"address": second}]}
    return payload


CASES = {
    "bad gender": (lambda c: c.create_staff(staff_payload("2001", gender="Q")), UnknownReferenceError),
    "unknown school": (
        lambda c: c.create_staff(
            staff_payload("2001", positions=[dict(BASKETBALL_COACH, schoolNumber="999")])
        ),
        UnknownReferenceError,
    ),
    "new title then unknown school": (
        lambda c: c.create_staff(
            staff_payload(
                "2001",
                positions=[
                    {
                        "schoolNumber": "010",
                        "titleCode": "NEW1",
                        "titleDescription": "New",
                        "startDate": "2024-01-01",
                    },
                    dict(TEACHER, schoolNumber="999"),
                ],
            )
        ),
        UnknownReferenceError,
    ),
    "PO-box rule": (
        lambda c: c.create_staff(with_address(staff_payload("2001"), dict(PO_BOX_54, street="Main"))),
        POBoxError,
    ),
    "conflicting address fields": (
        lambda c: c.create_staff(with_address(staff_payload("2001"), dict(LEXINGTON_FULL, number="4321"))),
        ConflictingFieldsError,
    ),
    "address created then rule broken": (
        lambda c: c.create_staff(_two_locations(dict(PO_BOX_54, apt="3"))),
        POBoxError,
    ),
    "duplicate staff number": (lambda c: c.create_staff(staff_payload("1002")), DuplicateStaffNumberError),
    "name change then unknown school": (
        lambda c: c.update_staff(
            "1001", {"lastName": "Brown", "positions": [dict(TEACHER, schoolNumber="999")]}
        ),
        UnknownReferenceError,
    ),
    "positions replaced then address rule broken": (
        lambda c: c.update_staff(
            "1001", with_address({"positions": [TEACHER]}, {"fullStreetAddress": "1 Main St", "apt": "2"})
        ),
        ConflictingFieldsError,
    ),
    "employments merged then unknown assignment code": (
        lambda c: c.update_staff(
            "1001",
            {"employments": [{"hireDate": "2025-01-01"}], "positions": [dict(TEACHER, assignmentCode="77")]},
        ),
        UnknownReferenceError,
    ),
    "unknown staff number": (lambda c: c.update_staff("9999", {"workPhone": "1"}), NotFoundError),
    "position without match": (
        lambda c: c.update_position("1001", dict(TEACHER, startDate="1999-01-01", endDate="2000-01-01")),
        NotFoundError,
    ),
    "position with unknown code": (
        lambda c: c.create_position("1001", dict(TEACHER, assignmentCode="77")),
        UnknownReferenceError,
    ),
    "read-only edit": (lambda c: c.edit_staff("1001", {"workPhone": "1"}), ReadOnlyError),
    "combine with nobody": (lambda c: c.combine_persons(1, 999), NotFoundError),
    "legacy import with a bad record": (
        lambda c: c.import_legacy_staff(
            [{"lastName": "A", "firstName": "B"}, {"lastName": "C", "firstName": "D", "birthdate": "soon"}]
        ),
        ValidationError,
    ),
    "csv with a bad row": (
        lambda c: c.load_reference_csv("schools", io.StringIO("schoolNumber,name\n300,Ok\n301,\n")),
        ValidationError,
    ),
    "notification with one bad recipient": (
        lambda c: c.update_notification(1, type="HR Sync Commit", add=["nobody"]),
        NotFoundError,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_failed_call_changes_nothing(populated: Campus, unchanged, case: str) -> None:
    call, error = CASES[case]
    unchanged(lambda: call(populated), error)


def test_failed_call_only_adds_an_error_log_row(populated: Campus) -> None:
    def rows() -> dict[str, int]:
        tables = [
            r[0] for r in populated.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {t: populated.connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}

    before = rows()
    with pytest.raises(POBoxError):
        populated.create_staff(_two_locations(dict(PO_BOX_54, apt="3")))
    after = rows()
    assert after.pop("error_log") == before.pop("error_log") + 1
    assert after == before


def test_file_database_shared_through_sqlite_utils(tmp_path: Path) -> None:
    path = tmp_path / "district.db"
    db = sqlite_utils.Database(path)
    campus = Campus(db, clock=Clock("2024-08-01"))
    load_lists(campus)
    campus.create_staff(with_address(staff_payload(), LEXINGTON_FULL))
    before = dump(campus)
    with pytest.raises(BOIError):
        campus.create_staff(_two_locations(dict(PO_BOX_54, apt="3")))
    assert dump(campus) == before
    # Another connection sees the committed data only.
    other = sqlite3.connect(path)
    assert other.execute("SELECT count(*) FROM addresses").fetchone()[0] == 1
    assert other.execute("SELECT count(*) FROM person").fetchone()[0] == 1
    assert other.execute("SELECT count(*) FROM error_log").fetchone()[0] == 1
    other.close()


def test_a_call_inside_the_callers_transaction_uses_a_savepoint(campus: Campus) -> None:
    conn = campus.connection
    conn.execute("BEGIN")
    campus.add_school("300", "Inside")
    with pytest.raises(UnknownReferenceError):
        campus.create_staff(staff_payload(gender="Q"))
    assert conn.in_transaction
    conn.execute("ROLLBACK")
    assert "300" not in [s["schoolNumber"] for s in campus.schools()]


def _create_many(path: str, numbers: list[str]) -> dict[str, int]:
    from addrmatch.boi import Campus as ProcessCampus
    from addrmatch.boi import DuplicateStaffNumberError as Duplicate

    outcome = {"created": 0, "duplicate": 0}
    with ProcessCampus(path, clock=lambda: "2024-08-01") as campus:
        for number in numbers:
            payload = with_address(staff_payload(number, positions=[]), LEXINGTON_FULL)
            try:
                campus.create_staff(payload)
                outcome["created"] += 1
            except Duplicate:
                outcome["duplicate"] += 1
    return outcome


def test_two_processes_never_create_a_staff_number_twice(tmp_path: Path) -> None:
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("needs the fork start method")
    path = str(tmp_path / "shared.db")
    with Campus(path) as campus:
        load_lists(campus)
    numbers = [f"P{i:03d}" for i in range(40)]
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as pool:
        results = pool.starmap(_create_many, [(path, numbers), (path, list(reversed(numbers)))])
    assert sum(r["created"] for r in results) == len(numbers)
    assert sum(r["duplicate"] for r in results) == len(numbers)
    with Campus(path) as campus:
        rows = campus.connection.execute(
            "SELECT staff_number, count(*) FROM staff GROUP BY staff_number"
        ).fetchall()
        assert len(rows) == len(numbers) and {n for _, n in rows} == {1}
        assert len(campus.store) == 1
