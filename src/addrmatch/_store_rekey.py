"""Which match-key function wrote a store's keys, and re-keying a store whose keys are older.

``addresses.match_key`` holds :func:`addrmatch.key.key_of` of each row's
canonical components as computed by the addrmatch that wrote the row. When
the key function changes (:data:`addrmatch.key.KEY_VERSION` is bumped: this
round folds "Farm to Market 2222" to FM, state + number to SR, letter streets,
informal directionals...), a lookup by a new key would miss a row stored
under its old key and create the same address again. So the store records
the key version in ``addrmatch_meta`` (``match_key_version``; a database
without it has version 1) and, opened for writing, re-keys an older one
before anything else (:func:`rekey`):

* every row's ``match_key`` is recomputed from its stored canonical
  components (:func:`~addrmatch._store_sources.row_address` ->
  :func:`~addrmatch.key.key_of`, the function every lookup uses), in one
  transaction: a failure leaves the file exactly as it was;
* ``UNIQUE (match_key, duplicate)`` holds: the rows of each key are numbered
  again by id, so when two rows now share a key the older one stays
  ``duplicate = 0`` (what lookups return) and the later one becomes a
  duplicate, numbered like legacy duplicates (1, 2, ...) and listed by
  :meth:`~addrmatch.AddressStore.duplicates`; each such row is logged
  (logger ``addrmatch.store``, warning);
* the new version is recorded.

A store opened read-only cannot be re-keyed, and its old keys cannot be
looked up by the new function: :func:`check` raises
:class:`~addrmatch.errors.ReadOnlyDatabaseError` saying how to re-key (open
it once writable). Keys written by a newer addrmatch raise
:class:`~addrmatch.errors.SchemaVersionError` (re-keying them down would
make that newer addrmatch's lookups miss).
"""

from __future__ import annotations

import logging
import sqlite3

from addrmatch._store_schema import KEY_VERSION_NAME, read_key_version, write_key_version
from addrmatch._store_sources import FIELDS, row_address
from addrmatch.errors import ReadOnlyDatabaseError, SchemaVersionError
from addrmatch.key import KEY_VERSION, key_of

__all__ = ["KEY_VERSION_NAME", "Rekeyed", "check", "read_key_version", "rekey", "write_key_version"]

_META = "addrmatch_meta"
_LOG = logging.getLogger("addrmatch.store")
#: How many rows' new keys are computed and written to the scratch table at a time.
_BATCH = 10_000
#: A temporary key no real key looks like (a real one starts with its kind, "S|" or "P|").
_PARKED = "~rekey~"


def check(version: int, path: str | None, *, read_only: bool) -> bool:
    """True when keys of ``version`` must be re-keyed (older than this
    addrmatch's); raises when they cannot be used as they are: newer keys
    (:class:`SchemaVersionError`), or older keys in a store opened read-only
    (:class:`ReadOnlyDatabaseError`: lookups would miss its rows).

    >>> check(KEY_VERSION, None, read_only=True)
    False
    >>> check(1, "/tmp/old.db", read_only=True)
    Traceback (most recent call last):
    ...
    addrmatch.errors.ReadOnlyDatabaseError: '/tmp/old.db': is read-only and its match keys were ...
    """
    if version == KEY_VERSION:
        return False
    if version > KEY_VERSION:
        raise SchemaVersionError(
            path,
            f"{_META}.{KEY_VERSION_NAME}: the address store's match keys were computed by a newer addrmatch"
            f" (key version {version}; this one computes version {KEY_VERSION}); upgrade addrmatch",
        )
    if read_only:
        raise ReadOnlyDatabaseError(
            path,
            f"is read-only and its match keys were computed by an older addrmatch (key version {version};"
            f" this one computes version {KEY_VERSION}), so lookups would miss stored rows. Re-key it"
            " once: open it writable (AddressStore(path), or `addrmatch report PATH`, as a user who may"
            " write the file and its folder), which recomputes every key in one transaction",
        )
    return True


class Rekeyed:
    """What :func:`rekey` did: rows read, keys changed, and the ids of the
    rows that became duplicates (their new key is an older row's)."""

    __slots__ = ("changed", "new_duplicates", "rows")

    def __init__(self, rows: int, changed: int, new_duplicates: list[tuple[int, int]]) -> None:
        self.rows = rows
        self.changed = changed
        #: (row id, the older row id now holding its key), by row id.
        self.new_duplicates = new_duplicates


