"""Staff members: persons, identities, demographics, employments.

* A *person* holds the demographics; an *identity* holds the names, with a
  start and an end date; a person has exactly one current identity (end
  date empty). A change to lastName, firstName or middleName ends the
  current identity on the date of the call and starts a new one that day.
* The *staff* row holds the Local Staff Number and whether the HR system
  manages the person. Staff numbers compare case-insensitively ("PENDING"
  and "pending" are one number, as the specification's Check Campus Data
  report counts them); ``create_staff`` refuses a number already in use.
* A person with no position is not yet a staff member: results and search
  carry ``staffMember: false``.
* Employments (:mod:`~addrmatch.boi.employment`) are matched by hire date on
  update (termination date updated), new ones added; no date order or
  overlap checks.

This module is the one owner of the ``person``, ``identity``, ``staff`` and
``person_combine`` tables: the reports and the synchronization read staff
through it (:func:`rows`, :func:`holders`). The demographic columns come
from the staff fields (``ctx.schema``, :mod:`addrmatch.boi.fields`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from addrmatch.boi import employment, household, positions, reference
from addrmatch.boi.db import Ctx
from addrmatch.boi.errors import (
    AmbiguousStaffNumberError,
    DuplicateStaffNumberError,
    NotFoundError,
    ValidationError,
)
from addrmatch.boi.fields import DEFAULT_SCHEMA, LIMITS
from addrmatch.boi.masking import MaskedRecord, mask_ssn
from addrmatch.boi.rules import Rule
from addrmatch.boi.schema import MASKED_SSN_RE, check_text
from addrmatch.inputs import integer_problem, preview, text_problem

__all__ = [
    "combine",
    "create",
    "describe",
    "find_person",
    "holders",
    "hr_managed",
    "identities",
    "insert_legacy",
    "insert_person",
    "is_person",
    "mark_hr",
    "number_of",
    "record",
    "rows",
    "search",
    "update",
]

#: payload name -> person column, for the scalar demographics (from the staff fields).
PERSON_COLUMNS: dict[str, str] = DEFAULT_SCHEMA.person_columns
_NAMES = DEFAULT_SCHEMA.names
#: The largest person id (SQLite's INTEGER PRIMARY KEY).
_MAX_ID = 2**63 - 1


def _like(text: str) -> str:
    """A LIKE prefix pattern matching ``text`` literally (``%`` and ``_`` escaped)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def number_of(payload: Any) -> str | None:
    """The staff number a (maybe invalid) payload names, for the error log: stripped text or None.

    >>> number_of({"staffNumber": " 1001 "}), number_of({"staffNumber": ""}), number_of([1])
    ('1001', None, None)
    """
    if isinstance(payload, Mapping):
        value = payload.get("staffNumber")
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value) if integer_problem(value, minimum=-(10**18), maximum=10**18) is None else None
        if isinstance(value, str) and text_problem(value, limit=LIMITS["code"]) is None:
            return value.strip() or None
    return None


def find_person(ctx: Ctx, who: str | int, *, field: str = "staffNumber") -> int:
    """The person id named by a staff number (``str``) or a person id (``int``)."""
    if isinstance(who, bool) or not isinstance(who, (str, int)):
        raise ValidationError(
            f"{field}: a staff number (text) or a person id (int), got {type(who).__name__}",
            field=field,
            rule=Rule.TYPE,
            value=None,
        )
    if isinstance(who, int):
        problem = integer_problem(who, minimum=1, maximum=_MAX_ID)
        if problem is not None or not is_person(ctx, who):
            raise NotFoundError(
                f"personId: no person {preview(who)}", field="personId", rule=Rule.PERSON_EXISTS, value=None
            )
        return who
    number = check_text(field, who, LIMITS["code"]).strip()
    ids = holders(ctx, number)
    if not ids:
        raise NotFoundError(
            f"{field}: no staff member with staff number {preview(number)}",
            field=field,
            rule=Rule.STAFF_EXISTS,
            value=preview(number),
        )
    if len(ids) > 1:
        raise AmbiguousStaffNumberError(
            f"{field}: staff number {number!r} belongs to {len(ids)} persons in Campus (person ids "
            f"{', '.join(map(str, ids))}); make it unique (Check Campus Data) before the HR system uses it",
            field=field,
            value=number,
        )
    return int(ids[0])


def is_person(ctx: Ctx, person_id: int) -> bool:
    """True when the person exists."""
    return ctx.one("SELECT 1 FROM person WHERE person_id = ?", (person_id,)) is not None


