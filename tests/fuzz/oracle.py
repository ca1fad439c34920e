"""The oracle: what a call on hostile input may do, and the checks that say it did.

A call either returns, or raises one of the library's documented errors
(:data:`CORE_ERRORS`, :data:`STORE_ERRORS`, :data:`CAMPUS_ERRORS`); any other
exception escapes :func:`call` unchanged, so that hypothesis tells two
different bugs apart by where they were raised. A documented error must be
printable (``str`` and ``repr`` never raise) and, like everything logged
during the call, must not show a Social Security number or a birthdate in
clear. The checks after a call (:func:`same_dump`, :func:`same_files`,
:func:`logged_once`) raise a :class:`Violation`.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.fuzz.values import BIRTHDATES, SSNS, Call, Sabotage, short

from addrmatch._csvinput import CSVInputError
from addrmatch.boi import BOIError
from addrmatch.errors import AddressError, DatabaseError

__all__ = [
    "CAMPUS_ERRORS",
    "CORE_ERRORS",
    "STORE_ERRORS",
    "Outcome",
    "Violation",
    "call",
    "check_text_output",
    "echoed",
    "logged_once",
    "same_dump",
    "same_files",
    "snapshot_files",
]

#: What the core functions (parse, normalize, match_key...) may raise.
CORE_ERRORS: tuple[type[BaseException], ...] = (AddressError,)
#: What AddressStore may raise (DatabaseError is an AddressError; ``get`` adds KeyError).
STORE_ERRORS: tuple[type[BaseException], ...] = (AddressError,)
#: What a Campus call may raise: the staff module's errors, and the database's.
CAMPUS_ERRORS: tuple[type[BaseException], ...] = (BOIError, DatabaseError)
#: Reading CSV input (the CLI's files) adds CSVInputError.
CSV_ERRORS: tuple[type[BaseException], ...] = (CSVInputError,)

#: A call slower than this is listed in the run's report (not a failure: the machine is shared).
SLOW_SECONDS = 5.0


#: Calls run by :func:`call` since the process started: ``returned``, ``refused`` (a documented error).
STATS: dict[str, int] = {"returned": 0, "refused": 0}
#: The calls slower than :data:`SLOW_SECONDS`: (seconds, what).
SLOW: list[tuple[float, str]] = []


class Violation(AssertionError):
    """A call broke the oracle: its message says how."""


@dataclass
class Outcome:
    """What one call did: its result or its (documented) error, and its time."""

    result: Any = None
    error: BaseException | None = None
    seconds: float = 0.0
    log: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.error is not None


# -- secrets ----------------------------------------------------------------------------

_SENSITIVE = ("ssn", "birthdate")
_SECRET_FORMS = tuple(dict.fromkeys([*SSNS, *(s.replace("-", "") for s in SSNS), *BIRTHDATES]))


def _plain_texts(value: Any, under_secret: bool = False, depth: int = 0) -> Iterator[str]:
    """The texts of ``value`` that are *not* under an ``ssn``/``birthdate`` key:
    a secret value the case itself put there may be echoed as any other value."""
    if depth > 40:
        return
    if isinstance(value, Call):
        yield from _plain_texts(list(value.args), under_secret, depth + 1)
        yield from _plain_texts(value.kwargs, under_secret, depth + 1)
    elif isinstance(value, str):
        if not under_secret:
            yield value
    elif isinstance(value, Mapping):
        for k, v in list(value.items()):
            secret = isinstance(k, str) and k.strip().lower() in _SENSITIVE
            if isinstance(k, str) and not under_secret:
                yield k
            yield from _plain_texts(v, under_secret or secret, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in list(value)[:2000]:
            yield from _plain_texts(v, under_secret, depth + 1)


def echoed(case: Any) -> frozenset[str]:
    """The secret forms (:data:`~tests.fuzz.values.SSNS`, their digits,
    :data:`~tests.fuzz.values.BIRTHDATES`) the case holds outside a sensitive
    field: those may legitimately appear in a message that echoes that field.

    >>> sorted(echoed(Call({"ssn": "123-45-6789", "notes": "born 1979-12-26"})))
    ['1979-12-26']
    """
    found = set()
    for text in _plain_texts(case):
        if len(text) > 200_000:
            continue
        found.update(form for form in _SECRET_FORMS if form in text)
    return frozenset(found)


def check_text_output(what: str, text: str, allowed: frozenset[str] = frozenset()) -> None:
    """``text`` (a message, a log, a response) shows no secret in clear."""
    leaked = [form for form in _SECRET_FORMS if form in text and form not in allowed]
    if leaked:
        raise Violation(f"{what} shows personal data in clear: {leaked} in {short(text[:400])}")


# -- one call -----------------------------------------------------------------------------


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.buffer = io.StringIO()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.buffer.write(self.format(record) + "\n")
        except Exception as exc:  # a log record that cannot be formatted is a finding too
            self.buffer.write(f"<log record failed: {type(exc).__name__}: {exc}>\n")


@contextlib.contextmanager
def captured_logs() -> Iterator[_Capture]:
    """Every log record of the call (any logger, DEBUG and up), as text."""
    handler = _Capture()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def call(
    fn: Callable[[], Any],
    allowed: tuple[type[BaseException], ...],
    *,
    case: Any = None,
    what: str = "call",
) -> Outcome:
    """Run ``fn``: an allowed error is returned in the :class:`Outcome` after
    the checks on its text; anything else propagates as raised, except the
    :class:`~tests.fuzz.values.Sabotage` a hostile value raises itself (the
    call counts as failed: the checks of a failed call apply)."""
    permitted = echoed(case)
    with captured_logs() as logs:
        start = time.perf_counter()
        try:
            result = fn()
            error = None
        except (*allowed, Sabotage) as exc:
            result, error = None, exc
        seconds = time.perf_counter() - start
    outcome = Outcome(result, error, seconds, logs.buffer.getvalue())
    STATS["refused" if error is not None else "returned"] += 1
    if seconds > SLOW_SECONDS:
        SLOW.append((seconds, f"{what}: {short(case)[:300]}"))
    check_text_output(f"{what}: the log", outcome.log, permitted)
    if error is not None and not isinstance(error, Sabotage):
        check_error(error, what=what, allowed=permitted)
    return outcome


def check_error(error: BaseException, *, what: str, allowed: frozenset[str]) -> None:
    """The error can be shown (``str``, ``repr``, its notes) and shows no secret."""
    try:
        text = str(error)
    except Exception as exc:
        raise Violation(
            f"{what}: str() of {type(error).__name__} raised {type(exc).__name__}: {exc}"
        ) from exc
    try:
        shown = repr(error)
    except Exception as exc:
        raise Violation(
            f"{what}: repr() of {type(error).__name__} raised {type(exc).__name__}: {exc}"
        ) from exc
    notes = "\n".join(str(n) for n in getattr(error, "__notes__", ()))
    if not text.strip():
        raise Violation(f"{what}: {type(error).__name__} has an empty message")
    if len(text) > 20_000:
        raise Violation(
            f"{what}: {type(error).__name__} message of {len(text):,} characters (echoes a value whole)"
        )
    for attribute in ("value", "field"):  # BOIError's structured fields are shown too
        check_text_output(f"{what}: the error's {attribute}", repr(getattr(error, attribute, None)), allowed)
    check_text_output(f"{what}: the error message", f"{text}\n{shown}\n{notes}", allowed)


# -- the database before and after --------------------------------------------------------


def dump(conn: sqlite3.Connection, *, skip: Iterable[str] = ()) -> list[str]:
    """The whole database as SQL (``iterdump``), without the statements of the ``skip`` tables."""
    names = tuple(f'"{t}"' for t in skip) + tuple(f" {t} " for t in skip)
    return [line for line in conn.iterdump() if not any(n in line for n in names)]


def same_dump(before: list[str], after: list[str], *, what: str) -> None:
    """A failed call left the database row for row as it was."""
    if before != after:
        gone = [line for line in before if line not in set(after)][:3]
        new = [line for line in after if line not in set(before)][:3]
        raise Violation(f"{what} failed but changed the database: removed {short(gone)}, added {short(new)}")


def snapshot_files(directory: str) -> dict[str, tuple[int, bytes | None]]:
    """Every entry of ``directory`` (recursively): its mode and, for a file, its bytes."""
    out: dict[str, tuple[int, bytes | None]] = {}
    for root, dirs, files in os.walk(directory):
        for name in dirs + files:
            path = os.path.join(root, name)
            st = os.lstat(path)
            content = None
            if os.path.isfile(path):
                with open(path, "rb") as handle:
                    content = handle.read()
            out[os.path.relpath(path, directory)] = (st.st_mode, content)
    return out


def same_files(before: dict[str, tuple[int, bytes | None]], directory: str, *, what: str) -> None:
    """A refused open left every file as it was, and created none."""
    after = snapshot_files(directory)
    if before == after:
        return
    created = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(p for p in set(before) & set(after) if before[p] != after[p])
    raise Violation(
        f"{what} failed but touched files: created {created}, removed {removed}, changed {changed}"
    )


def error_log_rows(conn: sqlite3.Connection) -> list[tuple[Any, ...]]:
    """The error log (message, payload), oldest first."""
    return conn.execute("SELECT message, payload FROM error_log ORDER BY error_id").fetchall()


def logged_once(
    before: list[tuple[Any, ...]], after: list[tuple[Any, ...]], *, what: str, allowed: frozenset[str]
) -> None:
    """A failed HR call is in the error log, once, storable and without secrets."""
    if len(after) != len(before) + 1:
        raise Violation(f"{what} failed and wrote {len(after) - len(before)} error-log rows (expected 1)")
    message, payload = after[-1]
    for name, text in (("message", message), ("payload", payload)):
        if text is None:
            continue
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise Violation(f"{what}: the error log's {name} is not valid Unicode: {exc}") from exc
        check_text_output(f"{what}: the error log's {name}", text, allowed)
