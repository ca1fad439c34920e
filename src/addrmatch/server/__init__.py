"""``addrmatch.server``: the BOI HTTP API (the ``addrmatch[server]`` extra).

``create_app(campus_or_path)`` is the ASGI app (Starlette) of the
specification's API, generated from the endpoint table of
:mod:`addrmatch.boi.endpoints`; ``addrmatch serve DB`` runs it with uvicorn.

``create_app`` is loaded on first use (PEP 562): every ``addrmatch`` start
imports :mod:`addrmatch.server.cli` to register ``serve``, and that must work
on an install without the server extra (Starlette, Swagger UI...).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same name, for type checkers and editors
    from addrmatch.server.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        return importlib.import_module("addrmatch.server.app").create_app
    raise AttributeError(f"module 'addrmatch.server' has no attribute {name!r}")