def hr_managed(ctx: Ctx, person_id: int) -> bool | None:
    """Whether the HR system manages the staff member; None when the person is not staff."""
    value = ctx.one("SELECT hr_managed FROM staff WHERE person_id = ?", (person_id,))
    return None if value is None else bool(value)


def mark_hr(ctx: Ctx, person_id: int) -> None:
    """The staff member is now managed by the HR system."""
    ctx.conn.execute("UPDATE staff SET hr_managed = 1 WHERE person_id = ?", (person_id,))


def holders(ctx: Ctx, staff_number: str) -> list[int]:
    """The persons whose staff number is ``staff_number`` (case-insensitively), by id."""
    return [
        r[0]
        for r in ctx.conn.execute(
            "SELECT person_id FROM staff WHERE staff_number = ? COLLATE NOCASE ORDER BY person_id",
            (staff_number,),
        )
    ]


def _require_unused(ctx: Ctx, staff_number: str, *, except_person: int | None = None) -> None:
    row = ctx.conn.execute(
        "SELECT person_id, staff_number FROM staff "
        "WHERE staff_number = ? COLLATE NOCASE AND person_id IS NOT ? LIMIT 1",
        (staff_number, except_person),
    ).fetchone()
    if row is not None:
        raise DuplicateStaffNumberError(
            f"staffNumber: {staff_number!r} is already the staff number of person {row[0]} ({row[1]!r}); "
            "search for the staff member and update them instead",
            field="staffNumber",
            value=staff_number,
        )


def describe(ctx: Ctx, person_id: int) -> str:
    """``staff member 1234 (SMITH, PAT)`` — for messages; no personal data."""
    row = ctx.conn.execute(
        "SELECT s.staff_number, i.last_name, i.first_name FROM person p "
        "LEFT JOIN identity i ON i.person_id = p.person_id AND i.end_date IS NULL "
        "LEFT JOIN staff s ON s.person_id = p.person_id WHERE p.person_id = ?",
        (person_id,),
    ).fetchone()
    if row is None:
        return f"person {person_id}"
    number, last, first = row
    who = f"staff member {number}" if number else f"person {person_id}"
    return f"{who} ({last}, {first})" if last else who


def insert_person(ctx: Ctx, data: Mapping[str, Any], *, origin: str) -> int:
    """A new person with its first identity (starting on the date of the call)."""
    if data.get("gender"):
        reference.require(ctx.conn, "genders", "gender", data["gender"])
    person_columns = ctx.schema.person_columns
    columns = [*person_columns.values(), "origin", "created_date"]
    person_id = ctx.insert(
        f"INSERT INTO person ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        (*(data.get(k) for k in person_columns), origin, ctx.today),
    )
    _new_identity(ctx, person_id, data["lastName"], data["firstName"], data.get("middleName"))
    return person_id


def _new_identity(ctx: Ctx, person_id: int, last: str, first: str, middle: str | None) -> None:
    ctx.conn.execute(
        "INSERT INTO identity (person_id, last_name, first_name, middle_name, start_date) "
        "VALUES (?, ?, ?, ?, ?)",
        (person_id, last, first, middle, ctx.today),
    )


