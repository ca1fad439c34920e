"""The ``addrmatch`` command line: a thin layer over the library.

::

    addrmatch normalize [TEXT ...]         canonical form per address (or per stdin line)
    addrmatch match A B                    same address or not, field by field
    addrmatch dedupe INPUT.csv --column C  address ids + the proliferation report of a file
                 [--html R.html] [--db OUT.db] [--engine auto|python|duckdb] [--partial]
    addrmatch load DB INPUT.csv --column C load addresses into an AddressStore
    addrmatch search DB "query"            ranked near matches in a store
    addrmatch report DB                    duplicate groups already in a store
    addrmatch completion bash|zsh|tcsh     a shell completion script

Exit codes: 0 success; 1 a negative answer (``match``: different addresses;
``normalize``: some input was not an address); 2 an error (bad arguments,
unreadable file, missing column, malformed CSV...); 130 Ctrl-C. An error is
one line on stderr, ``addrmatch: error: ...``; ``--verbose`` adds the
traceback and logs counts and timings. Progress bars go to stderr, only on
a terminal, and ``--quiet`` turns them off. JSON output uses camelCase keys
and every ``--format json`` has a ``--format csv``.

Each group of subcommands is a function that adds its parsers; a parser's
``handler(args, console) -> int`` runs it. The core's groups are in
:data:`COMMAND_GROUPS`; other packages (``addrmatch boi ...``) add theirs
through the :data:`ENTRY_POINT_GROUP` entry points, so this module imports
none of them. The console, errors, exit codes and common options are in
:mod:`addrmatch._cli_common`, shared by every group.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib
import importlib.util
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata, resources
from pathlib import Path
from typing import Any, TextIO

import shtab

from addrmatch import __version__
from addrmatch._cli_common import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_NO,
    EXIT_OK,
    ArgumentParser,
    CommandError,
    Console,
    Handler,
    common_options,
    dumps,
    run_handler,
    timed,
    write_private,
)
from addrmatch._csvinput import CSVInputError, CSVRows, open_lines, parse_delimiter
from addrmatch._files import create_private, remove_database
from addrmatch._progress import Progress
from addrmatch.address import BOI_FIELDS, Address
from addrmatch.dedupe import (
    AddressColumns,
    DedupeDetails,
    DedupeSummary,
    dedupe_stream,
    make_analyser,
    one_line,
    write_atomically,
)
from addrmatch.dedupe_db import write_database
from addrmatch.dedupe_report import render_html
from addrmatch.errors import AddressError
from addrmatch.key import Explanation, explain, match_key
from addrmatch.normalize import normalize

__all__ = [
    "COMMAND_GROUPS",
    "ENTRY_POINT_GROUP",
    "EXIT_ERROR",
    "EXIT_NO",
    "EXIT_OK",
    "CommandError",
    "Console",
    "build_parser",
    "command_groups",
    "common_options",
    "example_path",
    "main",
]

#: The example data shipped inside the package (``addrmatch/examples``).
EXAMPLE_FILE = "staff_addresses.csv"
#: The address columns of the example file.
EXAMPLE_COLUMNS = AddressColumns("address", city="city", state="state", zip="zip")


def example_path() -> contextlib.AbstractContextManager[Path]:
    """A context manager giving a real path to the packaged example CSV.

    >>> with example_path() as p:
    ...     p.name
    'staff_addresses.csv'
    """
    resource = resources.files("addrmatch").joinpath("examples", EXAMPLE_FILE)
    if not resource.is_file():
        raise CommandError(
            f"the example data ({EXAMPLE_FILE}) is not installed; in a source checkout, run"
            " `python scripts/make_example_data.py`"
        )
    return resources.as_file(resource)


# ---------------------------------------------------------------------------
# normalize and match


def _add_address_commands(sub: Any) -> None:
    common = common_options()
    p = sub.add_parser(
        "normalize",
        parents=[common],
        help="print the canonical form of addresses",
        description="Print the USPS Pub 28 canonical form of each address: the TEXT arguments, or each"
        " line of stdin when there are none. One output line (or JSON object, or CSV row) per input;"
        " an input that is not an address gets an empty output and a message on stderr (exit 1).",
    )
    p.add_argument("text", nargs="*", metavar="TEXT", help="an address; none: read lines from stdin")
    p.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default="text",
        help="text: one line per address; json: one JSON object per line, the BOI field names and"
        " matchKey; csv: a header, then input, the BOI fields, match_key and error",
    )
    p.set_defaults(handler=_cmd_normalize)

    p = sub.add_parser(
        "match",
        parents=[common],
        help="say whether two addresses are the same, field by field",
        description="Compare two addresses and explain, field by field, why they are the same"
        " address or not. Exit 0 when the same, 1 when different, 2 on error.",
    )
    p.add_argument("a", metavar="A", help="the first address")
    p.add_argument("b", metavar="B", help="the second address")
    p.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default="text",
        help="text: a table; json: same, leftKey, rightKey and each field; csv: one row per field",
    )
    p.set_defaults(handler=_cmd_match)


def _input_lines(args: argparse.Namespace) -> Iterator[str]:
    if args.text:
        yield from args.text
    else:
        for line in sys.stdin:
            yield line.rstrip("\r\n")


def _cmd_normalize(args: argparse.Namespace, console: Console) -> int:
    out = console.out
    writer = csv.writer(out, lineterminator="\n") if args.format == "csv" else None
    if writer is not None:
        writer.writerow(["input", *BOI_FIELDS.values(), "match_key", "error"])
    failed = 0
    for number, text in enumerate(_input_lines(args), start=1):
        address: Address | None = None
        error = ""
        if text.strip():
            try:
                address = normalize(text)
            except AddressError as e:
                failed += 1
                error = str(e)
                where = f"argument {number}" if args.text else f"line {number}"
                console.warn(f"{where}: {error}")
        if args.format == "text":
            print(one_line(address) if address else "", file=out)
        elif args.format == "json":
            data = {**address.to_boi(), "matchKey": match_key(address)} if address else None
            print(dumps(data, indent=None), file=out)
        else:
            assert writer is not None
            writer.writerow([text, *_csv_cells(address), match_key(address) if address else "", error])
    return EXIT_NO if failed else EXIT_OK


def _csv_cells(address: Address | None) -> list[str]:
    """The BOI fields of an address as CSV cells: "" for None, true/false for the box flag."""
    if address is None:
        return [""] * len(BOI_FIELDS)
    return [_csv_value(v) for v in address.to_boi().values()]


def _cmd_match(args: argparse.Namespace, console: Console) -> int:
    result = explain(args.a, args.b)
    fields = [
        {
            "field": BOI_FIELDS.get(f.field, f.field),
            "status": f.status,
            "left": _field_value(f.field, f.left),
            "right": _field_value(f.field, f.right),
            "how": f.how,
        }
        for f in result.fields
    ]
    if args.format == "json":
        data = {
            "same": result.same,
            "leftKey": result.left_key,
            "rightKey": result.right_key,
            "fields": fields,
        }
        print(dumps(data), file=console.out)
    elif args.format == "csv":
        writer = csv.writer(console.out, lineterminator="\n")
        writer.writerow(["field", "status", "left", "right", "how", "same", "leftKey", "rightKey"])
        for f in fields:
            writer.writerow(
                [
                    *(_csv_value(v) for v in f.values()),
                    _csv_value(result.same),
                    result.left_key,
                    result.right_key,
                ]
            )
    else:
        print(_explanation_text(result), file=console.out)
    return EXIT_OK if result.same else EXIT_NO


def _field_value(field: str, value: str | None) -> str | bool | None:
    """A compared value for JSON: the box flag as a real boolean."""
    if field == "po_box" and value in ("True", "False"):
        return value == "True"
    return value


def _csv_value(value: object) -> str:
    """A JSON value as a CSV cell: "" for null, true/false for booleans."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _explanation_text(result: Explanation) -> str:
    """The explanation as an aligned table."""
    head = "SAME address" if result.same else "DIFFERENT addresses"
    lines = [head, f"  key A: {result.left_key}", f"  key B: {result.right_key}", ""]
    table = [("field", "status", "A", "B", "why")]
    table += [(f.field, f.status, f.left or "-", f.right or "-", f.how) for f in result.fields]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  " + "  ".join([*cells, row[4]]).rstrip())
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# dedupe


