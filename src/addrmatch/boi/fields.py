"""The payload fields of the specification's staff objects, each declared once.

A :class:`Field` carries everything the library needs to know about one
payload field: its JSON type, whether it is required, its default, its size
limit, and where it goes: the database ``column`` (``"person.work_phone"``),
the validation report's summary ``label`` and staff-row ``header``, the
Business Office Preferences ``lock`` area, and whether it is personal data
(``sensitive``: masked everywhere). :class:`StaffSchema` derives from the
fields the person columns, the report columns, the lock map and the masking,
so adding a staff field is one :class:`Field` entry plus one migration (the
column): see the README's recipe "Adding a staff field".

This module is a leaf: it imports nothing from :mod:`addrmatch.boi`, so the
validation (:mod:`~addrmatch.boi.schema`), the masking, the reports and the
HTTP API's OpenAPI document all read the same declarations.

>>> DEFAULT_SCHEMA.person_columns["workPhone"]
'work_phone'
>>> DEFAULT_SCHEMA.lock_of["positions"], DEFAULT_SCHEMA.sensitive["ssn"]
('Staff Employment Assignments', 'ssn')
>>> list(DEFAULT_SCHEMA.report_labels)[:3]
['SSN', 'Staff Number', 'Name']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from addrmatch.address import BOI_FIELDS
from addrmatch.inputs import MAX_ADDRESS_FIELD, MAX_ADDRESS_TEXT

__all__ = [
    "CALL_DATE",
    "DEFAULT_SCHEMA",
    "EMPLOYMENT_FIELDS",
    "HOUSEHOLD_FIELDS",
    "LAST_NAME",
    "LIMITS",
    "LOCATION_FIELDS",
    "LOCK_AREAS",
    "POSITION_FIELDS",
    "STAFF_FIELDS",
    "Field",
    "StaffSchema",
]


class _Dynamic:
    """A default computed at call time (shown by its description in the README)."""

    __slots__ = ("description",)

    def __init__(self, description: str) -> None:
        self.description = description

    def __repr__(self) -> str:
        return f"<{self.description}>"


#: Default: the date of the call (``Campus(clock=...)``).
CALL_DATE = _Dynamic("date of the call")
#: Default: the staff member's lastName.
LAST_NAME = _Dynamic("the staff member's lastName")

#: The size limit of a text field, by kind (characters, after nothing is stripped).
#: An address keeps the core's limits (``addrmatch.inputs``).
LIMITS: dict[str, int] = {
    "code": 50,  # staffNumber, gender, schoolNumber, assignmentCode, titleCode
    "name": 100,  # lastName, firstName, middleName, household name
    "phone": 40,
    "email": 254,  # RFC 5321's longest address
    "text": 200,  # titleDescription
    "date": 40,  # "YYYY-MM-DD", with room for surrounding blanks
    "ssn": 40,  # "NNN-NN-NNNN", with room for surrounding blanks
    "address field": MAX_ADDRESS_FIELD,
    "address text": MAX_ADDRESS_TEXT,
}
#: The most items a list field takes (employments, positions, householdLocations).
MAX_ITEMS = 1_000
#: The deepest nesting of lists and objects a payload may have (a staff payload has 4).
MAX_DEPTH = 16

#: The Business Office Preferences lock areas, in the specification's order.
LOCK_AREAS: tuple[str, ...] = (
    "Staff Creation",
    "Staff Number",
    "Staff Demographics",
    "Staff Employment",
    "Staff Employment Assignments",
    "Staff Household",
)


@dataclass(frozen=True)
class Field:
    """One payload field.

    ``type``: ``string``, ``date``, ``boolean``, ``ssn``, ``integer``,
    ``address``, ``object`` or ``array`` (of objects: ``fields``).
    ``default`` is what the library stores when the field is absent from a
    create payload; on an update an absent field leaves the stored value as
    is. ``kind`` names the size limit (:data:`LIMITS`).

    Where it goes: ``column`` is ``"table.column"`` (a staff demographic is
    a ``person`` column; the names are ``identity`` columns); ``label`` is the
    validation report's per-field summary column (``rank`` orders those) and
    ``header`` the column of the report's staff rows (fields with a label and
    no header are shown in its "Other" column); ``lock`` the preferences'
    lock area; ``sensitive`` (``"ssn"`` or ``"birthdate"``) how it is masked.

    >>> Field("badgeNumber", "string", kind="code", column="person.badge_number").limit
    50
    """

    name: str
    type: str
    required: bool = False
    default: Any = None
    description: str = ""
    fields: tuple[Field, ...] = ()
    output_only: bool = False
    kind: str | None = None
    column: str | None = None
    label: str | None = None
    rank: int = 100
    header: str | None = None
    lock: str | None = None
    sensitive: str | None = None

    @property
    def limit(self) -> int | None:
        """The most characters the field's text may have (None: not text)."""
        if self.kind is not None:
            return LIMITS[self.kind]
        return {"date": LIMITS["date"], "ssn": LIMITS["ssn"]}.get(self.type)

    @property
    def table(self) -> str | None:
        """The table of :attr:`column` (``"person"``), or None."""
        return None if self.column is None else self.column.split(".", 1)[0]

    @property
    def column_name(self) -> str | None:
        """The column name of :attr:`column` (``"work_phone"``), or None."""
        return None if self.column is None else self.column.split(".", 1)[1]


