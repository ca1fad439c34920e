"""The ``addrmatch`` command line: a thin layer over the library.

::

    addrmatch normalize [TEXT ...]         canonical form per address (or per stdin line)
    addrmatch match A B                    same address or not, field by field
    addrmatch dedupe INPUT.csv --column C  address ids + the proliferation report of a file
                 [--html R.html] [--db OUT.db] [--engine auto|python|duckdb] [--partial]
    addrmatch load DB INPUT.csv --column C load addresses into an AddressStore
    addrmatch search DB "query"            ranked near matches in a store
    addrmatch report DB                    duplicate groups already in a store
    addrmatch completion bash|zsh|tcsh     a shell completion script

Exit codes: 0 success; 1 a negative answer (``match``: different addresses;
``normalize``: some input was not an address); 2 an error (bad arguments,
unreadable file, missing column, malformed CSV...); 130 Ctrl-C. An error is
one line on stderr, ``addrmatch: error: ...``; ``--verbose`` adds the
traceback and logs counts and timings. Progress bars go to stderr, only on
a terminal, and ``--quiet`` turns them off. JSON output uses camelCase keys
and every ``--format json`` has a ``--format csv``.

This module is the parser and the dispatch. Each group of subcommands is a
function that adds its parsers; a parser's ``handler(args, console) -> int``
runs it. The core's groups are in :data:`COMMAND_GROUPS`, one module each:
:mod:`addrmatch._cli_address` (``normalize``, ``match``),
:mod:`addrmatch._cli_dedupe` (``dedupe``) and :mod:`addrmatch._cli_store`
(``load``, ``search``, ``report``); the options of the commands that read
address files are in :mod:`addrmatch._cli_options`. Other packages
(``addrmatch boi ...``) add their groups through the
:data:`ENTRY_POINT_GROUP` entry points, so this module imports none of them.
The console, errors, exit codes and common options are in
:mod:`addrmatch._cli_common`, shared by every group.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import Any

import shtab

from addrmatch import __version__
from addrmatch._cli_address import add_address_commands
from addrmatch._cli_common import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_NO,
    EXIT_OK,
    ArgumentParser,
    CommandError,
    Console,
    Handler,
    common_options,
    run_handler,
)
from addrmatch._cli_dedupe import add_dedupe_command
from addrmatch._cli_options import example_path
from addrmatch._cli_store import add_store_commands
from addrmatch._csvinput import CSVInputError

__all__ = [
    "COMMAND_GROUPS",
    "ENTRY_POINT_GROUP",
    "EXIT_ERROR",
    "EXIT_NO",
    "EXIT_OK",
    "CommandError",
    "Console",
    "build_parser",
    "command_groups",
    "common_options",
    "example_path",
    "main",
]


#: The entry-point group through which packages add command groups to
#: ``addrmatch``: each entry point names a function ``register(subparsers)``
#: that adds its parsers, with ``parents=[common_options()]`` and
#: ``set_defaults(handler=...)``, raising :class:`CommandError` for user
#: errors. ``addrmatch boi`` registers this way (``pyproject.toml``), so the
#: core command line never names the staff module.
ENTRY_POINT_GROUP = "addrmatch.commands"


def command_groups() -> list[Callable[[Any], None]]:
    """The core's command groups, then those registered in :data:`ENTRY_POINT_GROUP`
    (sorted by name, so the help lists them in a stable order).

    >>> [group.__name__ for group in command_groups()][:3]
    ['add_address_commands', 'add_dedupe_command', 'add_store_commands']
    """
    found = sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)
    return [*COMMAND_GROUPS, *(ep.load() for ep in found)]


def _add_completion_command(sub: Any) -> None:
    p = sub.add_parser(
        "completion",
        parents=[common_options()],
        help="print a shell completion script (bash, zsh, tcsh)",
        description="Print the tab-completion script of every addrmatch command and option for SHELL"
        " (made by shtab from this command line, so it always matches it). Install it once, e.g. bash:"
        " `addrmatch completion bash > ~/.local/share/bash-completion/completions/addrmatch`;"
        " zsh: `addrmatch completion zsh > ~/.zfunc/_addrmatch` (with ~/.zfunc on $fpath).",
    )
    p.add_argument("shell", choices=("bash", "zsh", "tcsh"), help="the shell")
    p.set_defaults(handler=_cmd_completion)


def _cmd_completion(args: argparse.Namespace, console: Console) -> int:
    print(shtab.complete(build_parser(), shell=args.shell), file=console.out)
    return EXIT_OK


#: The core's command groups: each adds its parsers to the ``addrmatch`` subparsers.
COMMAND_GROUPS: tuple[Callable[[Any], None], ...] = (
    add_address_commands,
    add_dedupe_command,
    add_store_commands,
    _add_completion_command,
)


def build_parser() -> argparse.ArgumentParser:
    """The ``addrmatch`` argument parser with every registered subcommand.

    >>> build_parser().parse_args(["match", "12 Elm St", "12 Elm Street"]).b
    '12 Elm Street'
    """
    parser = ArgumentParser(
        prog="addrmatch",
        parents=[common_options(suppress=False)],
        description="Every US postal address once: canonical forms, matching, dedupe of CSV files and an"
        " SQLite address store.",
        epilog="Exit codes: 0 success, 1 a negative answer (match: different; normalize: not an address),"
        " 2 an error. Run `addrmatch COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"addrmatch {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=ArgumentParser)
    for register in command_groups():
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (the console script exits with it).

    >>> main(["match", "4321 North Lexington Avenue", "4321 n lexington ave."])  # doctest: +ELLIPSIS
    SAME address
    ...
    0
    """
    try:
        parser = build_parser()
        for n, arg in enumerate(argv or ()):
            if isinstance(arg, str) and "\x00" in arg:
                # A command line cannot carry one (argv strings are C strings); a caller of
                # main() can: the same one-line error as any bad argument, never an internal one.
                parser.error(f"argument {n + 1} contains a NUL character")
        args = parser.parse_args(argv)
    except KeyboardInterrupt:
        print("addrmatch: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    _interrupts_raise()
    console = Console(out=sys.stdout, err=sys.stderr, quiet=args.quiet, verbose=args.verbose)
    handler: Handler = args.handler
    return run_handler(handler, args, console, user_errors=(CSVInputError,))


def _interrupts_raise() -> None:
    """From here on Ctrl-C raises KeyboardInterrupt, so that a command cleans
    up (temporary files, transactions) before it exits with 130; until
    here ``addrmatch.__main__`` exits at once (nothing to clean up yet)."""
    if threading.current_thread() is not threading.main_thread():
        return
    current = signal.getsignal(signal.SIGINT)
    if getattr(current, "__qualname__", "") == "_interrupted_while_starting":
        signal.signal(signal.SIGINT, signal.default_int_handler)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
