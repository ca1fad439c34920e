"""The SQLite schema of :class:`addrmatch.AddressStore`, its version and migrations.

Tables (plain names, readable in the ``sqlite3`` shell and ``sqlite-utils``):

``addresses``
    One row per stored address: ``id``; the canonical BOI components
    (``po_box``, ``number``, ``prefix``, ``street``, ``tag``, ``direction``,
    ``apt``, ``city``, ``state``, ``zip``, ``county``, ``location_code``,
    ``tract``, ``block``); ``original`` (the input as it was written, one
    line); ``match_key`` (NOT NULL); ``duplicate`` (0 for the first row of a
    key, 1, 2, ... for the duplicates that legacy imports bring along);
    ``legacy`` (1 for rows imported with :meth:`AddressStore.import_rows`, 0
    for rows the store created); ``created_at`` (ISO 8601, UTC).

    ``UNIQUE (match_key, duplicate)`` is the guarantee that the store never
    holds two rows of one key that it created itself: a created row always
    has ``duplicate = 0``. It also serves every key lookup.

``address_street_grams``
    The blocking table for :meth:`AddressStore.search`: for each distinct
    street name, its words' first and last three letters (``p:LEX``,
    ``s:TON``) and the whole name (``=LEXINGTON``), so a misspelt query word
    still finds the name without scanning the table.

``addrmatch_meta``
    ``name``/``value`` pairs; ``store_schema_version`` is the schema version,
    ``match_key_version`` the version of the key function that computed
    ``match_key`` (:data:`addrmatch.key.KEY_VERSION`; absent: version 1). A
    store whose keys are older is re-keyed when it is opened for writing
    (:mod:`addrmatch._store_rekey`).

Opening: :func:`schema` describes these tables to the open routine
(:func:`addrmatch._database.open_database`), which checks a file before
anything is written to it.

Migrations: :data:`MIGRATIONS` maps a version ``n`` to the function that
turns a version-``n`` database into version ``n + 1``; :func:`ensure_schema`
runs the missing ones in order, in the caller's write transaction.
Version 2 (this round) changes no table: it records the key version, so that
an addrmatch from before key versions, which would look rows up with its
own older keys and store every re-keyed address again, refuses the file as
newer instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import sqlite_utils

from addrmatch._database import Schema, file_of
from addrmatch.errors import NotOurDatabaseError, SchemaVersionError
from addrmatch.key import KEY_VERSION

__all__ = [
    "ADDRESS_COLUMNS",
    "KEY_VERSION_NAME",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SchemaVersionError",
    "ensure_schema",
    "read_key_version",
    "read_version",
    "schema",
    "write_key_version",
]

#: The version this code writes and reads.
SCHEMA_VERSION = 2
_VERSION_NAME = "store_schema_version"
#: The ``addrmatch_meta`` row holding the key version of the stored keys.
KEY_VERSION_NAME = "match_key_version"
_META = "addrmatch_meta"

#: The component columns of ``addresses``, in :class:`~addrmatch.Address` field order.
ADDRESS_COLUMNS: tuple[str, ...] = (
    "po_box",
    "number",
    "prefix",
    "street",
    "tag",
    "direction",
    "apt",
    "city",
    "state",
    "zip",
    "county",
    "location_code",
    "tract",
    "block",
)


#: The tables the store creates.
TABLES = frozenset({"addresses", "address_street_grams", _META})


def schema() -> Schema:
    """The store's tables for the open routine, at the current :data:`SCHEMA_VERSION`.

    >>> schema().meta_table
    'addrmatch_meta'
    """
    return Schema(
        "address store",
        _META,
        f"SELECT value FROM {_META} WHERE name = '{_VERSION_NAME}'",
        SCHEMA_VERSION,
        TABLES,
    )


def _create_v1(conn: sqlite3.Connection) -> None:
    db = sqlite_utils.Database(conn, recursive_triggers=False, execute_plugins=False)
    columns: dict[str, type] = {"id": int}
    columns.update({c: (int if c == "po_box" else str) for c in ADDRESS_COLUMNS})
    columns.update({"original": str, "match_key": str, "duplicate": int, "legacy": int, "created_at": str})
    addresses = db.table("addresses")
    addresses.create(
        columns,
        pk="id",
        not_null={"po_box", "match_key", "duplicate", "legacy", "created_at"},
        defaults={
            "po_box": 0,
            "duplicate": 0,
            "legacy": 0,
            "created_at": "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        },
        if_not_exists=True,
    )
    # The key index: unique per (key, duplicate number), so the store's own
    # rows (duplicate = 0) are unique per key, and legacy duplicates fit.
    addresses.create_index(["match_key", "duplicate"], "addresses_match_key", unique=True, if_not_exists=True)
    # Partial tier: the same house number in the same ZIP (a range, for ZIP+4),
    # a row without a ZIP in the same state, or (no ZIP given) the same state.
    addresses.create_index(["number", "zip", "state"], "addresses_number_zip", if_not_exists=True)
    # Search: the addresses of a few candidate streets, narrowed by house number.
    addresses.create_index(["street", "number"], "addresses_street_number", if_not_exists=True)
    # duplicates(): only the legacy duplicates, so the index stays tiny.
    conn.execute(
        "CREATE INDEX IF NOT EXISTS addresses_duplicates ON addresses (match_key) WHERE duplicate > 0"
    )
    conn.execute(
        "CREATE TABLE IF NOT EXISTS address_street_grams ("
        " gram TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY (gram, name)) WITHOUT ROWID"
    )
    db.table(_META).create({"name": str, "value": str}, pk="name", not_null={"value"}, if_not_exists=True)


def read_key_version(conn: sqlite3.Connection) -> int:
    """The key version of the stored keys: 1 when the database does not record one.

    >>> conn = sqlite3.connect(":memory:")
    >>> _ = conn.execute("CREATE TABLE addrmatch_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
    >>> read_key_version(conn)
    1
    """
    row = conn.execute(f"SELECT value FROM {_META} WHERE name = ?", (KEY_VERSION_NAME,)).fetchone()
    return int(row[0]) if row else 1


def write_key_version(conn: sqlite3.Connection, version: int = KEY_VERSION) -> None:
    """Record ``version`` as the key version of the stored keys (inside the caller's transaction)."""
    conn.execute(
        f"INSERT INTO {_META} (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (KEY_VERSION_NAME, str(version)),
    )


def _record_key_version(conn: sqlite3.Connection) -> None:
    """1 -> 2: a version-1 store's keys are key version 1 (the re-key follows on open)."""
    conn.execute(
        f"INSERT OR IGNORE INTO {_META} (name, value) VALUES (?, '1')",
        (KEY_VERSION_NAME,),
    )


#: version n -> function turning a version-n database into version n + 1.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _record_key_version}


def read_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the database; 0 when there is no store schema yet."""
    return schema().read_version(conn)


def ensure_schema(conn: sqlite3.Connection, *, target: int | None = None) -> int:
    """Create the schema, or migrate it to ``target`` (default :data:`SCHEMA_VERSION`).

    Call inside a write transaction. Returns the version the database has
    afterwards. Raises :class:`SchemaVersionError` if the database is newer.
    """
    target = SCHEMA_VERSION if target is None else target
    version = read_version(conn)
    if version > target:
        raise SchemaVersionError(
            file_of(conn),
            f"{_META}.{_VERSION_NAME}: the database has address store schema version {version}, "
            f"this addrmatch reads up to version {target}; upgrade addrmatch",
        )
    if version == target:
        return version
    if version == 0:
        cols = {r[1] for r in conn.execute("PRAGMA table_info(addresses)")}
        if cols and "match_key" not in cols:
            raise NotOurDatabaseError(
                file_of(conn),
                "addresses: the database already has an addresses table that is not an address store's"
                " (no match_key column); use another database file",
            )
        _create_v1(conn)
        write_key_version(conn)  # a new store: no key of an older function in it
        version = 1
    while version < target:
        migrate = MIGRATIONS.get(version)
        if migrate is None:
            raise SchemaVersionError(
                file_of(conn), f"{_META}.{_VERSION_NAME}: no migration from version {version}"
            )
        migrate(conn)
        version += 1
    conn.execute(
        f"INSERT INTO {_META} (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        (_VERSION_NAME, str(version)),
    )
    return version
