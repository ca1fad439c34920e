"""Bulk loading for :meth:`addrmatch.AddressStore.add_many` and ``import_rows``.

* :func:`check_bulk`: the arguments of a bulk call, checked first;
* :class:`PreparedBatches`: values prepared a batch at a time, in this
  process or in worker processes while the caller writes;
* :func:`add_batches` / :func:`import_batches`: the tiers over a batch's
  prefetched rows (:class:`addrmatch._store_sources.Batch`) and one insert
  per batch, inside the caller's write transaction;
* :func:`bulk_gc`: Python's automatic garbage collection paused for the call.
"""

from __future__ import annotations

import gc
import multiprocessing
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from itertools import islice
from typing import Any

from addrmatch._store_sources import CHUNK, Batch, insert_rows, next_id, row_values
from addrmatch._store_tiers import Input, Resolution, Row, alias_keys, match, prepare
from addrmatch.address import Address
from addrmatch.errors import AddressError
from addrmatch.inputs import check_integer
from addrmatch.normalize import AddressInput

__all__ = [
    "MAX_BATCH_SIZE",
    "MAX_WORKERS",
    "PreparedBatches",
    "ProgressCallback",
    "add_batches",
    "bulk_gc",
    "check_bulk",
    "import_batches",
]

#: The largest ``batch_size`` of the bulk calls, and the most ``workers``.
MAX_BATCH_SIZE = 1_000_000
MAX_WORKERS = 64
#: ``progress(done, total)``: values handled so far, and their number when known.
ProgressCallback = Callable[[int, int | None], None]


def check_bulk(values: object, batch_size: object, progress: object, workers: object, call: str) -> None:
    """The arguments of a bulk call, checked before anything is read or written."""
    if isinstance(values, (str, bytes, Mapping, Address)) or not isinstance(values, Iterable):
        one = isinstance(values, (str, Mapping, Address))
        raise AddressError(
            f"values: {call} takes an iterable of addresses (text, Address or BOI mapping), "
            f"got {type(values).__name__}" + ("; for one address use resolve" if one else ""),
            fields=("values",),
            rule="type",
        )
    check_integer(batch_size, field="batch_size", minimum=1, maximum=MAX_BATCH_SIZE)
    check_integer(workers, field="workers", minimum=1, maximum=MAX_WORKERS)
    if progress is not None and not callable(progress):
        raise AddressError(
            f"progress: expected a function progress(done, total) or None, got {type(progress).__name__}",
            fields=("progress",),
            rule="type",
        )


def _batches(values: Iterable[AddressInput], size: int) -> Iterator[list[AddressInput]]:
    iterator = iter(values)
    while batch := list(islice(iterator, size)):
        yield batch


def _prepare_batch(values: list[AddressInput]) -> list[tuple[Any, ...]] | int:
    """In a worker process: prepare a batch; the index of the first value
    that fails instead (the caller prepares it again to raise the error)."""
    out = []
    for i, value in enumerate(values):
        try:
            out.append(prepare(value).dump())
        except Exception:
            return i
    return out


def _locate(error: AddressError, index: int) -> None:
    """Say which value of a bulk call failed (the call stored nothing)."""
    error.add_note(f"(value {index:,} of the call, counting from 0; nothing was stored)")


class PreparedBatches:
    """Batches of prepared inputs, from this process or from ``workers``
    processes that prepare the next batches while the caller writes.

    The processes are started here, before the caller opens its write
    transaction (with ``fork`` where the platform has it, so that a script
    without a ``__main__`` guard works too)."""

    def __init__(self, values: Iterable[AddressInput], size: int, workers: int) -> None:
        self.chunks = _batches(values, size)
        self.pool: ProcessPoolExecutor | None = None
        self.pending: deque[tuple[list[AddressInput], Future[Any]]] = deque()
        if workers > 1:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            self.pool = ProcessPoolExecutor(workers, mp_context=context)
            for chunk in islice(self.chunks, 2 * workers):
                self.pending.append((chunk, self.pool.submit(_prepare_batch, chunk)))

    def __iter__(self) -> Iterator[list[Input]]:
        done = 0  # values before this batch
        if self.pool is None:
            for chunk in self.chunks:
                prepared = []
                for value in chunk:
                    try:
                        prepared.append(prepare(value))
                    except AddressError as e:
                        _locate(e, done + len(prepared))
                        raise
                yield prepared
                done += len(chunk)
            return
        while self.pending:
            chunk, future = self.pending.popleft()
            following = next(self.chunks, None)
            if following is not None:
                self.pending.append((following, self.pool.submit(_prepare_batch, following)))
            result = future.result()
            if isinstance(result, int):
                try:
                    prepare(chunk[result])  # raises the error here, with all its fields
                except AddressError as e:
                    _locate(e, done + result)
                    raise
                raise RuntimeError(f"addrmatch: value {result} of a batch failed in a worker only")
            yield [Input.load(t) for t in result]
            done += len(chunk)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


