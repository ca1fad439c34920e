"""Commit jobs: which are alive, and running one in a worker thread.

A job row says ``running`` while its commit runs. A job is alive while its
process is (another process: its pid, see :func:`pid_alive`) or, in this
process, while its token is registered here (a thread that died with an
earlier interpreter state leaves a ``running`` row behind). :func:`reap`
marks a running job whose process or thread is gone ``interrupted``, and
its sync with it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
from collections.abc import Callable
from typing import Any

from addrmatch.boi import sync_tables
from addrmatch.boi.db import Ctx, transaction
from addrmatch.boi.endpoints import Endpoint
from addrmatch.boi.session import Session

__all__ = [
    "active",
    "fail",
    "pid_alive",
    "reap",
    "register",
    "start_thread",
    "unregister",
    "worker_failed",
]

_ACTIVE: set[str] = set()
_LOCK = threading.Lock()


def register(token: str) -> None:
    """A job of this process is running."""
    with _LOCK:
        _ACTIVE.add(token)


def unregister(token: str) -> None:
    """A job of this process ended."""
    with _LOCK:
        _ACTIVE.discard(token)


def active(token: str) -> bool:
    """True while the job of this process with this token runs."""
    with _LOCK:
        return token in _ACTIVE


#: Windows: ``os.kill(pid, 0)`` there is not a probe but sends CTRL_C_EVENT
#: (signal 0) to the process's console group, so processes are asked through
#: the Win32 API instead (:func:`_windows_pid_alive`).
_WINDOWS = os.name == "nt"
_STILL_ACTIVE = 259
_ERROR_ACCESS_DENIED = 5
_PROCESS_QUERY_LIMITED_INFORMATION = 0x1000


def _windows_pid_alive(pid: int, kernel32: Any = None) -> bool:
    """Windows: OpenProcess + GetExitCodeProcess (STILL_ACTIVE); a process we
    may not open (access denied) exists. ``kernel32``: the DLL (tests give a stand-in)."""
    if kernel32 is None:  # pragma: no cover - Windows only (ctypes.WinDLL exists nowhere else)
        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(_PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        return bool(kernel32.GetLastError() == _ERROR_ACCESS_DENIED)
    try:
        code = ctypes.c_ulong(0)
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True  # cannot tell: never call a running commit interrupted on a guess
        return code.value == _STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def pid_alive(pid: int) -> bool:
    """True when a process with this pid runs (a zombie counts as dead).

    POSIX: ``os.kill(pid, 0)``, then ``/proc/PID/stat`` for a zombie where
    ``/proc`` exists. Windows: the Win32 API (never ``os.kill``: see
    :data:`_WINDOWS`). Where neither can answer, the process counts as alive
    (a running commit is never declared interrupted on a guess).

    >>> pid_alive(os.getpid())
    True
    """
    if _WINDOWS:
        return _windows_pid_alive(pid)
    kill = getattr(os, "kill", None)
    if kill is None:
        return True
    try:
        kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    with contextlib.suppress(OSError, IndexError):
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
        if state in ("Z", "X"):  # a zombie: dead, not yet reaped
            return False
    return True


def reap(ctx: Ctx) -> None:
    """Mark a running job whose process or thread is gone as interrupted (and its sync)."""
    for job_id, sync_id, token, pid in sync_tables.running_jobs(ctx):
        alive = active(token) if pid == os.getpid() else pid_alive(pid)
        if alive:
            continue
        sync_tables.job_interrupted(
            ctx, job_id, f"the committing process ({pid}) stopped before the commit finished"
        )
        sync_tables.set_state(ctx, sync_id, "interrupted", only_from="committing")


def start_thread(work: Callable[[], None], name: str) -> threading.Thread:
    """Run ``work`` in a (non-daemon) worker thread; returns the started thread."""
    thread = threading.Thread(target=work, name=name, daemon=False)
    thread.start()
    return thread


def fail(session: Session, sync_id: int, job_id: int, error: Exception, at: str) -> None:
    """The job could not start committing: it failed, the sync is validated again (nothing changed)."""
    with session.lock, transaction(session.conn):
        ctx = session.ctx()
        sync_tables.job_finished(ctx, job_id, "failed", at, str(error))
        sync_tables.set_state(ctx, sync_id, "validated", only_from="committing")


def worker_failed(
    session: Session, sync_id: int, job_id: int, error: Exception, endpoint: Endpoint, at: str
) -> None:
    """The worker thread could not open its connection: the job failed (:func:`fail`) and the
    error is in the error log, written on a short connection of the worker's own (``session``'s
    may belong to another thread); if even that fails, the error propagates to the thread."""
    short = session.reopen()
    if short is None:  # pragma: no cover - only a file database is reopened
        raise error
    try:
        short.log(endpoint, error)
        fail(short, sync_id, job_id, error, at)
    finally:
        short.close()
