"""The README's commands run as documented.

Every ``$ addrmatch ...`` line of the README's console blocks runs, in order,
through the real console entry point (``python -m addrmatch``) in a fresh
directory, and must succeed; where the README shows the output that follows
a command, that output must be what the command prints. ``staff.csv`` (the
README's example of a user's file) is the shipped example data.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _console_commands() -> list[tuple[str, list[str]]]:
    """(command, the lines shown after it) for each ``$ addrmatch`` line."""
    commands: list[tuple[str, list[str]]] = []
    in_console = False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```console"):
            in_console = True
        elif line.startswith("```"):
            in_console = False
        elif in_console and commands and commands[-1][0].endswith("\\"):
            commands[-1] = (commands[-1][0][:-1] + " " + line.strip(), [])  # a continued command
        elif in_console and line.startswith("$ addrmatch"):
            commands.append((line[2:], []))
        elif in_console and commands and not line.startswith("$"):
            commands[-1][1].append(line)
    return commands


COMMANDS = _console_commands()


def test_the_readme_has_commands() -> None:
    assert len(COMMANDS) >= 8


def test_the_readme_commands_run_as_documented(tmp_path: Path) -> None:
    example = resources.files("addrmatch") / "examples" / "staff_addresses.csv"
    with resources.as_file(example) as path:
        shutil.copy(path, tmp_path / "staff.csv")
    _district_files(tmp_path)
    for command, shown in COMMANDS:
        args = shlex.split(command, comments=True)
        assert args[0] == "addrmatch"
        done = subprocess.run(
            [sys.executable, "-m", "addrmatch", *args[1:]],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        exits = re.search(r"#\s*exits (\d+)", command)  # a documented negative answer ("# exits 1: ...")
        assert done.returncode == (int(exits.group(1)) if exits else 0), (
            f"{command}\n{done.stdout}\n{done.stderr}"
        )
        exact = [line for line in shown if line.strip() and "..." not in line]
        if shown and len(exact) == len([line for line in shown if line.strip()]):
            # The README shows this command's whole output: it must match.
            assert done.stdout.splitlines() == shown, command


def _district_files(folder: Path) -> None:
    """The README's example inputs: the recipes' exports and, for `addrmatch boi`, the documented headers."""
    (folder / "export.csv").write_text(
        "id,Address Line 1,Address Line 2,City,State,ZIP\n1,100 Main Street,Apt 4,Blaine,MN,55434\n"
        "2,100 MAIN ST,#4,blaine,mn,55434\n3,100 Main St,Apt 5,Blaine,MN,55434\n"
    )
    (folder / "export.tsv").write_text("addr\tzip\n12 Elm Street\t55123\n12 ELM ST.\t55123-0001\n")
    (folder / "schools.csv").write_text("schoolNumber,name\n010,Blaine High\n106,Northdale Middle\n")
    (folder / "genders.csv").write_text("code,name\nF,Female\nM,Male\n")
    (folder / "codes.csv").write_text("assignmentCode,description\n20,Athletic Coach\n")
    (folder / "titles.csv").write_text("titleCode,titleDescription\n4A61E262,Varsity Basketball\n")
    staff = {
        "staffNumber": "FFF666",
        "lastName": "Franklin",
        "firstName": "Frank",
        "gender": "M",
        "workEmail": "fff@email.com",
        "employments": [{"hireDate": "2020-07-25"}],
        "positions": [{"schoolNumber": "106", "titleCode": "4A61E262", "startDate": "2020-07-25"}],
        "household": {
            "householdLocations": [
                {
                    "address": {
                        "fullStreetAddress": "4321 257th Ave NE",
                        "city": "Blaine",
                        "state": "MN",
                        "zip": "55434",
                    }
                }
            ]
        },
    }
    (folder / "hr.json").write_text(json.dumps([staff]))


@pytest.mark.parametrize("command", [c for c, _ in COMMANDS])
def test_each_command_names_a_real_subcommand(command: str) -> None:
    words = shlex.split(command, comments=True)
    subcommand = words[1:3] if words[1] == "boi" else words[1:2]
    done = subprocess.run(
        [sys.executable, "-m", "addrmatch", *subcommand, "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_the_datasette_recipe_hides_exactly_the_store_tables(tmp_path: Path) -> None:
    """The README's datasette.json hides the AddressStore's tables of a real
    --db output, and its query runs on it."""
    import sqlite3

    from addrmatch.dedupe_db import internal_tables

    text = README.read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", text[text.index("**Datasette**") :], re.S)
    assert block, "the Datasette recipe lost its datasette.json"
    metadata = json.loads(block.group(1))
    example = resources.files("addrmatch") / "examples" / "staff_addresses.csv"
    db = tmp_path / "staff_groups.db"
    with resources.as_file(example) as path:
        done = subprocess.run(
            [sys.executable, "-m", "addrmatch", "dedupe", str(path), "--column", "address", "--db", str(db)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    database = metadata["databases"][db.stem]
    hidden = {name for name, table in database["tables"].items() if table.get("hidden")}
    with sqlite3.connect(db) as conn:
        assert hidden == {*internal_tables(conn), "dedupe_run"}
        for query in database["queries"].values():
            assert conn.execute(query["sql"]).fetchall()
            assert not re.search(r"ssn|birth", query["sql"], re.I)
