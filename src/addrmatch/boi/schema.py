"""The staff payload schema, defined once.

The specification's JSON (camelCase) as Python dicts. Every field of the
staff member, employment, position, household and household location objects
is declared once, in :mod:`addrmatch.boi.fields`, with its type, whether it
is required, the default the library fills in when the HR system does not
send it, and its size limit; :func:`clean_staff` and
:func:`clean_position` validate a payload against it, and
:func:`schema_table` renders it as the README table.

Types:

* ``string``: text; an ``int`` is accepted and turned into text; surrounding
  blanks are removed and an empty string counts as not given. Text passes
  the input gate (:mod:`addrmatch.inputs`): at most the field's size limit
  (:data:`~addrmatch.boi.fields.LIMITS`, by kind), no lone surrogate, no
  control character.
* ``date``: ``"YYYY-MM-DD"`` (or a :class:`datetime.date`); no order or
  overlap checks, as the specification says.
* ``boolean``: read by :func:`addrmatch.inputs.parse_bool` (``true``/``false``,
  ``1``/``0``, ``yes``/``no``, ``y``/``n``...).
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

import dataclasses
import datetime as _dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from addrmatch.boi.errors import ValidationError
from addrmatch.boi.fields import (
    CALL_DATE,
    DEFAULT_SCHEMA,
    EMPLOYMENT_FIELDS,
    HOUSEHOLD_FIELDS,
    LAST_NAME,
    LOCATION_FIELDS,
    MAX_DEPTH,
    MAX_ITEMS,
    POSITION_FIELDS,
    STAFF_FIELDS,
    Field,
    StaffSchema,
    _Dynamic,
)
from addrmatch.boi.masking import is_sensitive, mask_value
from addrmatch.boi.rules import Rule
from addrmatch.inputs import integer_problem, parse_bool, preview, text_problem

__all__ = [
    "CALL_DATE",
    "EMPLOYMENT_FIELDS",
    "HOUSEHOLD_FIELDS",
    "LAST_NAME",
    "LOCATION_FIELDS",
    "MASKED_SSN_RE",
    "POSITION_FIELDS",
    "STAFF_DEMOGRAPHICS",
    "STAFF_FIELDS",
    "Field",
    "Mode",
    "check_count",
    "check_date",
    "check_depth",
    "check_records",
    "check_text",
    "clean_household",
    "clean_position",
    "clean_staff",
    "fill_defaults",
    "schema_table",
]

Mode = Literal["create", "update", "legacy", "person"]

#: The demographic fields of a staff member, in schema order: the names, gender,
#: SSN, birthdate, phones and emails (every scalar input field but staffNumber).
STAFF_DEMOGRAPHICS: tuple[str, ...] = DEFAULT_SCHEMA.demographics

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SSN_RE = re.compile(r"\d{3}-?\d{2}-?\d{4}")
#: An SSN as results show it; accepted back on update when it is the stored one's.
MASKED_SSN_RE = re.compile(r"\*\*\*-\*\*-\d{4}")
#: The largest integer accepted where text is expected (an int staff number, code...).
_MAX_INT = 10**18


def _show(path: str, value: Any) -> str:
    """A value for a message: personal data masked, long text cut."""
    if is_sensitive(path):
        return repr(mask_value(path, value))
    return preview(value, 77)


def check_text(path: str, value: Any, limit: int) -> str:
    """``value`` if it passes the input gate as text of at most ``limit``
    characters, else :class:`ValidationError` naming ``path`` and the rule.

    >>> check_text("lastName", "Smith", 100)
    'Smith'
    >>> check_text("lastName", "A\\ud800", 100)
    Traceback (most recent call last):
    ...
    addrmatch.boi.errors.ValidationError: lastName: holds a lone surrogate U+D800 at position 1: not valid Unicode text
    """
    problem = text_problem(value, limit=limit)
    if problem is not None:
        raise ValidationError(f"{path}: {problem.message}", field=path, rule=problem.rule, value=None)
    return value  # type: ignore[no-any-return]


def check_records(path: str, value: Any) -> list[Any]:
    """A batch of records as a list: ``value`` must be a list (an iterable) of objects, not one object.

    >>> check_records("records", None)
    Traceback (most recent call last):
    ...
    addrmatch.boi.errors.ValidationError: records: a list of staff member objects, got NoneType
    """
    if isinstance(value, (Mapping, str, bytes)) or not isinstance(value, Iterable):
        got = "a single object" if isinstance(value, Mapping) else type(value).__name__
        raise ValidationError(
            f"{path}: a list of staff member objects, got {got}", field=path, rule=Rule.TYPE, value=None
        )
    return list(value)


def check_count(path: str, value: Any, maximum: int) -> int:
    """``value`` if it is an integer in ``1 .. maximum`` (a ``limit``), else :class:`ValidationError`.

    >>> check_count("limit", 10, 100)
    10
    >>> check_count("limit", "x", 100)
    Traceback (most recent call last):
    ...
    addrmatch.boi.errors.ValidationError: limit: must be an integer, got str
    """
    problem = integer_problem(value, minimum=1, maximum=maximum)
    if problem is not None:
        raise ValidationError(f"{path}: {problem.message}", field=path, rule=problem.rule, value=None)
    return value  # type: ignore[no-any-return]


def check_depth(path: str, payload: Any, limit: int = MAX_DEPTH) -> None:
    """Refuse a payload nested deeper than ``limit`` lists/objects (without recursion).

    >>> deep: list = []; cur = deep
    >>> for _ in range(100): cur.append([]); cur = cur[0]
    >>> check_depth("payload", deep)
    Traceback (most recent call last):
    ...
    addrmatch.boi.errors.ValidationError: payload: nested more than 16 levels deep
    """
    stack: list[tuple[Any, int]] = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, Mapping):
            children: Any = value.values()
        elif isinstance(value, (list, tuple)):
            children = value
        else:
            continue
        if depth > limit:
            raise ValidationError(
                f"{path}: nested more than {limit} levels deep", field=path, rule=Rule.NESTING, value=None
            )
        stack.extend((child, depth + 1) for child in children)


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
        rule=Rule.DATE_FORMAT,
        value=value,
    )


def _check_string(path: str, value: Any, spec: Field | None = None) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        problem = integer_problem(value, minimum=-_MAX_INT, maximum=_MAX_INT)
        if problem is not None:
            raise ValidationError(f"{path}: {problem.message}", field=path, rule=problem.rule, value=None)
        value = str(value)
    if not isinstance(value, str):
        raise ValidationError(
            f"{path}: must be text, got {type(value).__name__}", field=path, rule=Rule.TYPE, value=None
        )
    limit = spec.limit if spec is not None and spec.limit is not None else LIMITS_DEFAULT
    check_text(path, value, limit)
    text = value.strip()
    return text or None


#: The size limit of a text field without a kind.
LIMITS_DEFAULT = 200


def _check_boolean(path: str, value: Any) -> bool:
    parsed = parse_bool(value)
    if parsed is None:
        raise ValidationError(
            f"{path}: must be true or false, got {_show(path, value)}", field=path, rule=Rule.TYPE, value=None
        )
    return parsed


def _check_ssn(path: str, value: Any, spec: Field) -> str | None:
    text = _check_string(path, value, spec)
    if text is None:
        return None
    if MASKED_SSN_RE.fullmatch(text):
        return text  # staff.update accepts it when it masks the stored SSN
    if not _SSN_RE.fullmatch(text):
        raise ValidationError(
            f"{path}: must be 9 digits (NNN-NN-NNNN or NNNNNNNNN), got {_show(path, text)}",
            field=path,
            rule=Rule.SSN_FORMAT,
            value=text,
        )
    return text.replace("-", "")


def _check_value(path: str, spec: Field, value: Any) -> Any:
    if value is None:
        return None
    kind = spec.type
    if kind == "string":
        return _check_string(path, value, spec)
    if kind == "date":
        if isinstance(value, str):
            check_text(path, value, spec.limit or LIMITS_DEFAULT)
        return check_date(path, value)
    if kind == "boolean":
        return _check_boolean(path, value)
    if kind == "ssn":
        return _check_ssn(path, value, spec)
    if kind == "integer":
        problem = integer_problem(value, minimum=1, maximum=2**63 - 1)
        if problem is not None:
            raise ValidationError(f"{path}: {problem.message}", field=path, rule=problem.rule, value=None)
        return value
    if kind == "address":
        if not isinstance(value, Mapping):
            raise ValidationError(
                f"{path}: must be an address object, got {type(value).__name__}",
                field=path,
                rule=Rule.TYPE,
                value=None,
            )
        # An address search result sent back as it came: its id and score are not address fields.
        return {k: v for k, v in value.items() if k not in SEARCH_RESULT_KEYS}
    if kind == "object":
        if not isinstance(value, Mapping):
            raise ValidationError(
                f"{path}: must be an object, got {type(value).__name__}",
                field=path,
                rule=Rule.TYPE,
                value=None,
            )
        return _clean_object(path, value, spec.fields, "update")
    if kind == "array":
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
            raise ValidationError(
                f"{path}: must be a list, got {type(value).__name__}", field=path, rule=Rule.TYPE, value=None
            )
        if len(value) > MAX_ITEMS:
            raise ValidationError(
                f"{path}: {len(value):,} items, more than the limit of {MAX_ITEMS:,}",
                field=path,
                rule=Rule.TOO_LONG,
                value=None,
            )
        items = []
        for i, item in enumerate(value):
            item_path = f"{path}[{i}]"
            if not isinstance(item, Mapping):
                raise ValidationError(
                    f"{item_path}: must be an object, got {type(item).__name__}",
                    field=item_path,
                    rule=Rule.TYPE,
                    value=None,
                )
            cleaned = _clean_object(item_path, item, spec.fields, "create")
            if spec.name == "householdLocations" and cleaned.get("addressId") is None:
                cleaned["addressId"] = _search_result_id(item_path, item)
            items.append(cleaned)
        return items
    raise AssertionError(f"unknown schema type {kind!r}")  # pragma: no cover - schema is static


#: The keys an address search result adds to the address fields.
SEARCH_RESULT_KEYS = frozenset({"addressId", "score"})


def _search_result_id(path: str, location: Mapping[str, Any]) -> Any:
    """The ``addressId`` of a household location's address when it is an address search result."""
    address = location.get("address")
    if isinstance(address, Mapping) and "addressId" in address:
        problem = integer_problem(address["addressId"], minimum=1, maximum=2**63 - 1)
        if problem is not None:
            field = f"{path}.address.addressId"
            raise ValidationError(f"{field}: {problem.message}", field=field, rule=problem.rule, value=None)
        return address["addressId"]
    return None