EMPLOYMENT_FIELDS: tuple[Field, ...] = (
    Field("hireDate", "date", True, description="Hire date; matches an update's employment to a stored one."),
    Field("terminationDate", "date", description="Termination date."),
)

POSITION_FIELDS: tuple[Field, ...] = (
    Field("positionId", "integer", output_only=True, description="Campus id of the district assignment."),
    Field("schoolNumber", "string", True, kind="code", description="A listed school (`campus.schools()`)."),
    Field(
        "assignmentCode",
        "string",
        kind="code",
        description="A listed State assignment code (`campus.assignment_codes()`). "
        "titleCode or assignmentCode is required.",
    ),
    Field("titleCode", "string", kind="code", description="District title; an unknown one is created."),
    Field(
        "titleDescription",
        "string",
        kind="text",
        description="Used when the titleCode is new (default: the titleCode).",
    ),
    Field("startDate", "date", True, description="Start date."),
    Field("endDate", "date", description="End date."),
)

LOCATION_FIELDS: tuple[Field, ...] = (
    Field("locationId", "integer", output_only=True, description="Campus id of the household location."),
    Field(
        "addressId",
        "integer",
        description="AddressStore id of the address: a result of the address search "
        "(`search_addresses`, GET /addresses) sent back as the `address` (or this id) reuses that address.",
    ),
    Field(
        "address",
        "address",
        True,
        description="BOI address: the components, or fullStreetAddress (+ city, state, zip, county...).",
    ),
    Field(
        "startDate", "date", default=CALL_DATE, description="Start of the household's life at the address."
    ),
    Field("endDate", "date", description="End of the household's life at the address."),
    Field("mailing", "boolean", default=True, description="Mailing address."),
    Field("physical", "boolean", default=True, description="Physical (residence) address."),
    Field("secondary", "boolean", default=False, description="Secondary location."),
    Field("private", "boolean", default=False, description="Address is private."),
)

HOUSEHOLD_FIELDS: tuple[Field, ...] = (
    Field("householdId", "integer", output_only=True, description="Campus id of the household."),
    Field(
        "staffHousehold",
        "boolean",
        output_only=True,
        description="Created for a staff member by the HR system.",
    ),
    Field("name", "string", default=LAST_NAME, kind="name", description="Household name."),
    Field("phone", "string", kind="phone", description="Household phone."),
    Field("phonePrivate", "boolean", default=False, description="Household phone is private."),
    Field(
        "householdLocations",
        "array",
        default=[],
        fields=LOCATION_FIELDS,
        description="The household's current locations (a complete list on update).",
    ),
)

_DEMO = "Staff Demographics"

