"""Business Office Staff Synchronization: the sync state machine, validate and commit.

``campus.sync`` (a :class:`Sync`) implements the specification's
synchronization API, one method per endpoint under
``/api/businessOfficeIntegration/staffMembers/sync``::

    start -> transfer (any number of batches) -> end -> validate -> commit
                                                          (or submit_commit_job + commit_job_status)

The state lives in the database (tables ``sync_run``, ``sync_record``,
``sync_job``), so another :class:`~addrmatch.boi.Campus` on the same file,
in another process, sees the same sync and the same commit job.

States and the calls each allows (any other call is a :class:`SyncStateError`
naming the state and the next step; it is logged in the error log and
changes nothing):

=============  ==========================================================
state          allowed
=============  ==========================================================
(none)         ``start``
transferring   ``transfer``; ``end`` once something was transferred; ``restart``
ended          ``validate``; ``restart``
validated      ``commit``, ``submit_commit_job``; ``validate`` again; ``restart``
committing     (a commit is running) ``commit_job_status``
interrupted    (the committing process died) ``validate``, then commit; ``restart``
committed      ``start`` (a new sync)
=============  ==========================================================

Matching is by staff number, compared case-insensitively (as SQLite
``NOCASE``: ASCII letters only). Campus staff whose number is shared by
another Campus staff member (``PENDING`` and ``pending``) or who have none
are reported and never touched. An HR record whose number names such a
group cannot be matched: it is reported as a conflict by ``validate`` and
fails at commit with :class:`~addrmatch.boi.AmbiguousStaffNumberError`.

What is compared, and what commit does (HR data replaces Campus data):

* **demographics**: SSN, staff number (its case), names, gender, emails,
  phones, birth date. An HR field that is empty is *not sent*: it is not a
  difference and commit leaves the Campus value (as the specification's
  report counts them). A name change starts a new identity.
* **employments**: the (hire date, termination date) pairs; when HR sends
  any and they differ, Campus's become exactly HR's.
* **assignments**: (school, assignment code, title code, start, end); when HR
  sends any and they differ, HR's list is the complete list (positions
  linked to other records are end-dated, not removed, as ``update_staff``).
* **address**: the active locations of the staff member's household against
  HR's ``householdLocations``, through the address engine: an HR address with
  the same ``match_key`` as a Campus address, or that the ``AddressStore``
  resolves to it, is the same address. Compared only while the preference
  "Allow household and address creations/updates from the HR system" is on;
  a household with other members is reported with a note (commit leaves it).
* HR staff not in Campus are created; Campus staff not in HR are left alone.
  Every committed staff member becomes HR-managed (the preference locks
  apply), also when nothing differed.

``validate`` records a digest of what commit would do; ``commit`` computes
it again and refuses to run (:class:`SyncStateError`, rule ``sync-stale``)
when Campus data changed since: validate again. Each staff member commits
in a transaction of its own, together with its ``sync_record`` status and
the job's counters, so one failure rolls back nothing else and a crash
leaves every staff member entirely old or entirely new.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import sqlite3
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from addrmatch.address import BOI_FIELDS, Address
from addrmatch.boi import errorlog, notifications, positions, preferences, reference, staff
from addrmatch.boi.db import Ctx, transaction
from addrmatch.boi.errors import (
    AmbiguousStaffNumberError,
    BOIError,
    NotFoundError,
    ValidationError,
    address_error,
)
from addrmatch.boi.masking import scrub_exception, sensitive_values
from addrmatch.boi.report import (
    DEMOGRAPHIC_FIELDS,
    Report,
    fold_number,
    load_staff_rows,
    number_problems,
    staff_row,
    validation_report,
)
from addrmatch.boi.schema import STAFF_DEMOGRAPHICS, clean_staff
from addrmatch.errors import AddressError
from addrmatch.key import key_of
from addrmatch.normalize import normalize

if TYPE_CHECKING:
    from addrmatch.boi.campus import Campus

__all__ = [
    "STATES",
    "SYNC_PATH",
    "SYNC_SCHEMA",
    "CommitProgress",
    "Sync",
    "SyncStateError",
    "ensure_schema",
]

#: The endpoints' common path.
SYNC_PATH = "/api/businessOfficeIntegration/staffMembers/sync"
_PATHS = {
    "start": f"{SYNC_PATH}/start",
    "transfer": f"{SYNC_PATH}/transfer",
    "end": f"{SYNC_PATH}/end",
    "validate": f"{SYNC_PATH}/validate",
    "commit": f"{SYNC_PATH}/commit",
    "submit_commit_job": f"{SYNC_PATH}/submitCommitJob",
    "commit_job_status": f"{SYNC_PATH}/commitJobStatus",
    "restart": f"{SYNC_PATH}/restart",
}

STATES: tuple[str, ...] = ("transferring", "ended", "validated", "committing", "interrupted", "committed")

SYNC_SCHEMA = """
CREATE TABLE IF NOT EXISTS sync_run (
    sync_id INTEGER PRIMARY KEY,
    started_by TEXT NOT NULL,
    started_at TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('transferring', 'ended', 'validated', 'committing', 'interrupted',
                                         'committed')),
    batches INTEGER NOT NULL DEFAULT 0,
    restarts INTEGER NOT NULL DEFAULT 0,
    ended_at TEXT,
    validated_at TEXT,
    validation_digest TEXT,
    committed_at TEXT
);
CREATE TABLE IF NOT EXISTS sync_record (
    sync_id INTEGER NOT NULL REFERENCES sync_run (sync_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    staff_key TEXT NOT NULL,
    staff_number TEXT NOT NULL,
    batch INTEGER NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'transferred' CHECK (status IN ('transferred', 'committed', 'failed')),
    person_id INTEGER,
    message TEXT,
    PRIMARY KEY (sync_id, staff_key)
);
CREATE UNIQUE INDEX IF NOT EXISTS sync_record_seq ON sync_record (sync_id, seq);
CREATE TABLE IF NOT EXISTS sync_job (
    job_id INTEGER PRIMARY KEY,
    sync_id INTEGER NOT NULL REFERENCES sync_run (sync_id) ON DELETE CASCADE,
    token TEXT NOT NULL,
    background INTEGER NOT NULL CHECK (background IN (0, 1)),
    state TEXT NOT NULL CHECK (state IN ('running', 'completed', 'failed', 'interrupted')),
    total INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    pid INTEGER NOT NULL,
    error TEXT
);
"""

T = TypeVar("T")

#: ``progress(done, failed, total)``: called after each staff member's transaction.
CommitProgress = Callable[[int, int, int], None]

_NEXT_STEP = {
    None: "start() a sync first",
    "transferring": "transfer() the HR staff, then end() the transfer",
    "ended": "validate() next",
    "validated": "commit() or submit_commit_job() next (or validate() again, or restart())",
    "committing": "wait for the commit job to finish (commit_job_status())",
    "interrupted": "the commit was interrupted: validate() again, then commit() (or restart())",
    "committed": "the sync is committed: start() a new one",
}

# Commit jobs running in this process (their tokens): a job row in state
# 'running' whose process is this one but whose token is not here was cut
# short (its thread died with an earlier interpreter state).
_ACTIVE_JOBS: set[str] = set()
_ACTIVE_LOCK = threading.Lock()


class SyncStateError(BOIError):
    """A sync call made in the wrong state (commit before validate, transfer
    after end...), or a commit of a validation that Campus changes made stale.

    ``value`` is the sync's state (None: no sync).

    >>> e = SyncStateError("commit: no", field="state", rule="sync-state", value="ended")
    >>> (e.rule, e.value)
    ('sync-state', 'ended')
    """

    rule = "sync-state"


def ensure_schema(conn: Any) -> None:
    """Create the sync tables (once; idempotent), in one transaction.

    >>> import sqlite3; conn = sqlite3.connect(":memory:", isolation_level=None)
    >>> ensure_schema(conn); ensure_schema(conn)
    >>> sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    ['sync_job', 'sync_record', 'sync_run']
    """
    with transaction(conn):
        for statement in SYNC_SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)


def _now() -> _dt.datetime:
    return _dt.datetime.now().replace(microsecond=0)


def _json_default(value: Any) -> Any:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return f"<{type(value).__name__}>"


# ---------------------------------------------------------------------------
# the plan: what commit would do


@dataclass
class _Hr:
    seq: int
    key: str
    number: str
    raw: dict[str, Any]
    data: dict[str, Any]


@dataclass
class _Location:
    address_id: int
    key: str
    address: Address


@dataclass
class _Household:
    household_id: int
    staff_household: bool
    households: int
    others: int
    locations: list[_Location] = field(default_factory=list)


@dataclass
class _Item:
    hr: _Hr
    action: str  # "create" | "update" | "conflict"
    person_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    replace_employments: bool = False
    conflict: str | None = None


@dataclass
class _Plan:
    items: list[_Item]
    digest: str
    report: Report | None


_NAMES = ("lastName", "firstName", "middleName")
_SCALARS = tuple(f for f in STAFF_DEMOGRAPHICS if f not in _NAMES)
_ADDRESS_COLUMNS = tuple(BOI_FIELDS)  # the store's component columns, in Address field order
_ACTIVE = "(end_date IS NULL OR end_date > ?)"


def _campus_children(ctx: Ctx) -> tuple[dict[int, list[tuple[Any, ...]]], dict[int, list[tuple[Any, ...]]]]:
    """(employments, positions) of every staff member, by person id."""
    employments: dict[int, list[tuple[Any, ...]]] = {}
    for person_id, hire, term in ctx.conn.execute(
        "SELECT e.person_id, e.hire_date, e.termination_date FROM employment e "
        "JOIN staff s ON s.person_id = e.person_id ORDER BY e.person_id, e.hire_date, e.employment_id"
    ):
        employments.setdefault(person_id, []).append((hire, term))
    assignments: dict[int, list[tuple[Any, ...]]] = {}
    for person_id, *row in ctx.conn.execute(
        "SELECT p.person_id, p.school_number, p.assignment_code, p.title_code, p.start_date, p.end_date "
        "FROM position p JOIN staff s ON s.person_id = p.person_id "
        "ORDER BY p.person_id, p.start_date, p.position_id"
    ):
        assignments.setdefault(person_id, []).append(tuple(row))
    return employments, assignments


def _campus_households(ctx: Ctx) -> dict[int, _Household]:
    """The household each staff member's HR household data would apply to
    (staff households first, as :func:`household.memberships`), with the
    facts the specification's household rules look at."""
    conn, today = ctx.conn, ctx.today
    members = dict(
        conn.execute(
            f"SELECT household_id, count(DISTINCT person_id) FROM household_member WHERE {_ACTIVE} "
            "GROUP BY household_id",
            (today,),
        ).fetchall()
    )
    per_person: dict[int, list[tuple[int, int]]] = {}
    for person_id, household_id, is_staff in conn.execute(
        "SELECT m.person_id, m.household_id, h.staff_household FROM household_member m "
        "JOIN household h ON h.household_id = m.household_id JOIN staff s ON s.person_id = m.person_id "
        "WHERE (m.end_date IS NULL OR m.end_date > ?) "
        "ORDER BY m.person_id, h.staff_household DESC, m.household_id",
        (today,),
    ):
        current = per_person.setdefault(person_id, [])
        if all(h != household_id for h, _ in current):
            current.append((household_id, is_staff))
    chosen: dict[int, _Household] = {}
    by_household: dict[int, list[_Household]] = {}
    for person_id, current in per_person.items():
        household_id, is_staff = current[0]
        info = _Household(
            household_id,
            bool(is_staff),
            len(current),
            sum(members.get(h, 1) - 1 for h, _ in current),
        )
        chosen[person_id] = info
        by_household.setdefault(household_id, []).append(info)
    columns = ", ".join(f"a.{c}" for c in _ADDRESS_COLUMNS)
    for household_id, address_id, key, *parts in conn.execute(
        f"SELECT l.household_id, a.id, a.match_key, {columns} FROM household_location l "
        "JOIN addresses a ON a.id = l.address_id WHERE (l.end_date IS NULL OR l.end_date > ?) "
        "ORDER BY l.household_id, l.location_id",
        (today,),
    ):
        for info in by_household.get(household_id, ()):
            values = dict(zip(_ADDRESS_COLUMNS, parts, strict=True))
            values["po_box"] = bool(values["po_box"])
            info.locations.append(_Location(address_id, key, Address(**values)))
    return chosen


def _household_reason(info: _Household | None) -> str | None:
    """Why commit would ignore HR household data for this staff member (None: it applies)."""
    if info is None:
        return None
    if info.others:
        return (
            f"the household has {info.others} other member(s) (e.g. students): the HR address will be "
            "ignored at commit so as not to change their address"
        )
    if info.households > 1:
        return f"the staff member belongs to {info.households} households: the HR address will be ignored"
    if not info.staff_household:
        return "the household is not a staff household: the HR address will be ignored"
    return None


def _address_view(address: Address) -> dict[str, Any]:
    return address.to_boi()


class _Planner:
    """Compares the transferred HR records with Campus (one read snapshot)."""

    def __init__(self, ctx: Ctx, hr: list[_Hr], *, with_report: bool) -> None:
        self.ctx = ctx
        self.hr = hr
        self.with_report = with_report
        self.household_allowed = preferences.household_allowed(ctx.conn)
        self._find_cache: dict[str, Any] = {}

    def _find(self, mapping: Mapping[str, Any]) -> Any:
        cache_key = json.dumps(mapping, sort_keys=True, default=_json_default)
        if cache_key not in self._find_cache:
            self._find_cache[cache_key] = self.ctx.store.find(dict(mapping))
        return self._find_cache[cache_key]

    def run(self, sync: Mapping[str, Any], generated_at: _dt.datetime) -> _Plan:
        ctx = self.ctx
        campus_rows = load_staff_rows(ctx.conn)
        groups, missing = number_problems(campus_rows)
        duplicated = {fold_number(g[0]["staffNumber"]): g for g in groups}
        unique: dict[str, Mapping[str, Any]] = {}
        for row in campus_rows:
            number = row["staffNumber"]
            if number is not None and str(number).strip():
                key = fold_number(number)
                if key not in duplicated:
                    unique[key] = row
        employments, assignments = _campus_children(ctx)
        households = _campus_households(ctx) if self.household_allowed else {}

        items: list[_Item] = []
        sections: dict[str, list[dict[str, Any]]] = {
            k: []
            for k in (
                "demographicDifferences",
                "employmentDifferences",
                "assignmentDifferences",
                "addressDifferences",
                "addressesToAdd",
                "staffToAdd",
                "conflicts",
                "campusStaffNotInHr",
                "duplicateStaffNumbers",
                "missingStaffNumbers",
            )
        }
        field_counts: Counter[str] = Counter({label: 0 for label in DEMOGRAPHIC_FIELDS})
        to_add: dict[str, dict[str, Any]] = {}
        unchanged = 0
        seen_keys: set[str] = set()
        for hr in self.hr:
            seen_keys.add(hr.key)
            group = duplicated.get(hr.key)
            if group is not None:
                ids = [g["personId"] for g in group]
                message = (
                    f"staffNumber: {hr.number!r} belongs to {len(ids)} persons in Campus (person ids "
                    f"{', '.join(map(str, ids))}); make the Campus staff numbers unique (Check Campus Data) "
                    "and validate again"
                )
                items.append(_Item(hr, "conflict", conflict=message))
                if self.with_report:
                    sections["conflicts"].append(
                        {
                            "staffNumber": hr.number,
                            "rule": AmbiguousStaffNumberError.rule,
                            "message": message,
                            "personIds": ids,
                            "hr": staff_row("HR", hr.data),
                            "campus": [staff_row("Campus", g, person_id=g["personId"]) for g in group],
                        }
                    )
                continue
            campus = unique.get(hr.key)
            if campus is None:
                items.append(_Item(hr, "create", changes=hr.data))
                if self.with_report:
                    sections["staffToAdd"].append(staff_row("HR", hr.data))
                    if self.household_allowed:
                        for location in _hr_locations(hr.data):
                            self._note_new_address(to_add, hr, location)
                continue
            item = self._compare(
                hr, campus, employments, assignments, households, sections, field_counts, to_add
            )
            if not item.changes:
                unchanged += 1
            items.append(item)
        digest = _digest(items, self.household_allowed)
        if not self.with_report:
            return _Plan(items, digest, None)
        for row in campus_rows:
            number = row["staffNumber"]
            if number is None or not str(number).strip():
                continue
            key = fold_number(number)
            if key not in duplicated and key not in seen_keys:
                sections["campusStaffNotInHr"].append(staff_row("Campus", row, person_id=row["personId"]))
        sections["duplicateStaffNumbers"] = [
            staff_row("Campus", s, person_id=s["personId"]) for g in groups for s in g
        ]
        sections["missingStaffNumbers"] = [staff_row("Campus", s, person_id=s["personId"]) for s in missing]
        sections["addressesToAdd"] = list(to_add.values())
        summary = {
            "staffTransferred": len(self.hr),
            "demographicDifferences": len(sections["demographicDifferences"]),
            "demographicFieldDifferences": dict(field_counts),
            "employmentDifferences": len(sections["employmentDifferences"]),
            "assignmentDifferences": len(sections["assignmentDifferences"]),
            "addressDifferences": len(sections["addressDifferences"]),
            "hrStaffNotInCampus": len(sections["staffToAdd"]),
            "campusStaffNotInHr": len(sections["campusStaffNotInHr"]),
            "duplicateStaffNumbers": len(sections["duplicateStaffNumbers"]),
            "missingStaffNumbers": len(sections["missingStaffNumbers"]),
            "addressesToAdd": len(sections["addressesToAdd"]),
            "conflicts": len(sections["conflicts"]),
            "unchanged": unchanged,
            "householdUpdatesAllowed": self.household_allowed,
        }
        report = validation_report(generated_at=generated_at, sync=sync, summary=summary, sections=sections)
        return _Plan(items, digest, report)

    def _note_new_address(
        self, to_add: dict[str, dict[str, Any]], hr: _Hr, location: Mapping[str, Any]
    ) -> None:
        mapping = location["address"]
        try:
            address = normalize(dict(mapping))
        except AddressError:  # transferred while the household preference was off: commit reports it
            return
        key = key_of(address)
        if key in to_add:
            if hr.number not in to_add[key]["staffNumbers"]:
                to_add[key]["staffNumbers"].append(hr.number)
            return
        if self._find(mapping) is None:
            to_add[key] = {"staffNumbers": [hr.number], "address": _address_view(address)}

    def _compare(
        self,
        hr: _Hr,
        campus: Mapping[str, Any],
        employments: Mapping[int, list[tuple[Any, ...]]],
        assignments: Mapping[int, list[tuple[Any, ...]]],
        households: Mapping[int, _Household],
        sections: dict[str, list[dict[str, Any]]],
        field_counts: Counter[str],
        to_add: dict[str, dict[str, Any]],
    ) -> _Item:
        data = hr.data
        person_id = campus["personId"]
        item = _Item(hr, "update", person_id=person_id)
        changes = item.changes
        report = self.with_report
        # demographics
        labels = []
        if hr.number != campus["staffNumber"]:
            changes["staffNumber"] = hr.number
            labels.append("Staff Number")
        names = {k: data.get(k) for k in _NAMES if data.get(k) is not None and data.get(k) != campus[k]}
        if names:
            changes.update(names)
            labels.append("Name")
        for key in _SCALARS:
            value = data.get(key)
            if value is not None and value != campus[key]:
                changes[key] = value
        for label, keys in DEMOGRAPHIC_FIELDS.items():
            if label not in ("Staff Number", "Name") and any(k in changes for k in keys):
                labels.append(label)
        if labels:
            field_counts.update(labels)
            if report:
                sections["demographicDifferences"].append(
                    {
                        "staffNumber": hr.number,
                        "personId": person_id,
                        "fields": [label for label in DEMOGRAPHIC_FIELDS if label in labels],
                        "campus": staff_row("Campus", campus, person_id=person_id),
                        "hr": staff_row("HR", {**data, "staffNumber": hr.number}),
                    }
                )
        # employments
        hr_jobs = sorted(
            ((e["hireDate"], e.get("terminationDate")) for e in data.get("employments") or ()), key=_sort_key
        )
        campus_jobs = sorted(employments.get(person_id, ()), key=_sort_key)
        if hr_jobs and hr_jobs != campus_jobs:
            changes["employments"] = data["employments"]
            item.replace_employments = True
            if report:
                sections["employmentDifferences"].append(
                    {
                        "staffNumber": hr.number,
                        "campusStaffNumber": campus["staffNumber"],
                        "personId": person_id,
                        "campus": [{"hireDate": h, "terminationDate": t} for h, t in campus_jobs],
                        "hr": [{"hireDate": h, "terminationDate": t} for h, t in hr_jobs],
                    }
                )
        # assignments
        hr_positions = sorted(
            (
                (
                    p["schoolNumber"],
                    p.get("assignmentCode"),
                    p.get("titleCode"),
                    p["startDate"],
                    p.get("endDate"),
                )
                for p in data.get("positions") or ()
            ),
            key=_sort_key,
        )
        campus_positions = sorted(assignments.get(person_id, ()), key=_sort_key)
        if hr_positions and hr_positions != campus_positions:
            changes["positions"] = data["positions"]
            if report:
                sections["assignmentDifferences"].append(
                    {
                        "staffNumber": hr.number,
                        "campusStaffNumber": campus["staffNumber"],
                        "personId": person_id,
                        "campus": [_position_view(p) for p in campus_positions],
                        "hr": [_position_view(p) for p in hr_positions],
                    }
                )
        # address
        locations = _hr_locations(data)
        if locations and self.household_allowed and not _addresses_valid(locations):
            # Transferred while the household preference was off: the commit applies the
            # household like an update does, so this staff member fails there with the address rule.
            changes["household"] = _sent_household(hr.raw, data)
        elif locations and self.household_allowed:
            info = households.get(person_id)
            if self._address_differs(locations, info):
                changes["household"] = _sent_household(hr.raw, data)
                reason = _household_reason(info)
                if reason is None and report:
                    for location in locations:
                        self._note_new_address(to_add, hr, location)
                if report:
                    sections["addressDifferences"].append(
                        {
                            "staffNumber": hr.number,
                            "campusStaffNumber": campus["staffNumber"],
                            "personId": person_id,
                            "campus": [
                                _address_view(loc.address) for loc in (info.locations if info else ())
                            ],
                            "hr": [_address_view(normalize(dict(loc["address"]))) for loc in locations],
                            "applies": reason is None,
                            "note": reason,
                        }
                    )
        return item

    def _address_differs(self, locations: Sequence[Mapping[str, Any]], info: _Household | None) -> bool:
        remaining = list(info.locations) if info else []
        for location in locations:
            mapping = location["address"]
            key = key_of(normalize(dict(mapping)))
            match = next((c for c in remaining if c.key == key), None)
            if match is None:
                found = self._find(mapping)
                if found is not None:
                    match = next((c for c in remaining if c.address_id == found.id), None)
            if match is None:
                return True
            remaining.remove(match)
        return bool(remaining)


def _sort_key(row: Sequence[Any]) -> tuple[Any, ...]:
    return tuple("" if v is None else v for v in row)


def _position_view(row: Sequence[Any]) -> dict[str, Any]:
    school, assignment, title, start, end = row
    return {
        "titleCode": title,
        "schoolNumber": school,
        "startDate": start,
        "endDate": end,
        "assignmentCode": assignment,
    }


def _hr_locations(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    household = data.get("household")
    if not household:
        return []
    return list(household.get("householdLocations") or ())


def _addresses_valid(locations: Sequence[Mapping[str, Any]]) -> bool:
    """True when every location's address passes the address rules."""
    try:
        for location in locations:
            normalize(dict(location["address"]))
    except AddressError:
        return False
    return True


def _sent_household(raw: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """The household fields HR actually sent (an absent name or phone leaves Campus's)."""
    sent = raw.get("household") or {}
    household = data["household"]
    return {k: v for k, v in household.items() if k in sent or k == "householdLocations"}


def _digest(items: Sequence[_Item], household_allowed: bool) -> str:
    """A digest of what commit would do (clear values included; only the hash is kept)."""
    plan = [
        [i.hr.seq, i.hr.key, i.action, i.person_id, i.replace_employments, i.changes, i.conflict]
        for i in items
    ]
    text = json.dumps([household_allowed, plan], sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------
# transfer checks


def _check_record(ctx: Ctx, record: Any, *, household_allowed: bool) -> tuple[str, dict[str, Any]]:
    """The create checks of one transferred record: ``(staff number, cleaned data)``.

    Like :meth:`Campus.create_staff`, the household's addresses are checked
    only when the household preference is on (else the household is ignored).
    """
    data = clean_staff(record, mode="create")
    reference.require(ctx.conn, "genders", "gender", data["gender"])
    for i, position in enumerate(data.get("positions") or ()):
        positions.check_lists(ctx, position, f"positions[{i}]")
    if not household_allowed:
        return data["staffNumber"], data
    for i, location in enumerate(_hr_locations(data)):
        path = f"household.householdLocations[{i}].address"
        try:
            normalize(dict(location["address"]))
        except AddressError as exc:
            raise address_error(exc, path) from exc
    return data["staffNumber"], data


def _stored_payload(record: Mapping[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, default=_json_default, ensure_ascii=False)


# ---------------------------------------------------------------------------
# the API


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    with contextlib.suppress(OSError, IndexError):
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
        if state in ("Z", "X"):  # a zombie: dead, not yet reaped
            return False
    return True


class Sync:
    """The staff synchronization of one :class:`~addrmatch.boi.Campus` (``campus.sync``).

    ``now`` gives the timestamps (started, ended, report generation...;
    default: the local time, to the second).

    >>> from addrmatch.boi import Campus
    >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("M", "Male"); c.add_school("106", "Northdale")
    >>> _ = c.sync.start(started_by="Postma, Madison")
    >>> c.sync.transfer([{"staffNumber": "FFF666", "lastName": "Franklin", "firstName": "Frank",
    ...                   "gender": "M"}])["accepted"]
    1
    >>> c.sync.end()["state"]
    'ended'
    >>> c.sync.validate()["summary"]["hrStaffNotInCampus"]
    1
    >>> r = c.sync.commit(); (r["committed"], r["failed"], c.get_staff("FFF666")["hrManaged"])
    (1, 0, True)
    """

    def __init__(self, campus: Campus, *, now: Callable[[], _dt.datetime] | None = None) -> None:
        self._campus = campus
        self.now: Callable[[], _dt.datetime] = now or _now
        self._thread: threading.Thread | None = None
        with campus._lock:
            ensure_schema(campus.connection)

    def __repr__(self) -> str:
        return f"Sync({self._campus!r})"

    # -- plumbing -----------------------------------------------------------------

    def _stamp(self) -> str:
        return self.now().replace(microsecond=0).isoformat()

    def _call(self, op: str, fn: Callable[[Ctx], T], *, action: str = "POST", write: bool = True) -> T:
        return self._campus._run(fn, action=action, path=_PATHS[op], write=write)

    @staticmethod
    def _current(ctx: Ctx) -> dict[str, Any] | None:
        row = ctx.conn.execute(
            "SELECT sync_id, started_by, started_at, state, batches, restarts, ended_at, validated_at, "
            "validation_digest, committed_at FROM sync_run ORDER BY sync_id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        keys = (
            "syncId",
            "startedBy",
            "startedAt",
            "state",
            "batches",
            "restarts",
            "endedAt",
            "validatedAt",
            "digest",
            "committedAt",
        )
        return dict(zip(keys, row, strict=True))

    def _reap(self, ctx: Ctx) -> None:
        """Mark a running job whose process or thread is gone as interrupted (and its sync)."""
        row = ctx.conn.execute(
            "SELECT job_id, sync_id, token, pid FROM sync_job WHERE state = 'running' ORDER BY job_id DESC"
        ).fetchall()
        for job_id, sync_id, token, pid in row:
            if pid == os.getpid():
                with _ACTIVE_LOCK:
                    alive = token in _ACTIVE_JOBS
            else:
                alive = _pid_alive(pid)
            if alive:
                continue
            ctx.conn.execute(
                "UPDATE sync_job SET state = 'interrupted', error = ? WHERE job_id = ?",
                (f"the committing process ({pid}) stopped before the commit finished", job_id),
            )
            ctx.conn.execute(
                "UPDATE sync_run SET state = 'interrupted' WHERE sync_id = ? AND state = 'committing'",
                (sync_id,),
            )

    def _require(self, ctx: Ctx, op: str, allowed: Collection[str]) -> dict[str, Any]:
        self._reap(ctx)
        run = self._current(ctx)
        state = None if run is None else run["state"]
        if state not in allowed:
            where = (
                "there is no sync" if run is None else f"the sync (started by {run['startedBy']}) is {state}"
            )
            raise SyncStateError(
                f"{op}: not allowed while {where}; {_NEXT_STEP[state]}",
                field="state",
                rule="sync-state",
                value=state,
            )
        assert run is not None
        return run

    def _count(self, ctx: Ctx, sync_id: int) -> int:
        return int(ctx.one("SELECT count(*) FROM sync_record WHERE sync_id = ?", (sync_id,)))

    def _status(self, ctx: Ctx, run: Mapping[str, Any] | None) -> dict[str, Any] | None:
        if run is None:
            return None
        counts = dict(
            ctx.conn.execute(
                "SELECT status, count(*) FROM sync_record WHERE sync_id = ? GROUP BY status", (run["syncId"],)
            ).fetchall()
        )
        return {
            "syncId": run["syncId"],
            "state": run["state"],
            "startedBy": run["startedBy"],
            "startedAt": run["startedAt"],
            "staffTransferred": sum(counts.values()),
            "batches": run["batches"],
            "restarts": run["restarts"],
            "endedAt": run["endedAt"],
            "validatedAt": run["validatedAt"],
            "committedAt": run["committedAt"],
            "staffCommitted": counts.get("committed", 0),
            "staffFailed": counts.get("failed", 0),
        }

    # -- the calls ----------------------------------------------------------------

    def status(self) -> dict[str, Any] | None:
        """The current (last) sync: state, started by/at, staff transferred...; None before the first.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.sync.status() is None
        True
        >>> c.sync.start(started_by="Postma, Madison")["state"], c.sync.status()["staffTransferred"]
        ('transferring', 0)
        """

        def run(ctx: Ctx) -> dict[str, Any] | None:
            self._reap(ctx)
            return self._status(ctx, self._current(ctx))

        return self._campus._run(run)

    def start(self, *, started_by: str) -> dict[str, Any]:
        """Start the data transfer (POST .../sync/start); returns the sync's status.

        Allowed when there is no sync or the last one is committed. The
        transferred records of earlier syncs are deleted (their summary stays).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); _ = c.sync.start(started_by="Postma, Madison")
        >>> c.sync.start(started_by="Postma, Madison")
        Traceback (most recent call last):
        ...
        addrmatch.boi.sync.SyncStateError: start: a sync started by Postma, Madison on ... is transferring; ...
        """
        who = _started_by(started_by)

        def run(ctx: Ctx) -> dict[str, Any]:
            self._reap(ctx)
            current = self._current(ctx)
            if current is not None and current["state"] != "committed":
                state = current["state"]
                hint = _NEXT_STEP[state] if state == "committing" else f"{_NEXT_STEP[state]}; or restart() it"
                raise SyncStateError(
                    f"start: a sync started by {current['startedBy']} on {current['startedAt']} is "
                    f"{state}; {hint}",
                    field="state",
                    rule="sync-state",
                    value=current["state"],
                )
            ctx.conn.execute("DELETE FROM sync_record")
            sync_id = ctx.insert(
                "INSERT INTO sync_run (started_by, started_at, state) VALUES (?, ?, 'transferring')",
                (who, self._stamp()),
            )
            return self._status(ctx, self._run_row(ctx, sync_id)) or {}

        return self._call("start", run)

    def _run_row(self, ctx: Ctx, sync_id: int) -> dict[str, Any]:
        run = self._current(ctx)
        assert run is not None and run["syncId"] == sync_id
        return run

    def transfer(self, records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
        """Transfer a batch of HR staff (POST .../sync/transfer).

        Each record is checked like a create payload (schema, listed gender,
        school and assignment codes, address rules). Accepted records are
        stored; each failure is returned (``index``, ``staffNumber``,
        ``field``, ``rule``, ``message``) and written to the error log. A
        staff number may be sent once per sync (case-insensitively); sending
        the identical record again is accepted as a repeat. Passing does not
        guarantee the commit will.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_gender("F", "Female"); _ = c.sync.start(started_by="HR")
        >>> r = c.sync.transfer([{"staffNumber": "1", "lastName": "A", "firstName": "B", "gender": "F"},
        ...                      {"staffNumber": "2", "lastName": "C", "firstName": "D", "gender": "Q"}])
        >>> r["accepted"], [(f["index"], f["field"], f["rule"]) for f in r["failures"]]
        (1, [(1, 'gender', 'listed-gender')])
        """
        if isinstance(records, (Mapping, str, bytes)):
            raise ValidationError(
                "records: a list of staff member objects (one batch), not a single object",
                field="records",
                rule="type",
                value=None,
            )
        batch = list(records)
        failures: list[tuple[int, Any, BaseException]] = []

        def run(ctx: Ctx) -> dict[str, Any]:
            sync = self._require(ctx, "transfer", ("transferring",))
            sync_id = sync["syncId"]
            batch_no = sync["batches"] + 1
            seq = int(ctx.one("SELECT coalesce(max(seq), 0) FROM sync_record WHERE sync_id = ?", (sync_id,)))
            accepted = repeats = 0
            household_allowed = preferences.household_allowed(ctx.conn)
            for index, record in enumerate(batch):
                try:
                    with transaction(ctx.conn):
                        number, _ = _check_record(ctx, record, household_allowed=household_allowed)
                        key = fold_number(number)
                        payload = _stored_payload(record)
                        earlier = ctx.conn.execute(
                            "SELECT staff_number, batch, payload FROM sync_record WHERE sync_id = ? AND staff_key = ?",
                            (sync_id, key),
                        ).fetchone()
                        if earlier is not None:
                            if earlier[2] == payload:
                                repeats += 1
                                accepted += 1
                                continue
                            raise ValidationError(
                                f"staffNumber: {number!r} was already transferred in this sync (batch "
                                f"{earlier[1]}, as {earlier[0]!r}) with other data; restart() the transfer to "
                                "send changed HR data",
                                field="staffNumber",
                                rule="transferred-once",
                                value=number,
                            )
                        seq += 1
                        ctx.conn.execute(
                            "INSERT INTO sync_record (sync_id, seq, staff_key, staff_number, batch, payload) "
                            "VALUES (?, ?, ?, ?, ?, ?)",
                            (sync_id, seq, key, number, batch_no, payload),
                        )
                        accepted += 1
                except BOIError as exc:
                    scrub_exception(exc, sensitive_values(record))
                    failures.append((index, record, exc))
            ctx.conn.execute("UPDATE sync_run SET batches = ? WHERE sync_id = ?", (batch_no, sync_id))
            return {
                "syncId": sync_id,
                "batch": batch_no,
                "accepted": accepted,
                "repeats": repeats,
                "failed": len(failures),
                "staffTransferred": self._count(ctx, sync_id),
                "failures": [_failure(index, record, exc) for index, record, exc in failures],
            }

        result = self._call("transfer", run)
        if failures:
            self._log_many(_PATHS["transfer"], [(record, exc) for _, record, exc in failures])
        return result

    def _log_many(self, path: str, failures: Sequence[tuple[Any, BaseException]]) -> None:
        campus = self._campus
        with campus._lock:
            today = campus.today()
            try:
                with transaction(campus.connection):
                    for record, exc in failures:
                        errorlog.record(
                            campus.connection,
                            today=today,
                            action="POST",
                            path=path,
                            staff_number=staff.number_of(record),
                            error=exc,
                            payload=record,
                        )
            except Exception as log_error:  # the failures are returned anyway
                for _, exc in failures[:1]:
                    if hasattr(exc, "add_note"):
                        exc.add_note(f"(the error log could not be written: {log_error})")

    def end(self) -> dict[str, Any]:
        """End the data transfer (POST .../sync/end); only once something was transferred.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); _ = c.sync.start(started_by="HR"); c.sync.end()
        Traceback (most recent call last):
        ...
        addrmatch.boi.sync.SyncStateError: end: nothing was transferred yet; transfer() the HR staff first
        """

        def run(ctx: Ctx) -> dict[str, Any]:
            sync = self._require(ctx, "end", ("transferring",))
            if self._count(ctx, sync["syncId"]) == 0:
                raise SyncStateError(
                    "end: nothing was transferred yet; transfer() the HR staff first",
                    field="state",
                    rule="sync-empty",
                    value=sync["state"],
                )
            ctx.conn.execute(
                "UPDATE sync_run SET state = 'ended', ended_at = ? WHERE sync_id = ?",
                (self._stamp(), sync["syncId"]),
            )
            return self._status(ctx, self._run_row(ctx, sync["syncId"])) or {}

        return self._call("end", run)

    def restart(self, *, started_by: str | None = None) -> dict[str, Any]:
        """Restart the transfer: discard the transferred data and start
        transferring again (the UI's Restart Transfer; after HR data changed).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_gender("F", "Female"); _ = c.sync.start(started_by="HR")
        >>> _ = c.sync.transfer([{"staffNumber": "1", "lastName": "A", "firstName": "B", "gender": "F"}])
        >>> s = c.sync.restart(); (s["state"], s["staffTransferred"], s["restarts"])
        ('transferring', 0, 1)
        """
        who = None if started_by is None else _started_by(started_by)

        def run(ctx: Ctx) -> dict[str, Any]:
            sync = self._require(ctx, "restart", ("transferring", "ended", "validated", "interrupted"))
            sync_id = sync["syncId"]
            ctx.conn.execute("DELETE FROM sync_record WHERE sync_id = ?", (sync_id,))
            ctx.conn.execute(
                "UPDATE sync_run SET state = 'transferring', batches = 0, restarts = restarts + 1, "
                "ended_at = NULL, validated_at = NULL, validation_digest = NULL, started_by = ?, "
                "started_at = ? WHERE sync_id = ?",
                (who or sync["startedBy"], self._stamp(), sync_id),
            )
            return self._status(ctx, self._run_row(ctx, sync_id)) or {}

        return self._call("restart", run)

    def _hr_records(self, ctx: Ctx, sync_id: int) -> list[_Hr]:
        out = []
        for seq, key, number, payload in ctx.conn.execute(
            "SELECT seq, staff_key, staff_number, payload FROM sync_record WHERE sync_id = ? ORDER BY seq",
            (sync_id,),
        ):
            raw = json.loads(payload)
            out.append(_Hr(seq, key, number, raw, clean_staff(raw, mode="create")))
        return out

    def _plan(self, ctx: Ctx, sync: Mapping[str, Any], *, with_report: bool) -> _Plan:
        hr = self._hr_records(ctx, sync["syncId"])
        status = self._status(ctx, sync) or {}
        info = {k: status[k] for k in ("syncId", "startedBy", "startedAt", "staffTransferred")}
        return _Planner(ctx, hr, with_report=with_report).run(info, self.now())

    def validate(self) -> Report:
        """Validate the transferred data against Campus (POST .../sync/validate).

        Returns the validation report (:class:`~addrmatch.boi.report.Report`:
        the data, with ``to_html()`` / ``to_text()``). Allowed after end(),
        and again whenever Campus data changed.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_gender("F", "Female")
        >>> _ = c.import_legacy_staff([{"staffNumber": "1", "lastName": "A", "firstName": "B", "workEmail": "B@x.org"}])
        >>> _ = c.sync.start(started_by="HR")
        >>> _ = c.sync.transfer([{"staffNumber": "1", "lastName": "A", "firstName": "B", "gender": "F",
        ...                       "workEmail": "b@x.org"}])
        >>> _ = c.sync.end(); r = c.sync.validate()
        >>> r["summary"]["demographicFieldDifferences"]["Work Email"], r["sections"]["demographicDifferences"][0]["fields"]
        (1, ['Gender', 'Work Email'])
        """

        def run(ctx: Ctx) -> Report:
            sync = self._require(ctx, "validate", ("ended", "validated", "interrupted"))
            plan = self._plan(ctx, sync, with_report=True)
            assert plan.report is not None
            ctx.conn.execute(
                "UPDATE sync_run SET state = 'validated', validated_at = ?, validation_digest = ? "
                "WHERE sync_id = ?",
                (plan.report["generatedAt"], plan.digest, sync["syncId"]),
            )
            return plan.report

        return self._call("validate", run)

    # -- commit -------------------------------------------------------------------

    def _stale(self, op: str, sync: Mapping[str, Any]) -> SyncStateError:
        return SyncStateError(
            f"{op}: Campus data changed since the sync was validated ({sync['validatedAt']}); "
            "validate() again and review the report before committing",
            field="state",
            rule="sync-stale",
            value="validated",
        )

    def _begin_commit(
        self, op: str, *, background: bool, token: str
    ) -> tuple[int, int, list[_Item] | None, bool]:
        """Check the state, move to 'committing', create the job row. The
        foreground commit also plans and checks the validation here, in the
        same transaction; a background job does that in its worker."""

        def run(ctx: Ctx) -> tuple[int, int, list[_Item] | None, bool]:
            sync = self._require(ctx, op, ("validated",))
            items: list[_Item] | None = None
            if not background:
                plan = self._plan(ctx, sync, with_report=False)
                if plan.digest != sync["digest"]:
                    raise self._stale(op, sync)
                items = plan.items
            ctx.conn.execute("UPDATE sync_run SET state = 'committing' WHERE sync_id = ?", (sync["syncId"],))
            job_id = ctx.insert(
                "INSERT INTO sync_job (sync_id, token, background, state, total, started_at, pid) "
                "VALUES (?, ?, ?, 'running', ?, ?, ?)",
                (
                    sync["syncId"],
                    token,
                    int(background),
                    self._count(ctx, sync["syncId"]),
                    self._stamp(),
                    os.getpid(),
                ),
            )
            return sync["syncId"], job_id, items, preferences.household_allowed(ctx.conn)

        return self._call(op, run)

    def commit(self, *, progress: CommitProgress | None = None) -> dict[str, Any]:
        """Commit the validated sync (POST .../sync/commit) and wait for it.

        Every difference is applied, staff member by staff member, each in
        its own transaction; returns ``{"syncId", "jobId", "total",
        "committed", "failed", "successes": [...], "failures": [...]}``.
        A success is ``{"staffNumber", "personId", "action": "created" |
        "updated" | "unchanged", "changes": [...], "warnings": [...]}``; a
        failure ``{"staffNumber", "error", "field", "rule", "message"}`` (also
        in the error log). Sends the HR Sync Commit notification.
        ``progress(done, failed, total)`` is called after each staff member.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_gender("F", "Female")
        >>> _ = c.import_legacy_staff([{"staffNumber": "D1", "lastName": "A", "firstName": "B"},
        ...                            {"staffNumber": "d1", "lastName": "C", "firstName": "D"}])
        >>> _ = c.sync.start(started_by="HR")
        >>> _ = c.sync.transfer([{"staffNumber": "N1", "lastName": "N", "firstName": "M", "gender": "F"},
        ...                      {"staffNumber": "D1", "lastName": "A", "firstName": "B", "gender": "F"}])
        >>> _ = c.sync.end(); _ = c.sync.validate(); r = c.sync.commit()
        >>> [s["action"] for s in r["successes"]], [f["rule"] for f in r["failures"]]
        (['created'], ['staff-number-ambiguous'])
        """
        token = uuid.uuid4().hex
        with _ACTIVE_LOCK:
            _ACTIVE_JOBS.add(token)
        try:
            sync_id, job_id, items, allowed = self._begin_commit("commit", background=False, token=token)
            assert items is not None
            return self._execute(sync_id, job_id, items, allowed, path=_PATHS["commit"], progress=progress)
        finally:
            with _ACTIVE_LOCK:
                _ACTIVE_JOBS.discard(token)

    def submit_commit_job(self) -> dict[str, Any]:
        """Start the commit as a background job (POST .../sync/submitCommitJob)
        and return at once with the job's status; see :meth:`commit_job_status`.

        The job checks the validation is still current (else the job
        ``failed``, the sync stays validated: validate again), then commits
        as :meth:`commit`. Failures go to the error log.

        Where it runs depends on the database: a worker thread on a
        connection of its own to the same file (a path, or a caller's
        ``sqlite3.Connection`` / ``sqlite_utils.Database`` over a file); a
        worker thread on Campus's own connection for ``Campus(":memory:")``.
        A caller's connection to an in-memory database cannot be shared with
        another thread (``check_same_thread``) nor reopened, so there the job
        runs in the calling thread before this method returns (its status is
        already final).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_gender("F", "Female"); _ = c.sync.start(started_by="HR")
        >>> _ = c.sync.transfer([{"staffNumber": "N1", "lastName": "N", "firstName": "M", "gender": "F"}])
        >>> _ = c.sync.end(); _ = c.sync.validate()
        >>> c.sync.submit_commit_job()["background"]
        True
        >>> s = c.sync.wait(timeout=30); (s["state"], s["done"], s["total"])
        ('completed', 1, 1)
        """
        token = uuid.uuid4().hex
        with _ACTIVE_LOCK:
            _ACTIVE_JOBS.add(token)
        try:
            sync_id, job_id, _, _ = self._begin_commit("submit_commit_job", background=True, token=token)
        except BaseException:
            with _ACTIVE_LOCK:
                _ACTIVE_JOBS.discard(token)
            raise
        campus = self._campus
        path = campus._path if campus._owns else _database_file(campus.connection)
        if path is None and not campus._owns:  # a caller's in-memory connection: run here
            try:
                self._run_recorded(sync_id, job_id)
            finally:
                with _ACTIVE_LOCK:
                    _ACTIVE_JOBS.discard(token)
            status = self.commit_job_status()
            assert status is not None
            return status

        def work() -> None:
            from addrmatch.boi.campus import Campus

            try:
                if path is None or path == ":memory:":  # Campus's own in-memory connection
                    self._run_recorded(sync_id, job_id)
                    return
                try:
                    conn = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
                    own = Campus(conn, clock=campus._clock)
                except Exception as exc:
                    self._worker_failed(
                        path, sync_id, job_id, exc
                    )  # if even that fails: threading.excepthook
                    return
                try:
                    Sync(own, now=self.now)._run_recorded(sync_id, job_id)
                finally:
                    conn.close()
            finally:
                with _ACTIVE_LOCK:
                    _ACTIVE_JOBS.discard(token)

        thread = threading.Thread(target=work, name=f"addrmatch-sync-commit-{job_id}", daemon=False)
        self._thread = thread
        thread.start()
        status = self.commit_job_status()
        assert status is not None
        return status

    def _run_job(self, sync_id: int, job_id: int) -> None:
        """The background job: plan, check the validation, commit."""
        op = "submit_commit_job"

        def plan(ctx: Ctx) -> tuple[list[_Item], bool]:
            sync = self._current(ctx)
            assert sync is not None and sync["syncId"] == sync_id and sync["state"] == "committing"
            current = self._plan(ctx, sync, with_report=False)
            if current.digest != sync["digest"]:
                raise self._stale(op, sync)
            return current.items, preferences.household_allowed(ctx.conn)

        try:
            items, allowed = self._call(op, plan)
        except Exception as exc:
            self._fail_job(sync_id, job_id, exc)
            raise
        self._execute(sync_id, job_id, items, allowed, path=_PATHS[op])

    def _run_recorded(self, sync_id: int, job_id: int) -> None:
        """Run the job; its failure is already recorded (job state and error
        log, by :meth:`_run_job`), so it is not raised again."""
        with contextlib.suppress(Exception):
            self._run_job(sync_id, job_id)

    def _worker_failed(self, path: str, sync_id: int, job_id: int, error: Exception) -> None:
        """The worker thread could not open its connection: the job failed (nothing
        changed, the sync is validated again) and the error is in the error log.
        Written on a short connection of the worker's own; if even that fails,
        the error propagates to the thread (``threading.excepthook``)."""
        from addrmatch.boi.campus import Campus

        conn = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
        try:
            own = Campus(conn, clock=self._campus._clock)
            errorlog.record(
                conn,
                today=own.today(),
                action="POST",
                path=_PATHS["submit_commit_job"],
                staff_number=None,
                error=error,
                payload=None,
            )
            Sync(own, now=self.now)._fail_job(sync_id, job_id, error)
        finally:
            conn.close()

    def _fail_job(self, sync_id: int, job_id: int, error: Exception) -> None:
        """The job could not start committing: it failed, the sync is validated again (nothing changed)."""
        campus = self._campus
        with campus._lock, transaction(campus.connection):
            campus.connection.execute(
                "UPDATE sync_job SET state = 'failed', finished_at = ?, error = ? WHERE job_id = ?",
                (self._stamp(), str(error), job_id),
            )
            campus.connection.execute(
                "UPDATE sync_run SET state = 'validated' WHERE sync_id = ? AND state = 'committing'",
                (sync_id,),
            )

    def wait(self, timeout: float | None = None) -> dict[str, Any] | None:
        """Wait for the commit job this object submitted; returns its status.

        >>> from addrmatch.boi import Campus
        >>> Campus().sync.wait() is None
        True
        """
        if self._thread is not None:
            self._thread.join(timeout)
        return self.commit_job_status()

    def commit_job_status(self) -> dict[str, Any] | None:
        """The last commit job (GET .../sync/commitJobStatus): ``{"jobId",
        "syncId", "state": "running" | "completed" | "failed" | "interrupted",
        "background", "total", "done", "failed", "startedAt", "finishedAt",
        "error"}``; None when no commit ever ran. ``done`` counts the staff
        committed, ``failed`` those that failed.

        >>> from addrmatch.boi import Campus
        >>> Campus().sync.commit_job_status() is None
        True
        """

        def run(ctx: Ctx) -> dict[str, Any] | None:
            self._reap(ctx)
            row = ctx.conn.execute(
                "SELECT job_id, sync_id, state, background, total, done, failed, started_at, finished_at, "
                "error FROM sync_job ORDER BY job_id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            keys = (
                "jobId",
                "syncId",
                "state",
                "background",
                "total",
                "done",
                "failed",
                "startedAt",
                "finishedAt",
                "error",
            )
            status = dict(zip(keys, row, strict=True))
            status["background"] = bool(status["background"])
            return status

        return self._call("commit_job_status", run, action="GET")

    def _execute(
        self,
        sync_id: int,
        job_id: int,
        items: Sequence[_Item],
        household_allowed: bool,
        *,
        path: str,
        progress: CommitProgress | None = None,
    ) -> dict[str, Any]:
        campus = self._campus
        conn = campus.connection
        successes: list[dict[str, Any]] = []
        failures: list[dict[str, Any]] = []
        total = len(items)
        finished = False
        error: BaseException | None = None
        try:
            for item in items:
                outcome = self._commit_one(sync_id, job_id, item, household_allowed, path)
                (successes if "action" in outcome else failures).append(outcome)
                if progress is not None:
                    progress(len(successes), len(failures), total)
            with campus._lock, transaction(conn):
                ctx = campus._ctx()
                ctx.conn.execute(
                    "UPDATE sync_job SET state = 'completed', finished_at = ? WHERE job_id = ?",
                    (self._stamp(), job_id),
                )
                ctx.conn.execute(
                    "UPDATE sync_run SET state = 'committed', committed_at = ? WHERE sync_id = ?",
                    (self._stamp(), sync_id),
                )
                created = sum(1 for s in successes if s["action"] == "created")
                updated = sum(1 for s in successes if s["action"] == "updated")
                notifications.emit(
                    ctx.conn,
                    "sync committed",
                    f"Staff synchronization {sync_id} committed",
                    f"The staff synchronization {sync_id} was committed: {len(successes)} of {total} staff "
                    f"members synchronized ({created} created, {updated} updated, "
                    f"{len(successes) - created - updated} unchanged), {len(failures)} failed "
                    "(see the Business Office Error Log).",
                    ctx.today,
                )
            finished = True
        except BaseException as exc:
            error = exc
            raise
        finally:
            if not finished:
                self._interrupt(sync_id, job_id, error, path)
        return {
            "syncId": sync_id,
            "jobId": job_id,
            "total": total,
            "committed": len(successes),
            "failed": len(failures),
            "successes": successes,
            "failures": failures,
        }

    def _interrupt(self, sync_id: int, job_id: int, error: BaseException | None, path: str) -> None:
        """The commit stopped early (an unexpected error, an interrupt): say so in the job and the run."""
        campus = self._campus
        message = "the commit stopped before it finished"
        if error is not None:
            message += f": {type(error).__name__}: {error}"
        with contextlib.suppress(Exception), campus._lock, transaction(campus.connection):
            if isinstance(error, Exception):
                errorlog.record(
                    campus.connection,
                    today=campus.today(),
                    action="POST",
                    path=path,
                    staff_number=None,
                    error=error,
                    payload=None,
                )
            campus.connection.execute(
                "UPDATE sync_job SET state = 'interrupted', error = ? WHERE job_id = ? AND state = 'running'",
                (message, job_id),
            )
            campus.connection.execute(
                "UPDATE sync_run SET state = 'interrupted' WHERE sync_id = ? AND state = 'committing'",
                (sync_id,),
            )

    def _commit_one(
        self, sync_id: int, job_id: int, item: _Item, household_allowed: bool, path: str
    ) -> dict[str, Any]:
        """One staff member, one transaction (with its record status and the job counters)."""
        campus = self._campus
        with campus._lock:
            ctx = campus._ctx()
            try:
                with transaction(ctx.conn):
                    person_id, action, warnings = _apply(ctx, item, household_allowed)
                    ctx.conn.execute(
                        "UPDATE sync_record SET status = 'committed', person_id = ?, message = NULL "
                        "WHERE sync_id = ? AND staff_key = ?",
                        (person_id, sync_id, item.hr.key),
                    )
                    ctx.conn.execute("UPDATE sync_job SET done = done + 1 WHERE job_id = ?", (job_id,))
                return {
                    "staffNumber": item.hr.number,
                    "personId": person_id,
                    "action": action,
                    "changes": _change_areas(item),
                    "warnings": warnings,
                }
            except (BOIError, AddressError) as exc:
                scrub_exception(exc, sensitive_values(item.hr.raw))
                with transaction(ctx.conn):
                    ctx.conn.execute(
                        "UPDATE sync_record SET status = 'failed', message = ? WHERE sync_id = ? AND staff_key = ?",
                        (str(exc), sync_id, item.hr.key),
                    )
                    ctx.conn.execute("UPDATE sync_job SET failed = failed + 1 WHERE job_id = ?", (job_id,))
                    errorlog.record(
                        ctx.conn,
                        today=ctx.today,
                        action="POST",
                        path=path,
                        staff_number=item.hr.number,
                        error=exc,
                        payload=item.hr.raw,
                    )
                return {
                    "staffNumber": item.hr.number,
                    "error": type(exc).__name__,
                    "field": getattr(exc, "field", None),
                    "rule": getattr(exc, "rule", None),
                    "message": str(exc),
                }


def _change_areas(item: _Item) -> list[str]:
    if item.action == "create":
        return ["created"]
    areas = []
    changes = item.changes
    if any(k in changes for k in ("staffNumber", *_NAMES, *_SCALARS)):
        areas.append("demographics")
    for key, area in (("employments", "employments"), ("positions", "assignments"), ("household", "address")):
        if key in changes:
            areas.append(area)
    return areas


def _apply(ctx: Ctx, item: _Item, household_allowed: bool) -> tuple[int, str, list[dict[str, Any]]]:
    """Apply one plan item in the caller's transaction: ``(person id, action, warnings)``."""
    if item.action == "conflict":
        raise AmbiguousStaffNumberError(
            item.conflict or "staffNumber: ambiguous", field="staffNumber", value=item.hr.number
        )
    if item.action == "create":
        person_id, warnings, _ = staff.create(
            ctx, item.hr.data, origin="hr", hr_managed=True, household_allowed=household_allowed
        )
        return person_id, "created", warnings
    assert item.person_id is not None
    person_id = item.person_id
    # The extra validation: the staff number still names exactly this person.
    holders = [
        r[0]
        for r in ctx.conn.execute(
            "SELECT person_id FROM staff WHERE staff_number = ? COLLATE NOCASE", (item.hr.number,)
        )
    ]
    if len(holders) > 1:
        raise AmbiguousStaffNumberError(
            f"staffNumber: {item.hr.number!r} belongs to {len(holders)} persons in Campus",
            field="staffNumber",
            value=item.hr.number,
        )
    if holders != [person_id]:
        raise NotFoundError(
            f"staffNumber: {item.hr.number!r} no longer names person {person_id} in Campus",
            field="staffNumber",
            rule="staff-exists",
            value=item.hr.number,
        )
    if item.replace_employments:
        ctx.conn.execute("DELETE FROM employment WHERE person_id = ?", (person_id,))
    warnings, _, _ = staff.update(ctx, person_id, item.changes, hr=True, household_allowed=household_allowed)
    return person_id, ("updated" if item.changes else "unchanged"), warnings


def _failure(index: int, record: Any, exc: BaseException) -> dict[str, Any]:
    return {
        "index": index,
        "staffNumber": staff.number_of(record),
        "error": type(exc).__name__,
        "field": getattr(exc, "field", None),
        "rule": getattr(exc, "rule", None),
        "message": str(exc),
    }


def _database_file(conn: sqlite3.Connection) -> str | None:
    """The file behind a connection's main database; None for an in-memory one."""
    for _seq, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return file or None
    return None


def _started_by(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            "started_by: the name of the person starting the sync (non-empty text)",
            field="startedBy",
            rule="required",
            value=None,
        )
    return value.strip()
