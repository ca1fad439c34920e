"""The district's calls: what a person does in the Campus UI.

Reference lists, persons (students, parents), households, position links,
Combine Person, legacy data, and the district-side staff edits that the
Business Office Preferences locks govern. These calls are not endpoints of
the HR API: a failure raises but is not written to the error log.
:class:`~addrmatch.boi.Campus` inherits these methods.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

from addrmatch.boi import household, positions, preferences, reference, staff
from addrmatch.boi.db import Ctx
from addrmatch.boi.errors import BOIError, NotFoundError, ReadOnlyError, ValidationError
from addrmatch.boi.masking import MaskedRecord
from addrmatch.boi.rules import Rule
from addrmatch.boi.schema import check_records, clean_household, clean_staff
from addrmatch.boi.session import Session
from addrmatch.inputs import integer_problem, preview

__all__ = ["DistrictCalls"]


class DistrictCalls:
    """The district's calls (mixed into :class:`~addrmatch.boi.Campus`)."""

    _session: Session

    def add_school(self, school_number: str, name: str) -> None:
        """List a school (or rename a listed one).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_school("010", "Blaine High"); c.schools()
        [{'schoolNumber': '010', 'name': 'Blaine High'}]
        """
        self._session.run(lambda c: reference.add(c.conn, "schools", school_number, name))

    def add_gender(self, code: str, name: str) -> None:
        """List a gender code (or rename a listed one).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_gender("X", "Non-binary"); [g["code"] for g in c.genders()]
        ['X']
        """
        self._session.run(lambda c: reference.add(c.conn, "genders", code, name))

    def add_assignment_code(self, code: str, description: str) -> None:
        """List a State assignment code (or change its description).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_assignment_code("20", "Coach"); c.add_assignment_code("20", "Athletic Coach")
        >>> c.assignment_codes()
        [{'assignmentCode': '20', 'description': 'Athletic Coach'}]
        """
        self._session.run(lambda c: reference.add(c.conn, "assignmentCodes", code, description))

    def add_title(self, title_code: str, description: str) -> None:
        """List a title (or change its description).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_title("T1", "Teacher"); c.titles()
        [{'titleCode': 'T1', 'titleDescription': 'Teacher'}]
        """
        self._session.run(lambda c: reference.add(c.conn, "titles", title_code, description))

    def load_reference_csv(self, kind: str, source: str | os.PathLike[str] | TextIO) -> int:
        """Load a list from CSV, all rows or none; returns the row count.

        ``kind``: ``"schools"`` (columns ``schoolNumber,name``), ``"genders"``
        (``code,name``), ``"assignmentCodes"`` (``assignmentCode,description``)
        or ``"titles"`` (``titleCode,titleDescription``).

        >>> from addrmatch.boi import Campus
        >>> import io; c = Campus()
        >>> c.load_reference_csv("genders", io.StringIO("code,name\\nF,Female\\nM,Male\\n"))
        2
        """
        return self._session.run(lambda c: reference.load_csv(c.conn, kind, source))

    def add_person(self, payload: Mapping[str, Any], *, origin: str = "student") -> int:
        """Add a non-staff person (a student or parent: ``origin``); returns the person id.

        ``payload`` has the demographic fields of a staff payload (lastName,
        firstName, gender, birthdate...), no staff fields.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> c.add_person({"lastName": "Rivera", "firstName": "Ana", "birthdate": "2005-04-01"})
        1
        """
        if origin not in ("student", "parent", "other"):
            raise ValidationError(
                f"origin: {origin!r} is not student, parent or other",
                field="origin",
                rule=Rule.ORIGIN,
                value=origin,
            )
        return self._session.run(
            lambda c: staff.insert_person(
                c, clean_staff(payload, mode="person", schema=c.schema), origin=origin
            ),
            payload=payload,
        )

    def create_household(
        self,
        name: str,
        *,
        members: Iterable[int] = (),
        locations: Iterable[Mapping[str, Any]] = (),
        staff_household: bool = False,
    ) -> int:
        """Create a household (district side) with members and locations; returns its id.

        An HR-managed staff member is a member only while Staff Household is
        unlocked (else :class:`ReadOnlyError`).

        ``locations`` are household location payloads (``{"address": {...}}``
        plus the optional flags and dates).

        >>> from addrmatch.boi import Campus
        >>> c = Campus()
        >>> h = c.create_household("Rivera", locations=[{"address": {"fullStreetAddress": "9 Elm St", "zip": "55123"}}])
        >>> c.get_household(h)["householdLocations"][0]["address"]["street"]
        'ELM'
        """
        payload = {"name": name, "householdLocations": list(locations)}

        people = list(members)

        def run(ctx: Ctx) -> int:
            data = clean_household(payload)
            _check_household_lock(ctx, None, people)
            _require_persons(ctx, people)
            household_id, _ = household.create(
                ctx, data, last_name=name, members=people, staff_household=staff_household
            )
            return household_id

        return self._session.run(run)

    def add_household_member(self, household_id: int, person_id: int) -> None:
        """Make a person a member of a household (district side).

        While Staff Household is locked, a household with an HR-managed staff
        member, or such a staff member, cannot be changed this way
        (:class:`ReadOnlyError`); :meth:`create_household` likewise.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> kid = c.add_person({"lastName": "Rivera", "firstName": "Ana"})
        >>> h = c.create_household("Rivera"); c.add_household_member(h, kid); c.get_household(h)["members"]
        [1]
        """

        def run(ctx: Ctx) -> None:
            _check_household_lock(ctx, household_id, [person_id])
            _require_persons(ctx, [person_id])
            household.add_member(ctx, household_id, person_id)

        self._session.run(run)

    def get_household(self, household_id: int) -> dict[str, Any]:
        """A household with its active locations, and ``members`` (person ids).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.get_household(c.create_household("Rivera"))["name"]
        'Rivera'
        """

        def run(ctx: Ctx) -> dict[str, Any]:
            result = household.as_dict(ctx, household_id)
            result["members"] = household.members(ctx, household_id)
            return result

        return self._session.run(run, write=False)

    def link_position(self, position_id: int, kind: str, reference: str | None = None) -> int:
        """Record that another Campus record (``kind``, e.g. ``"section"``) uses
        a position; such a position is end-dated, not removed, by an update.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> r = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F",
        ...                     "positions": [{"schoolNumber": "010", "titleCode": "T1", "startDate": "2020-08-25"}]})
        >>> _ = c.link_position(r["positions"][0]["positionId"], "section", "ALG1-03")
        >>> c.update_staff("1001", {"positions": []})["positions"][0]["endDate"]
        '2024-08-01'
        """
        if not isinstance(kind, str) or not kind.strip():
            raise ValidationError("kind: required text", field="kind", rule=Rule.REQUIRED, value=None)
        return self._session.run(lambda c: positions.link(c, position_id, kind.strip(), reference))

    def combine_persons(self, base_person_id: int, other_person_id: int) -> MaskedRecord:
        """Combine Person: keep the base person (the new staff member), move the
        other's identities (as history), employments, positions and household
        memberships to it, fill its empty demographics from the other, and
        delete the other person.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> kid = c.add_person({"lastName": "Rivera", "firstName": "Ana", "birthdate": "2005-04-01"})
        >>> hired = c.create_staff({"staffNumber": "2001", "lastName": "Rivera", "firstName": "Ana", "gender": "F",
        ...                         "birthdate": "2005-04-01"})
        >>> [w["personId"] for w in hired["warnings"] if w["code"] == "possible-duplicate-person"]
        [1]
        >>> c.combine_persons(hired["personId"], kid)["staffNumber"]
        '2001'
        """

        def run(ctx: Ctx) -> MaskedRecord:
            base = staff.find_person(ctx, _person_id(base_person_id, "basePersonId"), field="basePersonId")
            other = staff.find_person(
                ctx, _person_id(other_person_id, "otherPersonId"), field="otherPersonId"
            )
            if base == other:
                raise ValidationError(
                    "otherPersonId: a person cannot be combined with itself",
                    field="otherPersonId",
                    rule=Rule.DISTINCT_PERSONS,
                    value=other,
                )
            notes = staff.combine(ctx, base, other)
            return staff.record(ctx, base, warnings=notes)

        return self._session.run(run)

    def import_legacy_staff(
        self, records: Iterable[Mapping[str, Any]], *, staff_household: bool = True
    ) -> list[int]:
        """Insert existing Campus staff as they are (staff numbers may be missing
        or duplicated; not HR-managed); returns their person ids. For loading
        legacy data and tests.

        >>> from addrmatch.boi import Campus
        >>> c = Campus()
        >>> c.import_legacy_staff([{"staffNumber": "PENDING", "lastName": "Hurley", "firstName": "Bryan"},
        ...                        {"staffNumber": "pending", "lastName": "Clark", "firstName": "Megan"}])
        [1, 2]
        """

        rows = check_records("records", records)

        def run(ctx: Ctx) -> list[int]:
            ids = []
            for i, payload in enumerate(rows):
                try:
                    data = clean_staff(payload, mode="legacy", schema=ctx.schema)
                    person_id = staff.insert_legacy(ctx, data)
                    staff.update(
                        ctx,
                        person_id,
                        {k: data[k] for k in ("employments", "positions") if data.get(k)},
                        hr=False,
                        household_allowed=True,
                    )
                    if data.get("household") is not None:
                        household.create(
                            ctx,
                            data["household"],
                            last_name=data["lastName"],
                            members=[person_id],
                            staff_household=staff_household,
                        )
                except BOIError as exc:
                    exc.args = (f"records[{i}]: {exc.message}",)
                    exc.message = exc.args[0]
                    raise
                ids.append(person_id)
            return ids

        return self._session.run(run, payload=rows)

    def add_staff_manually(self, payload: Mapping[str, Any]) -> MaskedRecord:
        """Create a staff member in the Campus UI; refused while Staff Creation is locked.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> c.add_staff_manually({"staffNumber": "1", "lastName": "A", "firstName": "B", "gender": "F"})
        Traceback (most recent call last):
        ...
        addrmatch.boi.errors.ReadOnlyError: staffNumber: Staff Creation is locked: ...
        """

        def run(ctx: Ctx) -> MaskedRecord:
            if preferences.is_locked(ctx.conn, "Staff Creation"):
                raise ReadOnlyError(
                    "staffNumber: Staff Creation is locked: staff members are created by the HR system "
                    "(unlock Staff Creation in Business Office Preferences to create them in Campus)",
                    field="staffNumber",
                    rule=Rule.locked("Staff Creation"),
                )
            data = clean_staff(payload, mode="create", schema=ctx.schema)
            person_id, warnings, _ = staff.create(
                ctx, data, origin="district", hr_managed=False, household_allowed=True
            )
            return staff.record(ctx, person_id, warnings=warnings)

        return self._session.run(run, payload=payload)

    def edit_staff(self, who: str | int, changes: Mapping[str, Any]) -> MaskedRecord:
        """A district-side edit (the Campus UI) of a staff member: any part of
        a staff payload, applied like an update. A field in a locked area of
        an HR-managed staff member raises :class:`ReadOnlyError`. Only staff
        members are edited: a person who is not one (a student) is a
        :class:`NotFoundError`; :meth:`add_staff_manually` creates staff.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> _ = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F"})
        >>> c.edit_staff("1001", {"workPhone": "1"})
        Traceback (most recent call last):
        ...
        addrmatch.boi.errors.ReadOnlyError: workPhone: Staff Demographics is locked for staff member 1001 ...
        >>> _ = c.set_preferences(locks={"Staff Demographics": False})
        >>> c.edit_staff("1001", {"workPhone": "1"})["workPhone"]
        '1'
        """

        def run(ctx: Ctx) -> MaskedRecord:
            person_id = staff.find_person(ctx, who)
            data = clean_staff(changes, mode="update", schema=ctx.schema)
            hr_managed = staff.hr_managed(ctx, person_id)
            if hr_managed is None:
                raise NotFoundError(
                    f"personId: person {person_id} is not a staff member; edit_staff edits staff members "
                    "only (add_staff_manually creates one)",
                    field="personId",
                    rule=Rule.STAFF_EXISTS,
                    value=person_id,
                )
            if hr_managed:
                preferences.check_unlocked(ctx.conn, data, staff.describe(ctx, person_id), schema=ctx.schema)
            warnings, _, _ = staff.update(ctx, person_id, data, hr=False, household_allowed=True)
            return staff.record(ctx, person_id, warnings=warnings)

        return self._session.run(run, payload=changes)

    def staff_locks(self, who: str | int) -> dict[str, str | None]:
        """Which fields of a staff member the district may edit now: each
        field a lock area covers -> the area when it is locked for this staff
        member (HR-managed, and the area locked in Business Office
        Preferences: the rule :meth:`edit_staff` applies), else None.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female")
        >>> _ = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F"})
        >>> c.staff_locks("1001")["workPhone"]
        'Staff Demographics'
        >>> _ = c.set_preferences(locks={"Staff Demographics": False}); c.staff_locks("1001")["workPhone"] is None
        True
        """
        return self._session.run(lambda c: _locks_of(c, staff.find_person(c, who)), write=False)


