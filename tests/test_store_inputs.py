"""Hostile and careless arguments to AddressStore (issue 9, items 1, 4 and 5).

Every bad argument of ``resolve``, ``find``, ``add_many``, ``import_rows``, ``search`` and
``get`` raises :class:`AddressError` naming the argument (never ``UnicodeEncodeError``,
``TypeError``, ``AttributeError`` or ``OverflowError``), and a failed call leaves the database
exactly as it was: a full ``iterdump()`` is compared before and after.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from addrmatch import Address, AddressError, AddressStore
from addrmatch.store import MAX_SEARCH_LIMIT

BLAINE = "Blaine, MN 55123"
SURROGATE = "12 Ma\udcffin St, Blaine MN 55123"


def dump(store: AddressStore) -> list[str]:
    """The whole database, as SQL text (rows, tables, indexes)."""
    return list(store.connection.iterdump())


@pytest.fixture
def store(tmp_path: Path) -> Iterator[AddressStore]:
    with AddressStore(tmp_path / "a.db") as s:
        s.add_many([f"{n} Main St, {BLAINE}" for n in range(1, 6)])
        s.import_rows([f"1 Main Street, {BLAINE}"])
        yield s


def _generator_failing_after(n: int) -> Iterator[str]:
    for i in range(n):
        yield f"{100 + i} Oak Ave, {BLAINE}"
    raise RuntimeError("the caller's data source broke")


BAD_CALLS: list[tuple[str, Callable[[AddressStore], Any], str]] = [
    # (id, call, the argument the error must name)
    ("resolve-surrogate", lambda s: s.resolve(SURROGATE), "fullStreetAddress"),
    ("resolve-surrogate-mapping", lambda s: s.resolve({"number": "12", "street": "Ma\ud800in"}), "street"),
    ("resolve-surrogate-address", lambda s: s.resolve(Address(number="12", street="M\udfffain")), "street"),
    ("resolve-none", lambda s: s.resolve(None), "address"),
    ("resolve-bytes", lambda s: s.resolve(b"12 Main St"), "address"),
    ("resolve-int-component", lambda s: s.resolve(Address(number=12, street="Main")), "number"),  # type: ignore[arg-type]
    ("resolve-huge-number", lambda s: s.resolve({"number": 10**4300, "street": "Main"}), "number"),
    ("resolve-1mb", lambda s: s.resolve("12 Main St " + "x" * 1_000_000), "fullStreetAddress"),
    ("resolve-nul", lambda s: s.resolve("12 Main\x00 St"), "fullStreetAddress"),
    ("find-surrogate", lambda s: s.find(SURROGATE), "fullStreetAddress"),
    ("find-list", lambda s: s.find(["12 Main St"]), "address"),
    ("add_many-surrogate", lambda s: s.add_many([f"7 Elm St, {BLAINE}", SURROGATE]), "fullStreetAddress"),
    (
        "add_many-late-bad-value",
        lambda s: s.add_many([*(f"{n} Elm St, {BLAINE}" for n in range(20)), None], batch_size=3),
        "address",
    ),
    ("add_many-str", lambda s: s.add_many("12 Main St, Blaine MN"), "values"),
    ("add_many-mapping", lambda s: s.add_many({"number": "12", "street": "Main"}), "values"),
    ("add_many-int", lambda s: s.add_many(5), "values"),
    ("add_many-batch-str", lambda s: s.add_many([], batch_size="5"), "batch_size"),
    ("add_many-batch-0", lambda s: s.add_many(["9 Elm St"], batch_size=0), "batch_size"),
    ("add_many-batch-huge", lambda s: s.add_many(["9 Elm St"], batch_size=10**30), "batch_size"),
    ("add_many-workers", lambda s: s.add_many(["9 Elm St"], workers="2"), "workers"),
    ("add_many-progress", lambda s: s.add_many(["9 Elm St"], progress="yes"), "progress"),
    (
        "import_rows-surrogate",
        lambda s: s.import_rows([f"8 Elm St, {BLAINE}", SURROGATE]),
        "fullStreetAddress",
    ),
    ("import_rows-bytes", lambda s: s.import_rows(b"12 Main"), "values"),
    ("import_rows-batch", lambda s: s.import_rows(["9 Elm St"], batch_size=-1), "batch_size"),
    ("search-none", lambda s: s.search(None), "text"),
    ("search-bytes", lambda s: s.search(b"12 Main"), "text"),
    ("search-surrogate", lambda s: s.search("12 Ma\udcffin"), "text"),
    ("search-1mb", lambda s: s.search("x" * 1_000_000), "text"),
    ("search-limit-str", lambda s: s.search("12 Main", limit="5"), "limit"),
    ("search-limit-huge", lambda s: s.search("12 Main", limit=10**30), "limit"),
    ("search-limit-negative", lambda s: s.search("12 Main", limit=-1), "limit"),
    ("search-limit-bool", lambda s: s.search("12 Main", limit=True), "limit"),
    ("search-limit-float", lambda s: s.search("12 Main", limit=5.0), "limit"),
    ("search-min-score-str", lambda s: s.search("12 Main", min_score="50"), "min_score"),
    ("search-min-score-nan", lambda s: s.search("12 Main", min_score=float("nan")), "min_score"),
    ("search-min-score-big", lambda s: s.search("12 Main", min_score=101), "min_score"),
    ("get-huge", lambda s: s.get(2**70), "id"),
    ("get-str", lambda s: s.get("x"), "id"),
    ("get-bool", lambda s: s.get(True), "id"),
    ("get-float", lambda s: s.get(1.0), "id"),
    ("get-none", lambda s: s.get(None), "id"),
    ("get_many-unhashable", lambda s: s.get_many([[1]]), "ids"),  # found by the fuzz: was a TypeError
]


@pytest.mark.parametrize(("call", "argument"), [c[1:] for c in BAD_CALLS], ids=[c[0] for c in BAD_CALLS])
def test_a_bad_argument_is_an_address_error_naming_it_and_changes_nothing(
    store: AddressStore, call: Callable[[AddressStore], Any], argument: str
) -> None:
    before = dump(store)
    with pytest.raises(AddressError) as info:
        call(store)
    assert argument in info.value.fields, (info.value.fields, str(info.value))
    assert str(info.value).startswith(f"{argument}:"), str(info.value)
    assert len(str(info.value)) < 300  # a huge value is never echoed whole
    assert dump(store) == before


def test_a_bulk_call_fails_whole_and_says_which_value(store: AddressStore) -> None:
    before = dump(store)
    values = [*(f"{n} Elm St, {BLAINE}" for n in range(20)), SURROGATE, f"99 Elm St, {BLAINE}"]
    for call in (store.add_many, store.import_rows):
        with pytest.raises(AddressError) as info:
            call(values, batch_size=3)  # six batches were written before value 20 failed
        assert any("value 20 of the call" in note for note in info.value.__notes__)
        assert dump(store) == before


def test_a_bulk_call_with_workers_fails_whole_and_says_which_value(store: AddressStore) -> None:
    before = dump(store)
    values = [*(f"{n} Elm St, {BLAINE}" for n in range(40)), {"number": 10**4300}]
    with pytest.raises(AddressError) as info:
        store.add_many(values, batch_size=8, workers=2)
    assert info.value.fields == ("number",)
    assert any("value 40 of the call" in note for note in info.value.__notes__)
    assert dump(store) == before


def test_a_failing_iterable_or_progress_callback_rolls_the_call_back(store: AddressStore) -> None:
    before = dump(store)
    with pytest.raises(RuntimeError, match="data source"):
        store.add_many(_generator_failing_after(10), batch_size=4)
    with pytest.raises(RuntimeError, match="data source"):
        store.import_rows(_generator_failing_after(10), batch_size=4)

    def stop(done: int, total: int | None) -> None:
        if done >= 8:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.add_many([f"{n} Birch Ln, {BLAINE}" for n in range(20)], batch_size=4, progress=stop)
    assert dump(store) == before


def test_a_failed_call_inside_the_callers_transaction_undoes_only_itself(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "a.db", isolation_level=None)
    store = AddressStore(conn)
    conn.execute("BEGIN")
    store.resolve(f"1 Main St, {BLAINE}")
    before = list(conn.iterdump())
    with pytest.raises(AddressError):
        store.add_many([f"2 Main St, {BLAINE}", SURROGATE], batch_size=1)
    assert conn.in_transaction and list(conn.iterdump()) == before
    conn.execute("COMMIT")
    assert len(store) == 1


def test_good_arguments_at_the_limits_still_work(store: AddressStore) -> None:
    assert store.search("1 Main St", limit=0) == []
    assert len(store.search("1 Main St", limit=MAX_SEARCH_LIMIT, min_score=0)) >= 1
    assert store.search("1 Main St", min_score=100.0) == store.search("1 Main St", min_score=100)
    with pytest.raises(KeyError, match="id"):
        store.get(2**63 - 1)
    with pytest.raises(KeyError, match="id"):
        store.get(-1)
    assert store.add_many((f"{n} Main St, {BLAINE}" for n in range(1, 3)), batch_size=1) == [1, 2]
    assert store.add_many([]) == [] and store.import_rows(()) == []


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"on_ambiguous": "merge"}, "on_ambiguous"),
        ({"timeout": "60"}, "timeout"),
        ({"timeout": -1}, "timeout"),
        ({"read_only": "yes"}, "read_only"),
        ({"create": None}, "create"),
    ],
)
def test_bad_store_options_are_address_errors(kwargs: dict[str, Any], argument: str) -> None:
    with pytest.raises(AddressError) as info:
        AddressStore(**kwargs)
    assert info.value.fields == (argument,)
