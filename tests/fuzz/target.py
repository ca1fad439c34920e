"""A fuzz target: a name, the strategy of its cases, and the function that
runs one case against the oracle (raising on a failure).

The targets register themselves in :data:`TARGETS` when their module is
imported (:mod:`tests.fuzz.targets` imports them all).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from tests.fuzz.fixtures import Workspace

__all__ = ["TARGETS", "Target", "target"]


@dataclass(frozen=True)
class Target:
    """One entry point (or a family of them) under fuzz."""

    name: str
    group: str
    cases: Callable[[], st.SearchStrategy[Any]]
    run: Callable[[Workspace, Any], None]
    doc: str = ""


#: Every registered target by name, in registration order.
TARGETS: dict[str, Target] = {}


def target(
    name: str, group: str, cases: Callable[[], st.SearchStrategy[Any]]
) -> Callable[[Callable[[Workspace, Any], None]], Callable[[Workspace, Any], None]]:
    """Register the decorated ``run(workspace, case)`` as the target ``name``."""

    def register(run: Callable[[Workspace, Any], None]) -> Callable[[Workspace, Any], None]:
        # (a module imported twice, as pytest's doctest collection does, registers its targets again)
        TARGETS[name] = Target(name, group, cases, run, (run.__doc__ or "").strip().splitlines()[0])
        return run

    return register
