"""``addrmatch boi demo DB``: a Campus database and an HR file to try the staff module on.

Built from the example staff data shipped with addrmatch
(``addrmatch/examples/staff_addresses.csv``: one district's staff as several
systems hold them) with a seeded random generator, so the same call gives
the same files on every machine:

* **Campus** (the database): the staff of the ``Campus`` rows as legacy staff
  (not HR-managed), each with an employment, a district assignment and a
  staff household at the address Campus has for them; the district's
  reference lists (schools, genders, assignment codes, titles); and three
  staff the Check Campus Data report finds (``PENDING`` and ``pending``
  share a number, one has none).
* **HR** (a CSV file in the ``addrmatch boi`` HR format): the staff of the
  ``HR`` rows, at the address HR has for them (written another way, as HR
  systems do), with differences a synchronization shows: work email case,
  a new last name, a corrected hire date, a new title, a move.

Rows whose address is not an address (the example keeps a few, ``N/A``) are
left out of both.
"""

from __future__ import annotations

import csv
import datetime as _dt
import os
import random
from collections.abc import Mapping
from importlib import resources
from typing import Any

from addrmatch._files import write_atomically
from addrmatch.boi.campus import Campus
from addrmatch.errors import AddressError
from addrmatch.normalize import normalize

__all__ = ["DEMO_SEED", "HR_COLUMNS", "build_demo"]

#: The generator's seed: the same files every time.
DEMO_SEED = 2023
#: The columns of the HR file (a subset of :data:`addrmatch.boi.cli.CSV_COLUMNS`).
HR_COLUMNS: tuple[str, ...] = (
    "staffNumber",
    "lastName",
    "firstName",
    "gender",
    "workEmail",
    "hireDate",
    "schoolNumber",
    "assignmentCode",
    "titleCode",
    "titleDescription",
    "startDate",
    "fullStreetAddress",
    "city",
    "state",
    "zip",
)
_SCHOOLS = (("010", "Blaine High"), ("106", "Northdale Middle"), ("220", "Roosevelt Elementary"))
_GENDERS = (("F", "Female"), ("M", "Male"))
_ASSIGNMENT_CODES = (("10", "Teacher"), ("20", "Athletic Coach"), ("30", "Administrator"))
_TITLES = (("T100", "Classroom Teacher"), ("4A61E262", "Varsity Basketball"), ("P200", "Principal"))
_NEW_TITLE = ("T150", "Instructional Coach")  # HR's title that Campus does not list yet: created at commit
_DOMAIN = "district.k12.mn.us"


