"""``addrmatch dedupe``: address ids for every row of a file, and the
proliferation report; on this process (streaming) or on DuckDB (out of core).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib
import importlib.util
import os
from pathlib import Path
from typing import Any, TextIO

import shtab

from addrmatch import __version__
from addrmatch._cli_common import (
    EXIT_OK,
    CommandError,
    Console,
    add_format_option,
    common_options,
    dumps,
    timed,
    write_private,
)
from addrmatch._cli_options import EXAMPLE_FILE, add_column_options, address_columns, csv_value, input_paths
from addrmatch._csvinput import open_lines
from addrmatch.dedupe import DedupeDetails, DedupeSummary, dedupe_stream, write_atomically
from addrmatch.dedupe_db import write_database
from addrmatch.dedupe_report import render_html

__all__ = ["AUTO_DUCKDB_BYTES", "add_dedupe_command"]


def add_dedupe_command(sub: Any) -> None:
    """Add ``dedupe`` to the ``addrmatch`` subparsers.

    >>> from addrmatch._cli_common import ArgumentParser
    >>> parser = ArgumentParser(prog="addrmatch")
    >>> add_dedupe_command(parser.add_subparsers(dest="command"))
    >>> "dedupe" in parser.format_help()
    True
    """
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
    add_column_options(p)
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
    add_format_option(p, "format of the summary: text, json, or csv (a header and one row of the counts)")
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
    p.add_argument(
        "--typos",
        action="store_true",
        help="join an address whose street name is one typo (a letter added, left out, changed or two"
        " swapped; 4+ letters, same digits) from exactly one earlier address with the same number, ZIP,"
        " unit, directionals and suffix -- never when both spellings are streets of that ZIP at other"
        " numbers too; adds the column address_tier ('typo' on such rows). Off by default; --engine python",
    )
    p.set_defaults(handler=_cmd_dedupe)


#: ``--engine auto`` picks DuckDB for inputs larger than this (when it is installed).
AUTO_DUCKDB_BYTES = 200_000_000


def _engine(args: argparse.Namespace, source: str) -> str:
    """The engine a dedupe runs on (see ``--engine``)."""
    parquet = Path(source).suffix.lower() in (".parquet", ".pq") or (
        args.output is not None and Path(args.output).suffix.lower() in (".parquet", ".pq")
    )
    if args.typos and (args.engine == "duckdb" or parquet or args.partial):
        raise CommandError(
            "--typos runs on --engine python (CSV in and out), which reads no Parquet and has no --partial"
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
        if (
            not wanted
            or args.typos
            or args.html
            or args.db
            or source == "-"
            or args.output == "-"
            or not installed
        ):
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
    columns = address_columns(args)
    if args.top < 0:
        raise CommandError("--top must be 0 or more")
    if args.workers is not None and args.workers < 1:
        raise CommandError("--workers must be at least 1")
    with input_paths(args, [args.input] if args.input else []) as paths:
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
    with input_paths(args, [args.input] if args.input else []) as paths, contextlib.ExitStack() as stack:
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
                typos=args.typos,
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
        writer.writerow(csv_value(v) for v in counts.values())
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