def _key_name(key: Any) -> str:
    """A payload key for a message: capped, and readable even when it is not valid text."""
    text = key if isinstance(key, str) else preview(key)
    if text_problem(text, limit=60) is not None:
        return preview(text.encode("utf-8", "backslashreplace").decode("ascii", "backslashreplace"), 60)
    return text


def _clean_object(
    prefix: str, payload: Mapping[str, Any], specs: tuple[Field, ...], mode: str
) -> dict[str, Any]:
    by_name = {f.name: f for f in specs}
    unknown = sorted(_key_name(k) for k in payload if k not in by_name)
    if unknown:
        where = f"{prefix}." if prefix else ""
        shown = ", ".join(where + k for k in unknown[:20]) + (" ..." if len(unknown) > 20 else "")
        raise ValidationError(
            f"{shown}: not a field of this object "
            f"(known: {', '.join(f.name for f in specs if not f.output_only)})",
            field=where + unknown[0],
            rule=Rule.UNKNOWN_FIELD,
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
                raise ValidationError(f"{path}: required, cannot be cleared", field=path, rule=Rule.REQUIRED)
            cleaned[spec.name] = value
        elif value is not None:
            cleaned[spec.name] = value
        elif required:
            raise ValidationError(f"{path}: required", field=path, rule=Rule.REQUIRED)
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
            rule=Rule.TITLE_OR_ASSIGNMENT_CODE,
            value=None,
        )