def _example_rows() -> list[dict[str, str]]:
    example = resources.files("addrmatch") / "examples" / "staff_addresses.csv"
    with example.open("r", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _is_address(row: Mapping[str, str]) -> bool:
    try:
        normalize({"fullStreetAddress": row["address"], "city": row["city"], "state": row["state"],
                   "zip": row["zip"]})  # fmt: skip
    except AddressError:
        return False
    return True


def _first_rows(rows: list[dict[str, str]], source: str) -> dict[str, dict[str, str]]:
    """The first row of each staff number from ``source`` whose address is an address."""
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        if row["source"] == source and row["staff_number"] not in out and _is_address(row):
            out[row["staff_number"]] = row
    return out


def _person(number: str, name: str, rng: random.Random) -> dict[str, Any]:
    first, _, last = name.partition(" ")
    hired = _dt.date(2005, 8, 15) + _dt.timedelta(days=rng.randrange(0, 18 * 365))
    school = rng.choice(_SCHOOLS)[0]
    code, title = rng.choice(_ASSIGNMENT_CODES)[0], rng.choice(_TITLES)
    return {
        "staffNumber": number,
        "lastName": last,
        "firstName": first,
        "gender": rng.choice(_GENDERS)[0],
        "workEmail": f"{first[:1]}{last}@{_DOMAIN}".lower(),
        "hireDate": hired.isoformat(),
        "position": {
            "schoolNumber": school,
            "assignmentCode": code,
            "titleCode": title[0],
            "startDate": hired.isoformat(),
        },
    }


def _address(row: Mapping[str, str]) -> dict[str, str]:
    return {
        "fullStreetAddress": row["address"],
        "city": row["city"],
        "state": row["state"],
        "zip": row["zip"],
    }


def build_demo(
    database: str | os.PathLike[str], hr_file: str | os.PathLike[str], *, seed: int = DEMO_SEED
) -> dict[str, int]:
    """Create the demo Campus database and write the HR file (both owner-only);
    returns the counts (``campusStaff``, ``hrStaff``, ``matched``, ``hrChanges``: the
    matched staff HR sends with a new name, hire date, title or address).
    The database must not exist yet.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> counts = build_demo(folder / "demo.db", folder / "demo-hr.csv")
    >>> counts == build_demo(folder / "again.db", folder / "again-hr.csv")  # seeded: the same every time
    True
    >>> (folder / "demo-hr.csv").read_bytes() == (folder / "again-hr.csv").read_bytes()
    True
    """
    if os.path.exists(database):
        raise FileExistsError(f"{os.fspath(database)!r} exists: the demo writes a new database")
    rng = random.Random(seed)
    rows = _example_rows()
    campus_rows, hr_rows = _first_rows(rows, "Campus"), _first_rows(rows, "HR")
    people = {
        number: _person(number, row["name"], rng)
        for number, row in sorted({**campus_rows, **hr_rows}.items())
    }
    legacy: list[dict[str, Any]] = []
    for number, row in sorted(campus_rows.items()):
        p = people[number]
        legacy.append(
            {
                "staffNumber": number,
                "lastName": p["lastName"],
                "firstName": p["firstName"],
                "gender": p["gender"],
                "workEmail": p["workEmail"].upper() if rng.random() < 0.08 else p["workEmail"],
                "employments": [{"hireDate": p["hireDate"]}],
                "positions": [p["position"]],
                "household": {"householdLocations": [{"address": _address(row)}]},
            }
        )
    # What Check Campus Data finds: two staff sharing a number (case-insensitively), one without.
    legacy += [
        {"staffNumber": "PENDING", "lastName": "Hurley", "firstName": "Bryan", "gender": "M"},
        {"staffNumber": "pending", "lastName": "Bonquet", "firstName": "Alicia", "gender": "F"},
        {"lastName": "Nonumber", "firstName": "Nora", "gender": "F"},
    ]
    moves = [hr_rows[n] for n in sorted(hr_rows)]
    hr_records: list[dict[str, str]] = []
    changes = 0
    for number, row in sorted(hr_rows.items()):
        p = dict(people[number])
        position = dict(p.pop("position"))
        if number in campus_rows:
            roll = rng.random()
            if roll < 0.03:
                p["lastName"] = f"{p['lastName']}-{rng.choice(('Smith', 'Olson', 'Nguyen', 'Garcia'))}"
            elif roll < 0.08:
                p["hireDate"] = (_dt.date.fromisoformat(p["hireDate"]) - _dt.timedelta(days=31)).isoformat()
            elif roll < 0.12:
                position = {**position, "titleCode": _NEW_TITLE[0], "titleDescription": _NEW_TITLE[1]}
            elif roll < 0.16:  # moved: HR has another of the district's addresses
                row = moves[rng.randrange(len(moves))]
            changes += roll < 0.16
        hr_records.append({**p, **position, **_address(row)})
    with Campus(database) as campus:
        for code, name in _SCHOOLS:
            campus.add_school(code, name)
        for code, name in _GENDERS:
            campus.add_gender(code, name)
        for code, name in _ASSIGNMENT_CODES:
            campus.add_assignment_code(code, name)
        for code, name in _TITLES:
            campus.add_title(code, name)
        campus.import_legacy_staff(legacy)
    with write_atomically(hr_file, mode=0o600) as handle:
        writer = csv.DictWriter(handle, fieldnames=HR_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(hr_records)
    return {
        "campusStaff": len(legacy),
        "hrStaff": len(hr_records),
        "matched": len(campus_rows.keys() & hr_rows.keys()),
        "hrChanges": changes,
    }