STAFF_FIELDS: tuple[Field, ...] = (
    Field("personId", "integer", output_only=True, description="Campus person id."),
    Field(
        "staffNumber",
        "string",
        True,
        kind="code",
        column="staff.staff_number",
        label="Staff Number",
        rank=1,
        header="Staff Number",
        lock="Staff Number",
        description="Local Staff Number; unique (case-insensitive).",
    ),
    Field(
        "lastName",
        "string",
        True,
        kind="name",
        column="identity.last_name",
        label="Name",
        rank=2,
        header="Last Name",
        lock=_DEMO,
        description="Last name (a change starts a new identity).",
    ),
    Field(
        "firstName",
        "string",
        True,
        kind="name",
        column="identity.first_name",
        label="Name",
        rank=2,
        header="First Name",
        lock=_DEMO,
        description="First name (a change starts a new identity).",
    ),
    Field(
        "middleName",
        "string",
        kind="name",
        column="identity.middle_name",
        label="Name",
        rank=2,
        header="Middle Name",
        lock=_DEMO,
        description="Middle name (a change starts a new identity).",
    ),
    Field(
        "gender",
        "string",
        True,
        kind="code",
        column="person.gender",
        label="Gender",
        rank=3,
        header="G",
        lock=_DEMO,
        description="A listed gender code (`campus.genders()`).",
    ),
    Field(
        "ssn",
        "ssn",
        column="person.ssn",
        label="SSN",
        rank=0,
        lock=_DEMO,
        sensitive="ssn",
        description="Social Security number; personal data, always returned masked.",
    ),
    Field(
        "birthdate",
        "date",
        column="person.birthdate",
        label="Birth Date",
        rank=9,
        header="Birth Date",
        lock=_DEMO,
        sensitive="birthdate",
        description="Birth date; personal data.",
    ),
    Field(
        "workPhone",
        "string",
        kind="phone",
        column="person.work_phone",
        label="Work Phone",
        rank=8,
        header="Work Phone",
        lock=_DEMO,
        description="Work phone.",
    ),
    Field(
        "cellPhone",
        "string",
        kind="phone",
        column="person.cell_phone",
        label="Cell Phone",
        rank=6,
        lock=_DEMO,
        description="Cell phone.",
    ),
    Field(
        "otherPhone",
        "string",
        kind="phone",
        column="person.other_phone",
        label="Other Phone",
        rank=7,
        lock=_DEMO,
        description="Other phone.",
    ),
    Field(
        "workEmail",
        "string",
        kind="email",
        column="person.work_email",
        label="Work Email",
        rank=5,
        header="Work Email",
        lock=_DEMO,
        description="Work email.",
    ),
    Field(
        "personalEmail",
        "string",
        kind="email",
        column="person.personal_email",
        label="Personal Email",
        rank=4,
        lock=_DEMO,
        description="Personal email.",
    ),
    Field(
        "employments",
        "array",
        default=[],
        fields=EMPLOYMENT_FIELDS,
        lock="Staff Employment",
        description="District employments (several for rehires).",
    ),
    Field(
        "positions",
        "array",
        default=[],
        fields=POSITION_FIELDS,
        lock="Staff Employment Assignments",
        description="District assignments; on update, the complete list.",
    ),
    Field(
        "household",
        "object",
        fields=HOUSEHOLD_FIELDS,
        lock="Staff Household",
        description="Household and its address (ignored when the preference is off).",
    ),
    Field(
        "staffMember", "boolean", output_only=True, description="Has a position (is a Campus staff member)."
    ),
    Field("hrManaged", "boolean", output_only=True, description="Created or updated by the HR system."),
    Field("warnings", "array", output_only=True, description="Notes on the call (see Warnings)."),
    Field(
        "addressResolutions",
        "array",
        output_only=True,
        description="How each household address was resolved: exact, reparse, partial or created.",
    ),
)

#: The staff fields that are not stored as person/identity columns.
_STRUCTURED = frozenset({"employments", "positions", "household"})


