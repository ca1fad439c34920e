"""Every fuzz target (importing this module registers them all; the HTTP
target only when the ``server`` extra is installed)."""

from __future__ import annotations

import importlib.util

from tests.fuzz import campus_targets, cli_targets, core_targets, store_targets
from tests.fuzz.target import TARGETS

if importlib.util.find_spec("starlette") is not None and importlib.util.find_spec("httpx") is not None:
    from tests.fuzz import http_targets
else:  # pragma: no cover (the dev extra installs the server)
    http_targets = None

__all__ = ["TARGETS", "campus_targets", "cli_targets", "core_targets", "http_targets", "store_targets"]
