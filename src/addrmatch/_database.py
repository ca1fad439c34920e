"""addrmatch's SQLite plumbing: the one open routine, and one transaction per call.

Used by :class:`addrmatch.AddressStore` and by ``addrmatch.boi`` (whose
``Campus`` shares its database file with an address store):

* :func:`open_database`: open a path, ``":memory:"``, an ``sqlite3.Connection``
  or a ``sqlite_utils.Database`` (:func:`connection_of`), and check it before
  anything is written;
* :func:`atomic`: one transaction (or a savepoint inside the caller's);
* :class:`Schema`: what one part of addrmatch keeps in a database (its meta
  table, schema version and table names), which the open routine checks.

**The open routine writes nothing before it knows the file is addrmatch's
(or new).** For a path it answers, in this order, with reads only:

1. Does the file exist? If not, it is created owner-only
   (:func:`addrmatch._files.create_private`), unless ``create=False``.
2. Is it a directory, or not a regular file? Is it readable?
3. Is it read-only (the file or its directory not writable, or
   ``read_only=True``)? Then SQLite opens it with ``mode=ro``; SQLite never
   creates the file either way (``mode=rw``).
4. Is it SQLite at all (not a text file, not corrupt)? The schema is read.
5. Is it ours? An empty file is new. A file with tables must hold the meta
   table of at least one of the schemas asked for (``addrmatch_meta``,
   ``boi_meta``); a table a schema would create (``addresses``) without that
   schema's meta table belongs to another application.
6. Which schema versions does it hold? A newer one than this code reads is
   refused; a read-only database must already hold the current schemas.

Only then, for a writable file, is WAL switched on. Every failure is a
:class:`~addrmatch.errors.DatabaseError` naming the path and the problem;
the file, its bytes and its journal mode are left as they were (a file the
routine created itself is removed again).

A read-only database serves reading calls; a write raises
:class:`~addrmatch.errors.ReadOnlyDatabaseError` (:func:`atomic` turns
SQLite's "attempt to write a readonly database" into it).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from addrmatch._files import create_private, remove_database
from addrmatch.errors import (
    DatabaseError,
    NotOurDatabaseError,
    ReadOnlyDatabaseError,
    SchemaVersionError,
    UnreadableDatabaseError,
)

__all__ = [
    "Database",
    "Schema",
    "Target",
    "atomic",
    "connection_of",
    "file_of",
    "open_database",
    "translate_error",
    "use_wal",
]

#: What addrmatch opens: a path, ``":memory:"``, or an open database.
Target = str | os.PathLike[str] | sqlite3.Connection | sqlite_utils.Database
_MEMORY = ":memory:"


@dataclass(frozen=True, slots=True)
class Schema:
    """What one part of addrmatch keeps in a database.

    ``version_sql`` reads the recorded version (one row, one column) from
    ``meta_table``; ``version`` is the newest version this code reads and
    writes; ``tables`` are the tables it creates.

    >>> s = Schema("demo", "demo_meta", "SELECT value FROM demo_meta", 1, frozenset({"demo"}))
    >>> s.read_version(sqlite3.connect(":memory:"))
    0
    """

    title: str
    meta_table: str
    version_sql: str
    version: int
    tables: frozenset[str]

    def read_version(self, conn: sqlite3.Connection) -> int:
        """The version recorded in the database; 0 when the schema is absent."""
        if not _has_table(conn, self.meta_table):
            return 0
        row = conn.execute(self.version_sql).fetchone()
        return int(row[0]) if row else 0


@dataclass(frozen=True, slots=True)
class Database:
    """An opened database and what the open routine learnt about it."""

    conn: sqlite3.Connection
    #: The absolute file name, or None for a database in memory.
    path: str | None
    #: True when :func:`open_database` opened the connection (the caller closes it).
    owned: bool
    #: True when the file (or the in-memory database) was created by this open.
    created: bool
    #: True when the database was opened read-only.
    read_only: bool
    #: Meta table name -> the schema version found (0: not there yet).
    versions: Mapping[str, int]


def connection_of(target: object) -> sqlite3.Connection | None:
    """The open connection ``target`` is or holds (an ``sqlite3.Connection``
    or a ``sqlite_utils.Database``); None for anything else (a path).

    >>> conn = sqlite3.connect(":memory:")
    >>> connection_of(sqlite_utils.Database(conn)) is conn, connection_of("x.db")
    (True, None)
    """
    if isinstance(target, sqlite3.Connection):
        return target
    if isinstance(target, sqlite_utils.Database):
        return target.conn
    return None


def file_of(conn: sqlite3.Connection) -> str | None:
    """The file of a connection's main database; None in memory.

    >>> file_of(sqlite3.connect(":memory:")) is None
    True
    """
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return file or None
    return None


def open_database(
    target: Target,
    schemas: Sequence[Schema],
    *,
    create: bool = True,
    read_only: bool | None = None,
    timeout: float = 30.0,
) -> Database:
    """Open ``target`` for the parts of addrmatch described by ``schemas``,
    after checking it (module docstring); nothing is written before the
    checks pass. Creating the schemas is the caller's job (in :func:`atomic`).

    ``create=False`` requires an existing file; ``read_only`` None decides by
    the file's permissions, True opens read-only, False refuses a read-only
    file. Connections the caller opened are checked but never changed.

    >>> import tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "text.db")
    >>> _ = open(path, "w").write("name,city\\n")
    >>> open_database(path, [])
    Traceback (most recent call last):
    ...
    addrmatch.errors.UnreadableDatabaseError: '...text.db': is not an SQLite database (a text file, or corrupt)
    """
    conn = connection_of(target)
    if conn is not None:
        versions = _inspect(conn, file_of(conn), schemas, from_path=False)
        return Database(conn, file_of(conn), False, False, False, versions)
    if not isinstance(target, (str, os.PathLike)):
        raise TypeError(
            "target: expected a path, ':memory:', a sqlite3.Connection or a sqlite_utils.Database, "
            f"got {type(target).__name__}"
        )
    name = os.fspath(target)
    if not isinstance(name, str):
        raise TypeError(f"target: expected a text path, got {type(name).__name__}")
    if name == _MEMORY:
        conn = sqlite3.connect(_MEMORY, isolation_level=None, check_same_thread=False)
        return Database(conn, None, True, True, False, {s.meta_table: 0 for s in schemas})
    if not name.strip():
        raise UnreadableDatabaseError(name, "an empty path names no database file")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # bytes of another encoding, as Python reads them (surrogateescape)
        raise UnreadableDatabaseError(
            name, "is not a usable file name: not valid UTF-8 (SQLite takes UTF-8 file names)"
        ) from None
    path, created = _existing_file(name, create=create, read_only=read_only)
    try:
        return _open_file(name, path, created, schemas, read_only=read_only, timeout=timeout)
    except BaseException:
        if created:
            remove_database(path)
        raise


def _existing_file(name: str, *, create: bool, read_only: bool | None) -> tuple[str, bool]:
    """The absolute path of the database file, created owner-only when it is
    missing (and may be); True when this call created it."""
    try:
        path = os.path.abspath(name)
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    except ValueError:
        raise UnreadableDatabaseError(name, "is not a usable file name (it holds a NUL character)") from None
    except OSError as e:
        raise UnreadableDatabaseError(name, f"cannot be reached: {e.strerror or e}") from None
    created = False
    if info is None:
        if not create:
            raise UnreadableDatabaseError(name, "no such database file")
        if read_only:
            raise ReadOnlyDatabaseError(
                name, "does not exist, and a database opened read-only is not created"
            )
        try:
            created = create_private(path)
        except FileNotFoundError:
            raise UnreadableDatabaseError(name, "cannot be created: its directory does not exist") from None
        except PermissionError:
            raise ReadOnlyDatabaseError(name, "cannot be created: its directory is not writable") from None
        except OSError as e:
            raise UnreadableDatabaseError(name, f"cannot be created: {e.strerror or e}") from None
        try:
            info = os.stat(path)  # (another process may have created it first)
        except FileNotFoundError:  # a symbolic link to nowhere: "exists" for create, not for stat
            raise UnreadableDatabaseError(name, "is a symbolic link to a missing file") from None
    if stat.S_ISDIR(info.st_mode):
        raise UnreadableDatabaseError(name, "is a directory, not a database file")
    if not stat.S_ISREG(info.st_mode):
        raise UnreadableDatabaseError(name, "is not a regular file")
    if not os.access(path, os.R_OK):
        raise UnreadableDatabaseError(name, "is not readable (permission denied)")
    return path, created


def _open_file(
    name: str, path: str, created: bool, schemas: Sequence[Schema], *, read_only: bool | None, timeout: float
) -> Database:
    writable = os.access(path, os.W_OK) and os.access(os.path.dirname(path) or ".", os.W_OK)
    if read_only is False and not writable:
        raise ReadOnlyDatabaseError(name, "is read-only (the file or its directory is not writable)")
    ro = not writable if read_only is None else read_only
    companions = [path + suffix for suffix in ("-wal", "-shm") if not os.path.lexists(path + suffix)]
    conn = _connect(path, ro, timeout)
    try:
        try:
            versions = _inspect(conn, name, schemas, from_path=True)
        except ReadOnlyDatabaseError:
            # A WAL database in a directory nobody may write cannot get its
            # -shm file: read it as immutable, which needs none, when no -wal
            # file holds changes (nobody can be writing it then).
            if not ro or os.path.exists(path + "-wal"):
                raise
            conn.close()
            conn = _connect(path, ro, timeout, immutable=True)
            versions = _inspect(conn, name, schemas, from_path=True)
        if ro:
            for s in schemas:
                if versions[s.meta_table] != s.version:
                    found = versions[s.meta_table]
                    raise ReadOnlyDatabaseError(
                        name,
                        f"is read-only and holds no {s.title} yet"
                        if found == 0
                        else f"is read-only and its {s.title} (schema version {found}) needs upgrading to "
                        f"version {s.version}, which writes: open it once writable (as a user who may write"
                        " the file and its folder) to upgrade it",
                    )
        else:
            use_wal(conn, name, timeout)
            conn.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        conn.close()
        _remove_empty_companions(companions)
        raise
    return Database(conn, path, True, created, ro, versions)


def _remove_empty_companions(paths: list[str]) -> None:
    """Remove the ``-wal``/``-shm`` files a refused open made SQLite create
    beside a WAL database it only read (a read-only connection leaves them):
    a refusal leaves the directory as it was. A ``-wal`` holding data stays."""
    wal = next((p for p in paths if p.endswith("-wal")), None)
    with contextlib.suppress(OSError):
        if wal is not None and os.path.exists(wal) and os.path.getsize(wal) > 0:
            return
        for p in paths:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(p)


def _connect(path: str, read_only: bool, timeout: float, *, immutable: bool = False) -> sqlite3.Connection:
    """A connection that never creates the file (``mode=rw`` / ``mode=ro``)."""
    uri = (
        Path(path).as_uri()
        + ("?mode=ro" if read_only else "?mode=rw")
        + ("&immutable=1" if immutable else "")
    )
    try:
        return sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as e:
        raise UnreadableDatabaseError(path, f"cannot be opened: {e}") from None


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone()
    return row is not None


def _inspect(
    conn: sqlite3.Connection, name: str | None, schemas: Sequence[Schema], *, from_path: bool
) -> dict[str, int]:
    """Check (reading only) that the database is SQLite, ours and of versions
    this code reads; the version of each schema (0: absent)."""
    try:
        tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        clash = sorted({t for s in schemas if s.meta_table not in tables for t in s.tables & tables})
        if clash:
            metas = " or ".join(s.meta_table for s in schemas if s.meta_table not in tables)
            raise NotOurDatabaseError(
                name,
                f"has {'a table' if len(clash) == 1 else 'tables'} {', '.join(map(repr, clash))} that "
                f"{'is' if len(clash) == 1 else 'are'} not addrmatch's (there is no {metas} table); "
                "nothing was changed. Use another database file",
            )
        own = {t for t in tables if not t.startswith("sqlite_")}
        if from_path and own and schemas and not any(s.meta_table in tables for s in schemas):
            listed = ", ".join(sorted(own)[:5]) + (", ..." if len(own) > 5 else "")
            raise NotOurDatabaseError(
                name,
                f"is another application's SQLite database (tables: {listed}), not an addrmatch "
                f"{schemas[0].title}; nothing was changed. Use another file (or, to keep addrmatch's "
                "tables in this one on purpose, pass an open sqlite3.Connection)",
            )
        versions: dict[str, int] = {}
        for s in schemas:
            found = s.read_version(conn) if s.meta_table in tables else 0
            if found > s.version:
                raise SchemaVersionError(
                    name,
                    f"{s.meta_table}: the {s.title} has schema version {found}, this addrmatch reads up to "
                    f"version {s.version}; upgrade addrmatch",
                )
            versions[s.meta_table] = found
    except sqlite3.Error as e:
        raise translate_error(e, name) from e
    except UnicodeDecodeError as e:  # a scribbled schema page: names that are not UTF-8
        raise UnreadableDatabaseError(name, f"is a corrupt SQLite database ({e})") from e
    return versions


def use_wal(conn: sqlite3.Connection, name: str | None, timeout: float) -> None:
    """Switch a file database to WAL (call it only once the file is known to
    be ours). The switch needs the database to itself, so when several
    processes open a new file at once it is retried (the busy handler does
    not cover it) until another one has done it."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise translate_error(e, name) from e
            time.sleep(0.02)


