"""Key versions (issue 12, issue 10's consequence): a store whose match keys were computed by an
older key function is re-keyed when opened for writing, refused when read-only, and a newer one
is refused.

An old database is simulated from a new one: its keys overwritten with keys the old function
could have written (spacing and words not folded: "FARM TO MARKET 2222" and "FM 2222" were two
keys), its key-version row removed and its schema version set back to 1, as a store written
before key versions looks.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
from pathlib import Path

import pytest

from addrmatch import AddressStore
from addrmatch import _store_rekey as rekey_
from addrmatch import _store_schema as schema
from addrmatch._store_sources import SELECT, row_address
from addrmatch.boi import Campus
from addrmatch.errors import ReadOnlyDatabaseError, SchemaVersionError
from addrmatch.key import KEY_VERSION, key_of

ADDRESSES = [
    "12 Farm to Market 2222, Austin TX 78701",
    "40 Texas 71, Austin TX 78701",
    "4321 N Lexington Ave, Blaine MN 55123",
    "9 Elm St Apt 4, Blaine MN 55123",
    "PO Box 54, Blaine MN 55123",
]


def dump(path: Path) -> tuple[str, list[str]]:
    """The file's bytes (hash) and a full dump, read without changing anything."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with contextlib.closing(sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)) as conn:
        return digest, list(conn.iterdump())


def rows(conn: sqlite3.Connection) -> list[tuple]:
    return conn.execute(
        f"{SELECT.replace('SELECT ', 'SELECT match_key, duplicate, legacy, ')} ORDER BY id"
    ).fetchall()


def make_old(path: Path, keys: dict[int, str] | None = None, *, created: bool = False) -> None:
    """Turn a store file into one an addrmatch before key versions wrote: old-looking keys (the
    street's spacing kept, as the old function did not fold "FM 2222"; or ``keys`` by id), no
    key-version row, schema version 1. ``created``: every row a row the store created (not a
    legacy duplicate)."""
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        for row_id, street, key in conn.execute("SELECT id, street, match_key FROM addresses").fetchall():
            old = (keys or {}).get(row_id) or key.replace("FM2222", street or "").replace(
                "SR71", street or ""
            )
            conn.execute("UPDATE addresses SET match_key = ? WHERE id = ?", (old, row_id))
        if created:
            conn.execute("UPDATE addresses SET duplicate = 0, legacy = 0")
        conn.execute("DELETE FROM addrmatch_meta WHERE name = 'match_key_version'")
        conn.execute("UPDATE addrmatch_meta SET value = '1' WHERE name = 'store_schema_version'")
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def versions(path: Path) -> dict[str, str]:
    with contextlib.closing(sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)) as conn:
        return dict(conn.execute("SELECT name, value FROM addrmatch_meta").fetchall())


