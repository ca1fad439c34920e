"""AddressStore benchmark (issue 3): bulk load, resolve hits, partial matches, search latency.

A store of N addresses generated from real street names (``benchmarks/gen_addresses.py``) in
an SQLite file; measured in one run, beside usaddress and usaddress-scourgify on the same
strings:

* ``add_many`` of all N (with ``workers`` processes preparing batches), against ``resolve`` in
  a loop; database file size;
* ``resolve`` of stored addresses written differently (hits), as text and as components;
  accuracy (landed on the row that was stored);
* ``find`` of addresses with the ZIP or the suffix left out (partial tier), and of hard
  negatives (one field changed: must not be merged);
* ``search`` latency p50/p95 and top-1/top-3 on typo'd queries;
* a profile: where the time of a resolve hit and of ``add_many`` goes.

Sizes: N = 20,000 by default (smoke, used by ``pytest``); ``ADDRMATCH_BENCH_FULL=1`` uses
N = 1,000,000. Run as a script to write ``bench_results/store.json`` and ``store.md``::

    python benchmarks/bench_store.py                       # smoke
    ADDRMATCH_BENCH_FULL=1 python benchmarks/bench_store.py  # full (several minutes)

Under pytest (``pytest benchmarks/bench_store.py``) the smoke run is made once and checked
(accuracy, merges, search quality), and pytest-benchmark times resolve hits and search.
The corpus (``$ADDRMATCH_CORPUS``, else the frozen copy ``tests/data/corpus/parse_train.jsonl``)
supplies the real street names, so a fresh clone runs these tests.
"""

from __future__ import annotations

import collections
import gc
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_addresses as gen
from addrmatch import IMPLEMENTATION, AddressStore

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench_results"
FULL_ENV = "ADDRMATCH_BENCH_FULL"
SMOKE_N = 20_000
FULL_N = 1_000_000
TARGETS = {
    "resolve_hits_per_s": 40_000,  # issue 10 (was 20,000 in issue 3)
    "search_p95_ms": 10.0,
    "add_many_1m_s": 60.0,
    "db_mb_1m": 300.0,
    "hit_accuracy": 0.95,
    "hard_negative_merge_rate": 0.01,
}


def full_mode() -> bool:
    """True when ``ADDRMATCH_BENCH_FULL=1`` asks for the full size."""
    return os.environ.get(FULL_ENV, "") not in ("", "0")


def _rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


def _timed(func: Callable[[Any], Any], values: Sequence[Any]) -> tuple[float, list[Any], int]:
    """Seconds for ``func`` over ``values``; results (None where it raised); failures.

    A full garbage collection runs first (as ``benchmarks/data/core_speed.py`` does before
    every pass; ``timeit`` switches the collector off): the benchmark's own million generated
    addresses would otherwise be traversed by a full collection that falls inside one timed
    pass or another (measured at 1M: 0.36 s of a 1.43 s pass of resolve hits, and as much
    in usaddress's pass), timing Python's collector over the harness's data, not the call.
    """
    out: list[Any] = []
    failures = 0
    gc.collect()
    start = time.perf_counter()
    for value in values:
        try:
            out.append(func(value))
        except Exception:
            out.append(None)
            failures += 1
    return time.perf_counter() - start, out, failures


def _peers() -> dict[str, Callable[[str], Any]]:
    found: dict[str, Callable[[str], Any]] = {}
    try:
        import usaddress

        found["usaddress.tag"] = usaddress.tag
    except ImportError:
        pass
    try:
        from scourgify import normalize_address_record

        found["scourgify.normalize_address_record"] = normalize_address_record
    except ImportError:
        pass
    return found


