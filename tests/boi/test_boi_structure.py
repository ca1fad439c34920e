"""The structure of addrmatch.boi: one-way layers, one source per concept.

* no function-level import in ``addrmatch.boi`` (none exists to break one; that
  ``src/`` has no import cycle and the core never imports boi is tests/test_layers.py);
* every ``rule=`` of a boi error is a constant of the one registry
  (``addrmatch.boi.rules``), and the README's error table lists exactly them;
* the Campus methods take their error-log Action and Path from the endpoint table;
* adding a staff field is one ``Field`` entry plus one migration (a subclass).
"""

from __future__ import annotations

import ast
import re
import sqlite3
from pathlib import Path

import pytest

from addrmatch.boi import Campus, ReadOnlyError
from addrmatch.boi.endpoints import ENDPOINT_TABLE, ENDPOINTS
from addrmatch.boi.fields import Field
from addrmatch.boi.rules import RULES

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "addrmatch"
BOI = SRC / "boi"


def test_no_function_level_import_in_boi() -> None:
    offenders = []
    for path in sorted(BOI.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)):
                        offenders.append(f"{path.name}:{inner.lineno}")
    assert offenders == []


def test_no_module_in_boi_over_700_lines() -> None:
    long = {
        p.name: n for p in BOI.glob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > 700
    }
    assert long == {}


# -- one rule registry -------------------------------------------------------------------


def test_every_rule_is_a_registry_constant() -> None:
    """No ``rule="..."`` keyword and no ``rule = "..."`` class attribute holds a literal."""
    offenders = []
    for path in sorted(BOI.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values = []
            if isinstance(node, ast.keyword) and node.arg == "rule":
                values.append(node.value)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "rule" for t in targets) and node.value:
                    values.append(node.value)
            offenders += [
                f"{path.name}:{v.lineno}" for v in values if isinstance(v, (ast.Constant, ast.JoinedStr))
            ]
    assert offenders == []


def test_the_readme_error_table_lists_every_rule() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("#### Rule ids") :]
    section = section[: section.index("\n#")]
    listed = set(re.findall(r"^\| `([^`]+)` \|", section, flags=re.M))
    assert listed == set(RULES)


# -- one endpoint table --------------------------------------------------------------------


def test_the_endpoint_table_is_the_specifications() -> None:
    paths = {(e.method, e.path) for e in ENDPOINT_TABLE if e.spec}
    spec = ROOT.parent / "shared" / "spec" / "business-office-integration-guide.txt"
    if spec.exists():  # the specification's lines "**POST** /api/..." / "PUT /api/..."
        found = re.findall(r"(GET|POST|PUT)\**\s+(/api/businessOfficeIntegration[\w/{}]*)", spec.read_text())
        written = set(found)
        assert written == paths
    assert len(paths) == 17


def test_failed_calls_are_logged_with_the_tables_action_and_path(campus: Campus) -> None:
    with pytest.raises(Exception):  # noqa: B017 - any failure: we look at the log
        campus.update_staff("NOPE", {"lastName": "X"})
    with pytest.raises(Exception):  # noqa: B017
        campus.sync.end()
    logged = [(e["action"], e["path"]) for e in campus.error_log()]
    wanted = [ENDPOINTS["update_staff"], ENDPOINTS["sync.end"]]
    assert logged == [(e.method, e.path) for e in wanted]


def test_every_endpoint_names_a_campus_handler(campus: Campus) -> None:
    for endpoint in ENDPOINT_TABLE:
        target: object = campus
        for part in endpoint.handler.split("."):
            target = getattr(target, part)
        assert callable(target), endpoint.name


# -- adding a staff field: one Field entry + one migration ----------------------------------------


class BadgeCampus(Campus):
    """The README's recipe "Adding a staff field", followed."""

    schema = Campus.schema.with_fields(
        Field(
            "badgeNumber",
            "string",
            kind="code",
            column="person.badge_number",
            label="Badge Number",
            lock="Staff Demographics",
            description="Building access badge.",
        )
    )
    migrations = (*Campus.migrations, "ALTER TABLE person ADD COLUMN badge_number TEXT")


def test_a_new_staff_field_is_one_field_entry_and_one_migration(tmp_path: Path) -> None:
    path = tmp_path / "campus.db"
    campus = BadgeCampus(path, clock=lambda: "2024-08-01")
    campus.add_gender("F", "Female")
    payload = {"staffNumber": "1", "lastName": "A", "firstName": "B", "gender": "F", "badgeNumber": "B-77"}
    assert campus.create_staff(payload)["badgeNumber"] == "B-77"  # stored and returned
    assert campus.update_staff("1", {"badgeNumber": "B-78"})["badgeNumber"] == "B-78"
    with pytest.raises(ReadOnlyError) as locked:  # the lock area applies
        campus.edit_staff("1", {"badgeNumber": "B-79"})
    assert locked.value.rule == "locked:Staff Demographics"
    campus.sync.start(started_by="HR")  # the validation report counts it
    campus.sync.transfer([dict(payload, badgeNumber="B-80")])
    campus.sync.end()
    report = campus.sync.validate()
    assert report["summary"]["demographicFieldDifferences"]["Badge Number"] == 1
    assert campus.sync.commit()["committed"] == 1
    assert campus.get_staff("1")["badgeNumber"] == "B-80"
    campus.close()
    reopened = BadgeCampus(path)  # the migration ran once
    assert reopened.get_staff("1")["badgeNumber"] == "B-80"
    columns = [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(person)")]
    assert columns.count("badge_number") == 1
    with pytest.raises(Exception, match="badgeNumber"):  # the plain Campus does not know the field
        Campus(path).create_staff(dict(payload, staffNumber="2"))
