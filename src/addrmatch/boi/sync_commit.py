"""The synchronization's commit: apply a plan, staff member by staff member.

Each staff member commits in a transaction of its own, together with its
``sync_record`` status and the job's counters, so one failure rolls back
nothing else and a crash leaves every staff member entirely old or entirely
new. A failure is returned, recorded and written to the error log; an
unexpected error (or an interrupt) marks the job and the sync
``interrupted``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

from addrmatch.boi import employment, notifications, staff, sync_tables
from addrmatch.boi.db import Ctx, transaction
from addrmatch.boi.endpoints import Endpoint
from addrmatch.boi.errors import AmbiguousStaffNumberError, BOIError, NotFoundError
from addrmatch.boi.masking import scrub_exception, sensitive_values
from addrmatch.boi.rules import Rule
from addrmatch.boi.session import Session
from addrmatch.boi.sync_plan import PlanItem
from addrmatch.errors import AddressError

__all__ = ["CommitProgress", "apply", "execute"]

#: ``progress(done, failed, total)``: called after each staff member's transaction.
CommitProgress = Callable[[int, int, int], None]


def execute(
    session: Session,
    sync_id: int,
    job_id: int,
    items: Sequence[PlanItem],
    household_allowed: bool,
    *,
    endpoint: Endpoint,
    stamp: Callable[[], str],
    progress: CommitProgress | None = None,
) -> dict[str, Any]:
    """Commit every item; then the job is completed, the sync committed and
    the HR Sync Commit notification sent. Returns the commit's result."""
    successes: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    total = len(items)
    finished = False
    error: BaseException | None = None
    try:
        for item in items:
            outcome = _commit_one(session, sync_id, job_id, item, household_allowed, endpoint)
            (successes if "action" in outcome else failures).append(outcome)
            if progress is not None:
                progress(len(successes), len(failures), total)
        with session.lock, transaction(session.conn):
            ctx = session.ctx()
            sync_tables.job_finished(ctx, job_id, "completed", stamp())
            sync_tables.set_committed(ctx, sync_id, stamp())
            sync_tables.mask_payloads(ctx, sync_id)  # no SSN or birthdate kept in clear
            created = sum(1 for s in successes if s["action"] == "created")
            updated = sum(1 for s in successes if s["action"] == "updated")
            notifications.emit(
                ctx.conn,
                "sync committed",
                f"Staff synchronization {sync_id} committed",
                f"The staff synchronization {sync_id} was committed: {len(successes)} of {total} staff "
                f"members synchronized ({created} created, {updated} updated, "
                f"{len(successes) - created - updated} unchanged), {len(failures)} failed "
                "(see the Business Office Error Log).",
                ctx.today,
            )
        finished = True
    except BaseException as exc:
        error = exc
        raise
    finally:
        if not finished:
            interrupt(session, sync_id, job_id, error, endpoint)
    return {
        "syncId": sync_id,
        "jobId": job_id,
        "total": total,
        "committed": len(successes),
        "failed": len(failures),
        "successes": successes,
        "failures": failures,
    }


def interrupt(
    session: Session, sync_id: int, job_id: int, error: BaseException | None, endpoint: Endpoint
) -> None:
    """The commit stopped early (an unexpected error, an interrupt): say so in the job and the run."""
    message = "the commit stopped before it finished"
    if error is not None:
        message += f": {type(error).__name__}: {error}"
    if isinstance(error, Exception):
        session.log(endpoint, error)
    with contextlib.suppress(Exception), session.lock, transaction(session.conn):
        ctx = session.ctx()
        sync_tables.job_interrupted(ctx, job_id, message)
        sync_tables.set_state(ctx, sync_id, "interrupted", only_from="committing")


def _commit_one(
    session: Session, sync_id: int, job_id: int, item: PlanItem, household_allowed: bool, endpoint: Endpoint
) -> dict[str, Any]:
    """One staff member, one transaction (with its record status and the job counters)."""
    with session.lock:
        ctx = session.ctx()
        try:
            with transaction(ctx.conn):
                person_id, action, warnings = apply(ctx, item, household_allowed)
                sync_tables.record_committed(ctx, sync_id, item.hr.key, person_id)
                sync_tables.job_progress(ctx, job_id, done=1)
            return {
                "staffNumber": item.hr.number,
                "personId": person_id,
                "action": action,
                "changes": _change_areas(ctx, item),
                "warnings": warnings,
            }
        except (BOIError, AddressError) as exc:
            scrub_exception(exc, sensitive_values(item.hr.raw))
            with transaction(ctx.conn):
                sync_tables.record_failed(ctx, sync_id, item.hr.key, str(exc))
                sync_tables.job_progress(ctx, job_id, failed=1)
            session.log(endpoint, exc, payload=item.hr.raw, staff_number=item.hr.number, today=ctx.today)
            return {
                "staffNumber": item.hr.number,
                "error": type(exc).__name__,
                "field": getattr(exc, "field", None),
                "rule": getattr(exc, "rule", None),
                "message": str(exc),
            }


def _change_areas(ctx: Ctx, item: PlanItem) -> list[str]:
    if item.action == "create":
        return ["created"]
    areas = []
    changes = item.changes
    if any(k in changes for k in ("staffNumber", *ctx.schema.demographics)):
        areas.append("demographics")
    for key, area in (("employments", "employments"), ("positions", "assignments"), ("household", "address")):
        if key in changes:
            areas.append(area)
    return areas


def apply(ctx: Ctx, item: PlanItem, household_allowed: bool) -> tuple[int, str, list[dict[str, Any]]]:
    """Apply one plan item in the caller's transaction: ``(person id, action, warnings)``."""
    if item.action == "conflict":
        raise AmbiguousStaffNumberError(
            item.conflict or "staffNumber: ambiguous", field="staffNumber", value=item.hr.number
        )
    if item.action == "create":
        person_id, warnings, _ = staff.create(
            ctx, item.hr.data, origin="hr", hr_managed=True, household_allowed=household_allowed
        )
        return person_id, "created", warnings
    assert item.person_id is not None
    person_id = item.person_id
    # The extra validation: the staff number still names exactly this person.
    holders = staff.holders(ctx, item.hr.number)
    if len(holders) > 1:
        raise AmbiguousStaffNumberError(
            f"staffNumber: {item.hr.number!r} belongs to {len(holders)} persons in Campus",
            field="staffNumber",
            value=item.hr.number,
        )
    if holders != [person_id]:
        raise NotFoundError(
            f"staffNumber: {item.hr.number!r} no longer names person {person_id} in Campus",
            field="staffNumber",
            rule=Rule.STAFF_EXISTS,
            value=item.hr.number,
        )
    if item.replace_employments:
        employment.replace(ctx, person_id)
    warnings, _, _ = staff.update(ctx, person_id, item.changes, hr=True, household_allowed=household_allowed)
    return person_id, ("updated" if item.changes else "unchanged"), warnings