def _add_column_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--column",
        metavar="NAME",
        help="the column holding the street line (or the whole address as free text)",
    )
    p.add_argument("--city-column", metavar="NAME", help="the column holding the city")
    p.add_argument("--state-column", metavar="NAME", help="the column holding the state")
    p.add_argument("--zip-column", metavar="NAME", help="the column holding the ZIP code")
    p.add_argument(
        "--unit-column",
        metavar="NAME",
        help="the column holding the unit (Apt 4, #4, Suite 200 or a bare 4), joined into the address",
    )
    p.add_argument(
        "--line2-column",
        metavar="NAME",
        help="the column holding the second address line (Apt 4, Suite 200...), joined into the address",
    )
    p.add_argument(
        "--encoding",
        default="utf-8-sig",
        help="the input's text encoding (default: UTF-8, with or without BOM; latin-1, cp1252... for others)",
    )
    p.add_argument(
        "--delimiter",
        type=_delimiter,
        metavar="CHAR",
        help="the field delimiter: , ; | or tab (default: found from the header line)",
    )
    p.add_argument(
        "--example",
        action="store_true",
        help=f"use the example data shipped with addrmatch ({EXAMPLE_FILE}: staff addresses written in"
        " varied forms) instead of an input file",
    )


def _delimiter(text: str) -> str:
    try:
        return parse_delimiter(text)
    except CSVInputError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _columns(args: argparse.Namespace) -> AddressColumns:
    others = (args.city_column, args.state_column, args.zip_column, args.unit_column, args.line2_column)
    if args.column is None:
        if args.example and not any(others):
            return EXAMPLE_COLUMNS
        raise CommandError("--column is required: the name of the column holding the address")
    city, state, zip_, unit, line2 = others
    return AddressColumns(args.column, city=city, state=state, zip=zip_, unit=unit, line2=line2)


