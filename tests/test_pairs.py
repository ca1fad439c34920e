"""match_key on pairs of real addresses: re-spelled variants and hard negatives.

Built by scripts/pair_eval.py from the labelled corpus (see its docstring).
Measured 2026-11-28: 1,021 positive pairs, 3,059 hard negatives; precision
1.000, recall 0.923, F1 0.960, 0 hard negatives merged. The misses are mostly
texts with no comma between a street that has no type and its city
("5429 woodlawn chicago"). Floors sit just under the measurement.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus" / "parse_train.jsonl"


@pytest.fixture(scope="module")
def result() -> dict:
    spec = importlib.util.spec_from_file_location("pair_eval", ROOT / "scripts" / "pair_eval.py")
    assert spec is not None and spec.loader is not None
    pair_eval = importlib.util.module_from_spec(spec)
    sys.modules["pair_eval"] = pair_eval  # dataclasses look their module up
    spec.loader.exec_module(pair_eval)
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    return pair_eval.evaluate(pair_eval.make_pairs(rows, seed=7))


def test_enough_pairs(result: dict) -> None:
    assert result["positives"] > 900
    assert result["negatives"] > 2500


def test_no_hard_negative_is_merged(result: dict) -> None:
    assert result["negatives_merged"] <= 0.01
    for kind, share in result["merged_by_kind"].items():
        assert share <= 0.01, kind


def test_f1_floor(result: dict) -> None:
    assert result["precision"] >= 0.99
    assert result["recall"] >= 0.91
    assert result["f1"] >= 0.95
