"""Targets: the ``addrmatch`` command line, in process (``addrmatch.cli.main``).

``cli``: normalize, match, dedupe, load, search, report on generated CSV
files (any encoding, truncated, hostile cells) and database paths;
``cli.boi``: boi load-reference, check, validate, commit, status, errors on
generated HR files (JSON and CSV) and Campus databases.

The oracle: the exit code is 0, 1 or 2; an error is one line
``addrmatch: error: ...``, never a traceback or an "internal error"; stdout
and stderr show no SSN or birthdate in clear; a command that fails leaves its
database as it was (apart from the error log); every file a command writes
is owner-only.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import sqlite3
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from tests.fuzz.fixtures import DB_KINDS, Workspace
from tests.fuzz.oracle import STATS, Violation, check_text_output, dump, echoed, snapshot_files
from tests.fuzz.target import target
from tests.fuzz.values import (
    BIRTHDATES,
    SSNS,
    address_texts,
    hostile_staff_payloads,
    huge_text,
    short,
    staff_payloads,
)

from addrmatch.boi.hr_file import CSV_COLUMNS
from addrmatch.cli import main

__all__ = ["CliCase", "csv_files", "hr_files", "run_cli"]


@dataclass
class CliCase:
    """A command line with the files it names: ``{csv}``, ``{hr}``, ``{ref}``
    in ``argv`` are files of ``files``; ``{db}`` is a database of kind ``db``;
    ``{out}`` a new output file."""

    argv: list[str]
    files: dict[str, bytes] = field(default_factory=dict)
    db: str | None = None
    writes: bool = False

    def __repr__(self) -> str:
        files = {k: short(v.decode("latin-1")) for k, v in self.files.items()}
        return f"CliCase(argv={short(self.argv)}, files={files}, db={self.db!r})"

    _repr_pretty_ = lambda self, p, cycle: p.text(repr(self))  # noqa: E731


_PLACEHOLDER = re.compile(r"\{([\w.-]+)\}")

# -- generated files --------------------------------------------------------------------------

#: Text as a command-line argument (lone surrogates are what Python makes of undecodable
#: bytes in argv; a NUL no shell can pass, but a caller of main() can).
arg_text = st.one_of(
    address_texts(),
    address_texts(),
    st.text(max_size=12),
    st.text(st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF), min_size=1, max_size=3),
    st.sampled_from(["", "-", "--", "-x", "--format", "%s", "'; DROP TABLE addresses; --", "9" * 5000]),
    huge_text,
)

_cell = st.one_of(
    address_texts(),
    address_texts(),
    st.text(max_size=15),
    st.text(st.characters(exclude_categories=()), max_size=6),
    st.sampled_from(["", "=cmd|' /C calc'!A0", '"', 'a"b', "\r", "\n", "x" * 140_000, *SSNS, *BIRTHDATES]),
)
_ENCODINGS = ["utf-8", "utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16"]


@st.composite
def _damage(draw: st.DrawFn, data: bytes) -> bytes:
    """The file's bytes, sometimes damaged: truncated, a NUL, bad UTF-8, an open quote."""
    how = draw(st.sampled_from(["none", "none", "truncate", "nul", "bad-utf8", "quote", "empty", "bom-only"]))
    if how == "truncate" and data:
        return data[: draw(st.integers(0, len(data) - 1))]
    if how == "nul":
        at = draw(st.integers(0, len(data)))
        return data[:at] + b"\x00" + data[at:]
    if how == "bad-utf8":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80abc"])) + data[at:]
    if how == "quote":
        return data + b'\n"unterminated, 12 Main St'
    if how == "empty":
        return b""
    if how == "bom-only":
        return b"\xef\xbb\xbf"
    return data


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")


@st.composite
def csv_files(draw: st.DrawFn, columns: list[str]) -> bytes:
    """A CSV file of addresses with some of ``columns`` (repeated, missing, hostile cells)."""
    header = draw(st.lists(st.sampled_from([*columns, "", "x"]), min_size=1, max_size=6))
    rows = draw(st.lists(st.lists(_cell, min_size=0, max_size=len(header) + 1), max_size=6))
    delimiter = draw(st.sampled_from([",", ",", ";", "\t"]))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return draw(_damage(_encode(out.getvalue(), draw(st.sampled_from(_ENCODINGS)))))


