"""Run the fuzz targets for a time: hypothesis generates and shrinks, this
module spreads the time over the targets and reports.

Time is spent in *chunks*: one hypothesis run of one target with its own
seed (derived from the run's seed, the target and the chunk number) and a
fixed number of examples. A chunk is deterministic, so its seed and size
replay it (``python -m tests.fuzz --target NAME --seed CHUNK_SEED --examples N``);
the minimized value of each failure is printed too. Chunks go round the
targets, each sized to take about :data:`CHUNK_SECONDS`, until the time is up.
"""

from __future__ import annotations

import hashlib
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import seed as hypothesis_seed
from tests.fuzz import oracle
from tests.fuzz.fixtures import Workspace, workspace
from tests.fuzz.target import Target
from tests.fuzz.values import short

__all__ = ["CHUNK_SECONDS", "Failure", "Tally", "chunk_seed", "run", "run_chunk"]

#: About how long one chunk runs.
CHUNK_SECONDS = 6.0
_FIRST_CHUNK = 8


@dataclass
class Failure:
    """One distinct failure of a target, minimized by hypothesis."""

    target: str
    seed: int
    examples: int
    value: str
    error: str
    where: str
    origin: tuple[str, str]

    def report(self) -> str:
        return (
            f"FAIL {self.target}: {self.error}\n"
            f"  at {self.where}\n"
            f"  minimized case: {self.value}\n"
            f"  replay: python -m tests.fuzz --target {self.target} --seed {self.seed} --examples {self.examples}"
        )


@dataclass
class Tally:
    """What a target did in a run."""

    cases: int = 0
    returned: int = 0
    refused: int = 0
    chunks: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)


def chunk_seed(seed: int, target: str, chunk: int) -> int:
    """The seed of a chunk: the same run seed gives the same chunks.

    >>> chunk_seed(1, "parse", 0) == chunk_seed(1, "parse", 0) != chunk_seed(1, "parse", 1)
    True
    """
    digest = hashlib.sha256(f"{seed}:{target}:{chunk}".encode()).digest()
    return int.from_bytes(digest[:6], "big")


class _Case:
    """A drawn case, shown by :func:`~tests.fuzz.values.short` (hypothesis shows
    the cases it runs, and a hostile value's own ``repr`` may raise)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        return short(self.value)


def _origin(exc: BaseException) -> tuple[str, str]:
    """Where an exception was raised: its type and innermost frame (as hypothesis tells bugs apart)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    return type(exc).__name__, where


