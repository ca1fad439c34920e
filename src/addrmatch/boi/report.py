"""The Staff Synchronization Validation Report and the Check Campus Data report.

A report is a :class:`Report`: a plain ``dict`` (JSON-ready, camelCase keys)
holding **every** entry, with three renderings (the layout in
:mod:`~addrmatch.boi.report_layout`, drawn by :mod:`~addrmatch.boi.report_html`
and :mod:`~addrmatch.boi.report_text`):

* :meth:`Report.to_html`: a standalone, printable HTML page (inline CSS, no
  external resource, no script);
* :meth:`Report.to_text`: plain text with aligned columns;
* :meth:`Report.to_json`: the data form as JSON.

The renderings follow the specification's report: a header with the
generation time ("Generated on 05/08/2023 07:57:36 AM"), the summary, then
the details, where each section shows only its first 100 entries ("only the
first 100 entries are displayed in the report"; ``limit=`` changes that),
each difference as a Campus row above an HR row. The data form has them all.

SSNs and birthdates never appear in clear, in the data form or a rendering:
an SSN is its last four digits (``***-**-6789``), a birthdate its year
(``1991-**-**``); a difference in either is still counted and shown as
masked old/new.

Shape of the data (``kind`` is ``"validation"`` or ``"check"``)::

    {"kind", "title", "generatedAt", "sync": {...} | None,
     "summary": {...counts...},
     "sections": {"demographicDifferences": [...], ...}}

Section entries: a staff row is ``{"system", "personId", "staffNumber",
"lastName", "firstName", "middleName", "gender", "workEmail", "workPhone",
"birthdate" (masked), "ssn" (masked), "personalEmail", "cellPhone", "otherPhone"}``; a
difference is ``{"staffNumber", "personId", "campus": ..., "hr": ...}`` (plus
``"fields"`` for demographics and ``"applies"``/``"note"`` for addresses).
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from addrmatch.boi import report_html, report_text
from addrmatch.boi.fields import DEFAULT_SCHEMA, StaffSchema
from addrmatch.boi.masking import mask_birth_year, mask_ssn
from addrmatch.boi.report_layout import (
    ADDRESS_HEADERS,
    ASSIGNMENT_HEADERS,
    DEFAULT_LIMIT,
    DEMOGRAPHIC_FIELDS,
    EMPLOYMENT_HEADERS,
    STAFF_HEADERS,
    generated_on,
)

__all__ = [
    "ADDRESS_HEADERS",
    "ASSIGNMENT_HEADERS",
    "DEFAULT_LIMIT",
    "DEMOGRAPHIC_FIELDS",
    "EMPLOYMENT_HEADERS",
    "STAFF_HEADERS",
    "Report",
    "check_report",
    "fold_number",
    "number_problems",
    "staff_row",
    "validation_report",
]

_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold_number(number: str) -> str:
    """A staff number as staff numbers compare: ASCII case folded (SQLite ``NOCASE``).

    >>> fold_number("PENDING") == fold_number("pending"), fold_number("Ä1")
    (True, 'Ä1')
    """
    return number.translate(_FOLD)


def staff_row(
    system: str,
    values: Mapping[str, Any],
    *,
    person_id: int | None = None,
    schema: StaffSchema = DEFAULT_SCHEMA,
) -> dict[str, Any]:
    """A staff row of a report section; the personal data (SSN, birthdate) masked.

    >>> row = staff_row("HR", {"staffNumber": "FFF666", "ssn": "123456789", "birthdate": "1991-12-08"})
    >>> row["ssn"], row["birthdate"]
    ('***-**-6789', '1991-**-**')
    """
    row: dict[str, Any] = {"system": system, "personId": person_id}
    for key in schema.row_fields:
        row[key] = values.get(key)
    for key, kind in schema.sensitive.items():
        if key in row:
            row[key] = mask_ssn(row[key]) if kind == "ssn" else mask_birth_year(row[key])
    return row


def number_problems(
    staff: Sequence[Mapping[str, Any]],
) -> tuple[list[list[Mapping[str, Any]]], list[Mapping[str, Any]]]:
    """``(duplicate groups, staff without a number)`` among Campus staff rows.

    A group holds the staff whose numbers are equal case-insensitively
    (``PENDING``, ``pending``); groups are ordered by their first person id,
    staff within a group by person id.

    >>> groups, missing = number_problems([{"personId": 1, "staffNumber": "PENDING"},
    ...     {"personId": 2, "staffNumber": None}, {"personId": 3, "staffNumber": "pending"}])
    >>> [[s["personId"] for s in g] for g in groups], [s["personId"] for s in missing]
    ([[1, 3]], [2])
    """
    by_key: dict[str, list[Mapping[str, Any]]] = {}
    missing: list[Mapping[str, Any]] = []
    for row in staff:
        number = row.get("staffNumber")
        if number is None or not str(number).strip():
            missing.append(row)
        else:
            by_key.setdefault(fold_number(str(number)), []).append(row)
    groups = [sorted(g, key=lambda r: r["personId"]) for g in by_key.values() if len(g) > 1]
    groups.sort(key=lambda g: g[0]["personId"])
    return groups, sorted(missing, key=lambda r: r["personId"])


def _stamp(moment: _dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def check_report(staff: Sequence[Mapping[str, Any]], generated_at: _dt.datetime) -> Report:
    """The Check Campus Data report over the Campus staff rows
    (:func:`addrmatch.boi.staff.rows`): staff with duplicate staff numbers
    (case-insensitive) and with none.

    >>> r = check_report([{"personId": 1, "staffNumber": "PENDING", "lastName": "Hurley"},
    ...                   {"personId": 2, "staffNumber": "pending", "lastName": "Bonquet"}],
    ...                  _dt.datetime(2023, 1, 25, 13, 17, 32))
    >>> r["summary"]["duplicateStaffNumbers"], r.to_text().splitlines()[1]
    (2, 'Generated on 01/25/2023 01:17:32 PM')
    """
    groups, missing = number_problems(staff)
    duplicates = [staff_row("Campus", s, person_id=s["personId"]) for g in groups for s in g]
    return Report(
        kind="check",
        title="Check Campus Data",
        generatedAt=_stamp(generated_at),
        sync=None,
        summary={
            "campusStaff": len(staff),
            "duplicateStaffNumbers": len(duplicates),
            "duplicateGroups": len(groups),
            "missingStaffNumbers": len(missing),
        },
        sections={
            "duplicateStaffNumbers": duplicates,
            "missingStaffNumbers": [staff_row("Campus", s, person_id=s["personId"]) for s in missing],
        },
    )


def validation_report(
    *,
    generated_at: _dt.datetime,
    sync: Mapping[str, Any],
    summary: Mapping[str, Any],
    sections: Mapping[str, list[dict[str, Any]]],
) -> Report:
    """Assemble the validation report (the data form) from its parts.

    >>> r = validation_report(generated_at=_dt.datetime(2023, 5, 8, 7, 57, 36), sync={"syncId": 1},
    ...                       summary={"demographicDifferences": 0}, sections={})
    >>> r["kind"], r["generatedAt"]
    ('validation', '2023-05-08T07:57:36')
    """
    return Report(
        kind="validation",
        title="Staff Synchronization Validation Report",
        generatedAt=_stamp(generated_at),
        sync=dict(sync),
        summary=dict(summary),
        sections={k: list(v) for k, v in sections.items()},
    )


class Report(dict):  # type: ignore[type-arg]
    """A report as data (a ``dict``, JSON-ready) that renders itself.

    ``repr`` is short and carries no personal data.

    >>> r = Report(kind="check", title="Check Campus Data", generatedAt="2023-01-25T13:17:32", sync=None,
    ...            summary={"campusStaff": 0, "duplicateStaffNumbers": 0, "duplicateGroups": 0,
    ...                     "missingStaffNumbers": 0},
    ...            sections={"duplicateStaffNumbers": [], "missingStaffNumbers": []})
    >>> r
    Report(kind='check', generatedAt='2023-01-25T13:17:32', entries=0)
    >>> r.to_html().startswith("<!DOCTYPE html>")
    True
    """

    __slots__ = ()

    def __repr__(self) -> str:
        entries = sum(len(v) for v in self.get("sections", {}).values())
        return (
            f"Report(kind={self.get('kind')!r}, generatedAt={self.get('generatedAt')!r}, entries={entries})"
        )

    __str__ = __repr__

    @property
    def generated_on(self) -> str:
        """The generation time as the specification prints it: ``05/08/2023 07:57:36 AM``.

        >>> Report(generatedAt="2023-05-08T07:57:36").generated_on
        '05/08/2023 07:57:36 AM'
        """
        return generated_on(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """The data form as JSON (every entry).

        >>> Report(kind="check", summary={}, sections={}).to_json(indent=None)
        '{"kind": "check", "summary": {}, "sections": {}}'
        """
        return json.dumps(self, indent=indent, ensure_ascii=False)

    def render(self, format: str, *, limit: int = DEFAULT_LIMIT) -> str:
        """``format``: ``"html"``, ``"text"`` or ``"json"`` (``limit`` ignored: all entries).

        >>> Report(kind="check", summary={}, sections={}).render("json", limit=1)[:1]
        '{'
        """
        if format == "html":
            return self.to_html(limit=limit)
        if format == "text":
            return self.to_text(limit=limit)
        if format == "json":
            return self.to_json()
        raise ValueError(f"format: expected 'html', 'text' or 'json', got {format!r}")

    def to_html(self, *, limit: int = DEFAULT_LIMIT) -> str:
        """A standalone, printable HTML page (:func:`addrmatch.boi.report_html.to_html`)."""
        return report_html.to_html(self, limit=limit)

    def to_text(self, *, limit: int = DEFAULT_LIMIT) -> str:
        """Plain text (:func:`addrmatch.boi.report_text.to_text`)."""
        return report_text.to_text(self, limit=limit)
