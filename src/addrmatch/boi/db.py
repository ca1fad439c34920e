"""The Campus SQLite schema, the connection, and one transaction per call.

Tables (the :class:`addrmatch.AddressStore` keeps its own tables in the same
database; a household location points at a store address by id):

* reference lists: ``school``, ``gender``, ``assignment_code``, ``title``;
* people: ``person`` (demographics), ``identity`` (names, with start and end
  dates; at most one current identity per person, enforced by a partial
  unique index), ``staff`` (the Local Staff Number and the "HR-managed"
  flag; staff numbers may be NULL or duplicated in legacy data, so
  uniqueness is a rule of ``create_staff``, not a constraint),
  ``person_combine`` (the Combine Person audit);
* ``employment``, ``position`` (district assignments) and ``position_link``
  (other records using a position, which cannot be removed);
* ``household``, ``household_member``, ``household_location``;
* ``error_log``; ``district_user``, ``user_right``, ``notification``,
  ``notification_recipient``, ``message`` (the message centre);
  ``preference``.

Every statement is parameterised; table and column names are constants.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from addrmatch import AddressStore

__all__ = [
    "SCHEMA",
    "SCHEMA_VERSION",
    "Ctx",
    "create_schema",
    "open_database",
    "restrict_permissions",
    "transaction",
]

SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS boi_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS school (
    school_number TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS gender (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS assignment_code (
    code TEXT PRIMARY KEY,
    description TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS title (
    title_code TEXT PRIMARY KEY,
    description TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT 'district' CHECK (created_by IN ('district', 'hr'))
);
CREATE TABLE IF NOT EXISTS person (
    person_id INTEGER PRIMARY KEY,
    gender TEXT,
    ssn TEXT,
    birthdate TEXT,
    work_phone TEXT,
    cell_phone TEXT,
    other_phone TEXT,
    work_email TEXT,
    personal_email TEXT,
    origin TEXT NOT NULL CHECK (origin IN ('hr', 'district', 'legacy', 'student', 'parent', 'other')),
    created_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS person_birthdate ON person (birthdate);
CREATE TABLE IF NOT EXISTS identity (
    identity_id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person (person_id) ON DELETE CASCADE,
    last_name TEXT NOT NULL,
    first_name TEXT NOT NULL,
    middle_name TEXT,
    start_date TEXT NOT NULL,
    end_date TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS identity_one_current ON identity (person_id) WHERE end_date IS NULL;
CREATE INDEX IF NOT EXISTS identity_names ON identity (last_name COLLATE NOCASE, first_name COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS identity_person ON identity (person_id);
CREATE TABLE IF NOT EXISTS staff (
    person_id INTEGER PRIMARY KEY REFERENCES person (person_id) ON DELETE CASCADE,
    staff_number TEXT,
    hr_managed INTEGER NOT NULL DEFAULT 0 CHECK (hr_managed IN (0, 1)),
    created_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS staff_number ON staff (staff_number COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS person_combine (
    combine_id INTEGER PRIMARY KEY,
    base_person_id INTEGER NOT NULL REFERENCES person (person_id) ON DELETE CASCADE,
    combined_person_id INTEGER NOT NULL,
    combine_date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS employment (
    employment_id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person (person_id) ON DELETE CASCADE,
    hire_date TEXT NOT NULL,
    termination_date TEXT
);
CREATE INDEX IF NOT EXISTS employment_person ON employment (person_id);
CREATE TABLE IF NOT EXISTS position (
    position_id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES person (person_id) ON DELETE CASCADE,
    school_number TEXT NOT NULL REFERENCES school (school_number),
    assignment_code TEXT REFERENCES assignment_code (code),
    title_code TEXT REFERENCES title (title_code),
    start_date TEXT NOT NULL,
    end_date TEXT,
    CHECK (assignment_code IS NOT NULL OR title_code IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS position_person ON position (person_id);
CREATE TABLE IF NOT EXISTS position_link (
    link_id INTEGER PRIMARY KEY,
    position_id INTEGER NOT NULL REFERENCES position (position_id),
    kind TEXT NOT NULL,
    reference TEXT
);
CREATE INDEX IF NOT EXISTS position_link_position ON position_link (position_id);
CREATE TABLE IF NOT EXISTS household (
    household_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    phone TEXT,
    phone_private INTEGER NOT NULL DEFAULT 0,
    staff_household INTEGER NOT NULL DEFAULT 0 CHECK (staff_household IN (0, 1)),
    created_date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS household_member (
    member_id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES household (household_id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES person (person_id) ON DELETE CASCADE,
    start_date TEXT NOT NULL,
    end_date TEXT
);
CREATE INDEX IF NOT EXISTS household_member_person ON household_member (person_id);
CREATE INDEX IF NOT EXISTS household_member_household ON household_member (household_id);
CREATE TABLE IF NOT EXISTS household_location (
    location_id INTEGER PRIMARY KEY,
    household_id INTEGER NOT NULL REFERENCES household (household_id) ON DELETE CASCADE,
    address_id INTEGER NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    mailing INTEGER NOT NULL DEFAULT 1,
    physical INTEGER NOT NULL DEFAULT 1,
    secondary INTEGER NOT NULL DEFAULT 0,
    private INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS household_location_household ON household_location (household_id);
CREATE TABLE IF NOT EXISTS error_log (
    error_id INTEGER PRIMARY KEY,
    error_date TEXT NOT NULL,
    logged_at TEXT NOT NULL,
    action TEXT NOT NULL,
    path TEXT NOT NULL,
    staff_number TEXT,
    error_type TEXT NOT NULL,
    message TEXT NOT NULL,
    payload TEXT
);
CREATE INDEX IF NOT EXISTS error_log_date ON error_log (error_date);
CREATE TABLE IF NOT EXISTS district_user (
    user_id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS user_right (
    user_id INTEGER NOT NULL REFERENCES district_user (user_id) ON DELETE CASCADE,
    tool_right TEXT NOT NULL,
    PRIMARY KEY (user_id, tool_right)
);
CREATE TABLE IF NOT EXISTS notification (
    notification_id INTEGER PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('HR-Staff', 'HR Sync Commit'))
);
CREATE TABLE IF NOT EXISTS notification_recipient (
    notification_id INTEGER NOT NULL REFERENCES notification (notification_id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES district_user (user_id) ON DELETE CASCADE,
    PRIMARY KEY (notification_id, user_id)
);
CREATE TABLE IF NOT EXISTS message (
    message_id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES district_user (user_id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    event TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_date TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS message_user ON message (user_id);
CREATE TABLE IF NOT EXISTS preference (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL CHECK (value IN (0, 1))
);
"""


