"""``addrmatch normalize`` and ``addrmatch match``: one address, or two, at a time."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator
from typing import Any

from addrmatch._cli_common import EXIT_NO, EXIT_OK, Console, add_format_option, common_options, dumps
from addrmatch._cli_options import csv_cells, csv_value
from addrmatch.address import BOI_FIELDS, Address
from addrmatch.dedupe import one_line
from addrmatch.errors import AddressError
from addrmatch.key import Explanation, explain, match_key
from addrmatch.normalize import normalize

__all__ = ["add_address_commands"]


def add_address_commands(sub: Any) -> None:
    """Add ``normalize`` and ``match`` to the ``addrmatch`` subparsers.

    >>> from addrmatch._cli_common import ArgumentParser
    >>> parser = ArgumentParser(prog="addrmatch")
    >>> add_address_commands(parser.add_subparsers(dest="command"))
    >>> "normalize" in parser.format_help()
    True
    """
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
    add_format_option(
        p,
        "text: one line per address; json: one JSON object per line, the BOI field names and"
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
    add_format_option(
        p, "text: a table; json: same, leftKey, rightKey and each field; csv: one row per field"
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
            writer.writerow([text, *csv_cells(address), match_key(address) if address else "", error])
    return EXIT_NO if failed else EXIT_OK


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
                    *(csv_value(v) for v in f.values()),
                    csv_value(result.same),
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
