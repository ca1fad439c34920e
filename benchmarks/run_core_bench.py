"""Core speed benchmark without pytest: writes ``bench_results/core.json`` and ``core.md``.

Measures per-call throughput of ``addrmatch.normalize``, ``match_key`` and ``parse`` beside
``usaddress.tag`` and ``scourgify.normalize_address_record`` on the real addresses of
``../shared/corpus/parse_train.jsonl`` (and on derived, never-repeated variants), and reports
the ratios. The measurement code is shared with ``benchmarks/bench_core.py``
(``benchmarks/data/core_speed.py``).

Usage::

    python benchmarks/run_core_bench.py                 # quick: 5 rounds per set (~12 s)
    ADDRMATCH_BENCH_FULL=1 python benchmarks/run_core_bench.py   # full: 21 rounds per set (~50 s)
    python benchmarks/run_core_bench.py --rounds 11 --sets real fresh
    python benchmarks/run_core_bench.py --profile normalize      # cProfile, no files written
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "data"))

import core_speed


def profile(func_name: str, texts: list[str], *, top: int = 15, passes: int = 1) -> str:
    """cProfile ``addrmatch.<func_name>`` over the corpus; top functions by cumulative and own time.

    First calls (lazy loading) are made on other strings beforehand and caches are cleared, so
    the profile shows the steady per-address cost. Example: ``print(profile("normalize", texts))``.
    """
    target = core_speed.load_targets()[f"addrmatch.{func_name}"]
    fresh = core_speed.FreshStrings(texts)
    core_speed.run_pass(target, fresh.batch(mixed=True)[:200])
    core_speed.clear_caches()
    profiler = cProfile.Profile()
    failures = 0
    start = time.perf_counter()
    profiler.enable()
    for i in range(passes):
        failures += core_speed.run_pass(target, texts if i == 0 else fresh.batch())
    profiler.disable()
    elapsed = time.perf_counter() - start
    out = io.StringIO()
    calls = len(texts) * passes
    out.write(
        f"cProfile of addrmatch.{func_name}: {calls} calls ({passes} pass(es) of {len(texts)}), "
        f"{failures} raised, {elapsed:.3f} s under the profiler\n"
    )
    stats = pstats.Stats(profiler, stream=out)
    for key in ("cumulative", "tottime"):
        out.write(f"\n=== top {top} by {key} ===\n")
        stats.sort_stats(key).print_stats(top)
    return _short_paths(out.getvalue())


def _short_paths(report: str) -> str:
    """Shorten file names to package-relative paths (``addrmatch/parse.py``, ``usaddress/...``)."""
    prefixes = {str(core_speed.REPO / "src") + "/", str(core_speed.REPO / "benchmarks") + "/"}
    prefixes.update(p.rstrip("/") + "/" for p in sys.path if p.endswith("-packages"))
    for prefix in sorted(prefixes, key=len, reverse=True):
        report = report.replace(prefix, "")
    return report


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the results; returns the process exit status.

    Example: ``main(["--sets", "real", "--rounds", "3", "--no-write"])`` prints one table.
    """
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--rounds", type=int, default=None, help="rounds per set (default 5, full 21)")
    parser.add_argument(
        "--sets",
        nargs="+",
        default=["real", "fresh", "variants"],
        choices=["real", "fresh", "variants"],
        help="address sets to measure (real is reported first)",
    )
    parser.add_argument(
        "--out", type=Path, default=core_speed.REPO / "bench_results", help="output directory"
    )
    parser.add_argument(
        "--no-paths", action="store_true", help="skip the real set split by parse path (fast / crf)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only, write no files")
    parser.add_argument(
        "--profile",
        choices=["normalize", "match_key", "parse"],
        help="cProfile this addrmatch function over the corpus instead of benchmarking",
    )
    parser.add_argument("--profile-passes", type=int, default=1, help="corpus passes under the profiler")
    parser.add_argument("--top", type=int, default=15, help="rows per profile table")
    args = parser.parse_args(argv)

    corpus = core_speed.corpus_path()
    if corpus is None:
        print(
            f"corpus not found: set {core_speed.CORPUS_ENV} or put shared/corpus/parse_train.jsonl "
            f"beside the repository ({core_speed.REPO.parent / 'shared'})",
            file=sys.stderr,
        )
        return 2
    texts = core_speed.load_corpus(corpus)

    if args.profile:
        print(profile(args.profile, texts, top=args.top, passes=args.profile_passes))
        return 0

    sets = ["real", *[s for s in args.sets if s != "real"]] if "real" in args.sets else args.sets
    rounds = args.rounds or core_speed.default_rounds()
    start = time.perf_counter()
    results = core_speed.measure_all(texts, rounds=rounds, sets=sets)
    if "real" in sets and not args.no_paths:
        results += core_speed.measure_by_path(texts, rounds=rounds)
    elapsed = time.perf_counter() - start
    print(core_speed.text_report(results))

    doc = core_speed.to_json(results, corpus=corpus, rounds=rounds, elapsed=elapsed)
    for f, check in doc["target"]["checks"].items():
        verdict = "meets the 10x goal" if check["meets_goal_10x"] else "BELOW the 10x goal"
        print(f"{f}: {check['ratio_vs_usaddress_tag']:.2f}x usaddress.tag ({verdict})")
    print(f"elapsed {elapsed:.1f} s")
    if not args.no_write:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "core.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        (args.out / "core.md").write_text(core_speed.to_markdown(doc, results), encoding="utf-8")
        print(f"wrote {args.out / 'core.json'} and {args.out / 'core.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
