"""One key everywhere (issue 14): the library, the DuckDB functions and
engine, and Spark (local mode, ``local[2]``) give identical keys, canonical
columns and groupings -- on the labelled corpus, the shipped example file and
a generated file with a known answer -- and the partial tier joins a row
missing its ZIP or suffix to the one full address it fits, never to two."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

import addrmatch
from addrmatch.dedupe import ADDED_COLUMNS, AddressColumns, dedupe_csv
from addrmatch.dedupe_duckdb import TIER_COLUMN, dedupe_duckdb
from addrmatch.duckdb import register

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus" / "parse_train.jsonl"
EXAMPLE = Path(addrmatch.__file__).with_name("examples") / "staff_addresses.csv"
PLACE = AddressColumns("address", city="city", state="state", zip="zip")
CANONICAL = (
    "match_key",
    "canonical_address",
    "canonical_city",
    "canonical_state",
    "canonical_zip",
    "address_error",
)


def _scale_module():  # scripts/make_scale_data.py, the benchmark's generator
    spec = importlib.util.spec_from_file_location("make_scale_data", ROOT / "scripts" / "make_scale_data.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def corpus_texts() -> list[str]:
    with open(CORPUS, encoding="utf-8") as handle:
        return [json.loads(line)["text"] for line in handle if line.strip()]


def example_texts() -> list[str]:
    with open(EXAMPLE, newline="", encoding="utf-8") as handle:
        return [
            ", ".join(p for p in (r["address"], r["city"], r["state"], r["zip"]) if p)
            for r in csv.DictReader(handle)
        ]


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def texts() -> list[str]:
    found = corpus_texts() + example_texts() + ["", "asdf", "N/A", "PO Box 12, Blaine MN 55434"]
    assert len(found) > 4500
    return found


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    pytest.importorskip  # noqa: B018 -- PySpark is in the dev extra: a missing one fails below
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # the executors run this interpreter (with addrmatch)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("addrmatch-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.pyspark.python", sys.executable)
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


# --------------------------------------------------------------------------
# the same key from the library, DuckDB and Spark


def test_duckdb_functions_are_the_library(texts: list[str]) -> None:
    con = duckdb.connect()
    register(con)
    con.execute("CREATE TABLE t (i INTEGER, a VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate([*texts, None])))
    got = con.execute(
        "SELECT addr_match_key(a), addr_error(a), addr_normalize(a) FROM t ORDER BY i"
    ).fetchall()
    keys = addrmatch.match_keys([*texts, None], errors="null")
    assert [g[0] for g in got] == keys
    for text, (key, error, normalized) in zip([*texts, None], got, strict=True):
        if text is None:
            assert error is None and normalized is None
            continue
        try:
            expected = addrmatch.normalize(text)
        except addrmatch.AddressError as e:
            assert key is None and normalized is None and error == str(e)
        else:
            assert error is None and normalized == expected.to_boi()
    assert sum(k is None for k in keys) >= 4  # the bad ones are there, as NULL and a reason


def test_spark_udfs_are_the_library(spark: object, texts: list[str]) -> None:
    from addrmatch.spark import match_key_udf, normalize_udf

    frame = spark.createDataFrame([(i, t) for i, t in enumerate(texts)], "i int, a string")  # type: ignore[attr-defined]
    rows = (
        frame.select("i", match_key_udf()("a").alias("k"), normalize_udf()("a").alias("n"))
        .orderBy("i")
        .collect()
    )
    assert [r["k"] for r in rows] == addrmatch.match_keys(texts, errors="null")
    for text, row in zip(texts[:300], rows[:300], strict=True):
        keyed = addrmatch.match_keys([text], errors="null")[0]
        if keyed is None:
            assert all(v is None for v in row["n"].asDict().values())
        else:
            assert row["n"].asDict() == addrmatch.normalize(text).to_boi()


# --------------------------------------------------------------------------
# the same dedupe on three engines


def _python(source: Path, out: Path, columns: AddressColumns = PLACE) -> list[dict[str, str]]:
    dedupe_csv(source, out, columns)
    return read_rows(out)


def _spark_rows(spark: object, source: Path, **kwargs: object) -> list[dict[str, object]]:
    from addrmatch.spark import dedupe

    frame = spark.read.csv(str(source), header=True)  # type: ignore[attr-defined]
    places = {k: v for k, v in (("city", "city"), ("state", "state"), ("zip", "zip")) if v in frame.columns}
    out = dedupe(frame, "address", **places, **kwargs)  # type: ignore[arg-type]
    return [r.asDict() for r in out.collect()]


def _same(python: list[dict[str, str]], other: list[dict[str, object]], *, what: str) -> None:
    assert len(python) == len(other), what
    for a, b in zip(python, other, strict=True):
        for column in ADDED_COLUMNS:
            left, right = a[column], b[column]
            right = "" if right is None else str(right)
            assert left == right, (what, column, a, b)


def test_three_engines_agree_on_the_example_file(spark: object, tmp_path: Path) -> None:
    python = _python(EXAMPLE, tmp_path / "python.csv")
    dedupe_duckdb(EXAMPLE, tmp_path / "duckdb.csv", PLACE, workers=2)
    _same(python, read_rows(tmp_path / "duckdb.csv"), what="duckdb")
    _same(python, _spark_rows(spark, EXAMPLE), what="spark")


def _truth_holds(rows: list[dict[str, object]]) -> None:
    ids_by_truth: dict[str, set[object]] = defaultdict(set)
    truths_by_id: dict[object, set[str]] = defaultdict(set)
    for row in rows:
        truth = str(row["true_address_id"] or "")
        if not truth:
            assert row["address_error"], row
            continue
        ids_by_truth[truth].add(row["address_id"])
        truths_by_id[row["address_id"]].add(truth)
    assert all(len(ids) == 1 for ids in ids_by_truth.values()), "an address split in two"
    assert all(len(truths) == 1 for truths in truths_by_id.values()), "two addresses merged"


def test_generated_file_with_a_known_answer(spark: object, tmp_path: Path) -> None:
    source = tmp_path / "generated.csv"
    _scale_module().write(source, 20_000, new_share=0.2, seed=11)
    python = _python(source, tmp_path / "python.csv")
    _truth_holds(python)  # type: ignore[arg-type]
    assert len({r["true_address_id"] for r in python}) > 1500
    dedupe_duckdb(source, tmp_path / "duckdb.parquet", PLACE, workers=2)
    parquet = duckdb.connect().execute(f"SELECT * FROM read_parquet('{tmp_path / 'duckdb.parquet'}')")
    names = [d[0] for d in parquet.description]
    duck = [dict(zip(names, row, strict=True)) for row in parquet.fetchall()]
    _same(python, duck, what="duckdb parquet")
    _same(python, _spark_rows(spark, source), what="spark")


# --------------------------------------------------------------------------
# the partial tier

PARTIAL = """id,address,city,state,zip
1,12 Elm St,Blaine,MN,55434
2,12 Elm St,Blaine,MN,
3,12 ELM STREET,blaine,mn,
4,14 Elm St,Blaine,MN,55434
5,14 Elm Ave,Blaine,MN,55434
6,14 Elm,Blaine,MN,55434
7,16 Oak,Anoka,MN,55303
8,16 Oak St,Anoka,MN,55303-1234
9,16 Oak,Anoka,MN,
10,18 Oak St,Anoka,MN,
11,12 Elm St Apt 4,Blaine,MN,
"""
# Rows 2-3 (no ZIP) fit row 1 only; row 6 (no suffix) fits rows 4 and 5: not joined;
# row 7 (no suffix) fits row 8; row 9 (neither) fits row 8; row 10 fits no full address;
# row 11 has a unit that no full address has.
JOINED = {"2", "3", "7", "9"}


def test_partial_tier_on_duckdb_and_spark(spark: object, tmp_path: Path) -> None:
    source = tmp_path / "partial.csv"
    source.write_text(PARTIAL, encoding="utf-8")
    summary = dedupe_duckdb(source, tmp_path / "out.csv", PLACE, workers=1, partial=True)
    duck = read_rows(tmp_path / "out.csv")
    assert {r["id"] for r in duck if r[TIER_COLUMN] == "partial"} == JOINED
    by_id = {r["id"]: r for r in duck}
    assert by_id["2"]["address_id"] == by_id["3"]["address_id"] == by_id["1"]["address_id"]
    assert by_id["7"]["address_id"] == by_id["9"]["address_id"] == by_id["8"]["address_id"]
    assert len({by_id[i]["address_id"] for i in ("4", "5", "6")}) == 3  # two fit: never joined
    assert (
        by_id["10"]["address_id"] != by_id["8"]["address_id"]
        and by_id["11"]["address_id"] != by_id["1"]["address_id"]
    )
    assert summary.distinct_addresses == len({r["address_id"] for r in duck})
    assert [r["address_id"] for r in duck] == [str(i) for i in (1, 1, 1, 2, 3, 4, 5, 5, 5, 6, 7)]
    sparked = {str(r["id"]): r for r in _spark_rows(spark, source, partial=True)}
    for key, row in by_id.items():
        assert str(sparked[key]["address_id"]) == row["address_id"], key
        assert (sparked[key][TIER_COLUMN] or "") == row[TIER_COLUMN], key
    plain = dedupe_duckdb(source, None, PLACE, workers=1)
    assert plain.distinct_addresses == 10  # without --partial only equal keys group


# --------------------------------------------------------------------------
# the command line


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "addrmatch", *args], capture_output=True, text=True, timeout=300, check=False
    )


def test_cli_engine_duckdb_writes_what_python_writes(tmp_path: Path) -> None:
    python = tmp_path / "python.csv"
    duck = tmp_path / "duck.csv"
    first = run("dedupe", "--example", "-o", str(python), "--engine", "python", "--format", "json")
    second = run(
        "dedupe", "--example", "-o", str(duck), "--engine", "duckdb", "--workers", "2", "--format", "json"
    )
    assert first.returncode == second.returncode == 0, second.stderr
    assert read_rows(python) == read_rows(duck)
    assert json.loads(first.stdout) | {"output": ""} == json.loads(second.stdout) | {"output": ""}
    assert os.stat(duck).st_mode & 0o777 == 0o600
    parquet = tmp_path / "rows.parquet"
    assert run("dedupe", "--example", "-o", str(parquet)).returncode == 0  # auto: Parquet means DuckDB
    again = run(
        "dedupe", str(parquet), "--column", "address", "--zip-column", "zip", "-o", str(tmp_path / "x.csv")
    )
    assert again.returncode == 2 and "address_id" in again.stderr  # a dedupe output is refused as input
    partial = run("dedupe", "--example", "--partial", "--format", "json")  # auto: --partial means DuckDB
    assert partial.returncode == 0, partial.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("-", "--column", "address", "--engine", "duckdb"), "stdin"),
        (("--example", "--engine", "duckdb", "--html", "r.html"), "--html"),
        (("--example", "--engine", "python", "--partial"), "--partial"),
        (("--example", "--engine", "python", "-o", "x.parquet"), "Parquet"),
        (("--example", "--engine", "duckdb", "--encoding", "cp1252"), "cp1252"),
        (("--example", "--workers", "0"), "--workers"),
    ],
)
def test_cli_engine_errors_are_one_line(tmp_path: Path, args: tuple[str, ...], words: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "addrmatch", "dedupe", *args], capture_output=True, text=True, timeout=120,
        check=False, cwd=tmp_path, input="address\n12 Elm St\n",
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("addrmatch: error: ") and words in lines[0], lines
    assert "Traceback" not in result.stderr
