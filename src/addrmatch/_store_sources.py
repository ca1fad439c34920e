"""Where :mod:`addrmatch._store_tiers` looks rows up, and the row layout of ``addresses``.

* :class:`Live`: one value at a time, straight against the database
  (``resolve``, ``find``);
* :class:`Batch`: one batch of ``add_many``: the rows the batch can match
  are fetched in a few bulk statements, the rows it creates kept in memory
  until they are inserted together;
* :func:`row_address` / :func:`row_values`: a row of ``addresses`` to an
  :class:`~addrmatch.Address` and back; the SQL text used on that table.

Only the store's modules read or write the ``addresses`` table; anything
else asks an :class:`~addrmatch.AddressStore` method.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from addrmatch import _store_schema as schema
from addrmatch import _store_search as search_
from addrmatch._store_tiers import Row
from addrmatch.address import Address

__all__ = [
    "BY_KEY",
    "CHUNK",
    "COLUMNS",
    "FIELDS",
    "INSERT",
    "KEY_OF_ROW",
    "NEAR_ZIP",
    "SELECT",
    "Batch",
    "Live",
    "insert_rows",
    "next_id",
    "row_address",
    "row_values",
    "search_candidates",
]

COLUMNS = schema.ADDRESS_COLUMNS
FIELDS = f"id, {', '.join(COLUMNS)}"
SELECT = f"SELECT {FIELDS} FROM addresses"
INSERT = (
    f"INSERT INTO addresses (id, {', '.join(COLUMNS)}, original, match_key, duplicate, legacy) "
    f"VALUES ({', '.join('?' * (len(COLUMNS) + 5))})"
)
BY_KEY = SELECT + " WHERE match_key = ? AND duplicate = 0"
NEAR_ZIP = SELECT + " WHERE number = ? AND zip BETWEEN ? AND ? AND duplicate = 0"
NEAR_NO_ZIP = SELECT + " WHERE number = ? AND state = ? AND zip IS NULL AND duplicate = 0"
NEAR_STATE = SELECT + " WHERE number = ? AND state = ? AND duplicate = 0"
STREET_IN_ZIP = "SELECT 1 FROM addresses WHERE street = ? AND zip BETWEEN ? AND ? LIMIT 1"
#: At most this many bound parameters per statement (SQLite's limit was 999 before 3.32).
CHUNK = 900
KEY_OF_ROW = itemgetter(16)  # match_key in row_values()


# Setting an Address's slots directly: Address is a frozen dataclass whose
# __init__ assigns its fields and whose __post_init__ only checks the types a
# caller passes (text or None; po_box true/false); a stored row is already
# canonical (TEXT columns, po_box 0/1 turned into a bool here), so the 14 slot
# writes are all that building one takes (half the time of __init__, on every
# lookup hit). tests/test_store.py compares both ways.
if tuple(COLUMNS) != Address.__match_args__:
    raise ImportError("addrmatch._store_sources: Address changed; update row_address to build it")
_new = object.__new__
(_po_box, _number, _prefix, _street, _tag, _direction, _apt,
 _city, _state, _zip, _county, _location, _tract, _block) = (
    getattr(Address, c).__set__ for c in COLUMNS
)  # fmt: skip


def row_address(row: Sequence[Any]) -> Row:
    """A row selected as ``SELECT id, <the component columns>`` as (id, Address).

    >>> row_address((7, 0, "12", None, "MAIN", "ST", None, None, "BLAINE", "MN", "55123", None, None, None, None))
    (7, Address(po_box=False, number='12', prefix=None, street='MAIN', tag='ST', direction=None, apt=None, \
city='BLAINE', state='MN', zip='55123', county=None, location_code=None, tract=None, block=None))
    """
    a = _new(Address)
    _po_box(a, row[1] == 1)
    _number(a, row[2])
    _prefix(a, row[3])
    _street(a, row[4])
    _tag(a, row[5])
    _direction(a, row[6])
    _apt(a, row[7])
    _city(a, row[8])
    _state(a, row[9])
    _zip(a, row[10])
    _county(a, row[11])
    _location(a, row[12])
    _tract(a, row[13])
    _block(a, row[14])
    return row[0], a


def _zip_range(address: Address) -> tuple[str, str, str]:
    zip5 = address.zip[:5] if address.zip else ""
    return zip5, zip5, zip5 + "-9999"


class Live:
    """Tier lookups straight against the database."""

    __slots__ = ("conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def by_key(self, key: str) -> Row | None:
        row = self.conn.execute(BY_KEY, (key,)).fetchone()
        return row_address(row) if row is not None else None

    def near(self, address: Address) -> list[Row]:
        if not address.number:
            return []
        execute = self.conn.execute
        if address.zip:
            _, low, high = _zip_range(address)
            rows = execute(NEAR_ZIP, (address.number, low, high)).fetchall()
            if address.state:
                rows += execute(NEAR_NO_ZIP, (address.number, address.state)).fetchall()
        elif address.state:
            rows = execute(NEAR_STATE, (address.number, address.state)).fetchall()
        else:
            return []
        return [row_address(r) for r in rows]

    def has_street(self, street: str, zip5: str) -> bool:
        return self.conn.execute(STREET_IN_ZIP, (street, zip5, zip5 + "-9999")).fetchone() is not None


class Batch:
    """Tier lookups for one batch of ``add_many``: the rows the batch can
    match are fetched from the database in a few bulk queries, and the rows
    the batch creates are kept in memory until they are inserted together.
    Runs inside the write transaction, so the database cannot change under it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.live = Live(conn)
        self.keys: dict[str, Row | None] = {}  # None: known to be absent
        self.by_zip: dict[tuple[str, str], list[Row]] = {}
        self.no_zip: dict[tuple[str, str], list[Row]] = {}
        self.created_zip: dict[tuple[str, str], list[Row]] = {}
        self.created_state: dict[tuple[str, str], list[Row]] = {}
        self.created_no_zip: dict[tuple[str, str], list[Row]] = {}
        self.new_rows: list[tuple[Any, ...]] = []
        self.created_streets: set[tuple[str, str]] = set()

    def load_keys(self, keys: Iterable[str]) -> None:
        """Prefetch the rows of these keys (and remember the absent ones)."""
        missing = [k for k in dict.fromkeys(keys) if k not in self.keys]
        for key in missing:
            self.keys[key] = None
        for start in range(0, len(missing), CHUNK):
            chunk = missing[start : start + CHUNK]
            sql = (
                f"SELECT match_key, {FIELDS} FROM addresses "
                f"WHERE duplicate = 0 AND match_key IN ({','.join('?' * len(chunk))})"
            )
            for row in self.conn.execute(sql, chunk):
                self.keys[row[0]] = row_address(row[1:])

    def load_near(self, addresses: Iterable[Address]) -> None:
        """Prefetch what :meth:`Live.near` would return for the addresses that
        have a ZIP: the rows with the same house number and ZIP5, and the rows
        without a ZIP with the same house number and state."""
        probes = {(a.number, a.zip[:5], a.state or "") for a in addresses if a.number and a.zip}
        probes = {p for p in probes if (p[0], p[1]) not in self.by_zip}
        if not probes:
            return
        for number, zip5, state in probes:
            self.by_zip[(number, zip5)] = []
            if state:
                self.no_zip.setdefault((number, state), [])
        execute = self.conn.execute
        # CROSS JOIN: the probes drive, each one a search of the number/ZIP index.
        # (A plain JOIN let the planner scan the whole addresses table for the
        # rows without a ZIP, once per batch: add_many grew with the table.)
        execute(
            "CREATE TEMP TABLE IF NOT EXISTS addrmatch_probe (number TEXT, zip5 TEXT, zip_high TEXT, state TEXT)"
        )
        execute("DELETE FROM temp.addrmatch_probe")
        self.conn.executemany(
            "INSERT INTO temp.addrmatch_probe VALUES (?, ?, ?, ?)",
            [(n, z, z + "-9999", s) for n, z, s in probes],
        )
        cols = ", ".join("a." + c for c in ("id", *COLUMNS))
        for row in execute(
            f"SELECT DISTINCT p.zip5, {cols} FROM temp.addrmatch_probe p CROSS JOIN addresses a"
            " ON a.number = p.number AND a.zip BETWEEN p.zip5 AND p.zip_high WHERE a.duplicate = 0"
        ):
            stored = row_address(row[1:])
            self.by_zip[(stored[1].number or "", row[0])].append(stored)
        for row in execute(
            f"SELECT DISTINCT {cols} FROM temp.addrmatch_probe p CROSS JOIN addresses a"
            " ON a.number = p.number AND a.zip IS NULL AND a.state = p.state WHERE a.duplicate = 0"
        ):
            stored = row_address(row)
            self.no_zip[(stored[1].number or "", stored[1].state or "")].append(stored)
        execute("DELETE FROM temp.addrmatch_probe")

    def by_key(self, key: str) -> Row | None:
        if key in self.keys:
            return self.keys[key]
        row = self.keys[key] = self.live.by_key(key)
        return row

    def near(self, address: Address) -> list[Row]:
        number = address.number
        if not number:
            return []
        state_key = (number, address.state or "")
        if address.zip:
            zip_key = (number, address.zip[:5])
            if zip_key in self.by_zip and (not address.state or state_key in self.no_zip):
                rows = self.by_zip[zip_key] + (self.no_zip[state_key] if address.state else [])
            else:
                rows = self.live.near(address)
            rows += self.created_zip.get(zip_key, ())
            if address.state:
                rows += self.created_no_zip.get(state_key, ())
            return rows
        if not address.state:
            return []
        return self.live.near(address) + self.created_state.get(state_key, [])

    def has_street(self, street: str, zip5: str) -> bool:
        return (street, zip5) in self.created_streets or self.live.has_street(street, zip5)

    def create(self, row_id: int, address: Address, key: str, original: str) -> None:
        row = (row_id, address)
        self.keys[key] = row
        if address.street and address.zip:
            self.created_streets.add((address.street, address.zip[:5]))
        if address.number:
            if address.zip:
                self.created_zip.setdefault((address.number, address.zip[:5]), []).append(row)
            if address.state:
                self.created_state.setdefault((address.number, address.state), []).append(row)
                if not address.zip:
                    self.created_no_zip.setdefault((address.number, address.state), []).append(row)
        self.new_rows.append(row_values(row_id, address, original, key, 0, 0))


