"""The unit of work of :mod:`addrmatch.boi`: one connection, one call at a time.

A :class:`Session` owns what every call needs: the SQLite connection, the
lock that serialises calls on it (also across threads), the clock that
gives the date of a call, the :class:`~addrmatch.AddressStore` over the same
connection and the staff fields (:class:`~addrmatch.boi.fields.StaffSchema`).
:meth:`Session.run` runs one call in one transaction and, when the call is
an endpoint of the specification's API and fails, writes it to the error
log afterwards (masked, in a transaction of its own). :meth:`Session.reopen`
gives a worker thread a session of its own on the same database file.

:class:`~addrmatch.boi.Campus` and :class:`~addrmatch.boi.sync.Sync` both
work through a session; neither reaches into the other.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from addrmatch._database import connection_of, file_of
from addrmatch.boi import errorlog
from addrmatch.boi.db import Ctx, apply_migrations, create_schema, open_database, transaction
from addrmatch.boi.endpoints import Endpoint
from addrmatch.boi.errors import ValidationError
from addrmatch.boi.fields import DEFAULT_SCHEMA, StaffSchema
from addrmatch.boi.masking import scrub_exception, sensitive_values
from addrmatch.boi.rules import Rule
from addrmatch.boi.schema import check_date
from addrmatch.boi.sync_tables import ensure_schema as ensure_sync_schema
from addrmatch.inputs import preview
from addrmatch.store import AddressStore

__all__ = ["Clock", "Session", "database_file"]

T = TypeVar("T")

#: Gives the date of a call: a :class:`datetime.date` or an ISO string.
Clock = Callable[[], "_dt.date | str"]


def _iso(value: Any) -> str:
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    checked = check_date("today", value)
    if checked is None:
        raise ValidationError("clock: returned no date", field="clock", rule=Rule.CLOCK, value=None)
    return checked


#: The file behind a connection's main database; None for an in-memory one.
database_file = file_of


class Session:
    """One connection and what every call on it needs (see the module docstring).

    >>> s = Session.open(":memory:", clock=lambda: "2024-08-01")
    >>> s.run(lambda ctx: ctx.today)
    '2024-08-01'
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        path: str | None = None,
        owns: bool = False,
        clock: Clock | None = None,
        schema: StaffSchema = DEFAULT_SCHEMA,
    ) -> None:
        self.conn = conn
        self.path = path
        self.owns = owns
        self.clock: Clock = clock or _dt.date.today
        self.schema = schema
        self.lock = threading.RLock()
        #: The database file (None: in memory), known now: a caller's connection
        #: may not be usable from the worker thread that reopens it.
        self.file: str | None = database_file(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        self.store = AddressStore(conn)

    @classmethod
    def open(
        cls,
        database: Any,
        *,
        clock: Clock | None = None,
        schema: StaffSchema = DEFAULT_SCHEMA,
        migrations: Sequence[str] = (),
    ) -> Session:
        """A session over ``database`` (opened by addrmatch's one open routine,
        :func:`addrmatch.boi.db.open_database`): a file path (created owner-only if
        absent), ``":memory:"``, or an open ``sqlite3.Connection`` /
        ``sqlite_utils.Database``; the Campus tables are created (and the
        migrations applied) when missing."""
        if not isinstance(database, (str, os.PathLike)) and connection_of(database) is None:
            raise ValidationError(
                f"database: a path, ':memory:', an sqlite3.Connection or a sqlite_utils.Database, "
                f"got {type(database).__name__}",
                field="database",
                rule=Rule.TYPE,
                value=None,
            )
        db = open_database(database)  # checked before anything is written; raises DatabaseError
        try:
            if not db.read_only:  # a read-only database holds the current schema (checked when opened)
                create_schema(db.conn)
                # The sync tables too, now: created on the first use of campus.sync, a call that
                # then failed (`boi commit` with nothing to commit) would have changed the database.
                ensure_sync_schema(db.conn)
                apply_migrations(db.conn, tuple(migrations))
            path = os.fspath(database) if db.owned else None
            return cls(db.conn, path=path, owns=db.owned, clock=clock, schema=schema)
        except BaseException:
            if db.owned:
                db.conn.close()
            raise

    def reopen(self) -> Session | None:
        """A session of its own on the same database file, for a worker
        thread; None when the database is in memory (it cannot be reopened)."""
        path = self.file
        if path is None:
            return None
        conn = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
        try:
            return Session(conn, path=path, owns=True, clock=self.clock, schema=self.schema)
        except BaseException:
            conn.close()
            raise

    def close(self) -> None:
        """Close the connection if the session opened it."""
        if self.owns:
            self.conn.close()
            self.owns = False

    def today(self) -> str:
        """The date of a call now (ISO), from the clock."""
        return _iso(self.clock())

    def ctx(self) -> Ctx:
        """The context of one call (the date fixed now)."""
        return Ctx(self.conn, self.store, self.today(), self.schema)

    def run(
        self,
        fn: Callable[[Ctx], T],
        *,
        endpoint: Endpoint | None = None,
        payload: Any = None,
        staff_number: Any = None,
        write: bool = True,
    ) -> T:
        """Run ``fn`` in one transaction; a failed call of an ``endpoint`` is
        then written to the error log (also when the call failed before its
        transaction began, e.g. on a bad clock)."""
        with self.lock:  # one connection: one call at a time, also across threads
            today: str | None = None
            try:
                ctx = self.ctx()
                today = ctx.today
                with transaction(self.conn, immediate=write):
                    return fn(ctx)
            except Exception as exc:
                safe = errorlog.loggable(payload)
                scrub_exception(exc, sensitive_values(safe))
                if endpoint is not None and endpoint.logged:
                    self.log(endpoint, exc, payload=payload, staff_number=staff_number, today=today)
                raise

    def log(
        self,
        endpoint: Endpoint,
        exc: BaseException,
        *,
        payload: Any = None,
        staff_number: Any = None,
        today: str | None = None,
    ) -> None:
        """Write a failed call to the error log; a failure to write is noted on ``exc``."""
        self.log_many(endpoint, [(payload, staff_number, exc)], today=today)

    def log_many(
        self,
        endpoint: Endpoint,
        failures: Sequence[tuple[Any, Any, BaseException]],
        *,
        today: str | None = None,
    ) -> None:
        """Write failed calls or records ``(payload, staff number, error)`` to
        the error log, in one transaction of their own."""
        with self.lock:
            try:
                day = today or _safe_today(self)
                with transaction(self.conn):
                    for payload, staff_number, exc in failures:
                        errorlog.record(
                            self.conn,
                            today=day,
                            action=endpoint.method,
                            path=endpoint.path,
                            staff_number=staff_number if isinstance(staff_number, str) else None,
                            error=exc,
                            payload=payload,
                        )
                for _, _, exc in failures:
                    with contextlib.suppress(AttributeError):  # a layer above need not log it again
                        exc._boi_logged = True  # type: ignore[attr-defined]
            except Exception as log_error:  # the call's own error matters more
                for _, _, exc in failures[:1]:
                    if hasattr(exc, "add_note"):
                        exc.add_note(f"(the error log could not be written: {preview(str(log_error), 200)})")


def _safe_today(session: Session) -> str:
    """The date of the call for the log, even when the clock itself failed."""
    try:
        return session.today()
    except Exception:
        return _dt.date.today().isoformat()