@contextlib.contextmanager
def _input_path(args: argparse.Namespace, inputs: Sequence[str]) -> Iterator[list[str]]:
    """The input paths, or the packaged example file with ``--example``."""
    if args.example:
        if inputs:
            raise CommandError("give either input files or --example, not both")
        with example_path() as path:
            yield [os.fspath(path)]
        return
    if not inputs:
        raise CommandError("no input file (give a CSV file, or --example for the shipped example data)")
    yield list(inputs)


def _add_dedupe_command(sub: Any) -> None:
    p = sub.add_parser(
        "dedupe",
        parents=[common_options()],
        help="give every row of a CSV file an address id; report duplicate addresses",
        description="Read a CSV file row by row and write it back with address_id, match_key,"
        " canonical_address, canonical_city, canonical_state, canonical_zip and address_error columns:"
        " rows with the same address get the same address_id (numbered in order of first appearance)."
        " Prints a summary: rows, distinct addresses, address errors, largest groups. Streams: rows are"
        " never held in memory; memory grows only with the number of distinct addresses. A row with an"
        " unreadable address gets empty address columns and an address_error (the run goes on); a"
        " malformed CSV row (wrong number of fields) stops the run with its line number. The output"
        " appears only when the whole file succeeded.",
        epilog="example: addrmatch dedupe staff.csv --column address --city-column city"
        " --state-column state --zip-column zip -o staff_ids.csv",
    )
    p.add_argument(
        "input", nargs="?", metavar="INPUT.csv", help="the CSV file ('-' for stdin)"
    ).complete = shtab.FILE  # type: ignore[attr-defined]
    _add_column_options(p)
    p.add_argument(
        "-o",
        "--output",
        metavar="OUTPUT.csv",
        help="write the rows with their address ids here ('-' for stdout); without it only the summary"
        " is printed",
    )
    p.add_argument(
        "--html",
        metavar="REPORT.html",
        help="also write a report to look at: the summary, a chart of group sizes (and of sources, with"
        " --source-column), every group with its spellings and line numbers, the address errors (one"
        " static page, no network, printable)",
    )
    p.add_argument(
        "--db",
        metavar="OUT.db",
        help="also write the groups into an AddressStore database file, with the tables dedupe_groups and"
        " dedupe_rows and the views duplicate_addresses and address_spellings (for Datasette,"
        " sqlite-utils, `addrmatch search`); only address columns are copied",
    )
    p.add_argument(
        "--source-column",
        metavar="NAME",
        help="the column saying where a row comes from (HR, payroll...): the HTML report charts where the"
        " duplicates come from",
    )
    p.add_argument("--top", type=int, default=10, metavar="N", help="how many largest groups to list (10)")
    p.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default="text",
        help="format of the summary: text, json, or csv (a header and one row of the counts)",
    )
    p.add_argument(
        "--engine",
        choices=("auto", "python", "duckdb"),
        default="auto",
        help="python: stream the rows through this process; duckdb (pip install 'addrmatch[duckdb]'): read"
        " CSV or Parquet of any size out of core, each distinct spelling once, spread over --workers"
        " processes, same columns; auto (default): duckdb for Parquet, for --partial and for inputs over"
        f" {AUTO_DUCKDB_BYTES // 1_000_000} MB when DuckDB is installed, else python",
    )
    p.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="worker processes that read the distinct spellings (--engine duckdb; default: one per core)",
    )
    p.add_argument(
        "--partial",
        action="store_true",
        help="join a row missing its ZIP or suffix to the one full address it fits (never when two fit),"
        " the store's partial rule; adds the column address_tier ('partial' on such rows). Needs"
        " --engine duckdb",
    )
    p.set_defaults(handler=_cmd_dedupe)


