"""``Campus``: the Business Office Integration rules over one SQLite database.

Each public method is one call of the specification's API (or of the
district's Campus UI) and one transaction: it commits when it succeeds and
leaves the database exactly as it was when it fails. A failed HR call is then
written to the error log, in a transaction of its own.

Payloads and results are the specification's JSON (camelCase) as dicts; see
:mod:`addrmatch.boi.schema`.
"""

from __future__ import annotations

import datetime as _dt
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from addrmatch._database import connection_of
from addrmatch.boi import errorlog, household, notifications, positions, preferences, reference, staff
from addrmatch.boi.db import Ctx, create_schema, open_database, transaction
from addrmatch.boi.errors import BOIError, NotFoundError, ReadOnlyError, ValidationError
from addrmatch.boi.masking import MaskedRecord, scrub_exception, sensitive_values
from addrmatch.boi.schema import check_date, clean_household, clean_position, clean_staff
from addrmatch.errors import DatabaseError
from addrmatch.store import AddressStore

if TYPE_CHECKING:
    from addrmatch.boi.report import Report
    from addrmatch.boi.sync import Sync

__all__ = ["API_BASE", "Campus"]

T = TypeVar("T")

#: The endpoints' common prefix (the specification's Base URL + API path).
API_BASE = "/api/businessOfficeIntegration"
_STAFF = f"{API_BASE}/staffMembers"
_STAFF_ONE = f"{API_BASE}/staffMembers/{{staffNumber}}"
_POSITION = f"{API_BASE}/staffMembers/{{staffNumber}}/position"
_ADDRESSES = f"{API_BASE}/addresses"
_LISTS = {
    "schools": f"{API_BASE}/schools",
    "genders": f"{API_BASE}/attributes/genders",
    "assignmentCodes": f"{API_BASE}/attributes/assignmentCodes",
    "titles": f"{API_BASE}/attributes/titles",
}


def _iso(value: Any) -> str:
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    checked = check_date("today", value)
    if checked is None:
        raise ValidationError("clock: returned no date", field="clock", rule="clock", value=None)
    return checked


