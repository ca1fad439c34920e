"""``Campus``: the Business Office Integration rules over one SQLite database.

Each public method is one call of the specification's API (or of the
district's Campus UI) and one transaction: it commits when it succeeds and
leaves the database exactly as it was when it fails. A failed HR call is then
written to the error log, in a transaction of its own.

Payloads and results are the specification's JSON (camelCase) as dicts; see
:mod:`addrmatch.boi.schema`. The calls themselves live in
:mod:`~addrmatch.boi.hr_calls`, :mod:`~addrmatch.boi.district_calls` and
:mod:`~addrmatch.boi.admin_calls`; this module is the object that holds them
together with its :class:`~addrmatch.boi.session.Session`.
"""

from __future__ import annotations

import datetime as _dt
import os
import sqlite3
from typing import Any, ClassVar

from addrmatch.boi import staff
from addrmatch.boi.admin_calls import AdminCalls
from addrmatch.boi.district_calls import DistrictCalls
from addrmatch.boi.endpoints import API_BASE
from addrmatch.boi.fields import DEFAULT_SCHEMA, StaffSchema
from addrmatch.boi.hr_calls import HrCalls
from addrmatch.boi.report import Report, check_report
from addrmatch.boi.session import Clock, Session
from addrmatch.boi.sync import Sync
from addrmatch.store import AddressStore

__all__ = ["API_BASE", "Campus"]


class Campus(HrCalls, DistrictCalls, AdminCalls):
    """The staff side of Infinite Campus over one SQLite database.

    ``database`` is a file path (created owner-only, mode 0o600, if absent),
    ``":memory:"``, or an open ``sqlite3.Connection`` /
    ``sqlite_utils.Database``. The :class:`~addrmatch.AddressStore` of the
    same database resolves every address (``campus.store``). ``clock``
    returns the date of a call (a :class:`datetime.date` or ISO string;
    default: today).

    The calls are grouped by who makes them: the HR system's API
    (:class:`~addrmatch.boi.hr_calls.HrCalls`), the district's Campus UI
    (:class:`~addrmatch.boi.district_calls.DistrictCalls`) and the Business
    Office administration (:class:`~addrmatch.boi.admin_calls.AdminCalls`);
    each runs through the Campus's :attr:`session` (the unit of work).

    A subclass may add staff fields: ``schema`` (the staff object's
    :class:`~addrmatch.boi.fields.StaffSchema`) and ``migrations`` (SQL run
    once, in order) are class attributes; see the README's "Adding a staff field".

    >>> campus = Campus(":memory:", clock=lambda: "2024-08-01")
    >>> campus.add_gender("F", "Female"); campus.add_school("010", "Blaine High")
    >>> coach = {"schoolNumber": "010", "titleCode": "4A61E262",
    ...          "titleDescription": "Varsity Basketball", "startDate": "2023-10-01"}
    >>> r = campus.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat",
    ...                          "gender": "F", "positions": [coach]})
    >>> r["staffMember"], r["positions"][0]["titleDescription"]
    (True, 'Varsity Basketball')
    """

    #: The staff object's fields (a subclass may add some: one Field entry each).
    schema: ClassVar[StaffSchema] = DEFAULT_SCHEMA
    #: Schema changes after version 1, applied once each, in order (a subclass extends the tuple).
    migrations: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        database: str | os.PathLike[str] | sqlite3.Connection | Any = ":memory:",
        *,
        clock: Clock | None = None,
    ) -> None:
        self._session = Session.open(database, clock=clock, schema=self.schema, migrations=self.migrations)
        self._sync: Sync | None = None

    # -- plumbing -------------------------------------------------------------

    def __repr__(self) -> str:
        where = self._session.path if self._session.path is not None else "<connection>"
        return f"{type(self).__name__}({where!r})"

    def __enter__(self) -> Campus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection if Campus opened it (and make its files owner-only again)."""
        self._session.close()

    @property
    def session(self) -> Session:
        """The unit of work every call runs through (connection, lock, clock, store)."""
        return self._session

    @property
    def connection(self) -> sqlite3.Connection:
        """The SQLite connection (shared with :attr:`store`)."""
        return self._session.conn

    @property
    def store(self) -> AddressStore:
        """The :class:`~addrmatch.AddressStore` every address goes through."""
        return self._session.store

    def today(self) -> str:
        """The date of a call now (ISO), from the clock."""
        return self._session.today()

    @property
    def sync(self) -> Sync:
        """The Business Office Staff Synchronization (:class:`addrmatch.boi.sync.Sync`):
        start, transfer, end, validate, commit... Its state lives in the database.

        >>> Campus().sync.status() is None
        True
        """
        with self._session.lock:
            if self._sync is None:
                self._sync = Sync(self._session)
            return self._sync

    def check_campus_data(self) -> Report:
        """The Check Campus Data report (:class:`addrmatch.boi.report.Report`):
        staff with duplicate staff numbers (case-insensitive) and with none.

        >>> c = Campus(); _ = c.import_legacy_staff([{"staffNumber": "PENDING", "lastName": "Hurley",
        ...     "firstName": "Bryan"}, {"staffNumber": "pending", "lastName": "Bonquet", "firstName": "Alicia"}])
        >>> c.check_campus_data()["summary"]["duplicateStaffNumbers"]
        2
        """
        return self._session.run(lambda c: check_report(staff.rows(c), _dt.datetime.now()), write=False)
