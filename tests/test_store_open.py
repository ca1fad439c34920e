"""Opening a database (issue 9, items 2 and 3): the one open routine of the store and of Campus.

Every file that is not addrmatch's (or new) is refused with the library's own error naming the
path and the problem, and is left exactly as it was: its bytes, a full ``iterdump()`` and its
journal mode. A read-only database opens read-only: reading calls work, writing calls raise
:class:`ReadOnlyDatabaseError`. Real read-only files are made with permissions; when the tests run
as root (who may write anything), the read-only parts run in a subprocess without the
capabilities that let root ignore file modes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlite_utils

from addrmatch import AddressStore, _database, _files
from addrmatch import _store_schema as schema
from addrmatch.boi import Campus
from addrmatch.errors import (
    AddressError,
    DatabaseError,
    NotOurDatabaseError,
    ReadOnlyDatabaseError,
    SchemaVersionError,
    UnreadableDatabaseError,
)

LEXINGTON = "4321 N Lexington Ave, Blaine, MN 55123"
OPENERS: dict[str, Callable[[Path], object]] = {"store": AddressStore, "campus": Campus}


def snapshot(path: Path) -> tuple[str, list[str], str, int]:
    """The file's bytes (hash), a full dump, its journal mode and its permission bits, read
    through a read-only connection (which changes nothing)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    mode = stat.S_IMODE(path.stat().st_mode)
    with contextlib.closing(sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)) as conn:
        return digest, list(conn.iterdump()), conn.execute("PRAGMA journal_mode").fetchone()[0], mode