class Campus:
    """The staff side of Infinite Campus over one SQLite database.

    ``database`` is a file path (created owner-only, mode 0o600, if absent),
    ``":memory:"``, or an open ``sqlite3.Connection`` /
    ``sqlite_utils.Database``. The :class:`~addrmatch.AddressStore` of the
    same database resolves every address (``campus.store``). ``clock``
    returns the date of a call (a :class:`datetime.date` or ISO string;
    default: today).

    >>> campus = Campus(":memory:", clock=lambda: "2024-08-01")
    >>> campus.add_gender("F", "Female"); campus.add_school("010", "Blaine High")
    >>> coach = {"schoolNumber": "010", "titleCode": "4A61E262",
    ...          "titleDescription": "Varsity Basketball", "startDate": "2023-10-01"}
    >>> r = campus.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat",
    ...                          "gender": "F", "positions": [coach]})
    >>> r["staffMember"], r["positions"][0]["titleDescription"]
    (True, 'Varsity Basketball')
    """

    def __init__(
        self,
        database: str | os.PathLike[str] | sqlite3.Connection | Any = ":memory:",
        *,
        clock: Callable[[], _dt.date | str] | None = None,
    ) -> None:
        self._path: str | None = None
        self._owns = False
        if not isinstance(database, (str, os.PathLike)) and connection_of(database) is None:
            raise ValidationError(
                f"database: a path, ':memory:', an sqlite3.Connection or a sqlite_utils.Database, "
                f"got {type(database).__name__}",
                field="database",
                rule="type",
                value=None,
            )
        db = open_database(database)  # checked before anything is written; raises DatabaseError
        conn = db.conn
        if db.owned:
            self._path = os.fspath(database)
            self._owns = True
        self._conn = conn
        self._lock = threading.RLock()
        self._clock = clock or _dt.date.today
        conn.execute("PRAGMA foreign_keys = ON")
        if not db.read_only:  # a read-only database holds the current schema (checked when opened)
            create_schema(conn)
        self._store = AddressStore(conn)
        self._sync: Sync | None = None

    # -- plumbing -------------------------------------------------------------

    def __repr__(self) -> str:
        where = self._path if self._path is not None else "<connection>"
        return f"Campus({where!r})"

    def __enter__(self) -> Campus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection if Campus opened it."""
        if self._owns:
            self._conn.close()
            self._owns = False

    @property
    def connection(self) -> sqlite3.Connection:
        """The SQLite connection (shared with :attr:`store`)."""
        return self._conn

    @property
    def store(self) -> AddressStore:
        """The :class:`~addrmatch.AddressStore` every address goes through."""
        return self._store

    def today(self) -> str:
        """The date of a call now (ISO), from the clock."""
        return _iso(self._clock())

    def _ctx(self) -> Ctx:
        return Ctx(self._conn, self._store, self.today())

    def _run(
        self,
        fn: Callable[[Ctx], T],
        *,
        action: str | None = None,
        path: str | None = None,
        payload: Any = None,
        staff_number: Any = None,
        write: bool = True,
    ) -> T:
        """Run ``fn`` in one transaction; log a failed API call (``action`` given) afterwards."""
        with self._lock:  # one connection: one call at a time, also across threads
            ctx = self._ctx()
            try:
                with transaction(self._conn, immediate=write):
                    return fn(ctx)
            except Exception as exc:
                scrub_exception(exc, sensitive_values(payload))
                if action is not None and path is not None:
                    self._log(ctx, action, path, payload, staff_number, exc)
                raise

    def _log(self, ctx: Ctx, action: str, path: str, payload: Any, staff_number: Any, exc: Exception) -> None:
        try:
            errorlog.record(
                self._conn,
                today=ctx.today,
                action=action,
                path=path,
                staff_number=staff_number if isinstance(staff_number, str) else None,
                error=exc,
                payload=payload,
            )
        except (sqlite3.Error, DatabaseError) as log_error:  # the call's own error matters more
            if hasattr(exc, "add_note"):
                exc.add_note(f"(the error log could not be written: {log_error})")

    def _event(self, ctx: Ctx, event: str, person_id: int) -> None:
        who = staff.describe(ctx, person_id)
        notifications.emit(
            ctx.conn,
            event,
            subject=f"HR system: {event}",
            body=f"The HR system: {event} — {who}.",
            today=ctx.today,
        )

    @property
    def sync(self) -> Sync:
        """The Business Office Staff Synchronization (:class:`addrmatch.boi.sync.Sync`):
        start, transfer, end, validate, commit... Its state lives in the database.

        >>> Campus().sync.status() is None
        True
        """
        with self._lock:
            if self._sync is None:
                from addrmatch.boi.sync import Sync

                self._sync = Sync(self)
            return self._sync

    def check_campus_data(self) -> Report:
        """The Check Campus Data report (:class:`addrmatch.boi.report.Report`):
        staff with duplicate staff numbers (case-insensitive) and with none.

        >>> c = Campus(); _ = c.import_legacy_staff([{"staffNumber": "PENDING", "lastName": "Hurley",
        ...     "firstName": "Bryan"}, {"staffNumber": "pending", "lastName": "Bonquet", "firstName": "Alicia"}])
        >>> c.check_campus_data()["summary"]["duplicateStaffNumbers"]
        2
        """
        from addrmatch.boi.report import check_report

        return self._run(lambda c: check_report(c.conn, _dt.datetime.now()), write=False)

    # -- reference lists ---------------------------------------------------------

    def schools(self) -> list[dict[str, Any]]:
        """The listed schools: ``[{"schoolNumber": "010", "name": ...}]`` (GET /schools).

        >>> c = Campus(); c.add_school("010", "Blaine High"); c.schools()
        [{'schoolNumber': '010', 'name': 'Blaine High'}]
        """
        return self._run(
            lambda c: reference.listing(c.conn, "schools"), action="GET", path=_LISTS["schools"], write=False
        )

    def genders(self) -> list[dict[str, Any]]:
        """The listed genders: ``[{"code": "F", "name": "Female"}]`` (GET /attributes/genders).

        >>> c = Campus(); c.add_gender("F", "Female"); c.genders()
        [{'code': 'F', 'name': 'Female'}]
        """
        return self._run(
            lambda c: reference.listing(c.conn, "genders"), action="GET", path=_LISTS["genders"], write=False
        )

    def assignment_codes(self) -> list[dict[str, Any]]:
        """The listed State assignment codes: ``[{"assignmentCode": "20", "description": ...}]``.

        >>> c = Campus(); c.add_assignment_code("20", "Athletic Coach"); c.assignment_codes()
        [{'assignmentCode': '20', 'description': 'Athletic Coach'}]
        """
        return self._run(
            lambda c: reference.listing(c.conn, "assignmentCodes"),
            action="GET",
            path=_LISTS["assignmentCodes"],
            write=False,
        )

    def titles(self) -> list[dict[str, Any]]:
        """The district's titles: ``[{"titleCode": "4A61E262", "titleDescription": ...}]``.

        >>> c = Campus(); c.add_title("4A61E262", "Varsity Basketball"); c.titles()
        [{'titleCode': '4A61E262', 'titleDescription': 'Varsity Basketball'}]
        """
        return self._run(
            lambda c: reference.listing(c.conn, "titles"), action="GET", path=_LISTS["titles"], write=False
        )

    def add_school(self, school_number: str, name: str) -> None:
        """List a school (or rename a listed one).

        >>> c = Campus(); c.add_school("010", "Blaine High"); c.schools()
        [{'schoolNumber': '010', 'name': 'Blaine High'}]
        """
        self._run(lambda c: reference.add(c.conn, "schools", school_number, name))

    def add_gender(self, code: str, name: str) -> None:
        """List a gender code (or rename a listed one).

        >>> c = Campus(); c.add_gender("X", "Non-binary"); [g["code"] for g in c.genders()]
        ['X']
        """
        self._run(lambda c: reference.add(c.conn, "genders", code, name))

    def add_assignment_code(self, code: str, description: str) -> None:
        """List a State assignment code (or change its description).

        >>> c = Campus(); c.add_assignment_code("20", "Coach"); c.add_assignment_code("20", "Athletic Coach")
        >>> c.assignment_codes()
        [{'assignmentCode': '20', 'description': 'Athletic Coach'}]
        """
        self._run(lambda c: reference.add(c.conn, "assignmentCodes", code, description))

    def add_title(self, title_code: str, description: str) -> None:
        """List a title (or change its description).

        >>> c = Campus(); c.add_title("T1", "Teacher"); c.titles()
        [{'titleCode': 'T1', 'titleDescription': 'Teacher'}]
        """
        self._run(lambda c: reference.add(c.conn, "titles", title_code, description))

    def load_reference_csv(self, kind: str, source: str | os.PathLike[str] | TextIO) -> int:
        """Load a list from CSV, all rows or none; returns the row count.

        ``kind``: ``"schools"`` (columns ``schoolNumber,name``), ``"genders"``
        (``code,name``), ``"assignmentCodes"`` (``assignmentCode,description``)
        or ``"titles"`` (``titleCode,titleDescription``).

        >>> import io; c = Campus()
        >>> c.load_reference_csv("genders", io.StringIO("code,name\\nF,Female\\nM,Male\\n"))
        2
        """
        return self._run(lambda c: reference.load_csv(c.conn, kind, source))

    # -- the HR API --------------------------------------------------------------

    def create_staff(self, payload: Mapping[str, Any]) -> MaskedRecord:
        """Create a staff member (POST /staffMembers).

        Returns the stored staff member with ``warnings`` (no position yet,
        possible duplicate person, household ignored, title created) and
        ``addressResolutions`` (how each household address was found:
        exact / reparse / partial / created).

        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> r = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F",
        ...                     "household": {"householdLocations": [{"address": {"postOfficeBox": True,
        ...                         "number": "54", "city": "Blaine", "state": "MN", "zip": "55123"}}]}})
        >>> r["staffMember"], r["household"]["staffHousehold"], r["addressResolutions"][0]["how"]
        (False, True, 'created')
        """

        def run(ctx: Ctx) -> MaskedRecord:
            data = clean_staff(payload, mode="create")
            person_id, warnings, resolutions = staff.create(
                ctx,
                data,
                origin="hr",
                hr_managed=True,
                household_allowed=preferences.household_allowed(ctx.conn),
            )
            self._event(ctx, "staff created", person_id)
            result = staff.record(ctx, person_id, warnings=warnings)
            result["addressResolutions"] = resolutions
            return result

        return self._run(
            run, action="POST", path=_STAFF, payload=payload, staff_number=staff.number_of(payload)
        )

    def update_staff(self, staff_number: str, payload: Mapping[str, Any]) -> MaskedRecord:
        """Update a staff member (PUT /staffMembers/{staffNumber}).

        Only the fields present change. A name change starts a new identity;
        ``positions`` (if present) is the complete list; ``employments`` are
        matched by hire date; ``household`` follows the staff household rules.

        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> _ = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F"})
        >>> c.update_staff("1001", {"lastName": "Brown", "workPhone": "763-555-0100"})["lastName"]
        'Brown'
        >>> [(i["lastName"], i["startDate"], i["endDate"]) for i in c.identity_history("1001")]
        [('Smith', '2024-08-01', '2024-08-01'), ('Brown', '2024-08-01', None)]
        """

        def run(ctx: Ctx) -> MaskedRecord:
            person_id = staff.find_person(ctx, _staff_number(staff_number))
            data = clean_staff(payload, mode="update")
            warnings, resolutions, positions_changed = staff.update(
                ctx, person_id, data, hr=True, household_allowed=preferences.household_allowed(ctx.conn)
            )
            self._event(ctx, "staff updated", person_id)
            if positions_changed:
                self._event(ctx, "assignments updated", person_id)
            result = staff.record(ctx, person_id, warnings=warnings)
            result["addressResolutions"] = resolutions
            return result

        return self._run(run, action="PUT", path=_STAFF_ONE, payload=payload, staff_number=staff_number)

    def create_position(self, staff_number: str, payload: Mapping[str, Any]) -> MaskedRecord:
        """Add a position to a staff member (POST /staffMembers/{staffNumber}/position).

        Needs schoolNumber, startDate and titleCode or assignmentCode; an
        identical position may be created twice. Returns the staff member.

        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> _ = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F"})
        >>> r = c.create_position("1001", {"schoolNumber": "010", "titleCode": "4A61E262",
        ...                                "titleDescription": "Varsity Basketball", "startDate": "2023-10-01"})
        >>> r["staffMember"], r["positions"][0]["titleDescription"]
        (True, 'Varsity Basketball')
        """

        def run(ctx: Ctx) -> MaskedRecord:
            person_id = staff.find_person(ctx, _staff_number(staff_number))
            data = clean_position(payload)
            _, titles = positions.insert(ctx, person_id, data, "")
            _mark_hr(ctx, person_id)
            self._event(ctx, "assignments updated", person_id)
            return staff.record(ctx, person_id, warnings=positions.title_warnings(titles))

        return self._run(run, action="POST", path=_POSITION, payload=payload, staff_number=staff_number)

    def update_position(self, staff_number: str, payload: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Update positions (PUT /staffMembers/{staffNumber}/position); returns the updated ones.

        Positions at the school with the titleCode and/or assignmentCode and
        the startDate get the payload's endDate; if none has that start date,
        those with the endDate get the payload's startDate. All matches are
        updated; no match is a :class:`NotFoundError`.

        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> coach = {"schoolNumber": "010", "titleCode": "4A61E262", "startDate": "2023-10-01"}
        >>> _ = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F",
        ...                     "positions": [coach, coach]})
        >>> [p["endDate"] for p in c.update_position("1001", {**coach, "endDate": "2024-03-01"})]
        ['2024-03-01', '2024-03-01']
        """

        def run(ctx: Ctx) -> list[dict[str, Any]]:
            person_id = staff.find_person(ctx, _staff_number(staff_number))
            data = clean_position(payload)
            updated = positions.update_matching(ctx, person_id, data, staff.describe(ctx, person_id))
            _mark_hr(ctx, person_id)
            self._event(ctx, "assignments updated", person_id)
            return updated

        return self._run(run, action="PUT", path=_POSITION, payload=payload, staff_number=staff_number)

    def get_staff(self, who: str | int) -> MaskedRecord:
        """One staff member by staff number (``str``) or person id (``int``).

        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> _ = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F",
        ...                     "ssn": "123-45-6789"})
        >>> c.get_staff("1001")["ssn"]
        '***-**-6789'
        """
        return self._run(lambda c: staff.record(c, staff.find_person(c, who)), write=False)

    def search_staff(
        self,
        *,
        staff_number: str | None = None,
        last_name: str | None = None,
        first_name: str | None = None,
        birthdate: str | _dt.date | None = None,
        staff_members_only: bool = False,
        limit: int = 100,
    ) -> list[MaskedRecord]:
        """Search staff (GET /staffMembers): every given criterion must match.

        Names match by case-insensitive prefix, the staff number exactly
        (case-insensitively), the birthdate exactly. Persons without a
        position are included with ``staffMember: false`` unless
        ``staff_members_only``.

        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> _ = c.create_staff({"staffNumber": "1001", "lastName": "O'Brien", "firstName": "Pat", "gender": "F"})
        >>> [(r["staffNumber"], r["staffMember"]) for r in c.search_staff(last_name="o'b")]
        [('1001', False)]
        """
        query = {
            "staffNumber": staff_number,
            "lastName": last_name,
            "firstName": first_name,
            "birthdate": birthdate,
        }
        query = {k: v for k, v in query.items() if v is not None}

        def run(ctx: Ctx) -> list[MaskedRecord]:
            texts = {}
            for key in ("staffNumber", "lastName", "firstName"):
                value = query.get(key)
                if value is not None and (not isinstance(value, str) or not value.strip()):
                    raise ValidationError(
                        f"{key}: must be non-empty text", field=key, rule="type", value=value
                    )
                texts[key] = value.strip() if isinstance(value, str) else None
            born = check_date("birthdate", query.get("birthdate"))
            if not any(texts.values()) and born is None:
                raise ValidationError(
                    "search: give at least one of staffNumber, lastName, firstName, birthdate",
                    field="staffNumber",
                    rule="search-criteria",
                    value=None,
                )
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
                raise ValidationError(
                    "limit: must be a positive integer", field="limit", rule="type", value=limit
                )
            return staff.search(
                ctx,
                staff_number=texts["staffNumber"],
                last_name=texts["lastName"],
                first_name=texts["firstName"],
                birthdate=born,
                staff_members_only=staff_members_only,
                limit=limit,
            )

        return self._run(run, action="GET", path=_STAFF, payload=query, write=False)

    def search_addresses(self, text: str, *, limit: int = 10) -> list[dict[str, Any]]:
        """Search stored addresses (GET /addresses), best first.

        Each result is the BOI address with its ``addressId`` and ``score``
        (0-100); use it in a household location to reuse the address.

        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> _ = c.store.resolve("4321 N Lexington Ave, Blaine MN 55123")
        >>> [a["street"] for a in c.search_addresses("4321 north lexingtn")]
        ['LEXINGTON']
        """

        def run(ctx: Ctx) -> list[dict[str, Any]]:
            if not isinstance(text, str) or not text.strip():
                raise ValidationError("text: must be non-empty text", field="text", rule="type", value=None)
            return [
                {"addressId": c.id, "score": c.score, **c.address.to_boi()}
                for c in ctx.store.search(text, limit=limit)
            ]

        return self._run(run, action="GET", path=_ADDRESSES, payload={"text": text}, write=False)

    def identity_history(self, who: str | int) -> list[dict[str, Any]]:
        """A person's identities (names with start/end dates), oldest first.

        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> _ = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F"})
        >>> [i["current"] for i in c.identity_history("1001")]
        [True]
        """
        return self._run(lambda c: staff.identities(c, staff.find_person(c, who)), write=False)

    # -- persons, households, legacy data ----------------------------------------------

    def add_person(self, payload: Mapping[str, Any], *, origin: str = "student") -> int:
        """Add a non-staff person (a student or parent: ``origin``); returns the person id.

        ``payload`` has the demographic fields of a staff payload (lastName,
        firstName, gender, birthdate...), no staff fields.

        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> c.add_person({"lastName": "Rivera", "firstName": "Ana", "birthdate": "2005-04-01"})
        1
        """
        if origin not in ("student", "parent", "other"):
            raise ValidationError(
                f"origin: {origin!r} is not student, parent or other",
                field="origin",
                rule="origin",
                value=origin,
            )
        return self._run(
            lambda c: staff.insert_person(c, clean_staff(payload, mode="person"), origin=origin),
            payload=payload,
        )

    def create_household(
        self,
        name: str,
        *,
        members: Iterable[int] = (),
        locations: Iterable[Mapping[str, Any]] = (),
        staff_household: bool = False,
    ) -> int:
        """Create a household (district side) with members and locations; returns its id.

        An HR-managed staff member is a member only while Staff Household is
        unlocked (else :class:`ReadOnlyError`).

        ``locations`` are household location payloads (``{"address": {...}}``
        plus the optional flags and dates).

        >>> c = Campus()
        >>> h = c.create_household("Rivera", locations=[{"address": {"fullStreetAddress": "9 Elm St", "zip": "55123"}}])
        >>> c.get_household(h)["householdLocations"][0]["address"]["street"]
        'ELM'
        """
        payload = {"name": name, "householdLocations": list(locations)}

        people = list(members)

        def run(ctx: Ctx) -> int:
            data = clean_household(payload)
            _check_household_lock(ctx, None, people)
            household_id, _ = household.create(
                ctx, data, last_name=name, members=people, staff_household=staff_household
            )
            return household_id

        return self._run(run)

    def add_household_member(self, household_id: int, person_id: int) -> None:
        """Make a person a member of a household (district side).

        While Staff Household is locked, a household with an HR-managed staff
        member, or such a staff member, cannot be changed this way
        (:class:`ReadOnlyError`); :meth:`create_household` likewise.

        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> kid = c.add_person({"lastName": "Rivera", "firstName": "Ana"})
        >>> h = c.create_household("Rivera"); c.add_household_member(h, kid); c.get_household(h)["members"]
        [1]
        """

        def run(ctx: Ctx) -> None:
            _check_household_lock(ctx, household_id, [person_id])
            household.add_member(ctx, household_id, person_id)

        self._run(run)

    def get_household(self, household_id: int) -> dict[str, Any]:
        """A household with its active locations, and ``members`` (person ids).

        >>> c = Campus(); c.get_household(c.create_household("Rivera"))["name"]
        'Rivera'
        """

        def run(ctx: Ctx) -> dict[str, Any]:
            result = household.as_dict(ctx, household_id)
            result["members"] = [
                r[0]
                for r in ctx.conn.execute(
                    "SELECT DISTINCT person_id FROM household_member WHERE household_id = ? "
                    "AND (end_date IS NULL OR end_date > ?) ORDER BY person_id",
                    (household_id, ctx.today),
                )
            ]
            return result

        return self._run(run, write=False)

    def link_position(self, position_id: int, kind: str, reference: str | None = None) -> int:
        """Record that another Campus record (``kind``, e.g. ``"section"``) uses
        a position; such a position is end-dated, not removed, by an update.

        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> r = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F",
        ...                     "positions": [{"schoolNumber": "010", "titleCode": "T1", "startDate": "2020-08-25"}]})
        >>> _ = c.link_position(r["positions"][0]["positionId"], "section", "ALG1-03")
        >>> c.update_staff("1001", {"positions": []})["positions"][0]["endDate"]
        '2024-08-01'
        """
        if not isinstance(kind, str) or not kind.strip():
            raise ValidationError("kind: required text", field="kind", rule="required", value=None)
        return self._run(lambda c: positions.link(c, position_id, kind.strip(), reference))

    def combine_persons(self, base_person_id: int, other_person_id: int) -> MaskedRecord:
        """Combine Person: keep the base person (the new staff member), move the
        other's identities (as history), employments, positions and household
        memberships to it, fill its empty demographics from the other, and
        delete the other person.

        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> kid = c.add_person({"lastName": "Rivera", "firstName": "Ana", "birthdate": "2005-04-01"})
        >>> hired = c.create_staff({"staffNumber": "2001", "lastName": "Rivera", "firstName": "Ana", "gender": "F",
        ...                         "birthdate": "2005-04-01"})
        >>> [w["personId"] for w in hired["warnings"] if w["code"] == "possible-duplicate-person"]
        [1]
        >>> c.combine_persons(hired["personId"], kid)["staffNumber"]
        '2001'
        """

        def run(ctx: Ctx) -> MaskedRecord:
            base = staff.find_person(ctx, _person_id(base_person_id, "basePersonId"), field="basePersonId")
            other = staff.find_person(
                ctx, _person_id(other_person_id, "otherPersonId"), field="otherPersonId"
            )
            if base == other:
                raise ValidationError(
                    "otherPersonId: a person cannot be combined with itself",
                    field="otherPersonId",
                    rule="distinct-persons",
                    value=other,
                )
            notes = staff.combine(ctx, base, other)
            return staff.record(ctx, base, warnings=notes)

        return self._run(run)

    def import_legacy_staff(
        self, records: Iterable[Mapping[str, Any]], *, staff_household: bool = True
    ) -> list[int]:
        """Insert existing Campus staff as they are (staff numbers may be missing
        or duplicated; not HR-managed); returns their person ids. For loading
        legacy data and tests.

        >>> c = Campus()
        >>> c.import_legacy_staff([{"staffNumber": "PENDING", "lastName": "Hurley", "firstName": "Bryan"},
        ...                        {"staffNumber": "pending", "lastName": "Clark", "firstName": "Megan"}])
        [1, 2]
        """

        rows = list(records)

        def run(ctx: Ctx) -> list[int]:
            ids = []
            for i, payload in enumerate(rows):
                try:
                    data = clean_staff(payload, mode="legacy")
                    person_id = staff.insert_person(ctx, data, origin="legacy")
                    ctx.conn.execute(
                        "INSERT INTO staff (person_id, staff_number, hr_managed, created_date) "
                        "VALUES (?, ?, 0, ?)",
                        (person_id, data.get("staffNumber"), ctx.today),
                    )
                    staff.update(
                        ctx,
                        person_id,
                        {k: data[k] for k in ("employments", "positions") if data.get(k)},
                        hr=False,
                        household_allowed=True,
                    )
                    if data.get("household") is not None:
                        household.create(
                            ctx,
                            data["household"],
                            last_name=data["lastName"],
                            members=[person_id],
                            staff_household=staff_household,
                        )
                except BOIError as exc:
                    exc.args = (f"records[{i}]: {exc.message}",)
                    exc.message = exc.args[0]
                    raise
                ids.append(person_id)
            return ids

        return self._run(run, payload=rows)

    # -- district-side edits (Business Office Preferences) ---------------------------------

    def add_staff_manually(self, payload: Mapping[str, Any]) -> MaskedRecord:
        """Create a staff member in the Campus UI; refused while Staff Creation is locked.

        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> c.add_staff_manually({"staffNumber": "1", "lastName": "A", "firstName": "B", "gender": "F"})
        Traceback (most recent call last):
        ...
        addrmatch.boi.errors.ReadOnlyError: staffNumber: Staff Creation is locked: ...
        """

        def run(ctx: Ctx) -> MaskedRecord:
            if preferences.is_locked(ctx.conn, "Staff Creation"):
                raise ReadOnlyError(
                    "staffNumber: Staff Creation is locked: staff members are created by the HR system "
                    "(unlock Staff Creation in Business Office Preferences to create them in Campus)",
                    field="staffNumber",
                    rule="locked:Staff Creation",
                )
            data = clean_staff(payload, mode="create")
            person_id, warnings, _ = staff.create(
                ctx, data, origin="district", hr_managed=False, household_allowed=True
            )
            return staff.record(ctx, person_id, warnings=warnings)

        return self._run(run, payload=payload)

    def edit_staff(self, who: str | int, changes: Mapping[str, Any]) -> MaskedRecord:
        """A district-side edit (the Campus UI) of a staff member: any part of
        a staff payload, applied like an update. A field in a locked area of
        an HR-managed staff member raises :class:`ReadOnlyError`. Only staff
        members are edited: a person who is not one (a student) is a
        :class:`NotFoundError`; :meth:`add_staff_manually` creates staff.

        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> _ = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F"})
        >>> c.edit_staff("1001", {"workPhone": "1"})
        Traceback (most recent call last):
        ...
        addrmatch.boi.errors.ReadOnlyError: workPhone: Staff Demographics is locked for staff member 1001 ...
        >>> _ = c.set_preferences(locks={"Staff Demographics": False})
        >>> c.edit_staff("1001", {"workPhone": "1"})["workPhone"]
        '1'
        """

        def run(ctx: Ctx) -> MaskedRecord:
            person_id = staff.find_person(ctx, who)
            data = clean_staff(changes, mode="update")
            hr_managed = ctx.one("SELECT hr_managed FROM staff WHERE person_id = ?", (person_id,))
            if hr_managed is None:
                raise NotFoundError(
                    f"personId: person {person_id} is not a staff member; edit_staff edits staff members "
                    "only (add_staff_manually creates one)",
                    field="personId",
                    rule="staff-exists",
                    value=person_id,
                )
            if hr_managed:
                preferences.check_unlocked(ctx.conn, data, staff.describe(ctx, person_id))
            warnings, _, _ = staff.update(ctx, person_id, data, hr=False, household_allowed=True)
            return staff.record(ctx, person_id, warnings=warnings)

        return self._run(run, payload=changes)

    # -- error log ---------------------------------------------------------------------

    def error_log(
        self, *, since: Any = None, until: Any = None, action: str | None = None
    ) -> list[dict[str, Any]]:
        """The Business Office Error Log, oldest first, filtered by error date
        (``since``/``until`` inclusive) and action; payloads masked.

        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "Q",
        ...                 "birthdate": "1980-01-02"})
        Traceback (most recent call last):
        ...
        addrmatch.boi.errors.UnknownReferenceError: gender: 'Q' is not a listed gender (listed: 'F')
        >>> [(e["action"], e["path"], e["payload"]["birthdate"]) for e in c.error_log(since="2024-08-01")]
        [('POST', '/api/businessOfficeIntegration/staffMembers', '****-**-**')]
        """
        return self._run(
            lambda c: errorlog.listing(c.conn, since=since, until=until, action=action), write=False
        )

    def export_error_log(
        self, dest: str | os.PathLike[str] | TextIO, *, since: Any = None, until: Any = None
    ) -> int:
        """Export the error log as CSV (Error Date, Action, Path, Error Message,
        Payload); a path is created owner-only. Returns the number of rows.

        >>> import io; c = Campus(); buffer = io.StringIO()
        >>> c.export_error_log(buffer), buffer.getvalue().splitlines()
        (0, ['Error Date,Action,Path,Error Message,Payload'])
        """
        return self._run(lambda c: errorlog.export_csv(c.conn, dest, since=since, until=until), write=False)

    # -- notifications -----------------------------------------------------------------

    def add_user(self, username: str, name: str, rights: Iterable[str] = ()) -> int:
        """Add a district user with tool rights (e.g. "District Employment"); returns the user id.

        >>> c = Campus(); c.add_user("mpostma", "Postma, Madison", ["District Employment"])
        1
        """
        return self._run(lambda c: notifications.add_user(c.conn, username, name, list(rights)))

    def users(self) -> list[dict[str, Any]]:
        """The district users with their tool rights.

        >>> c = Campus(); _ = c.add_user("mpostma", "Postma, Madison", ["District Employment"]); c.users()
        [{'userId': 1, 'username': 'mpostma', 'name': 'Postma, Madison', 'rights': ['District Employment']}]
        """
        return self._run(lambda c: notifications.users(c.conn), write=False)

    def create_notification(self, type: str, recipients: Iterable[str]) -> dict[str, Any]:
        """A notification of ``type`` ("HR-Staff" or "HR Sync Commit") for
        users with District Employment and/or District Assignments rights.

        >>> c = Campus(); _ = c.add_user("mpostma", "Postma, Madison", ["District Assignments"])
        >>> c.create_notification("HR-Staff", ["mpostma"])
        {'notificationId': 1, 'type': 'HR-Staff', 'recipients': ['mpostma']}
        """
        return self._run(lambda c: notifications.create(c.conn, type, list(recipients)))

    def update_notification(
        self,
        notification_id: int,
        *,
        type: str | None = None,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
    ) -> dict[str, Any] | None:
        """Change a notification; returns None when its last recipient was removed (it is deleted).

        >>> c = Campus(); _ = c.add_user("mpostma", "Postma, Madison", ["District Assignments"])
        >>> n = c.create_notification("HR-Staff", ["mpostma"])
        >>> c.update_notification(n["notificationId"], remove=["mpostma"]) is None, c.notifications()
        (True, [])
        """
        return self._run(
            lambda c: notifications.update(
                c.conn, notification_id, type=type, add=list(add), remove=list(remove)
            )
        )

    def delete_notification(self, notification_id: int) -> None:
        """Delete a notification.

        >>> c = Campus(); _ = c.add_user("mpostma", "Postma, Madison", ["District Assignments"])
        >>> c.delete_notification(c.create_notification("HR-Staff", ["mpostma"])["notificationId"])
        >>> c.notifications()
        []
        """
        self._run(lambda c: notifications.delete(c.conn, notification_id))

    def notifications(self) -> list[dict[str, Any]]:
        """Every notification with its type and recipients.

        >>> Campus().notifications()
        []
        """
        return self._run(lambda c: notifications.listing(c.conn), write=False)

    def messages(self, username: str) -> list[dict[str, Any]]:
        """A district user's message centre.

        >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("F", "Female"); c.add_school("010", "Blaine High")
        >>> _ = c.add_user("mpostma", "Postma, Madison", ["District Employment"])
        >>> _ = c.create_notification("HR-Staff", ["mpostma"])
        >>> _ = c.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F"})
        >>> [(m["type"], m["event"]) for m in c.messages("mpostma")]
        [('HR-Staff', 'staff created')]
        """
        return self._run(lambda c: notifications.messages(c.conn, username), write=False)

    def notify(self, event: str, subject: str, body: str) -> int:
        """Post an event to its notification type's recipients (e.g. "sync committed"
        for HR Sync Commit); returns the number of messages.

        >>> c = Campus(); _ = c.add_user("mpostma", "Postma, Madison", ["District Employment"])
        >>> _ = c.create_notification("HR Sync Commit", ["mpostma"])
        >>> c.notify("sync committed", "Staff sync committed", "40 staff members updated")
        1
        """
        if event not in notifications.EVENTS:
            raise ValidationError(
                f"event: {event!r} is not one of {', '.join(notifications.EVENTS)}",
                field="event",
                rule="event",
                value=event,
            )
        return self._run(lambda c: notifications.emit(c.conn, event, subject, body, c.today))

    # -- preferences -------------------------------------------------------------------

    def preferences(self) -> dict[str, Any]:
        """``{"locks": {"Staff Creation": True, ...}, "allowHouseholdUpdates": True}``.

        >>> p = Campus().preferences(); all(p["locks"].values()), p["allowHouseholdUpdates"]
        (True, True)
        """
        return self._run(lambda c: preferences.get(c.conn), write=False)

    def set_preferences(
        self, *, locks: Mapping[str, bool] | None = None, allow_household_updates: bool | None = None
    ) -> dict[str, Any]:
        """Save preferences (lock areas by their label); returns them all.

        >>> Campus().set_preferences(locks={"Staff Employment": False})["locks"]["Staff Employment"]
        False
        """

        def run(ctx: Ctx) -> dict[str, Any]:
            preferences.set_preferences(
                ctx.conn, locks=locks, allow_household_updates=allow_household_updates
            )
            return preferences.get(ctx.conn)

        return self._run(run)


