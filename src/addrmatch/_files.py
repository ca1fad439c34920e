"""File helpers shared by the command line, the dedupe tool and addrmatch.boi.

* :func:`write_atomically`: an output file replaced whole or not at all, with
  an explicit mode (never by changing the process-wide umask);
* :func:`create_private`: create a file owner-only (the one place that
  does: database files of the store and of ``addrmatch.boi``, the command
  line's outputs);
* :func:`set_mode`: give an open file its mode, portably;
* :func:`remove_database`: remove a database file (and its -wal, -shm,
  -journal companions) that a failed command created.

**What owner-only means.** On POSIX systems a file is created with mode
0o600 (read and write for its owner only) whatever the process's umask;
SQLite gives a database's ``-wal``/``-shm``/``-journal`` files the mode of
the database file. On Windows, file modes do not exist: a new file takes
the access rules (ACL) of its folder, and for folders under a user's profile
that means the user (and administrators) only. addrmatch sets no ACLs, so
there a file is as private as the folder it is written to. ``os.fchmod`` is
missing on Windows before Python 3.13; :func:`set_mode` falls back to
``os.chmod`` by name (which on Windows only sets or clears the read-only
flag).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

__all__ = ["DATABASE_SUFFIXES", "create_private", "remove_database", "set_mode", "write_atomically"]

#: The files SQLite keeps next to a database file.
DATABASE_SUFFIXES: tuple[str, ...] = ("", "-wal", "-shm", "-journal")


@contextlib.contextmanager
def write_atomically(path: str | os.PathLike[str], *, mode: int = 0o600) -> Iterator[TextIO]:
    """Yield a text stream (UTF-8, ``newline=""``) whose content replaces
    ``path`` only when the ``with`` block succeeds: a temporary file in the
    same directory (created 0o600), given ``mode`` and renamed into place at
    the end, deleted on any error. An existing file's mode is not kept.

    >>> import tempfile, pathlib, stat
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with write_atomically(p) as out:
    ...     _ = out.write("done")
    >>> p.read_text(), oct(stat.S_IMODE(p.stat().st_mode))
    ('done', '0o600')
    """
    target = Path(path)
    if target.is_dir():
        raise IsADirectoryError(f"the output {os.fspath(target)!r} is a directory")
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            set_mode(handle.fileno(), tmp_name, mode)
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


def set_mode(fd: int, path: str | os.PathLike[str], mode: int) -> None:
    """Give the open file ``fd`` (named ``path``) the permission bits ``mode``:
    ``os.fchmod`` where the platform has it, else ``os.chmod`` by name (see
    the module docstring for what that means on Windows).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "f.txt"
    >>> with open(p, "w") as f:
    ...     set_mode(f.fileno(), p, 0o640)
    >>> oct(p.stat().st_mode & 0o777)
    '0o640'
    """
    fchmod = getattr(os, "fchmod", None)
    if fchmod is not None:
        fchmod(fd, mode)
    else:
        os.chmod(path, mode)


def create_private(path: str | os.PathLike[str]) -> bool:
    """Create ``path`` as an empty owner-only (0o600) file if it does not
    exist; True when it was created, False when it already existed. SQLite
    then opens it as a new database (and gives its -wal/-shm files the same
    mode). Other errors (a missing or unwritable directory) are raised as
    ``OSError``. Needs no ``os.fchmod``: the mode is given at creation.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "new.db"
    >>> create_private(p), create_private(p), oct(p.stat().st_mode & 0o777)
    (True, False, '0o600')
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def remove_database(path: str | os.PathLike[str]) -> None:
    """Remove a database file and its companions (missing ones are fine).

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "gone.db"
    >>> _ = p.write_text(""); remove_database(p); p.exists()
    False
    """
    base = os.fspath(path)
    for suffix in DATABASE_SUFFIXES:
        with contextlib.suppress(OSError):
            os.unlink(base + suffix)
