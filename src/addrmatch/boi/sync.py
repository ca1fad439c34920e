"""Business Office Staff Synchronization: the sync state machine, validate and commit.

``campus.sync`` (a :class:`Sync`) implements the specification's
synchronization API, one method per endpoint under
``/api/businessOfficeIntegration/staffMembers/sync``::

    start -> transfer (any number of batches) -> end -> validate -> commit
                                                          (or submit_commit_job + commit_job_status)

The state lives in the database (tables ``sync_run``, ``sync_record``,
``sync_job``), so another :class:`~addrmatch.boi.Campus` on the same file,
in another process, sees the same sync and the same commit job.

States and the calls each allows (any other call is a :class:`SyncStateError`
naming the state and the next step; it is logged in the error log and
changes nothing):

=============  ==========================================================
state          allowed
=============  ==========================================================
(none)         ``start``
transferring   ``transfer``; ``end`` once something was transferred; ``restart``
ended          ``validate``; ``restart``
validated      ``commit``, ``submit_commit_job``; ``validate`` again; ``restart``
committing     (a commit is running) ``commit_job_status``
interrupted    (the committing process died) ``validate``, then commit; ``restart``
committed      ``start`` (a new sync)
=============  ==========================================================

Matching is by staff number, compared case-insensitively (as SQLite
``NOCASE``: ASCII letters only). Campus staff whose number is shared by
another Campus staff member (``PENDING`` and ``pending``) or who have none
are reported and never touched. An HR record whose number names such a
group cannot be matched: it is reported as a conflict by ``validate`` and
fails at commit with :class:`~addrmatch.boi.AmbiguousStaffNumberError`.

What is compared, and what commit does (HR data replaces Campus data):

* **demographics**: SSN, staff number (its case), names, gender, emails,
  phones, birth date. An HR field that is empty is *not sent*: it is not a
  difference and commit leaves the Campus value (as the specification's
  report counts them). A name change starts a new identity.
* **employments**: the (hire date, termination date) pairs; when HR sends
  any and they differ, Campus's become exactly HR's.
* **assignments**: (school, assignment code, title code, start, end); when HR
  sends any and they differ, HR's list is the complete list (positions
  linked to other records are end-dated, not removed, as ``update_staff``).
* **address**: the active locations of the staff member's household against
  HR's ``householdLocations``, through the address engine: an HR address with
  the same ``match_key`` as a Campus address, or that the ``AddressStore``
  resolves to it, is the same address. Compared only while the preference
  "Allow household and address creations/updates from the HR system" is on;
  a household with other members is reported with a note (commit leaves it).
* HR staff not in Campus are created; Campus staff not in HR are left alone.
  Every committed staff member becomes HR-managed (the preference locks
  apply), also when nothing differed.

``validate`` records a digest of what commit would do; ``commit`` computes
it again and refuses to run (:class:`SyncStateError`, rule ``sync-stale``)
when Campus data changed since: validate again. Each staff member commits
in a transaction of its own, together with its ``sync_record`` status and
the job's counters, so one failure rolls back nothing else and a crash
leaves every staff member entirely old or entirely new.

The parts, one idea each: this module is the state machine and the API
calls; :mod:`~addrmatch.boi.sync_tables` owns the sync tables;
:mod:`~addrmatch.boi.sync_plan` is the diff planner (what commit would do,
and the validation report); :mod:`~addrmatch.boi.sync_commit` applies a plan;
:mod:`~addrmatch.boi.sync_jobs` runs background commit jobs. All work through
the :class:`~addrmatch.boi.session.Session` they are given.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, Protocol, TypeVar

from addrmatch.boi import errorlog, preferences, staff, sync_jobs, sync_tables
from addrmatch.boi.db import Ctx, transaction
from addrmatch.boi.endpoints import ENDPOINTS, SYNC_PATH, Endpoint
from addrmatch.boi.errors import BOIError, ValidationError
from addrmatch.boi.fields import LIMITS
from addrmatch.boi.masking import scrub_exception, sensitive_values
from addrmatch.boi.report import Report, fold_number
from addrmatch.boi.rules import Rule
from addrmatch.boi.schema import check_records, check_text, clean_staff
from addrmatch.boi.session import Session
from addrmatch.boi.sync_commit import CommitProgress, execute
from addrmatch.boi.sync_plan import HrRecord, Plan, PlanItem, Planner, check_record, snapshot, stored_payload
from addrmatch.boi.sync_tables import STATES, SYNC_SCHEMA, ensure_schema

__all__ = [
    "STATES",
    "STEPS",
    "SYNC_PATH",
    "SYNC_SCHEMA",
    "CommitProgress",
    "Sync",
    "SyncStateError",
    "ensure_schema",
]

T = TypeVar("T")

_NEXT_STEP = {
    None: "start() a sync first",
    "transferring": "transfer() the HR staff, then end() the transfer",
    "ended": "validate() next",
    "validated": "commit() or submit_commit_job() next (or validate() again, or restart())",
    "committing": "wait for the commit job to finish (commit_job_status())",
    "interrupted": "the commit was interrupted: validate() again, then commit() (or restart())",
    "committed": "the sync is committed: start() a new one",
}


#: The states in which each step is allowed (the state table above; None: no sync yet). ``end``
#: also needs something transferred. The calls check it, and the synchronization screen enables
#: its buttons from it (:meth:`Sync.allowed_steps`).
STEPS: dict[str, tuple[str | None, ...]] = {
    "start": (None, "committed"),
    "transfer": ("transferring",),
    "end": ("transferring",),
    "restart": ("transferring", "ended", "validated", "interrupted"),
    "validate": ("ended", "validated", "interrupted"),
    "commit": ("validated",),
    "submit_commit_job": ("validated",),
}


class SyncStateError(BOIError):
    """A sync call made in the wrong state (commit before validate, transfer
    after end...), or a commit of a validation that Campus changes made stale.

    ``value`` is the sync's state (None: no sync).

    >>> e = SyncStateError("commit: no", field="state", rule="sync-state", value="ended")
    >>> (e.rule, e.value)
    ('sync-state', 'ended')
    """

    rule = Rule.SYNC_STATE


class _HasSession(Protocol):
    session: Session


def _now() -> _dt.datetime:
    return _dt.datetime.now().replace(microsecond=0)


def _endpoint(op: str) -> Endpoint:
    return ENDPOINTS[f"sync.{op}"]


class Sync:
    """The staff synchronization of one :class:`~addrmatch.boi.Campus` (``campus.sync``).

    ``session``: the :class:`~addrmatch.boi.session.Session` to work through
    (or an object with a ``session``, such as a Campus). ``now`` gives the
    timestamps (started, ended, report generation...; default: the local
    time, to the second).

    >>> from addrmatch.boi import Campus
    >>> c = Campus(clock=lambda: "2024-08-01"); c.add_gender("M", "Male"); c.add_school("106", "Northdale")
    >>> _ = c.sync.start(started_by="Postma, Madison")
    >>> c.sync.transfer([{"staffNumber": "FFF666", "lastName": "Franklin", "firstName": "Frank",
    ...                   "gender": "M"}])["accepted"]
    1
    >>> c.sync.end()["state"]
    'ended'
    >>> c.sync.validate()["summary"]["hrStaffNotInCampus"]
    1
    >>> r = c.sync.commit(); (r["committed"], r["failed"], c.get_staff("FFF666")["hrManaged"])
    (1, 0, True)
    """

    def __init__(
        self, session: Session | _HasSession, *, now: Callable[[], _dt.datetime] | None = None
    ) -> None:
        self._session: Session = session if isinstance(session, Session) else session.session
        self.now: Callable[[], _dt.datetime] = now or _now
        self._thread: Any = None
        with self._session.lock:
            ensure_schema(self._session.conn)

    def __repr__(self) -> str:
        where = self._session.path if self._session.path is not None else "<connection>"
        return f"Sync({where!r})"

    # -- plumbing -----------------------------------------------------------------

    def _stamp(self) -> str:
        return self.now().replace(microsecond=0).isoformat()

    def _call(self, op: str, fn: Callable[[Ctx], T], *, write: bool = True) -> T:
        return self._session.run(fn, endpoint=_endpoint(op), write=write)

    def _require(self, ctx: Ctx, op: str, allowed: Collection[str]) -> dict[str, Any]:
        sync_jobs.reap(ctx)
        run = sync_tables.current(ctx)
        state = None if run is None else run["state"]
        if state not in allowed:
            where = (
                "there is no sync" if run is None else f"the sync (started by {run['startedBy']}) is {state}"
            )
            raise SyncStateError(
                f"{op}: not allowed while {where}; {_NEXT_STEP[state]}",
                field="state",
                rule=Rule.SYNC_STATE,
                value=state,
            )
        assert run is not None
        return run

    def _status_of(self, ctx: Ctx, sync_id: int) -> dict[str, Any]:
        run = sync_tables.current(ctx)
        assert run is not None and run["syncId"] == sync_id
        return sync_tables.status(ctx, run) or {}

    # -- the calls ----------------------------------------------------------------

    def status(self) -> dict[str, Any] | None:
        """The current (last) sync: state, started by/at, staff transferred...; None before the first.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.sync.status() is None
        True
        >>> c.sync.start(started_by="Postma, Madison")["state"], c.sync.status()["staffTransferred"]
        ('transferring', 0)
        """

        def run(ctx: Ctx) -> dict[str, Any] | None:
            sync_jobs.reap(ctx)
            return sync_tables.status(ctx, sync_tables.current(ctx))

        return self._session.run(run)

    def allowed_steps(self, status: Mapping[str, Any] | None = None) -> frozenset[str]:
        """The steps (:data:`STEPS`) allowed now, from the sync's ``status``
        (default: :meth:`status`): what the synchronization screen enables.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); sorted(c.sync.allowed_steps())
        ['start']
        >>> sorted(c.sync.allowed_steps(c.sync.start(started_by="HR")))
        ['restart', 'transfer']
        """
        return _steps_of(self.status() if status is None else status)

    def overview(self) -> dict[str, Any]:
        """The sync's ``status``, its last commit ``job``, the ``steps`` allowed and whether it is
        ``committing``, read in one transaction so that they agree: what a screen shows together
        (:meth:`status` then :meth:`commit_job_status` could straddle the end of a commit).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); _ = c.sync.start(started_by="HR"); o = c.sync.overview()
        >>> o["status"]["state"], o["job"], sorted(o["steps"]), o["committing"]
        ('transferring', None, ['restart', 'transfer'], False)
        """

        def run(ctx: Ctx) -> dict[str, Any]:
            sync_jobs.reap(ctx)
            status = sync_tables.status(ctx, sync_tables.current(ctx))
            committing = status is not None and status["state"] == "committing"
            return {"status": status, "job": sync_tables.last_job(ctx), "steps": _steps_of(status),
                    "committing": committing}  # fmt: skip

        return self._session.run(run)

    def start(self, *, started_by: str) -> dict[str, Any]:
        """Start the data transfer (POST .../sync/start); returns the sync's status.

        Allowed when there is no sync or the last one is committed. The
        transferred records of earlier syncs are deleted (their summary stays).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); _ = c.sync.start(started_by="Postma, Madison")
        >>> c.sync.start(started_by="Postma, Madison")
        Traceback (most recent call last):
        ...
        addrmatch.boi.sync.SyncStateError: start: a sync started by Postma, Madison on ... is transferring; ...
        """

        def run(ctx: Ctx) -> dict[str, Any]:
            who = _started_by(started_by)
            sync_jobs.reap(ctx)
            current = sync_tables.current(ctx)
            if current is not None and current["state"] not in STEPS["start"]:
                state = current["state"]
                hint = _NEXT_STEP[state] if state == "committing" else f"{_NEXT_STEP[state]}; or restart() it"
                raise SyncStateError(
                    f"start: a sync started by {current['startedBy']} on {current['startedAt']} is "
                    f"{state}; {hint}",
                    field="state",
                    rule=Rule.SYNC_STATE,
                    value=current["state"],
                )
            sync_id = sync_tables.start_run(ctx, who, self._stamp())
            return self._status_of(ctx, sync_id)

        return self._call("start", run)

    def transfer(self, records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
        """Transfer a batch of HR staff (POST .../sync/transfer).

        Each record is checked like a create payload (schema, listed gender,
        school and assignment codes, address rules). Accepted records are
        stored; each failure is returned (``index``, ``staffNumber``,
        ``field``, ``rule``, ``message``) and written to the error log. A
        staff number may be sent once per sync (case-insensitively); sending
        the identical record again is accepted as a repeat. Passing does not
        guarantee the commit will.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_gender("F", "Female"); _ = c.sync.start(started_by="HR")
        >>> r = c.sync.transfer([{"staffNumber": "1", "lastName": "A", "firstName": "B", "gender": "F"},
        ...                      {"staffNumber": "2", "lastName": "C", "firstName": "D", "gender": "Q"}])
        >>> r["accepted"], [(f["index"], f["field"], f["rule"]) for f in r["failures"]]
        (1, [(1, 'gender', 'listed-gender')])
        """
        failures: list[tuple[int, Any, BaseException]] = []

        def run(ctx: Ctx) -> dict[str, Any]:
            batch = check_records("records", records)
            sync = self._require(ctx, "transfer", STEPS["transfer"])
            sync_id = sync["syncId"]
            batch_no = sync["batches"] + 1
            seq = sync_tables.last_seq(ctx, sync_id)
            accepted = repeats = 0
            household_allowed = preferences.household_allowed(ctx.conn)
            for index, record in enumerate(batch):
                try:
                    with transaction(ctx.conn):
                        number, _ = check_record(ctx, record, household_allowed=household_allowed)
                        key = fold_number(number)
                        payload = stored_payload(record)
                        earlier = sync_tables.transferred(ctx, sync_id, key)
                        if earlier is not None:
                            if earlier[2] == payload:
                                repeats += 1
                                accepted += 1
                                continue
                            raise ValidationError(
                                f"staffNumber: {number!r} was already transferred in this sync (batch "
                                f"{earlier[1]}, as {earlier[0]!r}) with other data; restart() the transfer to "
                                "send changed HR data",
                                field="staffNumber",
                                rule=Rule.TRANSFERRED_ONCE,
                                value=number,
                            )
                        seq += 1
                        sync_tables.add_record(ctx, sync_id, seq, key, number, batch_no, payload)
                        accepted += 1
                except BOIError as exc:
                    scrub_exception(exc, sensitive_values(errorlog.loggable(record)))
                    failures.append((index, record, exc))
            sync_tables.set_batches(ctx, sync_id, batch_no)
            return {
                "syncId": sync_id,
                "batch": batch_no,
                "accepted": accepted,
                "repeats": repeats,
                "failed": len(failures),
                "staffTransferred": sync_tables.count(ctx, sync_id),
                "failures": [_failure(index, record, exc) for index, record, exc in failures],
            }

        result = self._call("transfer", run)
        if failures:
            self._session.log_many(
                _endpoint("transfer"), [(record, staff.number_of(record), exc) for _, record, exc in failures]
            )
        return result

    def end(self) -> dict[str, Any]:
        """End the data transfer (POST .../sync/end); only once something was transferred.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); _ = c.sync.start(started_by="HR"); c.sync.end()
        Traceback (most recent call last):
        ...
        addrmatch.boi.sync.SyncStateError: end: nothing was transferred yet; transfer() the HR staff first
        """

        def run(ctx: Ctx) -> dict[str, Any]:
            sync = self._require(ctx, "end", STEPS["end"])
            if sync_tables.count(ctx, sync["syncId"]) == 0:
                raise SyncStateError(
                    "end: nothing was transferred yet; transfer() the HR staff first",
                    field="state",
                    rule=Rule.SYNC_EMPTY,
                    value=sync["state"],
                )
            sync_tables.end_run(ctx, sync["syncId"], self._stamp())
            return self._status_of(ctx, sync["syncId"])

        return self._call("end", run)

    def restart(self, *, started_by: str | None = None) -> dict[str, Any]:
        """Restart the transfer: discard the transferred data and start
        transferring again (the UI's Restart Transfer; after HR data changed).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_gender("F", "Female"); _ = c.sync.start(started_by="HR")
        >>> _ = c.sync.transfer([{"staffNumber": "1", "lastName": "A", "firstName": "B", "gender": "F"}])
        >>> s = c.sync.restart(); (s["state"], s["staffTransferred"], s["restarts"])
        ('transferring', 0, 1)
        """

        def run(ctx: Ctx) -> dict[str, Any]:
            who = None if started_by is None else _started_by(started_by)
            sync = self._require(ctx, "restart", STEPS["restart"])
            sync_id = sync["syncId"]
            sync_tables.restart_run(ctx, sync_id, who or sync["startedBy"], self._stamp())
            return self._status_of(ctx, sync_id)

        return self._call("restart", run)

    def _hr_records(self, ctx: Ctx, sync_id: int) -> list[HrRecord]:
        out = []
        for seq, key, number, payload in sync_tables.records(ctx, sync_id):
            raw = json.loads(payload)
            out.append(HrRecord(seq, key, number, raw, clean_staff(raw, mode="create", schema=ctx.schema)))
        return out

    def _plan(self, ctx: Ctx, sync: Mapping[str, Any], *, with_report: bool) -> Plan:
        hr = self._hr_records(ctx, sync["syncId"])
        status = sync_tables.status(ctx, sync) or {}
        info = {k: status[k] for k in ("syncId", "startedBy", "startedAt", "staffTransferred")}
        campus = snapshot(ctx, household_allowed=preferences.household_allowed(ctx.conn))
        planner = Planner(campus, hr, with_report=with_report, find=ctx.store.find)
        return planner.run(info, self.now())

    def validate(self) -> Report:
        """Validate the transferred data against Campus (POST .../sync/validate).

        Returns the validation report (:class:`~addrmatch.boi.report.Report`:
        the data, with ``to_html()`` / ``to_text()``). Allowed after end(),
        and again whenever Campus data changed.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_gender("F", "Female")
        >>> _ = c.import_legacy_staff([{"staffNumber": "1", "lastName": "A", "firstName": "B", "workEmail": "B@x.org"}])
        >>> _ = c.sync.start(started_by="HR")
        >>> _ = c.sync.transfer([{"staffNumber": "1", "lastName": "A", "firstName": "B", "gender": "F",
        ...                       "workEmail": "b@x.org"}])
        >>> _ = c.sync.end(); r = c.sync.validate()
        >>> r["summary"]["demographicFieldDifferences"]["Work Email"], r["sections"]["demographicDifferences"][0]["fields"]
        (1, ['Gender', 'Work Email'])
        """

        def run(ctx: Ctx) -> Report:
            sync = self._require(ctx, "validate", STEPS["validate"])
            plan = self._plan(ctx, sync, with_report=True)
            assert plan.report is not None
            sync_tables.set_validated(ctx, sync["syncId"], plan.report["generatedAt"], plan.digest)
            return plan.report

        return self._call("validate", run)

    # -- commit -------------------------------------------------------------------

    def _stale(self, op: str, sync: Mapping[str, Any]) -> SyncStateError:
        return SyncStateError(
            f"{op}: Campus data changed since the sync was validated ({sync['validatedAt']}); "
            "validate() again and review the report before committing",
            field="state",
            rule=Rule.SYNC_STALE,
            value="validated",
        )

    def _begin_commit(
        self, op: str, *, background: bool, token: str
    ) -> tuple[int, int, list[PlanItem] | None, bool]:
        """Check the state, move to 'committing', create the job row. The
        foreground commit also plans and checks the validation here, in the
        same transaction; a background job does that in its worker."""

        def run(ctx: Ctx) -> tuple[int, int, list[PlanItem] | None, bool]:
            sync = self._require(ctx, op, STEPS[op])
            items: list[PlanItem] | None = None
            if not background:
                plan = self._plan(ctx, sync, with_report=False)
                if plan.digest != sync["digest"]:
                    raise self._stale(op, sync)
                items = plan.items
            sync_tables.set_state(ctx, sync["syncId"], "committing")
            job_id = sync_tables.add_job(
                ctx,
                sync["syncId"],
                token,
                background=background,
                total=sync_tables.count(ctx, sync["syncId"]),
                at=self._stamp(),
                pid=os.getpid(),
            )
            return sync["syncId"], job_id, items, preferences.household_allowed(ctx.conn)

        return self._call(op, run)

    def commit(self, *, progress: CommitProgress | None = None) -> dict[str, Any]:
        """Commit the validated sync (POST .../sync/commit) and wait for it.

        Every difference is applied, staff member by staff member, each in
        its own transaction; returns ``{"syncId", "jobId", "total",
        "committed", "failed", "successes": [...], "failures": [...]}``.
        A success is ``{"staffNumber", "personId", "action": "created" |
        "updated" | "unchanged", "changes": [...], "warnings": [...]}``; a
        failure ``{"staffNumber", "error", "field", "rule", "message"}`` (also
        in the error log). Sends the HR Sync Commit notification.
        ``progress(done, failed, total)`` is called after each staff member.

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_gender("F", "Female")
        >>> _ = c.import_legacy_staff([{"staffNumber": "D1", "lastName": "A", "firstName": "B"},
        ...                            {"staffNumber": "d1", "lastName": "C", "firstName": "D"}])
        >>> _ = c.sync.start(started_by="HR")
        >>> _ = c.sync.transfer([{"staffNumber": "N1", "lastName": "N", "firstName": "M", "gender": "F"},
        ...                      {"staffNumber": "D1", "lastName": "A", "firstName": "B", "gender": "F"}])
        >>> _ = c.sync.end(); _ = c.sync.validate(); r = c.sync.commit()
        >>> [s["action"] for s in r["successes"]], [f["rule"] for f in r["failures"]]
        (['created'], ['staff-number-ambiguous'])
        """
        token = uuid.uuid4().hex
        sync_jobs.register(token)
        try:
            sync_id, job_id, items, allowed = self._begin_commit("commit", background=False, token=token)
            assert items is not None
            return execute(
                self._session,
                sync_id,
                job_id,
                items,
                allowed,
                endpoint=_endpoint("commit"),
                stamp=self._stamp,
                progress=progress,
            )
        finally:
            sync_jobs.unregister(token)

    def submit_commit_job(self) -> dict[str, Any]:
        """Start the commit as a background job (POST .../sync/submitCommitJob)
        and return at once with the job's status; see :meth:`commit_job_status`.

        The job checks the validation is still current (else the job
        ``failed``, the sync stays validated: validate again), then commits
        as :meth:`commit`. Failures go to the error log.

        Where it runs depends on the database: a worker thread on a
        connection of its own to the same file (a path, or a caller's
        ``sqlite3.Connection`` / ``sqlite_utils.Database`` over a file); a
        worker thread on Campus's own connection for ``Campus(":memory:")``.
        A caller's connection to an in-memory database cannot be shared with
        another thread (``check_same_thread``) nor reopened, so there the job
        runs in the calling thread before this method returns (its status is
        already final).

        >>> from addrmatch.boi import Campus
        >>> c = Campus(); c.add_gender("F", "Female"); _ = c.sync.start(started_by="HR")
        >>> _ = c.sync.transfer([{"staffNumber": "N1", "lastName": "N", "firstName": "M", "gender": "F"}])
        >>> _ = c.sync.end(); _ = c.sync.validate()
        >>> c.sync.submit_commit_job()["background"]
        True
        >>> s = c.sync.wait(timeout=30); (s["state"], s["done"], s["total"])
        ('completed', 1, 1)
        """
        token = uuid.uuid4().hex
        sync_jobs.register(token)
        try:
            sync_id, job_id, _, _ = self._begin_commit("submit_commit_job", background=True, token=token)
        except BaseException:
            sync_jobs.unregister(token)
            raise
        session = self._session
        if not session.owns and session.file is None:  # a caller's in-memory connection: run here
            try:
                self._run_recorded(sync_id, job_id)
            finally:
                sync_jobs.unregister(token)
            status = self.commit_job_status()
            assert status is not None
            return status

        def work() -> None:
            try:
                try:
                    own = session.reopen()
                except Exception as exc:
                    # the job failed, written on a short connection of the worker's own (the submitting
                    # one may belong to another thread); if even that fails: threading.excepthook
                    sync_jobs.worker_failed(
                        session, sync_id, job_id, exc, _endpoint("submit_commit_job"), self._stamp()
                    )
                    return
                if own is None:  # Campus's own in-memory connection
                    self._run_recorded(sync_id, job_id)
                    return
                try:
                    Sync(own, now=self.now)._run_recorded(sync_id, job_id)
                finally:
                    own.close()
            finally:
                sync_jobs.unregister(token)

        self._thread = sync_jobs.start_thread(work, f"addrmatch-sync-commit-{job_id}")
        status = self.commit_job_status()
        assert status is not None
        return status

    def _run_job(self, sync_id: int, job_id: int) -> None:
        """The background job: plan, check the validation, commit."""
        op = "submit_commit_job"

        def plan(ctx: Ctx) -> tuple[list[PlanItem], bool]:
            sync = sync_tables.current(ctx)
            assert sync is not None and sync["syncId"] == sync_id and sync["state"] == "committing"
            current = self._plan(ctx, sync, with_report=False)
            if current.digest != sync["digest"]:
                raise self._stale(op, sync)
            return current.items, preferences.household_allowed(ctx.conn)

        try:
            items, allowed = self._call(op, plan)
        except Exception as exc:
            sync_jobs.fail(self._session, sync_id, job_id, exc, self._stamp())
            raise
        execute(self._session, sync_id, job_id, items, allowed, endpoint=_endpoint(op), stamp=self._stamp)

    def _run_recorded(self, sync_id: int, job_id: int) -> None:
        """Run the job; its failure is already recorded (job state and error
        log, by :meth:`_run_job`), so it is not raised again."""
        with contextlib.suppress(Exception):
            self._run_job(sync_id, job_id)

    def wait(self, timeout: float | None = None) -> dict[str, Any] | None:
        """Wait for the commit job this object submitted; returns its status.

        >>> from addrmatch.boi import Campus
        >>> Campus().sync.wait() is None
        True
        """
        if self._thread is not None:
            self._thread.join(timeout)
        return self.commit_job_status()

    def commit_job_status(self) -> dict[str, Any] | None:
        """The last commit job (GET .../sync/commitJobStatus): ``{"jobId",
        "syncId", "state": "running" | "completed" | "failed" | "interrupted",
        "background", "total", "done", "failed", "startedAt", "finishedAt",
        "error"}``; None when no commit ever ran. ``done`` counts the staff
        committed, ``failed`` those that failed.

        >>> from addrmatch.boi import Campus
        >>> Campus().sync.commit_job_status() is None
        True
        """

        def run(ctx: Ctx) -> dict[str, Any] | None:
            sync_jobs.reap(ctx)
            return sync_tables.last_job(ctx)

        return self._call("commit_job_status", run)


def _steps_of(status: Mapping[str, Any] | None) -> frozenset[str]:
    """The steps (:data:`STEPS`) a sync of this ``status`` allows (None: no sync yet)."""
    steps = {step for step, states in STEPS.items() if (status and status["state"]) in states}
    if status is None or not status.get("staffTransferred"):
        steps.discard("end")
    return frozenset(steps)


def _failure(index: int, record: Any, exc: BaseException) -> dict[str, Any]:
    return {
        "index": index,
        "staffNumber": staff.number_of(record),
        "error": type(exc).__name__,
        "field": getattr(exc, "field", None),
        "rule": getattr(exc, "rule", None),
        "message": str(exc),
    }


def _started_by(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            "started_by: the name of the person starting the sync (non-empty text)",
            field="startedBy",
            rule=Rule.REQUIRED,
            value=None,
        )
    check_text("startedBy", value, LIMITS["name"])
    return value.strip()