def _staff_number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise ValidationError(
            "staffNumber: the path's staff number must be non-empty text",
            field="staffNumber",
            rule="type",
            value=value,
        )
    return str(value).strip()


def _person_id(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"{field}: a person id (int), got {value!r}", field=field, rule="type", value=value
        )
    return value


def _check_household_lock(ctx: Ctx, household_id: int | None, person_ids: Iterable[int]) -> None:
    """Refuse a district-side household change touching an HR-managed staff
    member (one of ``person_ids`` or a current member of ``household_id``)
    while Staff Household is locked."""
    if not preferences.is_locked(ctx.conn, "Staff Household"):
        return
    people = [p for p in person_ids if isinstance(p, int) and not isinstance(p, bool)]
    if household_id is not None:
        people += [
            r[0]
            for r in ctx.conn.execute(
                "SELECT person_id FROM household_member WHERE household_id = ? "
                "AND (end_date IS NULL OR end_date > ?)",
                (household_id, ctx.today),
            )
        ]
    for person_id in people:
        if ctx.one("SELECT hr_managed FROM staff WHERE person_id = ?", (person_id,)):
            who = staff.describe(ctx, person_id)
            raise ReadOnlyError(
                f"household: Staff Household is locked for {who}, which the HR system maintains "
                "(unlock Staff Household in Business Office Preferences to edit it in Campus)",
                field="household",
                rule="locked:Staff Household",
                value=None,
            )


def _mark_hr(ctx: Ctx, person_id: int) -> None:
    ctx.conn.execute("UPDATE staff SET hr_managed = 1 WHERE person_id = ?", (person_id,))
