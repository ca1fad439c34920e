"""Where the fuzz's calls run: a temporary directory, template databases
built once per process and copied fresh for every case, and hostile
database paths.

Every case starts from a copy of a template (a file copy costs well under a
millisecond), so a failure never depends on the cases before it and its
minimized value reproduces it alone.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.boi.boi_support import BASKETBALL_COACH, load_lists
from tests.fuzz.values import BIRTHDATES, SSNS

from addrmatch import AddressStore
from addrmatch.boi import Campus

__all__ = ["DB_KINDS", "FIXED_DAY", "FIXED_TIME", "Workspace", "inside", "workspace"]

#: The date every Campus call runs on, and the time of token expiry.
FIXED_DAY = "2024-08-01"
FIXED_TIME = 1_700_000_000.0

STORED_ADDRESSES = [
    "4321 N Lexington Ave, Blaine MN 55123",
    "4321 South Lexington Ave SE Apt 45, Blaine MN 55123",
    "12 Main St, Blaine MN 55123",
    "12 Main St Apt 4, Blaine MN 55123",
    "PO Box 54, Blaine MN 55123",
    "RR 2 Box 7, Anoka MN 55303",
    "500 Roosevelt Rd, Saint Paul MN 55101",
    "9 Elm Street, Chicago IL 60615",
]
#: Stored as legacy rows (duplicates kept).
LEGACY_ADDRESSES = ["12 Main Street, Blaine MN 55123", "9 Elm St, Chicago IL 60615"]

COACH = {k: v for k, v in BASKETBALL_COACH.items() if v is not None}


def stored_staff() -> list[dict[str, Any]]:
    """The staff of the Campus template: each holds an SSN and a birthdate that
    no message may ever show."""
    return [
        {
            "staffNumber": "1001",
            "lastName": "Simpson",
            "firstName": "Pat",
            "gender": "F",
            "ssn": SSNS[0],
            "birthdate": BIRTHDATES[0],
            "workEmail": "psimpson@school.k12.mo.us",
            "employments": [{"hireDate": "2020-07-25"}],
            "positions": [dict(COACH)],
            "household": {
                "householdLocations": [
                    {
                        "address": {
                            "fullStreetAddress": "4321 N Lexington Ave",
                            "city": "Blaine",
                            "state": "MN",
                            "zip": "55123",
                        }
                    }
                ]
            },
        },
        {
            "staffNumber": "2002",
            "lastName": "Brown",
            "firstName": "Ana",
            "gender": "M",
            "ssn": SSNS[1],
            "birthdate": BIRTHDATES[1],
            "positions": [{**COACH, "schoolNumber": "106", "startDate": "2020-08-25"}],
        },
        {"staffNumber": "D1", "lastName": "Núñez", "firstName": "Bryan", "gender": "X"},
    ]


class Workspace:
    """A temporary directory with the template databases (built on first use)."""

    def __init__(self, root: str) -> None:
        self.root = Path(root)
        self._templates: dict[str, Path] = {}
        self._count = 0
        self.token: str | None = None

    def fresh_dir(self) -> Path:
        """A new empty directory for one case."""
        self._count += 1
        path = self.root / f"case{self._count}"
        path.mkdir()
        return path

    def cleanup(self, path: Path) -> None:
        """Remove a case's directory (made writable first: a case may chmod its files)."""
        for sub, dirs, files in os.walk(path):
            for name in dirs + files:
                p = os.path.join(sub, name)
                if not os.path.islink(p):
                    os.chmod(p, stat.S_IRWXU)
        shutil.rmtree(path, ignore_errors=True)

    # -- templates --------------------------------------------------------------------------

    def template(self, kind: str) -> Path:
        """The template database file of ``kind`` (``store``, ``campus``), built once."""
        if kind not in self._templates:
            path = self.root / f"template-{kind}.db"
            {"store": _build_store, "campus": self._build_campus}[kind](path)
            self._templates[kind] = path
        return self._templates[kind]

    def copy_of(self, kind: str, directory: Path, name: str = "db.sqlite") -> Path:
        """A fresh copy of a template in ``directory``."""
        target = directory / name
        shutil.copyfile(self.template(kind), target)
        os.chmod(target, 0o600)
        return target

    def _build_campus(self, path: Path) -> None:
        campus = Campus(path, clock=lambda: FIXED_DAY)
        try:
            load_lists(campus)
            for payload in stored_staff():
                campus.create_staff(payload)
            creds = campus.api_credentials()
            self.token = campus.issue_token(
                creds["clientId"], creds["clientSecret"], now=FIXED_TIME, lifetime=10**8
            )
            campus.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            campus.close()

    def campus_token(self) -> str:
        """The bearer token stored in the Campus template (valid at :data:`FIXED_TIME`)."""
        self.template("campus")
        assert self.token is not None
        return self.token

    # -- hostile database paths -------------------------------------------------------------

    def database_path(self, kind: str, directory: Path) -> str:
        """A database path of ``kind`` (:data:`DB_KINDS`) in ``directory``."""
        path = directory / "db.sqlite"
        if kind == "new":
            pass
        elif kind in ("store", "campus"):
            self.copy_of(kind, directory)
        elif kind == "read-only store":
            self.copy_of("store", directory)
            os.chmod(path, 0o400)
        elif kind == "read-only campus":
            self.copy_of("campus", directory)
            os.chmod(path, 0o400)
        elif kind == "empty file":
            path.touch()
        elif kind == "text file":
            path.write_text("staffNumber,lastName\n1001,Simpson\n")
        elif kind == "directory":
            path.mkdir()
        elif kind == "truncated store":
            data = self.template("store").read_bytes()
            path.write_bytes(data[: len(data) // 3])
        elif kind == "corrupt store":
            data = bytearray(self.template("store").read_bytes())
            for i in range(120, len(data), 997):  # the header stays valid, the pages do not
                data[i] ^= 0x5A
            path.write_bytes(bytes(data))
        elif kind == "sqlite header only":
            path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 84)
        elif kind == "other application":
            _other_application(path, with_addresses=False)
        elif kind == "other application with addresses":
            _other_application(path, with_addresses=True)
        elif kind == "newer store":
            self.copy_of("store", directory)
            with _connect(path) as conn:
                conn.execute("UPDATE addrmatch_meta SET value = '999'")
        elif kind == "newer campus":
            self.copy_of("campus", directory)
            with _connect(path) as conn:
                conn.execute("UPDATE boi_meta SET value = '999' WHERE key = 'schema_version'")
        elif kind == "missing directory":
            return str(directory / "no-such-dir" / "db.sqlite")
        elif kind == "dangling symlink":
            os.symlink(directory / "nowhere.db", path)
        elif kind == "path with NUL":
            return str(directory / "db\x00.sqlite")
        elif kind == "path with surrogate":
            return str(directory / "db\udcff.sqlite")
        elif kind == "long name":
            return str(directory / ("d" * 300 + ".sqlite"))
        elif kind == "empty path":
            return ""
        else:
            raise ValueError(f"unknown database kind {kind!r}")
        return str(path)


#: The database paths the fuzz opens (:meth:`Workspace.database_path`).
DB_KINDS = (
    "new",
    "store",
    "campus",
    "read-only store",
    "read-only campus",
    "empty file",
    "text file",
    "directory",
    "truncated store",
    "corrupt store",
    "sqlite header only",
    "other application",
    "other application with addresses",
    "newer store",
    "newer campus",
    "missing directory",
    "dangling symlink",
    "path with NUL",
    "path with surrogate",
    "long name",
    "empty path",
)


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def _other_application(path: Path, *, with_addresses: bool) -> None:
    with _connect(path) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO users (name) VALUES ('someone')")
        if with_addresses:
            conn.execute("CREATE TABLE addresses (id INTEGER PRIMARY KEY, line TEXT)")
            conn.execute("INSERT INTO addresses (line) VALUES ('12 Main St')")


def _build_store(path: Path) -> None:
    store = AddressStore(path)
    try:
        store.add_many(STORED_ADDRESSES)
        store.import_rows(LEGACY_ADDRESSES)
        store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        store.close()


@contextmanager
def inside(directory: Path) -> Iterator[None]:
    """Run with ``directory`` as the working directory: a relative path a case
    opens (``Campus("12 Main St")``) is created there, never in the checkout."""
    old = os.getcwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(old)


@contextmanager
def workspace() -> Iterator[Workspace]:
    """A :class:`Workspace` in a new temporary directory, removed afterwards."""
    root = tempfile.mkdtemp(prefix="addrmatch-fuzz-")
    ws = Workspace(root)
    try:
        with inside(Path(root)):
            yield ws
    finally:
        ws.cleanup(Path(root))
