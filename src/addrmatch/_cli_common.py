"""What every ``addrmatch`` command shares: the console, user errors, exit
codes, the common options, logging and the one error-to-exit-code ladder.

Command groups (the core's in :mod:`addrmatch.cli`, ``addrmatch boi`` in
:mod:`addrmatch.boi.cli`) import this module and nothing of each other; the
``addrmatch`` parser finds the groups through the ``addrmatch.commands``
entry-point group (see :func:`addrmatch.cli.command_groups`).

Exit codes: :data:`EXIT_OK` 0 success; :data:`EXIT_NO` 1 a negative answer;
:data:`EXIT_ERROR` 2 an error, printed as one line ``addrmatch: error: ...``
(``--verbose`` adds the traceback); :data:`EXIT_INTERRUPTED` 130 Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import logging
import os
import re
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TextIO

from addrmatch._files import write_atomically
from addrmatch._progress import Progress
from addrmatch.errors import AddressError
from addrmatch.inputs import preview

__all__ = [
    "EXIT_ERROR",
    "EXIT_INTERRUPTED",
    "EXIT_NO",
    "EXIT_OK",
    "LOGGER",
    "ArgumentParser",
    "CommandError",
    "Console",
    "Handler",
    "add_format_option",
    "common_options",
    "dumps",
    "existing_database",
    "read_json",
    "run_handler",
    "timed",
    "write_csv",
    "write_private",
]

EXIT_OK = 0
#: A negative answer: ``match`` found different addresses, ``normalize`` met a non-address...
EXIT_NO = 1
EXIT_ERROR = 2
#: Interrupted by Ctrl-C (128 + SIGINT, as a shell reports it).
EXIT_INTERRUPTED = 130

#: The logger of every command; ``--verbose`` shows it on stderr. Messages
#: carry counts, tiers and timings, never an address, a name or a number of
#: a person.
LOGGER = logging.getLogger("addrmatch")


class CommandError(Exception):
    """A user-facing error: printed as one line, exit code 2, no traceback.

    >>> str(CommandError("no database at 'x.db'"))
    "no database at 'x.db'"
    """


#: ``handler(args, console) -> exit code``: what a parser's ``set_defaults(handler=...)`` holds.
Handler = Callable[[argparse.Namespace, "Console"], int]


@dataclass
class Console:
    """Where a command writes: results to ``out``, messages and progress to
    ``err``. ``quiet`` silences progress bars and notes (not results).

    >>> import io
    >>> c = Console(out=io.StringIO(), err=io.StringIO(), quiet=False, verbose=False)
    >>> c.progress(100, "rows").enabled  # not a terminal
    False
    """

    out: TextIO
    err: TextIO
    quiet: bool
    verbose: bool

    def progress(self, total: int | None, unit: str, label: str = "") -> Progress:
        """A progress bar on ``err``: drawn only on a terminal and without ``--quiet``."""
        enabled = None if not self.quiet else False
        return Progress(total, label=label, unit=unit, stream=self.err, enabled=enabled)

    def note(self, message: str) -> None:
        """A message on stderr, unless ``--quiet``."""
        if not self.quiet:
            print(message, file=self.err)

    def warn(self, message: str) -> None:
        """A warning on stderr, always shown."""
        print(f"addrmatch: {message}", file=self.err)


class _StoreOnce(argparse._StoreAction):
    """``store``, refusing an option given twice (``--column a --column b``
    would otherwise keep the last one without a word)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        seen: set[str] = namespace.__dict__.setdefault("_options_given", set())
        if self.dest in seen:
            parser.error(f"{'/'.join(self.option_strings)} is given twice: give it once")
        seen.add(self.dest)
        super().__call__(parser, namespace, values, option_string)


