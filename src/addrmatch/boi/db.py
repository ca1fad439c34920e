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

Schema changes after version 1 are *migrations*: SQL statements applied once,
in order, and counted in ``boi_meta`` (:func:`apply_migrations`). A
:class:`~addrmatch.boi.Campus` subclass that adds a staff field adds its
column the same way (``migrations = (*Campus.migrations, "ALTER TABLE person
ADD COLUMN badge_number TEXT")``): see the README's "Adding a staff field".
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from addrmatch import _database
from addrmatch._database import Database
from addrmatch._store_schema import schema as store_schema
from addrmatch.boi.fields import DEFAULT_SCHEMA, StaffSchema

if TYPE_CHECKING:
    from addrmatch import AddressStore

__all__ = [
    "CAMPUS_SCHEMA",
    "SCHEMA",
    "SCHEMA_VERSION",
    "Ctx",
    "apply_migrations",
    "create_schema",
    "open_database",
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


#: The Campus tables, for the open routine's checks.
CAMPUS_SCHEMA = _database.Schema(
    "Campus database",
    "boi_meta",
    "SELECT value FROM boi_meta WHERE key = 'schema_version'",
    SCHEMA_VERSION,
    frozenset(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", SCHEMA)),
)


@dataclass(frozen=True)
class Ctx:
    """What one call works with: the connection, the address store, the
    date of the call (fixed for the whole call) and the staff fields."""

    conn: sqlite3.Connection
    store: AddressStore
    today: str
    schema: StaffSchema = DEFAULT_SCHEMA

    def one(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> Any:
        """The first column of the first row, or None."""
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def insert(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> int:
        """Run an INSERT and return the new rowid."""
        rowid = self.conn.execute(sql, params).lastrowid
        assert rowid is not None
        return rowid


def open_database(
    database: str | os.PathLike[str] | sqlite3.Connection | Any, *, read_only: bool | None = None
) -> Database:
    """Open a Campus database with addrmatch's one open routine
    (:func:`addrmatch._database.open_database`): a path is checked before
    anything is written to it (a directory, a file that is not SQLite or is
    corrupt, another application's database, a newer schema raise a
    :class:`~addrmatch.errors.DatabaseError` naming the path and leave the
    file untouched); a missing file is created owner-only (0o600); a file
    that is not writable opens read-only. The connection is in autocommit
    mode (``isolation_level=None``): every Campus call opens its own
    transaction explicitly.
    """
    return _database.open_database(
        database, (CAMPUS_SCHEMA, store_schema()), read_only=read_only, timeout=30.0
    )


def create_schema(conn: sqlite3.Connection) -> None:
    """Create the Campus tables and indexes (once; idempotent), in one transaction."""
    with transaction(conn):
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(
            "INSERT OR IGNORE INTO boi_meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )


def apply_migrations(conn: sqlite3.Connection, migrations: tuple[str, ...]) -> int:
    """Apply the migrations not applied yet (counted in ``boi_meta``), in one
    transaction; returns how many ran.

    >>> conn = sqlite3.connect(":memory:", isolation_level=None); create_schema(conn)
    >>> apply_migrations(conn, ("ALTER TABLE person ADD COLUMN badge_number TEXT",))
    1
    >>> apply_migrations(conn, ("ALTER TABLE person ADD COLUMN badge_number TEXT",))
    0
    """
    with transaction(conn):
        row = conn.execute("SELECT value FROM boi_meta WHERE key = 'migrations'").fetchone()
        done = int(row[0]) if row else 0
        for statement in migrations[done:]:
            conn.execute(statement)
        if len(migrations) > done:
            conn.execute(
                "INSERT INTO boi_meta (key, value) VALUES ('migrations', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(len(migrations)),),
            )
    return max(0, len(migrations) - done)


#: One transaction per call (a savepoint inside the caller's): addrmatch's one helper.
transaction = _database.atomic
