"""The Staff Synchronization Validation Report and the Check Campus Data report.

A report is a :class:`Report`: a plain ``dict`` (JSON-ready, camelCase keys)
holding **every** entry, with three renderings:

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

import contextlib
import datetime as _dt
import html
import json
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from addrmatch.boi.masking import mask_birth_year, mask_ssn

__all__ = [
    "ADDRESS_HEADERS",
    "ASSIGNMENT_HEADERS",
    "DEMOGRAPHIC_FIELDS",
    "EMPLOYMENT_HEADERS",
    "STAFF_HEADERS",
    "Report",
    "check_report",
    "fold_number",
    "load_staff_rows",
    "number_problems",
    "staff_row",
    "validation_report",
]

#: The rendered report shows this many entries per section (the specification's report does).
DEFAULT_LIMIT = 100

#: The summary's per-field demographic columns, in the specification's order:
#: label -> the payload fields it covers.
DEMOGRAPHIC_FIELDS: dict[str, tuple[str, ...]] = {
    "SSN": ("ssn",),
    "Staff Number": ("staffNumber",),
    "Name": ("lastName", "firstName", "middleName"),
    "Gender": ("gender",),
    "Personal Email": ("personalEmail",),
    "Work Email": ("workEmail",),
    "Cell Phone": ("cellPhone",),
    "Other Phone": ("otherPhone",),
    "Work Phone": ("workPhone",),
    "Birth Date": ("birthdate",),
}

#: (header, row key) of a staff row, as the specification's report prints them.
STAFF_HEADERS: tuple[tuple[str, str], ...] = (
    ("System", "system"),
    ("Staff Number", "staffNumber"),
    ("Last Name", "lastName"),
    ("First Name", "firstName"),
    ("Middle Name", "middleName"),
    ("G", "gender"),
    ("Work Email", "workEmail"),
    ("Work Phone", "workPhone"),
    ("Birth Date", "birthdate"),
)
#: Demographic differences also show the (masked) SSN and the other differing fields.
_DEMOGRAPHIC_EXTRA: tuple[tuple[str, str], ...] = (("SSN", "ssn"), ("Other", "other"))
_OTHER_FIELDS: tuple[tuple[str, str], ...] = (
    ("Personal Email", "personalEmail"),
    ("Cell Phone", "cellPhone"),
    ("Other Phone", "otherPhone"),
)
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

_STAFF_FIELDS = (
    "staffNumber",
    "lastName",
    "firstName",
    "middleName",
    "gender",
    "workEmail",
    "workPhone",
    "birthdate",
    "ssn",
    "personalEmail",
    "cellPhone",
    "otherPhone",
)

_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold_number(number: str) -> str:
    """A staff number as staff numbers compare: ASCII case folded (SQLite ``NOCASE``).

    >>> fold_number("PENDING") == fold_number("pending"), fold_number("Ä1")
    (True, 'Ä1')
    """
    return number.translate(_FOLD)


def staff_row(system: str, values: Mapping[str, Any], *, person_id: int | None = None) -> dict[str, Any]:
    """A staff row of a report section; the SSN and the birthdate masked.

    >>> row = staff_row("HR", {"staffNumber": "FFF666", "ssn": "123456789", "birthdate": "1991-12-08"})
    >>> row["ssn"], row["birthdate"]
    ('***-**-6789', '1991-**-**')
    """
    row: dict[str, Any] = {"system": system, "personId": person_id}
    for key in _STAFF_FIELDS:
        row[key] = values.get(key)
    row["ssn"] = mask_ssn(row["ssn"])
    row["birthdate"] = mask_birth_year(row["birthdate"])
    return row


def load_staff_rows(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every Campus staff member (a ``staff`` row) with the current identity and
    demographics, by person id; SSN in clear (for comparison, never rendered)."""
    rows = conn.execute(
        "SELECT s.person_id, s.staff_number, i.last_name, i.first_name, i.middle_name, p.gender, "
        "p.work_email, p.work_phone, p.birthdate, p.ssn, p.personal_email, p.cell_phone, p.other_phone, "
        "s.hr_managed FROM staff s JOIN person p ON p.person_id = s.person_id "
        "LEFT JOIN identity i ON i.person_id = s.person_id AND i.end_date IS NULL ORDER BY s.person_id"
    ).fetchall()
    out = []
    for row in rows:
        values = dict(zip(("personId", *_STAFF_FIELDS, "hrManaged"), row, strict=True))
        values["hrManaged"] = bool(values["hrManaged"])
        out.append(values)
    return out


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


