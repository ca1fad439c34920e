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
from types import FrameType

__all__ = ["main"]


def _interrupted_while_starting(signum: int, frame: FrameType | None) -> None:
    os.write(2, b"addrmatch: interrupted\n")
    os._exit(130)


def main() -> int:
    """Install the start-up Ctrl-C handler, then run :func:`addrmatch.cli.main`.

    >>> callable(main)
    True
    """
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    # Loaded here, after the handler, on purpose: this import is the slow part of start-up.
    cli = importlib.import_module("addrmatch.cli")
    return int(cli.main())


if __name__ == "__main__":
    sys.exit(main())
