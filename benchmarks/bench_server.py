"""HTTP API load test (issue 13): 16 concurrent HR clients on loopback.

``addrmatch serve`` runs in its own process on a Campus database file;
16 client threads (one HTTP connection each) send a fixed number of requests:
each creates staff members (``POST /staffMembers``) whose household addresses
are drawn from a set of distinct addresses written in varied forms (the same
address sent by several clients at once), and updates every staff member it
created (``PUT /staffMembers/{staffNumber}``, a new work phone; every
other one resends the household address). Then the database is checked: every create and
every update is there (zero lost writes) and every distinct address is
stored once (zero duplicate addresses).

The same create payloads are also run in-process (``Campus.create_staff`` on
a database file, one thread), so the ratio shows what HTTP costs.

Usage::

    python benchmarks/bench_server.py            # 16 clients x 100 requests; writes bench_results/server.md
    python benchmarks/bench_server.py --clients 4 --requests 20 --no-write

Under pytest a small run (4 clients x 12 requests) checks the invariants.
Bounded: a fixed request count, a 60 s timeout per request, loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from addrmatch.boi import Campus
from bench_boi import run_meta, workload

RESULTS = Path(__file__).resolve().parent.parent / "bench_results"
API = "/campus/api/businessOfficeIntegration"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(db: Path) -> dict[str, str]:
    campus = Campus(db, clock=lambda: "2024-08-01")
    campus.add_school("010", "Blaine High")
    campus.add_gender("F", "Female")
    campus.add_gender("M", "Male")
    campus.add_assignment_code("20", "Athletic Coach")
    cred = campus.api_credentials()
    campus.close()
    return {"id": cred["clientId"], "secret": cred["clientSecret"]}


def _start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "addrmatch", "serve", str(db), "--port", str(port), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        if proc.poll() is not None:
            raise RuntimeError("the server stopped at start-up")
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the server did not start")


def _in_process_rate(payloads: list[dict[str, Any]]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "inproc.db"
        _prepare(db)
        campus = Campus(db, clock=lambda: "2024-08-01")
        start = time.perf_counter()
        for payload in payloads:
            campus.create_staff(payload)
        elapsed = time.perf_counter() - start
        campus.close()
    return len(payloads) / elapsed


def run(clients: int, requests: int, *, distinct: int) -> dict[str, Any]:
    """The load test; returns its figures (and raises AssertionError on a lost write or a duplicate)."""
    creates_per_client = requests // 2
    total_creates = clients * creates_per_client
    payloads, _, distinct_count = workload(total_creates, min(distinct, total_creates))
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "campus.db"
        cred = _prepare(db)
        port = _free_port()
        server = _start_server(db, port)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        expected_phone: dict[str, str] = {}
        lock = threading.Lock()
        errors: list[str] = []

        def client(index: int) -> None:
            mine = payloads[index * creates_per_client : (index + 1) * creates_per_client]
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as http:
                answer = http.post(
                    "/campus/oauth2/token",
                    data={"grant_type": "client_credentials"},
                    auth=(cred["id"], cred["secret"]),
                )
                http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
                work: list[tuple[str, str, Any]] = []
                for payload in mine:
                    work.append(("POST", f"{API}/staffMembers", payload))
                for i, payload in enumerate(mine):
                    address = payload["household"]["householdLocations"][0]["address"]
                    update = {"workPhone": f"763-555-{index:02d}{i:02d}"}
                    if i % 2:  # the household's address sent again: found, not stored twice
                        update["household"] = {"householdLocations": [{"address": address}]}
                    work.append(("PUT", f"{API}/staffMembers/{payload['staffNumber']}", update))
                for method, path, body in work:
                    start = time.perf_counter()
                    response = http.request(method, path, json=body)
                    elapsed = time.perf_counter() - start
                    with lock:
                        latencies.append(elapsed)
                        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                        if response.status_code != 200:
                            errors.append(f"{method} {path}: {response.status_code} {response.text[:200]}")
                        elif method == "PUT":
                            expected_phone[path.rsplit("/", 1)[1]] = body["workPhone"]

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        wall = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=900)
        wall = time.perf_counter() - wall
        server.terminate()
        server.wait(timeout=30)
        campus = Campus(db)
        stored = len(campus.store)
        duplicates = campus.store.duplicates()
        lost = [n for n, phone in expected_phone.items() if campus.get_staff(n)["workPhone"] != phone]
        missing = [
            p["staffNumber"] for p in payloads if not campus.search_staff(staff_number=p["staffNumber"])
        ]
        campus.close()
    load_after = os.getloadavg()
    latencies.sort()
    count = len(latencies)

    def pct(p: float) -> float:
        return latencies[min(count - 1, int(p * count))] * 1000

    in_process = _in_process_rate(payloads)
    result = {
        "clients": clients,
        "requests": count,
        "creates": total_creates,
        "updates": len(expected_phone),
        "distinctAddresses": distinct_count,
        "addressForms": len({json.dumps(p["household"], sort_keys=True) for p in payloads}),
        "addressesStored": stored,
        "duplicateAddressGroups": len(duplicates),
        "lostWrites": len(lost) + len(missing),
        "statuses": statuses,
        "errors": errors[:5],
        "seconds": wall,
        "requestsPerSecond": count / wall,
        "p50ms": pct(0.50),
        "p95ms": pct(0.95),
        "p99ms": pct(0.99),
        "meanMs": statistics.fmean(latencies) * 1000,
        "inProcessCreatePerSecond": in_process,
        "loadBefore": load_before,
        "loadAfter": load_after,
    }
    assert not errors, errors[:5]
    assert result["lostWrites"] == 0, (lost[:5], missing[:5])
    assert result["duplicateAddressGroups"] == 0
    assert result["addressesStored"] == distinct_count  # every address once
    return result


def markdown(r: dict[str, Any], meta: dict[str, Any]) -> str:
    ratio = r["requestsPerSecond"] / r["inProcessCreatePerSecond"]
    return f"""# BOI HTTP API load test