def translate_error(error: sqlite3.Error, name: str | None) -> DatabaseError:
    """The :class:`~addrmatch.errors.DatabaseError` for an SQLite error that
    says the database cannot be used (read-only, not SQLite, corrupt).

    >>> str(translate_error(sqlite3.DatabaseError("file is not a database"), "x.db"))
    "'x.db': is not an SQLite database (a text file, or corrupt)"
    """
    text = str(error)
    if "readonly" in text or "read-only" in text:
        return ReadOnlyDatabaseError(name, f"is read-only ({text})")
    if "not a database" in text:
        return UnreadableDatabaseError(name, "is not an SQLite database (a text file, or corrupt)")
    if "malformed" in text or "corrupt" in text:
        return UnreadableDatabaseError(name, f"is a corrupt SQLite database ({text})")
    if "locked" in text or "busy" in text:
        return DatabaseError(name, f"is locked by another connection ({text}); try again later")
    if isinstance(error, sqlite3.IntegrityError | sqlite3.ProgrammingError | sqlite3.InterfaceError):
        return DatabaseError(name, text)
    return UnreadableDatabaseError(name, f"cannot be used: {text}")


def _unusable(error: BaseException, conn: sqlite3.Connection) -> DatabaseError | None:
    """The DatabaseError for an SQLite error that says the database cannot
    be used as it is (read-only, not SQLite, corrupt); None for any other."""
    if isinstance(error, sqlite3.Error) and any(
        w in str(error) for w in ("readonly", "not a database", "malformed")
    ):
        return translate_error(error, file_of(conn))
    return None