def _locks_of(ctx: Ctx, person_id: int) -> dict[str, str | None]:
    managed = staff.hr_managed(ctx, person_id)
    return {
        field: area if managed and preferences.is_locked(ctx.conn, area) else None
        for field, area in ctx.schema.lock_of.items()
    }


def _person_id(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"{field}: a person id (int), got {type(value).__name__}", field=field, rule=Rule.TYPE, value=None
        )
    return value


def _require_persons(ctx: Ctx, person_ids: Iterable[Any]) -> None:
    """Every id names an existing person (else :class:`NotFoundError`)."""
    for person_id in person_ids:
        ok = integer_problem(person_id, minimum=1, maximum=2**63 - 1) is None
        if not ok or not staff.is_person(ctx, person_id):
            raise NotFoundError(
                f"personId: no person {preview(person_id)}",
                field="personId",
                rule=Rule.PERSON_EXISTS,
                value=None,
            )


def _check_household_lock(ctx: Ctx, household_id: int | None, person_ids: Iterable[int]) -> None:
    """Refuse a district-side household change touching an HR-managed staff
    member (one of ``person_ids`` or a current member of ``household_id``)
    while Staff Household is locked."""
    if not preferences.is_locked(ctx.conn, "Staff Household"):
        return
    people = [p for p in person_ids if isinstance(p, int) and not isinstance(p, bool)]
    if household_id is not None:
        people += household.members(ctx, household_id)
    for person_id in people:
        if staff.hr_managed(ctx, person_id):
            who = staff.describe(ctx, person_id)
            raise ReadOnlyError(
                f"household: Staff Household is locked for {who}, which the HR system maintains "
                "(unlock Staff Household in Business Office Preferences to edit it in Campus)",
                field="household",
                rule=Rule.locked("Staff Household"),
                value=None,
            )
