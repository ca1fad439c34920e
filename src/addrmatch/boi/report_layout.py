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
    "summary_links",
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
    #: The summary line that counts this section's entries (its link in the table of contents).
    summary_key: str | None = None
    #: The HTML page adds a Name column after Staff Number (the text keeps the specification's columns).
    named: bool = False

    @property
    def anchor(self) -> str:
        """The section's id in the HTML page (``employment-differences``)."""
        return "".join("-" + c.lower() if c.isupper() else c for c in self.key)

    def html_headers(self) -> tuple[tuple[str, str], ...]:
        """The columns of the HTML table: the headers, with Name after Staff Number when ``named``."""
        if not self.named:
            return self.headers
        out: list[tuple[str, str]] = []
        for header in self.headers:
            out.append(header)
            if header[1] == "staffNumber":
                out.append(("Name", "name"))
        return tuple(out)


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
    base = {
        "system": system,
        "staffNumber": entry.get(f"{system.lower()}StaffNumber", entry["staffNumber"]),
        "name": entry.get(f"{system.lower()}Name"),
    }
    if not items:
        return [base]
    return [{**base, **item} for item in items]


def _paired(
    entry: Mapping[str, Any], campus_items: Sequence[Mapping[str, Any]], hr_items: Sequence[Mapping[str, Any]]
) -> list[list[dict[str, Any]]]:
    """The Campus rows and the HR rows of a difference, each cell that differs
    from the row in the same place on the other side (both sides sorted)
    marked in ``_diff``; a row with no counterpart differs in every cell it has."""
    campus = _side_rows(entry, "Campus", campus_items)
    hr = _side_rows(entry, "HR", hr_items)
    number_differs = {"staffNumber"} if campus[0]["staffNumber"] != hr[0]["staffNumber"] else set()
    for row in (*campus, *hr):
        row["_diff"] = set(number_differs)
    for i in range(max(len(campus_items), len(hr_items))):
        mine = campus_items[i] if i < len(campus_items) else {}
        theirs = hr_items[i] if i < len(hr_items) else {}
        differing = {k for k in {*mine, *theirs} if mine.get(k) != theirs.get(k)}
        if i < len(campus_items):
            campus[i]["_diff"] |= differing
        if i < len(hr_items):
            hr[i]["_diff"] |= differing
    return [campus, hr]


def _pair_rows(entry: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    return _paired(entry, entry["campus"], entry["hr"])


def _address_pair_rows(entry: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    out = _paired(
        entry, [_address_cells(a) for a in entry["campus"]], [_address_cells(a) for a in entry["hr"]]
    )
    if entry.get("note"):
        out.append([{"system": "", "staffNumber": "", "_note": entry["note"]}])
    return out


def _address_cells(address: Mapping[str, Any]) -> dict[str, Any]:
    cells = dict(address)
    if address.get("postOfficeBox"):
        cells["number"] = f"PO BOX {address.get('number') or ''}".strip()
    return cells


def _address_add_rows(entry: Mapping[str, Any]) -> list[list[dict[str, Any]]]:
    cells = {**_address_cells(entry["address"]), "staffNumber": ", ".join(entry["staffNumbers"])}
    cells["name"] = "; ".join(entry.get("names") or ())
    return [[cells]]


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
            summary_key="demographicDifferences",
        ),
        Section(
            "employmentDifferences",
            lambda n: "District Employment Differences",
            _REPLACED,
            EMPLOYMENT_HEADERS,
            _pair_rows,
            summary_key="employmentDifferences",
            named=True,
        ),
        Section(
            "assignmentDifferences",
            lambda n: "District Assignment Differences",
            _REPLACED,
            ASSIGNMENT_HEADERS,
            _pair_rows,
            summary_key="assignmentDifferences",
            named=True,
        ),
        Section(
            "addressDifferences",
            lambda n: "Address Differences",
            _REPLACED,
            _SYSTEM_ADDRESS,
            _address_pair_rows,
            summary_key="addressDifferences",
            named=True,
        ),
        Section(
            "addressesToAdd",
            lambda n: f"{_plural(n, 'address', 'addresses')} in HR NOT in Campus",
            _ADDED,
            ADDRESS_HEADERS,
            _address_add_rows,
            summary_key="addressesToAdd",
            named=True,
        ),
        Section(
            "staffToAdd",
            lambda n: f"{_plural(n, 'staff member', 'staff members')} in HR NOT in Campus",
            _ADDED,
            STAFF_HEADERS,
            _single,
            summary_key="hrStaffNotInCampus",
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
            summary_key="conflicts",
        ),
        Section(
            "campusStaffNotInHr",
            lambda n: f"{_plural(n, 'Campus staff member', 'Campus staff members')} NOT in HR",
            "** Campus System data will be left as it is **",
            STAFF_HEADERS,
            _single,
            summary_key="campusStaffNotInHr",
        ),
        Section(
            "duplicateStaffNumbers",
            lambda n: f"{_plural(n, 'employee', 'employees')} with duplicate Staff Numbers in Campus",
            "** Staff Numbers must be unique **",
            STAFF_HEADERS,
            _single,
            summary_key="duplicateStaffNumbers",
        ),
        Section(
            "missingStaffNumbers",
            lambda n: f"{_plural(n, 'employee', 'employees')} with no Staff Number in Campus",
            "** Staff without a Staff Number cannot be synchronized **",
            STAFF_HEADERS,
            _single,
            summary_key="missingStaffNumbers",
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


def summary_links(report: Mapping[str, Any]) -> list[tuple[str, int, str | None]]:
    """(label, count, anchor) of the summary: ``anchor`` is the id of the
    section listing those entries (None when no section does), so the summary
    counts are the page's table of contents."""
    anchors = {
        section.summary_key: section.anchor
        for section, _ in sections_of(report)
        if section.summary_key is not None
    }
    lines = _VALIDATION_LINES if report.get("kind") == "validation" else _CHECK_LINES
    return [
        (label, count, anchors.get(key))
        for (label, count), (_, key) in zip(
            summary_lines(report),
            [line for line in lines if line[1] in report.get("summary", {})],
            strict=True,
        )
    ]


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