def _possible_duplicates(ctx: Ctx, person_id: int, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    if not data.get("birthdate"):
        return []
    rows = ctx.conn.execute(
        "SELECT p.person_id, i.last_name, i.first_name, p.origin, s.staff_number, s.person_id IS NOT NULL "
        "FROM person p JOIN identity i ON i.person_id = p.person_id AND i.end_date IS NULL "
        "LEFT JOIN staff s ON s.person_id = p.person_id "
        "WHERE p.person_id != ? AND p.birthdate = ? AND i.last_name = ? COLLATE NOCASE "
        "AND i.first_name = ? COLLATE NOCASE ORDER BY p.person_id",
        (person_id, data["birthdate"], data["lastName"], data["firstName"]),
    ).fetchall()
    warnings = []
    for other_id, last, first, origin, number, is_staff in rows:
        kind = f"staff member {number}" if is_staff and number else ("staff member" if is_staff else origin)
        warnings.append(
            {
                "code": "possible-duplicate-person",
                "personId": other_id,
                "lastName": last,
                "firstName": first,
                "kind": kind,
                "message": f"person {other_id} ({last}, {first}, a {kind}) has the same name and birthdate; "
                f"if it is the same person, combine them with combine_persons({person_id}, {other_id}) "
                "keeping the new staff member as the base person",
            }
        )
    return warnings


def _staff_member_warning(ctx: Ctx, person_id: int) -> list[dict[str, Any]]:
    if ctx.one("SELECT 1 FROM position WHERE person_id = ? LIMIT 1", (person_id,)):
        return []
    return [
        {
            "code": "not-a-staff-member",
            "message": f"{describe(ctx, person_id)} has no position: Campus does not consider them a staff "
            "member until a position is added (create_position)",
        }
    ]


def create(
    ctx: Ctx, data: Mapping[str, Any], *, origin: str, hr_managed: bool, household_allowed: bool
) -> tuple[int, list[dict[str, Any]], list[dict[str, Any]]]:
    """Create a staff member from a cleaned payload; ``(person id, warnings, address resolutions)``."""
    number = data["staffNumber"]
    if number is not None:
        _require_unused(ctx, number)
    person_id = insert_person(ctx, data, origin=origin)
    ctx.conn.execute(
        "INSERT INTO staff (person_id, staff_number, hr_managed, created_date) VALUES (?, ?, ?, ?)",
        (person_id, number, int(hr_managed), ctx.today),
    )
    warnings: list[dict[str, Any]] = []
    employment.insert(ctx, person_id, data.get("employments") or ())
    titles: list[str] = []
    for i, position in enumerate(data.get("positions") or ()):
        titles += positions.insert(ctx, person_id, position, f"positions[{i}]")[1]
    warnings += positions.title_warnings(titles)
    resolutions: list[dict[str, Any]] = []
    if data.get("household") is not None:
        if household_allowed:
            hh_warnings, resolutions = household.apply_for_staff(
                ctx, person_id, data["household"], last_name=data["lastName"], creating=True
            )
            warnings += hh_warnings
        else:
            warnings.append(_preference_off())
    warnings += _staff_member_warning(ctx, person_id)
    warnings += _possible_duplicates(ctx, person_id, data)
    return person_id, warnings, resolutions


def _preference_off() -> dict[str, Any]:
    return {
        "code": "household-ignored",
        "reason": "preference-off",
        "message": "household and address data was ignored: the preference 'Allow household and address "
        "creations/updates from the HR system' is off",
    }


def update(
    ctx: Ctx, person_id: int, data: Mapping[str, Any], *, hr: bool, household_allowed: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], bool]:
    """Apply a cleaned update payload; ``(warnings, address resolutions, positions changed)``."""
    conn = ctx.conn
    warnings: list[dict[str, Any]] = []
    if "staffNumber" in data:
        number = data["staffNumber"]
        current = ctx.one("SELECT staff_number FROM staff WHERE person_id = ?", (person_id,))
        if number != current:
            _require_unused(ctx, number, except_person=person_id)
            conn.execute(
                "INSERT INTO staff (person_id, staff_number, created_date) VALUES (?, ?, ?) "
                "ON CONFLICT (person_id) DO UPDATE SET staff_number = excluded.staff_number",
                (person_id, number, ctx.today),
            )
    if any(k in data for k in ctx.schema.names):
        row = conn.execute(
            "SELECT identity_id, last_name, first_name, middle_name FROM identity "
            "WHERE person_id = ? AND end_date IS NULL",
            (person_id,),
        ).fetchone()
        old = dict(zip(_NAMES, row[1:], strict=True))  # every person has a current identity
        new = {k: data.get(k, old[k]) for k in _NAMES}  # lastName/firstName cannot be cleared (schema)
        if new != old:
            conn.execute("UPDATE identity SET end_date = ? WHERE identity_id = ?", (ctx.today, row[0]))
            _new_identity(ctx, person_id, new["lastName"], new["firstName"], new["middleName"])
    if data.get("gender") is not None:
        reference.require(conn, "genders", "gender", data["gender"])
    if MASKED_SSN_RE.fullmatch(data.get("ssn") or ""):
        stored = mask_ssn(ctx.one("SELECT ssn FROM person WHERE person_id = ?", (person_id,)))
        if data["ssn"] != stored:
            raise ValidationError(
                f"ssn: the masked SSN {data['ssn']} is not the stored one ({stored}); send the full SSN",
                field="ssn",
                rule=Rule.SSN_MASKED,
                value=data["ssn"],
            )
        data = {k: v for k, v in data.items() if k != "ssn"}  # unchanged
    scalar = [(column, data[key]) for key, column in ctx.schema.person_columns.items() if key in data]
    if scalar:
        conn.execute(
            f"UPDATE person SET {', '.join(f'{c} = ?' for c, _ in scalar)} WHERE person_id = ?",
            (*(v for _, v in scalar), person_id),
        )
    if "employments" in data:
        employment.merge(ctx, person_id, data["employments"])
    changed_positions = False
    if "positions" in data:
        changed_positions, position_warnings = positions.reconcile(ctx, person_id, data["positions"])
        warnings += position_warnings
    resolutions: list[dict[str, Any]] = []
    if "household" in data:
        if household_allowed:
            last = _current_last_name(ctx, person_id)
            hh_warnings, resolutions = household.apply_for_staff(
                ctx, person_id, data["household"], last_name=last, creating=False
            )
            warnings += hh_warnings
        else:
            warnings.append(_preference_off())
    if hr:
        conn.execute(
            "INSERT INTO staff (person_id, hr_managed, created_date) VALUES (?, 1, ?) "
            "ON CONFLICT (person_id) DO UPDATE SET hr_managed = 1",
            (person_id, ctx.today),
        )
    warnings += _staff_member_warning(ctx, person_id)
    return warnings, resolutions, changed_positions