#: ``--engine auto`` picks DuckDB for inputs larger than this (when it is installed).
AUTO_DUCKDB_BYTES = 200_000_000


def _engine(args: argparse.Namespace, source: str) -> str:
    """The engine a dedupe runs on (see ``--engine``)."""
    parquet = Path(source).suffix.lower() in (".parquet", ".pq") or (
        args.output is not None and Path(args.output).suffix.lower() in (".parquet", ".pq")
    )
    if args.engine == "python":
        if parquet:
            raise CommandError(
                "Parquet input or output needs --engine duckdb (pip install 'addrmatch[duckdb]')"
            )
        if args.partial:
            raise CommandError("--partial needs --engine duckdb (pip install 'addrmatch[duckdb]')")
        return "python"
    installed = (
        importlib.util.find_spec("duckdb") is not None and importlib.util.find_spec("pyarrow") is not None
    )
    if args.engine == "auto":
        big = source != "-" and os.path.isfile(source) and os.path.getsize(source) > AUTO_DUCKDB_BYTES
        wanted = parquet or args.partial or big
        if not wanted or args.html or args.db or source == "-" or args.output == "-" or not installed:
            if parquet or args.partial:
                raise CommandError(
                    ("Parquet" if parquet else "--partial") + " needs DuckDB: pip install 'addrmatch[duckdb]'"
                    if not installed
                    else "--html, --db and stdin/stdout need --engine python, which reads no Parquet and has"
                    " no --partial"
                )
            return "python"
    if not installed:
        raise CommandError("--engine duckdb needs DuckDB and pyarrow: pip install 'addrmatch[duckdb]'")
    if source == "-" or args.output == "-":
        raise CommandError("--engine duckdb reads and writes files, not stdin/stdout ('-')")
    if args.html or args.db:
        raise CommandError("--html and --db are made by --engine python")
    return "duckdb"