def foreign_file(path: Path, *tables: str) -> Path:
    """Another application's SQLite file, in rollback-journal mode, with these tables."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        for table in tables:
            conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, line TEXT, city TEXT)")
            conn.execute(f"INSERT INTO {table} (line, city) VALUES ('12 Main St', 'Blaine')")
        conn.commit()
    return path


def store_file(path: Path) -> Path:
    """An address store file with a few rows, closed (its WAL checkpointed)."""
    with AddressStore(path) as store:
        store.add_many([LEXINGTON, "12 Main St, Blaine MN 55123", "PO Box 54, Blaine MN 55123"])
        store.import_rows(["12 Main Street, Blaine MN 55123"])
    return path


# --------------------------------------------------------------------------- not ours: untouched


@pytest.mark.parametrize("opener", OPENERS)
@pytest.mark.parametrize("tables", [("addresses",), ("staff", "addresses"), ("customers",)])
def test_another_applications_file_is_refused_untouched(tmp_path: Path, opener: str, tables: tuple) -> None:
    path = foreign_file(tmp_path / "crm.db", *tables)
    before = snapshot(path)
    assert before[2] == "delete"
    with pytest.raises(NotOurDatabaseError) as info:
        OPENERS[opener](path)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)
    assert ("'addresses'" if "addresses" in tables else "another application") in str(info.value)
    assert snapshot(path) == before  # no table, no index, no WAL switch, no chmod
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crm.db"]  # no -wal/-shm left behind


@pytest.mark.parametrize("opener", OPENERS)
def test_a_foreign_table_named_like_a_campus_table_is_refused_untouched(tmp_path: Path, opener: str) -> None:
    path = store_file(tmp_path / "a.db")
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT)")
        conn.commit()
    before = snapshot(path)
    if opener == "store":
        with AddressStore(path) as store:  # the store's own tables are there: its file
            assert len(store) == 4
    else:
        with pytest.raises(NotOurDatabaseError, match="'person'"):
            Campus(path)
        assert snapshot(path)[1] == before[1]


def test_a_connection_is_checked_but_may_hold_other_tables(tmp_path: Path) -> None:
    conn = sqlite3.connect(foreign_file(tmp_path / "crm.db", "customers"))
    assert len(AddressStore(conn)) == 0  # the caller chose to share its database
    clash = sqlite3.connect(foreign_file(tmp_path / "other.db", "addresses"))
    before = list(clash.iterdump())
    with pytest.raises(NotOurDatabaseError, match="'addresses'"):
        AddressStore(sqlite_utils.Database(clash))
    with pytest.raises(NotOurDatabaseError, match="'addresses'"):
        Campus(clash)
    assert list(clash.iterdump()) == before


@pytest.mark.parametrize("opener", OPENERS)
def test_a_newer_schema_is_refused_untouched(tmp_path: Path, opener: str) -> None:
    path = tmp_path / "a.db"
    Campus(path).close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE boi_meta SET value = '7' WHERE key = 'schema_version'")
        conn.execute("UPDATE addrmatch_meta SET value = '9' WHERE name = 'store_schema_version'")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.commit()
    before = snapshot(path)
    with pytest.raises(SchemaVersionError, match="upgrade addrmatch") as info:
        OPENERS[opener](path)
    assert isinstance(info.value, DatabaseError) and isinstance(info.value, RuntimeError)
    assert info.value.path == str(path)
    assert snapshot(path) == before


# --------------------------------------------------------------------------- not a database


@pytest.mark.parametrize("opener", OPENERS)
@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"id,address\n1,12 Main St\n", "not an SQLite database"),
        (b"SQLite format 3\x00" + bytes(range(256)) * 40, "SQLite database"),
        (b"\x00" * 8192, "SQLite database"),
    ],
    ids=["text", "garbled-header", "zeros"],
)
def test_a_file_that_is_not_sqlite_is_refused_untouched(
    tmp_path: Path, opener: str, content: bytes, words: str
) -> None:
    path = tmp_path / "staff.db"
    path.write_bytes(content)
    with pytest.raises(UnreadableDatabaseError, match=words) as info:
        OPENERS[opener](path)
    assert info.value.path == str(path) and str(path) in str(info.value)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["staff.db"]


@pytest.mark.parametrize("opener", OPENERS)
def test_a_huge_path_is_not_echoed_whole(tmp_path: Path, opener: str) -> None:
    # Found by tests/fuzz: Campus("x" * 100_001) raised a 100,042-character message.
    path = str(tmp_path / ("x" * 100_001))
    with pytest.raises(DatabaseError) as info:
        OPENERS[opener](path)
    assert len(str(info.value)) < 500 and info.value.path == path


def test_a_refused_read_only_open_leaves_no_wal_files(tmp_path: Path) -> None:
    # Found by tests/fuzz: SQLite made -wal/-shm files beside the truncated WAL database it was
    # asked to read; the refusal left them.
    path = store_file(tmp_path / "a.db")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(UnreadableDatabaseError):
        AddressStore(path, read_only=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db"]


@pytest.mark.parametrize("opener", OPENERS)
def test_a_dangling_symlink_or_a_file_name_that_is_not_utf8_is_refused(tmp_path: Path, opener: str) -> None:
    # Found by tests/fuzz: a bare FileNotFoundError, and an OperationalError from Campus.
    link = tmp_path / "link.db"
    link.symlink_to(tmp_path / "nowhere.db")
    with pytest.raises(UnreadableDatabaseError, match="symbolic link to a missing file"):
        OPENERS[opener](link)
    with pytest.raises(UnreadableDatabaseError, match="not valid UTF-8"):
        OPENERS[opener](str(tmp_path / "staff\udcff.db"))  # a Latin-1 byte, as Python reads a file name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.db"]


@pytest.mark.parametrize("opener", OPENERS)
@pytest.mark.parametrize("damage", ["schema-page", "truncated"])
def test_a_corrupt_database_is_refused_untouched(tmp_path: Path, opener: str, damage: str) -> None:
    path = store_file(tmp_path / "a.db")
    if opener == "campus":
        Campus(path).close()
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    if damage == "schema-page":  # page 1 holds sqlite_master: scribble over its cells
        data[page - 1500 : page] = os.urandom(1500)
    else:
        data = data[: page + 100]  # the tables' pages are gone
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableDatabaseError, match=r"corrupt|not an SQLite") as info:
        OPENERS[opener](path)
    assert info.value.path == str(path)
    assert path.read_bytes() == bytes(data)


@pytest.mark.parametrize("opener", OPENERS)
def test_a_directory_is_refused(tmp_path: Path, opener: str) -> None:
    with pytest.raises(UnreadableDatabaseError, match="is a directory") as info:
        OPENERS[opener](tmp_path)
    assert info.value.path == str(tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("opener", OPENERS)
def test_an_empty_path_and_a_missing_directory_are_refused(tmp_path: Path, opener: str) -> None:
    with pytest.raises(DatabaseError, match="empty path"):
        OPENERS[opener]("")
    with pytest.raises(UnreadableDatabaseError, match="directory does not exist"):
        OPENERS[opener](tmp_path / "nowhere" / "a.db")
    assert list(tmp_path.iterdir()) == []


def test_create_false_requires_an_existing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableDatabaseError, match="no such database file"):
        AddressStore(tmp_path / "a.db", create=False)
    assert list(tmp_path.iterdir()) == []
    store_file(tmp_path / "a.db")
    assert len(AddressStore(tmp_path / "a.db", create=False)) == 4


def test_database_errors_are_address_errors_with_a_rule() -> None:
    for cls, rule in [
        (UnreadableDatabaseError, "unreadable"),
        (NotOurDatabaseError, "not-ours"),
        (SchemaVersionError, "schema-version"),
        (ReadOnlyDatabaseError, "read-only"),
    ]:
        error = cls("/x/a.db", "the problem")
        assert isinstance(error, DatabaseError) and isinstance(error, AddressError)
        assert (error.rule, error.path, error.fields, str(error)) == (
            rule,
            "/x/a.db",
            ("database",),
            "'/x/a.db': the problem",
        )
    assert schema.SchemaVersionError is SchemaVersionError  # still importable where it was


# --------------------------------------------------------------------------- new files


def test_an_empty_file_is_a_new_database_and_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch(mode=0o640)
    path.chmod(0o640)
    with AddressStore(path) as store:
        store.resolve(LEXINGTON)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert len(AddressStore(path)) == 1


def test_a_file_the_failed_open_created_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(conn: sqlite3.Connection, *, target: int | None = None) -> int:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(schema, "ensure_schema", broken)
    with pytest.raises(sqlite3.OperationalError):
        AddressStore(tmp_path / "new.db")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("opener", OPENERS)
def test_new_files_are_owner_only_without_os_fchmod(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opener: str
) -> None:
    """Windows before Python 3.13 has no os.fchmod: nothing may need it."""
    monkeypatch.delattr(os, "fchmod", raising=False)
    old = os.umask(0o022)
    try:
        OPENERS[opener](tmp_path / "new.db").close()  # type: ignore[attr-defined]
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.db").stat().st_mode) == 0o600
    with _files.write_atomically(tmp_path / "out.txt", mode=0o640) as handle:
        handle.write("done")
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == 0o640
    assert (tmp_path / "out.txt").read_text() == "done"


def test_campus_close_leaves_an_existing_files_mode_alone(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    Campus(path).close()
    path.chmod(0o640)
    Campus(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


# --------------------------------------------------------------------------- read-only


def test_read_only_on_request_serves_reading_calls_and_refuses_writes(tmp_path: Path) -> None:
    path = store_file(tmp_path / "a.db")
    before = snapshot(path)
    with AddressStore(path, read_only=True) as store:
        assert store.read_only
        check_read_only_store(store)
    assert snapshot(path)[:2] == before[:2]


def check_read_only_store(store: AddressStore) -> None:
    """Reading calls answer; every writing call raises ReadOnlyDatabaseError naming the path."""
    assert len(store) == 4
    found = store.find("4321 North Lexington Avenue, Blaine MN 55123")
    assert found is not None and found.how == "exact"
    assert store.get(found.id).street == "LEXINGTON"
    assert store.search("4321 N Lexingtn")[0].id == found.id
    assert store.duplicates() == [(2, 4)]
    for call in (
        lambda: store.resolve(LEXINGTON),  # even a hit: resolve is a writing call
        lambda: store.add_many(["9 Elm St, Blaine MN 55123"]),
        lambda: store.import_rows(["9 Elm St, Blaine MN 55123"]),
    ):
        with pytest.raises(ReadOnlyDatabaseError) as info:
            call()
        assert info.value.path == store.path and "read-only" in str(info.value)
    assert len(store) == 4


def test_a_read_only_connection_refuses_writes_with_the_librarys_error(tmp_path: Path) -> None:
    path = store_file(tmp_path / "a.db")
    conn = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True, isolation_level=None)
    store = AddressStore(conn)
    assert store.find(LEXINGTON) is not None
    with pytest.raises(ReadOnlyDatabaseError, match="read-only"):
        store.resolve("9 Elm St, Blaine MN 55123")


def test_read_only_is_refused_when_the_schema_would_need_writing(tmp_path: Path) -> None:
    path = foreign_file(tmp_path / "empty.db")  # an SQLite file with no tables: new, but read-only
    with pytest.raises(ReadOnlyDatabaseError, match="holds no address store yet"):
        AddressStore(path, read_only=True)
    with pytest.raises(ReadOnlyDatabaseError, match="not created"):
        AddressStore(tmp_path / "missing.db", read_only=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]


def _unprivileged(argv: list[str]) -> list[str]:
    """``argv`` run so that file permissions bind it: as it is, or (as root) without the
    capabilities that let root ignore them."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:  # util-linux; present wherever tests run as root in a container
        pytest.fail("running as root without setpriv: cannot make a file read-only for this test")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", "--", *argv]