def _json_dumps(value: Any, ensure_ascii: bool) -> str:
    try:
        return json.dumps(value, ensure_ascii=ensure_ascii, skipkeys=True, default=short)
    except (RecursionError, ValueError, TypeError):
        return "[]"


@st.composite
def hr_files(draw: st.DrawFn) -> tuple[bytes, str]:
    """An HR file and its format (``json``/``csv``): staff records, valid or hostile."""
    if draw(st.booleans()):
        records = draw(st.lists(st.one_of(staff_payloads(), hostile_staff_payloads()), max_size=4))
        wrapped = draw(st.sampled_from(["list", "list", "object", "string", "number"]))
        value: Any = {
            "list": records,
            "object": {"staffMembers": records},
            "string": "staff",
            "number": 10**30,
        }[wrapped]
        text = draw(
            st.sampled_from(
                [
                    _json_dumps(value, True),
                    _json_dumps(value, False),
                    "[" * 50_000 + "]" * 50_000,
                    "[" + "9" * 5000 + "]",
                    "{not json",
                    "",
                ]
            )
        )
        return draw(
            _damage(_encode(text, draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16"]))))
        ), "json"
    columns = [c for part in CSV_COLUMNS.values() for c in part]
    header = draw(
        st.lists(st.sampled_from([*columns, "staff_number", "SSN", "unknown"]), min_size=1, max_size=10)
    )
    if draw(st.booleans()):
        header = ["staffNumber", "lastName", "firstName", "gender", "ssn", "birthdate", *header]
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        row = [
            draw(
                st.one_of(
                    st.sampled_from(["1001", "Simpson", "Pat", "F", SSNS[2], BIRTHDATES[2], "010"]), _cell
                )
            )
            for _ in header
        ]
        rows.append(row)
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return draw(_damage(_encode(out.getvalue(), draw(st.sampled_from(_ENCODINGS))))), "csv"


# -- running one command line ---------------------------------------------------------------


def _db_state(path: Path) -> Any:
    """The database's rows, by table (the error log left out), when SQLite can
    read it; else the directory's files. Tables a command adds are not compared:
    opening a database creates the schema of the part that opens it (an
    address store opened as a Campus gets the Campus tables), as documented."""
    if path.is_file():
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                rows: dict[str, list[str]] = {}
                for line in dump(conn, skip=["error_log"]):
                    if line.startswith("INSERT INTO "):
                        rows.setdefault(line.split('"', 2)[1], []).append(line)
                tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                return {t: rows.get(t, []) for t in tables if t != "error_log"}
            finally:
                conn.close()
        except sqlite3.Error:
            pass
    return snapshot_files(str(path.parent))


def _unchanged(before: Any, after: Any) -> bool:
    if (
        isinstance(before, dict)
        and isinstance(after, dict)
        and all(isinstance(v, list) for v in before.values())
    ):
        return all(after.get(table) == rows for table, rows in before.items())
    return before == after


def run_cli(ws: Workspace, case: CliCase) -> None:
    """Run one command line in a fresh directory under the oracle (module docstring)."""
    where = ws.fresh_dir()
    try:
        paths = {"out": str(where / "out" / "result"), "newdb": str(where / "out" / "new.db")}
        (where / "out").mkdir()
        for name, data in case.files.items():
            (where / name).write_bytes(data)
            paths[name] = str(where / name)
        db_path = where / "db.sqlite"
        if case.db is not None:
            paths["db"] = ws.database_path(case.db, where)
        # The case's own placeholders only ("{db}", "{in.csv}"): generated text may hold braces.
        argv = [_PLACEHOLDER.sub(lambda m: paths.get(m.group(1), m.group(0)), arg) for arg in case.argv]
        before = _db_state(db_path)
        code, out, err = _main(argv)
        STATS["refused" if code == 2 else "returned"] += 1
        _check(case, code, out, err)
        if case.db is not None and (code == 2 or not case.writes):
            after = _db_state(db_path)
            if not _unchanged(before, after):
                raise Violation(f"`addrmatch {case.argv[0]}` exited {code} but changed its database")
        for sub, _, files in os.walk(where / "out"):
            for name in files:
                mode = stat.S_IMODE(os.stat(os.path.join(sub, name)).st_mode)
                if mode & 0o077:
                    raise Violation(
                        f"`addrmatch {case.argv[0]}` wrote {name} with mode {oct(mode)} (not owner-only)"
                    )
    finally:
        ws.cleanup(where)


def _main(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    stdin = io.StringIO("12 Main St, Blaine MN 55123\n")
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _stdin(stdin):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: --help, a usage error
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def _stdin(stream: io.StringIO) -> Any:
    old = sys.stdin
    sys.stdin = stream
    try:
        yield
    finally:
        sys.stdin = old


def _check(case: CliCase, code: Any, out: str, err: str) -> None:
    shown = f"`addrmatch {short(case.argv)[:200]}`"
    if code not in (0, 1, 2):
        raise Violation(f"{shown} exited {code!r} (documented: 0, 1, 2)")
    if "Traceback" in err or "internal error" in err:
        raise Violation(f"{shown} failed with an internal error: {short(err[-600:])}")
    if code == 2 and "addrmatch: error:" not in err:
        raise Violation(f"{shown} exited 2 without an error line: {short(err[-300:])}")
    permitted = echoed([case.argv, {k: v.decode("latin-1") for k, v in case.files.items()}])
    check_text_output(f"{shown}: stderr", err, permitted)
    check_text_output(f"{shown}: stdout", out, permitted)


# -- the command lines ------------------------------------------------------------------------


def _flat(parts: Any) -> list[str]:
    return [part for group in parts for part in group]


def _arg(valid: list[str]) -> st.SearchStrategy[str]:
    """One of the ``valid`` option values, or any argument text."""
    return st.one_of(st.sampled_from(valid), st.sampled_from(valid), arg_text)


_ADDRESS_COLUMNS = ["address", "street", "city", "state", "zip", "unit", "line2", "name"]
_FORMAT = st.lists(
    st.sampled_from([["--format", "text"], ["--format", "json"], ["--format", "csv"], []]), max_size=1
)


def _options(choices: dict[str, st.SearchStrategy[str]]) -> st.SearchStrategy[list[str]]:
    """Some of the options, each with a drawn value."""
    return st.lists(st.sampled_from(sorted(choices)), unique=True, max_size=3).flatmap(
        lambda names: st.tuples(*(st.tuples(st.just(n), choices[n]) for n in names)).map(
            lambda pairs: [
                part for name, value in pairs for part in ((name,) if value == "" else (name, value))
            ]
        )
    )


_COLUMN = _arg(_ADDRESS_COLUMNS)
_CSV_OPTIONS = {
    "--column": _COLUMN,
    "--city-column": _COLUMN,
    "--zip-column": _COLUMN,
    "--unit-column": _COLUMN,
    "--encoding": _arg(["utf-8", "latin-1", "utf-16", "cp1252", "no-such-codec", "rot13", "utf-8-sig"]),
    "--delimiter": _arg([",", ";", "tab", "\\t", "|", '"', "ab", ""]),
}
_DB = st.sampled_from([*["store"] * 6, *DB_KINDS])
_CAMPUS_DB = st.sampled_from([*["campus"] * 6, *DB_KINDS])


def _core_cases() -> st.SearchStrategy[CliCase]:
    csv_file = csv_files(_ADDRESS_COLUMNS)
    return st.one_of(
        st.builds(
            lambda t, f: CliCase(["normalize", *t, *_flat(f)]), st.lists(arg_text, max_size=3), _FORMAT
        ),
        st.builds(lambda a, b, f: CliCase(["match", a, b, *_flat(f)]), arg_text, arg_text, _FORMAT),
        st.builds(
            lambda data, opts, extra: CliCase(["dedupe", "{csv}", *opts, *extra], {"csv": data}),
            csv_file,
            _options({**_CSV_OPTIONS, "--top": _arg(["1", "5", "0", "-1", "x", "9" * 30])}),
            st.lists(
                st.sampled_from(
                    [
                        ["-o", "{out}.csv"],
                        ["--html", "{out}.html"],
                        ["--db", "{newdb}"],
                        ["--format", "json"],
                        ["--engine", "python"],
                        ["--partial"],
                        ["--example"],
                    ]
                ),
                max_size=2,
            ).map(lambda parts: _flat(parts)),
        ),
        st.builds(
            lambda db, data, opts: CliCase(["load", "{db}", "{csv}", *opts], {"csv": data}, db, writes=True),
            _DB,
            csv_file,
            _options({**_CSV_OPTIONS, "--legacy": st.just("")}),
        ),
        st.builds(
            lambda db, q, opts, f: CliCase(["search", "{db}", q, *opts, *_flat(f)], {}, db),
            _DB,
            arg_text,
            _options({"--limit": _arg(["1", "10", "0", "-3", "x", "9" * 5000])}),
            _FORMAT,
        ),
        st.builds(lambda db, f: CliCase(["report", "{db}", *_flat(f)], {}, db), _DB, _FORMAT),
    )


_REPORT_OPTIONS = {
    "--format": _arg(["html", "text", "json", "csv"]),
    "--limit": _arg(["1", "10", "0", "x"]),
    "-o": _arg(["{out}.html", "{out}.txt", "{out}.json", "{out}.csv", "{out}"]),
}


def _boi_cases() -> st.SearchStrategy[CliCase]:
    reference = csv_files(
        ["schoolNumber", "name", "code", "assignmentCode", "description", "titleCode", "titleDescription"]
    )
    hr_options = {
        **_REPORT_OPTIONS,
        "--input-format": _arg(["json", "csv"]),
        "--started-by": _arg(["HR", "me"]),
    }
    return st.one_of(
        st.builds(
            lambda db, kinds, data: CliCase(
                ["boi", "load-reference", "{db}", *_flat([f"--{k}", "{ref}"] for k in kinds)],
                {"ref": data},
                db,
                writes=True,
            ),
            _CAMPUS_DB,
            st.lists(
                st.sampled_from(["schools", "genders", "assignment-codes", "titles"]), unique=True, max_size=2
            ),
            reference,
        ),
        st.builds(
            lambda db, o: CliCase(["boi", "check", "{db}", *o], {}, db), _CAMPUS_DB, _options(_REPORT_OPTIONS)
        ),
        st.builds(
            lambda db, hr, o, cmd: CliCase(["boi", cmd, "{db}", "{hr}", *o], {"hr": hr[0]}, db, writes=True),
            _CAMPUS_DB,
            hr_files(),
            _options(hr_options),
            st.sampled_from(["validate", "commit"]),
        ),
        st.builds(
            lambda db, o: CliCase(["boi", "commit", "{db}", *o], {}, db, writes=True),
            _CAMPUS_DB,
            _options({**_REPORT_OPTIONS, "--result-format": _arg(["text", "json", "csv"])}),
        ),
        st.builds(lambda db, f: CliCase(["boi", "status", "{db}", *_flat(f)], {}, db), _CAMPUS_DB, _FORMAT),
        st.builds(
            lambda db, o: CliCase(["boi", "errors", "{db}", *o], {}, db),
            _CAMPUS_DB,
            _options(
                {
                    "--format": _arg(["csv", "json", "pdf"]),
                    "--since": _arg(["2024-01-01", "2024-13-01", "x"]),
                    "--until": _arg(["2030-01-01", ""]),
                    "-o": _arg(["{out}.csv", "{out}.json", "{out}.pdf", "-"]),
                }
            ),
        ),
    )


@target("cli", "cli", _core_cases)
def run_core_cli(ws: Workspace, case: CliCase) -> None:
    """addrmatch normalize/match/dedupe/load/search/report on generated files and databases"""
    run_cli(ws, case)


@target("cli.boi", "cli", _boi_cases)
def run_boi_cli(ws: Workspace, case: CliCase) -> None:
    """addrmatch boi load-reference/check/validate/commit/status/errors on generated files"""
    run_cli(ws, case)