def row_values(
    row_id: int | None, address: Address, original: str, key: str, duplicate: int, legacy: int
) -> tuple[Any, ...]:
    """The parameters of :data:`INSERT` for one row."""
    return (
        row_id,
        int(address.po_box),
        address.number,
        address.prefix,
        address.street,
        address.tag,
        address.direction,
        address.apt,
        address.city,
        address.state,
        address.zip,
        address.county,
        address.location_code,
        address.tract,
        address.block,
        original,
        key,
        duplicate,
        legacy,
    )


def next_id(conn: sqlite3.Connection) -> int:
    """The id the next stored row gets (inside the write transaction)."""
    return int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM addresses").fetchone()[0])


def insert_rows(conn: sqlite3.Connection, values: Sequence[tuple[Any, ...]]) -> None:
    """Insert rows (:func:`row_values`) and the search grams of their new street names."""
    # In key order: the key index (the largest) is then written page by page.
    conn.executemany(INSERT, sorted(values, key=KEY_OF_ROW) if len(values) > 1 else values)
    names = list({v[4] for v in values if v[4]})
    if not names:
        return
    known: set[str] = set()
    for start in range(0, len(names), CHUNK):
        chunk = ["=" + n for n in names[start : start + CHUNK]]
        sql = f"SELECT name FROM address_street_grams WHERE gram IN ({','.join('?' * len(chunk))})"
        known.update(r[0] for r in conn.execute(sql, chunk))
    conn.executemany(
        "INSERT OR IGNORE INTO address_street_grams (gram, name) VALUES (?, ?)",
        [(gram, name) for name in names if name not in known for gram in search_.street_grams(name)],
    )


