"""What the commands that read address files share (``dedupe``, ``load``):
the column options (``--column``, ``--city-column``... ``--encoding``,
``--delimiter``, ``--example``), the input paths, the example data shipped
in the package, and an address as CSV cells (``normalize``, ``search``,
``report`` and the dedupe summary write the same cells).
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path

from addrmatch._cli_common import CommandError
from addrmatch._csvinput import CSVInputError, parse_delimiter
from addrmatch.address import BOI_FIELDS, Address
from addrmatch.dedupe import AddressColumns

__all__ = [
    "EXAMPLE_COLUMNS",
    "EXAMPLE_FILE",
    "add_column_options",
    "address_columns",
    "csv_cells",
    "csv_value",
    "example_path",
    "input_paths",
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


def add_column_options(p: argparse.ArgumentParser) -> None:
    """Add the options saying where the address is in an input file.

    >>> p = argparse.ArgumentParser()
    >>> add_column_options(p)
    >>> p.parse_args(["--column", "street", "--zip-column", "zip"]).zip_column
    'zip'
    """
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


def address_columns(args: argparse.Namespace) -> AddressColumns:
    """The address columns the options name (the example file's without ``--column``
    when ``--example`` is given).

    >>> address_columns(argparse.Namespace(column="street", city_column=None, state_column=None,
    ...     zip_column="zip", unit_column=None, line2_column=None, example=False)).zip
    'zip'
    """
    others = (args.city_column, args.state_column, args.zip_column, args.unit_column, args.line2_column)
    if args.column is None:
        if args.example and not any(others):
            return EXAMPLE_COLUMNS
        raise CommandError("--column is required: the name of the column holding the address")
    city, state, zip_, unit, line2 = others
    return AddressColumns(args.column, city=city, state=state, zip=zip_, unit=unit, line2=line2)


@contextlib.contextmanager
def input_paths(args: argparse.Namespace, inputs: Sequence[str]) -> Iterator[list[str]]:
    """The input paths, or the packaged example file with ``--example``.

    >>> with input_paths(argparse.Namespace(example=False), ["a.csv"]) as paths:
    ...     paths
    ['a.csv']
    """
    if args.example:
        if inputs:
            raise CommandError("give either input files or --example, not both")
        with example_path() as path:
            yield [os.fspath(path)]
        return
    if not inputs:
        raise CommandError("no input file (give a CSV file, or --example for the shipped example data)")
    yield list(inputs)


def csv_cells(address: Address | None) -> list[str]:
    """The BOI fields of an address as CSV cells: "" for None, true/false for the box flag.

    >>> csv_cells(None) == [""] * len(BOI_FIELDS)
    True
    """
    if address is None:
        return [""] * len(BOI_FIELDS)
    return [csv_value(v) for v in address.to_boi().values()]


def csv_value(value: object) -> str:
    """A JSON value as a CSV cell: "" for null, true/false for booleans.

    >>> [csv_value(None), csv_value(True), csv_value(3)]
    ['', 'true', '3']
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
