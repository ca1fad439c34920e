"""The synchronization's tables and their one owner: ``sync_run``, ``sync_record``, ``sync_job``.

* ``sync_run``: one row per sync (who started it and when, its state, the
  batch count, the validation's digest...); the last row is the current sync.
* ``sync_record``: the HR records transferred in the current sync (the
  payload as sent, its SSN and birthdate masked once the sync is committed;
  deleted when a new sync starts or the transfer restarts).
* ``sync_job``: the commit jobs (foreground or background), with their
  counters, the committing process's pid and an in-process token.

Every function works in the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from addrmatch.boi.db import Ctx, transaction
from addrmatch.boi.masking import mask_payload

__all__ = [
    "STATES",
    "SYNC_SCHEMA",
    "count",
    "current",
    "ensure_schema",
    "last_job",
    "records",
    "status",
]

STATES: tuple[str, ...] = ("transferring", "ended", "validated", "committing", "interrupted", "committed")

SYNC_SCHEMA = """
CREATE TABLE IF NOT EXISTS sync_run (
    sync_id INTEGER PRIMARY KEY,
    started_by TEXT NOT NULL,
    started_at TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('transferring', 'ended', 'validated', 'committing', 'interrupted',
                                         'committed')),
    batches INTEGER NOT NULL DEFAULT 0,
    restarts INTEGER NOT NULL DEFAULT 0,
    ended_at TEXT,
    validated_at TEXT,
    validation_digest TEXT,
    committed_at TEXT
);
CREATE TABLE IF NOT EXISTS sync_record (
    sync_id INTEGER NOT NULL REFERENCES sync_run (sync_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    staff_key TEXT NOT NULL,
    staff_number TEXT NOT NULL,
    batch INTEGER NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'transferred' CHECK (status IN ('transferred', 'committed', 'failed')),
    person_id INTEGER,
    message TEXT,
    PRIMARY KEY (sync_id, staff_key)
);
CREATE UNIQUE INDEX IF NOT EXISTS sync_record_seq ON sync_record (sync_id, seq);
CREATE TABLE IF NOT EXISTS sync_job (
    job_id INTEGER PRIMARY KEY,
    sync_id INTEGER NOT NULL REFERENCES sync_run (sync_id) ON DELETE CASCADE,
    token TEXT NOT NULL,
    background INTEGER NOT NULL CHECK (background IN (0, 1)),
    state TEXT NOT NULL CHECK (state IN ('running', 'completed', 'failed', 'interrupted')),
    total INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    pid INTEGER NOT NULL,
    error TEXT
);
"""

_RUN_KEYS = (
    "syncId",
    "startedBy",
    "startedAt",
    "state",
    "batches",
    "restarts",
    "endedAt",
    "validatedAt",
    "digest",
    "committedAt",
)
_JOB_KEYS = (
    "jobId",
    "syncId",
    "state",
    "background",
    "total",
    "done",
    "failed",
    "startedAt",
    "finishedAt",
    "error",
)


def ensure_schema(conn: Any) -> None:
    """Create the sync tables (once; idempotent), in one transaction.

    >>> import sqlite3; conn = sqlite3.connect(":memory:", isolation_level=None)
    >>> ensure_schema(conn); ensure_schema(conn)
    >>> sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    ['sync_job', 'sync_record', 'sync_run']
    """
    with transaction(conn):
        for statement in SYNC_SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)


# -- sync_run ------------------------------------------------------------------------


def current(ctx: Ctx) -> dict[str, Any] | None:
    """The current (last) sync run, or None."""
    row = ctx.conn.execute(
        "SELECT sync_id, started_by, started_at, state, batches, restarts, ended_at, validated_at, "
        "validation_digest, committed_at FROM sync_run ORDER BY sync_id DESC LIMIT 1"
    ).fetchone()
    return None if row is None else dict(zip(_RUN_KEYS, row, strict=True))


def status(ctx: Ctx, run: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A run as the API shows it, with its record counts."""
    if run is None:
        return None
    counts = dict(
        ctx.conn.execute(
            "SELECT status, count(*) FROM sync_record WHERE sync_id = ? GROUP BY status", (run["syncId"],)
        ).fetchall()
    )
    return {
        "syncId": run["syncId"],
        "state": run["state"],
        "startedBy": run["startedBy"],
        "startedAt": run["startedAt"],
        "staffTransferred": sum(counts.values()),
        "batches": run["batches"],
        "restarts": run["restarts"],
        "endedAt": run["endedAt"],
        "validatedAt": run["validatedAt"],
        "committedAt": run["committedAt"],
        "staffCommitted": counts.get("committed", 0),
        "staffFailed": counts.get("failed", 0),
    }


def start_run(ctx: Ctx, started_by: str, at: str) -> int:
    """A new sync, transferring; earlier syncs' records (personal data) are deleted."""
    ctx.conn.execute("DELETE FROM sync_record")
    return ctx.insert(
        "INSERT INTO sync_run (started_by, started_at, state) VALUES (?, ?, 'transferring')", (started_by, at)
    )


def set_batches(ctx: Ctx, sync_id: int, batches: int) -> None:
    ctx.conn.execute("UPDATE sync_run SET batches = ? WHERE sync_id = ?", (batches, sync_id))


def end_run(ctx: Ctx, sync_id: int, at: str) -> None:
    ctx.conn.execute("UPDATE sync_run SET state = 'ended', ended_at = ? WHERE sync_id = ?", (at, sync_id))


def restart_run(ctx: Ctx, sync_id: int, started_by: str, at: str) -> None:
    """Discard the transferred records and transfer again."""
    ctx.conn.execute("DELETE FROM sync_record WHERE sync_id = ?", (sync_id,))
    ctx.conn.execute(
        "UPDATE sync_run SET state = 'transferring', batches = 0, restarts = restarts + 1, "
        "ended_at = NULL, validated_at = NULL, validation_digest = NULL, started_by = ?, "
        "started_at = ? WHERE sync_id = ?",
        (started_by, at, sync_id),
    )


def set_validated(ctx: Ctx, sync_id: int, at: str, digest: str) -> None:
    ctx.conn.execute(
        "UPDATE sync_run SET state = 'validated', validated_at = ?, validation_digest = ? WHERE sync_id = ?",
        (at, digest, sync_id),
    )


def set_state(ctx: Ctx, sync_id: int, state: str, *, only_from: str | None = None) -> None:
    """Move a run to ``state`` (only from ``only_from``, when given)."""
    if only_from is None:
        ctx.conn.execute("UPDATE sync_run SET state = ? WHERE sync_id = ?", (state, sync_id))
    else:
        ctx.conn.execute(
            "UPDATE sync_run SET state = ? WHERE sync_id = ? AND state = ?", (state, sync_id, only_from)
        )


def set_committed(ctx: Ctx, sync_id: int, at: str) -> None:
    ctx.conn.execute(
        "UPDATE sync_run SET state = 'committed', committed_at = ? WHERE sync_id = ?", (at, sync_id)
    )


# -- sync_record -----------------------------------------------------------------------


def count(ctx: Ctx, sync_id: int) -> int:
    """How many records the sync holds."""
    return int(ctx.one("SELECT count(*) FROM sync_record WHERE sync_id = ?", (sync_id,)))


def last_seq(ctx: Ctx, sync_id: int) -> int:
    return int(ctx.one("SELECT coalesce(max(seq), 0) FROM sync_record WHERE sync_id = ?", (sync_id,)))


def transferred(ctx: Ctx, sync_id: int, key: str) -> tuple[str, int, str] | None:
    """(staff number, batch, payload) of the record with this folded staff number, or None."""
    row = ctx.conn.execute(
        "SELECT staff_number, batch, payload FROM sync_record WHERE sync_id = ? AND staff_key = ?",
        (sync_id, key),
    ).fetchone()
    return None if row is None else (row[0], row[1], row[2])


def add_record(ctx: Ctx, sync_id: int, seq: int, key: str, number: str, batch: int, payload: str) -> None:
    ctx.conn.execute(
        "INSERT INTO sync_record (sync_id, seq, staff_key, staff_number, batch, payload) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (sync_id, seq, key, number, batch, payload),
    )


def records(ctx: Ctx, sync_id: int) -> list[tuple[int, str, str, str]]:
    """(seq, folded staff number, staff number, payload) of every record, in transfer order."""
    return [
        (r[0], r[1], r[2], r[3])
        for r in ctx.conn.execute(
            "SELECT seq, staff_key, staff_number, payload FROM sync_record WHERE sync_id = ? ORDER BY seq",
            (sync_id,),
        )
    ]


def mask_payloads(ctx: Ctx, sync_id: int) -> int:
    """Once a sync is committed, its staged HR payloads keep no personal data
    in clear: every SSN and birthdate is masked (returns the records masked)."""
    rows = ctx.conn.execute(
        "SELECT staff_key, payload FROM sync_record WHERE sync_id = ?", (sync_id,)
    ).fetchall()
    for key, payload in rows:
        masked = json.dumps(mask_payload(json.loads(payload)), sort_keys=True, ensure_ascii=False)
        ctx.conn.execute(
            "UPDATE sync_record SET payload = ? WHERE sync_id = ? AND staff_key = ?", (masked, sync_id, key)
        )
    return len(rows)


def record_committed(ctx: Ctx, sync_id: int, key: str, person_id: int) -> None:
    ctx.conn.execute(
        "UPDATE sync_record SET status = 'committed', person_id = ?, message = NULL "
        "WHERE sync_id = ? AND staff_key = ?",
        (person_id, sync_id, key),
    )


def record_failed(ctx: Ctx, sync_id: int, key: str, message: str) -> None:
    ctx.conn.execute(
        "UPDATE sync_record SET status = 'failed', message = ? WHERE sync_id = ? AND staff_key = ?",
        (message, sync_id, key),
    )


# -- sync_job ----------------------------------------------------------------------------


def add_job(ctx: Ctx, sync_id: int, token: str, *, background: bool, total: int, at: str, pid: int) -> int:
    return ctx.insert(
        "INSERT INTO sync_job (sync_id, token, background, state, total, started_at, pid) "
        "VALUES (?, ?, ?, 'running', ?, ?, ?)",
        (sync_id, token, int(background), total, at, pid),
    )


def running_jobs(ctx: Ctx) -> list[tuple[int, int, str, int]]:
    """(job id, sync id, token, pid) of the jobs marked running, newest first."""
    return [
        (r[0], r[1], r[2], r[3])
        for r in ctx.conn.execute(
            "SELECT job_id, sync_id, token, pid FROM sync_job WHERE state = 'running' ORDER BY job_id DESC"
        )
    ]


def job_progress(ctx: Ctx, job_id: int, *, done: int = 0, failed: int = 0) -> None:
    ctx.conn.execute(
        "UPDATE sync_job SET done = done + ?, failed = failed + ? WHERE job_id = ?", (done, failed, job_id)
    )


def job_finished(ctx: Ctx, job_id: int, state: str, at: str | None, error: str | None = None) -> None:
    """End a job: ``completed`` or ``failed`` (``finished_at`` set)."""
    ctx.conn.execute(
        "UPDATE sync_job SET state = ?, finished_at = ?, error = coalesce(?, error) WHERE job_id = ?",
        (state, at, error, job_id),
    )


def job_interrupted(ctx: Ctx, job_id: int, message: str) -> None:
    """A running job stopped early (its process died, or an unexpected error)."""
    ctx.conn.execute(
        "UPDATE sync_job SET state = 'interrupted', error = ? WHERE job_id = ? AND state = 'running'",
        (message, job_id),
    )


def last_job(ctx: Ctx) -> dict[str, Any] | None:
    """The last commit job as the API shows it, or None."""
    row = ctx.conn.execute(
        "SELECT job_id, sync_id, state, background, total, done, failed, started_at, finished_at, "
        "error FROM sync_job ORDER BY job_id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    job = dict(zip(_JOB_KEYS, row, strict=True))
    job["background"] = bool(job["background"])
    return job
