"""The Business Office Error Log.

Every failed HR call is recorded with the specification's five columns:
Error Date, Action (the HTTP method of the equivalent endpoint), Path (the
endpoint path, e.g. ``/api/businessOfficeIntegration/staffMembers/{staffNumber}``),
Error Message and Payload. The row is written after the call's transaction
was rolled back, in a transaction of its own, so the failed call leaves no
other trace.

Personal data never enters the log in clear: the payload is stored with
every ``ssn`` and ``birthdate`` masked, and the message is scrubbed of the
payload's clear values. The CSV export neutralises spreadsheet formulas (a
cell starting with ``=``, ``+``, ``-``, ``@`` is prefixed with ``'``).

Every failed call is logged, whatever its input: before it is stored, a
payload is made *loggable* (:func:`loggable`): text that is not valid
Unicode has its lone surrogates replaced by U+FFFD, very long text and
huge integers are cut to a preview, and nesting deeper than
:data:`~addrmatch.boi.fields.MAX_DEPTH` levels is replaced by a note, so
the row can always be written (and masked) without recursion limits.
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import os
import re
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from addrmatch._files import write_atomically
from addrmatch.boi.db import transaction
from addrmatch.boi.errors import ValidationError
from addrmatch.boi.fields import MAX_DEPTH
from addrmatch.boi.masking import mask_payload, scrub, sensitive_values
from addrmatch.boi.rules import Rule
from addrmatch.boi.schema import check_date
from addrmatch.inputs import preview

__all__ = ["ACTIONS", "CSV_COLUMNS", "export_csv", "listing", "loggable", "record", "storable", "write_csv"]

#: The longest text value kept whole in a logged payload or message.
MAX_LOGGED_TEXT = 1_000
_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str, limit: int = MAX_LOGGED_TEXT) -> str:
    """``text`` as it can be stored and written anywhere: lone surrogates
    replaced by U+FFFD, NULs removed, cut to about ``limit`` characters.

    >>> storable("A\\ud800"), storable("x" * 2000, 10)
    ('A\ufffd', 'xxxxxxxxxx... (2,000 characters)')
    """
    text = _SURROGATE.sub("\ufffd", text).replace("\x00", "")
    if len(text) > limit:
        return text[:limit] + f"... ({len(text):,} characters)"
    return text


def loggable(payload: Any, depth: int = 0) -> Any:
    """A copy of ``payload`` that can always be masked and stored (see the
    module docstring); JSON-like values only, anything else by its type.

    >>> loggable({"lastName": "A\\ud800", "n": 10**100, "k": [[[]]]})
    {'lastName': 'A\ufffd', 'n': 'an integer of about 101 digits', 'k': [[[]]]}
    """
    if depth > MAX_DEPTH:
        return "<nested too deep>"
    if isinstance(payload, str):
        return storable(payload)
    if isinstance(payload, bool) or payload is None or isinstance(payload, float):
        return payload
    if isinstance(payload, int):
        return payload if payload.bit_length() <= 63 else preview(payload)
    if isinstance(payload, Mapping):
        out: dict[Any, Any] = {}
        for i, (key, value) in enumerate(payload.items()):
            if i >= MAX_LOGGED_TEXT:
                out["..."] = f"{len(payload):,} keys"
                break
            name = storable(key, 200) if isinstance(key, str) else storable(preview(key), 200)
            out[name] = loggable(value, depth + 1)
        return out
    if isinstance(payload, (list, tuple)):
        items = [loggable(v, depth + 1) for v in payload[:MAX_LOGGED_TEXT]]
        if len(payload) > MAX_LOGGED_TEXT:
            items.append(f"... ({len(payload):,} items)")
        return items
    return f"<{type(payload).__name__}>"


CSV_COLUMNS: tuple[str, ...] = ("Error Date", "Action", "Path", "Error Message", "Payload")
#: The Action column's values (the HTTP methods of the endpoints).
ACTIONS: tuple[str, ...] = ("GET", "POST", "PUT", "DELETE")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _payload_json(payload: Any) -> str | None:
    if payload is None:
        return None
    try:
        return json.dumps(
            mask_payload(payload, sensitive_values(payload)),
            default=lambda o: f"<{type(o).__name__}>",
            ensure_ascii=False,
        )
    except (TypeError, ValueError):
        return json.dumps(f"<unserialisable {type(payload).__name__}>")


def record(
    conn: sqlite3.Connection,
    *,
    today: str,
    action: str,
    path: str,
    staff_number: str | None,
    error: BaseException,
    payload: Any,
) -> int:
    """Write one error-log row in its own transaction; returns its id.

    Whatever the payload and the message hold, the row is written (see :func:`loggable`).
    """
    payload = loggable(payload)
    try:
        text = str(error)
    except Exception:  # an exception whose __str__ fails still gets its row
        text = ""
    message = storable(
        scrub(storable(text, 4 * MAX_LOGGED_TEXT), sensitive_values(payload)), 4 * MAX_LOGGED_TEXT
    )
    message = message or type(error).__name__
    with transaction(conn):
        row_id = conn.execute(
            "INSERT INTO error_log (error_date, logged_at, action, path, staff_number, error_type, "
            "message, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                today,
                _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                storable(action, 20),
                storable(path, 200),
                None if staff_number is None else storable(staff_number, 60),
                type(error).__name__,
                message,
                _payload_json(payload),
            ),
        ).lastrowid
    assert row_id is not None
    return row_id


def listing(
    conn: sqlite3.Connection, *, since: Any = None, until: Any = None, action: str | None = None
) -> list[dict[str, Any]]:
    """The log rows, oldest first, with ``since <= errorDate <= until`` (ISO dates, both optional)
    and the ``action`` (an HTTP method) if given."""
    start = check_date("since", since)
    end = check_date("until", until)
    if action is not None and action not in ACTIONS:
        raise ValidationError(
            f"action: one of {', '.join(ACTIONS)}, got {preview(action)}",
            field="action",
            rule=Rule.TYPE,
            value=None,
        )
    rows = conn.execute(
        "SELECT error_id, error_date, logged_at, action, path, staff_number, error_type, message, payload "
        "FROM error_log WHERE (? IS NULL OR error_date >= ?) AND (? IS NULL OR error_date <= ?) "
        "AND (? IS NULL OR action = ?) ORDER BY error_id",
        (start, start, end, end, action, action),
    ).fetchall()
    return [
        {
            "errorId": r[0],
            "errorDate": r[1],
            "loggedAt": r[2],
            "action": r[3],
            "path": r[4],
            "staffNumber": r[5],
            "errorType": r[6],
            "message": r[7],
            "payload": None if r[8] is None else json.loads(r[8]),
        }
        for r in rows
    ]


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def write_csv(rows: Sequence[Mapping[str, Any]], handle: TextIO) -> None:
    """Write log rows as CSV (the specification's five columns), cells that a
    spreadsheet would run as formulas neutralised."""
    writer = csv.writer(handle)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        payload = "" if row["payload"] is None else json.dumps(row["payload"], ensure_ascii=False)
        writer.writerow(
            [_cell(str(row[k])) for k in ("errorDate", "action", "path", "message")] + [_cell(payload)]
        )


def export_csv(
    conn: sqlite3.Connection, dest: str | os.PathLike[str] | TextIO, *, since: Any = None, until: Any = None
) -> int:
    """Write the log (the specification's five columns) as CSV; returns the number of rows.

    ``dest`` is a path or an open text file. A path is written whole or not
    at all (a temporary file renamed into place) and is owner-only (0o600),
    even when it replaces an existing file.
    """
    if not isinstance(dest, (str, os.PathLike)) and not callable(getattr(dest, "write", None)):
        raise ValidationError(
            f"dest: a file path or an open text file, got {type(dest).__name__}",
            field="dest",
            rule=Rule.TYPE,
            value=None,
        )
    rows = listing(conn, since=since, until=until)
    if isinstance(dest, (str, os.PathLike)):
        with write_atomically(dest, mode=0o600) as handle:
            write_csv(rows, handle)
    else:
        write_csv(rows, dest)
    return len(rows)
