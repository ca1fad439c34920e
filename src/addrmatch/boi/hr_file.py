"""HR files: the staff records of a JSON or CSV file, as ``addrmatch boi validate``/``commit``
and the synchronization screen's file upload read them.

JSON: a list of staff objects in the specification's camelCase shape, or
``{"staffMembers": [...]}``. CSV: one column per field: the demographics
(``staffNumber, lastName, firstName, middleName, gender, ssn, birthdate,
workPhone, cellPhone, otherPhone, workEmail, personalEmail``), one employment
(``hireDate, terminationDate``), one position (``schoolNumber,
assignmentCode, titleCode, titleDescription, startDate, endDate``) and one
address (``fullStreetAddress`` or ``postOfficeBox, number, prefix, street,
tag, direction, apt``, with ``city, state, zip, county``). Several rows with
the same ``staffNumber`` are one staff member with several employments,
positions and addresses (demographics from the first row that has them).
Header names are matched ignoring case, spaces and underscores
(``staff_number`` is ``staffNumber``); an empty cell is "not sent". A file
that cannot be read is a :class:`~addrmatch._cli_common.CommandError`
naming the file and the line.
"""

from __future__ import annotations

import os
import re
from typing import Any

from addrmatch._cli_common import CommandError, read_json
from addrmatch._csvinput import CSVInputError, CSVRows, open_lines
from addrmatch.boi.schema import STAFF_DEMOGRAPHICS

__all__ = ["CSV_COLUMNS", "read_hr_file"]

#: The CSV columns of an HR file, by the part of the staff object they fill.
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "staff": ("staffNumber", *STAFF_DEMOGRAPHICS),
    "employment": ("hireDate", "terminationDate"),
    "position": ("schoolNumber", "assignmentCode", "titleCode", "titleDescription", "startDate", "endDate"),
    "address": (
        "fullStreetAddress",
        "postOfficeBox",
        "number",
        "prefix",
        "street",
        "tag",
        "direction",
        "apt",
        "city",
        "state",
        "zip",
        "county",
        "locationCode",
        "tract",
        "block",
    ),
}


def _fold_header(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


_HEADER = {_fold_header(c): c for part in CSV_COLUMNS.values() for c in part}


# ---------------------------------------------------------------------------
# reading HR files


def read_hr_file(
    path: str | os.PathLike[str], *, format: str | None = None
) -> tuple[list[dict[str, Any]], list[str]]:
    """The staff records of an HR file and where each comes from (``"record 3"``,
    ``"line 7"``), for messages. ``format``: ``"json"`` or ``"csv"`` (default:
    from the file name's suffix, ``.csv`` or else JSON).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "hr.csv"
    >>> _ = p.write_text("staff_number,lastName,firstName,gender,hireDate,schoolNumber,titleCode,startDate\\n"
    ...                  "1001,Smith,Pat,F,2020-07-25,010,T1,2020-08-25\\n1001,,,,,106,T2,2021-08-25\\n")
    >>> records, where = read_hr_file(p)  # a str or a path-like
    >>> [(r["staffNumber"], len(r["employments"]), len(r["positions"])) for r in records], where
    ([('1001', 1, 2)], ['line 2'])
    """
    name = os.fspath(path)
    kind = format or ("csv" if name.lower().endswith(".csv") else "json")
    if kind == "csv":
        return _read_csv(name)
    return _read_json(name)


def _read_json(path: str) -> tuple[list[dict[str, Any]], list[str]]:
    data = read_json(path)
    if isinstance(data, dict) and isinstance(data.get("staffMembers"), list):
        data = data["staffMembers"]
    if not isinstance(data, list):
        raise CommandError(
            f'{path}: expected a JSON list of staff member objects (or {{"staffMembers": [...]}}), '
            f"got {type(data).__name__}"
        )
    return data, [f"record {i + 1}" for i in range(len(data))]


def _read_csv(path: str) -> tuple[list[dict[str, Any]], list[str]]:
    try:
        with open_lines(path) as lines:
            return _csv_records(CSVRows(lines, source=path))
    except CSVInputError as exc:
        raise CommandError(str(exc)) from None


def _csv_records(reader: CSVRows) -> tuple[list[dict[str, Any]], list[str]]:
    """Staff records from the rows of an HR CSV file (see the module docstring).
    Only an empty cell is "not sent" here: ``NA`` or ``Null`` can be a real
    name."""
    path = reader.source
    names = []
    unknown = []
    for cell in reader.header:
        name = _HEADER.get(_fold_header(cell))
        if name is None:
            unknown.append(cell)
        names.append(name)
    if unknown:
        known = ", ".join(c for part in CSV_COLUMNS.values() for c in part)
        raise CommandError(f"{path}: unknown column(s) {', '.join(map(repr, unknown))} (known: {known})")
    if "staffNumber" not in names:
        raise CommandError(f"{path}: no staffNumber column (the HR staff number matches Campus staff)")
    records: dict[str, dict[str, Any]] = {}
    loose: list[tuple[dict[str, Any], str]] = []
    where: dict[str, str] = {}
    for line, row in reader:
        if not any(cell.strip() for cell in row):
            continue
        cells = {n: c.strip() for n, c in zip(names, row, strict=True) if n and c.strip()}
        number = cells.get("staffNumber")
        if number is None:
            record: dict[str, Any] = {}
            loose.append((record, f"line {line}"))
        else:
            record = records.setdefault(number, {})
            where.setdefault(number, f"line {line}")
        _merge_row(record, cells)
    out = [(r, where[n]) for n, r in records.items()] + loose
    return [r for r, _ in out], [w for _, w in out]


def _merge_row(record: dict[str, Any], cells: dict[str, str]) -> None:
    for name in CSV_COLUMNS["staff"]:
        if name in cells and name not in record:
            record[name] = cells[name]
    parts: list[tuple[str, dict[str, Any]]] = [
        ("employments", {k: cells[k] for k in CSV_COLUMNS["employment"] if k in cells}),
        ("positions", {k: cells[k] for k in CSV_COLUMNS["position"] if k in cells}),
    ]
    for key, item in parts:
        if item:
            items = record.setdefault(key, [])
            if item not in items:
                items.append(item)
    address: dict[str, Any] = {k: cells[k] for k in CSV_COLUMNS["address"] if k in cells}
    if address:
        locations = record.setdefault("household", {}).setdefault("householdLocations", [])
        if all(loc["address"] != address for loc in locations):
            locations.append({"address": address})
