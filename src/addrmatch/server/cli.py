"""``addrmatch serve DB [--host 127.0.0.1] [--port 8080]``: run the BOI HTTP API with uvicorn.

Registered through the ``addrmatch.commands`` entry-point group (the core
command line does not name it). The server's libraries are imported when the
command runs, not when the command line starts: without the ``server`` extra
every other command still works, and ``serve`` says what to install.
"""

from __future__ import annotations

import argparse
from typing import Any

from addrmatch._cli_common import EXIT_OK, CommandError, Console, common_options
from addrmatch.boi.cli import campus_handler, existing_campus

__all__ = ["register"]


def _cmd_serve(args: argparse.Namespace, console: Console) -> int:
    try:  # the optional extra, imported only here (not to break a cycle)
        import uvicorn

        from addrmatch.server.app import DOCS_PATH, create_app
        from addrmatch.server.openapi import TOKEN_PATH
    except ImportError as exc:
        raise CommandError(f"serve needs the server extra: pip install 'addrmatch[server]' ({exc})") from None
    app = create_app(existing_campus(args.db))
    console.note(
        f"serving the Business Office Integration API of {args.db} at http://{args.host}:{args.port}/campus "
        f"(token: {TOKEN_PATH}, documentation: {DOCS_PATH}); the district's screens: "
        f"http://{args.host}:{args.port}/campus/admin/ (add users with `addrmatch boi user add`); Ctrl-C stops"
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return EXIT_OK


def register(sub: Any) -> None:
    """Add ``addrmatch serve`` to the ``addrmatch`` subparsers.

    >>> parser = argparse.ArgumentParser(prog="addrmatch"); register(parser.add_subparsers())
    >>> parser.parse_args(["serve", "d.db", "--port", "9000"]).port
    9000
    """
    p = sub.add_parser(
        "serve",
        parents=[common_options()],
        help="run the Business Office Integration HTTP API and the district's screens on a Campus database",
        description="Serve the HR system's API (the specification's endpoints under /campus, OAuth2 client"
        " credentials from `addrmatch boi credentials DB`, Swagger documentation) and the district's own screens"
        " (/campus/admin/: users from `addrmatch boi user add`) over the Campus database DB with uvicorn. Needs the server extra: pip install 'addrmatch[server]'.",
    )
    p.add_argument("db", metavar="DB", help="the Campus database file")
    p.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="the port (default 8080)")
    p.set_defaults(handler=campus_handler(_cmd_serve))
