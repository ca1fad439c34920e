"""Shared harness for the core speed benchmark (issue 2).

Used by ``benchmarks/bench_core.py`` (pytest / pytest-benchmark) and by
``benchmarks/run_core_bench.py`` (plain script that writes ``bench_results/core.*``),
so both measure exactly the same thing.

What is measured: per-call throughput (addresses per second) of ``addrmatch.normalize``,
``addrmatch.match_key`` and ``addrmatch.parse`` beside the peers ``usaddress.tag`` and
``scourgify.normalize_address_record``, on the same strings, in the same process, with the
functions interleaved round by round. Exceptions raised by any function are counted as failures;
the time they took still counts.

Address sets (the corpus is ``shared/corpus/parse_train.jsonl`` beside the repository):

``real``
    Exactly the corpus texts. The strings repeat from round to round, so before each timed pass
    every ``functools`` cache in the measured packages that holds more than one entry is cleared
    (a single-entry cache is a lazy loader, e.g. a model, and is left alone). Round 1 is cold in any
    case.
``fresh``
    The corpus texts with the first number shifted (house or box number), a new shift for every
    (round, function) pass, so no string is ever seen twice in the process and no whole-string
    cache can help, whether or not it can be cleared. Caches are *not* cleared: token-level caches
    warm up as they would in a long-running service.
``variants``
    Messier copies of the corpus: upper case, lower case, street suffixes and directionals
    abbreviated or spelled out, mixed within each pass, and number-shifted like ``fresh``.

This file lives under ``benchmarks/data`` so pytest does not collect it.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS_ENV = "ADDRMATCH_CORPUS"
FULL_ENV = "ADDRMATCH_BENCH_FULL"

QUICK_ROUNDS = 5
FULL_ROUNDS = 21
MIN_RATIO = 5.0  # round 1's requirement
GOAL_RATIO = 10.0  # issue 10: normalize and match_key >= 10x usaddress.tag (compiled build)


def ci_floor() -> float:
    """The floor the default test run (CI) asserts, well under the target: a timing
    assertion on a shared 2-core machine must not fail on noise, only on a real
    regression. Compiled build: 6x (the target, 10x, is checked and reported by
    run_core_bench.py in bench_results/core.md); pure Python
    (``ADDRMATCH_IMPLEMENTATION=python``, or no C compiler): 1.5x.

    >>> ci_floor() in (6.0, 1.5)
    True
    """
    from addrmatch import IMPLEMENTATION

    return 6.0 if IMPLEMENTATION == "compiled" else 1.5


BASELINE = "usaddress.tag"
PEER = "scourgify.normalize_address_record"
ADDRMATCH_FUNCS = ("addrmatch.normalize", "addrmatch.match_key", "addrmatch.parse")
ALL_FUNCS = (*ADDRMATCH_FUNCS, BASELINE, PEER)
CACHE_PACKAGES = ("addrmatch", "usaddress", "scourgify")

SET_DESCRIPTIONS = {
    "real": "the corpus texts exactly; multi-entry functools caches cleared before every pass",
    "fresh": "corpus texts with the first number shifted anew for every pass (no string ever repeats)",
    "variants": "upper/lower case, suffixes and directionals abbreviated or spelled out, number-shifted",
    "real-fast": "the corpus texts that addrmatch parses on its fast path",
    "real-crf": "the corpus texts that addrmatch sends to the CRF fallback (usaddress)",
}


def full_mode() -> bool:
    """True when ``ADDRMATCH_BENCH_FULL=1`` asks for the full-size run."""
    return os.environ.get(FULL_ENV, "") not in ("", "0")


def default_rounds() -> int:
    """Rounds per set: 5 in the quick (default, CI) mode, 21 in the full mode."""
    return FULL_ROUNDS if full_mode() else QUICK_ROUNDS


# --------------------------------------------------------------------------- corpus


def corpus_path() -> Path | None:
    """The parse corpus: ``$ADDRMATCH_CORPUS``, else the frozen copy ``tests/data/corpus/parse_train.jsonl``."""
    override = os.environ.get(CORPUS_ENV)
    candidates = [Path(override)] if override else []
    candidates.append(REPO / "tests" / "data" / "corpus" / "parse_train.jsonl")
    for path in candidates:
        if path.is_file():
            return path
    return None


def load_corpus(path: Path) -> list[str]:
    """The ``text`` field of every record, in file order; raises if a text repeats."""
    texts: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                texts.append(json.loads(line)["text"])
    if len(set(texts)) != len(texts):
        raise ValueError(f"{path}: texts are not distinct ({len(texts) - len(set(texts))} repeats)")
    return texts


# --------------------------------------------------------------------------- derived strings

_FIRST_NUMBER = re.compile(r"\d+")
_LETTER = re.compile(r"[A-Za-z]")
# long -> short always; short -> long only where the short form is unambiguous
# ("St", "Dr", "Ct" can be Saint / Doctor / Court-as-name, so they are never expanded).
_LONG_TO_SHORT = {
    "street": "St",
    "avenue": "Ave",
    "boulevard": "Blvd",
    "drive": "Dr",
    "road": "Rd",
    "lane": "Ln",
    "court": "Ct",
    "place": "Pl",
    "parkway": "Pkwy",
    "highway": "Hwy",
    "circle": "Cir",
    "terrace": "Ter",
    "north": "N",
    "south": "S",
    "east": "E",
    "west": "W",
}
_SHORT_TO_LONG = {
    "ave": "Avenue",
    "blvd": "Boulevard",
    "rd": "Road",
    "ln": "Lane",
    "pkwy": "Parkway",
    "hwy": "Highway",
    "cir": "Circle",
    "ter": "Terrace",
}
_WORD = re.compile(r"[A-Za-z]+")


def _swap_word(match: re.Match[str]) -> str:
    word = match.group(0)
    low = word.lower()
    new = _LONG_TO_SHORT.get(low) or _SHORT_TO_LONG.get(low)
    if new is None:
        return word
    return new.upper() if word.isupper() and len(word) > 1 else new


def swap_suffixes(text: str) -> str:
    """Abbreviate long suffix/directional words and spell out unambiguous short ones."""
    return _WORD.sub(_swap_word, text)


_TRANSFORMS: tuple[Callable[[str], str], ...] = (
    str.upper,
    str.lower,
    swap_suffixes,
    lambda t: swap_suffixes(t).upper(),
)


def shift_first_number(text: str, shift: int) -> str | None:
    """Add ``shift`` to the first run of digits; None if the text has no digit."""
    match = _FIRST_NUMBER.search(text)
    if match is None:
        return None
    return f"{text[: match.start()]}{int(match.group(0)) + shift}{text[match.end() :]}"


def _case_pattern(text: str, seed: int) -> str:
    """Flip the case of letters by the bits of ``seed`` (fallback for texts without digits)."""
    chars = list(text)
    letters = [i for i, c in enumerate(chars) if _LETTER.match(c)]
    for bit, i in enumerate(letters):
        if (seed >> bit) & 1:
            chars[i] = chars[i].swapcase()
    return "".join(chars)


class FreshStrings:
    """Produces batches of strings never produced before by this object (nor seen in ``seen``)."""

    def __init__(self, texts: Sequence[str], seen: Sequence[str] = ()) -> None:
        self.texts = list(texts)
        self.used: set[str] = set(texts) | set(seen)
        self._next_shift = 1

    def _one(self, text: str, shift: int) -> str:
        candidate = shift_first_number(text, shift)
        step = 0
        while candidate is None or candidate in self.used:
            step += 1
            bumped = shift_first_number(text, shift + 100_003 * step)
            candidate = bumped if bumped is not None else _case_pattern(text, shift + 7919 * step)
            if step > 1000:
                raise RuntimeError(f"cannot derive a fresh variant of {text!r}")
        self.used.add(candidate)
        return candidate

    def batch(self, *, mixed: bool = False) -> list[str]:
        """The next batch: every text number-shifted; with ``mixed``, also case/suffix-transformed."""
        shift = self._next_shift
        self._next_shift += 1
        out = []
        for i, text in enumerate(self.texts):
            base = _TRANSFORMS[(i + shift) % len(_TRANSFORMS)](text) if mixed else text
            out.append(self._one(base, shift))
        return out


# --------------------------------------------------------------------------- targets and caches


def load_targets() -> dict[str, Callable[[str], object]]:
    """The measured callables by name (imports addrmatch, usaddress and scourgify)."""
    import usaddress
    from scourgify import normalize_address_record

    import addrmatch

    return {
        "addrmatch.normalize": addrmatch.normalize,
        "addrmatch.match_key": addrmatch.match_key,
        "addrmatch.parse": addrmatch.parse,
        BASELINE: usaddress.tag,
        PEER: normalize_address_record,
    }


def _iter_caches() -> Iterator[tuple[str, object]]:
    seen: set[int] = set()
    for mod_name, module in list(sys.modules.items()):
        if module is None or mod_name.split(".")[0] not in CACHE_PACKAGES:
            continue
        owners: list[tuple[str, object]] = [(mod_name, module)]
        owners += [
            (f"{mod_name}.{k}", v)
            for k, v in vars(module).items()
            if isinstance(v, type) and getattr(v, "__module__", None) == mod_name
        ]
        for owner_name, owner in owners:
            for attr, value in list(vars(owner).items()):
                func = value.__func__ if isinstance(value, (staticmethod, classmethod)) else value
                if callable(getattr(func, "cache_clear", None)) and callable(
                    getattr(func, "cache_info", None)
                ):
                    if id(func) in seen:
                        continue
                    seen.add(id(func))
                    yield f"{owner_name}.{attr}", func


def clear_caches() -> list[str]:
    """Clear every functools cache in the measured packages holding more than one entry."""
    cleared = []
    for name, func in _iter_caches():
        if func.cache_info().currsize > 1:  # type: ignore[attr-defined]
            func.cache_clear()  # type: ignore[attr-defined]
            cleared.append(name)
    return cleared


def cache_names() -> list[str]:
    """Names of all functools caches found in the measured packages."""
    return sorted(name for name, _ in _iter_caches())


# --------------------------------------------------------------------------- timing


def run_pass(func: Callable[[str], object], texts: Sequence[str]) -> int:
    """Call ``func`` once per text; return the number of calls that raised."""
    failures = 0
    for text in texts:
        try:
            func(text)
        except Exception:
            failures += 1
    return failures


def timed_pass(func: Callable[[str], object], texts: Sequence[str]) -> tuple[float, int]:
    """(seconds, failures) for one pass of ``func`` over ``texts``."""
    gc.collect()
    start = time.perf_counter()
    failures = run_pass(func, texts)
    return time.perf_counter() - start, failures


@dataclass
class FuncResult:
    """Per-round throughputs (addresses/s) of one function on one set."""

    name: str
    n: int
    rates: list[float] = field(default_factory=list)
    failures: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.rates)

    @property
    def best(self) -> float:
        return max(self.rates)


@dataclass
class SetResult:
    """All functions measured on one address set."""

    name: str
    n: int
    rounds: int
    results: dict[str, FuncResult]
    crf_share: float | None = None
    caches_cleared: list[str] = field(default_factory=list)

    def rate(self, func: str) -> float:
        return self.results[func].median

    def ratio(self, func: str, against: str = BASELINE) -> float:
        """Median throughput of ``func`` divided by that of ``against``."""
        return self.rate(func) / self.rate(against)


def measure_set(
    name: str,
    targets: dict[str, Callable[[str], object]],
    batches: Callable[[int, int], Sequence[str]],
    *,
    n: int,
    rounds: int,
    clear: bool,
) -> SetResult:
    """Interleave the targets for ``rounds`` rounds; ``batches(round, func_index)`` gives the texts.

    The function order rotates every round so no function always runs first or last.
    """
    names = list(targets)
    results = {f: FuncResult(f, n) for f in names}
    cleared: set[str] = set()
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for f in order:
            texts = batches(r, names.index(f))
            if clear:
                cleared.update(clear_caches())
            seconds, failures = timed_pass(targets[f], texts)
            results[f].rates.append(len(texts) / seconds)
            results[f].failures = max(results[f].failures, failures)
    return SetResult(name, n, rounds, results, caches_cleared=sorted(cleared))


def crf_share(texts: Sequence[str]) -> float:
    """Share of texts whose ``addrmatch.parse_details`` took the CRF fallback (errors excluded)."""
    from addrmatch import parse_details

    crf = total = 0
    for text in texts:
        try:
            details = parse_details(text)
        except Exception:
            continue
        total += 1
        crf += details.path == "crf"
    return crf / total if total else 0.0


def split_by_path(texts: Sequence[str]) -> dict[str, list[str]]:
    """The texts grouped by the path ``addrmatch.parse_details`` took (``fast`` / ``crf``)."""
    from addrmatch import parse_details

    groups: dict[str, list[str]] = {"fast": [], "crf": []}
    for text in texts:
        try:
            path = parse_details(text).path
        except Exception:
            continue
        groups.setdefault(path, []).append(text)
    return groups


def measure_by_path(
    texts: Sequence[str],
    *,
    rounds: int | None = None,
    funcs: Sequence[str] = ("addrmatch.normalize", "addrmatch.parse", BASELINE),
) -> list[SetResult]:
    """The ``real`` measurement split by parse path: where the time goes, fast path vs CRF.

    Each subset is compared with ``usaddress.tag`` on the same subset (caches cleared per pass).
    """
    rounds = rounds or default_rounds()
    all_targets = load_targets()
    targets = {f: all_targets[f] for f in funcs}
    out = []
    for path, subset in split_by_path(texts).items():
        if not subset:
            continue
        result = measure_set(
            f"real-{path}",
            targets,
            lambda r, i, subset=subset: subset,
            n=len(subset),
            rounds=rounds,
            clear=True,
        )
        result.crf_share = 1.0 if path == "crf" else 0.0
        out.append(result)
    return out


def measure_all(
    texts: Sequence[str],
    *,
    rounds: int | None = None,
    sets: Sequence[str] = ("real", "fresh", "variants"),
    funcs: Sequence[str] = ALL_FUNCS,
    fresh: FreshStrings | None = None,
) -> list[SetResult]:
    """Measure ``funcs`` on each of ``sets`` (see the module docstring), in the order given.

    ``fresh`` is the source of never-repeated strings; pass the one already used in this process
    (if any) so no string from an earlier measurement comes back.
    """
    rounds = rounds or default_rounds()
    all_targets = load_targets()
    targets = {f: all_targets[f] for f in funcs}
    fresh = fresh or FreshStrings(texts)
    # warm-up: first-call costs (lazy model loading, imports) on strings not in any measured set
    warm = fresh.batch(mixed=True)[:100]
    for func in targets.values():
        run_pass(func, warm)

    out = []
    for set_name in sets:
        if set_name == "real":
            result = measure_set("real", targets, lambda r, i: texts, n=len(texts), rounds=rounds, clear=True)
            share_texts: Sequence[str] = texts
        elif set_name in ("fresh", "variants"):
            mixed = set_name == "variants"
            result = measure_set(
                set_name,
                targets,
                lambda r, i, mixed=mixed: fresh.batch(mixed=mixed),
                n=len(texts),
                rounds=rounds,
                clear=False,
            )
            share_texts = fresh.batch(mixed=mixed)
        else:
            raise ValueError(f"unknown set {set_name!r}; expected real, fresh or variants")
        if "addrmatch.parse" in targets or "addrmatch.normalize" in targets:
            result.crf_share = crf_share(share_texts)
        out.append(result)
    return out


# --------------------------------------------------------------------------- reporting


def cache_warnings(results: Sequence[SetResult], factor: float = 1.5) -> list[str]:
    """Functions much faster on ``real`` (repeated strings) than on ``fresh`` (never repeated).

    That gap means a cache this harness cannot clear served the repeated strings, so the
    ``real`` figure overstates; the ``fresh`` figure is the honest one.
    """
    by_name = {s.name: s for s in results}
    real, fresh = by_name.get("real"), by_name.get("fresh")
    if real is None or fresh is None:
        return []
    return [
        f"{f}: {real.rate(f):,.0f} addr/s on real vs {fresh.rate(f):,.0f} on fresh; "
        "an uncleared cache probably serves repeated strings, trust the fresh figure"
        for f in real.results
        if f in fresh.results and real.rate(f) > factor * fresh.rate(f)
    ]


def machine_info() -> dict[str, object]:
    """nproc, CPU model, Python version and platform of this machine."""
    cpu = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    from addrmatch import IMPLEMENTATION

    return {
        "build": IMPLEMENTATION,
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "nproc": usable,
        "cpu_count": os.cpu_count(),
        "cpu": cpu or platform.processor() or None,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
    }


def versions() -> dict[str, str | None]:
    """Installed versions of addrmatch and the peers."""
    out: dict[str, str | None] = {}
    for dist in ("addrmatch", "usaddress", "usaddress-scourgify"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    if out["addrmatch"] is None:
        with contextlib.suppress(ImportError):
            out["addrmatch"] = getattr(importlib.import_module("addrmatch"), "__version__", None)
    return out


def git_commit() -> str | None:
    """The repository's HEAD commit, if there is one (read-only)."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    return proc.stdout.strip() or None