def _cmd_dedupe(args: argparse.Namespace, console: Console) -> int:
    columns = _columns(args)
    if args.top < 0:
        raise CommandError("--top must be 0 or more")
    if args.workers is not None and args.workers < 1:
        raise CommandError("--workers must be at least 1")
    with _input_path(args, [args.input] if args.input else []) as paths:
        engine = _engine(args, paths[0])
        if engine == "duckdb":
            shown = f"{EXAMPLE_FILE} (example data)" if args.example else paths[0]
            with timed("dedupe on DuckDB"):
                summary = importlib.import_module("addrmatch.dedupe_duckdb").dedupe_duckdb(
                    paths[0],
                    args.output,
                    columns,
                    encoding=args.encoding,
                    delimiter=args.delimiter,
                    workers=args.workers,
                    partial=args.partial,
                    top=args.top,
                )
            _print_summary(summary, args, console.out, source=shown)
            return EXIT_OK
    details = DedupeDetails(source_column=args.source_column) if (args.html or args.db) else None
    if args.source_column and details is None:
        raise CommandError("--source-column is for the report: give --html REPORT.html (or --db OUT.db) too")
    for option, value in (("--html", args.html), ("--db", args.db)):
        if value is not None and value == args.output:
            raise CommandError(f"{option} and -o name the same file {value!r}")
    with _input_path(args, [args.input] if args.input else []) as paths, contextlib.ExitStack() as stack:
        source = paths[0]
        lines = stack.enter_context(open_lines(source, args.encoding))
        size = None if source == "-" else os.path.getsize(source)
        name = lines.source
        if args.output is None:
            outfile: TextIO = stack.enter_context(open(os.devnull, "w", encoding="utf-8"))
        elif args.output == "-":
            outfile = console.out
        else:
            outfile = stack.enter_context(
                write_atomically(args.output, source=None if source == "-" else source)
            )
        bar = stack.enter_context(console.progress(size, "rows", "dedupe"))
        with timed("dedupe: read, key and write the rows"):
            summary = dedupe_stream(
                lines,
                outfile,
                columns,
                source=name,
                top=args.top,
                progress=bar.update,
                position=lines.position,
                delimiter=args.delimiter,
                details=details,
            )
    shown = f"{EXAMPLE_FILE} (example data)" if args.example else name
    if details is not None and args.html:
        with timed("dedupe: HTML report"):
            page = render_html(summary, details, source=shown, version=__version__)
            write_private(args.html, page)
    if details is not None and args.db:
        with timed("dedupe: database"):
            write_database(args.db, summary, details, source=shown, version=__version__)
    if args.output not in (None, "-"):
        summary.output = args.output
    report = console.err if args.output == "-" else console.out
    _print_summary(summary, args, report, source=shown)
    return EXIT_OK


def _print_summary(summary: DedupeSummary, args: argparse.Namespace, out: TextIO, *, source: str) -> None:
    if args.format == "json":
        data = summary.as_dict()
        data.update(html=args.html, db=args.db)
        print(dumps(data, indent=2), file=out)
        return
    if args.format == "csv":
        data = summary.as_dict()
        counts = {k: v for k, v in data.items() if not isinstance(v, list)}
        counts.update(html=args.html, db=args.db)
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(counts)
        writer.writerow(_csv_value(v) for v in counts.values())
        return
    width = len(f"{summary.rows:,}")
    lines = [
        f"addrmatch dedupe: {source}",
        f"  rows                {summary.rows:>{width},}",
        f"  distinct addresses  {summary.distinct_addresses:>{width},}",
        f"  duplicate rows      {summary.duplicate_rows:>{width},}  (same address as an earlier row)",
        f"  address errors      {summary.address_errors:>{width},}",
    ]
    for line, message in summary.first_errors:
        lines.append(f"    line {line}: {message}")
    if summary.address_errors > len(summary.first_errors):
        lines.append(
            f"    ... and {summary.address_errors - len(summary.first_errors):,} more (see address_error)"
        )
    if summary.largest_groups:
        lines.append("  largest groups (rows  address_id  address):")
        for g in summary.largest_groups:
            lines.append(f"    {g.rows:>5}  {g.address_id:>8}  {g.address}")
    for written in (summary.output, args.html, args.db):
        if written:
            lines.append(f"  wrote {written}")
    print("\n".join(lines), file=out)


