"""The layout of the reports, shared by their renderings (HTML and text).

Which sections a report has, their titles and notes (the specification's
"** Campus System data will be replaced with the HR System data **"), the
columns of each section's table (derived from the staff fields'
``header``/``label``, :mod:`addrmatch.boi.fields`) and how an entry of the
data form becomes rows (a Campus row above an HR row, differing cells
marked). :mod:`~addrmatch.boi.report_html` and
:mod:`~addrmatch.boi.report_text` draw them.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from addrmatch.boi.fields import DEFAULT_SCHEMA

__all__ = [
    "ADDRESS_HEADERS",
    "ASSIGNMENT_HEADERS",
    "DEFAULT_LIMIT",
    "DEMOGRAPHIC_FIELDS",
    "EMPLOYMENT_HEADERS",
    "SECTIONS",
    "STAFF_HEADERS",
    "Section",
    "blocks",
    "cell",
    "generated_on",
    "sections_of",
    "summary_lines",
    "sync_line",
]

#: The rendered report shows this many entries per section (the specification's report does).
DEFAULT_LIMIT = 100

#: The summary's per-field demographic columns, in the specification's order:
#: label -> the payload fields it covers (each staff Field's ``label``).
DEMOGRAPHIC_FIELDS: dict[str, tuple[str, ...]] = DEFAULT_SCHEMA.report_labels

#: (header, row key) of a staff row, as the specification's report prints them (each Field's ``header``).
STAFF_HEADERS: tuple[tuple[str, str], ...] = (("System", "system"), *DEFAULT_SCHEMA.report_headers)
#: Demographic differences also show the (masked) SSN and the other differing fields.
_DEMOGRAPHIC_EXTRA: tuple[tuple[str, str], ...] = (("SSN", "ssn"), ("Other", "other"))
_OTHER_FIELDS: tuple[tuple[str, str], ...] = DEFAULT_SCHEMA.report_other
EMPLOYMENT_HEADERS: tuple[tuple[str, str], ...] = (
    ("System", "system"),
    ("Staff Number", "staffNumber"),
    ("Hire/Start Date", "hireDate"),
    ("Termination/End Date", "terminationDate"),
)
ASSIGNMENT_HEADERS: tuple[tuple[str, str], ...] = (
    ("System", "system"),
    ("Staff Number", "staffNumber"),
    ("Title Code", "titleCode"),
    ("School Number", "schoolNumber"),
    ("Start Date", "startDate"),
    ("End Date", "endDate"),
    ("Assignment Code", "assignmentCode"),
)
#: The address columns of the specification's report ("PO Number" holds the house or box number).
ADDRESS_HEADERS: tuple[tuple[str, str], ...] = (
    ("Staff Number", "staffNumber"),
    ("PO Number", "number"),
    ("Street", "street"),
    ("Tag", "tag"),
    ("Prefix", "prefix"),
    ("Dir", "direction"),
    ("Apt", "apt"),
    ("City", "city"),
    ("State", "state"),
    ("Zip", "zip"),
    ("County", "county"),
)


@dataclass(frozen=True)
class Section:
    """How one section is rendered: its title, note and table."""

    key: str
    title: Callable[[int], str]
    note: str
    headers: tuple[tuple[str, str], ...]
    rows: Callable[[Mapping[str, Any]], list[list[dict[str, Any]]]]


_REPLACED = "** Campus System data will be replaced with the HR System data **"
_ADDED = "** HR System data will be added to the Campus System data **"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _demographic_rows(entry: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    campus, hr = dict(entry["campus"]), dict(entry["hr"])
    fields = set(entry.get("fields", ()))
    others = [(label, key) for label, key in _OTHER_FIELDS if label in fields]
    for side in (campus, hr):
        side["other"] = "; ".join(f"{label}: {side.get(key) or '(none)'}" for label, key in others)
    differing = {"other"} if others else set()
    for label in fields:
        for key in DEMOGRAPHIC_FIELDS[label]:
            # The SSN is masked on both sides: its label says it differs.
            if label == "SSN" or (hr.get(key) is not None and hr.get(key) != campus.get(key)):
                differing.add(key)
    return [[{**campus, "_diff": differing}, {**hr, "_diff": differing}]]


def _side_rows(
    entry: Mapping[str, Any], system: str, items: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    base = {"system": system, "staffNumber": entry.get(f"{system.lower()}StaffNumber", entry["staffNumber"])}
    if not items:
        return [base]
    return [{**base, **item} for item in items]


def _pair_rows(entry: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    return [_side_rows(entry, "Campus", entry["campus"]), _side_rows(entry, "HR", entry["hr"])]


def _address_pair_rows(entry: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    out = []
    for system in ("Campus", "HR"):
        items = [_address_cells(a) for a in entry[system.lower()]]
        out.append(_side_rows(entry, system, items))
    if entry.get("note"):
        out.append([{"system": "", "staffNumber": "", "_note": entry["note"]}])
    return out


def _address_cells(address: Mapping[str, Any]) -> dict[str, Any]:
    cells = dict(address)
    if address.get("postOfficeBox"):
        cells["number"] = f"PO BOX {address.get('number') or ''}".strip()
    return cells


def _address_add_rows(entry: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    return [[{**_address_cells(entry["address"]), "staffNumber": ", ".join(entry["staffNumbers"])}]]


def _single(entry: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    return [[dict(entry)]]


def _conflict_rows(entry: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    rows = [dict(entry["hr"])]
    rows += [dict(r) for r in entry["campus"]]
    rows.append({"system": "", "staffNumber": "", "_note": entry["message"]})
    return [rows]


_SYSTEM_ADDRESS = (("System", "system"), *ADDRESS_HEADERS)

SECTIONS: dict[str, Section] = {
    s.key: s
    for s in (
        Section(
            "demographicDifferences",
            lambda n: "Demographic Differences",
            _REPLACED,
            STAFF_HEADERS + _DEMOGRAPHIC_EXTRA,
            _demographic_rows,
        ),
        Section(
            "employmentDifferences",
            lambda n: "District Employment Differences",
            _REPLACED,
            EMPLOYMENT_HEADERS,
            _pair_rows,
        ),
        Section(
            "assignmentDifferences",
            lambda n: "District Assignment Differences",
            _REPLACED,
            ASSIGNMENT_HEADERS,
            _pair_rows,
        ),
        Section(
            "addressDifferences",
            lambda n: "Address Differences",
            _REPLACED,
            _SYSTEM_ADDRESS,
            _address_pair_rows,
        ),
        Section(
            "addressesToAdd",
            lambda n: f"{_plural(n, 'address', 'addresses')} in HR NOT in Campus",
            _ADDED,
            ADDRESS_HEADERS,
            _address_add_rows,
        ),
        Section(
            "staffToAdd",
            lambda n: f"{_plural(n, 'staff member', 'staff members')} in HR NOT in Campus",
            _ADDED,
            STAFF_HEADERS,
            _single,
        ),
        Section(
            "conflicts",
            lambda n: (
                f"{_plural(n, 'HR staff member', 'HR staff members')} whose Staff Number is "
                "duplicated in Campus"
            ),
            "** These staff members will fail at commit until the Campus Staff Numbers are unique **",
            STAFF_HEADERS,
            _conflict_rows,
        ),
        Section(
            "campusStaffNotInHr",
            lambda n: f"{_plural(n, 'Campus staff member', 'Campus staff members')} NOT in HR",
            "** Campus System data will be left as it is **",
            STAFF_HEADERS,
            _single,
        ),
        Section(
            "duplicateStaffNumbers",
            lambda n: f"{_plural(n, 'employee', 'employees')} with duplicate Staff Numbers in Campus",
            "** Staff Numbers must be unique **",
            STAFF_HEADERS,
            _single,
        ),
        Section(
            "missingStaffNumbers",
            lambda n: f"{_plural(n, 'employee', 'employees')} with no Staff Number in Campus",
            "** Staff without a Staff Number cannot be synchronized **",
            STAFF_HEADERS,
            _single,
        ),
    )
}

#: The summary lines of the validation report: (label, summary key), the specification's first.
_VALIDATION_LINES: tuple[tuple[str, str], ...] = (
    ("Demographic differences", "demographicDifferences"),
    ("District Employment differences", "employmentDifferences"),
    ("District Assignment differences", "assignmentDifferences"),
    ("Address differences", "addressDifferences"),
    ("HR staff NOT in Campus", "hrStaffNotInCampus"),
    ("Campus staff NOT in HR", "campusStaffNotInHr"),
    ("Campus staff with duplicate staff numbers", "duplicateStaffNumbers"),
    ("Campus staff with no staff number", "missingStaffNumbers"),
    ("Addresses in HR NOT in Campus", "addressesToAdd"),
    ("HR staff whose staff number is duplicated in Campus", "conflicts"),
    ("HR staff with no differences", "unchanged"),
)
_CHECK_LINES: tuple[tuple[str, str], ...] = (
    ("Campus staff", "campusStaff"),
    ("Campus staff with duplicate staff numbers", "duplicateStaffNumbers"),
    ("Campus staff with no staff number", "missingStaffNumbers"),
)


def cell(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


def blocks(section: Section, entries: Sequence[Mapping[str, Any]]) -> list[list[dict[str, Any]]]:
    """Each entry as a list of rows (its Campus rows, then its HR rows...)."""
    out = []
    for entry in entries:
        rows: list[dict[str, Any]] = []
        for group in section.rows(entry):
            rows.extend(group)
        out.append(rows)
    return out


def generated_on(report: Mapping[str, Any]) -> str:
    """The generation time as the specification prints it: ``05/08/2023 07:57:36 AM``.

    >>> generated_on({"generatedAt": "2023-05-08T07:57:36"})
    '05/08/2023 07:57:36 AM'
    """
    moment = _dt.datetime.fromisoformat(report["generatedAt"])
    return moment.strftime("%m/%d/%Y %I:%M:%S %p")


def summary_lines(report: Mapping[str, Any]) -> list[tuple[str, int]]:
    """(label, count) of the summary, the specification's lines first."""
    lines = _VALIDATION_LINES if report.get("kind") == "validation" else _CHECK_LINES
    summary = report.get("summary", {})
    return [(label, int(summary[key])) for label, key in lines if key in summary]


def sections_of(report: Mapping[str, Any]) -> list[tuple[Section, list[Mapping[str, Any]]]]:
    """The report's sections with their entries, in the report's order."""
    present = report.get("sections", {})
    return [(SECTIONS[key], entries) for key, entries in present.items() if key in SECTIONS]


def sync_line(report: Mapping[str, Any]) -> str:
    """The sync the report is about, in one sentence ("" for none)."""
    sync = report.get("sync")
    if not sync:
        return ""
    started = sync.get("startedAt") or ""
    with contextlib.suppress(ValueError):
        started = _dt.datetime.fromisoformat(started).strftime("%m/%d/%Y %I:%M:%S %p")
    return (
        f"Sync {sync.get('syncId')} started by {sync.get('startedBy')} on {started}; "
        f"{_plural(int(sync.get('staffTransferred') or 0), 'staff member', 'staff members')} transferred."
    )