def to_json(results: Sequence[SetResult], *, corpus: Path, rounds: int, elapsed: float) -> dict:
    """The JSON document written to ``bench_results/core.json``."""
    sets = []
    for s in results:
        funcs = {}
        for f, res in s.results.items():
            entry: dict[str, object] = {
                "addresses_per_s_median": round(res.median, 1),
                "addresses_per_s_best": round(res.best, 1),
                "addresses_per_s_rounds": [round(x, 1) for x in res.rates],
                "failures": res.failures,
            }
            if f != BASELINE and BASELINE in s.results:
                entry["ratio_vs_usaddress_tag"] = round(s.ratio(f, BASELINE), 3)
            if f != PEER and PEER in s.results:
                entry["ratio_vs_scourgify"] = round(s.ratio(f, PEER), 3)
            funcs[f] = entry
        sets.append(
            {
                "name": s.name,
                "description": SET_DESCRIPTIONS[s.name],
                "addresses_per_pass": s.n,
                "rounds": s.rounds,
                "crf_share": None if s.crf_share is None else round(s.crf_share, 4),
                "caches_cleared": s.caches_cleared,
                "functions": funcs,
            }
        )
    real = next((s for s in results if s.name == "real"), results[0])
    checks = {
        f: {
            "ratio_vs_usaddress_tag": round(real.ratio(f), 3),
            "meets_min_5x": real.ratio(f) >= MIN_RATIO,
            "meets_goal_10x": real.ratio(f) >= GOAL_RATIO,
        }
        for f in ("addrmatch.normalize", "addrmatch.match_key")
        if f in real.results and BASELINE in real.results
    }
    return {
        "benchmark": "core speed (issues 2 and 10)",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "mode": "full" if full_mode() else "quick",
        "statistic": f"median over {rounds} rounds of addresses/s per call, one pass = every address once",
        "machine": machine_info(),
        "versions": versions(),
        "commit": git_commit(),
        "corpus": {"file": corpus.name, "addresses": results[0].n},
        "caches_found": cache_names(),
        "target": {
            "min_ratio": MIN_RATIO,
            "goal_ratio": GOAL_RATIO,
            "checked_on": real.name,
            "checks": checks,
        },
        "warnings": cache_warnings(results),
        "crf_budget": crf_budget(results),
        "elapsed_s": round(elapsed, 2),
        "sets": sets,
    }