def search_candidates(
    conn: sqlite3.Connection, query: search_.Query, limit: int
) -> tuple[dict[int, Address], dict[str, float]]:
    """For :meth:`addrmatch.AddressStore.search`, the blocked candidate set: addresses on the streets whose names
    match the query's words, with one of its house numbers; with one of
    its house numbers in its ZIP or state; and, when that finds too few,
    on those streets with any number, or with its numbers anywhere.
    Also the scores of the candidate street names."""
    execute = conn.execute
    names: dict[str, float] = {}
    if query.grams:
        sql = f"SELECT DISTINCT name FROM address_street_grams WHERE gram IN ({','.join('?' * len(query.grams))})"
        names = search_.name_scores(query, [r[0] for r in execute(sql, query.grams)], limit=100, cutoff=60.0)
    found: dict[int, Address] = {}

    def add(sql: str, params: Sequence[Any]) -> None:
        for row in execute(sql, params):
            row_id, address = row_address(row)
            found[row_id] = address

    def marks(items: Sequence[Any]) -> str:
        return ",".join("?" * len(items))

    numbers = query.numbers
    cap = max(50, 5 * limit)
    if names and numbers:
        add(
            SELECT + f" WHERE street IN ({marks(names)}) AND number IN ({marks(numbers)}) AND duplicate = 0",
            [*names, *numbers],
        )
    for zip5 in query.zips:
        for number in numbers:
            if number != zip5:
                add(NEAR_ZIP, (number, zip5, zip5 + "-9999"))
    if numbers and query.states:
        add(
            SELECT + f" WHERE number IN ({marks(numbers)}) AND state IN ({marks(query.states)})"
            f" AND duplicate = 0 LIMIT {cap}",
            [*numbers, *query.states],
        )
    if len(found) < limit and numbers and not names:
        add(SELECT + f" WHERE number IN ({marks(numbers)}) AND duplicate = 0 LIMIT {cap}", numbers)
    if names and len(found) < limit and not any(a.number in numbers for a in found.values()):
        top = list(names)[:25]
        zips = query.zips
        where = f" AND substr(zip, 1, 5) IN ({marks(zips)})" if zips else ""
        add(
            SELECT + f" WHERE street IN ({marks(top)}){where} AND duplicate = 0 LIMIT {cap}",
            [*top, *zips],
        )
    return found, names