def _mode_schema(schema: StaffSchema, mode: Mode) -> tuple[Field, ...]:
    if mode not in ("legacy", "person"):
        return schema.fields
    structured = {"staffNumber", "employments", "positions", "household"}
    return tuple(
        dataclasses.replace(f, required=f.required and f.name not in ("staffNumber", "gender"))
        for f in schema.fields
        if mode == "legacy" or f.name not in structured
    )


def clean_staff(
    payload: Any, *, mode: Mode = "create", schema: StaffSchema = DEFAULT_SCHEMA
) -> dict[str, Any]:
    """Validate a staff payload and return a cleaned copy.

    ``mode``: ``"create"`` (required fields checked, defaults filled in),
    ``"update"`` (only the fields present, none filled in; a required field
    cannot be cleared), ``"legacy"`` (existing Campus data: staffNumber and
    gender optional), ``"person"`` (a student or parent: no staff fields).
    ``schema``: the staff object's fields (a Campus subclass may add some).

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
            rule=Rule.TYPE,
            value=None,
        )
    check_depth("payload", payload)
    object_mode = "update" if mode == "update" else "create"
    cleaned = _clean_object("", payload, _mode_schema(schema, mode), object_mode)
    if mode != "update" and MASKED_SSN_RE.fullmatch(cleaned.get("ssn") or ""):
        raise ValidationError(
            f"ssn: a masked SSN ({cleaned['ssn']}) cannot be stored; send the full SSN or none",
            field="ssn",
            rule=Rule.SSN_MASKED,
            value=cleaned["ssn"],
        )
    for i, position in enumerate(cleaned.get("positions") or ()):
        _check_position_codes(f"positions[{i}]", position)
    household = cleaned.get("household")
    if household is not None and mode != "update":
        fill_defaults(household, HOUSEHOLD_FIELDS)
    return cleaned


def fill_defaults(values: dict[str, Any], specs: tuple[Field, ...]) -> dict[str, Any]:
    """Fill the absent (None) fields of a cleaned object with their defaults, in place.

    >>> fill_defaults({"name": "Rivera"}, HOUSEHOLD_FIELDS)["phonePrivate"]
    False
    """
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
    check_depth(path, payload)
    spec = DEFAULT_SCHEMA.by_name["household"]
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
            rule=Rule.TYPE,
            value=None,
        )
    check_depth("payload", payload)
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