_ALIAS = {"person": "p", "identity": "i", "staff": "s"}
_FROM = (
    "FROM person p LEFT JOIN identity i ON i.person_id = p.person_id AND i.end_date IS NULL "
    "LEFT JOIN staff s ON s.person_id = p.person_id"
)


def _select(ctx: Ctx) -> tuple[list[str], str]:
    """(field names, SELECT list) of the scalar staff fields stored as columns."""
    names: list[str] = []
    columns: list[str] = []
    for spec in ctx.schema.fields:
        if spec.output_only or spec.table is None:
            continue
        names.append(spec.name)
        columns.append(f"{_ALIAS[spec.table]}.{spec.column_name}")
    return names, ", ".join(columns)


def _current_last_name(ctx: Ctx, person_id: int) -> str:
    return str(
        ctx.one("SELECT last_name FROM identity WHERE person_id = ? AND end_date IS NULL", (person_id,))
    )


def record(ctx: Ctx, person_id: int, *, warnings: Sequence[Mapping[str, Any]] | None = None) -> MaskedRecord:
    """A person in the staff payload shape (SSN masked; the repr masks the birthdate too)."""
    names, columns = _select(ctx)
    row = ctx.conn.execute(
        f"SELECT {columns}, coalesce(s.hr_managed, 0) {_FROM} WHERE p.person_id = ?", (person_id,)
    ).fetchone()
    if row is None:
        raise NotFoundError(
            f"personId: no person {person_id}", field="personId", rule=Rule.PERSON_EXISTS, value=person_id
        )
    values = dict(zip(names, row[:-1], strict=True))
    position_list = positions.listing(ctx, person_id)
    structured = {
        "employments": employment.listing(ctx, person_id),
        "positions": position_list,
        "household": household.for_person(ctx, person_id),
    }
    result = MaskedRecord(personId=person_id)
    for spec in ctx.schema.fields:
        if spec.output_only:
            continue
        if spec.name in values:
            value = values[spec.name]
            result[spec.name] = mask_ssn(value) if spec.sensitive == "ssn" else value
        elif spec.name in structured:
            result[spec.name] = structured[spec.name]
    result["staffMember"] = bool(position_list)
    result["hrManaged"] = bool(row[-1])
    if warnings is not None:
        result["warnings"] = [dict(w) for w in warnings]
    return result


def rows(ctx: Ctx) -> list[dict[str, Any]]:
    """Every Campus staff member (a ``staff`` row) with the current identity and
    demographics (the staff fields stored as columns), by person id; SSN in
    clear (for comparison, never rendered), plus ``personId`` and ``hrManaged``."""
    names, columns = _select(ctx)
    out = []
    for row in ctx.conn.execute(
        f"SELECT s.person_id, {columns}, s.hr_managed FROM staff s JOIN person p ON p.person_id = s.person_id "
        "LEFT JOIN identity i ON i.person_id = s.person_id AND i.end_date IS NULL ORDER BY s.person_id"
    ):
        values = dict(zip(("personId", *names, "hrManaged"), row, strict=True))
        values["hrManaged"] = bool(values["hrManaged"])
        out.append(values)
    return out


def insert_legacy(ctx: Ctx, data: Mapping[str, Any]) -> int:
    """An existing Campus staff member as it is (staff number missing or
    duplicated, not HR-managed); returns the person id."""
    person_id = insert_person(ctx, data, origin="legacy")
    ctx.conn.execute(
        "INSERT INTO staff (person_id, staff_number, hr_managed, created_date) VALUES (?, ?, 0, ?)",
        (person_id, data.get("staffNumber"), ctx.today),
    )
    return person_id