# ---------------------------------------------------------------------------
# load, search, report (an AddressStore)


def _add_store_commands(sub: Any) -> None:
    common = common_options()
    p = sub.add_parser(
        "load",
        parents=[common],
        help="load the addresses of CSV files into an address database",
        description="Find or create every row's address in the AddressStore database DB (created when"
        " missing), all files in one transaction: on an error (a missing column, a malformed CSV row)"
        " nothing is loaded. Rows whose address cannot be read are skipped and counted.",
    )
    p.add_argument("db", metavar="DB", help="the SQLite database file").complete = shtab.FILE  # type: ignore[attr-defined]
    p.add_argument("inputs", nargs="*", metavar="INPUT.csv", help="CSV files to load").complete = shtab.FILE  # type: ignore[attr-defined]
    _add_column_options(p)
    p.add_argument(
        "--legacy",
        action="store_true",
        help="store every row as it is, duplicates included, as a legacy system's export"
        " (AddressStore.import_rows); `addrmatch report` then lists the duplicate groups",
    )
    p.set_defaults(handler=_cmd_load)

    p = sub.add_parser(
        "search",
        parents=[common],
        help="find the stored addresses nearest to a query",
        description="Rank the addresses in DB by similarity to QUERY (typos and missing parts"
        " allowed), best first, with a score from 0 to 100.",
    )
    p.add_argument("db", metavar="DB", help="the SQLite database file").complete = shtab.FILE  # type: ignore[attr-defined]
    p.add_argument("query", metavar="QUERY", help="the address to look for, as free text")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="at most N results (10)")
    p.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default="text",
        help="json: a list of {id, score, address, matchKey}; csv: id, score, the BOI fields, match_key",
    )
    p.set_defaults(handler=_cmd_search)

    p = sub.add_parser(
        "report",
        parents=[common],
        help="list the duplicate address groups already in a database",
        description="List groups of stored addresses that are the same address (legacy data may hold"
        " such duplicates; the store resolves to the oldest row of a group).",
    )
    p.add_argument("db", metavar="DB", help="the SQLite database file").complete = shtab.FILE  # type: ignore[attr-defined]
    p.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default="text",
        help="json: a list of groups, each a list of {id, address, matchKey}; csv: group, id, the BOI"
        " fields, match_key",
    )
    p.set_defaults(handler=_cmd_report)


def _open_store(path: str, *, create: bool) -> Any:
    """The AddressStore at ``path``. For reading (``create=False``) the file
    must exist and already hold an address store: a read never creates or
    alters a database."""
    from addrmatch.store import AddressStore

    if os.path.isdir(path):
        raise CommandError(f"{path!r} is a directory, not a database file")
    if not create:
        if not os.path.exists(path):
            raise CommandError(
                f"no database at {path!r} (create one with `addrmatch load {path} INPUT.csv ...`)"
            )
        uri = Path(os.path.abspath(path)).as_uri() + "?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"addresses", "addrmatch_meta"} <= tables:
            raise CommandError(f"{path!r} is an SQLite database but not an addrmatch address store")
    return AddressStore(path)


