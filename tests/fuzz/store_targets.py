"""Targets: :class:`~addrmatch.AddressStore` on a temporary file.

``store``: a few calls (resolve, find, add_many, import_rows, search, get,
get_many, duplicates, ``in``) on a fresh copy of the template store; a call
may raise an :class:`~addrmatch.AddressError` (``get``: also ``KeyError``)
and a failed or reading call leaves a full ``iterdump()`` unchanged.

``store.open``: ``AddressStore(path, ...)`` on the hostile database paths of
:data:`~tests.fuzz.fixtures.DB_KINDS` with hostile options; a refused open
leaves every file as it was (bytes and modes, no journal created), a file
that is not addrmatch's is always refused, and a store opened read-only
never changes its file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from tests.fuzz.fixtures import DB_KINDS, Workspace
from tests.fuzz.oracle import STORE_ERRORS, Violation, call, dump, same_dump, same_files, snapshot_files
from tests.fuzz.target import target
from tests.fuzz.values import (
    Call,
    address_texts,
    address_values,
    anything,
    calls,
    hostile_int,
    hostile_scalar,
    hostile_text,
    mostly,
    optional_kwargs,
    or_hostile,
)

from addrmatch import AddressStore

__all__ = ["MUST_REFUSE", "READING", "open_checked", "run_steps", "same_database_file", "store_steps"]

#: Calls that never write.
READING = frozenset({"find", "search", "get", "get_many", "duplicates", "in", "len"})
#: Must be refused by any open (``AddressStore`` and ``Campus``).
MUST_REFUSE = frozenset(
    {
        "directory",
        "text file",
        "truncated store",
        "sqlite header only",
        "other application",
        "other application with addresses",
        "missing directory",
        "dangling symlink",
        "path with NUL",
        "long name",
        "empty path",
    }
)

_typos = optional_kwargs(typos=or_hostile(st.sampled_from([True, False, None]), hostile=hostile_scalar))
_small_ints = st.sampled_from([1, 2, 3, 5000, 0, -1, 10**7, 10**30, True, 1.0, "2", None])
_values = st.one_of(st.lists(address_values(), max_size=6), st.lists(address_texts(), max_size=30), anything)
_bulk = optional_kwargs(
    batch_size=_small_ints,
    workers=st.sampled_from([1, 0, -1, 10**30, True, 1.0, "1", None]),
    progress=st.sampled_from([None, lambda done, total: None, "print", 3]),
)


def store_steps() -> st.SearchStrategy[list[tuple[str, Call]]]:
    """One to three store calls: (method, arguments)."""
    step = st.one_of(
        st.tuples(st.just("resolve"), st.builds(lambda v, k: Call(v, **k), address_values(), _typos)),
        st.tuples(st.just("find"), st.builds(lambda v, k: Call(v, **k), address_values(), _typos)),
        st.tuples(st.just("add_many"), st.builds(lambda v, k, t: Call(v, **k, **t), _values, _bulk, _typos)),
        st.tuples(st.just("import_rows"), st.builds(lambda v, k: Call(v, **k), _values, _bulk)),
        st.tuples(
            st.just("search"),
            st.builds(
                lambda t, k: Call(t, **k),
                st.one_of(address_texts(), hostile_text, anything),
                optional_kwargs(
                    limit=or_hostile(st.integers(1, 50), hostile=hostile_scalar),
                    min_score=or_hostile(st.floats(0, 100), hostile=hostile_scalar),
                ),
            ),
        ),
        st.tuples(st.just("get"), calls(mostly(st.integers(0, 12)))),
        st.tuples(st.just("get_many"), calls(st.one_of(st.lists(or_hostile(st.integers(0, 12))), anything))),
        st.tuples(st.just("duplicates"), st.just(Call())),
        st.tuples(st.just("in"), calls(address_values())),
        st.tuples(st.just("len"), st.just(Call())),
    )
    return st.lists(step, min_size=1, max_size=3)


def _invoke(store: AddressStore, method: str, args: Call) -> Any:
    if method == "in":
        return args.args[0] in store
    if method == "len":
        return len(store)
    return getattr(store, method)(*args.args, **args.kwargs)


def _options() -> st.SearchStrategy[dict[str, Any]]:
    return optional_kwargs(
        on_ambiguous=mostly(["create", "oldest", "raise"]),
        typos=mostly([True, False]),
    )


@target("store", "store", lambda: st.tuples(_options(), store_steps()))
def run_store(ws: Workspace, case: tuple[dict[str, Any], list[tuple[str, Call]]]) -> None:
    """AddressStore(file).resolve/find/add_many/import_rows/search/get/get_many/duplicates/in"""
    options, steps = case
    where = ws.fresh_dir()
    try:
        path = ws.copy_of("store", where)
        opened = call(
            lambda: AddressStore(path, **options), STORE_ERRORS, case=case, what="AddressStore(...)"
        )
        if opened.failed:
            return
        store = opened.result
        try:
            run_steps(store, steps, case=case)
        finally:
            store.close()
    finally:
        ws.cleanup(where)


def run_steps(store: AddressStore, steps: list[tuple[str, Call]], *, case: Any) -> None:
    """Run the calls; a failed or reading call leaves the database as it was."""
    for method, args in steps:
        before = dump(store.connection)
        allowed = (*STORE_ERRORS, KeyError) if method == "get" else STORE_ERRORS
        outcome = call(
            lambda m=method, a=args: _invoke(store, m, a), allowed, case=case, what=f"store.{method}"
        )
        if outcome.failed or method in READING:
            same_dump(before, dump(store.connection), what=f"store.{method}")
    check = store.connection.execute("PRAGMA integrity_check").fetchone()[0]
    if check != "ok":
        raise Violation(f"the store's database fails integrity_check after the calls: {check}")


def _open_options() -> st.SearchStrategy[dict[str, Any]]:
    return optional_kwargs(
        read_only=mostly([None, True, False]),
        create=mostly([True, False]),
        on_ambiguous=mostly(["create", "oldest", "raise"]),
        timeout=or_hostile(st.sampled_from([0, 0.5, 5]), hostile=st.one_of(hostile_int, hostile_scalar)),
        typos=mostly([True, False]),
    )


@target("store.open", "store", lambda: st.tuples(st.sampled_from(DB_KINDS), _open_options(), store_steps()))
def run_store_open(ws: Workspace, case: tuple[str, dict[str, Any], list[tuple[str, Call]]]) -> None:
    """AddressStore(hostile path, read_only=..., create=...), then calls if it opened"""
    kind, options, steps = case
    where = ws.fresh_dir()
    try:
        path = ws.database_path(kind, where)
        before = snapshot_files(str(where))
        store = open_checked(kind, where, lambda: AddressStore(path, **options), STORE_ERRORS, case=case)
        if store is None:
            return
        try:
            run_steps(store, steps, case=case)
        finally:
            store.close()
        if store.read_only:
            same_database_file(before, str(where), what=f"a read-only store ({kind})")
    finally:
        ws.cleanup(where)


def same_database_file(before: dict[str, tuple[int, bytes | None]], directory: str, *, what: str) -> None:
    """A database opened read-only kept its file (bytes and mode). SQLite's
    shared-memory files beside a WAL database (``-shm``, an empty ``-wal``),
    which a reader creates when the directory allows, are not the database."""
    after = snapshot_files(directory)
    wal = after.get("db.sqlite-wal")
    if wal is not None and wal[1] and "db.sqlite-wal" not in before:
        raise Violation(f"{what}: a read-only open wrote {len(wal[1]):,} bytes of WAL")
    for name in ("db.sqlite", "db.sqlite-wal"):
        if name in before and before[name] != after.get(name):
            raise Violation(f"{what}: changed {name}")


def open_checked(
    kind: str, where: Path, opener: Any, allowed: tuple[type[BaseException], ...], *, case: Any
) -> Any:
    """Open with ``opener``; None when refused. A refusal leaves the directory
    as it was; a database of a kind in :data:`MUST_REFUSE` is refused."""
    what = f"open of a {kind!r} database"
    before = snapshot_files(str(where))
    outcome = call(opener, allowed, case=case, what=what)
    if outcome.failed:
        same_files(before, str(where), what=what)
        return None
    if kind in MUST_REFUSE:
        outcome.result.close()
        raise Violation(f"{what}: opened instead of refused")
    return outcome.result
