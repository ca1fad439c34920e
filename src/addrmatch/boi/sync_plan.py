"""The synchronization's diff planner: what a commit would do, and the report.

:class:`Planner` compares the transferred HR records (:class:`HrRecord`)
with a :class:`Snapshot` of Campus (staff rows, employments, positions and
households, each read from its owning module) and returns a :class:`Plan`:
one :class:`PlanItem` per HR record (create, update with its changes, or
conflict), a digest of the plan (validate stores it, commit recomputes it
and refuses a stale validation) and, for validate, the validation report.
:func:`check_record` holds the transfer's checks of one record.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from addrmatch.address import Address
from addrmatch.boi import employment, household, positions, reference, staff
from addrmatch.boi.db import Ctx
from addrmatch.boi.errors import AmbiguousStaffNumberError, address_error
from addrmatch.boi.fields import DEFAULT_SCHEMA, StaffSchema
from addrmatch.boi.household import StaffHousehold
from addrmatch.boi.report import Report, fold_number, number_problems, staff_row, validation_report
from addrmatch.boi.schema import clean_staff
from addrmatch.errors import AddressError
from addrmatch.key import key_of
from addrmatch.normalize import normalize

__all__ = [
    "HrRecord",
    "Plan",
    "PlanItem",
    "Planner",
    "Snapshot",
    "check_record",
    "digest",
    "hr_locations",
    "person_name",
    "snapshot",
    "stored_payload",
]


def _json_default(value: Any) -> Any:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return f"<{type(value).__name__}>"


# ---------------------------------------------------------------------------
# the plan: what commit would do


@dataclass
class HrRecord:
    """One transferred HR record: its order, folded staff number, the staff
    number as sent, the payload as sent and as cleaned."""

    seq: int
    key: str
    number: str
    raw: dict[str, Any]
    data: dict[str, Any]


@dataclass
class PlanItem:
    """What commit would do for one HR record."""

    hr: HrRecord
    action: str  # "create" | "update" | "conflict"
    person_id: int | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    replace_employments: bool = False
    conflict: str | None = None


@dataclass
class Plan:
    """The items, their digest, and the validation report (when asked for)."""

    items: list[PlanItem]
    digest: str
    report: Report | None


@dataclass
class Snapshot:
    """What the planner compares the HR records with: Campus as one read
    snapshot, gathered from the tables' owners (:func:`snapshot`)."""

    staff: list[dict[str, Any]]
    employments: dict[int, list[tuple[Any, ...]]]
    assignments: dict[int, list[tuple[Any, ...]]]
    households: dict[int, StaffHousehold]
    household_allowed: bool
    schema: StaffSchema = DEFAULT_SCHEMA


def snapshot(ctx: Ctx, *, household_allowed: bool) -> Snapshot:
    """Campus's staff, their employments, positions and households (each
    from its owning module), for :class:`Planner`."""
    rows = staff.rows(ctx)
    ids = {r["personId"] for r in rows}
    return Snapshot(
        rows,
        employment.by_person(ctx, ids),
        positions.by_person(ctx, ids),
        household.staff_households(ctx, ids) if household_allowed else {},
        household_allowed,
        ctx.schema,
    )


def _address_view(address: Address) -> dict[str, Any]:
    return address.to_boi()