class ArgumentParser(argparse.ArgumentParser):
    """argparse with the house error style: a usage error is one line on
    stderr, ``addrmatch: error: ...`` (an echoed value cut to a preview, so a
    5,000-digit ``--limit`` is not printed whole), exit code 2; an option
    that takes a value may be given once only.

    >>> p = ArgumentParser(prog="addrmatch", add_help=False)
    >>> _ = p.add_argument("--limit", type=int)
    >>> try:
    ...     p.parse_args(["--limit", "9" * 5000])
    ... except SystemExit as e:
    ...     e.code
    2
    """

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        """As argparse's, with ``action="store"`` options refusing repetition."""
        if args and str(args[0]).startswith("-") and kwargs.get("action", "store") == "store":
            kwargs["action"] = _StoreOnce
        return super().add_argument(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        message = re.sub(r"'([^']{41,})'", lambda m: preview(m.group(1)), message)
        self.exit(EXIT_ERROR, f"addrmatch: error: {self.prog}: {message} (see `{self.prog} --help`)\n")


def common_options(*, suppress: bool = True) -> argparse.ArgumentParser:
    """The options every subcommand takes (``--quiet``, ``--verbose``), as a
    parent parser. ``suppress=True`` (for subcommands) leaves the value set
    before the subcommand name in place when the option is not repeated.

    >>> common_options(suppress=False).parse_args(["-q"]).quiet
    True
    """
    parser = argparse.ArgumentParser(add_help=False)
    default: Any = argparse.SUPPRESS if suppress else False
    parser.add_argument(
        "-q", "--quiet", action="store_true", default=default, help="no progress bar, no notes on stderr"
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default,
        help="log what is done and how long it takes (counts, tiers, timings: never the data) on stderr,"
        " and show the traceback of an error",
    )
    return parser


def add_format_option(p: argparse.ArgumentParser, help: str) -> None:
    """The ``--format text|json|csv`` option of a command (text by default).

    >>> p = argparse.ArgumentParser(); add_format_option(p, "json: one object")
    >>> p.parse_args(["--format", "csv"]).format
    'csv'
    """
    p.add_argument("--format", choices=("text", "json", "csv"), default="text", help=help)


def existing_database(path: str, tables: set[str], *, kind: str, create_hint: str) -> None:
    """``path`` must be an existing SQLite file holding ``tables`` (a read never
    creates or alters a database): :class:`CommandError` naming what it is
    otherwise. It is looked at read-only (``mode=ro``).

    >>> existing_database("no-such.db", {"addresses"}, kind="an address store", create_hint="addrmatch load")
    Traceback (most recent call last):
    ...
    addrmatch._cli_common.CommandError: no database at 'no-such.db' (create one with `addrmatch load`)
    """
    if os.path.isdir(path):
        raise CommandError(f"{path!r} is a directory, not a database file")
    if not os.path.exists(path):
        raise CommandError(f"no database at {path!r} (create one with `{create_hint}`)")
    uri = Path(os.path.abspath(path)).as_uri() + "?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
        found = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables <= found:
        raise CommandError(f"{path!r} is an SQLite database but not {kind}")


def dumps(data: Any, *, indent: int | None = 2) -> str:
    """JSON text of a command's output: real booleans and nulls, non-ASCII kept.

    >>> dumps({"same": True, "key": None}, indent=None)
    '{"same": true, "key": null}'
    """
    return json.dumps(data, indent=indent, ensure_ascii=False)


def write_csv(out: TextIO, records: list[dict[str, Any]]) -> None:
    """Records as CSV, the counterpart of ``--format json``: one column per key
    (the JSON key names, in first-seen order), true/false for booleans, an
    empty cell for null, JSON text for a nested value.

    >>> import io
    >>> out = io.StringIO()
    >>> write_csv(out, [{"id": 1, "ok": True}, {"id": 2, "why": None, "tags": ["a"]}])
    >>> out.getvalue().splitlines()
    ['id,ok,why,tags', '1,true,,', '2,,,"[""a""]"']
    """
    columns: dict[str, None] = {}
    for record in records:
        columns.update(dict.fromkeys(record))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow(_cell(record.get(column)) for column in columns)


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_private(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all, owner-only (0o600): a
    report or an output of addresses holds personal data.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.txt"
    >>> write_private(p, "done"); oct(p.stat().st_mode & 0o777)
    '0o600'
    """
    try:
        with write_atomically(path, mode=0o600) as handle:
            handle.write(text)
    except IsADirectoryError:
        raise CommandError(f"the output {os.fspath(path)!r} is a directory") from None


def read_json(path: str) -> Any:
    """The JSON document in the file ``path`` (UTF-8, with or without BOM).
    Not JSON, nested too deep, or holding a number too long to read: a
    :class:`CommandError` naming the file and the problem.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "deep.json"
    >>> _ = p.write_text("[" * 100_000 + "]" * 100_000)
    >>> try:
    ...     read_json(str(p))
    ... except CommandError as e:
    ...     print(str(e).split(": ", 1)[1])
    the JSON is nested too deeply (more than Python can read)
    """
    with open(path, encoding="utf-8-sig") as handle:
        try:
            return json.load(handle)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path}: not valid JSON: {exc}") from None
        except RecursionError:
            raise CommandError(f"{path}: the JSON is nested too deeply (more than Python can read)") from None
        except ValueError as exc:  # "Exceeds the limit (4300 digits) for integer string conversion"
            if "digits" not in str(exc):
                raise
            raise CommandError(
                f"{path}: the JSON holds a number with more than 4,300 digits; no field takes one"
            ) from None


@contextlib.contextmanager
def timed(what: str) -> Iterator[None]:
    """Log (``--verbose``) how long ``what`` took.

    >>> with timed("nothing"):
    ...     pass
    """
    start = time.perf_counter()
    try:
        yield
    finally:
        LOGGER.info("%s: %.3f s", what, time.perf_counter() - start)


class _LogFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("addrmatch: %(levelname)s %(name)s: %(message)s")


def _configure_logging(console: Console) -> logging.Handler | None:
    if not console.verbose:
        return None
    handler = logging.StreamHandler(console.err)
    handler.setFormatter(_LogFormatter())
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.DEBUG)
    return handler


def _error_message(e: BaseException) -> str:
    if isinstance(e, OSError) and e.filename is not None:
        return f"{e.strerror or type(e).__name__}: {e.filename}"
    if isinstance(e, sqlite3.Error):
        return f"database error: {e}"
    return str(e) or type(e).__name__


def _report(e: BaseException, console: Console, *, internal: bool) -> None:
    with contextlib.suppress(OSError, ValueError):
        console.out.flush()
    if console.verbose:
        traceback.print_exception(type(e), e, e.__traceback__, file=console.err)
    message = _error_message(e)
    if internal:
        message = f"internal error: {type(e).__name__}: {message}"
        if not console.verbose:
            message += " (run with --verbose for the traceback)"
    print(f"addrmatch: error: {message}", file=console.err)


#: The errors a command may meet with bad input: one line, exit 2, no "internal error".
USER_ERRORS: tuple[type[BaseException], ...] = (
    CommandError,
    AddressError,
    OSError,
    sqlite3.Error,
    UnicodeError,
)


def run_handler(
    handler: Handler,
    args: argparse.Namespace,
    console: Console,
    *,
    user_errors: tuple[type[BaseException], ...] = (),
) -> int:
    """Run a command's handler and turn what it raises into an exit code:
    :data:`USER_ERRORS` (and ``user_errors``) are one line and exit 2,
    anything else an "internal error" line (a bug), Ctrl-C 130, a closed
    pipe (``| head``) a quiet 141.

    >>> import io
    >>> err = io.StringIO()
    >>> def fails(args, console):
    ...     raise CommandError("no database at 'x.db'")
    >>> run_handler(fails, argparse.Namespace(), Console(io.StringIO(), err, False, False))
    2
    >>> err.getvalue()
    "addrmatch: error: no database at 'x.db'\\n"
    """
    log_handler = _configure_logging(console)
    try:
        return handler(args, console)
    except KeyboardInterrupt:
        print("addrmatch: interrupted", file=console.err)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`addrmatch ... | head`): stop quietly.
        with contextlib.suppress(OSError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        return 141
    except (*USER_ERRORS, *user_errors) as e:
        _report(e, console, internal=False)
        return EXIT_ERROR
    except Exception as e:
        _report(e, console, internal=True)
        return EXIT_ERROR
    finally:
        if log_handler is not None:
            LOGGER.removeHandler(log_handler)