def crf_budget(results: Sequence[SetResult], func: str = "addrmatch.normalize") -> dict[str, float] | None:
    """From the ``real-fast`` / ``real-crf`` split: how much of ``func``'s time the CRF texts take.

    ``crf_time_share``: share of the pass spent on the texts sent to the CRF.
    ``ceiling_vs_usaddress_tag``: the ratio to ``usaddress.tag`` on the whole real set if the fast
    path cost nothing, i.e. the most the fast path can reach with the current CRF share.
    """
    by_name = {s.name: s for s in results}
    real, fast, crf = by_name.get("real"), by_name.get("real-fast"), by_name.get("real-crf")
    if real is None or fast is None or crf is None or func not in crf.results:
        return None
    crf_seconds = crf.n / crf.rate(func)
    fast_seconds = fast.n / fast.rate(func)
    tag_seconds = real.n / real.rate(BASELINE)
    return {
        "crf_time_share": round(crf_seconds / (crf_seconds + fast_seconds), 4),
        "ceiling_vs_usaddress_tag": round(tag_seconds / crf_seconds, 2),
    }


def _fmt_rate(x: float) -> str:
    return f"{x:,.0f}"


def _fmt_ratio(x: float | None) -> str:
    return "" if x is None else f"{x:.2f}x"