_READ_ONLY_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from addrmatch import AddressStore
    from addrmatch.boi import Campus
    from addrmatch.errors import ReadOnlyDatabaseError

    path = sys.argv[1]
    out = {}
    store = AddressStore(path)
    out["read_only"] = store.read_only
    out["len"] = len(store)
    out["find"] = store.find("4321 North Lexington Avenue, Blaine MN 55123").how
    out["search"] = store.search("4321 N Lexingtn")[0].address.street
    out["duplicates"] = store.duplicates()
    try:
        store.resolve("9 Elm St, Blaine MN 55123")
    except ReadOnlyDatabaseError as e:
        out["resolve"] = [type(e).__name__, e.path]
    store.close()
    campus = Campus(path)
    out["campus_schools"] = campus.schools()
    out["campus_search"] = [a["street"] for a in campus.search_addresses("4321 n lexington")]
    try:
        campus.add_school("999", "New School")
    except ReadOnlyDatabaseError as e:
        out["campus_write"] = type(e).__name__
    campus.close()
    print(json.dumps(out))
    """
)


@pytest.mark.parametrize("where", ["file", "directory"])
def test_a_read_only_file_opens_read_only_for_the_store_campus_and_the_cli(
    tmp_path: Path, where: str
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "a.db"
    store_file(path)
    with Campus(path) as campus:
        campus.add_school("010", "Blaine High")
    before = snapshot(path)
    path.chmod(0o444)
    if where == "directory":
        folder.chmod(0o555)  # the file is writable, but no journal or -wal can be created beside it
        path.chmod(0o644)
    try:
        result = subprocess.run(
            _unprivileged([sys.executable, "-c", _READ_ONLY_SCRIPT, str(path)]),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        out = json.loads(result.stdout)
        assert out == {
            "read_only": True,
            "len": 4,
            "find": "exact",
            "search": "LEXINGTON",
            "duplicates": [[2, 4]],
            "resolve": ["ReadOnlyDatabaseError", str(path)],
            "campus_schools": [{"schoolNumber": "010", "name": "Blaine High"}],
            "campus_search": ["LEXINGTON"],
            "campus_write": "ReadOnlyDatabaseError",
        }
        cli = subprocess.run(
            _unprivileged([sys.executable, "-m", "addrmatch", "search", str(path), "4321 N Lexingtn Ave"]),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert cli.returncode == 0, cli.stderr
        assert "LEXINGTON" in cli.stdout.upper()
    finally:
        folder.chmod(0o755)
        path.chmod(0o644)
    assert snapshot(path)[:3] == before[:3]


# --------------------------------------------------------------------------- atomic


def test_atomic_rolls_back_and_survives_a_transaction_sqlite_already_ended(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "a.db", isolation_level=None)
    conn.execute("CREATE TABLE t (x)")
    with pytest.raises(ZeroDivisionError), _database.atomic(conn):
        conn.execute("INSERT INTO t VALUES (1)")
        raise ZeroDivisionError
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(KeyError), _database.atomic(conn):  # a savepoint in the caller's transaction
        conn.execute("INSERT INTO t VALUES (2)")
        conn.execute("ROLLBACK")  # the whole transaction is gone (as SQLite does on a full disk)
        raise KeyError("the first error is the one raised")
    assert not conn.in_transaction
    conn.execute("BEGIN")
    conn.execute("INSERT INTO t VALUES (3)")
    with _database.atomic(conn):
        conn.execute("INSERT INTO t VALUES (4)")
    assert conn.in_transaction  # committed with the caller's transaction, not before
    conn.execute("COMMIT")
    assert conn.execute("SELECT x FROM t ORDER BY x").fetchall() == [(3,), (4,)]


def test_a_database_locked_past_the_timeout_is_the_librarys_error(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as other:
        other.execute("BEGIN EXCLUSIVE")  # another program holds the new file (not yet WAL)
        with pytest.raises(DatabaseError, match="locked") as info:
            AddressStore(path, timeout=0.2)
        assert info.value.path == str(path)
        other.execute("ROLLBACK")
    assert len(AddressStore(path)) == 0