def rekey(conn: sqlite3.Connection, path: str | None = None) -> Rekeyed:
    """Recompute every stored key with this addrmatch's key function and
    record :data:`~addrmatch.key.KEY_VERSION` (module docstring). Call it
    inside one write transaction, which makes it all or nothing.

    >>> from addrmatch import AddressStore
    >>> store = AddressStore()
    >>> _ = store.add_many(["12 Main St, Blaine MN 55123", "14 Main St, Blaine MN 55123"])
    >>> _ = store.connection.execute("UPDATE addresses SET match_key = 'old ' || id")
    >>> r = rekey(store.connection)
    >>> (r.rows, r.changed, r.new_duplicates, store.find("12 Main Street, Blaine MN 55123").id)
    (2, 2, [], 1)
    """
    execute = conn.execute
    execute("DROP TABLE IF EXISTS temp.addrmatch_rekey")
    execute("CREATE TEMP TABLE addrmatch_rekey (id INTEGER PRIMARY KEY, match_key TEXT NOT NULL)")
    rows = 0
    cursor = execute(f"SELECT {FIELDS} FROM addresses ORDER BY id")
    while batch := cursor.fetchmany(_BATCH):
        rows += len(batch)
        conn.executemany(
            "INSERT INTO temp.addrmatch_rekey (id, match_key) VALUES (?, ?)",
            [(row[0], key_of(row_address(row)[1])) for row in batch],
        )
    # The rows of each key numbered again by id: the oldest is 0 (what lookups return).
    execute("DROP TABLE IF EXISTS temp.addrmatch_rekey_changed")
    execute(
        "CREATE TEMP TABLE addrmatch_rekey_changed (id INTEGER PRIMARY KEY, match_key TEXT NOT NULL,"
        " duplicate INTEGER NOT NULL, old_duplicate INTEGER NOT NULL, old_key TEXT NOT NULL)"
    )
    execute(
        "INSERT INTO temp.addrmatch_rekey_changed"
        " SELECT n.id, n.match_key, n.duplicate, a.duplicate, a.match_key"
        " FROM (SELECT id, match_key,"
        "       row_number() OVER (PARTITION BY match_key ORDER BY id) - 1 AS duplicate"
        "       FROM temp.addrmatch_rekey) n"
        " JOIN addresses a ON a.id = n.id"
        " WHERE a.match_key != n.match_key OR a.duplicate != n.duplicate"
    )
    changed = int(execute("SELECT count(*) FROM temp.addrmatch_rekey_changed").fetchone()[0])
    if changed:
        # Park the changed rows on keys of their own first: UNIQUE (match_key, duplicate) is
        # checked row by row, and a row's new key may still be held by a row not moved yet.
        # (Correlated subqueries rather than UPDATE ... FROM, which needs SQLite 3.33.)
        moved = "id IN (SELECT id FROM temp.addrmatch_rekey_changed)"
        execute(f"UPDATE addresses SET match_key = '{_PARKED}' || id WHERE {moved}")
        execute(
            "UPDATE addresses SET"
            " match_key = (SELECT c.match_key FROM temp.addrmatch_rekey_changed c WHERE c.id = addresses.id),"
            " duplicate = (SELECT c.duplicate FROM temp.addrmatch_rekey_changed c WHERE c.id = addresses.id)"
            f" WHERE {moved}"
        )
    new_duplicates = [
        (int(row_id), int(first))
        for row_id, first in execute(
            "SELECT c.id, f.id FROM temp.addrmatch_rekey_changed c"
            " JOIN addresses f ON f.match_key = c.match_key AND f.duplicate = 0"
            " WHERE c.duplicate > 0 AND (c.old_duplicate = 0 OR c.old_key != c.match_key)"
            " ORDER BY c.id"
        )
    ]
    execute("DROP TABLE temp.addrmatch_rekey")
    execute("DROP TABLE temp.addrmatch_rekey_changed")
    write_key_version(conn)
    where = repr(path) if path else "the address store"
    _LOG.info("%s: re-keyed to key version %d: %d rows, %d keys changed", where, KEY_VERSION, rows, changed)
    for row_id, first in new_duplicates:
        _LOG.warning(
            "%s: re-keying made row %d the same address as row %d: it is now a duplicate of it"
            " (AddressStore.duplicates() lists the group; lookups return row %d)",
            where,
            row_id,
            first,
            first,
        )
    return Rekeyed(rows, changed, new_duplicates)