def _describe(exc: BaseException) -> tuple[str, str]:
    """(what went wrong, where) of a failure."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/addrmatch/" in f.filename.replace("\\", "/")]
    where = " <- ".join(
        f"{f.filename.rsplit('/src/', 1)[-1]}:{f.lineno} in {f.name}" for f in reversed(ours[-3:])
    )
    if isinstance(exc, oracle.Violation):
        return str(exc), where or "the oracle"
    try:
        message = str(exc)
    except Exception:
        message = "<str() failed>"
    return (
        f"undocumented {type(exc).__name__}: {message[:500]}",
        where or f"{frames[-1].filename}:{frames[-1].lineno}",
    )


def run_chunk(
    target: Target,
    ws: Workspace,
    *,
    seed: int,
    examples: int,
    known: frozenset[tuple[str, str]] = frozenset(),
    shrink: bool = True,
) -> tuple[int, list[Failure]]:
    """One hypothesis run of ``target``: (cases run, distinct failures).

    A failure from a ``known`` origin (found and minimized by an earlier
    chunk) counts as a pass, so later chunks look for other failures."""
    minimal: dict[tuple[str, str], str] = {}
    count = 0

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink] if shrink else [Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=True,
        print_blob=False,
        verbosity=Verbosity.quiet,
    )
    @hypothesis_seed(seed)
    @given(boxed=target.cases().map(_Case))
    def fuzz(boxed: _Case) -> None:
        nonlocal count
        count += 1
        case = boxed.value
        try:
            target.run(ws, case)
        except Exception as exc:
            origin = _origin(exc)
            if origin in known:
                return
            minimal[origin] = short(case)  # the last failing case of an origin is its minimal one
            raise

    failures = []
    try:
        fuzz()
    except Exception as exc:
        group = list(getattr(exc, "exceptions", [exc]))  # several bugs: an ExceptionGroup
        for error in group:
            if type(error).__module__.startswith("hypothesis"):  # Flaky and friends: report as they are
                failures.append(
                    Failure(
                        target.name, seed, examples, "(see the error)", repr(error), "hypothesis", ("", "")
                    )
                )
                continue
            what, where = _describe(error)
            value = minimal.get(_origin(error), "(not recorded)")
            failures.append(Failure(target.name, seed, examples, value, what, where, _origin(error)))
    return count, failures


def run(
    targets: Iterable[Target],
    *,
    seconds: float,
    seed: int,
    out: TextIO,
    examples: int | None = None,
) -> dict[str, Tally]:
    """Fuzz ``targets`` round-robin for ``seconds`` (or one chunk of ``examples`` each)."""
    chosen = list(targets)
    tallies = {t.name: Tally() for t in chosen}
    rates: dict[str, float] = {}
    end = time.monotonic() + seconds
    with workspace() as ws:
        chunk = 0
        try:
            while True:
                for t in chosen:
                    left = end - time.monotonic()
                    if examples is None and left <= 0:
                        return tallies
                    if examples is not None:
                        size, this_seed = examples, seed
                    else:
                        per_case = rates.get(t.name)
                        budget = min(CHUNK_SECONDS, left)
                        size = _FIRST_CHUNK if per_case is None else max(1, min(5000, int(budget / per_case)))
                        this_seed = chunk_seed(seed, t.name, chunk)
                    _run_one(t, ws, this_seed, size, tallies[t.name], rates, out)
                if examples is not None:
                    return tallies
                chunk += 1
        except KeyboardInterrupt:
            print("interrupted: the counts so far", file=out)
            return tallies


def _run_one(
    t: Target, ws: Workspace, seed: int, size: int, tally: Tally, rates: dict[str, float], out: TextIO
) -> None:
    stats = dict(oracle.STATS)
    start = time.monotonic()
    known = frozenset(f.origin for f in tally.failures)
    cases, failures = run_chunk(t, ws, seed=seed, examples=size, known=known)
    spent = time.monotonic() - start
    tally.cases += cases
    tally.chunks += 1
    tally.seconds += spent
    tally.returned += oracle.STATS["returned"] - stats["returned"]
    tally.refused += oracle.STATS["refused"] - stats["refused"]
    if cases:
        rates[t.name] = spent / cases
    for failure in failures:
        tally.failures.append(failure)
        print(failure.report(), file=out, flush=True)


def summary(tallies: dict[str, Tally], seconds: float, out: TextIO) -> int:
    """Print the per-target counts and the failures; the exit code (1 on any failure)."""
    print(
        f"\n{'target':<20} {'cases':>8} {'calls':>8} {'returned':>9} {'refused':>8} {'seconds':>8} failures",
        file=out,
    )
    failed = 0
    for name, t in tallies.items():
        failed += len(t.failures)
        print(
            f"{name:<20} {t.cases:>8,} {t.returned + t.refused:>8,} {t.returned:>9,} {t.refused:>8,} "
            f"{t.seconds:>8.1f} {len(t.failures)}",
            file=out,
        )
    total = sum(t.cases for t in tallies.values())
    print(f"{'total':<20} {total:>8,}   in {seconds:.0f} s", file=out)
    if oracle.SLOW:
        print(f"\nslow calls (over {oracle.SLOW_SECONDS:.0f} s; not failures):", file=out)
        for spent, what in sorted(oracle.SLOW, reverse=True)[:10]:
            print(f"  {spent:6.1f} s  {what}", file=out)
    if failed:
        print(f"\n{failed} distinct failure(s):", file=out)
        for t in tallies.values():
            for failure in t.failures:
                print(failure.report(), file=out)
    else:
        print("\nno failure", file=out)
    return 1 if failed else 0
