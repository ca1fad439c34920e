"""Streaming address dedupe of a CSV file: the address proliferation report.

:func:`dedupe_csv` reads a CSV file row by row and writes every row back with
these columns added (:data:`ADDED_COLUMNS`):

``address_id``
    The same number for every row of the same address (equal
    :func:`~addrmatch.match_key`), numbered 1, 2, ... in order of first
    appearance in the file.
``match_key``
    The key itself.
``canonical_address``, ``canonical_city``, ``canonical_state``, ``canonical_zip``
    The row's address in USPS Publication 28 canonical form.
``address_error``
    Empty, or why the row's address could not be read. Such a row gets
    empty address columns; one bad address never aborts the file.

The address may be spread over several columns (:class:`AddressColumns`):
the street line (or the whole address), city, state, ZIP, and a unit
(``Apt 4``, ``#4``, ``4``) or second address line, which is joined into the
address -- so that Apt 4 and Apt 5 of one building stay two addresses.
Cells that hold no value (empty, ``NA``, ``N/A``, ``null``, ``NaN``) are
missing.

Memory: no list of rows is kept. The only state that grows is one small
entry per *distinct* address (its key, id, row count and canonical text), so
memory is proportional to the number of distinct addresses, not to the number
of rows; a parse cache of bounded size (:data:`CACHE_SIZE` entries) avoids
parsing a repeated spelling twice. Rows are written in input order; sort the
output by ``address_id`` to see each group together.

**The typo tier** (``typos=True``, ``addrmatch dedupe --typos``; off by
default): the store's opt-in typo tier applied to the file, as if the file
were the store being built, in the order of first appearance. A distinct
address joins an earlier one when, under the one typo rule
(:func:`addrmatch.typos.typo_pair`: the same house number, ZIP5, unit,
directionals and suffix; street names one edit apart, four letters or
more, the same digits), exactly one earlier address (one that did not
itself join another) fits -- never when two fit, and never when both
spellings are **established** in the file: each names a street of that
ZIP5 at another house number too (rows before or after), so both are real
streets. (The store refuses when the input's own spelling is a stored
street of the ZIP; in a file, which of two spellings comes first is an
accident, so both must be real streets to refuse.) A joined row gets the
earlier address's ``address_id``, its own ``match_key`` and canonical
columns, and ``address_tier = 'typo'`` -- a column added only with
``--typos``, empty on the other rows, as ``--partial`` of the DuckDB engine
does with ``'partial'``; ids stay numbered 1, 2, ... by first appearance.
The decision needs the whole file (what is established), so with typos the
rows are written to a temporary file first (on disk, not in memory) and
copied to the output once the joins are known, each with its final id;
memory grows by one entry per distinct street address (its house number,
ZIP and canonical components) and per street spelling and ZIP.

The CSV is read strictly: every row must have as many fields as the header
(a malformed row stops the run with :class:`CSVInputError` naming its line),
because a shifted row would put the wrong text into the address. Blank lines
are skipped. :func:`dedupe_csv` writes to a temporary file next to the output
and renames it into place only on success, so an error never leaves a
half-written output.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import functools
import heapq
import logging
import os
import tempfile
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from addrmatch import _files
from addrmatch._csvinput import CSVInputError, CSVRows, column_index, missing_cell, open_lines
from addrmatch.address import Address
from addrmatch.errors import AddressError
from addrmatch.key import match_key
from addrmatch.normalize import normalize
from addrmatch.typos import typo_pair

__all__ = [
    "ADDED_COLUMNS",
    "CACHE_SIZE",
    "TIER_COLUMN",
    "AddressColumns",
    "CSVInputError",
    "CSVRows",
    "DedupeDetails",
    "DedupeSummary",
    "Group",
    "GroupDetail",
    "dedupe_csv",
    "dedupe_stream",
    "make_analyser",
    "one_line",
    "write_atomically",
]

#: The columns :func:`dedupe_csv` appends to every row, in this order.
ADDED_COLUMNS: tuple[str, ...] = (
    "address_id",
    "match_key",
    "canonical_address",
    "canonical_city",
    "canonical_state",
    "canonical_zip",
    "address_error",
)
#: The column ``typos=True`` adds (and ``--engine duckdb --partial``): how a row
#: joined an earlier address ('typo'; 'partial' on DuckDB), empty for the others.
TIER_COLUMN = "address_tier"
#: How many distinct (street, city, state, zip) spellings the parse cache keeps.
CACHE_SIZE = 1 << 16
#: How often (in rows) the progress callback is called.
_PROGRESS_EVERY = 500

#: ``progress(rows_done, bytes_read)``
ProgressCallback = Callable[[int, int], None]
#: The cells of one row that make its address: street, city, state, zip, unit, line 2.
Cells = tuple[str, str, str, str, str, str]

_LOG = logging.getLogger("addrmatch.dedupe")


@dataclass(frozen=True)
class AddressColumns:
    """Which CSV columns hold the address.

    ``street`` holds the street line (or the whole address as free text when
    no place columns are named). With ``city``/``state``/``zip`` columns the
    row becomes a BOI mapping ``{"fullStreetAddress": ..., "city": ...,
    "state": ..., "zip": ...}``; a missing place cell (empty, ``NA``...) is
    left out. ``line2`` (a second address line) and ``unit`` (``Apt 4``,
    ``#4``, a bare ``4``) are joined into the address as its unit.

    >>> columns = AddressColumns("address", zip="zip", unit="apt")
    >>> cells = columns.cells(["Ann", "4321 N Lexington Ave", "55123", "4"], [1, None, None, 2, 3, None])
    >>> cells
    ('4321 N Lexington Ave', '', '', '55123', '4', '')
    >>> columns.value(cells), columns.unit_text(cells)
    ({'fullStreetAddress': '4321 N Lexington Ave', 'zip': '55123'}, '4')
    >>> AddressColumns("address").value(("4321 N Lexington Ave, Blaine MN", "", "", "", "", ""))
    '4321 N Lexington Ave, Blaine MN'
    """

    street: str
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    unit: str | None = None
    line2: str | None = None

    #: The command-line option of each column, for messages.
    OPTIONS = (
        "--column",
        "--city-column",
        "--state-column",
        "--zip-column",
        "--unit-column",
        "--line2-column",
    )

    def names(self) -> tuple[str | None, ...]:
        """The six column names (None when not used): street, city, state, zip, unit, line 2."""
        return (self.street, self.city, self.state, self.zip, self.unit, self.line2)

    def has_place(self) -> bool:
        """True when any of city/state/zip columns is named."""
        return any(name is not None for name in (self.city, self.state, self.zip))

    def indexes(self, rows: CSVRows) -> list[int | None]:
        """Column positions in ``rows``' header (None when not used); a
        missing column is a :class:`CSVInputError` naming its option."""
        return self.indexes_in(rows.header, source=rows.source, delimiter=rows.delimiter)

    def indexes_in(self, header: list[str], *, source: str = "", delimiter: str = ",") -> list[int | None]:
        """Column positions in ``header`` (see :meth:`indexes`).

        >>> AddressColumns("address", zip="zip").indexes_in(["id", "zip", "address"])
        [2, None, None, 1, None, None]
        """
        names = [n for n in self.names() if n is not None]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise CSVInputError(f"column {twice[0]!r} is named for two parts of the address", source=source)
        return [
            None
            if name is None
            else column_index(header, name, source=source, option=option, delimiter=delimiter)
            for name, option in zip(self.names(), self.OPTIONS, strict=True)
        ]

    def cells(self, row: Sequence[str], indexes: Sequence[int | None]) -> Cells:
        """The street, city, state, zip, unit and line-2 cells of a row ("" for a column not used)."""
        street, city, state, zip_, unit, line2 = (row[i] if i is not None else "" for i in indexes)
        return street, city, state, zip_, unit, line2

    def value(self, cells: Cells) -> str | dict[str, str]:
        """The address input for one row's :meth:`cells` (without the unit):
        the text, or a BOI mapping when place columns are named."""
        if not self.has_place():
            return cells[0]
        mapping = {"fullStreetAddress": cells[0]}
        for name, cell in zip(("city", "state", "zip"), cells[1:4], strict=True):
            if not missing_cell(cell):
                mapping[name] = cell
        return mapping

    def unit_text(self, cells: Cells) -> str:
        """The unit to join into the address: line 2, then the unit cell ("" when both are missing)."""
        return " ".join(c.strip() for c in (cells[5], cells[4]) if not missing_cell(c))

    def written(self, cells: Cells) -> str:
        """The address as the row writes it, on one line (for reports).

        >>> AddressColumns("a", zip="z", unit="u").written(("12 Elm St", "", "", "55123", "NA", ""))
        '12 Elm St, 55123'
        """
        parts = (cells[0], cells[5], cells[4], cells[1], cells[2], cells[3])
        return ", ".join(c.strip() for c in parts if not missing_cell(c))


@dataclass(frozen=True)
class Group:
    """One distinct address in a dedupe run: its id, row count and canonical text."""

    address_id: int
    rows: int
    address: str


@dataclass
class DedupeSummary:
    """What a dedupe run found.

    ``duplicate_rows`` counts rows whose address appeared earlier in the file
    (``rows - address_errors - distinct_addresses``). ``largest_groups``
    holds the biggest groups, largest first; ``first_errors`` up to five
    ``(line, message)`` pairs.
    """

    rows: int = 0
    distinct_addresses: int = 0
    address_errors: int = 0
    largest_groups: list[Group] = field(default_factory=list)
    first_errors: list[tuple[int, str]] = field(default_factory=list)
    output: str = ""
    #: With ``typos=True``: how many distinct spellings joined an earlier address (None: not asked).
    typo_joins: int | None = None

    @property
    def duplicate_rows(self) -> int:
        """Rows that repeat an address seen earlier in the file."""
        return self.rows - self.address_errors - self.distinct_addresses

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the summary (camelCase keys, as every command's JSON).

        >>> DedupeSummary(rows=2, distinct_addresses=1).as_dict()["duplicateRows"]
        1
        """
        return {
            "rows": self.rows,
            "distinctAddresses": self.distinct_addresses,
            "duplicateRows": self.duplicate_rows,
            "addressErrors": self.address_errors,
            "largestGroups": [
                {"addressId": g.address_id, "rows": g.rows, "address": g.address} for g in self.largest_groups
            ],
            "firstErrors": [{"line": line, "error": message} for line, message in self.first_errors],
            "output": self.output,
            **({} if self.typo_joins is None else {"typoJoins": self.typo_joins}),
        }


@dataclass
class GroupDetail:
    """Everything a report shows of one distinct address: its id, key and
    canonical form, and each spelling with the lines that write it so."""

    address_id: int
    match_key: str
    address: Address
    rows: int = 0
    spellings: dict[str, array[int]] = field(default_factory=dict)
    sources: Counter[str] = field(default_factory=Counter)

    def add(self, line: int, written: str, source: str | None) -> None:
        """Count one more row of this address."""
        self.rows += 1
        lines = self.spellings.get(written)
        if lines is None:
            lines = self.spellings[written] = array("I")
        lines.append(line)
        if source is not None:
            self.sources[source] += 1


@dataclass
class DedupeDetails:
    """What :func:`dedupe_stream` collects for the HTML report and the
    database output (``details=DedupeDetails()``): every group with its
    spellings and row lines, rows per source (``source_column``), every
    address error. It grows with the number of rows (a few bytes a row), so
    it is collected only when asked for.
    """

    source_column: str | None = None
    groups: list[GroupDetail] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    rows_by_source: Counter[str] = field(default_factory=Counter)
    row_sources: list[tuple[int, str]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    delimiter: str = ","


def one_line(address: Address) -> str:
    """An address on one line: street line, city, state and zip.

    >>> one_line(Address(number="4321", street="MAIN", tag="ST", city="BLAINE", state="MN", zip="55123"))
    '4321 MAIN ST, BLAINE, MN 55123'
    """
    place = " ".join(p for p in (address.state, address.zip) if p)
    return ", ".join(p for p in (address.street_line(), address.city, place) if p)


def make_analyser(
    columns: AddressColumns, *, cache_size: int = CACHE_SIZE
) -> Callable[[Cells], tuple[str, Address]]:
    """A function: a row's :meth:`AddressColumns.cells` -> (match key, canonical
    address), cached on the cells (at most ``cache_size`` entries; 0: no cache,
    for a caller whose cells are all distinct, as the engines' spellings). It
    raises :class:`~addrmatch.errors.AddressError` for a missing or unreadable
    address, and for a unit column that contradicts a unit in the street line.

    >>> analyse = make_analyser(AddressColumns("address", zip="zip", unit="apt"))
    >>> analyse(("12 Elm Street", "", "", "55123", "", ""))[0] == analyse(("12 ELM ST.", "", "", "55123-0001", "NA", ""))[0]
    True
    >>> analyse(("12 Elm St", "", "", "55123", "4", ""))[1].apt, analyse(("12 Elm St", "", "", "55123", "Apt 5", ""))[1].apt
    ('4', '5')
    """
    unit_columns = " and ".join(f"{n!r}" for n in (columns.line2, columns.unit) if n is not None)

    def analyse(cells: Cells) -> tuple[str, Address]:
        if missing_cell(cells[0]):
            raise AddressError(
                f"{columns.street}: the address is missing", fields=(columns.street,), rule="required"
            )
        canonical = normalize(columns.value(cells))
        unit = columns.unit_text(cells)
        if unit:
            joined = normalize(dataclasses.replace(canonical, apt=unit))
            if canonical.apt is not None and canonical.apt != joined.apt:
                raise AddressError(
                    f"{columns.street}: the street line has the unit {canonical.apt!r} and {unit_columns}"
                    f" the unit {joined.apt!r}",
                    fields=("apt",),
                    rule="conflicting-units",
                )
            canonical = joined
        return match_key(canonical), canonical

    return functools.lru_cache(maxsize=cache_size)(analyse) if cache_size else analyse


class _TypoJoins:
    """``typos=True``: what the typo tier needs of each distinct street
    address, and the joins once the whole file is read (module docstring).

    >>> t = _TypoJoins()
    >>> for gid, street, number in [(1, "ROOSEVELT", "12"), (2, "ROOSEVELT", "14"), (3, "ROOSVELT", "12")]:
    ...     t.add(gid, Address(number=number, street=street, tag="ST", zip="55123"))
    >>> t.joins()
    {3: 1}
    """

    __slots__ = ("near", "numbers")

    def __init__(self) -> None:
        #: (house number, ZIP5) -> the distinct addresses there, by id (first appearance).
        self.near: dict[tuple[str, str], list[tuple[int, Address]]] = {}
        #: (ZIP5, street) -> the one house number it was seen with, or None: several.
        self.numbers: dict[tuple[str, str], str | None] = {}

    def add(self, group_id: int, address: Address) -> None:
        """Remember a new distinct address (the rule needs a street, a number and a ZIP)."""
        if address.po_box or not address.number or not address.street or not address.zip:
            return
        zip5 = address.zip[:5]
        self.near.setdefault((address.number, zip5), []).append((group_id, address))
        spelling = (zip5, address.street)
        seen = self.numbers.get(spelling, address.number)
        self.numbers[spelling] = address.number if seen == address.number else None

    def _established(self, zip5: str, street: str, number: str) -> bool:
        """True when ``street`` names a street of ``zip5`` at a house number other than ``number``."""
        spelling = (zip5, street)
        return spelling in self.numbers and self.numbers[spelling] != number

    def joins(self) -> dict[int, int]:
        """Each joining address id -> the earlier address id it joins."""
        joined: dict[int, int] = {}
        for here in self.near.values():
            for i, (group_id, address) in enumerate(here):
                fits: dict[str, int] = {}
                for earlier_id, earlier in here[:i]:
                    if earlier_id in joined:
                        continue  # a joined spelling is not a stored street
                    pair = typo_pair(address, earlier)
                    if pair is not None:
                        fits.setdefault(pair[1], earlier_id)
                if len(fits) != 1:
                    continue
                ((other, earlier_id),) = fits.items()
                zip5, number = (address.zip or "")[:5], address.number or ""
                if self._established(zip5, address.street or "", number) and self._established(
                    zip5, other, number
                ):
                    continue  # two real streets
                joined[group_id] = earlier_id
        return joined


def _renumber(
    groups: dict[str, list[Any]], joins: dict[int, int], details: DedupeDetails | None
) -> dict[int, tuple[int, bool]]:
    """Apply the typo joins: provisional id -> (final id, joined?). ``groups``
    keeps one entry per final address (rows counted together), numbered 1, 2,
    ... by first appearance; ``details`` merges the joined groups likewise."""
    final: dict[int, tuple[int, bool]] = {}
    by_id: dict[int, list[Any]] = {}
    for key, group in list(groups.items()):
        provisional = group[0]
        target = joins.get(provisional)
        if target is None:
            final[provisional] = (len(by_id) + 1, False)
            by_id[provisional] = group
        else:
            final[provisional] = (final[target][0], True)
            by_id[target][1] += group[1]
            del groups[key]
        # (dicts keep insertion order: a target, first seen earlier, is always numbered already)
    if details is not None:
        kept: list[GroupDetail] = []
        for detail in details.groups:
            new_id, joined = final[detail.address_id]
            if not joined:
                detail.address_id = new_id
                kept.append(detail)
                continue
            into = kept[new_id - 1]
            into.rows += detail.rows
            for written, lines in detail.spellings.items():
                into.spellings.setdefault(written, array("I")).extend(lines)
            into.sources.update(detail.sources)
        details.groups = kept
    for provisional, group in by_id.items():
        group[0] = final[provisional][0]
    return final


def _copy_with_final_ids(
    spool: TextIO, outfile: TextIO, delimiter: str, column: int, final: dict[int, tuple[int, bool]]
) -> None:
    """Copy the spooled rows to ``outfile`` with their final ``address_id``
    (at ``column``) and the :data:`TIER_COLUMN` cell."""
    spool.seek(0)
    writer = csv.writer(outfile, delimiter=delimiter, lineterminator="\n")
    for row in csv.reader(spool, delimiter=delimiter):
        tier = ""
        if row[column]:
            new_id, joined = final[int(row[column])]
            row[column] = str(new_id)
            tier = "typo" if joined else ""
        row.append(tier)
        writer.writerow(row)


def dedupe_stream(
    infile: Iterable[str],
    outfile: TextIO,
    columns: AddressColumns,
    *,
    source: str = "<input>",
    top: int = 10,
    progress: ProgressCallback | None = None,
    position: Callable[[], int] | None = None,
    delimiter: str | None = None,
    details: DedupeDetails | None = None,
    typos: bool = False,
) -> DedupeSummary:
    """Dedupe CSV text from ``infile`` (a text file or any iterable of
    lines) into ``outfile``, row by row.

    ``typos=True`` adds the typo tier and the :data:`TIER_COLUMN` column
    (module docstring); the rows then pass through a temporary file.

    ``delimiter=None`` finds the input's delimiter from its header line; the
    output uses the same one. ``progress(rows_done, position())`` is called
    every few hundred rows (``position`` defaults to the row count). With
    ``details``, every group's spellings and lines are collected there (for
    :mod:`addrmatch.dedupe_report`). Raises :class:`CSVInputError` for a
    missing column or a malformed row.

    >>> import io
    >>> out = io.StringIO()
    >>> text = "name,address\\nAnn,4321 North Lexington Avenue\\nBob,4321 n lexington ave.\\nCy,12 Elm St\\n"
    >>> s = dedupe_stream(io.StringIO(text), out, AddressColumns("address"))
    >>> (s.rows, s.distinct_addresses, s.duplicate_rows)
    (3, 2, 1)
    >>> [line.split(",")[2] for line in out.getvalue().splitlines()]
    ['address_id', '1', '1', '2']
    """
    started = time.perf_counter()
    rows = CSVRows(infile, source=source, delimiter=delimiter)
    indexes = columns.indexes(rows)
    added = (*ADDED_COLUMNS, TIER_COLUMN) if typos else ADDED_COLUMNS
    clash = [name for name in added if name in rows.header]
    if clash:
        raise CSVInputError(
            f"the input already has the column(s) {', '.join(clash)} that dedupe adds;"
            " rename or drop them first (is this a dedupe output?)",
            source=source,
        )
    source_index = None
    if details is not None:
        details.header, details.delimiter = list(rows.header), rows.delimiter
        if details.source_column is not None:
            source_index = rows.index(details.source_column, option="--source-column")
    analyse = make_analyser(columns)
    # match_key -> [address_id, rows, canonical one-line text]; one entry per distinct address.
    groups: dict[str, list[Any]] = {}
    summary = DedupeSummary()
    header_writer = csv.writer(outfile, delimiter=rows.delimiter, lineterminator="\n")
    header_writer.writerow([*rows.header, *added])
    with contextlib.ExitStack() as stack:  # the typo tier's temporary file
        joiner = _TypoJoins() if typos else None
        spool = (
            stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8", newline="")) if typos else None
        )
        writer = csv.writer(spool, delimiter=rows.delimiter, lineterminator="\n") if spool else header_writer
        empty_place = ("",) * 4
        count = 0
        for line, row in rows:
            count += 1
            cells = columns.cells(row, indexes)
            origin = None if source_index is None else (row[source_index].strip() or "(none)")
            try:
                key, canonical = analyse(cells)
            except AddressError as e:
                summary.address_errors += 1
                message = str(e) or type(e).__name__
                if len(summary.first_errors) < 5:
                    summary.first_errors.append((line, message))
                writer.writerow([*row, "", "", *empty_place, message])
                if details is not None:
                    details.errors.append((line, columns.written(cells), message))
                    if origin is not None:
                        details.rows_by_source[origin] += 1
                        details.row_sources.append((line, origin))
            else:
                group = groups.get(key)
                if group is None:
                    group = groups[key] = [len(groups) + 1, 0, one_line(canonical)]
                    if joiner is not None:
                        joiner.add(group[0], canonical)
                    if details is not None:
                        details.groups.append(GroupDetail(group[0], key, canonical))
                group[1] += 1
                if details is not None:
                    details.groups[group[0] - 1].add(line, columns.written(cells), origin)
                    if origin is not None:
                        details.rows_by_source[origin] += 1
                        details.row_sources.append((line, origin))
                writer.writerow(
                    [
                        *row,
                        group[0],
                        key,
                        canonical.street_line(),
                        canonical.city or "",
                        canonical.state or "",
                        canonical.zip or "",
                        "",
                    ]
                )
            if progress is not None and count % _PROGRESS_EVERY == 0:
                progress(count, position() if position is not None else count)
        if progress is not None:
            progress(count, position() if position is not None else count)
        if joiner is not None and spool is not None:
            joins = joiner.joins()
            final = _renumber(groups, joins, details)
            _copy_with_final_ids(spool, outfile, rows.delimiter, len(rows.header), final)
            summary.typo_joins = len(joins)
            _LOG.info("typo tier: %d distinct spellings joined an earlier address", len(joins))
    summary.rows = count
    summary.distinct_addresses = len(groups)
    biggest = heapq.nsmallest(top, groups.values(), key=lambda g: (-g[1], g[0])) if top > 0 else []
    summary.largest_groups = [Group(g[0], g[1], g[2]) for g in biggest if g[1] > 1]
    cache = analyse.cache_info()  # type: ignore[attr-defined]
    _LOG.info(
        "%d rows, %d distinct spellings read (%d cache hits), %d distinct addresses, %d address errors in %.3f s",
        count,
        cache.misses,
        cache.hits,
        len(groups),
        summary.address_errors,
        time.perf_counter() - started,
    )
    return summary


@contextlib.contextmanager
def write_atomically(
    output_path: str | os.PathLike[str], *, source: str | os.PathLike[str] | None = None, mode: int = 0o600
) -> Iterator[TextIO]:
    """Yield a text stream whose content replaces ``output_path`` only when the
    ``with`` block succeeds: it is a temporary file in the same directory,
    renamed into place at the end (with ``mode``, default 0o600: readable
    and writable by its owner only, whatever the umask, since the rows hold
    names and home addresses) and deleted on any error. Refuses to
    overwrite ``source`` (the input) or a directory.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "out.csv"
    >>> try:
    ...     with write_atomically(p) as out:
    ...         _ = out.write("half a file")
    ...         raise RuntimeError("disk on fire")
    ... except RuntimeError:
    ...     pass
    >>> p.exists(), list(p.parent.iterdir())
    (False, [])
    """
    target = Path(output_path)
    if target.is_dir():
        raise CSVInputError(f"the output {os.fspath(target)!r} is a directory")
    if source is not None and target.exists() and Path(source).exists() and os.path.samefile(source, target):
        raise CSVInputError("the output is the input file; choose another output", source=os.fspath(source))
    with _files.write_atomically(target, mode=mode) as outfile:
        yield outfile


def dedupe_csv(
    input_path: str | os.PathLike[str],
    output_path: str | os.PathLike[str],
    columns: AddressColumns | str,
    *,
    city_column: str | None = None,
    state_column: str | None = None,
    zip_column: str | None = None,
    unit_column: str | None = None,
    line2_column: str | None = None,
    encoding: str = "utf-8-sig",
    delimiter: str | None = None,
    top: int = 10,
    progress: ProgressCallback | None = None,
    details: DedupeDetails | None = None,
    typos: bool = False,
) -> DedupeSummary:
    """Dedupe the CSV file ``input_path`` into ``output_path``: every row
    written back with ``address_id``, ``match_key``, the canonical address
    columns and ``address_error`` (see :mod:`addrmatch.dedupe`); returns
    the :class:`DedupeSummary`. Streams: memory grows with the number of
    distinct addresses, not of rows.

    ``columns`` is the name of the address column (the street line, or the
    whole address as free text), with the other parts in ``city_column``,
    ``state_column``, ``zip_column``, ``unit_column`` and ``line2_column``;
    or an :class:`AddressColumns`. ``delimiter=None`` finds it from the
    header. The output (owner-only, 0o600) appears only when the whole file
    succeeded (:func:`write_atomically`). ``progress(rows_done, bytes_read)``
    reports progress. ``typos=True``: the opt-in typo tier (module docstring).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "in.csv").write_text("address,apt\\n12 Elm Street,4\\n12 ELM ST.,Apt 4\\n12 Elm St,5\\n")
    >>> dedupe_csv(d / "in.csv", d / "out.csv", "address", unit_column="apt").distinct_addresses
    2
    """
    if isinstance(columns, str):
        columns = AddressColumns(
            columns,
            city=city_column,
            state=state_column,
            zip=zip_column,
            unit=unit_column,
            line2=line2_column,
        )
    elif any(c is not None for c in (city_column, state_column, zip_column, unit_column, line2_column)):
        raise TypeError("give the columns either as an AddressColumns or as names, not both")
    source = os.fspath(input_path)
    with open_lines(source, encoding) as lines, write_atomically(output_path, source=source) as outfile:
        summary = dedupe_stream(
            lines,
            outfile,
            columns,
            source=source,
            top=top,
            progress=progress,
            position=lines.position,
            delimiter=delimiter,
            details=details,
            typos=typos,
        )
    summary.output = os.fspath(output_path)
    return summary
