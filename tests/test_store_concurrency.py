"""AddressStore under concurrent writers: several processes, one database file.

Every process resolves the same overlapping addresses (written in different
ways, in a different order, some through ``add_many``) at the same moment.
Afterwards the file must hold exactly one row per key, and every process
must have got the same id for the same address.
"""

from __future__ import annotations

import multiprocessing
import random
import sqlite3
from pathlib import Path

from addrmatch import AddressStore, match_key
from addrmatch._store_schema import SCHEMA_VERSION
from addrmatch.key import KEY_VERSION

PROCESSES = 4
STREETS = ("Main St", "N Lexington Ave", "W 51st Pl", "Oak Street", "S Maple Avenue")


def _addresses() -> list[str]:
    """60 addresses, each written three ways (so 180 values, 60 keys)."""
    out = []
    for n in range(1, 13):
        for street in STREETS:
            out.append(f"{n * 10} {street}, Blaine, MN 55123")
    return out


def _written(text: str, how: int) -> str | dict[str, str]:
    if how == 0:
        return text
    if how == 1:
        return text.upper().replace(",", "").replace(" ST ", " STREET ").replace(" AVE ", " AVENUE ")
    number, rest = text.split(" ", 1)
    street = rest.split(",", 1)[0]
    return {"fullStreetAddress": f"{number} {street}", "city": "Blaine", "state": "MN", "zip": "55123-0001"}


def _worker(
    path: str, seed: int, barrier: multiprocessing.synchronize.Barrier, queue: multiprocessing.Queue
) -> None:
    try:
        queue.put(_resolve_all(path, seed, barrier))
    except Exception as e:  # reported to the test, which fails with it
        queue.put(f"process {seed}: {e!r}")


def _resolve_all(path: str, seed: int, barrier: multiprocessing.synchronize.Barrier) -> dict[str, int]:
    rng = random.Random(seed)
    values = [(text, _written(text, how)) for text in _addresses() for how in range(3)]
    rng.shuffle(values)
    store = AddressStore(path, timeout=60)
    barrier.wait(timeout=60)
    seen: dict[str, int] = {}
    half = len(values) // 2
    for text, value in values[:half]:
        seen.setdefault(match_key(text), store.resolve(value).id)
    bulk = values[half:]
    for (text, _), row_id in zip(bulk, store.add_many([v for _, v in bulk], batch_size=7), strict=True):
        seen.setdefault(match_key(text), row_id)
    for text, value in values:
        assert store.resolve(value).id == seen[match_key(text)]
    store.close()
    return seen


def test_concurrent_writers_leave_exactly_one_row_per_key(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    AddressStore(path).close()  # schema first, so the race is about the rows
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    queue = ctx.Queue()
    processes = [ctx.Process(target=_worker, args=(path, seed, barrier, queue)) for seed in range(PROCESSES)]
    for p in processes:
        p.start()
    results = [queue.get(timeout=120) for _ in processes]
    for p in processes:
        p.join(timeout=60)
    assert not [r for r in results if isinstance(r, str)], results
    assert [p.exitcode for p in processes] == [0] * PROCESSES
    keys = {match_key(text) for text in _addresses()}
    assert all(set(r) == keys for r in results)
    for key in keys:
        assert len({r[key] for r in results}) == 1, f"processes got different ids for {key}"
    with sqlite3.connect(path) as conn:
        stored = conn.execute("SELECT match_key, count(*) FROM addresses GROUP BY match_key").fetchall()
    assert dict(stored) == dict.fromkeys(keys, 1)


def _schema_worker(
    path: str, barrier: multiprocessing.synchronize.Barrier, queue: multiprocessing.Queue
) -> None:
    try:
        barrier.wait(timeout=60)
        store = AddressStore(path, timeout=60)
        queue.put(store.resolve("1 Main St, Blaine MN 55123").id)
        store.close()
    except Exception as e:  # reported to the test, which fails with it
        queue.put(repr(e))


def test_concurrent_first_opens_create_the_schema_once(tmp_path: Path) -> None:
    path = str(tmp_path / "fresh.db")
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    queue = ctx.Queue()
    processes = [ctx.Process(target=_schema_worker, args=(path, barrier, queue)) for _ in range(PROCESSES)]
    for p in processes:
        p.start()
    ids = [queue.get(timeout=120) for _ in processes]
    for p in processes:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert ids == [1] * PROCESSES
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM addresses").fetchone() == (1,)
        assert dict(conn.execute("SELECT name, value FROM addrmatch_meta").fetchall()) == {
            "store_schema_version": str(SCHEMA_VERSION),
            "match_key_version": str(KEY_VERSION),
        }
