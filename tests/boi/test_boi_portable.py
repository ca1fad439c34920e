"""Portability of addrmatch.boi (issue 15 item 7): no POSIX-only call without
a fallback. Each test takes the POSIX call away (monkeypatch) and checks the
fallback: Windows' process probe (``os.kill(pid, 0)`` there would send Ctrl-C),
no ``/proc``, no ``os.kill``, no ``os.fchmod`` (Windows before Python 3.13)."""

from __future__ import annotations

import builtins
import csv
import ctypes
import os
from pathlib import Path
from typing import Any

import pytest

from addrmatch.boi import Campus, ValidationError, sync_jobs


class FakeKernel32:
    """The three Win32 calls the probe makes, over a table of pid -> exit code."""

    def __init__(self, processes: dict[int, int], *, denied: frozenset[int] = frozenset()) -> None:
        self.processes = processes
        self.denied = denied
        self.last_error = 0
        self.closed: list[int] = []

    def OpenProcess(self, access: int, inherit: bool, pid: int) -> int:
        assert access == 0x1000 and inherit is False
        if pid in self.denied:
            self.last_error = 5  # ERROR_ACCESS_DENIED
            return 0
        if pid not in self.processes:
            self.last_error = 87  # ERROR_INVALID_PARAMETER: no such process
            return 0
        return 1000 + pid

    def GetLastError(self) -> int:
        return self.last_error

    def GetExitCodeProcess(self, handle: int, out: Any) -> int:
        out._obj.value = self.processes[handle - 1000]
        return 1

    def CloseHandle(self, handle: int) -> int:
        self.closed.append(handle)
        return 1


def _no_kill(*args: Any) -> None:
    raise AssertionError("os.kill must not be called on Windows: signal 0 is CTRL_C_EVENT there")


def test_windows_never_sends_a_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    kernel = FakeKernel32({10: 259, 11: 0}, denied=frozenset({12}))  # 259: STILL_ACTIVE
    monkeypatch.setattr(sync_jobs, "_WINDOWS", True)
    monkeypatch.setattr(os, "kill", _no_kill)
    monkeypatch.setattr(sync_jobs, "_windows_pid_alive", lambda pid: _real(pid, kernel))
    assert sync_jobs.pid_alive(10) is True  # running
    assert sync_jobs.pid_alive(11) is False  # exited with code 0
    assert sync_jobs.pid_alive(12) is True  # exists, but not ours to open
    assert sync_jobs.pid_alive(13) is False  # no such process
    assert kernel.closed == [1010, 1011]  # every handle opened is closed


_real = sync_jobs._windows_pid_alive


def _campus_with_running_job(path: Path, pid: int) -> Campus:
    campus = Campus(path)
    campus.add_gender("F", "Female")
    sync = campus.sync
    sync.start(started_by="test")
    sync.transfer([{"staffNumber": "1", "lastName": "A", "firstName": "B", "gender": "F"}])
    sync.end()
    sync.validate()
    with campus.connection:
        campus.connection.execute("UPDATE sync_run SET state = 'committing'")
        campus.connection.execute(
            "INSERT INTO sync_job (sync_id, token, background, state, total, done, failed, started_at, pid) "
            "SELECT sync_id, 'other', 1, 'running', 1, 0, 0, '2024-01-01T00:00:00', ? FROM sync_run",
            (pid,),
        )
    return campus


def test_a_job_of_another_process_on_windows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The sync's reaper asks Windows, not os.kill: a live job stays running, a dead one is interrupted."""
    campus = _campus_with_running_job(tmp_path / "c.db", pid=4242)
    monkeypatch.setattr(sync_jobs, "_WINDOWS", True)
    monkeypatch.setattr(os, "kill", _no_kill)
    kernel = FakeKernel32({4242: 259})
    monkeypatch.setattr(sync_jobs, "_windows_pid_alive", lambda pid: _real(pid, kernel))
    assert campus.sync.status()["state"] == "committing"
    kernel.processes[4242] = 1  # the committing process ended
    assert campus.sync.status()["state"] == "interrupted"
    campus.close()


def test_without_os_kill_a_job_is_never_declared_dead(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    campus = _campus_with_running_job(tmp_path / "c.db", pid=999_999_999)
    monkeypatch.setattr(sync_jobs, "_WINDOWS", False)
    monkeypatch.delattr(os, "kill")
    assert sync_jobs.pid_alive(999_999_999) is True  # cannot tell: alive
    assert campus.sync.status()["state"] == "committing"
    campus.close()


def test_without_proc_the_probe_still_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = builtins.open

    def no_proc(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file).startswith("/proc/"):
            raise FileNotFoundError(file)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(sync_jobs, "_WINDOWS", False)
    monkeypatch.setattr(builtins, "open", no_proc)
    assert sync_jobs.pid_alive(os.getpid()) is True
    assert sync_jobs.pid_alive(999_999_999) is False


def test_files_are_written_without_os_fchmod(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Windows before Python 3.13 has no os.fchmod: the error log export and the
    database still write (the shared helpers fall back to os.chmod by name)."""
    if hasattr(os, "fchmod"):
        monkeypatch.delattr(os, "fchmod")
    campus = Campus(tmp_path / "c.db")
    with pytest.raises(ValidationError):  # a failed HR call: it is logged
        campus.create_staff({"staffNumber": "1"})
    for name in ("log.csv", "log.json", "log.pdf"):
        assert campus.export_error_log(tmp_path / name) == 1
    campus.close()
    rows = list(csv.DictReader((tmp_path / "log.csv").open(encoding="utf-8")))
    assert rows[0]["Action"] == "POST"
    assert (tmp_path / "log.pdf").read_bytes().startswith(b"%PDF")
    if os.name == "posix":
        assert os.stat(tmp_path / "log.csv").st_mode & 0o077 == 0  # still owner-only (os.chmod by name)


def test_ctypes_stand_in_matches_the_real_out_parameter() -> None:
    """The stand-in writes the exit code the way Windows does: through the byref argument."""
    code = ctypes.c_ulong(0)
    FakeKernel32({1: 259}).GetExitCodeProcess(1001, ctypes.byref(code))
    assert code.value == 259