def markdown_table(s: SetResult) -> list[str]:
    """One markdown table: function, addresses/s, ratios to usaddress.tag and scourgify, failures."""
    lines = [
        "| function | addresses/s (median) | vs `usaddress.tag` | vs scourgify | failures |",
        "|---|---:|---:|---:|---:|",
    ]
    for f, res in s.results.items():
        vs_tag = s.ratio(f, BASELINE) if BASELINE in s.results else None
        vs_peer = s.ratio(f, PEER) if PEER in s.results else None
        lines.append(
            f"| `{f}` | {_fmt_rate(res.median)} | {_fmt_ratio(vs_tag)} | {_fmt_ratio(vs_peer)} "
            f"| {res.failures}/{res.n} |"
        )
    return lines


def to_markdown(doc: dict, results: Sequence[SetResult]) -> str:
    """The short summary written to ``bench_results/core.md``."""
    m = doc["machine"]
    v = doc["versions"]
    lines = [
        "# Core speed: addrmatch vs usaddress and usaddress-scourgify",
        "",
        f"Date {doc['date'][:10]} · {m['nproc']} CPU ({m['cpu'] or 'unknown CPU'}) · "
        f"Python {m['python']} · {m['platform']}",
        f"addrmatch {v['addrmatch']}, usaddress {v['usaddress']}, usaddress-scourgify "
        f"{v['usaddress-scourgify']} · mode {doc['mode']} · {doc['statistic']}.",
        f"Build of the hot path: {m.get('build')} · load average (1/5/15 min) at the end: "
        f"{' / '.join(str(x) for x in m.get('load_average') or ()) or 'unknown'} (2 cores shared with other work).",
        "",
        "Produced by `python benchmarks/run_core_bench.py` (same measurements as "
        "`pytest benchmarks/bench_core.py --benchmark-enable`). Ratios are throughput ratios "
        "measured side by side in one process; higher is better for addrmatch.",
        "",
    ]
    for s in results:
        share = "" if s.crf_share is None else f" CRF fallback share: {s.crf_share:.1%}."
        lines += [
            f"## `{s.name}`: {s.n:,} addresses per pass, {s.rounds} rounds",
            "",
            f"{SET_DESCRIPTIONS[s.name][:1].upper()}{SET_DESCRIPTIONS[s.name][1:]}.{share}",
            "",
            *markdown_table(s),
            "",
        ]
    checks = doc["target"]["checks"]
    verdicts = [
        f"`{f}` {c['ratio_vs_usaddress_tag']:.2f}x ({'meets' if c['meets_min_5x'] else 'BELOW'} 5x, "
        f"{'meets' if c['meets_goal_10x'] else 'below'} 10x)"
        for f, c in checks.items()
    ]
    lines += [
        f"Target (issue 2), on the `{doc['target']['checked_on']}` set: normalize and match_key "
        f">= 5x `usaddress.tag`, goal 10x. " + "; ".join(verdicts) + ".",
        "",
    ]
    budget = doc["crf_budget"]
    if budget:
        lines += [
            f"CRF budget: the {results[0].crf_share:.1%} of real addresses sent to the CRF take "
            f"{budget['crf_time_share']:.0%} of `normalize`'s time; with a free fast path the ratio "
            f"to `usaddress.tag` could reach at most {budget['ceiling_vs_usaddress_tag']:.1f}x.",
            "",
        ]
    lines += [f"Warning: {w}.\n" for w in doc["warnings"]]
    return "\n".join(lines).rstrip("\n") + "\n"