def _cmd_load(args: argparse.Namespace, console: Console) -> int:
    columns = _columns(args)
    analyse = make_analyser(columns)
    with _input_path(args, args.inputs) as paths:
        sizes = [
            os.path.getsize(p) for p in paths
        ]  # an unreadable file fails here, before the database opens
        if os.path.isdir(args.db):
            raise CommandError(f"{args.db!r} is a directory, not a database file")
        fresh = create_private(args.db)  # a new database is owner-only (0o600), whatever the umask
        try:
            store = _open_store(args.db, create=True)
        except BaseException:
            if fresh:
                remove_database(args.db)
            raise
        skipped: list[tuple[str, int, str]] = []
        count = 0

        def values(bar: Progress) -> Iterator[Any]:
            nonlocal count
            done = 0
            for path, size in zip(paths, sizes, strict=True):
                with open_lines(path, args.encoding) as lines:
                    rows = CSVRows(lines, source=path, delimiter=args.delimiter)
                    indexes = columns.indexes(rows)
                    for line, row in rows:
                        count += 1
                        if count % 500 == 0:
                            bar.update(count, done + lines.position())
                        cells = columns.cells(row, indexes)
                        try:
                            analyse(cells)  # skip what the store would refuse, and say so
                        except AddressError as e:
                            skipped.append((path, line, str(e)))
                            continue
                        yield columns.value(cells)
                done += size

        try:
            before = len(store)
            with console.progress(sum(sizes), "rows", "load") as bar:
                add = store.import_rows if args.legacy else store.add_many
                ids = add(values(bar))
            created = len(store) - before
        except BaseException:
            store.close()
            if fresh:  # a database this failed load created is removed again
                remove_database(args.db)
            raise
        store.close()
    head = f"addrmatch load: {count:,} rows read, {len(skipped):,} skipped (no usable address); "
    if args.legacy:
        print(
            head + f"{created:,} rows stored as they are in {args.db} (legacy import, duplicates kept)",
            file=console.out,
        )
    else:
        print(
            head + f"{len(ids):,} resolved: {created:,} new addresses in {args.db},"
            f" {len(ids) - created:,} matched an address already there",
            file=console.out,
        )
    for path, line, message in skipped[:5]:
        print(f"  skipped {path}, line {line}: {message}", file=console.out)
    if len(skipped) > 5:
        print(f"  ... and {len(skipped) - 5:,} more", file=console.out)
    return EXIT_OK


def _cmd_search(args: argparse.Namespace, console: Console) -> int:
    if args.limit < 1:
        raise CommandError("--limit must be at least 1")
    with contextlib.closing(_open_store(args.db, create=False)) as store, timed("search"):
        candidates = store.search(args.query, limit=args.limit)
    if args.format == "json":
        data = [
            {"id": c.id, "score": c.score, "address": c.address.to_boi(), "matchKey": match_key(c.address)}
            for c in candidates
        ]
        print(dumps(data), file=console.out)
        return EXIT_OK
    if args.format == "csv":
        writer = csv.writer(console.out, lineterminator="\n")
        writer.writerow(["id", "score", *BOI_FIELDS.values(), "match_key"])
        for c in candidates:
            writer.writerow([c.id, c.score, *_csv_cells(c.address), match_key(c.address)])
        return EXIT_OK
    if not candidates:
        print("no match", file=console.out)
        return EXIT_OK
    for c in candidates:
        print(f"{c.score:5.1f}  {c.id:>8}  {one_line(c.address)}", file=console.out)
    return EXIT_OK


def _cmd_report(args: argparse.Namespace, console: Console) -> int:
    with contextlib.closing(_open_store(args.db, create=False)) as store:
        total = len(store)
        groups = [[(i, store.get(i)) for i in group] for group in store.duplicates()]
    if args.format == "json":
        data = [
            [{"id": i, "address": address.to_boi(), "matchKey": match_key(address)} for i, address in group]
            for group in groups
        ]
        print(dumps(data), file=console.out)
        return EXIT_OK
    if args.format == "csv":
        writer = csv.writer(console.out, lineterminator="\n")
        writer.writerow(["group", "id", *BOI_FIELDS.values(), "match_key"])
        for number, group in enumerate(groups, start=1):
            for i, address in group:
                writer.writerow([number, i, *_csv_cells(address), match_key(address)])
        return EXIT_OK
    extra = sum(len(group) - 1 for group in groups)
    print(
        f"addrmatch report: {total:,} addresses in {args.db}; {len(groups):,} duplicate groups"
        f" ({extra:,} extra rows)",
        file=console.out,
    )
    for group in groups:
        print(f"  {len(group)} rows (lookups resolve to id {group[0][0]}):", file=console.out)
        for i, address in group:
            print(f"    {i:>8}  {one_line(address)}", file=console.out)
    return EXIT_OK


