"""``python -m tests.fuzz --minutes N [--seed S] [--target NAME]``: run the fuzz harness.

Prints each failure as it is found (with the minimized value and the
command that replays it) and, at the end, the per-target counts. Exit code
1 when anything failed, 0 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

from tests.fuzz.runner import run, summary
from tests.fuzz.targets import TARGETS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=1.0, help="how long to run (default 1)")
    parser.add_argument("--seed", type=int, default=None, help="the run's seed (default: from the clock)")
    parser.add_argument(
        "--target",
        action="append",
        choices=sorted(TARGETS),
        metavar="NAME",
        help="fuzz only this target (repeatable); one of: " + ", ".join(TARGETS),
    )
    parser.add_argument(
        "--examples",
        type=int,
        default=None,
        help="instead of --minutes: one chunk of N examples per target, seeded with --seed exactly"
        " (the replay command a failure prints)",
    )
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    args = parser.parse_args(argv)
    if args.list:
        for t in TARGETS.values():
            print(f"{t.name:<20} {t.group:<7} {t.doc}")
        return 0
    seed = args.seed if args.seed is not None else int(time.time()) % 1_000_000
    chosen = [TARGETS[name] for name in args.target] if args.target else list(TARGETS.values())
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"fuzz: seed {seed}, {len(chosen)} target(s), "
        + (f"{args.examples} examples each" if args.examples else f"{args.minutes:g} minute(s)")
        + f", load average {load:.2f} on {os.cpu_count()} cores",
        flush=True,
    )
    warnings.simplefilter("ignore")  # the library's own warnings (e.g. a deprecation) are not findings
    start = time.monotonic()
    tallies = run(chosen, seconds=args.minutes * 60, seed=seed, out=sys.stdout, examples=args.examples)
    return summary(tallies, time.monotonic() - start, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