def check_report(conn: sqlite3.Connection, generated_at: _dt.datetime) -> Report:
    """The Check Campus Data report: Campus staff with duplicate staff numbers
    (case-insensitive) and with none.

    >>> import sqlite3
    >>> from addrmatch.boi import Campus
    >>> c = Campus(); _ = c.import_legacy_staff([{"staffNumber": "PENDING", "lastName": "Hurley",
    ...     "firstName": "Bryan"}, {"staffNumber": "pending", "lastName": "Bonquet", "firstName": "Alicia"}])
    >>> r = check_report(c.connection, _dt.datetime(2023, 1, 25, 13, 17, 32))
    >>> r["summary"]["duplicateStaffNumbers"], r.to_text().splitlines()[1]
    (2, 'Generated on 01/25/2023 01:17:32 PM')
    """
    staff = load_staff_rows(conn)
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


# ---------------------------------------------------------------------------
# rendering


@dataclass(frozen=True)
class _Section:
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

SECTIONS: dict[str, _Section] = {
    s.key: s
    for s in (
        _Section(
            "demographicDifferences",
            lambda n: "Demographic Differences",
            _REPLACED,
            STAFF_HEADERS + _DEMOGRAPHIC_EXTRA,
            _demographic_rows,
        ),
        _Section(
            "employmentDifferences",
            lambda n: "District Employment Differences",
            _REPLACED,
            EMPLOYMENT_HEADERS,
            _pair_rows,
        ),
        _Section(
            "assignmentDifferences",
            lambda n: "District Assignment Differences",
            _REPLACED,
            ASSIGNMENT_HEADERS,
            _pair_rows,
        ),
        _Section(
            "addressDifferences",
            lambda n: "Address Differences",
            _REPLACED,
            _SYSTEM_ADDRESS,
            _address_pair_rows,
        ),
        _Section(
            "addressesToAdd",
            lambda n: f"{_plural(n, 'address', 'addresses')} in HR NOT in Campus",
            _ADDED,
            ADDRESS_HEADERS,
            _address_add_rows,
        ),
        _Section(
            "staffToAdd",
            lambda n: f"{_plural(n, 'staff member', 'staff members')} in HR NOT in Campus",
            _ADDED,
            STAFF_HEADERS,
            _single,
        ),
        _Section(
            "conflicts",
            lambda n: (
                f"{_plural(n, 'HR staff member', 'HR staff members')} whose Staff Number is "
                "duplicated in Campus"
            ),
            "** These staff members will fail at commit until the Campus Staff Numbers are unique **",
            STAFF_HEADERS,
            _conflict_rows,
        ),
        _Section(
            "campusStaffNotInHr",
            lambda n: f"{_plural(n, 'Campus staff member', 'Campus staff members')} NOT in HR",
            "** Campus System data will be left as it is **",
            STAFF_HEADERS,
            _single,
        ),
        _Section(
            "duplicateStaffNumbers",
            lambda n: f"{_plural(n, 'employee', 'employees')} with duplicate Staff Numbers in Campus",
            "** Staff Numbers must be unique **",
            STAFF_HEADERS,
            _single,
        ),
        _Section(
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


def _cell(row: Mapping[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    return str(value)


def _blocks(section: _Section, entries: Sequence[Mapping[str, Any]]) -> list[list[dict[str, Any]]]:
    """Each entry as a list of rows (its Campus rows, then its HR rows...)."""
    out = []
    for entry in entries:
        rows: list[dict[str, Any]] = []
        for group in section.rows(entry):
            rows.extend(group)
        out.append(rows)
    return out


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
        moment = _dt.datetime.fromisoformat(self["generatedAt"])
        return moment.strftime("%m/%d/%Y %I:%M:%S %p")

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

    # -- shared pieces ------------------------------------------------------------

    def _summary_lines(self) -> list[tuple[str, int]]:
        lines = _VALIDATION_LINES if self.get("kind") == "validation" else _CHECK_LINES
        summary = self.get("summary", {})
        return [(label, int(summary[key])) for label, key in lines if key in summary]

    def _sections(self) -> list[tuple[_Section, list[Mapping[str, Any]]]]:
        present = self.get("sections", {})
        return [(SECTIONS[key], entries) for key, entries in present.items() if key in SECTIONS]

    def _sync_line(self) -> str:
        sync = self.get("sync")
        if not sync:
            return ""
        started = sync.get("startedAt") or ""
        with contextlib.suppress(ValueError):
            started = _dt.datetime.fromisoformat(started).strftime("%m/%d/%Y %I:%M:%S %p")
        return (
            f"Sync {sync.get('syncId')} started by {sync.get('startedBy')} on {started}; "
            f"{_plural(int(sync.get('staffTransferred') or 0), 'staff member', 'staff members')} transferred."
        )

    # -- HTML ---------------------------------------------------------------------

    def to_html(self, *, limit: int = DEFAULT_LIMIT) -> str:
        """A standalone, printable HTML page: the summary and the first
        ``limit`` entries of each section (the data form has them all).

        >>> page = Report(kind="check", title="Check Campus Data", generatedAt="2023-01-25T13:17:32",
        ...               summary={"campusStaff": 0}, sections={"missingStaffNumbers": []}).to_html()
        >>> "<h3>0 employees with no Staff Number in Campus</h3>" in page, page.rstrip().endswith("</html>")
        (True, True)
        """
        e = html.escape
        title = str(self.get("title") or "Report")
        out = [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{e(title)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            "<header>",
            f"<h1>{e(title)}</h1>",
            f'<p class="generated">Generated on {e(self.generated_on)}</p>',
        ]
        if self._sync_line():
            out.append(f'<p class="sync">{e(self._sync_line())}</p>')
        out.append("</header>")
        summary_title = (
            "Staff Synchronization Summary" if self.get("kind") == "validation" else "Campus Data Summary"
        )
        out.append('<section id="summary">')
        out.append(f"<h2>{e(summary_title)}</h2>")
        for label, count in self._summary_lines():
            out.append(f"<p><strong>{e(label)}: {count:,}</strong></p>")
            if label == "Demographic differences":
                out.append(self._field_table_html())
        out.append("</section>")
        out.append('<section id="details">')
        heading = (
            "Staff Synchronization Details" if self.get("kind") == "validation" else "Campus Data Details"
        )
        out.append(
            f"<h2>{e(heading)} (only the first {limit:,} entries of each section are displayed "
            "in the report)</h2>"
        )
        for section, entries in self._sections():
            out.append(self._section_html(section, entries, limit))
        out.append("</section>")
        out += ["</body>", "</html>", ""]
        return "\n".join(out)

    def _field_table_html(self) -> str:
        counts = self.get("summary", {}).get("demographicFieldDifferences", {})
        e = html.escape
        head = "".join(f"<th>{e(label)}</th>" for label in DEMOGRAPHIC_FIELDS)
        cells = "".join(f"<td>{int(counts.get(label, 0)):,}</td>" for label in DEMOGRAPHIC_FIELDS)
        return (
            '<table class="fields"><thead><tr>'
            + head
            + "</tr></thead><tbody><tr>"
            + cells
            + "</tr></tbody></table>"
        )

    def _section_html(self, section: _Section, entries: Sequence[Mapping[str, Any]], limit: int) -> str:
        e = html.escape
        anchor = "".join("-" + c.lower() if c.isupper() else c for c in section.key)
        parts = [f'<section id="{e(anchor)}">', f"<h3>{e(section.title(len(entries)))}</h3>"]
        parts.append(f'<p class="note">{e(section.note)}</p>')
        if not entries:
            parts.append('<p class="none">None.</p>')
            parts.append("</section>")
            return "\n".join(parts)
        width = len(section.headers)
        parts.append("<table>")
        parts.append(
            "<thead><tr>" + "".join(f"<th>{e(h)}</th>" for h, _ in section.headers) + "</tr></thead>"
        )
        parts.append("<tbody>")
        blocks = _blocks(section, entries[:limit])
        for i, rows in enumerate(blocks):
            for row in rows:
                if "_note" in row:
                    parts.append(f'<tr class="note"><td colspan="{width}">{e(str(row["_note"]))}</td></tr>')
                    continue
                diff = row.get("_diff", set())
                cells = []
                for _, key in section.headers:
                    cls = ' class="diff"' if key in diff else ""
                    cells.append(f"<td{cls}>{e(_cell(row, key))}</td>")
                parts.append("<tr>" + "".join(cells) + "</tr>")
            if len(rows) > 1 and i < len(blocks) - 1:
                parts.append(f'<tr class="sep"><td colspan="{width}"></td></tr>')
        parts.append("</tbody>")
        parts.append("</table>")
        if len(entries) > limit:
            parts.append(
                f'<p class="more">Showing the first {limit:,} of {len(entries):,} entries; '
                "the data form (JSON) has them all.</p>"
            )
        parts.append("</section>")
        return "\n".join(parts)

    # -- text ---------------------------------------------------------------------

    def to_text(self, *, limit: int = DEFAULT_LIMIT) -> str:
        """Plain text: the summary and the first ``limit`` entries of each section.

        >>> print(Report(kind="check", title="Check Campus Data", generatedAt="2023-01-25T13:17:32",
        ...              summary={"campusStaff": 3}, sections={}).to_text())
        Check Campus Data
        Generated on 01/25/2023 01:17:32 PM
        <BLANKLINE>
        CAMPUS DATA SUMMARY
        Campus staff: 3
        <BLANKLINE>
        CAMPUS DATA DETAILS (only the first 100 entries of each section are displayed in the report)
        <BLANKLINE>
        """
        lines = [str(self.get("title") or "Report"), f"Generated on {self.generated_on}"]
        if self._sync_line():
            lines.append(self._sync_line())
        lines.append("")
        kind = self.get("kind")
        lines.append("STAFF SYNCHRONIZATION SUMMARY" if kind == "validation" else "CAMPUS DATA SUMMARY")
        for label, count in self._summary_lines():
            lines.append(f"{label}: {count:,}")
            if label == "Demographic differences":
                counts = self.get("summary", {}).get("demographicFieldDifferences", {})
                table = [list(DEMOGRAPHIC_FIELDS), [f"{int(counts.get(k, 0)):,}" for k in DEMOGRAPHIC_FIELDS]]
                lines += ["  " + line for line in _aligned(table)]
        lines.append("")
        heading = "STAFF SYNCHRONIZATION DETAILS" if kind == "validation" else "CAMPUS DATA DETAILS"
        lines.append(
            f"{heading} (only the first {limit:,} entries of each section are displayed in the report)"
        )
        for section, entries in self._sections():
            lines.append("")
            lines.append(section.title(len(entries)))
            lines.append(section.note)
            if not entries:
                lines.append("None.")
                continue
            lines += _text_table(section, _blocks(section, entries[:limit]))
            if len(entries) > limit:
                lines.append(f"(showing the first {limit:,} of {len(entries):,} entries)")
        lines.append("")
        return "\n".join(lines)


def _aligned(table: Sequence[Sequence[str]]) -> list[str]:
    """Rows of cells padded to their column widths (trailing blanks removed)."""
    if not table:
        return []
    width = max(len(r) for r in table)
    widths = [max((len(r[i]) if i < len(r) else 0) for r in table) for i in range(width)]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip() for r in table]


def _text_table(section: _Section, blocks: Sequence[Sequence[Mapping[str, Any]]]) -> list[str]:
    """A section's entries as aligned text: header, dashes, rows; "-" between
    multi-row entries (as the specification's report), notes indented."""
    header = [h for h, _ in section.headers]
    cells: list[list[str]] = [header]
    layout: list[tuple[str, Any]] = [("row", 0), ("dashes", None)]
    for i, rows in enumerate(blocks):
        for row in rows:
            if "_note" in row:
                layout.append(("line", "  " + str(row["_note"])))
            else:
                layout.append(("row", len(cells)))
                cells.append([_cell(row, key) for _, key in section.headers])
        if len(rows) > 1 and i < len(blocks) - 1:
            layout.append(("line", "-"))
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    cells.append(["-" * w for w in widths])
    aligned = _aligned(cells)
    dashes = aligned[-1]
    out = []
    for kind, value in layout:
        if kind == "row":
            out.append(aligned[value])
        elif kind == "dashes":
            out.append(dashes)
        else:
            out.append(value)
    return out


_CSS = """
body { font-family: Arial, Helvetica, sans-serif; font-size: 12px; color: #000; background: #fff; margin: 1.5em; }
h1 { font-size: 18px; margin: 0 0 .3em; }
h2 { font-size: 15px; margin: 1.4em 0 .4em; border-bottom: 1px solid #888; }
h3 { font-size: 13px; margin: 1.2em 0 .2em; }
p { margin: .25em 0; }
p.note { font-style: italic; }
p.more, p.none { color: #444; }
table { border-collapse: collapse; margin: .4em 0 1em; }
th, td { border: 1px solid #bbb; padding: 2px 6px; text-align: left; vertical-align: top; white-space: nowrap; }
th { background: #e8e8e8; }
td.diff { font-weight: bold; background: #fff2b3; }
tr.sep td { border-left: none; border-right: none; height: 6px; padding: 0; }
tr.note td { font-style: italic; white-space: normal; }
@media print {
  body { margin: 0; font-size: 9pt; }
  h2, h3 { page-break-after: avoid; }
  thead { display: table-header-group; }
  tr { page-break-inside: avoid; }
  th, td.diff { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""
