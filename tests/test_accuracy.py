"""Per-field parse accuracy on the labelled training corpus (tests/data/corpus/parse_train.jsonl, frozen from shared/corpus).

The same measurement as ``scripts/accuracy.py``: a field is right when
``parse`` returns exactly the gold value (as written); an
``UnparseableAddressError`` counts every field wrong.

Two readings are measured: ``parse`` (fast path, usaddress below the
confidence threshold) and the fast reader alone (``fallback=False``), which
is what ``normalize`` and ``match_key`` read text with. Floors are the
measured values minus about one percentage point, so that a change which
makes the parser worse fails here. Raise them when the parser gets better.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from addrmatch import AddressError, canonicalize, normalize, parse_details

CORPUS = Path(__file__).resolve().parent / "data" / "corpus" / "parse_train.jsonl"
FIELDS = ("number", "prefix", "street", "tag", "direction", "apt", "city", "state", "zip", "po_box")

# parse (fast path, usaddress below CONFIDENT). Measured 2026-11-28 on the 1,215 records
# (fast path 1,087, CRF 128):
#   number 0.9844  prefix 0.9597  street 0.9218  tag 0.9539  direction 0.9564
#   apt 0.9835  city 0.9564  state 0.9934  zip 0.9992  po_box 0.9975  all fields 0.8675
FLOORS = {
    "number": 0.974,
    "prefix": 0.949,
    "street": 0.911,
    "tag": 0.943,
    "direction": 0.946,
    "apt": 0.973,
    "city": 0.946,
    "state": 0.983,
    "zip": 0.989,
    "po_box": 0.987,
    "all": 0.857,
}
# The fast reader alone, parse_details(text, fallback=False): what normalize and
# match_key read text with. Measured 2026-11-28:
#   number 0.9802  prefix 0.9572  street 0.8864  tag 0.9226  direction 0.9514
#   apt 0.9695  city 0.9177  state 0.9885  zip 0.9975  po_box 0.9984  all fields 0.8156
FAST_READER_FLOORS = {
    "number": 0.970,
    "prefix": 0.947,
    "street": 0.876,
    "tag": 0.912,
    "direction": 0.941,
    "apt": 0.959,
    "city": 0.907,
    "state": 0.978,
    "zip": 0.987,
    "po_box": 0.988,
    "all": 0.805,
}


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    with open(CORPUS, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _measure(corpus: list[dict], *, fallback: bool) -> dict[str, float]:
    right: Counter[str] = Counter()
    for row in corpus:
        try:
            address = parse_details(row["text"], fallback=fallback).address
        except AddressError:
            continue
        ok = [getattr(address, f) == row["gold"][f] for f in FIELDS]
        right.update(f for f, good in zip(FIELDS, ok, strict=True) if good)
        right["all"] += all(ok)
    return {name: right[name] / len(corpus) for name in (*FIELDS, "all")}


@pytest.fixture(scope="module")
def measured(corpus: list[dict]) -> dict[str, float]:
    return _measure(corpus, fallback=True)


@pytest.fixture(scope="module")
def measured_fast_reader(corpus: list[dict]) -> dict[str, float]:
    return _measure(corpus, fallback=False)


def test_corpus_is_the_expected_one(corpus: list[dict]) -> None:
    assert len(corpus) == 1215
    assert sum(row["gold"]["po_box"] for row in corpus) == 30
    assert all(set(row["gold"]) == set(FIELDS) for row in corpus)


@pytest.mark.parametrize("field", [*FIELDS, "all"])
def test_parse_accuracy(measured: dict[str, float], field: str) -> None:
    assert measured[field] >= FLOORS[field], f"{field}: {measured[field]:.4f} < floor {FLOORS[field]}"


@pytest.mark.parametrize("field", [*FIELDS, "all"])
def test_fast_reader_accuracy(measured_fast_reader: dict[str, float], field: str) -> None:
    got, floor = measured_fast_reader[field], FAST_READER_FLOORS[field]
    assert got >= floor, f"{field}: {got:.4f} < floor {floor}"


def test_every_corpus_address_parses(corpus: list[dict]) -> None:
    # Every record is a real address with a street or a box: none is unparseable.
    failed = []
    for row in corpus:
        try:
            parse_details(row["text"])
        except AddressError as err:
            failed.append((row["text"], str(err)))
    assert failed == []


def test_normalize_text_equals_canonicalize_of_the_fast_reading_on_the_corpus(corpus: list[dict]) -> None:
    # normalize(str) reads with the fast reader only (parse_details(fallback=False)) and
    # builds the canonical form from the token keys; it must equal the plain pipeline.
    wrong = []
    for row in corpus:
        slow = canonicalize(parse_details(row["text"], fallback=False).address)
        fast = normalize(row["text"])
        if fast != slow:
            wrong.append((row["text"], fast, slow))
    assert wrong == []