@dataclass(frozen=True)
class Ctx:
    """What one call works with: the connection, the address store and the
    date of the call (fixed for the whole call)."""

    conn: sqlite3.Connection
    store: AddressStore
    today: str

    def one(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> Any:
        """The first column of the first row, or None."""
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def insert(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> int:
        """Run an INSERT and return the new rowid."""
        rowid = self.conn.execute(sql, params).lastrowid
        assert rowid is not None
        return rowid


def restrict_permissions(path: str | os.PathLike[str]) -> None:
    """Make a database file and its -wal/-shm/-journal companions owner-only (0o600)."""
    base = os.fspath(path)
    for name in (base, base + "-wal", base + "-shm", base + "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.chmod(name, 0o600)


def open_database(path: str | os.PathLike[str]) -> tuple[sqlite3.Connection, bool]:
    """Open (creating it owner-only if absent) an SQLite file; ``(connection, created)``.

    The connection is in autocommit mode (``isolation_level=None``): every
    Campus call opens its own transaction explicitly.
    """
    text = os.fspath(path)
    created = False
    if text != ":memory:" and not text.startswith("file:"):
        target = Path(text)
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            os.close(fd)
            created = True
    conn = sqlite3.connect(text, isolation_level=None, timeout=30.0, check_same_thread=False)
    if text != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    return conn, created


def create_schema(conn: sqlite3.Connection) -> None:
    """Create the Campus tables and indexes (once; idempotent), in one transaction."""
    with transaction(conn):
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(
            "INSERT OR IGNORE INTO boi_meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection, *, immediate: bool = True) -> Iterator[None]:
    """One transaction: committed when the block ends, rolled back on any error.

    Inside a transaction the caller already holds, a SAVEPOINT is used
    instead, so the block's changes are undone on error and committed by the
    caller.
    """
    if conn.in_transaction:
        # Savepoint names may repeat: ROLLBACK TO / RELEASE act on the innermost one.
        conn.execute("SAVEPOINT boi_call")
        try:
            yield
        except BaseException:
            conn.execute("ROLLBACK TO SAVEPOINT boi_call")
            conn.execute("RELEASE SAVEPOINT boi_call")
            raise
        conn.execute("RELEASE SAVEPOINT boi_call")
        return
    conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    conn.commit()