def identities(ctx: Ctx, person_id: int) -> list[dict[str, Any]]:
    """A person's identities, oldest first; ``current`` marks the one in use."""
    return [
        {
            "identityId": iid,
            "lastName": last,
            "firstName": first,
            "middleName": middle,
            "startDate": start,
            "endDate": end,
            "current": end is None,
        }
        for iid, last, first, middle, start, end in ctx.conn.execute(
            "SELECT identity_id, last_name, first_name, middle_name, start_date, end_date FROM identity "
            "WHERE person_id = ? ORDER BY identity_id",
            (person_id,),
        )
    ]


def search(
    ctx: Ctx,
    *,
    staff_number: str | None,
    last_name: str | None,
    first_name: str | None,
    birthdate: str | None,
    staff_members_only: bool,
    limit: int,
) -> list[MaskedRecord]:
    """Staff (persons with a staff record) matching every given criterion.

    Staff number and birthdate match exactly (the staff number
    case-insensitively); names match the current identity by
    case-insensitive prefix. Search text is data: ``%``, ``_``, quotes are
    matched literally.
    """
    where = ["1 = 1"]
    params: list[Any] = []
    if staff_number is not None:
        where.append("s.staff_number = ? COLLATE NOCASE")
        params.append(staff_number)
    if last_name is not None:
        where.append("i.last_name LIKE ? ESCAPE '\\'")
        params.append(_like(last_name))
    if first_name is not None:
        where.append("i.first_name LIKE ? ESCAPE '\\'")
        params.append(_like(first_name))
    if birthdate is not None:
        where.append("p.birthdate = ?")
        params.append(birthdate)
    if staff_members_only:
        where.append("EXISTS (SELECT 1 FROM position x WHERE x.person_id = s.person_id)")
    ids = [
        r[0]
        for r in ctx.conn.execute(
            "SELECT s.person_id FROM staff s JOIN person p ON p.person_id = s.person_id "
            "LEFT JOIN identity i ON i.person_id = s.person_id AND i.end_date IS NULL "
            f"WHERE {' AND '.join(where)} ORDER BY i.last_name COLLATE NOCASE, i.first_name COLLATE NOCASE, "
            "s.person_id LIMIT ?",
            (*params, limit),
        )
    ]
    return [record(ctx, person_id) for person_id in ids]


def combine(ctx: Ctx, base_id: int, other_id: int) -> list[dict[str, Any]]:
    """Combine Person: move the other person's records to the base person and
    delete the other person. Returns notes (warnings) about what was dropped."""
    conn = ctx.conn
    notes: list[dict[str, Any]] = []
    conn.execute(
        "UPDATE identity SET end_date = ? WHERE person_id = ? AND end_date IS NULL", (ctx.today, other_id)
    )
    for table in ("identity", "employment", "position"):
        conn.execute(f"UPDATE {table} SET person_id = ? WHERE person_id = ?", (base_id, other_id))
    for member_id, household_id in conn.execute(
        "SELECT member_id, household_id FROM household_member WHERE person_id = ?", (other_id,)
    ).fetchall():
        both = ctx.one(
            "SELECT 1 FROM household_member WHERE person_id = ? AND household_id = ? AND "
            "(end_date IS NULL OR end_date > ?)",
            (base_id, household_id, ctx.today),
        )
        if both:
            conn.execute("DELETE FROM household_member WHERE member_id = ?", (member_id,))
        else:
            conn.execute(
                "UPDATE household_member SET person_id = ? WHERE member_id = ?", (base_id, member_id)
            )
    other_staff = conn.execute("SELECT staff_number FROM staff WHERE person_id = ?", (other_id,)).fetchone()
    if other_staff is not None:
        if ctx.one("SELECT 1 FROM staff WHERE person_id = ?", (base_id,)):
            conn.execute("DELETE FROM staff WHERE person_id = ?", (other_id,))
            notes.append(
                {
                    "code": "staff-number-dropped",
                    "staffNumber": other_staff[0],
                    "message": f"the combined person's staff record ({other_staff[0]!r}) was dropped; "
                    "the base person's staff number is kept",
                }
            )
        else:
            conn.execute("UPDATE staff SET person_id = ? WHERE person_id = ?", (base_id, other_id))
    fills = ", ".join(
        f"{c} = coalesce({c}, (SELECT {c} FROM person WHERE person_id = :other))"
        for c in ctx.schema.person_columns.values()
    )
    conn.execute(f"UPDATE person SET {fills} WHERE person_id = :base", {"base": base_id, "other": other_id})
    conn.execute(
        "INSERT INTO person_combine (base_person_id, combined_person_id, combine_date) VALUES (?, ?, ?)",
        (base_id, other_id, ctx.today),
    )
    conn.execute("DELETE FROM person WHERE person_id = ?", (other_id,))
    return notes
