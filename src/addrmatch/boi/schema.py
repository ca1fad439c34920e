"""The staff payload schema, defined once.

The specification's JSON (camelCase) as Python dicts. Every field of the
staff member, employment, position, household and household location objects
is declared here with its type, whether it is required, and the default the
library fills in when the HR system does not send it; :func:`clean_staff` and
:func:`clean_position` validate a payload against it, and
:func:`schema_table` renders it as the README table.

Types:

* ``string``: text; an ``int`` is accepted and turned into text; surrounding
  blanks are removed and an empty string counts as not given.
* ``date``: ``"YYYY-MM-DD"`` (or a :class:`datetime.date`); no order or
  overlap checks, as the specification says.
* ``boolean``: ``true``/``false``.
* ``ssn``: nine digits, ``"123-45-6789"`` or ``"123456789"``; stored as
  nine digits, returned masked (``"***-**-6789"``).
* ``address``: a BOI address mapping, checked by :mod:`addrmatch.rules` and
  resolved through the :class:`addrmatch.AddressStore`.
* ``object`` / ``array``: a nested mapping / a list of nested mappings.

Output-only fields (``personId``, ``positionId``, ``staffMember`` ...) appear
in results; sent back in a payload they are ignored, so a result can be edited
and sent again.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from addrmatch.boi.errors import ValidationError
from addrmatch.boi.masking import is_sensitive

__all__ = [
    "CALL_DATE",
    "EMPLOYMENT_FIELDS",
    "HOUSEHOLD_FIELDS",
    "LOCATION_FIELDS",
    "MASKED_SSN_RE",
    "POSITION_FIELDS",
    "STAFF_FIELDS",
    "Field",
    "Mode",
    "check_date",
    "clean_household",
    "clean_position",
    "clean_staff",
    "fill_defaults",
    "schema_table",
]

Mode = Literal["create", "update", "legacy", "person"]


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


@dataclass(frozen=True)
class Field:
    """One payload field.

    ``default`` is what the library stores when the field is absent from a
    create payload; on an update an absent field leaves the stored value as is.
    """

    name: str
    type: str
    required: bool = False
    default: Any = None
    description: str = ""
    fields: tuple[Field, ...] = ()
    output_only: bool = False


EMPLOYMENT_FIELDS: tuple[Field, ...] = (
    Field("hireDate", "date", True, description="Hire date; matches an update's employment to a stored one."),
    Field("terminationDate", "date", description="Termination date."),
)

POSITION_FIELDS: tuple[Field, ...] = (
    Field("positionId", "integer", output_only=True, description="Campus id of the district assignment."),
    Field("schoolNumber", "string", True, description="A listed school (`campus.schools()`)."),
    Field(
        "assignmentCode",
        "string",
        description="A listed State assignment code (`campus.assignment_codes()`). "
        "titleCode or assignmentCode is required.",
    ),
    Field("titleCode", "string", description="District title; an unknown one is created."),
    Field(
        "titleDescription", "string", description="Used when the titleCode is new (default: the titleCode)."
    ),
    Field("startDate", "date", True, description="Start date."),
    Field("endDate", "date", description="End date."),
)

LOCATION_FIELDS: tuple[Field, ...] = (
    Field("locationId", "integer", output_only=True, description="Campus id of the household location."),
    Field("addressId", "integer", output_only=True, description="AddressStore id of the address."),
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
    Field("name", "string", default=LAST_NAME, description="Household name."),
    Field("phone", "string", description="Household phone."),
    Field("phonePrivate", "boolean", default=False, description="Household phone is private."),
    Field(
        "householdLocations",
        "array",
        default=[],
        fields=LOCATION_FIELDS,
        description="The household's current locations (a complete list on update).",
    ),
)

STAFF_FIELDS: tuple[Field, ...] = (
    Field("personId", "integer", output_only=True, description="Campus person id."),
    Field("staffNumber", "string", True, description="Local Staff Number; unique (case-insensitive)."),
    Field("lastName", "string", True, description="Last name (a change starts a new identity)."),
    Field("firstName", "string", True, description="First name (a change starts a new identity)."),
    Field("middleName", "string", description="Middle name (a change starts a new identity)."),
    Field("gender", "string", True, description="A listed gender code (`campus.genders()`)."),
    Field("ssn", "ssn", description="Social Security number; personal data, always returned masked."),
    Field("birthdate", "date", description="Birth date; personal data."),
    Field("workPhone", "string", description="Work phone."),
    Field("cellPhone", "string", description="Cell phone."),
    Field("otherPhone", "string", description="Other phone."),
    Field("workEmail", "string", description="Work email."),
    Field("personalEmail", "string", description="Personal email."),
    Field(
        "employments",
        "array",
        default=[],
        fields=EMPLOYMENT_FIELDS,
        description="District employments (several for rehires).",
    ),
    Field(
        "positions",
        "array",
        default=[],
        fields=POSITION_FIELDS,
        description="District assignments; on update, the complete list.",
    ),
    Field(
        "household",
        "object",
        fields=HOUSEHOLD_FIELDS,
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

#: The demographic fields of a staff member, in schema order: the names, gender,
#: SSN, birthdate, phones and emails (every scalar input field but staffNumber).
STAFF_DEMOGRAPHICS: tuple[str, ...] = tuple(
    f.name for f in STAFF_FIELDS if not f.output_only and not f.fields and f.name != "staffNumber"
)

_STAFF_ONLY = frozenset({"staffNumber", "employments", "positions", "household"})
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SSN_RE = re.compile(r"\d{3}-?\d{2}-?\d{4}")
#: An SSN as results show it; accepted back on update when it is the stored one's.
MASKED_SSN_RE = re.compile(r"\*\*\*-\*\*-\d{4}")
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})


def _show(path: str, value: Any) -> str:
    """A value for a message: personal data masked, long text cut."""
    if is_sensitive(path):
        from addrmatch.boi.masking import mask_value

        return repr(mask_value(path, value))
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_date(path: str, value: Any) -> str | None:
    """An ISO date string from a payload value (``None``/``""`` -> ``None``).

    >>> check_date("startDate", "2023-10-01")
    '2023-10-01'
    >>> check_date("birthdate", "01/02/1980")
    Traceback (most recent call last):
    ...
    addrmatch.boi.errors.ValidationError: birthdate: not a date in the form YYYY-MM-DD, got '****-**-**'
    """
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if _DATE_RE.fullmatch(text):
            try:
                return _dt.date.fromisoformat(text).isoformat()
            except ValueError:
                pass
    raise ValidationError(
        f"{path}: not a date in the form YYYY-MM-DD, got {_show(path, value)}",
        field=path,
        rule="date-format",
        value=value,
    )


def _check_string(path: str, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValidationError(
            f"{path}: must be text, got {type(value).__name__}", field=path, rule="type", value=value
        )
    text = str(value).strip()
    return text or None


def _check_boolean(path: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValidationError(
        f"{path}: must be true or false, got {_show(path, value)}", field=path, rule="type", value=value
    )


def _check_ssn(path: str, value: Any) -> str | None:
    text = _check_string(path, value)
    if text is None:
        return None
    if MASKED_SSN_RE.fullmatch(text):
        return text  # staff.update accepts it when it masks the stored SSN
    if not _SSN_RE.fullmatch(text):
        raise ValidationError(
            f"{path}: must be 9 digits (NNN-NN-NNNN or NNNNNNNNN), got {_show(path, text)}",
            field=path,
            rule="ssn-format",
            value=text,
        )
    return text.replace("-", "")


def _check_value(path: str, spec: Field, value: Any) -> Any:
    if value is None:
        return None
    kind = spec.type
    if kind == "string":
        return _check_string(path, value)
    if kind == "date":
        return check_date(path, value)
    if kind == "boolean":
        return _check_boolean(path, value)
    if kind == "ssn":
        return _check_ssn(path, value)
    if kind == "address":
        if not isinstance(value, Mapping):
            raise ValidationError(
                f"{path}: must be an address object, got {type(value).__name__}",
                field=path,
                rule="type",
                value=None,
            )
        return dict(value)
    if kind == "object":
        if not isinstance(value, Mapping):
            raise ValidationError(
                f"{path}: must be an object, got {type(value).__name__}", field=path, rule="type", value=None
            )
        return _clean_object(path, value, spec.fields, "update")
    if kind == "array":
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
            raise ValidationError(
                f"{path}: must be a list, got {type(value).__name__}", field=path, rule="type", value=None
            )
        items = []
        for i, item in enumerate(value):
            item_path = f"{path}[{i}]"
            if not isinstance(item, Mapping):
                raise ValidationError(
                    f"{item_path}: must be an object, got {type(item).__name__}",
                    field=item_path,
                    rule="type",
                    value=None,
                )
            items.append(_clean_object(item_path, item, spec.fields, "create"))
        return items
    raise AssertionError(f"unknown schema type {kind!r}")  # pragma: no cover - schema is static


def _clean_object(
    prefix: str, payload: Mapping[str, Any], specs: tuple[Field, ...], mode: str
) -> dict[str, Any]:
    by_name = {f.name: f for f in specs}
    unknown = sorted(str(k) for k in payload if k not in by_name)
    if unknown:
        where = f"{prefix}." if prefix else ""
        raise ValidationError(
            f"{', '.join(where + k for k in unknown)}: not a field of this object "
            f"(known: {', '.join(f.name for f in specs if not f.output_only)})",
            field=where + unknown[0],
            rule="unknown-field",
            value=None,
        )
    cleaned: dict[str, Any] = {}
    for spec in specs:
        if spec.output_only:
            continue
        path = f"{prefix}.{spec.name}" if prefix else spec.name
        required = spec.required
        value = _check_value(path, spec, payload[spec.name]) if spec.name in payload else None
        if mode == "update":
            # Present: set (null clears a scalar); a null list or object counts as not sent.
            if spec.name not in payload or (value is None and spec.type in ("array", "object")):
                continue
            if value is None and required:
                raise ValidationError(f"{path}: required, cannot be cleared", field=path, rule="required")
            cleaned[spec.name] = value
        elif value is not None:
            cleaned[spec.name] = value
        elif required:
            raise ValidationError(f"{path}: required", field=path, rule="required")
        else:
            default = spec.default
            cleaned[spec.name] = list(default) if isinstance(default, list) else default
    return cleaned


def _check_position_codes(path: str, position: Mapping[str, Any]) -> None:
    if not position.get("titleCode") and not position.get("assignmentCode"):
        field = f"{path}.titleCode" if path else "titleCode"
        raise ValidationError(
            f"{field}: a position needs a titleCode or an assignmentCode (or both)",
            field=field,
            rule="title-or-assignment-code",
            value=None,
        )


def clean_staff(payload: Any, *, mode: Mode = "create") -> dict[str, Any]:
    """Validate a staff payload and return a cleaned copy.

    ``mode``: ``"create"`` (required fields checked, defaults filled in),
    ``"update"`` (only the fields present, none filled in; a required field
    cannot be cleared), ``"legacy"`` (existing Campus data: staffNumber and
    gender optional), ``"person"`` (a student or parent: no staff fields).

    >>> clean_staff({"staffNumber": 1001, "lastName": " Smith ", "firstName": "P", "gender": "F"})["lastName"]
    'Smith'
    >>> clean_staff({"lastName": "Smith"}, mode="update")
    {'lastName': 'Smith'}
    >>> clean_staff({"staffNumber": "1", "lastName": "S", "firstName": "P", "gender": "F", "ssn": "12345678"})
    Traceback (most recent call last):
    ...
    addrmatch.boi.errors.ValidationError: ssn: must be 9 digits (NNN-NN-NNNN or NNNNNNNNN), got '***-**-5678'
    """
    if not isinstance(payload, Mapping):
        raise ValidationError(
            f"payload: must be an object (a mapping of the staff fields), got {type(payload).__name__}",
            field="payload",
            rule="type",
            value=None,
        )
    specs = STAFF_FIELDS
    object_mode = "update" if mode == "update" else "create"
    if mode in ("legacy", "person"):
        specs = tuple(
            Field(
                f.name,
                f.type,
                f.required and f.name not in ("staffNumber", "gender"),
                f.default,
                f.description,
                f.fields,
                f.output_only,
            )
            for f in STAFF_FIELDS
            if mode == "legacy" or f.name not in _STAFF_ONLY
        )
    cleaned = _clean_object("", payload, specs, object_mode)
    if mode != "update" and MASKED_SSN_RE.fullmatch(cleaned.get("ssn") or ""):
        raise ValidationError(
            f"ssn: a masked SSN ({cleaned['ssn']}) cannot be stored; send the full SSN or none",
            field="ssn",
            rule="ssn-masked",
            value=cleaned["ssn"],
        )
    for i, position in enumerate(cleaned.get("positions") or ()):
        _check_position_codes(f"positions[{i}]", position)
    household = cleaned.get("household")
    if household is not None and mode != "update":
        fill_defaults(household, HOUSEHOLD_FIELDS)
    return cleaned


def fill_defaults(values: dict[str, Any], specs: tuple[Field, ...]) -> dict[str, Any]:
    for spec in specs:
        if not spec.output_only and values.get(spec.name) is None:
            default = spec.default
            values[spec.name] = list(default) if isinstance(default, list) else default
    return values


def clean_household(payload: Any, *, path: str = "household") -> dict[str, Any]:
    """Validate a household payload and fill in the defaults of a new household.

    >>> h = clean_household({"householdLocations": [{"address": {"postOfficeBox": True, "number": "54"}}]})
    >>> h["phonePrivate"], h["householdLocations"][0]["mailing"], h["householdLocations"][0]["startDate"]
    (False, True, <date of the call>)
    """
    spec = next(f for f in STAFF_FIELDS if f.name == "household")
    return fill_defaults(_check_value(path, spec, payload) or {}, HOUSEHOLD_FIELDS)


def clean_position(payload: Any) -> dict[str, Any]:
    """Validate a position payload (create or update) and return a cleaned copy.

    >>> p = clean_position({"schoolNumber": "010", "assignmentCode": 20, "titleCode": "4A61E262",
    ...                     "titleDescription": "Varsity Basketball", "startDate": "2023-10-01"})
    >>> p["assignmentCode"], p["endDate"]
    ('20', None)
    >>> clean_position({"schoolNumber": "010", "startDate": "2023-10-01"})
    Traceback (most recent call last):
    ...
    addrmatch.boi.errors.ValidationError: titleCode: a position needs a titleCode or an assignmentCode...
    """
    if not isinstance(payload, Mapping):
        raise ValidationError(
            f"payload: must be a position object, got {type(payload).__name__}",
            field="payload",
            rule="type",
            value=None,
        )
    cleaned = _clean_object("", payload, POSITION_FIELDS, "create")
    _check_position_codes("", cleaned)
    return cleaned


def _default_text(spec: Field) -> str:
    if spec.required:
        return "—"
    default = spec.default
    if isinstance(default, _Dynamic):
        return default.description
    if default is None:
        return "null"
    if isinstance(default, bool):
        return "true" if default else "false"
    if isinstance(default, list):
        return "[]"
    return repr(default)


def schema_table() -> str:
    """The payload schema as a Markdown table (the README's).

    >>> print(schema_table().splitlines()[2])
    | `staffNumber` | string | required | — | Local Staff Number; unique (case-insensitive). |
    """
    lines = ["| Field | Type | Required | Default | Notes |", "|---|---|---|---|---|"]

    def walk(prefix: str, specs: tuple[Field, ...]) -> None:
        for spec in specs:
            if spec.output_only:
                continue
            name = f"{prefix}{spec.name}"
            kind = spec.type + ("[]" if spec.type == "array" else "")
            kind = "array of objects" if spec.type == "array" and spec.fields else kind
            required = "required" if spec.required else "optional"
            lines.append(f"| `{name}` | {kind} | {required} | {_default_text(spec)} | {spec.description} |")
            if spec.fields:
                walk(f"{name}[]." if spec.type == "array" else f"{name}.", spec.fields)

    walk("", STAFF_FIELDS)
    outputs = [f"`{f.name}`" for f in STAFF_FIELDS if f.output_only]
    outputs += [f"`positions[].{f.name}`" for f in POSITION_FIELDS if f.output_only]
    outputs += [f"`household.{f.name}`" for f in HOUSEHOLD_FIELDS if f.output_only]
    outputs += [f"`household.householdLocations[].{f.name}`" for f in LOCATION_FIELDS if f.output_only]
    lines.append("")
    lines.append("Output only (in results; ignored when sent back): " + ", ".join(outputs) + ".")
    return "\n".join(lines)
