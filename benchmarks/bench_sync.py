"""Staff synchronization benchmark (issue 6): validate and commit HR staff
against a Campus database that holds legacy data.

The Campus database (a file) holds ``campus`` staff imported as legacy data:
staff numbers ``C000001``..., a few shared by two staff (``PENDING`` /
``pending`` style duplicates: the same number in another case) and a few
missing; each with an employment, a position and a staff household whose
address is drawn from a set of distinct addresses written in varied forms
(the generator of ``bench_boi.py``). The HR system sends ``hr`` staff:

* most match a Campus staff member by number: their address is the same
  delivery point *written another way* (must not count as a difference),
  and a share differ: work email case, phone, name, hire date, assignment,
  or a move to another address;
* some are new (created at commit), a few name a duplicated Campus number
  (conflicts: they fail at commit).

Timed: transfer (batches of 1,000), validate (targets on a 2-core machine:
<= 10 s at full size), commit (<= 60 s), and rendering the report. After the
commit a second validate must find no difference left. The same run
compares the address decision with the peers on the (Campus, HR) address
pairs: ``match_key`` equality versus equality of
``scourgify.normalize_address_record`` and of ``usaddress.tag`` output
(upper-cased, punctuation removed): time per pair, and how many same-address
pairs each recognises (a miss is a false "address difference", and an
address created twice at commit) and how many moved pairs it wrongly calls
the same.

Usage::

    python benchmarks/bench_sync.py                         # smoke: 600 HR / 1,200 Campus
    ADDRMATCH_BENCH_FULL=1 python benchmarks/bench_sync.py  # full: 10,000 HR / 20,000 Campus

The script writes ``bench_results/sync.json`` and ``bench_results/sync.md``.
Under pytest the same run is made at the smoke size (full with
``ADDRMATCH_BENCH_FULL=1``) and its invariants asserted; no files written.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from addrmatch import match_key
from addrmatch.boi import Campus
from bench_boi import STREETS, distinct_addresses, render, run_meta

FULL = os.environ.get("ADDRMATCH_BENCH_FULL") == "1"
#: mode -> (HR staff, Campus staff)
SIZES = {"smoke": (600, 1_200), "full": (10_000, 20_000)}
SEED = 20240806
RESULTS = Path(__file__).resolve().parent.parent / "bench_results"
TARGETS = {"validate_seconds": 10.0, "commit_seconds": 60.0}
SCHOOLS = ("010", "106", "200")
TITLES = ("T1", "T2", "T3", "T4")


def _demographics(rng: random.Random, number: str | None) -> dict[str, Any]:
    first = rng.choice(("Pat", "Lee", "Sam", "Alex", "Jo", "Kim", "Ana", "Tom"))
    last = rng.choice(STREETS)
    record: dict[str, Any] = {
        "lastName": last,
        "firstName": first,
        "gender": rng.choice(("F", "M")),
        "birthdate": f"19{rng.randint(50, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "ssn": f"{rng.randint(100, 899)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
        "workEmail": f"{first.lower()}.{last.lower()}{rng.randint(1, 999)}@school.k12.mn.us",
        "workPhone": f"320-555-{rng.randint(0, 9999):04d}",
    }
    if number is not None:
        record["staffNumber"] = number
    return record


def workload(hr_count: int, campus_count: int, seed: int = SEED) -> dict[str, Any]:
    """The Campus legacy records, the HR records, and the expected outcome."""
    rng = random.Random(seed)
    bases = distinct_addresses(max(campus_count // 2, 50), rng)
    dup_pairs = max(campus_count // 400, 2)
    missing = max(campus_count // 400, 2)
    campus: list[dict[str, Any]] = []
    where: dict[str, int] = {}  # staff number -> base address index
    for i in range(campus_count):
        number: str | None = f"C{i:06d}"
        if i < dup_pairs:
            number = f"DUP{i:04d}"
        elif i < 2 * dup_pairs:
            number = f"dup{i - dup_pairs:04d}"  # the same number as staff i - dup_pairs, other case
        elif i < 2 * dup_pairs + missing:
            number = None
        pick = rng.randrange(len(bases))
        mapping, _ = render(bases[pick], rng)
        record = _demographics(rng, number)
        record["employments"] = [{"hireDate": f"20{rng.randint(0, 22):02d}-08-{rng.randint(1, 28):02d}"}]
        record["positions"] = [
            {
                "schoolNumber": rng.choice(SCHOOLS),
                "assignmentCode": "12",
                "titleCode": rng.choice(TITLES),
                "startDate": f"20{rng.randint(10, 22):02d}-08-25",
            }
        ]
        record["household"] = {"householdLocations": [{"address": mapping}]}
        campus.append(record)
        if number is not None:
            where[number] = pick
    matchable = campus[2 * dup_pairs + missing :]
    conflicts = min(max(hr_count // 200, 2), dup_pairs)
    new = max(hr_count // 10, 5)
    matched = hr_count - new - conflicts
    chosen = rng.sample(matchable, matched)
    hr: list[dict[str, Any]] = []
    expected = {"same_address_pairs": [], "moved_pairs": []}
    kinds: dict[str, int] = {}
    for record in chosen:
        payload = json.loads(json.dumps(record))
        base = where[record["staffNumber"]]
        roll = rng.random()
        if roll < 0.10:
            payload["workEmail"] = payload["workEmail"].upper()
            kinds["email case"] = kinds.get("email case", 0) + 1
        elif roll < 0.15:
            payload["workPhone"] = f"651-555-{rng.randint(0, 9999):04d}"
            kinds["phone"] = kinds.get("phone", 0) + 1
        elif roll < 0.20:
            payload["lastName"] = rng.choice(STREETS) + "-" + payload["lastName"]
            kinds["name"] = kinds.get("name", 0) + 1
        roll = rng.random()
        if roll < 0.10:
            payload["employments"] = [{"hireDate": "2019-07-25"}]
            kinds["hire date"] = kinds.get("hire date", 0) + 1
        elif roll < 0.20:
            payload["positions"] = [{**payload["positions"][0], "titleCode": "T9", "startDate": "2023-08-28"}]
            kinds["assignment"] = kinds.get("assignment", 0) + 1
        roll = rng.random()
        campus_text = _text(record["household"]["householdLocations"][0]["address"])
        if roll < 0.10:  # moved to another address
            other = rng.randrange(len(bases))
            while other == base:
                other = rng.randrange(len(bases))
            mapping, _ = render(bases[other], rng)
            expected["moved_pairs"].append((campus_text, _text(mapping)))
            kinds["moved"] = kinds.get("moved", 0) + 1
        else:  # the same delivery point, written another way
            mapping, _ = render(bases[base], rng)
            expected["same_address_pairs"].append((campus_text, _text(mapping)))
        payload["household"] = {"householdLocations": [{"address": mapping}]}
        hr.append(payload)
    for i in range(new):
        pick = rng.randrange(len(bases))
        mapping, _ = render(bases[pick], rng)
        record = _demographics(rng, f"N{i:06d}")
        record["employments"] = [{"hireDate": "2024-08-01"}]
        record["positions"] = [
            {"schoolNumber": "010", "assignmentCode": "12", "titleCode": "T1", "startDate": "2024-08-26"}
        ]
        record["household"] = {"householdLocations": [{"address": mapping}]}
        hr.append(record)
    for i in range(conflicts):
        hr.append({**_demographics(rng, f"Dup{i:04d}")})
    rng.shuffle(hr)
    return {
        "campus": campus,
        "hr": hr,
        "new": new,
        "conflicts": conflicts,
        "matched": matched,
        "duplicates": 2 * dup_pairs,
        "missing": missing,
        "kinds": kinds,
        **expected,
    }


def _text(mapping: dict[str, Any]) -> str:
    """A BOI address mapping as one line of text (what the peers read)."""
    if mapping.get("fullStreetAddress"):
        street = mapping["fullStreetAddress"]
    elif mapping.get("postOfficeBox"):
        street = f"PO Box {mapping['number']}"
    else:
        parts = [mapping.get(k) for k in ("number", "prefix", "street", "tag", "direction")]
        apt = str(mapping.get("apt") or "")
        if apt and not (apt[0].isalpha() or apt.startswith("#")):
            apt = f"# {apt}"  # a bare unit identifier
        street = " ".join(str(p) for p in [*parts, apt] if p)
    return f"{street}, {mapping['city']}, {mapping['state']} {mapping['zip']}"


def _setup(folder: Path, data: dict[str, Any]) -> tuple[Campus, float]:
    campus = Campus(folder / "campus.db", clock=lambda: "2024-08-01")
    for code, name in (("F", "Female"), ("M", "Male")):
        campus.add_gender(code, name)
    for number in SCHOOLS:
        campus.add_school(number, f"School {number}")
    campus.add_assignment_code("12", "Teacher")
    for code in TITLES:
        campus.add_title(code, f"Title {code}")
    start = time.perf_counter()
    campus.import_legacy_staff(data["campus"])
    return campus, time.perf_counter() - start


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def _peer_same(pairs: list[tuple[str, str]], func: Callable[[str], Any]) -> tuple[int, int, float]:
    """(pairs judged the same, pairs where a side failed, seconds)."""
    same = failed = 0
    start = time.perf_counter()
    for a, b in pairs:
        try:
            if func(a) == func(b):
                same += 1
        except Exception:
            failed += 1
    return same, failed, time.perf_counter() - start


def _usaddress_form(text: str) -> dict[str, str]:
    import usaddress

    tagged, _ = usaddress.tag(text)
    return {k: re.sub(r"[^A-Z0-9 ]", "", v.upper()) for k, v in tagged.items()}


def _scourgify_form(text: str) -> Any:
    from scourgify import normalize_address_record

    return normalize_address_record(text)


def compare_peers(data: dict[str, Any]) -> dict[str, Any]:
    """The address decision of validate (same address or not) by each method, on the pairs."""
    same_pairs, moved_pairs = data["same_address_pairs"], data["moved_pairs"]
    out: dict[str, Any] = {}
    for name, func in (
        ("addrmatch.match_key", match_key),
        ("usaddress.tag", _usaddress_form),
        ("scourgify.normalize_address_record", _scourgify_form),
    ):
        func(same_pairs[0][0])  # lazy loading outside the timing
        same, failed, seconds = _peer_same(same_pairs, func)
        wrong, failed_moved, seconds_moved = _peer_same(moved_pairs, func)
        pairs = len(same_pairs) + len(moved_pairs)
        out[name] = {
            "same_recognised": same,
            "same_pairs": len(same_pairs),
            "moved_called_same": wrong,
            "moved_pairs": len(moved_pairs),
            "failures": failed + failed_moved,
            "seconds": seconds + seconds_moved,
            "pairs_per_second": pairs / (seconds + seconds_moved),
        }
    return out


def run(hr_count: int, campus_count: int) -> dict[str, Any]:
    """Build the Campus, transfer, validate, commit, validate again; the result record."""
    data = workload(hr_count, campus_count)
    hr = data["hr"]
    with tempfile.TemporaryDirectory() as folder:
        campus, setup_seconds = _setup(Path(folder), data)
        sync = campus.sync
        sync.start(started_by="Benchmark, HR")

        def transfer() -> int:
            accepted = 0
            for i in range(0, len(hr), 1_000):
                accepted += sync.transfer(hr[i : i + 1_000])["accepted"]
            return accepted

        accepted, transfer_seconds = _timed(transfer)
        sync.end()
        report, validate_seconds = _timed(sync.validate)
        html, html_seconds = _timed(report.to_html)
        _, text_seconds = _timed(report.to_text)
        result, commit_seconds = _timed(sync.commit)
        # Nothing is left to do: a new sync with the same HR data finds no difference.
        sync.start(started_by="Benchmark, HR")
        for i in range(0, len(hr), 1_000):
            sync.transfer(hr[i : i + 1_000])
        sync.end()
        after, revalidate_seconds = _timed(sync.validate)
        stored_addresses = len(campus.store)
        campus.close()
    summary = report["summary"]
    record = {
        "hr_staff": hr_count,
        "campus_staff": campus_count,
        "distinct_addresses": len(
            {match_key(_text(r["household"]["householdLocations"][0]["address"])) for r in data["campus"]}
        ),
        "stored_addresses_after_commit": stored_addresses,
        "expected": {
            "new": data["new"],
            "conflicts": data["conflicts"],
            "matched": data["matched"],
            "campus_duplicates": data["duplicates"],
            "campus_missing_numbers": data["missing"],
            "changes": data["kinds"],
        },
        "accepted": accepted,
        "summary": {k: v for k, v in summary.items()},
        "after_commit": {k: v for k, v in after["summary"].items()},
        "commit": {"committed": result["committed"], "failed": result["failed"], "total": result["total"]},
        "seconds": {
            "setup_legacy_import": setup_seconds,
            "transfer": transfer_seconds,
            "validate": validate_seconds,
            "render_html": html_seconds,
            "render_text": text_seconds,
            "commit": commit_seconds,
            "revalidate": revalidate_seconds,
        },
        "html_bytes": len(html.encode("utf-8")),
        "commit_staff_per_second": result["total"] / commit_seconds,
        "validate_staff_per_second": hr_count / validate_seconds,
        "targets": TARGETS,
        "address_decision": compare_peers(data),
    }
    return record


def markdown(record: dict[str, Any], meta: dict[str, Any]) -> str:
    """The summary table of ``bench_results/sync.md``."""
    r = record
    s = r["seconds"]
    summary = r["summary"]
    after = r["after_commit"]
    lines = [
        "# Staff synchronization: validate and commit",
        "",
        f"Date {meta['date']} · {meta['machine']} · Python {meta['python']} · addrmatch {meta['addrmatch']} · "
        f"mode {meta['mode']}",
        "",
        "Produced by `python benchmarks/bench_sync.py` (ADDRMATCH_BENCH_FULL=1 for the full size). "
        f"{r['hr_staff']:,} HR staff synchronized with a Campus database file of {r['campus_staff']:,} legacy "
        f"staff ({r['expected']['campus_duplicates']} with duplicated staff numbers, "
        f"{r['expected']['campus_missing_numbers']} without one) whose staff-household addresses are "
        f"{r['distinct_addresses']:,} distinct addresses written in varied forms. HR sends the same addresses "
        "written another way, plus changes: "
        + ", ".join(f"{kind} {n:,}" for kind, n in sorted(r["expected"]["changes"].items()))
        + f"; {r['expected']['new']:,} new staff and {r['expected']['conflicts']} staff numbers that are "
        "duplicated in Campus.",
        "",
        "| step | seconds | target | rate |",
        "|---|---:|---:|---:|",
        f"| transfer (batches of 1,000) | {s['transfer']:.2f} | | {r['hr_staff'] / s['transfer']:,.0f} staff/s |",
        f"| validate | {s['validate']:.2f} | <= {TARGETS['validate_seconds']:.0f} | "
        f"{r['validate_staff_per_second']:,.0f} staff/s |",
        f"| render the report (HTML / text) | {s['render_html']:.3f} / {s['render_text']:.3f} | | |",
        f"| commit | {s['commit']:.2f} | <= {TARGETS['commit_seconds']:.0f} | "
        f"{r['commit_staff_per_second']:,.0f} staff/s |",
        f"| validate again after the commit | {s['revalidate']:.2f} | | |",
        f"| (setup: legacy import of the Campus staff) | {s['setup_legacy_import']:.2f} | | |",
        "",
        "| validation report | before commit | after commit |",
        "|---|---:|---:|",
    ]
    for key in (
        "demographicDifferences",
        "employmentDifferences",
        "assignmentDifferences",
        "addressDifferences",
        "hrStaffNotInCampus",
        "campusStaffNotInHr",
        "duplicateStaffNumbers",
        "missingStaffNumbers",
        "addressesToAdd",
        "conflicts",
        "unchanged",
    ):
        lines.append(f"| {key} | {summary[key]:,} | {after[key]:,} |")
    c = r["commit"]
    lines += [
        "",
        f"Commit: {c['committed']:,} committed, {c['failed']:,} failed (the HR staff whose number is duplicated "
        f"in Campus) of {c['total']:,}. Addresses stored after the commit: {r['stored_addresses_after_commit']:,}.",
        "",
        "Address decision on the (Campus, HR) address pairs of the matched staff, same process: is it the same "
        "address? A same-address pair not recognised is a false address difference in the report (and a "
        "second address row at commit); a moved pair called the same is a missed move.",
        "",
        "| method | pairs/s | vs `usaddress.tag` | vs scourgify | same pairs recognised | moved pairs called same | failures |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    peers = r["address_decision"]
    tag = peers["usaddress.tag"]["pairs_per_second"]
    scourgify = peers["scourgify.normalize_address_record"]["pairs_per_second"]
    for name, p in peers.items():
        lines.append(
            f"| `{name}` | {p['pairs_per_second']:,.0f} | {p['pairs_per_second'] / tag:.2f}x | "
            f"{p['pairs_per_second'] / scourgify:.2f}x | {p['same_recognised']:,}/{p['same_pairs']:,} | "
            f"{p['moved_called_same']}/{p['moved_pairs']:,} | {p['failures']} |"
        )
    lines += [
        "",
        "`usaddress.tag` equality compares the tagged components upper-cased without punctuation; scourgify "
        "compares its normalized records (an exception counts as a failure).",
        "",
    ]
    return "\n".join(lines)


def check(record: dict[str, Any]) -> None:
    """The invariants of a run."""
    expected = record["expected"]
    summary = record["summary"]
    assert record["accepted"] == record["hr_staff"]
    assert summary["hrStaffNotInCampus"] == expected["new"]
    assert summary["conflicts"] == expected["conflicts"]
    assert summary["duplicateStaffNumbers"] == expected["campus_duplicates"]
    assert summary["missingStaffNumbers"] == expected["campus_missing_numbers"]
    changes = expected["changes"]
    assert summary["addressDifferences"] == changes.get("moved", 0), (
        f"{summary['addressDifferences']} address differences for {changes.get('moved', 0)} moves: a same "
        "address written another way was taken for a different one (or the store lost a part of a Campus "
        "address when it stored it)"
    )
    assert summary["employmentDifferences"] == changes.get("hire date", 0)
    assert summary["assignmentDifferences"] == changes.get("assignment", 0)
    assert summary["demographicFieldDifferences"]["Work Email"] == changes.get("email case", 0)
    assert record["commit"]["failed"] == expected["conflicts"]
    after = record["after_commit"]
    for key in (
        "demographicDifferences",
        "employmentDifferences",
        "assignmentDifferences",
        "addressDifferences",
        "hrStaffNotInCampus",
    ):
        assert after[key] == 0, (key, after[key])
    assert after["conflicts"] == expected["conflicts"]
    assert after["unchanged"] == expected["matched"] + expected["new"]


def test_sync_validate_and_commit(benchmark) -> None:
    """The benchmark run (smoke size unless ADDRMATCH_BENCH_FULL=1): counts as generated, nothing left after."""
    pytest.importorskip("usaddress")
    pytest.importorskip("scourgify")
    hr_count, campus_count = SIZES["full" if FULL else "smoke"]
    record = benchmark.pedantic(run, args=(hr_count, campus_count), rounds=1, iterations=1)
    check(record)
    if FULL:
        assert record["seconds"]["validate"] <= TARGETS["validate_seconds"] * 2
        assert record["seconds"]["commit"] <= TARGETS["commit_seconds"] * 2


def main() -> None:
    mode = "full" if FULL else "smoke"
    hr_count, campus_count = SIZES[mode]
    record = run(hr_count, campus_count)
    check(record)
    meta = run_meta(mode)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "sync.json").write_text(
        json.dumps({"meta": meta, **record}, indent=2) + "\n", encoding="utf-8"
    )
    text = markdown(record, meta)
    (RESULTS / "sync.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
