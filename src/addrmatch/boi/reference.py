"""The district's reference lists: schools, genders, assignment codes, titles.

The HR system maps its values to these lists (the specification's "mapping
tables"; the GET endpoints ``/schools``, ``/attributes/genders``,
``/attributes/assignmentCodes``, ``/attributes/titles``). A staff payload's
``gender``, ``schoolNumber`` and ``assignmentCode`` must be listed; an
unknown ``titleCode`` is created with its ``titleDescription``.

Codes are compared exactly as written (``"010"`` is not ``"10"``).
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from addrmatch.boi.errors import UnknownReferenceError, ValidationError
from addrmatch.boi.rules import Rule

__all__ = ["KINDS", "RefKind", "add", "ensure_title", "listing", "load_csv", "require"]


@dataclass(frozen=True)
class RefKind:
    """One reference list: its table and the payload names of its two columns."""

    kind: str
    table: str
    code_column: str
    name_column: str
    code_key: str
    name_key: str
    label: str
    rule: str


KINDS: dict[str, RefKind] = {
    k.kind: k
    for k in (
        RefKind(
            "schools", "school", "school_number", "name", "schoolNumber", "name", "school", Rule.LISTED_SCHOOL
        ),
        RefKind("genders", "gender", "code", "name", "code", "name", "gender", Rule.LISTED_GENDER),
        RefKind(
            "assignmentCodes",
            "assignment_code",
            "code",
            "description",
            "assignmentCode",
            "description",
            "assignment code",
            Rule.LISTED_ASSIGNMENT_CODE,
        ),
        RefKind(
            "titles",
            "title",
            "title_code",
            "description",
            "titleCode",
            "titleDescription",
            "title",
            Rule.LISTED_TITLE,
        ),
    )
}


def _kind(kind: str) -> RefKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValidationError(
            f"kind: {kind!r} is not a reference list (known: {', '.join(KINDS)})",
            field="kind",
            rule=Rule.REFERENCE_KIND,
            value=kind,
        ) from None


def listing(conn: sqlite3.Connection, kind: str) -> list[dict[str, Any]]:
    """Every entry of a list, sorted by code, as payload dicts."""
    ref = _kind(kind)
    rows = conn.execute(
        f"SELECT {ref.code_column}, {ref.name_column} FROM {ref.table} ORDER BY {ref.code_column}"
    ).fetchall()
    return [{ref.code_key: code, ref.name_key: name} for code, name in rows]


def _text(field: str, value: Any, *, line: int | None = None) -> str:
    where = f" (line {line})" if line is not None else ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValidationError(f"{field}{where}: must be text", field=field, rule=Rule.TYPE, value=value)
    text = str(value).strip()
    if not text:
        raise ValidationError(f"{field}{where}: required", field=field, rule=Rule.REQUIRED, value=None)
    return text


def add(conn: sqlite3.Connection, kind: str, code: Any, name: Any, *, line: int | None = None) -> None:
    """Add an entry to a list, or rename an existing one (within the caller's transaction)."""
    ref = _kind(kind)
    code_text = _text(ref.code_key, code, line=line)
    name_text = _text(ref.name_key, name, line=line)
    conn.execute(
        f"INSERT INTO {ref.table} ({ref.code_column}, {ref.name_column}) VALUES (?, ?) "
        f"ON CONFLICT ({ref.code_column}) DO UPDATE SET {ref.name_column} = excluded.{ref.name_column}",
        (code_text, name_text),
    )


def load_csv(conn: sqlite3.Connection, kind: str, source: str | os.PathLike[str] | TextIO) -> int:
    """Add every row of a CSV file (header: the two payload names, e.g.
    ``schoolNumber,name``) to a list; returns the number of rows. Runs in the
    caller's transaction, so a bad row loads nothing."""
    ref = _kind(kind)
    if isinstance(source, (str, os.PathLike)):
        with open(source, newline="", encoding="utf-8-sig") as handle:
            return _load_rows(conn, ref, handle)
    return _load_rows(conn, ref, source)


def _load_rows(conn: sqlite3.Connection, ref: RefKind, handle: TextIO | io.StringIO) -> int:
    reader = csv.DictReader(handle)
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [k for k in (ref.code_key, ref.name_key) if k not in header]
    if missing:
        raise ValidationError(
            f"{', '.join(missing)}: missing CSV column for {ref.kind} (header must have "
            f"{ref.code_key},{ref.name_key}; got {','.join(header) or 'nothing'})",
            field=missing[0],
            rule=Rule.CSV_HEADER,
            value=None,
        )
    reader.fieldnames = header
    count = 0
    for row in reader:
        add(conn, ref.kind, row.get(ref.code_key), row.get(ref.name_key), line=reader.line_num)
        count += 1
    return count


def require(conn: sqlite3.Connection, kind: str, field: str, value: str) -> None:
    """Raise :class:`UnknownReferenceError` naming ``value`` unless it is listed."""
    ref = _kind(kind)
    if conn.execute(f"SELECT 1 FROM {ref.table} WHERE {ref.code_column} = ?", (value,)).fetchone():
        return
    count = conn.execute(f"SELECT count(*) FROM {ref.table}").fetchone()[0]
    sample = [
        r[0]
        for r in conn.execute(f"SELECT {ref.code_column} FROM {ref.table} ORDER BY 1 LIMIT 10").fetchall()
    ]
    listed = ", ".join(repr(s) for s in sample) + (" ..." if count > len(sample) else "")
    raise UnknownReferenceError(
        f"{field}: {value!r} is not a listed {ref.label} (listed: {listed or 'none; load the list first'})",
        field=field,
        rule=ref.rule,
        value=value,
    )


def ensure_title(conn: sqlite3.Connection, code: str, description: str | None) -> bool:
    """Create the title ``code`` when it is not listed (description: the given
    one, else the code). True when it was created."""
    if conn.execute("SELECT 1 FROM title WHERE title_code = ?", (code,)).fetchone():
        return False
    conn.execute(
        "INSERT INTO title (title_code, description, created_by) VALUES (?, ?, 'hr')",
        (code, description or code),
    )
    return True


def titles_of(conn: sqlite3.Connection, codes: Iterable[str]) -> Mapping[str, str]:
    """title code -> description for the given codes."""
    wanted = sorted({c for c in codes if c})
    if not wanted:
        return {}
    marks = ",".join("?" for _ in wanted)
    return dict(
        conn.execute(f"SELECT title_code, description FROM title WHERE title_code IN ({marks})", wanted)
    )