class Planner:
    """Compares the transferred HR records with a Campus :class:`Snapshot`.

    Pure but for ``find`` (the address store's find-without-create, for
    addresses whose match key differs from every Campus address): the same
    snapshot and records give the same plan.
    """

    def __init__(
        self,
        campus: Snapshot,
        hr: list[HrRecord],
        *,
        with_report: bool,
        find: Callable[[dict[str, Any]], Any],
    ) -> None:
        self.campus = campus
        self.hr = hr
        self.with_report = with_report
        self.household_allowed = campus.household_allowed
        self._store_find = find
        self._find_cache: dict[str, Any] = {}
        self._names = campus.schema.names
        self._scalars = tuple(f for f in campus.schema.demographics if f not in self._names)
        self._labels = campus.schema.report_labels

    def _staff_row(
        self, system: str, values: Mapping[str, Any], *, person_id: int | None = None
    ) -> dict[str, Any]:
        return staff_row(system, values, person_id=person_id, schema=self.campus.schema)

    def _find(self, mapping: Mapping[str, Any]) -> Any:
        cache_key = json.dumps(mapping, sort_keys=True, default=_json_default)
        if cache_key not in self._find_cache:
            self._find_cache[cache_key] = self._store_find(dict(mapping))
        return self._find_cache[cache_key]

    def run(self, sync: Mapping[str, Any], generated_at: _dt.datetime) -> Plan:
        campus_rows = self.campus.staff
        groups, missing = number_problems(campus_rows)
        duplicated = {fold_number(g[0]["staffNumber"]): g for g in groups}
        unique: dict[str, Mapping[str, Any]] = {}
        for row in campus_rows:
            number = row["staffNumber"]
            if number is not None and str(number).strip():
                key = fold_number(number)
                if key not in duplicated:
                    unique[key] = row
        employments, assignments = self.campus.employments, self.campus.assignments
        households = self.campus.households

        items: list[PlanItem] = []
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
        field_counts: Counter[str] = Counter({label: 0 for label in self._labels})
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
                items.append(PlanItem(hr, "conflict", conflict=message))
                if self.with_report:
                    sections["conflicts"].append(
                        {
                            "staffNumber": hr.number,
                            "rule": AmbiguousStaffNumberError.rule,
                            "message": message,
                            "personIds": ids,
                            "hr": self._staff_row("HR", hr.data),
                            "campus": [self._staff_row("Campus", g, person_id=g["personId"]) for g in group],
                        }
                    )
                continue
            campus = unique.get(hr.key)
            if campus is None:
                items.append(PlanItem(hr, "create", changes=hr.data))
                if self.with_report:
                    sections["staffToAdd"].append(self._staff_row("HR", hr.data))
                    if self.household_allowed:
                        for location in hr_locations(hr.data):
                            self._note_new_address(to_add, hr, location)
                continue
            item = self._compare(
                hr, campus, employments, assignments, households, sections, field_counts, to_add
            )
            if not item.changes:
                unchanged += 1
            items.append(item)
        plan_digest = digest(items, self.household_allowed)
        if not self.with_report:
            return Plan(items, plan_digest, None)
        for row in campus_rows:
            number = row["staffNumber"]
            if number is None or not str(number).strip():
                continue
            key = fold_number(number)
            if key not in duplicated and key not in seen_keys:
                sections["campusStaffNotInHr"].append(
                    self._staff_row("Campus", row, person_id=row["personId"])
                )
        sections["duplicateStaffNumbers"] = [
            self._staff_row("Campus", s, person_id=s["personId"]) for g in groups for s in g
        ]
        sections["missingStaffNumbers"] = [
            self._staff_row("Campus", s, person_id=s["personId"]) for s in missing
        ]
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
        return Plan(items, plan_digest, report)

    def _note_new_address(
        self, to_add: dict[str, dict[str, Any]], hr: HrRecord, location: Mapping[str, Any]
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
                to_add[key]["names"].append(person_name(hr.data))
            return
        if self._find(mapping) is None:
            to_add[key] = {
                "staffNumbers": [hr.number],
                "names": [person_name(hr.data)],
                "address": _address_view(address),
            }

    def _compare(
        self,
        hr: HrRecord,
        campus: Mapping[str, Any],
        employments: Mapping[int, list[tuple[Any, ...]]],
        assignments: Mapping[int, list[tuple[Any, ...]]],
        households: Mapping[int, StaffHousehold],
        sections: dict[str, list[dict[str, Any]]],
        field_counts: Counter[str],
        to_add: dict[str, dict[str, Any]],
    ) -> PlanItem:
        data = hr.data
        person_id = campus["personId"]
        item = PlanItem(hr, "update", person_id=person_id)
        changes = item.changes
        report = self.with_report
        # the staff member's name on every row of the report (Campus's and HR's, as each system has it)
        names_of = {"campusName": person_name(campus), "hrName": person_name(data)} if report else {}
        # demographics
        labels = []
        if hr.number != campus["staffNumber"]:
            changes["staffNumber"] = hr.number
            labels.append("Staff Number")
        names = {k: data.get(k) for k in self._names if data.get(k) is not None and data.get(k) != campus[k]}
        if names:
            changes.update(names)
            labels.append("Name")
        for key in self._scalars:
            value = data.get(key)
            if value is not None and value != campus[key]:
                changes[key] = value
        for label, keys in self._labels.items():
            if label not in ("Staff Number", "Name") and any(k in changes for k in keys):
                labels.append(label)
        if labels:
            field_counts.update(labels)
            if report:
                sections["demographicDifferences"].append(
                    {
                        "staffNumber": hr.number,
                        "personId": person_id,
                        "fields": [label for label in self._labels if label in labels],
                        "campus": self._staff_row("Campus", campus, person_id=person_id),
                        "hr": self._staff_row("HR", {**data, "staffNumber": hr.number}),
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
                        **names_of,
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
                        **names_of,
                        "campus": [_position_view(p) for p in campus_positions],
                        "hr": [_position_view(p) for p in hr_positions],
                    }
                )
        # address
        locations = hr_locations(data)
        if locations and self.household_allowed and not _addresses_valid(locations):
            # Transferred while the household preference was off: the commit applies the
            # household like an update does, so this staff member fails there with the address rule.
            changes["household"] = _sent_household(hr.raw, data)
        elif locations and self.household_allowed:
            info = households.get(person_id)
            if self._address_differs(locations, info):
                changes["household"] = _sent_household(hr.raw, data)
                reason = None if info is None else info.ignored_because()
                if reason is None and report:
                    for location in locations:
                        self._note_new_address(to_add, hr, location)
                if report:
                    sections["addressDifferences"].append(
                        {
                            "staffNumber": hr.number,
                            "campusStaffNumber": campus["staffNumber"],
                            "personId": person_id,
                            **names_of,
                            "campus": [
                                _address_view(loc.address) for loc in (info.locations if info else ())
                            ],
                            "hr": [_address_view(normalize(dict(loc["address"]))) for loc in locations],
                            "applies": reason is None,
                            "note": reason,
                        }
                    )
        return item

    def _address_differs(self, locations: Sequence[Mapping[str, Any]], info: StaffHousehold | None) -> bool:
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


def person_name(values: Mapping[str, Any]) -> str:
    """A staff member's name as the report shows it beside a staff number: ``Last, First Middle``.

    >>> person_name({"lastName": "Franklin", "firstName": "Frank", "middleName": "F"}), person_name({})
    ('Franklin, Frank F', '')
    """
    last = values.get("lastName") or ""
    given = " ".join(str(values[k]) for k in ("firstName", "middleName") if values.get(k))
    return f"{last}, {given}" if last and given else str(last or given)


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


def hr_locations(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
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


def digest(items: Sequence[PlanItem], household_allowed: bool) -> str:
    """A digest of what commit would do (clear values included; only the hash is kept)."""
    plan = [
        [i.hr.seq, i.hr.key, i.action, i.person_id, i.replace_employments, i.changes, i.conflict]
        for i in items
    ]
    text = json.dumps([household_allowed, plan], sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------
# transfer checks


def check_record(ctx: Ctx, record: Any, *, household_allowed: bool) -> tuple[str, dict[str, Any]]:
    """The create checks of one transferred record: ``(staff number, cleaned data)``.

    Like :meth:`Campus.create_staff`, the household's addresses are checked
    only when the household preference is on (else the household is ignored).
    """
    data = clean_staff(record, mode="create", schema=ctx.schema)
    reference.require(ctx.conn, "genders", "gender", data["gender"])
    for i, position in enumerate(data.get("positions") or ()):
        positions.check_lists(ctx, position, f"positions[{i}]")
    if not household_allowed:
        return data["staffNumber"], data
    for i, location in enumerate(hr_locations(data)):
        path = f"household.householdLocations[{i}].address"
        try:
            normalize(dict(location["address"]))
        except AddressError as exc:
            raise address_error(exc, path) from exc
    return data["staffNumber"], data


def stored_payload(record: Mapping[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, default=_json_default, ensure_ascii=False)
