"""Staff module benchmark (issue 5): create staff members whose household
addresses are drawn from a fixed set of distinct addresses written in varied
forms, and check that every address is stored once.

Each staff member is one ``Campus.create_staff`` call (one transaction: person,
identity, employment, position, staff household, address through the
``AddressStore``) on a database file. The addresses are written as
components (abbreviated or spelled out, ZIP+4), as ``fullStreetAddress``
(upper, lower, with periods, ``#``/``Apt``/``Unit``), or mis-split into the
components (found by the store's reparse tier); PO boxes as
``postOfficeBox``/``P.O. Box``. The resulting address count must equal the
number of distinct addresses.

Peers, on the same address strings in the same process: ``usaddress.tag`` and
``scourgify.normalize_address_record``. They only parse/normalize one string;
beside them are ``AddressStore.resolve`` alone (parse, canonicalize, key,
SQLite find-or-create) and the whole ``create_staff`` call.

Usage::

    python benchmarks/bench_boi.py                      # smoke: 1,000 staff / 300 addresses
    ADDRMATCH_BENCH_FULL=1 python benchmarks/bench_boi.py   # full: 10,000 staff / 3,000 addresses

The script writes ``bench_results/boi.json`` and ``bench_results/boi.md``.
Under pytest (``pytest benchmarks/bench_boi.py``) the same run is made at the
smoke size (full with ``ADDRMATCH_BENCH_FULL=1``) and its invariants are
asserted; no files are written.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from addrmatch import AddressStore, __version__
from addrmatch.boi import Campus

FULL = os.environ.get("ADDRMATCH_BENCH_FULL") == "1"
SIZES = {"smoke": (1_000, 300), "full": (10_000, 3_000)}
SEED = 20240801
RESULTS = Path(__file__).resolve().parent.parent / "bench_results"

STREETS = (
    "Lexington Maple Cedar Jefferson Madison Lincoln Pine Elm Walnut Chestnut Hickory Willow Aspen Birch "
    "Spruce Sycamore Magnolia Dogwood Laurel Juniper Cypress Poplar Alder Hawthorn Linden Redwood Sequoia "
    "Franklin Monroe Jackson Adams Hamilton Garfield Harrison Taylor Polk Tyler Fillmore Pierce Buchanan "
    "Johnson Grant Hayes Arthur Cleveland Mckinley Roosevelt Wilson Harding Coolidge Hoover Truman Kennedy"
).split()
ORDINAL_WORDS = (
    "First Second Third Fourth Fifth Sixth Seventh Eighth Ninth Tenth Eleventh Twelfth Thirteenth "
    "Fourteenth Fifteenth Sixteenth Seventeenth Eighteenth Nineteenth"
).split()
SUFFIXES: dict[str, tuple[str, ...]] = {
    "AVE": ("Ave", "Avenue", "Av", "Ave."),
    "ST": ("St", "Street", "St."),
    "RD": ("Rd", "Road"),
    "BLVD": ("Blvd", "Boulevard", "Boul"),
    "DR": ("Dr", "Drive", "Drv"),
    "LN": ("Ln", "Lane"),
    "CT": ("Ct", "Court"),
    "PL": ("Pl", "Place"),
    "CIR": ("Cir", "Circle"),
    "TRL": ("Trl", "Trail"),
    "PKWY": ("Pkwy", "Parkway"),
    "WAY": ("Way",),
}
DIRECTIONS = {
    "N": "North",
    "S": "South",
    "E": "East",
    "W": "West",
    "NE": "Northeast",
    "NW": "Northwest",
    "SE": "Southeast",
    "SW": "Southwest",
}
PLACES = (
    ("Blaine", "MN", "55434"),
    ("Blaine", "MN", "55449"),
    ("Minneapolis", "MN", "55401"),
    ("Saint Paul", "MN", "55101"),
    ("Anoka", "MN", "55303"),
    ("Coon Rapids", "MN", "55433"),
)
UNIT_WORDS = ("Apt", "#", "Unit")


@dataclass(frozen=True)
class Base:
    """One distinct address (canonical parts)."""

    po_box: bool
    number: str
    prefix: str | None
    street: str
    ordinal: int | None
    suffix: str | None
    direction: str | None
    apt: str | None
    city: str
    state: str
    zip: str

    def identity(self) -> tuple[Any, ...]:
        return (
            self.po_box,
            self.number,
            self.prefix,
            self.street,
            self.suffix,
            self.direction,
            self.apt,
            self.zip,
        )


def distinct_addresses(count: int, rng: random.Random) -> list[Base]:
    """``count`` addresses, no two the same delivery point."""
    seen: set[tuple[Any, ...]] = set()
    out: list[Base] = []
    while len(out) < count:
        city, state, zip5 = rng.choice(PLACES)
        if rng.random() < 0.05:
            base = Base(True, str(rng.randint(1, 9999)), None, "", None, None, None, None, city, state, zip5)
        else:
            ordinal = rng.randint(1, 19) if rng.random() < 0.15 else None
            base = Base(
                False,
                str(rng.randint(1, 19999)),
                rng.choice(list(DIRECTIONS)) if rng.random() < 0.3 else None,
                "" if ordinal else rng.choice(STREETS),
                ordinal,
                rng.choice(list(SUFFIXES)),
                rng.choice(list(DIRECTIONS)) if rng.random() < 0.2 else None,
                str(rng.randint(1, 400)) if rng.random() < 0.3 else None,
                city,
                state,
                zip5,
            )
        if base.identity() not in seen:
            seen.add(base.identity())
            out.append(base)
    return out


def _ordinal_numeral(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def render(base: Base, rng: random.Random) -> tuple[dict[str, Any], str]:
    """One way of writing ``base``: (BOI address mapping, one-line text of the same form)."""
    place = {"city": base.city, "state": base.state, "zip": base.zip}
    if base.po_box:
        style = rng.randrange(3)
        if style == 0:
            mapping = {"postOfficeBox": True, "number": base.number, **place}
            line = f"PO Box {base.number}"
        else:
            line = f"P.O. Box {base.number}" if style == 1 else f"po box {base.number}"
            mapping = {"fullStreetAddress": line, **place}
        return mapping, f"{line}, {base.city}, {base.state} {base.zip}"
    style = rng.randrange(6)
    spelled = style in (1, 3, 4)
    street = base.street
    if base.ordinal:
        street = ORDINAL_WORDS[base.ordinal - 1] if spelled else _ordinal_numeral(base.ordinal)
    tag = rng.choice(SUFFIXES[base.suffix]) if base.suffix else None
    prefix = (DIRECTIONS[base.prefix] if spelled else base.prefix) if base.prefix else None
    direction = (DIRECTIONS[base.direction] if spelled else base.direction) if base.direction else None
    unit = rng.choice(UNIT_WORDS)
    apt_text = (f"#{base.apt}" if unit == "#" else f"{unit} {base.apt}") if base.apt else None
    zip_code = f"{base.zip}-{rng.randint(1, 9999):04d}" if style == 1 else base.zip
    words = [base.number, prefix, street, tag, direction, apt_text]
    line = " ".join(w for w in words if w)
    if style == 3:
        line = line.lower()
    if style == 5:
        line = line.replace(" ", "  ").upper().replace("AVE ", "AVE. ")
    if style in (0, 1):
        mapping: dict[str, Any] = {
            "number": base.number,
            "prefix": prefix,
            "street": street,
            "tag": tag,
            "direction": direction,
            "apt": base.apt,
            **place,
            "zip": zip_code,
        }
    elif style == 4:  # mis-split: the whole street in "street", the unit with its word in "apt"
        mapping = {
            "number": base.number,
            "street": " ".join(w for w in (prefix, street, tag, direction) if w),
            "apt": apt_text,
            **place,
        }
    else:
        mapping = {"fullStreetAddress": line, **place, "zip": zip_code}
    return mapping, f"{' '.join(line.split())}, {base.city}, {base.state} {zip_code}"


def workload(staff: int, addresses: int, seed: int = SEED) -> tuple[list[dict[str, Any]], list[str], int]:
    """(create payloads, one-line address texts, number of distinct addresses)."""
    rng = random.Random(seed)
    bases = distinct_addresses(addresses, rng)
    picks = list(range(addresses)) + [rng.randrange(addresses) for _ in range(staff - addresses)]
    rng.shuffle(picks)
    payloads, texts = [], []
    for i, pick in enumerate(picks):
        mapping, text = render(bases[pick], rng)
        payloads.append(
            {
                "staffNumber": f"E{i:06d}",
                "lastName": rng.choice(STREETS),
                "firstName": rng.choice(("Pat", "Lee", "Sam", "Alex", "Jo", "Kim")),
                "gender": rng.choice(("F", "M")),
                "birthdate": f"19{rng.randint(50, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "workEmail": f"staff{i}@school.k12.mn.us",
                "employments": [{"hireDate": "2020-07-25"}],
                "positions": [
                    {
                        "schoolNumber": "010",
                        "assignmentCode": "20",
                        "titleCode": "T1",
                        "startDate": "2023-10-01",
                    }
                ],
                "household": {"householdLocations": [{"address": mapping}]},
            }
        )
        texts.append(text)
    return payloads, texts, addresses


def _peer_functions() -> dict[str, Callable[[str], Any]]:
    import usaddress
    from scourgify import normalize_address_record

    return {"usaddress.tag": usaddress.tag, "scourgify.normalize_address_record": normalize_address_record}


def _time_per_item(func: Callable[[str], Any], texts: list[str]) -> tuple[float, int]:
    failures = 0
    start = time.perf_counter()
    for text in texts:
        try:
            func(text)
        except Exception:
            failures += 1
    return time.perf_counter() - start, failures


def run(staff: int, addresses: int) -> dict[str, Any]:
    """Create the staff, time it, time the peers on the same strings; the result record."""
    payloads, texts, distinct = workload(staff, addresses)
    with tempfile.TemporaryDirectory() as folder:
        campus = Campus(Path(folder) / "campus.db", clock=lambda: "2024-08-01")
        campus.add_gender("F", "Female")
        campus.add_gender("M", "Male")
        campus.add_school("010", "Blaine High")
        campus.add_assignment_code("20", "Athletic Coach")
        hows: Counter[str] = Counter()
        start = time.perf_counter()
        for payload in payloads:
            result = campus.create_staff(payload)
            hows[result["addressResolutions"][0]["how"]] += 1
        create_seconds = time.perf_counter() - start
        stored = len(campus.store)
        households = campus.connection.execute("SELECT count(*) FROM household").fetchone()[0]
        campus.close()
    # The address part alone, on the same one-line strings: a fresh store per pass.
    store = AddressStore()
    resolve_seconds, resolve_failures = _time_per_item(store.resolve, texts)
    resolved_count = len(store)
    peers = {}
    for name, func in _peer_functions().items():
        func(texts[0])  # lazy loading outside the timing
        seconds, failures = _time_per_item(func, texts)
        peers[name] = {"seconds": seconds, "per_second": staff / seconds, "failures": failures}
    tag_seconds = peers["usaddress.tag"]["seconds"]
    return {
        "staff": staff,
        "distinct_addresses": distinct,
        "stored_addresses": stored,
        "households": households,
        "address_resolution": dict(sorted(hows.items())),
        "create_staff": {
            "seconds": create_seconds,
            "per_second": staff / create_seconds,
            "ms_per_call": 1000 * create_seconds / staff,
        },
        "store_resolve_text": {
            "seconds": resolve_seconds,
            "per_second": staff / resolve_seconds,
            "failures": resolve_failures,
            "stored_addresses": resolved_count,
        },
        "peers": peers,
        "ratios": {
            "create_staff_time_vs_usaddress_tag": create_seconds / tag_seconds,
            "create_staff_time_vs_scourgify": create_seconds
            / peers["scourgify.normalize_address_record"]["seconds"],
            "resolve_throughput_vs_usaddress_tag": tag_seconds / resolve_seconds,
            "resolve_throughput_vs_scourgify": peers["scourgify.normalize_address_record"]["seconds"]
            / resolve_seconds,
        },
    }


def markdown(record: dict[str, Any], meta: dict[str, Any]) -> str:
    """The summary table of ``bench_results/boi.md``."""
    r = record
    peers = r["peers"]
    tag = peers["usaddress.tag"]
    scourgify = peers["scourgify.normalize_address_record"]
    lines = [
        "# Staff module: create_staff with household addresses",
        "",
        f"Date {meta['date']} · {meta['machine']} · Python {meta['python']} · addrmatch {meta['addrmatch']} · "
        f"mode {meta['mode']}",
        "",
        "Produced by `python benchmarks/bench_boi.py` (ADDRMATCH_BENCH_FULL=1 for the full size). "
        f"{r['staff']:,} staff members, each one `Campus.create_staff` call on a database file, with a "
        f"household address drawn from {r['distinct_addresses']:,} distinct addresses written in varied forms.",
        "",
        "| result | value |",
        "|---|---:|",
        f"| distinct addresses | {r['distinct_addresses']:,} |",
        f"| addresses stored | {r['stored_addresses']:,} |",
        f"| staff households | {r['households']:,} |",
        "| address resolution | "
        + ", ".join(f"{how} {n:,}" for how, n in r["address_resolution"].items())
        + " |",
        f"| create_staff | {r['create_staff']['per_second']:,.0f} calls/s ({r['create_staff']['ms_per_call']:.2f} ms) |",
        "",
        "Same address strings, same process (one-line text form of each staff member's address):",
        "",
        "| function | calls/s | vs `usaddress.tag` | vs scourgify | failures |",
        "|---|---:|---:|---:|---:|",
    ]
    rows = [
        ("`Campus.create_staff` (whole call)", r["create_staff"]["seconds"], 0),
        (
            "`AddressStore.resolve` (text)",
            r["store_resolve_text"]["seconds"],
            r["store_resolve_text"]["failures"],
        ),
        ("`usaddress.tag`", tag["seconds"], tag["failures"]),
        ("`scourgify.normalize_address_record`", scourgify["seconds"], scourgify["failures"]),
    ]
    for name, seconds, failures in rows:
        lines.append(
            f"| {name} | {r['staff'] / seconds:,.0f} | {tag['seconds'] / seconds:.2f}x | "
            f"{scourgify['seconds'] / seconds:.2f}x | {failures}/{r['staff']} |"
        )
    lines += [
        "",
        "Ratios are throughput ratios (higher is faster). The peers only parse or normalize a string; "
        "`AddressStore.resolve` also finds or creates the SQLite row, and `create_staff` does the whole "
        "staff call (validation, person, identity, employment, position, staff household, address, "
        "one committed transaction).",
        "",
    ]
    return "\n".join(lines)


def run_meta(mode: str) -> dict[str, Any]:
    """Date, machine, versions and mode of a benchmark run (shared with bench_sync)."""
    return {
        "date": _dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} CPU, {platform.platform()}",
        "python": platform.python_version(),
        "addrmatch": __version__,
        "mode": mode,
    }


def test_boi_create_staff_addresses_once(benchmark) -> None:
    """The benchmark run: every distinct address is stored exactly once."""
    pytest.importorskip("usaddress")
    pytest.importorskip("scourgify")
    staff, addresses = SIZES["full" if FULL else "smoke"]
    record = benchmark.pedantic(run, args=(staff, addresses), rounds=1, iterations=1)
    assert record["stored_addresses"] == record["distinct_addresses"] == addresses
    assert record["store_resolve_text"]["stored_addresses"] == addresses
    assert record["households"] == staff
    assert record["address_resolution"].get("created") == addresses


def main() -> int:
    mode = "full" if FULL else "smoke"
    staff, addresses = SIZES[mode]
    record = run(staff, addresses)
    meta = run_meta(mode)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "boi.json").write_text(
        json.dumps({"benchmark": "boi", **meta, **record}, indent=2) + "\n", encoding="utf-8"
    )
    text = markdown(record, meta)
    (RESULTS / "boi.md").write_text(text, encoding="utf-8")
    print(text)
    ok = record["stored_addresses"] == record["distinct_addresses"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
