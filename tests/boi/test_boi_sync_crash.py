"""A commit killed mid-way (SIGKILL of the committing process): every staff
member is either entirely the old Campus version or entirely the HR version,
the job says it was interrupted, and validate + commit finish the work."""

from __future__ import annotations

import copy
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from boi_support import BASKETBALL_COACH, Clock, load_lists

from addrmatch.boi import Campus

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

STAFF = 40
NEW = 10
TODAY = "2024-09-02"

COMMIT_SCRIPT = """
import sys, time
from addrmatch.boi import Campus

campus = Campus(sys.argv[1], clock=lambda: sys.argv[2])

def slowly(done, failed, total):
    time.sleep(0.03)  # room for the kill to land between, or inside, staff transactions

campus.sync.commit(progress=slowly)
"""


def campus_record(i: int) -> dict[str, Any]:
    return {
        "staffNumber": f"E{i:03d}",
        "lastName": f"Old{i}",
        "firstName": "Pat",
        "gender": "F",
        "ssn": f"123-45-{i:04d}",
        "workEmail": f"OLD{i}@school.org",
        "employments": [{"hireDate": "2015-08-01"}],
        "positions": [copy.deepcopy(BASKETBALL_COACH)],
        "household": {
            "householdLocations": [
                {
                    "address": {
                        "fullStreetAddress": f"{100 + i} Elm St",
                        "city": "Blaine",
                        "state": "MN",
                        "zip": "55434",
                    }
                }
            ]
        },
    }


def hr_record(i: int) -> dict[str, Any]:
    """Every area differs from the Campus version (or the staff member is new)."""
    return {
        "staffNumber": f"E{i:03d}",
        "lastName": f"New{i}",
        "firstName": "Pat",
        "gender": "F",
        "ssn": f"987-65-{i:04d}",
        "workEmail": f"new{i}@school.org",
        "employments": [{"hireDate": "2019-07-25"}],
        "positions": [{"schoolNumber": "106", "titleCode": "337C8989", "startDate": "2020-07-25"}],
        "household": {
            "householdLocations": [
                {
                    "address": {
                        "number": str(4000 + i),
                        "street": "Lexington",
                        "tag": "Avenue",
                        "city": "Blaine",
                        "state": "MN",
                        "zip": "55434",
                    }
                }
            ]
        },
    }


def projection(campus: Campus, number: str) -> Any:
    """Everything a commit changes about one staff member, without ids."""
    try:
        staff = campus.get_staff(number)
    except LookupError:
        return None
    household = staff["household"]
    return {
        "demographics": {k: staff[k] for k in ("staffNumber", "lastName", "ssn", "workEmail", "hrManaged")},
        "employments": staff["employments"],
        "positions": [{k: v for k, v in p.items() if k != "positionId"} for p in staff["positions"]],
        "addresses": [loc["address"] for loc in household["householdLocations"]] if household else None,
        "identities": [
            (i["lastName"], i["startDate"], i["endDate"]) for i in campus.identity_history(number)
        ],
    }


def numbers() -> list[str]:
    return [f"E{i:03d}" for i in range(STAFF + NEW)]


def snapshot(path: Path) -> dict[str, Any]:
    campus = Campus(path, clock=Clock(TODAY))
    try:
        return {n: projection(campus, n) for n in numbers()}
    finally:
        campus.close()


def job_progress(path: Path) -> int:
    with sqlite3.connect(path, timeout=30) as conn:
        row = conn.execute("SELECT coalesce(max(done + failed), 0) FROM sync_job").fetchone()
    return int(row[0])


def test_a_commit_killed_midway_leaves_each_staff_member_old_or_new(tmp_path: Path) -> None:
    path = tmp_path / "campus.db"
    campus = Campus(path, clock=Clock(TODAY))
    load_lists(campus)
    campus.import_legacy_staff([campus_record(i) for i in range(STAFF)])
    campus.sync.start(started_by="HR")
    campus.sync.transfer([hr_record(i) for i in range(STAFF + NEW)])
    campus.sync.end()
    report = campus.sync.validate()
    assert report["summary"]["hrStaffNotInCampus"] == NEW
    campus.close()
    old = snapshot(path)

    # The fully new version: the same commit, uninterrupted, on a copy.
    reference = tmp_path / "reference.db"
    shutil.copy(path, reference)
    finished = Campus(reference, clock=Clock(TODAY))
    assert finished.sync.commit()["committed"] == STAFF + NEW
    finished.close()
    new = snapshot(reference)
    for n in numbers():
        assert old[n] != new[n], n

    worker = subprocess.Popen(
        [sys.executable, "-c", COMMIT_SCRIPT, str(path), TODAY],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while job_progress(path) < (STAFF + NEW) // 3:
            assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
            assert time.monotonic() < deadline, "the commit made no progress"
            time.sleep(0.01)
        worker.send_signal(signal.SIGKILL)
    finally:
        worker.wait(30)
        if worker.stderr:
            worker.stderr.close()
    assert worker.returncode == -signal.SIGKILL

    after = snapshot(path)
    states = {}
    for n in numbers():
        assert after[n] in (old[n], new[n]), f"{n} is half old, half new: {after[n]}"
        states[n] = "new" if after[n] == new[n] else "old"
    committed = sum(1 for s in states.values() if s == "new")
    assert 0 < committed < STAFF + NEW, states

    campus = Campus(path, clock=Clock(TODAY))
    records = dict(campus.connection.execute("SELECT staff_number, status FROM sync_record").fetchall())
    for n in numbers():  # the record status was committed with the staff member
        assert records[n] == ("committed" if states[n] == "new" else "transferred"), n
    job = campus.sync.commit_job_status()
    assert (job["state"], job["done"], job["failed"]) == ("interrupted", committed, 0)
    assert campus.sync.status()["state"] == "interrupted"

    report = campus.sync.validate()
    s = report["summary"]
    left = STAFF + NEW - committed
    assert s["unchanged"] == committed
    assert s["demographicDifferences"] + s["hrStaffNotInCampus"] == left
    result = campus.sync.commit()
    assert (result["committed"], result["failed"]) == (STAFF + NEW, 0)
    campus.close()
    assert snapshot(path) == new
    assert os.stat(path).st_mode & 0o077 == 0