`python benchmarks/bench_server.py` — {meta["date"]}, {meta["machine"]}, Python {meta["python"]},
addrmatch {meta["addrmatch"]}. Machine load (1/5/15 min) at the start: {r["loadBefore"][0]:.2f} /
{r["loadBefore"][1]:.2f} / {r["loadBefore"][2]:.2f}; at the end: {r["loadAfter"][0]:.2f} / {r["loadAfter"][1]:.2f} /
{r["loadAfter"][2]:.2f} (2 cores shared with other work).

`addrmatch serve` (uvicorn, one process) on a Campus database file; {r["clients"]} client threads on
loopback, one HTTP connection and one bearer token each, {r["requests"]:,} requests in all: {r["creates"]:,}
`POST /staffMembers` (household addresses drawn from a set of distinct addresses written in varied
forms, the same address sent by several clients at once) and {r["updates"]:,} `PUT /staffMembers/{{staffNumber}}`
(a new work phone; every other one also resends the address).

| figure | value |
|---|---:|
| requests/s (all clients) | {r["requestsPerSecond"]:,.0f} |
| latency p50 / p95 / p99 | {r["p50ms"]:.1f} / {r["p95ms"]:.1f} / {r["p99ms"]:.1f} ms |
| in-process `Campus.create_staff` (one thread, same payloads) | {r["inProcessCreatePerSecond"]:,.0f} calls/s |
| HTTP requests/s ÷ in-process calls/s | {ratio:.2f}x |
| lost writes (creates or updates not in the database) | {r["lostWrites"]} |
| distinct addresses (sent in {r["addressForms"]:,} different writings) / addresses stored / duplicate groups | {r["distinctAddresses"]:,} / {r["addressesStored"]:,} / {r["duplicateAddressGroups"]} |
| responses | {", ".join(f"{k}: {v:,}" for k, v in sorted(r["statuses"].items()))} |

Every call is one transaction on one SQLite connection (the Campus serialises calls), so
concurrency adds queueing, not throughput: the ratio is what HTTP, JSON, the token check and
the threadpool cost per call on top of the in-process call.
"""


def test_server_load_loses_nothing() -> None:
    result = run(4, 12, distinct=10)
    assert result["requests"] == 48 and result["lostWrites"] == 0 and result["duplicateAddressGroups"] == 0
    assert result["addressesStored"] == result["distinctAddresses"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=100, help="requests per client (half creates)")
    parser.add_argument("--distinct", type=int, default=200, help="distinct addresses")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    result = run(args.clients, args.requests, distinct=args.distinct)
    meta = run_meta(f"{args.clients} clients x {args.requests} requests")
    text = markdown(result, meta)
    print(text)
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "server.md").write_text(text, encoding="utf-8")
        (RESULTS / "server.json").write_text(json.dumps({"meta": meta, **result}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
