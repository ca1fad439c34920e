"""The database output of a dedupe run (``addrmatch dedupe ... --db out.db``).

An :class:`~addrmatch.AddressStore` file (so ``addrmatch search out.db``
and ``AddressStore("out.db")`` work on it) holding one stored address per
distinct address of the input, plus these tables and views of its own, for
Datasette or sqlite-utils:

``dedupe_groups`` (table)
    one row per distinct address: ``address_id`` (as in the CSV output),
    ``store_id`` (the AddressStore row), ``match_key``, the canonical
    ``address``, ``street_line``, ``city``, ``state``, ``zip``, ``rows``,
    ``spellings``, ``sources``.
``dedupe_rows`` (table)
    one row per input row: ``line``, ``address_id`` (empty for an address
    error), ``written`` (the address as the row writes it), ``source`` (the
    ``--source-column`` value) and ``address_error``. Only the address
    columns of the input are copied: names, SSNs, birthdates and every other
    column stay in the CSV files, so nothing here needs hiding.
``dedupe_run`` (table)
    what was read and when: input file, rows, version.
``duplicate_addresses`` (view)
    the groups with more than one row, largest first.
``address_spellings`` (view)
    each distinct spelling of each address with its row count and lines.

The AddressStore's own tables (:func:`internal_tables`) are its machinery;
the README's Datasette recipe hides them. The file is written next to its
destination and renamed into place when complete, owner-only (0o600).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from addrmatch._files import remove_database
from addrmatch.dedupe import DedupeDetails, DedupeSummary, one_line
from addrmatch.store import AddressStore

__all__ = ["OWN_TABLES", "OWN_VIEWS", "internal_tables", "write_database"]

#: The tables and views a dedupe database adds to the AddressStore's.
OWN_TABLES: tuple[str, ...] = ("dedupe_groups", "dedupe_rows", "dedupe_run")
OWN_VIEWS: tuple[str, ...] = ("duplicate_addresses", "address_spellings")

_LOG = logging.getLogger("addrmatch.dedupe")

_SCHEMA = """
CREATE TABLE dedupe_groups (
    address_id INTEGER PRIMARY KEY,
    store_id INTEGER NOT NULL,
    match_key TEXT NOT NULL,
    address TEXT NOT NULL,
    street_line TEXT NOT NULL,
    city TEXT,
    state TEXT,
    zip TEXT,
    rows INTEGER NOT NULL,
    spellings INTEGER NOT NULL,
    sources INTEGER NOT NULL
);
CREATE TABLE dedupe_rows (
    line INTEGER PRIMARY KEY,
    address_id INTEGER REFERENCES dedupe_groups(address_id),
    written TEXT NOT NULL,
    source TEXT,
    address_error TEXT
);
CREATE INDEX dedupe_rows_address_id ON dedupe_rows(address_id);
CREATE TABLE dedupe_run (name TEXT PRIMARY KEY, value TEXT);
CREATE VIEW duplicate_addresses AS
    SELECT address_id, address, rows, spellings, sources, match_key
    FROM dedupe_groups WHERE rows > 1 ORDER BY rows DESC, address_id;
CREATE VIEW address_spellings AS
    SELECT r.address_id, g.address, r.written, COUNT(*) AS rows, GROUP_CONCAT(r.line, ', ') AS lines
    FROM dedupe_rows r JOIN dedupe_groups g ON g.address_id = r.address_id
    GROUP BY r.address_id, r.written ORDER BY r.address_id, rows DESC;
"""


def internal_tables(connection: sqlite3.Connection) -> list[str]:
    """The tables of a dedupe database that are the AddressStore's machinery
    (everything but :data:`OWN_TABLES`), to hide in Datasette.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.db"
    >>> AddressStore(str(p)).close()
    >>> "addresses" in internal_tables(sqlite3.connect(p))
    True
    """
    names = [
        n for (n,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    ]
    return [n for n in names if n not in OWN_TABLES and not n.startswith("sqlite_")]


@contextlib.contextmanager
def _temporary_database(target: Path) -> Iterator[Path]:
    """A fresh owner-only database path next to ``target``, renamed onto it on success."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)  # mkstemp creates the file 0o600: SQLite opens it as an empty database
    try:
        yield Path(name)
        os.replace(name, target)
    except BaseException:
        remove_database(name)
        raise


def write_database(
    path: str | os.PathLike[str],
    summary: DedupeSummary,
    details: DedupeDetails,
    *,
    source: str,
    version: str = "",
) -> int:
    """Write the dedupe database (see the module docstring) to ``path``,
    replacing it whole or not at all; returns the number of stored addresses.

    >>> import io, tempfile, pathlib
    >>> from addrmatch.dedupe import AddressColumns, dedupe_stream
    >>> details = DedupeDetails()
    >>> text = "address\\n12 Elm Street\\n12 ELM ST.\\n14 Elm St\\n"
    >>> summary = dedupe_stream(io.StringIO(text), io.StringIO(), AddressColumns("address"), details=details)
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "out.db"
    >>> write_database(p, summary, details, source="in.csv")
    2
    >>> sqlite3.connect(p).execute("SELECT address, rows FROM duplicate_addresses").fetchall()
    [('12 ELM ST', 2)]
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(f"the output {os.fspath(target)!r} is a directory")
    with _temporary_database(target) as temporary:
        store = AddressStore(os.fspath(temporary))
        try:
            store_ids = store.add_many([g.address for g in details.groups])
            stored = len(store)
            conn = store.connection
            with conn:
                conn.executescript(_SCHEMA)
                conn.executemany(
                    "INSERT INTO dedupe_groups VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        (
                            g.address_id,
                            store_id,
                            g.match_key,
                            one_line(g.address),
                            g.address.street_line(),
                            g.address.city,
                            g.address.state,
                            g.address.zip,
                            g.rows,
                            len(g.spellings),
                            len(g.sources),
                        )
                        for g, store_id in zip(details.groups, store_ids, strict=True)
                    ),
                )
                conn.executemany(
                    "INSERT INTO dedupe_rows VALUES (?, ?, ?, ?, ?)",
                    (
                        (line, g.address_id, written, None, None)
                        for g in details.groups
                        for written, lines in g.spellings.items()
                        for line in lines
                    ),
                )
                conn.executemany(
                    "INSERT INTO dedupe_rows VALUES (?, NULL, ?, NULL, ?)",
                    ((line, written, message) for line, written, message in details.errors),
                )
                if details.source_column is not None:
                    _fill_sources(conn, details)
                conn.executemany(
                    "INSERT INTO dedupe_run VALUES (?, ?)",
                    [
                        ("input", source),
                        ("rows", str(summary.rows)),
                        ("distinct_addresses", str(summary.distinct_addresses)),
                        ("address_errors", str(summary.address_errors)),
                        ("source_column", details.source_column or ""),
                        ("addrmatch_version", version),
                    ],
                )
        finally:
            store.close()
    merged = len(details.groups) - stored
    _LOG.info(
        "database: %d distinct addresses stored as %d AddressStore rows (%d joined an earlier one by the"
        " store's reparse/partial tiers)",
        len(details.groups),
        stored,
        merged,
    )
    return stored


def _fill_sources(conn: sqlite3.Connection, details: DedupeDetails) -> None:
    """Each row's source (``--source-column``), from the per-line record of :class:`DedupeDetails`."""
    if details.row_sources:
        conn.executemany(
            "UPDATE dedupe_rows SET source = ? WHERE line = ?", ((s, line) for line, s in details.row_sources)
        )