_gc_lock = threading.Lock()
_gc_depth = 0
_gc_was_enabled = False


@contextmanager
def bulk_gc() -> Iterator[None]:
    """Pause Python's automatic garbage collection for a bulk call.

    A bulk call keeps a batch of objects alive at a time, which the
    collector promotes into its oldest generation, so it runs a full
    collection (of the whole process, the caller's data included) every
    batch or two: measured, a quarter of ``add_many``'s time. The objects
    of a bulk call hold no reference cycles, so nothing is lost; the
    collector is switched back on when the last bulk call running in the
    process ends (counted, so threads do not switch it on under each other).
    """
    global _gc_depth, _gc_was_enabled
    with _gc_lock:
        if _gc_depth == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0 and _gc_was_enabled:
                gc.enable()


def add_batches(
    conn: sqlite3.Connection,
    batches: Iterable[list[Input]],
    *,
    settle: Callable[[list[Row], Input], Resolution] | None,
    progress: ProgressCallback | None,
    total: int | None,
    typos: bool = False,
) -> list[int]:
    """Find or create each prepared value, a batch at a time: the rows a
    batch can match are prefetched, its new rows inserted together. An
    ambiguous partial match creates a row, or (``settle`` given: the store's
    ``oldest``/``raise`` policy) is settled by ``settle``; ``typos`` adds the
    typo tier. The ids, in order."""
    ids: list[int] = []
    new_id = next_id(conn)
    for inputs in batches:
        batch = Batch(conn)
        batch.load_keys(i.key for i in inputs)
        misses = [i for i in inputs if batch.keys.get(i.key) is None]
        batch.load_keys(i.reparsed()[1] for i in misses)
        batch.load_near(i.reparsed()[0] for i in misses)
        batch.load_keys(key for i in misses for key in alias_keys(i.reparsed()[0]))
        for inp in inputs:
            found = match(inp, batch, typos=typos)
            if isinstance(found, Resolution):
                ids.append(found.id)
                continue
            if found and settle is not None:
                ids.append(settle(found, inp).id)
                continue
            target, key = inp.reparsed()
            batch.create(new_id, target, key, inp.original)
            ids.append(new_id)
            new_id += 1
        if batch.new_rows:
            insert_rows(conn, batch.new_rows)
        if progress is not None:
            progress(len(ids), total)
    return ids


def import_batches(
    conn: sqlite3.Connection,
    batches: Iterable[list[Input]],
    *,
    progress: ProgressCallback | None,
    total: int | None,
) -> list[int]:
    """Store each prepared value as a legacy row (no lookup); a key already
    stored gets the next ``duplicate`` number. The ids, in order."""
    ids: list[int] = []
    new_id = next_id(conn)
    for inputs in batches:
        rows = [(inp, *inp.reparsed()) for inp in inputs]
        keys = list(dict.fromkeys(key for _, _, key in rows))
        counts: dict[str, int] = {}
        for start in range(0, len(keys), CHUNK):
            part = keys[start : start + CHUNK]
            counts.update(
                conn.execute(
                    "SELECT match_key, max(duplicate) + 1 FROM addresses "
                    f"WHERE match_key IN ({','.join('?' * len(part))}) GROUP BY match_key",
                    part,
                ).fetchall()
            )
        values: list[tuple[Any, ...]] = []
        for inp, address, key in rows:
            duplicate = counts.get(key, 0)
            counts[key] = duplicate + 1
            values.append(row_values(new_id, address, inp.original, key, duplicate, 1))
            ids.append(new_id)
            new_id += 1
        insert_rows(conn, values)
        if progress is not None:
            progress(len(ids), total)
    return ids
