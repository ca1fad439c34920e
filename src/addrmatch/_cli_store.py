"""``addrmatch load``, ``search`` and ``report``: the commands over an
AddressStore database file.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
from collections.abc import Iterator
from typing import Any

import shtab

from addrmatch._cli_common import (
    EXIT_OK,
    CommandError,
    Console,
    add_format_option,
    common_options,
    dumps,
    existing_database,
    timed,
)
from addrmatch._cli_options import add_column_options, address_columns, csv_cells, input_paths
from addrmatch._csvinput import CSVRows, open_lines
from addrmatch._files import create_private, remove_database
from addrmatch._progress import Progress
from addrmatch.address import BOI_FIELDS
from addrmatch.dedupe import make_analyser, one_line
from addrmatch.errors import AddressError
from addrmatch.key import match_key

__all__ = ["add_store_commands"]


def add_store_commands(sub: Any) -> None:
    """Add ``load``, ``search`` and ``report`` to the ``addrmatch`` subparsers.

    >>> from addrmatch._cli_common import ArgumentParser
    >>> parser = ArgumentParser(prog="addrmatch")
    >>> add_store_commands(parser.add_subparsers(dest="command"))
    >>> "search" in parser.format_help()
    True
    """
    common = common_options()
    p = sub.add_parser(
        "load",
        parents=[common],
        help="load the addresses of CSV files into an address database",
        description="Find or create every row's address in the AddressStore database DB (created when"
        " missing), all files in one transaction: on an error (a missing column, a malformed CSV row)"
        " nothing is loaded. Rows whose address cannot be read are skipped and counted.",
    )
    _add_db_argument(p)
    p.add_argument("inputs", nargs="*", metavar="INPUT.csv", help="CSV files to load").complete = shtab.FILE  # type: ignore[attr-defined]
    add_column_options(p)
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
    _add_db_argument(p)
    p.add_argument("query", metavar="QUERY", help="the address to look for, as free text")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="at most N results (10)")
    add_format_option(
        p, "json: a list of {id, score, address, matchKey}; csv: id, score, the BOI fields, match_key"
    )
    p.set_defaults(handler=_cmd_search)

    p = sub.add_parser(
        "report",
        parents=[common],
        help="list the duplicate address groups already in a database",
        description="List groups of stored addresses that are the same address (legacy data may hold"
        " such duplicates; the store resolves to the oldest row of a group).",
    )
    _add_db_argument(p)
    add_format_option(
        p,
        "json: a list of groups, each a list of {id, address, matchKey}; csv: group, id, the BOI"
        " fields, match_key",
    )
    p.set_defaults(handler=_cmd_report)


def _add_db_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("db", metavar="DB", help="the SQLite database file").complete = shtab.FILE  # type: ignore[attr-defined]


def _open_store(path: str, *, create: bool) -> Any:
    """The AddressStore at ``path``. For reading (``create=False``) the file
    must exist and already hold an address store: a read never creates or
    alters a database."""
    from addrmatch.store import AddressStore

    if not create:
        existing_database(
            path,
            {"addresses", "addrmatch_meta"},
            kind="an addrmatch address store",
            create_hint=f"addrmatch load {path} INPUT.csv ...",
        )
    elif os.path.isdir(path):
        raise CommandError(f"{path!r} is a directory, not a database file")
    return AddressStore(path)


def _cmd_load(args: argparse.Namespace, console: Console) -> int:
    columns = address_columns(args)
    analyse = make_analyser(columns)
    with input_paths(args, args.inputs) as paths:
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
            writer.writerow([c.id, c.score, *csv_cells(c.address), match_key(c.address)])
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
                writer.writerow([number, i, *csv_cells(address), match_key(address)])
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
