"""``addrmatch dedupe --typos`` (issue 12 item 9): the store's typo tier applied to a file.

Street names are made up. A spelling joins an earlier address of the same block (number, ZIP,
unit, directionals, suffix) when it is one typo from exactly one earlier street there, never when
both spellings are established streets of the ZIP (each also at another house number).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from addrmatch.cli import main
from addrmatch.dedupe import (
    TIER_COLUMN,
    AddressColumns,
    CSVInputError,
    DedupeDetails,
    dedupe_csv,
    dedupe_stream,
)

COLUMNS = AddressColumns("address", zip="zip")


def dedupe(lines: list[str], *, typos: bool = True, details: DedupeDetails | None = None):
    text = "name,address,zip\n" + "".join(f"p{i},{line}\n" for i, line in enumerate(lines))
    out = io.StringIO()
    summary = dedupe_stream(io.StringIO(text), out, COLUMNS, typos=typos, details=details)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    return summary, rows


def ids(rows: list[dict[str, str]]) -> list[str]:
    return [r["address_id"] for r in rows]


def tiers(rows: list[dict[str, str]]) -> list[str]:
    return [r[TIER_COLUMN] for r in rows]


def test_a_typo_joins_the_one_earlier_street_of_its_block() -> None:
    summary, rows = dedupe(
        [
            "12 Quillfeather St,55123",
            "14 Quillfeather St,55123",
            "12 Quilfeather St,55123",  # the typo: one letter left out
            "9 Bramwick Ln,55123",
            "12 Quilfeather Street,55123",  # the same typo again
        ]
    )
    assert ids(rows) == ["1", "2", "1", "3", "1"]  # still numbered 1, 2, 3 by first appearance
    assert tiers(rows) == ["", "", "typo", "", "typo"]
    assert rows[2]["canonical_address"] == "12 QUILFEATHER ST"  # the row keeps its own reading
    assert rows[2]["match_key"] != rows[0]["match_key"]
    assert (summary.distinct_addresses, summary.duplicate_rows, summary.typo_joins) == (3, 2, 1)
    assert summary.largest_groups[0].rows == 3 and summary.largest_groups[0].address_id == 1
    assert summary.as_dict()["typoJoins"] == 1


def test_the_typo_may_come_first_in_the_file() -> None:
    # "12 Quilfeather" is the first spelling; "Quillfeather" is established (14 too): they join.
    _, rows = dedupe(["12 Quilfeather St,55123", "14 Quillfeather St,55123", "12 Quillfeather St,55123"])
    assert ids(rows) == ["1", "2", "1"]
    assert tiers(rows) == ["", "", "typo"]


def test_no_join_when_two_earlier_streets_fit() -> None:
    # BRANDAN is one letter from BRANDON and from BRENDAN (which are two apart).
    _, rows = dedupe(["12 Brandon Ct,55123", "12 Brendan Ct,55123", "12 Brandan Ct,55123"])
    assert ids(rows) == ["1", "2", "3"] and tiers(rows) == ["", "", ""]


def test_no_join_when_both_spellings_are_established_streets() -> None:
    lines = ["12 Marlowe Rd,55123", "12 Marlow Rd,55123", "30 Marlowe Rd,55123", "31 Marlow Rd,55123"]
    _, rows = dedupe(lines)
    assert ids(rows) == ["1", "2", "3", "4"]
    # With only one of them established, the other joins it.
    _, rows = dedupe(lines[:3])
    assert ids(rows) == ["1", "1", "2"] and tiers(rows) == ["", "typo", ""]


@pytest.mark.parametrize(
    ("first", "second", "why"),
    [
        ("12 Elm St,55123", "12 Elk St,55123", "under four letters"),
        ("12 13th St,55123", "12 12th St,55123", "digits differ"),
        ("12 Quillfeather St,55123", "14 Quilfeather St,55123", "another house number"),
        ("12 Quillfeather St,55123", "12 Quilfeather Ave,55123", "another suffix"),
        ("12 Quillfeather St,55123", "12 N Quilfeather St,55123", "a directional on one side"),
        ("12 Quillfeather St,55123", "12 Quilfeather St Apt 4,55123", "a unit on one side"),
        ("12 Quillfeather St,55123", "12 Quilfeather St,55124", "another ZIP"),
        ("12 Quillfeather St,55123", "12 Quilfeathr St,55123", "two edits"),
        ("12 Quillfeather St,NA", "12 Quilfeather St,NA", "no ZIP"),
    ],
)
def test_no_join(first: str, second: str, why: str) -> None:
    _, rows = dedupe([first, second])
    assert ids(rows) == ["1", "2"], why
    assert tiers(rows) == ["", ""], why


def test_off_by_default() -> None:
    summary, rows = dedupe(["12 Quillfeather St,55123", "12 Quilfeather St,55123"], typos=False)
    assert ids(rows) == ["1", "2"]
    assert TIER_COLUMN not in rows[0]
    assert summary.typo_joins is None and "typoJoins" not in summary.as_dict()


def test_the_report_details_merge_the_joined_spellings() -> None:
    details = DedupeDetails()
    dedupe(
        [
            "12 Quillfeather St,55123",
            "9 Bramwick Ln,55123",
            "12 Quilfeather St,55123",
            "9 Bramwick Lane,55123",
        ],
        details=details,
    )
    assert [(g.address_id, g.rows) for g in details.groups] == [(1, 2), (2, 2)]
    assert {w: list(lines) for w, lines in details.groups[0].spellings.items()} == {
        "12 Quillfeather St, 55123": [2],
        "12 Quilfeather St, 55123": [4],
    }


def test_an_input_column_named_address_tier_is_refused_with_typos_only(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("address,zip,address_tier\n12 Quillfeather St,55123,x\n", encoding="utf-8")
    dedupe_csv(source, tmp_path / "plain.csv", "address", zip_column="zip")
    with pytest.raises(CSVInputError, match="address_tier"):
        dedupe_csv(source, tmp_path / "out.csv", "address", zip_column="zip", typos=True)


def test_cli_typos_writes_the_tier_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "address,zip\n12 Quillfeather St,55123\n12 Quilfeather St,55123\n9 Bramwick Ln,55123\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    argv = ["dedupe", str(source), "--column", "address", "--zip-column", "zip", "-o", str(out)]
    assert main([*argv, "--typos", "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["distinctAddresses"], summary["typoJoins"]) == (2, 1)
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert ids(rows) == ["1", "1", "2"] and tiers(rows) == ["", "typo", ""]
    assert main(argv) == 0  # default: off
    capsys.readouterr()
    with open(out, newline="", encoding="utf-8") as f:
        assert ids(list(csv.DictReader(f))) == ["1", "2", "3"]


@pytest.mark.parametrize(
    "extra",
    [["--engine", "duckdb"], ["--partial"], ["-o", "out.parquet"]],
)
def test_cli_typos_refuses_the_duckdb_engine_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("address,zip\n12 Quillfeather St,55123\n", encoding="utf-8")
    extra = [str(tmp_path / e) if e.endswith(".parquet") else e for e in extra]
    code = main(["dedupe", str(source), "--column", "address", "--zip-column", "zip", "--typos", *extra])
    assert code == 2
    err = capsys.readouterr().err
    assert "--typos runs on --engine python" in err
    assert not (tmp_path / "out.parquet").exists()