# ---------------------------------------------------------------------------
# the parser and main

#: The entry-point group through which packages add command groups to
#: ``addrmatch``: each entry point names a function ``register(subparsers)``
#: that adds its parsers, with ``parents=[common_options()]`` and
#: ``set_defaults(handler=...)``, raising :class:`CommandError` for user
#: errors. ``addrmatch boi`` registers this way (``pyproject.toml``), so the
#: core command line never names the staff module.
ENTRY_POINT_GROUP = "addrmatch.commands"


def command_groups() -> list[Callable[[Any], None]]:
    """The core's command groups, then those registered in :data:`ENTRY_POINT_GROUP`
    (sorted by name, so the help lists them in a stable order).

    >>> [group.__name__ for group in command_groups()][:3]
    ['_add_address_commands', '_add_dedupe_command', '_add_store_commands']
    """
    found = sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)
    return [*COMMAND_GROUPS, *(ep.load() for ep in found)]


def _add_completion_command(sub: Any) -> None:
    p = sub.add_parser(
        "completion",
        parents=[common_options()],
        help="print a shell completion script (bash, zsh, tcsh)",
        description="Print the tab-completion script of every addrmatch command and option for SHELL"
        " (made by shtab from this command line, so it always matches it). Install it once, e.g. bash:"
        " `addrmatch completion bash > ~/.local/share/bash-completion/completions/addrmatch`;"
        " zsh: `addrmatch completion zsh > ~/.zfunc/_addrmatch` (with ~/.zfunc on $fpath).",
    )
    p.add_argument("shell", choices=("bash", "zsh", "tcsh"), help="the shell")
    p.set_defaults(handler=_cmd_completion)


def _cmd_completion(args: argparse.Namespace, console: Console) -> int:
    print(shtab.complete(build_parser(), shell=args.shell), file=console.out)
    return EXIT_OK


#: The core's command groups: each adds its parsers to the ``addrmatch`` subparsers.
COMMAND_GROUPS: tuple[Callable[[Any], None], ...] = (
    _add_address_commands,
    _add_dedupe_command,
    _add_store_commands,
    _add_completion_command,
)


def build_parser() -> argparse.ArgumentParser:
    """The ``addrmatch`` argument parser with every registered subcommand.

    >>> build_parser().parse_args(["match", "12 Elm St", "12 Elm Street"]).b
    '12 Elm Street'
    """
    parser = ArgumentParser(
        prog="addrmatch",
        parents=[common_options(suppress=False)],
        description="Every US postal address once: canonical forms, matching, dedupe of CSV files and an"
        " SQLite address store.",
        epilog="Exit codes: 0 success, 1 a negative answer (match: different; normalize: not an address),"
        " 2 an error. Run `addrmatch COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"addrmatch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=ArgumentParser)
    for register in command_groups():
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (the console script exits with it).

    >>> main(["match", "4321 North Lexington Avenue", "4321 n lexington ave."])  # doctest: +ELLIPSIS
    SAME address
    ...
    0
    """
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
    except KeyboardInterrupt:
        print("addrmatch: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    _interrupts_raise()
    console = Console(out=sys.stdout, err=sys.stderr, quiet=args.quiet, verbose=args.verbose)
    handler: Handler = args.handler
    return run_handler(handler, args, console, user_errors=(CSVInputError,))


def _interrupts_raise() -> None:
    """From here on Ctrl-C raises KeyboardInterrupt, so that a command cleans
    up (temporary files, transactions) before it exits with 130; until
    here ``addrmatch.__main__`` exits at once (nothing to clean up yet)."""
    if threading.current_thread() is not threading.main_thread():
        return
    current = signal.getsignal(signal.SIGINT)
    if getattr(current, "__qualname__", "") == "_interrupted_while_starting":
        signal.signal(signal.SIGINT, signal.default_int_handler)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