class StaffSchema:
    """A staff payload's fields and what derives from them.

    ``fields`` is the top level of the staff object (nested objects keep
    their own field tuples). Everything here is computed once.

    >>> s = StaffSchema(STAFF_FIELDS)
    >>> s.names, s.demographics[:4]
    (('lastName', 'firstName', 'middleName'), ('lastName', 'firstName', 'middleName', 'gender'))
    >>> s.report_labels["Name"]
    ('lastName', 'firstName', 'middleName')
    """

    def __init__(self, fields: Iterable[Field]) -> None:
        self.fields: tuple[Field, ...] = tuple(fields)
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate field names in {names}")
        for f in self.fields:
            if f.lock is not None and f.lock not in LOCK_AREAS:
                raise ValueError(f"{f.name}: {f.lock!r} is not a lock area")
            if f.table not in (None, "person", "identity", "staff"):
                raise ValueError(f"{f.name}: column {f.column!r} is not a person, identity or staff column")
        self.by_name: dict[str, Field] = {f.name: f for f in self.fields}
        inputs = [f for f in self.fields if not f.output_only]
        #: The identity (name) fields, in order.
        self.names: tuple[str, ...] = tuple(f.name for f in inputs if f.table == "identity")
        #: Every scalar demographic: the names and the person columns (not staffNumber).
        self.demographics: tuple[str, ...] = tuple(
            f.name for f in inputs if f.table in ("identity", "person")
        )
        #: payload name -> person column, for the scalar demographics stored on the person.
        self.person_columns: dict[str, str] = {
            f.name: f.column_name for f in inputs if f.table == "person" and f.column_name
        }
        #: payload name -> lock area.
        self.lock_of: dict[str, str] = {f.name: f.lock for f in inputs if f.lock is not None}
        #: payload name -> masking kind ("ssn" | "birthdate") of the personal data.
        self.sensitive: dict[str, str] = {f.name: f.sensitive for f in self.fields if f.sensitive}
        labels: dict[str, list[str]] = {}
        ranks: dict[str, int] = {}
        for f in inputs:
            if f.label is not None:
                labels.setdefault(f.label, []).append(f.name)
                ranks[f.label] = min(ranks.get(f.label, f.rank), f.rank)
        #: The validation report's per-field summary columns: label -> the fields it covers.
        self.report_labels: dict[str, tuple[str, ...]] = {
            label: tuple(labels[label]) for label in sorted(labels, key=lambda k: (ranks[k], k))
        }
        #: (header, field) of the report's staff rows, after "System".
        self.report_headers: tuple[tuple[str, str], ...] = tuple(
            (f.header, f.name) for f in sorted(inputs, key=lambda f: f.rank) if f.header is not None
        )
        #: (label, field) of the demographics shown in the report's "Other" column.
        self.report_other: tuple[tuple[str, str], ...] = tuple(
            (f.label, f.name)
            for f in sorted(inputs, key=lambda f: f.rank)
            if f.label is not None and f.header is None and f.sensitive is None
        )
        #: Every field a report's staff row holds (the demographics and the staff number).
        self.row_fields: tuple[str, ...] = tuple(
            f.name for f in inputs if f.table is not None and f.name not in _STRUCTURED
        )

    def with_fields(self, *fields: Field) -> StaffSchema:
        """This schema with more top-level fields (before the output-only ones).

        >>> s = DEFAULT_SCHEMA.with_fields(Field("badgeNumber", "string", kind="code",
        ...     column="person.badge_number", label="Badge Number", lock="Staff Demographics"))
        >>> s.person_columns["badgeNumber"], "Badge Number" in s.report_labels
        ('badge_number', True)
        """
        inputs = [f for f in self.fields if not f.output_only]
        outputs = [f for f in self.fields if f.output_only]
        return StaffSchema([*inputs, *fields, *outputs])

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def replace(self, name: str, **changes: Any) -> StaffSchema:
        """This schema with one field's attributes changed (for the legacy and person modes)."""
        return StaffSchema(dataclasses.replace(f, **changes) if f.name == name else f for f in self.fields)


#: The specification's staff object.
DEFAULT_SCHEMA = StaffSchema(STAFF_FIELDS)


def all_field_names(fields: Iterable[Field] = STAFF_FIELDS) -> frozenset[str]:
    """Every field name of the staff object at any depth, and the BOI address fields.

    >>> {"hireDate", "householdLocations", "fullStreetAddress"} <= all_field_names()
    True
    """
    found: set[str] = set(BOI_FIELDS.values()) | {"fullStreetAddress"}

    def walk(specs: Iterable[Field]) -> None:
        for f in specs:
            found.add(f.name)
            walk(f.fields)

    walk(fields)
    return frozenset(found)