def old_store(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    with AddressStore(path) as store:
        assert store.add_many(ADDRESSES) == [1, 2, 3, 4, 5]
    make_old(path)
    return path


def test_a_new_store_records_the_key_version(tmp_path: Path) -> None:
    AddressStore(tmp_path / "a.db").close()
    assert versions(tmp_path / "a.db") == {
        "store_schema_version": str(schema.SCHEMA_VERSION),
        "match_key_version": str(KEY_VERSION),
    }


def test_an_old_store_is_rekeyed_on_open_and_its_rows_are_found(tmp_path: Path) -> None:
    path = old_store(tmp_path)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        before = rows(conn)
    assert before[0][0] == "S|12||FARM TO MARKET 2222||||Z78701"  # an old key: the new lookup would miss it
    with AddressStore(path) as store:
        assert versions(path)["match_key_version"] == str(KEY_VERSION)
        after = rows(store.connection)
        # No row lost, none changed but its key; every key is the new function's.
        assert [r[1:] for r in after] == [r[1:] for r in before]
        assert [r[0] for r in after] == [key_of(row_address(r[3:])[1]) for r in after]
        for row_id, text in enumerate(ADDRESSES, 1):
            found = store.find(text)
            assert found is not None and (found.id, found.how) == (row_id, "exact")
        assert store.resolve("12 FM 2222, Austin TX 78701").id == 1  # the new fold finds the old row
        assert store.resolve("40 State Highway 71, Austin TX 78701").id == 2
        assert len(store) == 5 and store.duplicates() == []


def test_two_rows_that_now_share_a_key_keep_the_older_and_number_the_later_as_a_duplicate(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "old.db"
    with AddressStore(path) as store:
        # The old function kept these two apart; both were rows the store created.
        store.import_rows(
            [
                "12 Farm to Market 2222, Austin TX 78701",
                "9 Elm St, Blaine MN 55123",
                "12 FM 2222, Austin TX 78701",
            ]
        )
    make_old(path, {1: "S|12||FARM TO MARKET 2222||||Z78701", 3: "S|12||FM 2222||||Z78701"}, created=True)
    with caplog.at_level(logging.WARNING, logger="addrmatch.store"), AddressStore(path) as store:
        assert store.connection.execute("SELECT id, duplicate FROM addresses ORDER BY id").fetchall() == [
            (1, 0),
            (2, 0),
            (3, 1),
        ]
        assert store.duplicates() == [(1, 3)]
        assert store.find("12 FM 2222, Austin TX 78701").id == 1  # lookups return the older row
        assert len(store) == 3
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert "row 3 the same address as row 1" in caplog.records[0].getMessage()
    assert str(path) in caplog.records[0].getMessage()


def test_existing_legacy_duplicates_are_numbered_again_by_id(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with AddressStore(path) as store:
        store.import_rows(
            [
                "12 FM 2222, Austin TX 78701",
                "12 FM 2222, Austin TX 78701",
                "12 Farm to Market 2222, Austin TX 78701",
            ]
        )
    # Old keys: rows 1 and 2 one key (duplicates 0, 1), row 3 another key (duplicate 0).
    make_old(
        path, {1: "S|12||FM 2222||||Z78701", 2: "S|12||FM 2222||||Z78701", 3: "S|12||FARMTOMARKET||||Z78701"}
    )
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE addresses SET duplicate = 0 WHERE id = 3")
    with AddressStore(path) as store:
        assert store.connection.execute("SELECT id, duplicate FROM addresses ORDER BY id").fetchall() == [
            (1, 0),
            (2, 1),
            (3, 2),
        ]
        assert store.duplicates() == [(1, 2, 3)]


@pytest.mark.parametrize("where", ["computing the keys", "after the updates"])
def test_a_failed_rekey_leaves_the_file_exactly_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    path = old_store(tmp_path)
    before = dump(path)
    if where == "computing the keys":
        calls = iter(range(100))

        def failing_key_of(address: object) -> str:
            if next(calls) == 3:
                raise MemoryError("the disk and the memory are full")
            return key_of(address)  # type: ignore[arg-type]

        monkeypatch.setattr(rekey_, "key_of", failing_key_of)
    else:

        def failing_write(conn: sqlite3.Connection, version: int = KEY_VERSION) -> None:
            assert conn.execute(
                "SELECT count(*) FROM addresses WHERE match_key LIKE '%FM2222%'"
            ).fetchone() == (1,)
            raise MemoryError("the disk and the memory are full")

        monkeypatch.setattr(rekey_, "write_key_version", failing_write)
    with pytest.raises(MemoryError):
        AddressStore(path)
    assert dump(path)[1] == before[1]
    assert versions(path) == {"store_schema_version": "1"}
    monkeypatch.undo()
    with AddressStore(path) as store:  # and the next open re-keys it
        assert store.find(ADDRESSES[0]).id == 1


def test_a_read_only_stale_store_is_refused_with_how_to_rekey_it(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with AddressStore(path) as store:
        store.add_many(ADDRESSES)
    # A store of this schema whose keys are older (what the next KEY_VERSION bump will find).
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE addrmatch_meta SET value = '1' WHERE name = 'match_key_version'")
    before = dump(path)
    with pytest.raises(ReadOnlyDatabaseError, match=r"older addrmatch .* open it writable") as info:
        AddressStore(path, read_only=True)
    assert info.value.path == str(path) and "key version 1" in str(info.value)
    conn = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True, isolation_level=None)
    with pytest.raises(ReadOnlyDatabaseError, match="older addrmatch"):
        AddressStore(conn)  # a caller's read-only connection: the same answer
    conn.close()
    assert dump(path) == before
    # Opened once writable, it is re-keyed; then read-only works.
    AddressStore(path).close()
    with AddressStore(path, read_only=True) as store:
        assert store.find(ADDRESSES[2]).id == 3


def test_a_read_only_store_of_the_old_schema_says_to_open_it_writable(tmp_path: Path) -> None:
    path = old_store(tmp_path)
    with pytest.raises(ReadOnlyDatabaseError, match=r"schema version 1.*open it once writable"):
        AddressStore(path, read_only=True)


def test_keys_of_a_newer_addrmatch_are_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    AddressStore(path).close()
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "UPDATE addrmatch_meta SET value = ? WHERE name = 'match_key_version'", (str(KEY_VERSION + 1),)
        )
    before = dump(path)
    with pytest.raises(SchemaVersionError, match=f"key version {KEY_VERSION + 1}.*upgrade addrmatch"):
        AddressStore(path)
    assert dump(path) == before


def test_a_rekey_by_a_newer_addrmatch_while_open_stops_this_ones_writes(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    store = AddressStore(path)
    store.resolve(ADDRESSES[2])
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "UPDATE addrmatch_meta SET value = ? WHERE name = 'match_key_version'", (str(KEY_VERSION + 1),)
        )
    for write in (
        lambda: store.resolve(ADDRESSES[3]),
        lambda: store.add_many([ADDRESSES[4]]),
        lambda: store.import_rows([ADDRESSES[4]]),
    ):
        with pytest.raises(SchemaVersionError, match=r"re-keyed .* while this store was open"):
            write()
    assert len(store) == 1
    store.close()


def test_campus_rekeys_the_store_tables_of_its_database(tmp_path: Path) -> None:
    path = tmp_path / "campus.db"
    with Campus(path) as campus:
        assert campus.store.add_many(ADDRESSES) == [1, 2, 3, 4, 5]
    make_old(path)
    with Campus(path) as campus:
        assert versions(path)["match_key_version"] == str(KEY_VERSION)
        assert campus.store.find("12 FM 2222, Austin TX 78701").id == 1
        assert len(campus.store) == 5


def test_add_many_after_a_rekey_matches_the_old_rows(tmp_path: Path) -> None:
    path = old_store(tmp_path)
    with AddressStore(path) as store:
        assert store.add_many(["12 F.M. 2222, Austin TX 78701", "40 SH 71, Austin TX 78701", *ADDRESSES]) == [
            1,
            2,
            1,
            2,
            3,
            4,
            5,
        ]