@contextlib.contextmanager
def atomic(conn: sqlite3.Connection, *, immediate: bool = True) -> Iterator[sqlite3.Connection]:
    """One transaction: committed when the block ends, rolled back on any error.

    ``BEGIN IMMEDIATE`` (``immediate=False``: a deferred ``BEGIN``, for
    reading). Inside a transaction the caller already holds, a SAVEPOINT is
    used instead: the block's changes are undone on error and committed with
    the caller's transaction. The rollback is guarded: SQLite may already
    have rolled the whole transaction back (a full disk, an interrupt), and a
    second error must not hide the first. SQLite's errors that say the
    database cannot be written or read (read-only, corrupt) are raised as
    :class:`~addrmatch.errors.DatabaseError`.

    >>> conn = sqlite3.connect(":memory:", isolation_level=None)
    >>> _ = conn.execute("CREATE TABLE t (x)")
    >>> try:
    ...     with atomic(conn):
    ...         _ = conn.execute("INSERT INTO t VALUES (1)")
    ...         raise KeyError("undo")
    ... except KeyError:
    ...     pass
    >>> conn.execute("SELECT count(*) FROM t").fetchone()
    (0,)
    """
    if conn.in_transaction:
        # Savepoint names may repeat: ROLLBACK TO / RELEASE act on the innermost one.
        conn.execute("SAVEPOINT addrmatch_atomic")
        try:
            yield conn
        except BaseException as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK TO addrmatch_atomic")
                conn.execute("RELEASE addrmatch_atomic")
            translated = _unusable(error, conn)
            if translated is not None:
                raise translated from error
            raise
        conn.execute("RELEASE addrmatch_atomic")
        return
    try:
        conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    except sqlite3.Error as error:
        translated = _unusable(error, conn)
        if translated is not None:
            raise translated from error
        raise
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        translated = _unusable(error, conn)
        if translated is not None:
            raise translated from error
        raise