def resolve_stages(store: AddressStore, values: Sequence[Any]) -> dict[str, float]:
    """Microseconds per resolve hit of text, stage by stage, as ``resolve`` runs them: reading
    the text into its canonical form (``normalize``, the core), its key (``key_of``, the core),
    the store's part (the tiers over SQLite, building the stored Address and the Resolution, from
    an already-prepared input), and the rest (input checks, the lock)."""
    from addrmatch._store_sources import Live
    from addrmatch._store_tiers import match, prepare
    from addrmatch.key import key_of
    from addrmatch.normalize import normalize

    n = len(values)
    gc.collect()  # as _timed: no full collection over the harness's data inside a stage
    start = time.perf_counter()
    canon = [normalize(v) for v in values]
    read_s = time.perf_counter() - start
    gc.collect()  # as _timed: no full collection over the harness's data inside a stage
    start = time.perf_counter()
    for c in canon:
        key_of(c)
    key_s = time.perf_counter() - start
    inputs = [prepare(v) for v in values]
    live = Live(store.connection)
    gc.collect()  # as _timed: no full collection over the harness's data inside a stage
    start = time.perf_counter()
    for i in inputs:
        match(i, live)
    lookup_s = time.perf_counter() - start
    gc.collect()  # as _timed: no full collection over the harness's data inside a stage
    start = time.perf_counter()
    for v in values:
        store.resolve(v)
    total_s = time.perf_counter() - start
    stages = {
        "read the text (normalize)": read_s,
        "match_key (key_of)": key_s,
        "store lookup (tiers, SQLite, Address, Resolution)": lookup_s,
    }
    stages["rest (input checks, the lock)"] = max(0.0, total_s - sum(stages.values()))
    out = {k: round(v / n * 1e6, 1) for k, v in stages.items()}
    out["total"] = round(total_s / n * 1e6, 1)
    return out


def add_many_stages(values: Sequence[Any], directory: Path) -> dict[str, float]:
    """Microseconds per value of ``add_many`` in one process: preparing (parse, canonicalize,
    key) and the rest (bulk lookups, partial tier, inserts, index upkeep)."""
    from addrmatch._store_tiers import prepare

    n = len(values)
    start = time.perf_counter()
    for v in values:
        prepare(v)
    prepare_s = time.perf_counter() - start
    store = AddressStore(directory / "stages.db")
    start = time.perf_counter()
    store.add_many(values, workers=1)
    total_s = time.perf_counter() - start
    store.close()
    return {
        "prepare (parse, canonicalize, key)": round(prepare_s / n * 1e6, 1),
        "lookups, inserts, indexes": round(max(0.0, total_s - prepare_s) / n * 1e6, 1),
        "total": round(total_s / n * 1e6, 1),
    }


