"""The ``addrmatch`` command's first module: the console script calls
:func:`main`, and ``python -m addrmatch`` runs it.

It installs the Ctrl-C handler before the command line loads (the parser,
the store, usaddress and the staff module: a few tenths of a second), so
that Ctrl-C during start-up prints ``addrmatch: interrupted`` and exits 130
instead of a traceback from inside an import. Nothing needs cleaning up at
that point, so the handler exits at once; once the command runs,
:func:`addrmatch.cli.main` makes Ctrl-C raise ``KeyboardInterrupt`` again so
that temporary files are removed and transactions rolled back.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
import threading
from types import FrameType

__all__ = ["main"]


def _interrupted_while_starting(signum: int, frame: FrameType | None) -> None:
    os.write(2, b"addrmatch: interrupted\n")
    os._exit(130)


def _install() -> None:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _interrupted_while_starting)


def _is_the_program() -> bool:
    """True when the ``addrmatch`` script or ``python -m addrmatch`` is running
    (not a program that merely imports this module, such as a test runner)."""
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return name.lower().removesuffix(".exe").removesuffix("-script.py") in ("addrmatch", "__main__.py")


# Installed as soon as the entry point is imported by the program itself: the
# console script does more (its own imports, argv[0]) before it calls main().
if _is_the_program():
    _install()


def main() -> int:
    """Install the start-up Ctrl-C handler, then run :func:`addrmatch.cli.main`.

    >>> callable(main)
    True
    """
    _install()
    # Loaded here, after the handler, on purpose: this import is the slow part of start-up.
    cli = importlib.import_module("addrmatch.cli")
    return int(cli.main())


if __name__ == "__main__":
    sys.exit(main())