def text_report(results: Sequence[SetResult]) -> str:
    """Plain-text tables (throughput and ratios) for the terminal."""
    lines = []
    for s in results:
        share = "" if s.crf_share is None else f", CRF share {s.crf_share:.1%}"
        lines.append(f"[{s.name}] {s.n} addresses x {s.rounds} rounds{share}")
        lines.append(f"  {'function':38} {'addr/s':>10} {'/tag':>7} {'/scourgify':>10} {'fail':>6}")
        for f, res in s.results.items():
            vs_tag = s.ratio(f, BASELINE) if BASELINE in s.results else None
            vs_peer = s.ratio(f, PEER) if PEER in s.results else None
            lines.append(
                f"  {f:38} {_fmt_rate(res.median):>10} {_fmt_ratio(vs_tag):>7} "
                f"{_fmt_ratio(vs_peer):>10} {res.failures:>6}"
            )
    budget = crf_budget(results)
    if budget:
        lines.append(
            f"CRF texts take {budget['crf_time_share']:.0%} of normalize's time; ceiling with a free "
            f"fast path: {budget['ceiling_vs_usaddress_tag']:.1f}x usaddress.tag"
        )
    lines += [f"warning: {w}" for w in cache_warnings(results)]
    return "\n".join(lines)


@functools.cache
def corpus_texts_or_none() -> tuple[str, ...] | None:
    """The corpus texts (loaded once), or None when the corpus is not beside the repository."""
    path = corpus_path()
    return None if path is None else tuple(load_corpus(path))