def run(n: int, *, workers: int = 2, seed: int = 1, directory: Path | None = None) -> dict[str, Any]:
    """The whole benchmark at size ``n``; returns the figures (see the module docstring)."""
    rng = random.Random(seed)
    load_at_start = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
    t0 = time.perf_counter()
    generator = gen.AddressGenerator.from_corpus(names=max(2_000, min(20_000, n // 50)), seed=seed)
    items = generator.generate(n)
    stored_texts = [item.text() for item in items]
    result: dict[str, Any] = {
        "n": n,
        "workers": workers,
        "data": {
            "real_streets": len(generator.real_streets),
            "street_names": len({s.name for s in generator.streets}),
            "places": len(generator.places),
            "with_unit": sum(1 for i in items if i.apt),
            "po_boxes": sum(1 for i in items if i.street is None),
            "generate_s": round(time.perf_counter() - t0, 2),
        },
    }
    tmp = tempfile.TemporaryDirectory(dir=directory)
    path = Path(tmp.name) / "store.db"
    try:
        # -- bulk load
        store = AddressStore(path)
        start = time.perf_counter()
        ids = store.add_many(stored_texts, workers=workers, batch_size=5000)
        load_s = time.perf_counter() - start
        store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = path.stat().st_size
        loop_n = min(n, 5_000)
        loop_store = AddressStore(Path(tmp.name) / "loop.db")
        loop_s, _, _ = _timed(loop_store.resolve, stored_texts[:loop_n])
        bulk_store = AddressStore(Path(tmp.name) / "bulk.db")
        start = time.perf_counter()
        bulk_store.add_many(stored_texts[:loop_n], workers=1)
        bulk_small_s = time.perf_counter() - start
        loop_store.close()
        bulk_store.close()
        result["add_many"] = {
            "seconds": round(load_s, 2),
            "per_s": round(_rate(n, load_s)),
            "rows": len(store),
            "distinct_ids": len(set(ids)),
            "db_mb": round(size / 1e6, 1),
            "db_bytes_per_address": round(size / max(1, n)),
            "small_batch": {
                "n": loop_n,
                "add_many_workers_1_per_s": round(_rate(loop_n, bulk_small_s)),
                "resolve_loop_per_s": round(_rate(loop_n, loop_s)),
                "ratio": round(loop_s / bulk_small_s, 2),
            },
        }
        # -- resolve hits: the stored addresses written differently
        m = min(n, 50_000 if n > SMOKE_N else 10_000)
        sample = rng.sample(range(n), m)
        variants = [gen.written_differently(items[i], rng) for i in sample]
        hits_s, found, failures = _timed(store.resolve, variants)
        right = sum(1 for r, i in zip(found, sample, strict=True) if r is not None and r.id == ids[i])
        components = [items[i].address() for i in sample]
        comp_s, _, _ = _timed(store.resolve, components)
        result["resolve_hits"] = {
            "n": m,
            "per_s": round(_rate(m, hits_s)),
            "accuracy": round(right / m, 4),
            "how": dict(collections.Counter(r.how if r else "error" for r in found)),
            "failures": failures,
            "components_per_s": round(_rate(m, comp_s)),
            "stages_us": resolve_stages(store, variants[: min(m, 5000)]),
        }
        # -- partial tier and hard negatives (find: nothing is written)
        k = min(m, 10_000)
        partial = [(i, gen.missing_part(items[i], rng)) for i in sample[:k]]
        part_s, found, _ = _timed(store.find, [t for _, t in partial])
        landed = sum(1 for r, (i, _) in zip(found, partial, strict=True) if r is not None and r.id == ids[i])
        negatives = [(i, *gen.hard_negative(items[i], rng)) for i in sample[:k]]
        neg_s, found, _ = _timed(store.find, [t for _, t, _ in negatives])
        merged = collections.Counter(
            field
            for r, (i, _, field) in zip(found, negatives, strict=True)
            if r is not None and r.id == ids[i]
        )
        result["partial"] = {
            "n": k,
            "accuracy": round(landed / k, 4),
            "find_per_s": round(_rate(k, part_s)),
        }
        result["hard_negatives"] = {
            "n": k,
            "merged": sum(merged.values()),
            "merge_rate": round(sum(merged.values()) / k, 4),
            "merged_by_field": dict(merged),
            "find_per_s": round(_rate(k, neg_s)),
        }
        # -- search
        q = min(n, 5_000 if n > SMOKE_N else 1_000)
        queries = [(i, gen.typo_query(items[i], rng)) for i in rng.sample(range(n), q)]
        latencies = []
        top1 = top3 = 0
        for i, text in queries:
            start = time.perf_counter()
            candidates = store.search(text, limit=10)
            latencies.append((time.perf_counter() - start) * 1000)
            ranked = [c.id for c in candidates]
            top1 += ranked[:1] == [ids[i]]
            top3 += ids[i] in ranked[:3]
        latencies.sort()
        result["search"] = {
            "n": q,
            "p50_ms": round(statistics.median(latencies), 3),
            "p95_ms": round(latencies[int(0.95 * (q - 1))], 3),
            "p99_ms": round(latencies[int(0.99 * (q - 1))], 3),
            "top1": round(top1 / q, 4),
            "top3": round(top3 / q, 4),
        }
        # -- peers on the same strings
        peers: dict[str, Any] = {}
        for name, func in _peers().items():
            strings = variants if name == "usaddress.tag" else variants[: min(m, 3_000)]
            seconds, _, failures = _timed(func, strings)
            rate = _rate(len(strings), seconds)
            peers[name] = {
                "n": len(strings),
                "per_s": round(rate),
                "failures": failures,
                "resolve_hits_ratio": round(result["resolve_hits"]["per_s"] / rate, 2),
                "add_many_ratio": round(result["add_many"]["per_s"] / rate, 2),
            }
        result["peers"] = peers
        # -- where add_many's time goes (in one process, on a slice)
        result["add_many"]["stages_us"] = add_many_stages(stored_texts[: min(n, 20_000)], Path(tmp.name))
        store.close()
    finally:
        tmp.cleanup()
    result["targets"] = TARGETS
    result["machine"] = {
        "load_at_start": load_at_start,
        "load_at_end": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "implementation": IMPLEMENTATION,
    }
    return result


def _store_part(hits: dict[str, Any]) -> str:
    us = next((v for k, v in hits["stages_us"].items() if k.startswith("store lookup")), None)
    return f"{us} us ({1e6 / us:,.0f}/s)" if us else "n/a"


def markdown(r: dict[str, Any]) -> str:
    """A short summary table of a :func:`run` result."""
    a, h, s = r["add_many"], r["resolve_hits"], r["search"]
    scale = FULL_N / r["n"]
    lines = [
        f"# AddressStore benchmark (N = {r['n']:,}, workers = {r['workers']})",
        "",
        f"Data: {r['data']['street_names']:,} street names ({r['data']['real_streets']:,} real, the rest"
        f" compounded from real name words), {r['data']['places']:,} real places,"
        f" {r['data']['with_unit']:,} with a unit, {r['data']['po_boxes']:,} PO boxes."
        f" Machine: {r['machine']['cpus']} CPUs, Python {r['machine']['python']}"
        f" ({r['machine'].get('implementation', 'build not recorded')} build of addrmatch's hot path),"
        f" Load average (1, 5, 15 min) at the start {r['machine'].get('load_at_start')},"
        f" at the end {r['machine'].get('load_at_end')}.",
        "",
        "| measure | value | target |",
        "| --- | ---: | ---: |",
        f"| add_many of N | {a['seconds']:,} s ({a['per_s']:,}/s) |"
        f" 1M in <= {TARGETS['add_many_1m_s']:.0f} s (here ~{a['seconds'] * scale:,.0f} s at 1M) |",
        f"| database file | {a['db_mb']:,} MB ({a['db_bytes_per_address']} B/address) |"
        f" <= {TARGETS['db_mb_1m']:.0f} MB at 1M (~{a['db_mb'] * scale:,.0f} MB) |",
        f"| add_many vs resolve loop ({a['small_batch']['n']:,}, 1 process) |"
        f" {a['small_batch']['add_many_workers_1_per_s']:,}/s vs {a['small_batch']['resolve_loop_per_s']:,}/s"
        f" ({a['small_batch']['ratio']}x) | faster |",
        f"| resolve hits (text written differently) | {h['per_s']:,}/s | >= {TARGETS['resolve_hits_per_s']:,}/s |",
        f"| resolve hits (components) | {h['components_per_s']:,}/s | |",
        f"| store part of a hit (prepared input -> Resolution) | {_store_part(h)} | |",
        f"| hits landing on their row | {h['accuracy']:.2%} | >= {TARGETS['hit_accuracy']:.0%} |",
        f"| partial (no ZIP or no suffix) landing on their row | {r['partial']['accuracy']:.2%} | |",
        f"| hard negatives merged | {r['hard_negatives']['merge_rate']:.2%} |"
        f" <= {TARGETS['hard_negative_merge_rate']:.0%} |",
        f"| search p50 / p95 / p99 | {s['p50_ms']} / {s['p95_ms']} / {s['p99_ms']} ms |"
        f" p95 <= {TARGETS['search_p95_ms']:.0f} ms |",
        f"| search top-1 / top-3 (typo'd queries) | {s['top1']:.1%} / {s['top3']:.1%} | |",
        "",
        "Peers on the same strings (ratios: addrmatch rate / peer rate):",
        "",
        "| peer | calls/s | resolve hits ratio | add_many ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, p in r["peers"].items():
        lines.append(f"| {name} | {p['per_s']:,} | {p['resolve_hits_ratio']}x | {p['add_many_ratio']}x |")
    lines += ["", "Where the time goes (microseconds per address):", ""]
    lines += ["| resolve hit (text) | us |", "| --- | ---: |"]
    lines += [f"| {k} | {v} |" for k, v in h["stages_us"].items()]
    lines += ["", "| add_many, 1 process (first 20,000) | us |", "| --- | ---: |"]
    lines += [f"| {k} | {v} |" for k, v in a["stages_us"].items()]
    lines.append("")
    lines.append(
        f"How hits resolved: {h['how']}. Hard negatives merged by field: {r['hard_negatives']['merged_by_field']}."
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run at the smoke or full size and write ``bench_results/store.json`` and ``store.md``."""
    n = FULL_N if full_mode() else SMOKE_N
    started = time.perf_counter()
    result = run(n, directory=Path(os.environ.get("ADDRMATCH_BENCH_TMP", tempfile.gettempdir())))
    result["elapsed_s"] = round(time.perf_counter() - started, 1)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "store.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "store.md").write_text(markdown(result))
    print(markdown(result))


# --------------------------------------------------------------------------- pytest


@pytest.fixture(scope="module")
def smoke() -> dict[str, Any]:
    if gen.corpus_path() is None:
        pytest.skip(f"corpus not found (../shared/corpus/parse_train.jsonl or ${gen.CORPUS_ENV})")
    return run(FULL_N if full_mode() else SMOKE_N)


def test_store_benchmark_accuracy_and_quality(smoke: dict[str, Any]) -> None:
    """The figures the issue asks for, at the smoke size: correctness parts are checked, the
    speed figures (machine-dependent, shared CI) are reported in the terminal summary."""
    assert smoke["add_many"]["rows"] == smoke["add_many"]["distinct_ids"]
    assert smoke["resolve_hits"]["accuracy"] >= 0.95
    assert smoke["hard_negatives"]["merge_rate"] <= 0.01
    assert smoke["partial"]["accuracy"] >= 0.9
    assert smoke["search"]["top3"] >= 0.95
    assert smoke["add_many"]["small_batch"]["ratio"] > 1.0  # bulk beats the loop
    assert {"usaddress.tag", "scourgify.normalize_address_record"} <= set(smoke["peers"])
    print("\n" + markdown(smoke))


@pytest.fixture(scope="module")
def small_store() -> tuple[AddressStore, list[str], list[str]]:
    if gen.corpus_path() is None:
        pytest.skip("corpus not found")
    generator = gen.AddressGenerator.from_corpus(names=2_000, seed=7)
    items = generator.generate(5_000)
    store = AddressStore()
    store.add_many([i.text() for i in items])
    rng = random.Random(3)
    return (
        store,
        [gen.written_differently(i, rng) for i in items[:1000]],
        [gen.typo_query(i, rng) for i in items[:200]],
    )


def test_bench_resolve_hits(benchmark: Any, small_store: tuple[AddressStore, list[str], list[str]]) -> None:
    store, variants, _ = small_store
    benchmark.group = "store"
    results = benchmark.pedantic(lambda: [store.resolve(v) for v in variants], rounds=3, iterations=1)
    assert sum(r.how != "created" for r in results) >= 0.95 * len(variants)


def test_bench_search(benchmark: Any, small_store: tuple[AddressStore, list[str], list[str]]) -> None:
    store, _, queries = small_store
    benchmark.group = "store"
    results = benchmark.pedantic(lambda: [store.search(q) for q in queries], rounds=3, iterations=1)
    assert sum(bool(r) for r in results) >= 0.95 * len(queries)


if __name__ == "__main__":
    main()
