"""The ``addrmatch`` command line, run as a user runs it: the installed console
script, in a subprocess, for every subcommand -- good input, bad input (a
missing column, an unreadable file, a malformed CSV row), exit codes, and
nothing half-written on error."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import random
import re
import shutil
import sqlite3
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

import addrmatch
from addrmatch.dedupe import ADDED_COLUMNS

SCRIPT = Path(sys.executable).with_name("addrmatch")
EXAMPLE = Path(addrmatch.__file__).with_name("examples") / "staff_addresses.csv"
ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the console script (or ``python -m addrmatch`` if it is not installed,
    which :func:`test_console_script_is_installed` reports)."""
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "addrmatch"]
    return subprocess.run(
        [*command, *args], input=stdin, capture_output=True, text=True, timeout=120, cwd=cwd, check=False
    )


def assert_clean_error(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit code 2, one line on stderr that names the problem, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("addrmatch: error: "), lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


STAFF = """staff_number,name,address,city,state,zip
E1,Ann Larson,4321 North Lexington Avenue,Blaine,MN,55434
E2,Bob Larson,"4321 n. lexington ave., apt 4",blaine,Minnesota,55434-1234
E3,Cy Vang,4321 N LEXINGTON AVE #4,BLAINE,mn,55434
E4,Di Ali,12 Elm Street,Anoka,MN,55303
E5,Ed Ali,12 ELM ST.,Anoka,MN,55303-0001
E6,Flo Nguyen,,Anoka,MN,55303
E7,Gus Berg,asdf,Anoka,MN,55303
"""


# --------------------------------------------------------------------------
# the entry point


def test_console_script_is_installed() -> None:
    assert SCRIPT.exists(), f"no console script at {SCRIPT}: run `pip install -e .`"
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"addrmatch {addrmatch.__version__}"


def test_python_dash_m_runs_the_same_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "addrmatch", "match", "12 Elm St", "12 Elm Street"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("SAME address")


def test_help_lists_every_command_and_each_command_has_help() -> None:
    result = run("--help")
    assert result.returncode == 0
    commands = ("normalize", "match", "dedupe", "load", "search", "report")
    for command in commands:
        assert command in result.stdout
    for command in commands:
        sub = run(command, "--help")
        assert sub.returncode == 0, sub.stderr
        assert f"usage: addrmatch {command}" in sub.stdout


def test_usage_error_is_exit_2_without_traceback() -> None:
    result = run("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
    assert "Traceback" not in result.stderr
    assert run().returncode == 2  # no command at all


# --------------------------------------------------------------------------
# normalize


def test_normalize_arguments_text() -> None:
    result = run("normalize", "4321 north lexington av #45, blaine mn 55123", "P.O. Box 12")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["4321 N LEXINGTON AVE # 45, BLAINE, MN 55123", "PO BOX 12"]


def test_normalize_stdin_json_uses_boi_field_names() -> None:
    result = run("normalize", "--format", "json", stdin="12 elm street apt 4\n\nPO Box 4\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3  # one output per input line, a blank line included
    first, blank, box = (json.loads(line) for line in lines)
    assert set(first) == {*addrmatch.Address().to_boi(), "matchKey"}  # BOI names + the key (issue 15)
    assert first["matchKey"] == addrmatch.match_key("12 elm street apt 4")
    assert (first["number"], first["street"], first["tag"], first["apt"]) == ("12", "ELM", "ST", "4")
    assert first["postOfficeBox"] is False
    assert blank is None
    assert box["postOfficeBox"] is True and box["number"] == "4"


def test_normalize_csv_and_a_bad_line() -> None:
    result = run("normalize", "--format", "csv", stdin="12 elm street\nasdf\n")
    assert result.returncode == 1  # not every line was an address
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["input"] for r in rows] == ["12 elm street", "asdf"]
    assert rows[0]["street"] == "ELM" and rows[0]["postOfficeBox"] == "false"
    assert rows[0]["match_key"] == addrmatch.match_key("12 elm street")
    assert rows[1]["street"] == "" and rows[1]["error"]
    assert "line 2" in result.stderr and "Traceback" not in result.stderr


def test_normalize_bad_argument_names_it() -> None:
    result = run("normalize", "12 Elm St", "asdf")
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["12 ELM ST", ""]
    assert "argument 2" in result.stderr and "asdf" in result.stderr


# --------------------------------------------------------------------------
# match


def test_match_same_explains_each_field() -> None:
    result = run(
        "match",
        "4321 North Lexington Avenue, Blaine MN 55123",
        "4321 n lexington ave., blaine, mn 55123-0001",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("SAME address")
    table = {line.split()[0]: line.split()[1] for line in out.splitlines()[4:] if line.strip()}
    assert table["field"] == "status"
    assert table["prefix"] == "folded" and table["tag"] == "folded" and table["zip"] == "folded"
    assert table["number"] == "same"


def test_match_different_exit_1_names_the_field() -> None:
    result = run("match", "--format", "json", "4321 N Lexington Ave", "4321 S Lexington Ave")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["same"] is False
    differing = [f["field"] for f in data["fields"] if f["status"] in ("differs", "missing")]
    assert differing == ["prefix"]


def test_match_not_an_address_is_an_error() -> None:
    assert_clean_error(run("match", "", "12 Elm St"), "fullStreetAddress")


def test_verbose_shows_the_traceback() -> None:
    result = run("match", "--verbose", "", "12 Elm St")
    assert result.returncode == 2
    assert "Traceback" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("addrmatch: error: ")


# --------------------------------------------------------------------------
# dedupe


def test_dedupe_adds_columns_and_groups(tmp_path: Path) -> None:
    source = write(tmp_path / "staff.csv", STAFF)
    out = tmp_path / "out.csv"
    result = run(
        "dedupe", str(source), "--column", "address", "--city-column", "city",
        "--state-column", "state", "--zip-column", "zip", "-o", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar when not on a terminal
    rows = read_csv(out)
    assert list(rows[0]) == ["staff_number", "name", "address", "city", "state", "zip", *ADDED_COLUMNS]
    ids = [r["address_id"] for r in rows]
    assert ids == ["1", "2", "2", "3", "3", "", ""]
    assert rows[1]["canonical_address"] == "4321 N LEXINGTON AVE # 4"
    assert rows[1]["canonical_state"] == "MN" and rows[1]["canonical_zip"] == "55434-1234"
    assert rows[1]["match_key"] == rows[2]["match_key"] != rows[0]["match_key"]
    assert rows[5]["address_error"] and rows[6]["address_error"]
    assert rows[5]["match_key"] == rows[5]["canonical_address"] == ""
    summary = result.stdout
    for label, number in (
        ("rows", 7),
        ("distinct addresses", 3),
        ("duplicate rows", 2),
        ("address errors", 2),
    ):
        expected = [*label.split(), str(number)]
        assert any(line.split()[: len(expected)] == expected for line in summary.splitlines()), (
            label,
            summary,
        )
    assert "line 7" in summary and "line 8" in summary  # the bad addresses, by line


def test_dedupe_summary_json_and_stdout_output(tmp_path: Path) -> None:
    source = write(tmp_path / "staff.csv", STAFF)
    result = run(
        "dedupe", str(source), "--column", "address", "--zip-column", "zip", "-o", "-", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 7 and rows[2]["address_id"] == "2"
    summary = json.loads(result.stderr)  # the summary goes to stderr when the rows go to stdout
    assert (summary["rows"], summary["distinctAddresses"], summary["addressErrors"]) == (7, 3, 2)
    assert summary["largestGroups"][0]["rows"] == 2


def test_dedupe_reads_stdin(tmp_path: Path) -> None:
    text = "address\n12 Elm St\n12 elm street\n14 Elm St\n"
    result = run("dedupe", "-", "--column", "address", "--format", "json", stdin=text, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["distinctAddresses"] == 2
    piped = run("dedupe", "-", "--column", "address", "-o", "-", stdin=text)
    assert [r["address_id"] for r in csv.DictReader(io.StringIO(piped.stdout))] == ["1", "1", "2"]


def test_dedupe_example_groups_the_known_variants(tmp_path: Path) -> None:
    """The shipped example: the grouping must equal the ground truth column."""
    out = tmp_path / "example_ids.csv"
    result = run("dedupe", "--example", "-o", str(out), "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = read_csv(out)
    assert len(rows) == len(read_csv(EXAMPLE)) > 2000
    ids_by_truth: dict[str, set[str]] = defaultdict(set)
    truths_by_id: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row["true_address_id"] == "":
            assert row["address_error"] and row["address_id"] == "", row
            continue
        assert row["address_error"] == "", row
        ids_by_truth[row["true_address_id"]].add(row["address_id"])
        truths_by_id[row["address_id"]].add(row["true_address_id"])
    split = {
        t: sorted({r["address"] for r in rows if r["true_address_id"] == t})
        for t, i in ids_by_truth.items()
        if len(i) > 1
    }
    merged = {i: sorted(t) for i, t in truths_by_id.items() if len(t) > 1}
    assert not split, f"{len(split)} addresses split into several ids, e.g. {list(split.items())[:3]}"
    assert not merged, f"{len(merged)} ids cover several true addresses, e.g. {list(merged.items())[:3]}"
    summary = json.loads(result.stdout)
    assert summary["distinctAddresses"] == len(ids_by_truth)
    assert summary["rows"] == len(rows)


def test_example_data_is_reproducible() -> None:
    """The shipped file is what the generator script writes (seeded)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_example_data.py"), "--output", "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == EXAMPLE.read_text(encoding="utf-8")


def test_dedupe_missing_column_names_it_and_writes_nothing(tmp_path: Path) -> None:
    source = write(tmp_path / "staff.csv", STAFF)
    out = tmp_path / "out.csv"
    line = assert_clean_error(run("dedupe", str(source), "--column", "adress", "-o", str(out)), "'adress'")
    assert "Did you mean 'address'" in line
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["staff.csv"]
    assert_clean_error(
        run("dedupe", str(source), "--column", "address", "--zip-column", "postcode"), "'postcode'"
    )
    assert_clean_error(run("dedupe", str(source)), "--column")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "staff_number,address\nE1,12 Elm St\nE2,14 Elm St,extra\nE3,16 Elm St\n",
            ("line 3", "expected 2 fields"),
        ),
        ("staff_number,address\nE1,12 Elm St\nE2\n", ("line 3", "found 1")),
        ('staff_number,address\nE1,12 Elm St\nE2,"14 Elm St\nE3,16 Elm St\n', ("line 3", "malformed")),
        ("", ("empty",)),
    ],
    ids=["extra-field", "missing-field", "unclosed-quote", "empty-file"],
)
def test_dedupe_malformed_csv_is_a_clear_error_and_leaves_the_output_alone(
    tmp_path: Path, text: str, words: tuple[str, ...]
) -> None:
    source = write(tmp_path / "in.csv", text)
    out = write(tmp_path / "out.csv", "the previous output\n")
    assert_clean_error(run("dedupe", str(source), "--column", "address", "-o", str(out)), *words)
    assert out.read_text() == "the previous output\n"  # not replaced, not truncated
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]  # no temp file left


def test_dedupe_unreadable_input(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert_clean_error(
        run("dedupe", str(tmp_path / "nope.csv"), "--column", "address", "-o", str(out)), "nope.csv"
    )
    assert_clean_error(run("dedupe", str(tmp_path), "--column", "address", "-o", str(out)), str(tmp_path))
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"address\n12 Elm St\n12 \xc9lm St\n")
    assert_clean_error(
        run("dedupe", str(latin), "--column", "address", "-o", str(out)), "utf-8", "--encoding"
    )
    assert not out.exists()
    assert (
        run("dedupe", str(latin), "--column", "address", "--encoding", "latin-1", "-o", str(out)).returncode
        == 0
    )
    assert read_csv(out)[1]["canonical_address"] == "12 ÉLM ST"


def test_dedupe_refuses_to_overwrite_its_input_or_reuse_its_columns(tmp_path: Path) -> None:
    source = write(tmp_path / "staff.csv", STAFF)
    assert_clean_error(run("dedupe", str(source), "--column", "address", "-o", str(source)), "input")
    assert source.read_text() == STAFF
    out = tmp_path / "out.csv"
    assert run("dedupe", str(source), "--column", "address", "-o", str(out)).returncode == 0
    again = assert_clean_error(run("dedupe", str(out), "--column", "address", "-o", str(tmp_path / "o2.csv")))
    assert "address_id" in again
    assert_clean_error(run("dedupe", str(source), "--example", "--column", "address"), "--example")


def test_dedupe_memory_is_flat_in_the_number_of_rows(tmp_path: Path) -> None:
    """Twenty times the rows (same distinct addresses) must not grow the peak
    memory: no list of rows is kept."""
    rng = random.Random(7)
    forms = [
        f"{n} {street} {suffix}"
        for n in range(100, 140)
        for street in ("Elm", "Oak")
        for suffix in ("St", "Street")
    ]

    def make(path: Path, n: int) -> Path:
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["id", "address", "zip", "notes"])
            for i in range(n):
                writer.writerow([i, rng.choice(forms), "55123", f"row {i} " + "x" * 200])
        return path

    def peak_kb(source: Path) -> int:
        probe = (
            "import resource, subprocess, sys;"
            "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL);"
            "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        )
        command = [str(SCRIPT), "dedupe", str(source), "--column", "address", "--zip-column", "zip"]
        out = subprocess.run(
            [sys.executable, "-c", probe, *command, "-o", str(tmp_path / "out.csv")],
            capture_output=True, text=True, timeout=120, check=True,
        ).stdout.split()  # fmt: skip
        assert out[0] == "0"
        return int(out[1])

    small = peak_kb(make(tmp_path / "small.csv", 4_000))
    big = peak_kb(make(tmp_path / "big.csv", 80_000))  # ~20 MB of rows
    assert big - small < 8_000, f"peak memory grew from {small} KB to {big} KB"
    assert len(read_csv(tmp_path / "out.csv")) == 80_000


def test_progress_bar_on_a_terminal_and_quiet(tmp_path: Path) -> None:
    def stderr_on_a_tty(*args: str) -> str:
        leader, follower = pty.openpty()
        try:
            proc = subprocess.run(
                [str(SCRIPT), *args], stdout=subprocess.DEVNULL, stderr=follower, timeout=120, check=False
            )
            os.close(follower)
            chunks = []
            while True:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(leader)
        assert proc.returncode == 0
        return b"".join(chunks).decode()

    shown = stderr_on_a_tty("dedupe", "--example", "-o", str(tmp_path / "a.csv"))
    assert "dedupe" in shown and "rows/s" in shown and "100%" in shown
    assert stderr_on_a_tty("dedupe", "--example", "--quiet", "-o", str(tmp_path / "b.csv")) == ""


# --------------------------------------------------------------------------
# load, search, report


def test_load_search_report(tmp_path: Path) -> None:
    db = tmp_path / "addresses.db"
    result = run("load", str(db), "--example")
    assert result.returncode == 0, result.stderr
    example = read_csv(EXAMPLE)
    distinct = len({r["true_address_id"] for r in example if r["true_address_id"]})
    assert f"{distinct:,} new addresses" in result.stdout
    assert f"{sum(1 for r in example if not r['true_address_id'])} skipped" in result.stdout
    assert len(addrmatch.AddressStore(str(db))) == distinct

    again = run("load", str(db), "--example")  # loading twice creates nothing
    assert again.returncode == 0 and " 0 new addresses" in again.stdout

    row = next(r for r in example if "Lexington" in r["address"] and r["true_address_id"])
    query = row["address"].lower() + " " + row["zip"][:5]
    found = run("search", str(db), query, "--limit", "3", "--format", "json")
    assert found.returncode == 0, found.stderr
    candidates = json.loads(found.stdout)
    assert 1 <= len(candidates) <= 3
    best = addrmatch.Address.from_boi(candidates[0]["address"])
    assert addrmatch.match_key(best) == addrmatch.match_key(
        {"fullStreetAddress": row["address"], "zip": row["zip"], "city": row["city"], "state": row["state"]}
    )
    text = run("search", str(db), query)
    assert text.returncode == 0 and "LEXINGTON" in text.stdout

    report = run("report", str(db))
    assert report.returncode == 0, report.stderr
    assert f"{distinct:,} addresses" in report.stdout and "0 duplicate groups" in report.stdout


def test_report_lists_legacy_duplicates(tmp_path: Path) -> None:
    db = tmp_path / "legacy.db"
    source = write(
        tmp_path / "legacy.csv", "id,address\n1,12 Elm Street\n2,9 Oak Ave\n3,12 ELM ST.\n4,12 elm st\n"
    )
    loaded = run("load", str(db), str(source), "--column", "address", "--legacy")
    assert loaded.returncode == 0, loaded.stderr
    assert "4 rows stored as they are" in loaded.stdout
    result = run("report", str(db), "--format", "json")
    assert result.returncode == 0, result.stderr
    groups = json.loads(result.stdout)
    assert [[row["id"] for row in group] for group in groups] == [[1, 3, 4]]
    assert {row["address"]["street"] for row in groups[0]} == {"ELM"}
    text = run("report", str(db))
    assert "1 duplicate groups (2 extra rows)" in text.stdout
    assert "lookups resolve to id 1" in text.stdout


def test_store_commands_on_bad_input(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    assert_clean_error(run("search", str(missing), "12 Elm St"), "no database")
    assert_clean_error(run("report", str(missing)), "no database")
    assert not missing.exists()  # not created by a read
    not_db = write(tmp_path / "notes.db", "this is not a database\n" * 100)
    assert_clean_error(run("report", str(not_db)), "not a database")
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table t (x)")
    assert_clean_error(run("search", str(other), "12 Elm St"), "not an addrmatch address store")
    with sqlite3.connect(other) as conn:  # the read did not add the store's tables
        assert [name for (name,) in conn.execute("select name from sqlite_master")] == ["t"]

    db = tmp_path / "addresses.db"
    good = write(tmp_path / "good.csv", STAFF)
    assert run("load", str(db), str(good), "--column", "address", "--zip-column", "zip").returncode == 0
    before = len(addrmatch.AddressStore(str(db)))
    bad = write(tmp_path / "bad.csv", "address,zip\n99 Oak St,55303\n98 Oak St,55303,x\n")
    assert_clean_error(run("load", str(db), str(bad), "--column", "address", "--zip-column", "zip"), "line 3")
    assert len(addrmatch.AddressStore(str(db))) == before  # the good first row was not loaded either
    assert_clean_error(run("load", str(db), str(good), "--column", "street"), "'street'")
    fresh = tmp_path / "fresh.db"
    assert_clean_error(run("load", str(fresh), str(bad), "--column", "address"), "line 3")
    assert not fresh.exists()  # a database the failed load created is removed again
    assert_clean_error(run("load", str(db), str(tmp_path / "nope.csv"), "--column", "address"), "nope.csv")


def test_load_creates_the_database_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "addresses.db"
    old = os.umask(0o022)  # the subprocess inherits a permissive umask
    try:
        result = run("load", str(db), "--example")
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    for name in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        if name.exists():
            assert os.stat(name).st_mode & 0o777 == 0o600, name
    existing = tmp_path / "mine.db"
    addrmatch.AddressStore(str(existing)).close()
    os.chmod(existing, 0o640)  # a database the user made: its mode is theirs
    assert run("load", str(existing), "--example").returncode == 0
    assert os.stat(existing).st_mode & 0o777 == 0o640


def test_outputs_are_written_atomically_without_touching_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from addrmatch import _files
    from addrmatch.dedupe import AddressColumns, dedupe_csv

    def no_umask(_mask: int) -> int:
        raise AssertionError("os.umask is process-global: never change it")

    monkeypatch.setattr(os, "umask", no_umask)
    source = write(tmp_path / "staff.csv", STAFF)
    out = tmp_path / "out.csv"
    out.write_text("old output")
    dedupe_csv(source, out, AddressColumns("address"))
    assert read_csv(out)[0]["address_id"] == "1"
    assert os.stat(out).st_mode & 0o777 == 0o600  # names and home addresses: owner-only (issue 9)
    private = tmp_path / "private.txt"
    with _files.write_atomically(private) as handle:
        handle.write("secret")
    assert private.read_text() == "secret" and os.stat(private).st_mode & 0o777 == 0o600
    with pytest.raises(RuntimeError), _files.write_atomically(private) as handle:
        handle.write("half")
        raise RuntimeError("disk on fire")
    assert private.read_text() == "secret"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "private.txt", "staff.csv"]


# --------------------------------------------------------------------------
# one-way layers: the command line's modules (issue 11)

SRC = ROOT / "src"


def _import_graph() -> dict[str, set[str]]:
    """Every ``addrmatch`` module -> the ``addrmatch`` modules it imports,
    at module level or inside a function (both make a cycle)."""
    import ast

    modules = {
        ".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__"): path
        for path in SRC.rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base])
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            elif (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", ""))
                in ("__import__", "import_module")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                targets = [node.args[0].value]  # a dynamic import of a named module counts too
            else:
                continue
            found |= {t.strip(".") for t in targets if t.strip(".") in modules}
        graph[name] = found - {name}
    return graph


def _cycle_through(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """A path start -> ... -> start, or None."""
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in graph.get(node, ()):
            if nxt == start:
                return [*path, start]
            if nxt not in seen and nxt != "addrmatch":  # the package's lazy __init__ imports nothing eagerly
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


@pytest.mark.parametrize(
    "module",
    [
        "addrmatch.cli",
        "addrmatch._cli_common",
        "addrmatch._csvinput",
        "addrmatch.dedupe",
        "addrmatch.boi.cli",
    ],
)
def test_command_line_modules_are_in_no_import_cycle(module: str) -> None:
    graph = _import_graph()
    assert module in graph
    assert _cycle_through(graph, module) is None, " -> ".join(_cycle_through(graph, module) or [])


def test_the_core_command_line_never_names_the_staff_module() -> None:
    graph = _import_graph()
    assert not any(m.startswith("addrmatch.boi") for m in graph["addrmatch.cli"])
    source = (SRC / "addrmatch" / "cli.py").read_text(encoding="utf-8")
    assert "addrmatch.boi" not in source and "boi.cli" not in source
    assert "addrmatch.cli" not in graph["addrmatch.boi.cli"]  # shared helpers come from _cli_common
    probe = (
        "import sys, addrmatch.cli; print(sorted(m for m in sys.modules if m.startswith('addrmatch.boi')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_boi_registers_through_the_entry_point_group() -> None:
    from importlib import metadata

    from addrmatch.cli import ENTRY_POINT_GROUP

    found = {ep.name: ep.value for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}
    assert found.get("boi") == "addrmatch.boi.cli:register"
    assert "boi" in run("--help").stdout


#: The server extra's libraries (and what only its tests use): a plain install has none of them.
SERVER_EXTRA = (
    "starlette",
    "swagger_ui",
    "uvicorn",
    "fpdf",
    "jinja2",
    "multipart",
    "python_multipart",
    "httpx",
)


@pytest.mark.parametrize("args", [("--help",), ("normalize", "12 Elm St"), ("serve", "--help")])
def test_the_command_line_starts_without_the_server_extra(args: tuple[str, ...]) -> None:
    """A plain `pip install addrmatch` still runs every command: the `serve` entry point
    registers on every start, and must not import the server's libraries to do so."""
    probe = (
        "import importlib.abc, sys\n"
        "class Blocked(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.partition('.')[0] in {SERVER_EXTRA!r}:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Blocked())\n"
        "from addrmatch.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr


def test_boi_reads_hr_csv_with_the_shared_reader(tmp_path: Path) -> None:
    """One CSV reader: an HR file in TSV, or with a bad byte, reads as in dedupe."""
    from addrmatch.boi.cli import read_hr_file

    tsv = write(tmp_path / "hr.csv", "staffNumber\tlastName\tfirstName\n1001\tSmith\tPat\n\n1002\tLee\tAl\n")
    records, where = read_hr_file(str(tsv))
    assert [r["lastName"] for r in records] == ["Smith", "Lee"] and where == ["line 2", "line 4"]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        b"staffNumber;lastName\n" + b"".join(b"%d;Smith\n" % i for i in range(2000)) + b"9;M\xfcller\n"
    )
    with pytest.raises(Exception, match="line 2002") as caught:
        read_hr_file(str(bad))
    assert "utf-8" in str(caught.value)


# --------------------------------------------------------------------------
# hostile and odd input (issue 9, items 6 and 7)


def test_dedupe_output_is_owner_only_under_any_umask(tmp_path: Path) -> None:
    """Reproduction: `addrmatch dedupe -o` wrote names and home addresses 0644."""
    source = write(tmp_path / "staff.csv", STAFF)
    for umask in (0o022, 0o077, 0o000):
        out = tmp_path / f"out-{umask:o}.csv"
        old = os.umask(umask)  # the subprocess inherits it
        try:
            result = run("dedupe", str(source), "--column", "address", "-o", str(out))
        finally:
            os.umask(old)
        assert result.returncode == 0, result.stderr
        assert os.stat(out).st_mode & 0o777 == 0o600, (oct(umask), oct(os.stat(out).st_mode))


def test_bad_encoding_is_one_line_naming_it(tmp_path: Path) -> None:
    source = write(tmp_path / "staff.csv", STAFF)
    assert_clean_error(
        run("dedupe", str(source), "--column", "address", "--encoding", "nope"), "'nope'", "encoding"
    )
    assert_clean_error(run("dedupe", str(source), "--column", "address", "--encoding", "rot13"), "'rot13'")
    assert_clean_error(
        run("load", str(tmp_path / "a.db"), str(source), "--column", "address", "--encoding", "x" * 5000),
        "encoding",
    )
    assert not (tmp_path / "a.db").exists()


def test_hostile_json_is_one_line_naming_the_problem(tmp_path: Path) -> None:
    """Reproductions: deeply nested JSON (RecursionError) and a 5,000-digit number gave "internal error"."""
    db = tmp_path / "district.db"
    genders = write(tmp_path / "genders.csv", "code,name\nM,Male\n")
    assert run("boi", "load-reference", str(db), "--genders", str(genders)).returncode == 0
    deep = write(tmp_path / "deep.json", "[" * 100_000 + "]" * 100_000)
    line = assert_clean_error(run("boi", "validate", str(db), str(deep)), "deep.json", "nested too deeply")
    assert "internal error" not in line
    big = write(tmp_path / "big.json", '[{"staffNumber": ' + "9" * 5000 + "}]")
    line = assert_clean_error(run("boi", "validate", str(db), str(big)), "big.json", "4,300 digits")
    assert "internal error" not in line


def test_a_5000_digit_option_value_is_one_short_line(tmp_path: Path) -> None:
    number = "9" * 5000
    for args in (
        ("search", str(tmp_path / "x.db"), "12 Elm St", "--limit", number),
        ("dedupe", "--example", "--top", "x" + number),
    ):
        result = run(*args)
        line = assert_clean_error(result, "--")
        assert len(line) < 300, line
        assert "5,001 characters" in line or "5,000 characters" in line


def _interrupt_after(delay: float, *args: str) -> subprocess.CompletedProcess[str]:
    import signal
    import time

    proc = subprocess.Popen([str(SCRIPT), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.mark.parametrize("delay", [0.15, 0.2, 0.3, 0.45, 1.5])
def test_ctrl_c_prints_no_traceback_and_leaves_nothing(tmp_path: Path, delay: float) -> None:
    """Reproduction: Ctrl-C in the first ~0.3 s printed a traceback from inside an
    import. At any moment -- starting up, or running -- Ctrl-C is one line,
    exit 130, and no output or temporary file is left."""
    source = write(tmp_path / "big.csv", "address\n" + "".join(f"{n} Elm St\n" for n in range(1, 200_000)))
    out = tmp_path / "out.csv"
    result = _interrupt_after(delay, "dedupe", str(source), "--column", "address", "-o", str(out))
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 130, (result.returncode, result.stderr)
    assert result.stderr.strip().splitlines()[-1] == "addrmatch: interrupted"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.csv"]


# --------------------------------------------------------------------------
# the daily path of a district data person (issue 15): each wall, walked through

TWO_COLUMNS = """id,Address Line 1,Address Line 2,City,State,ZIP
1,100 Main Street,Apt 4,Blaine,MN,55434
2,100 MAIN ST,#4,blaine,mn,55434
3,100 Main St,Apt 5,Blaine,MN,55434
4,100 Main St,,Blaine,MN,55434
5,100 Main St Apt 4,NA,Blaine,MN,55434
6,100 Main St Apt 4,Apt 5,Blaine,MN,55434
"""


def test_wall_unit_in_a_second_column_keeps_apartments_apart(tmp_path: Path) -> None:
    """Apt 4 and Apt 5 of one building were merged: the unit column was not read."""
    source = write(tmp_path / "export.csv", TWO_COLUMNS)
    out = tmp_path / "out.csv"
    result = run(
        "dedupe", str(source), "--column", "Address Line 1", "--line2-column", "Address Line 2",
        "--city-column", "City", "--state-column", "State", "--zip-column", "ZIP", "-o", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = read_csv(out)
    ids = [r["address_id"] for r in rows]
    assert ids[:5] == ["1", "1", "2", "3", "1"]  # Apt 4 twice (and in line 1), Apt 5, the building
    assert rows[0]["canonical_address"] == "100 MAIN ST # 4"
    assert rows[4]["canonical_address"] == "100 MAIN ST # 4"  # NA in line 2 is no unit
    assert ids[5] == "" and "two" not in rows[5]["address_error"] and "'4'" in rows[5]["address_error"]
    assert "'5'" in rows[5]["address_error"]  # line 1 says Apt 4, line 2 Apt 5: refused, both named
    unit = tmp_path / "unit.csv"
    write(unit, "address,apt,zip\n100 Main St,4,55434\n100 Main St,Unit 4,55434\n100 Main St,5,55434\n")
    result = run("dedupe", str(unit), "--column", "address", "--unit-column", "apt", "--zip-column", "zip",
                 "--format", "json")  # fmt: skip
    assert json.loads(result.stdout)["distinctAddresses"] == 2


def test_wall_a_repeated_option_is_refused() -> None:
    result = run("dedupe", "--example", "--column", "address", "--column", "city")
    line = assert_clean_error(result, "--column", "twice")
    assert "city" not in line.split("twice")[1]


@pytest.mark.parametrize(
    ("delimiter", "option"), [("\t", None), (";", None), ("|", None), ("\t", "tab"), (";", ";")]
)
def test_wall_tab_semicolon_and_pipe_files(tmp_path: Path, delimiter: str, option: str | None) -> None:
    """A TSV failed with "Did you mean 'id\\taddr'?"; there was no --delimiter."""
    text = "".join(
        delimiter.join(cells) + "\n"
        for cells in (
            ["id", "addr", "zip"],
            ["1", "12 Elm Street", "55123"],
            ["2", "12 ELM ST.", "55123-0001"],
        )
    )
    source = write(tmp_path / "export.txt", text)
    out = tmp_path / "out.txt"
    extra = ["--delimiter", option] if option else []
    result = run("dedupe", str(source), "--column", "addr", "--zip-column", "zip", *extra, "-o", str(out))
    assert result.returncode == 0, result.stderr
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter=delimiter))  # the output keeps the input's delimiter
    assert [r["address_id"] for r in rows] == ["1", "1"]


def test_wall_wrong_delimiter_says_which_was_used(tmp_path: Path) -> None:
    source = write(tmp_path / "a.csv", "id\taddr\n1\t12 Elm St\n")
    line = assert_clean_error(run("dedupe", str(source), "--column", "addr", "--delimiter", ","), "'addr'")
    assert "comma" in line
    assert_clean_error(run("dedupe", str(source), "--column", "addr", "--delimiter", "ab"), "delimiter")


def test_wall_a_decode_error_names_its_own_line(tmp_path: Path) -> None:
    """An encoding error on line 1501 was reported at line 1347 (a buffered decoder's chunk)."""
    source = tmp_path / "latin.csv"
    lines = [b"id,address\n", *(b"%d,%d Elm Street\n" % (n, n) for n in range(1499)), b"1500,12 \xc9lm St\n"]
    assert len(lines) == 1501
    source.write_bytes(b"".join(lines))
    line = assert_clean_error(run("dedupe", str(source), "--column", "address"), "line 1501", "--encoding")
    assert "line 1347" not in line


def test_wall_missing_value_cells(tmp_path: Path) -> None:
    """Empty, NA, N/A, null and NaN cells are missing values, not text."""
    source = write(
        tmp_path / "a.csv",
        "address,city,zip\n12 Elm St,NA,55123\n12 Elm St,,55123\n12 Elm St,Blaine,N/A\nnull,Blaine,55123\nNaN,,\n",
    )
    out = tmp_path / "out.csv"
    result = run("dedupe", str(source), "--column", "address", "--city-column", "city", "--zip-column", "zip",
                 "-o", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = read_csv(out)
    assert rows[0]["canonical_city"] == "" and rows[0]["address_id"] == rows[1]["address_id"] == "1"
    assert rows[2]["canonical_zip"] == "" and rows[2]["canonical_city"] == "BLAINE"
    assert rows[3]["address_error"] == rows[4]["address_error"] == "address: the address is missing"


def test_wall_pandas_column_with_bad_rows_and_nan() -> None:
    """`df.address.map(match_key)` stopped at the first bad row; a NaN city raised."""
    import pandas

    df = pandas.DataFrame(
        {
            "address": ["12 Elm Street", "12 ELM ST.", None, "asdf", float("nan"), "14 Elm St"],
            "city": ["Blaine", float("nan"), "Blaine", "Blaine", None, "Anoka"],
        }
    )
    keys = addrmatch.match_keys(df["address"], errors="null")
    assert keys[0] == keys[1] == addrmatch.match_key("12 Elm St") and keys[2:5] == [None, None, None]
    with pytest.raises(addrmatch.AddressError, match=r"values\[3\]") as caught:
        addrmatch.match_keys(df["address"])
    assert caught.value.rule == "unparseable" and caught.value.index == 3
    records = [
        None if addrmatch.inputs.is_missing(a) else {"fullStreetAddress": a, "city": c}
        for a, c in zip(df["address"], df["city"], strict=True)
    ]
    canonical = addrmatch.normalize_many(records, errors="null")
    assert (
        canonical[0].city == "BLAINE" and canonical[1].city is None
    )  # the NaN city is missing, not an error
    df["match_key"] = addrmatch.match_keys(df["address"], errors="null")
    assert df["match_key"].nunique() == 2


def test_wall_dedupe_csv_is_exported_and_documented(tmp_path: Path) -> None:
    source = write(tmp_path / "staff.csv", STAFF)
    summary = addrmatch.dedupe_csv(
        source, tmp_path / "out.csv", "address", city_column="city", state_column="state", zip_column="zip"
    )
    assert (summary.rows, summary.distinct_addresses) == (7, 3)
    assert "dedupe_csv" in addrmatch.__all__ and addrmatch.dedupe_csv.__doc__


def test_wall_dedupe_html_and_db_to_look_at(tmp_path: Path) -> None:
    """dedupe gave only a text summary: nothing to look at, no way to browse the groups."""
    html = tmp_path / "report.html"
    db = tmp_path / "out.db"
    result = run("dedupe", "--example", "--html", str(html), "--db", str(db), "--source-column", "source",
                 "--format", "json")  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["html"] == str(html) and summary["db"] == str(db)
    page = html.read_text(encoding="utf-8")
    assert "<script" not in page and "http://" not in page and "https://" not in page  # static, no network
    assert "@media print" in page
    for path in (html, db):
        assert os.stat(path).st_mode & 0o777 == 0o600
    with sqlite3.connect(db) as conn:
        groups = conn.execute("SELECT COUNT(*), SUM(rows) FROM dedupe_groups").fetchone()
        assert groups == (summary["distinctAddresses"], summary["rows"] - summary["addressErrors"])
        assert conn.execute("SELECT COUNT(*) FROM dedupe_rows").fetchone()[0] == summary["rows"]
        top = conn.execute("SELECT address_id, rows FROM duplicate_addresses LIMIT 1").fetchone()
        assert top == (summary["largestGroups"][0]["addressId"], summary["largestGroups"][0]["rows"])
        columns = {
            r[1] for t in ("dedupe_rows", "dedupe_groups") for r in conn.execute(f"PRAGMA table_info({t})")
        }
        assert not columns & {"name", "staff_number", "ssn", "birthdate"}  # only address columns are copied
        assert conn.execute("SELECT COUNT(DISTINCT source) FROM dedupe_rows").fetchone()[0] == 5
    assert run("search", str(db), "3353 bunker lake blvd ne 55448").returncode == 0  # an AddressStore file
    assert len(addrmatch.AddressStore(str(db))) == summary["distinctAddresses"]


def test_wall_one_json_key_style_and_real_booleans(tmp_path: Path) -> None:
    """dedupe snake_case, normalize/search camelCase, match mixed, a boolean as "False"."""
    db = tmp_path / "a.db"
    assert run("load", str(db), "--example").returncode == 0
    outputs = [
        json.loads(run("dedupe", "--example", "--format", "json").stdout),
        json.loads(run("normalize", "--format", "json", "12 Elm St").stdout),
        json.loads(run("match", "--format", "json", "PO Box 4", "PO Box 4").stdout),
        json.loads(run("search", str(db), "3353 bunker lake blvd", "--format", "json").stdout),
        json.loads(run("report", str(db), "--format", "json").stdout),
    ]

    def keys(value: object) -> set[str]:
        if isinstance(value, dict):
            return set(value) | {k for v in value.values() for k in keys(v)}
        if isinstance(value, list):
            return {k for v in value for k in keys(v)}
        return set()

    every = set().union(*(keys(o) for o in outputs))
    assert every and all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)*", k) for k in every), sorted(every)
    match = outputs[2]
    box = next(f for f in match["fields"] if f["field"] == "postOfficeBox")
    assert box["left"] is True and box["right"] is True and match["same"] is True
    assert outputs[1]["matchKey"] == addrmatch.match_key("12 Elm St")


@pytest.mark.parametrize(
    "command",
    [
        ["normalize", "12 Elm St"],
        ["match", "12 Elm St", "12 Elm Street"],
        ["dedupe", "--example"],
        ["search", "DB", "3353 bunker lake blvd"],
        ["report", "DB"],
    ],
)
def test_wall_csv_wherever_there_is_json(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "a.db"
    assert run("load", str(db), "--example", "--legacy").returncode == 0  # legacy: report has groups
    args = [str(db) if a == "DB" else a for a in command]
    as_json = run(*args, "--format", "json")
    as_csv = run(*args, "--format", "csv")
    assert as_json.returncode == as_csv.returncode, as_csv.stderr
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert len(rows) >= 2 and all(len(r) == len(rows[0]) for r in rows), as_csv.stdout[:500]


def test_wall_shell_completion() -> None:
    for shell, marker in (("bash", "complete"), ("zsh", "#compdef"), ("tcsh", "complete")):
        result = run("completion", shell)
        assert result.returncode == 0, result.stderr
        assert marker in result.stdout
        words = ("dedupe", "boi", "validate", "completion")
        words += ("--unit-column", "--delimiter", "--html") if shell != "tcsh" else ()  # tcsh: commands only
        for word in words:
            assert word in result.stdout, (shell, word)
    bash = shutil.which("bash")
    if bash:  # the script loads in bash and completes a subcommand
        script = run("completion", "bash").stdout
        probe = (
            script
            + '\nCOMP_WORDS=(addrmatch ded); COMP_CWORD=1; COMP_LINE="addrmatch ded"; COMP_POINT=${#COMP_LINE};'
            + ' _shtab_addrmatch addrmatch ded addrmatch; echo "${COMPREPLY[@]}"\n'
        )
        done = subprocess.run([bash, "-c", probe], capture_output=True, text=True, timeout=30, check=False)
        assert "dedupe" in done.stdout.split(), done.stderr[-500:]


def test_wall_verbose_logs_without_personal_data(tmp_path: Path) -> None:
    source = write(tmp_path / "staff.csv", STAFF)
    result = run("dedupe", str(source), "--column", "address", "--zip-column", "zip", "-v",
                 "--db", str(tmp_path / "o.db"), "-o", str(tmp_path / "o.csv"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    log = [line for line in result.stderr.splitlines() if line.startswith("addrmatch: INFO")]
    assert any("7 rows" in line and "distinct spellings" in line for line in log), result.stderr
    assert any("AddressStore rows" in line for line in log)  # the store's tier decisions, counted
    assert any(re.search(r"\d+\.\d{3} s", line) for line in log)  # timings
    for secret in ("Larson", "Lexington", "LEXINGTON", "Elm", "ELM", "55434", "E1", "Nguyen"):
        assert secret not in result.stderr, secret
    quiet = run("dedupe", str(source), "--column", "address", "-o", str(tmp_path / "p.csv"))
    assert quiet.stderr == ""


CLI_MODULES = ("cli.py", "_cli_common.py", "_cli_address.py", "_cli_dedupe.py", "_cli_store.py", "_cli_options.py",
               "_csvinput.py", "dedupe.py", "dedupe_report.py", "dedupe_db.py", "batch.py", "_progress.py",
               "__main__.py")  # fmt: skip
POSIX_ONLY = {"fchmod", "fchown", "chown", "getuid", "geteuid", "kill", "killpg", "fork", "setsid", "getpgid",
              "pty", "fcntl", "termios", "resource", "pwd", "grp", "SIGKILL", "SIGHUP", "SIGQUIT"}  # fmt: skip


@pytest.mark.parametrize("name", CLI_MODULES)
def test_command_line_modules_use_no_posix_only_call(name: str) -> None:
    """Portable (issue 15, item 7): no POSIX-only call or module in the command line's modules."""
    import ast

    tree = ast.parse((SRC / "addrmatch" / name).read_text(encoding="utf-8"))
    used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    used |= {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
             for a in n.names}  # fmt: skip
    used |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not used & POSIX_ONLY, sorted(used & POSIX_ONLY)
    assert "/proc" not in (SRC / "addrmatch" / name).read_text(encoding="utf-8")


def test_ctrl_c_handler_is_portable(monkeypatch: pytest.MonkeyPatch) -> None:
    """The start-up handler uses only SIGINT, os.write and os._exit (Windows has all three)."""
    import signal

    import addrmatch.__main__ as entry

    installed: dict[int, object] = {}
    monkeypatch.setattr(signal, "signal", lambda sig, handler: installed.setdefault(sig, handler))
    monkeypatch.setattr(sys, "argv", ["addrmatch", "--version"])
    with pytest.raises(SystemExit):
        entry.main()
    assert list(installed) == [signal.SIGINT]


def test_wall_boi_commands_have_csv_beside_json(tmp_path: Path) -> None:
    """--format csv wherever there is --format json: the staff commands too."""
    db = tmp_path / "district.db"
    lists = {
        "--schools": "schoolNumber,name\n010,Blaine High\n",
        "--genders": "code,name\nF,Female\nM,Male\n",
        "--titles": "titleCode,titleDescription\nT1,Teacher\n",
    }
    args = [
        a
        for option, text in lists.items()
        for a in (option, str(write(tmp_path / f"{option[2:]}.csv", text)))
    ]
    assert run("boi", "load-reference", str(db), *args).returncode == 0
    hr = write(
        tmp_path / "hr.csv",
        "staffNumber,lastName,firstName,gender,hireDate,schoolNumber,titleCode,startDate\n"
        "1001,Smith,Pat,F,2020-07-25,010,T1,2020-08-25\n1002,Lee,Al,M,2021-07-25,010,T1,2021-08-25\n",
    )
    commit = run("boi", "commit", str(db), str(hr), "--result-format", "csv")
    assert commit.returncode == 0, commit.stderr
    rows = list(csv.DictReader(io.StringIO(commit.stdout)))
    assert [(r["staffNumber"], r["outcome"]) for r in rows] == [("1001", "committed"), ("1002", "committed")]
    status = list(csv.DictReader(io.StringIO(run("boi", "status", str(db), "--format", "csv").stdout)))
    assert status[0]["record"] == "sync" and status[0]["state"] == "committed", status
    as_json = json.loads(run("boi", "status", str(db), "--format", "json").stdout)
    assert status[0]["syncId"] == str(as_json["sync"]["syncId"])
    credentials = list(
        csv.DictReader(io.StringIO(run("boi", "credentials", str(db), "--format", "csv").stdout))
    )
    assert list(credentials[0]) == ["clientId", "clientSecret"] and credentials[0]["clientId"]


def test_wall_boi_reports_have_csv_beside_json(tmp_path: Path) -> None:
    db = tmp_path / "district.db"
    genders = write(tmp_path / "genders.csv", "code,name\nF,Female\nM,Male\n")
    assert run("boi", "load-reference", str(db), "--genders", str(genders)).returncode == 0
    from addrmatch.boi import Campus

    with Campus(db) as campus:
        campus.import_legacy_staff(
            [
                {"staffNumber": "PENDING", "lastName": "Hurley", "firstName": "Bryan", "gender": "M"},
                {"staffNumber": "pending", "lastName": "Bonquet", "firstName": "Alicia", "gender": "F"},
            ]
        )
    as_json = json.loads(run("boi", "check", str(db), "--format", "json").stdout)
    out = tmp_path / "check.csv"
    assert (
        run("boi", "check", str(db), "-o", str(out)).returncode == 1
    )  # duplicates found; csv from the suffix
    rows = read_csv(out)
    entries = [e for entries in as_json["sections"].values() for e in entries]
    assert len(rows) == len(entries) >= 2
    assert {r["section"] for r in rows} == {key for key, found in as_json["sections"].items() if found}
    assert {r["lastName"] for r in rows} >= {"Hurley", "Bonquet"}
    assert os.stat(out).st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    "argv",
    [
        ["load", "{db}", "in\x00put.csv", "--column", "address"],
        ["dedupe", "{csv}", "--column", "address", "-o", "out\x00.csv"],
        ["normalize", "12 Main\x00 St"],
    ],
)
def test_a_nul_character_in_an_argument_is_a_bad_argument(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A shell cannot pass one (argv strings are C strings); a caller of main() can: exit 2
    with a one-line error naming the argument, never an internal error, nothing written."""
    from addrmatch.cli import main

    source = tmp_path / "in.csv"
    source.write_text("address\n12 Main St\n")
    args = [a.format(db=tmp_path / "s.db", csv=source) for a in argv]
    with pytest.raises(SystemExit) as exited:
        main(args)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "contains a NUL character" in err and "internal error" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
