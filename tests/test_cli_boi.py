"""``addrmatch boi ...`` run as a user runs it (``python -m addrmatch`` in a
subprocess): reference lists, Check Campus Data, validate and commit from HR
files, exit codes, one-line errors, nothing half-written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from addrmatch.boi import Campus


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "addrmatch", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )


def assert_clean_error(result: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit code 2, one line on stderr naming the problem, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("addrmatch: error: "), lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


LISTS = {
    "--schools": "schoolNumber,name\n010,Blaine High\n106,Northdale Middle\n",
    "--genders": "code,name\nF,Female\nM,Male\n",
    "--assignment-codes": "assignmentCode,description\n20,Athletic Coach\n",
    "--titles": "titleCode,titleDescription\n4A61E262,Varsity Basketball\n",
}
CAMPUS_STAFF = [
    {"staffNumber": "FFF666", "lastName": "Franklin", "firstName": "Frank", "gender": "M",
     "workEmail": "FFF@email.com", "ssn": "123-45-6789"},
    {"staffNumber": "PENDING", "lastName": "Hurley", "firstName": "Bryan", "gender": "M"},
    {"staffNumber": "pending", "lastName": "Bonquet", "firstName": "Alicia", "gender": "F"},
    {"staffNumber": None, "lastName": "Nonumber", "firstName": "Nora", "gender": "F"},
]  # fmt: skip
HR_CSV = (
    "staff_number,Last Name,firstName,gender,workEmail,hireDate,schoolNumber,titleCode,startDate,"
    "fullStreetAddress,city,state,zip\n"
    "FFF666,Franklin,Frank,M,fff@email.com,2020-07-25,106,337C8989,2020-07-25,4321 257th Ave NE,Blaine,MN,55434\n"
    "EEE555,Evans,Eve,F,,,,,,4321 109th Ave NE,Blaine,MN,55434\n"
)


def lists(folder: Path) -> list[str]:
    args = []
    for option, text in LISTS.items():
        args += [option, str(write(folder / f"{option.strip('-')}.csv", text))]
    return args


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A Campus database made with the CLI, holding legacy staff."""
    path = tmp_path / "campus.db"
    result = run("boi", "load-reference", str(path), *lists(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "2 schools, 2 genders, 1 assignment codes, 1 titles" in result.stdout
    with Campus(path) as campus:
        campus.import_legacy_staff(CAMPUS_STAFF)
    return path


def test_boi_help_lists_its_commands() -> None:
    result = run("boi", "--help")
    assert result.returncode == 0
    for command in ("load-reference", "check", "validate", "commit", "status"):
        assert command in result.stdout
        sub = run("boi", command, "--help")
        assert sub.returncode == 0 and f"usage: addrmatch boi {command}" in sub.stdout
    assert "boi" in run("--help").stdout


def test_load_reference_is_all_or_nothing(tmp_path: Path) -> None:
    bad = write(tmp_path / "genders.csv", "code,label\nF,Female\n")
    schools = write(tmp_path / "schools.csv", LISTS["--schools"])
    path = tmp_path / "new.db"
    result = run("boi", "load-reference", str(path), "--schools", str(schools), "--genders", str(bad))
    assert_clean_error(result, "name", "genders")
    assert not path.exists()  # the database this failed call created is removed
    assert_clean_error(run("boi", "load-reference", str(path)), "nothing to load")
    assert_clean_error(
        run("boi", "load-reference", str(path), "--titles", str(tmp_path / "nope.csv")), "nope.csv"
    )


def test_check_writes_the_report(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "check.html"
    result = run("boi", "check", str(db), "-o", str(out))
    assert result.returncode == 1  # duplicate and missing numbers found
    assert "2 with duplicate staff numbers (1 shared number), 1 with no staff number" in result.stdout
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "2 employees with duplicate Staff Numbers in Campus" in html
    assert os.stat(out).st_mode & 0o077 == 0  # personal data: owner only
    as_json = run("boi", "check", str(db), "--format", "json")
    data = json.loads(as_json.stdout)
    assert data["summary"]["duplicateStaffNumbers"] == 2 and data["summary"]["missingStaffNumbers"] == 1
    text = run("boi", "check", str(db))
    assert text.stdout.startswith("Check Campus Data\nGenerated on ")
    assert_clean_error(run("boi", "check", str(db), "--limit", "0"), "--limit")


def test_check_clean_data_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "clean.db"
    assert run("boi", "load-reference", str(path), *lists(tmp_path)).returncode == 0
    result = run("boi", "check", str(path), "-o", str(tmp_path / "r.txt"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "r.txt").read_text(encoding="utf-8").startswith("Check Campus Data")


def test_load_reference_leaves_a_dangling_symlink_as_it_was(tmp_path: Path) -> None:
    # Found by tests/fuzz: the refused database "did not exist", so the failed call removed it: the link.
    link = tmp_path / "campus.db"
    link.symlink_to(tmp_path / "elsewhere" / "campus.db")
    schools = write(tmp_path / "schools.csv", LISTS["--schools"])
    assert_clean_error(run("boi", "load-reference", str(link), "--schools", str(schools)), "symbolic link")
    assert link.is_symlink()


def test_commands_refuse_a_missing_or_foreign_database(tmp_path: Path) -> None:
    assert_clean_error(run("boi", "check", str(tmp_path / "none.db")), "no database", "load-reference")
    assert not (tmp_path / "none.db").exists()
    store = tmp_path / "store.db"
    assert (
        run(
            "load", str(store), str(write(tmp_path / "a.csv", "address\n12 Elm St\n")), "--column", "address"
        ).returncode
        == 0
    )
    assert_clean_error(run("boi", "check", str(store)), "not an addrmatch.boi Campus database")
    assert_clean_error(run("boi", "status", str(tmp_path)), "directory")


def test_validate_from_csv(db: Path, tmp_path: Path) -> None:
    hr = write(tmp_path / "hr.csv", HR_CSV)
    out = tmp_path / "report.html"
    result = run("boi", "validate", str(db), str(hr), "-o", str(out), "--started-by", "Postma, Madison")
    assert result.returncode == 0, result.stderr
    assert "2 HR staff transferred, 0 rejected" in result.stdout
    assert (
        "1 demographic, 1 employment, 1 assignment, 1 address differences; 1 HR staff not in Campus"
        in result.stdout
    )
    html = out.read_text(encoding="utf-8")
    assert "Sync 1 started by Postma, Madison" in html
    assert '<td class="diff">FFF@email.com</td>' in html and "1 staff member in HR NOT in Campus" in html
    with Campus(db) as campus:  # validate changes nothing in Campus
        assert campus.get_staff("FFF666")["workEmail"] == "FFF@email.com"
        assert campus.sync.status()["state"] == "validated"


def test_validate_json_and_rejected_records(db: Path, tmp_path: Path) -> None:
    hr = tmp_path / "hr.json"
    hr.write_text(
        json.dumps(
            {
                "staffMembers": [
                    {"staffNumber": "FFF666", "lastName": "Franklin", "firstName": "Frank", "gender": "M",
                     "ssn": "987-65-4321"},
                    {"staffNumber": "BAD", "lastName": "X", "firstName": "Y", "gender": "Q"},
                ]
            }
        ),
        encoding="utf-8",
    )  # fmt: skip
    result = run("boi", "validate", str(db), str(hr), "--format", "json")
    assert result.returncode == 1  # a record was rejected
    report = json.loads(result.stdout)
    assert report["summary"]["demographicFieldDifferences"]["SSN"] == 1
    assert "987-65-4321" not in result.stdout and "***-**-4321" in result.stdout
    assert "record 2: gender: 'Q' is not a listed gender" in result.stderr
    # run again: the sync in progress is restarted, not refused
    again = run("boi", "validate", str(db), str(hr), "--format", "json")
    assert again.returncode == 1 and "restarting the sync 1" in again.stderr
    with Campus(db) as campus:
        assert campus.sync.status()["restarts"] == 1


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("hr.json", "{not json", ("not valid JSON",)),
        ("hr.json", '{"a": 1}', ("expected a JSON list",)),
        ("hr.csv", "staffNumber,shoeSize\n1,9\n", ("unknown column", "shoeSize")),
        ("hr.csv", "lastName\nSmith\n", ("no staffNumber column",)),
        ("hr.csv", "staffNumber,lastName\n1,Smith,extra\n", ("line 2", "expected 2 fields")),
        (
            "hr.csv",
            "staffNumber,lastName,firstName,gender\n1,A,B,Q\n",
            ("no HR record could be transferred",),
        ),
    ],
)
def test_validate_bad_hr_file_writes_nothing(
    db: Path, tmp_path: Path, name: str, text: str, words: tuple[str, ...]
) -> None:
    out = tmp_path / "report.html"
    result = run("boi", "validate", str(db), str(write(tmp_path / name, text)), "-o", str(out))
    if "no HR record" in words[0]:
        assert result.returncode == 2 and "Traceback" not in result.stderr
        last = result.stderr.strip().splitlines()[-1]  # after the rejected record's warning
        assert last.startswith("addrmatch: error: ") and words[0] in last
    else:
        assert_clean_error(result, *words)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_commit_from_the_hr_file_then_status(db: Path, tmp_path: Path) -> None:
    hr = write(tmp_path / "hr.csv", HR_CSV)
    out = tmp_path / "validation.html"
    result = run("boi", "commit", str(db), str(hr), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "2 of 2 staff committed (1 created, 1 updated, 0 unchanged), 0 failed" in result.stdout
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with Campus(db) as campus:
        staff = campus.get_staff("FFF666")
        assert (staff["workEmail"], staff["hrManaged"]) == ("fff@email.com", True)
        assert (
            campus.get_staff("EEE555")["household"]["householdLocations"][0]["address"]["street"] == "109TH"
        )
    status = run("boi", "status", str(db), "--format", "json")
    data = json.loads(status.stdout)
    assert data["sync"]["state"] == "committed" and data["commitJob"]["state"] == "completed"
    assert "sync 1: committed" in run("boi", "status", str(db)).stdout
    assert_clean_error(run("boi", "commit", str(db)), "nothing to commit", "committed")


def test_commit_the_validated_sync_with_a_failure(db: Path, tmp_path: Path) -> None:
    hr = tmp_path / "hr.json"
    hr.write_text(
        json.dumps(
            [
                {"staffNumber": "FFF666", "lastName": "Franklin", "firstName": "Frank", "gender": "M"},
                {"staffNumber": "Pending", "lastName": "Hurley", "firstName": "Bryan", "gender": "M"},
            ]
        ),
        encoding="utf-8",
    )
    validated = run("boi", "validate", str(db), str(hr), "-o", str(tmp_path / "r.json"))
    # the report already holds a conflict that will fail at commit: a negative answer (issue 15 item 5)
    assert validated.returncode == 1, validated.stderr
    assert "1 HR staff will fail at commit" in validated.stderr
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["summary"]["conflicts"] == 1
    result = run("boi", "commit", str(db), "--result-format", "json")
    assert result.returncode == 1  # a staff member failed
    data = json.loads(result.stdout)
    assert (data["committed"], data["failed"]) == (1, 1)
    assert data["failures"][0]["error"] == "AmbiguousStaffNumberError"


def test_verbose_shows_the_traceback(tmp_path: Path) -> None:
    result = run("boi", "check", "--verbose", str(tmp_path / "none.db"))
    assert result.returncode == 2
    assert "Traceback" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("addrmatch: error: no database")


# -- credentials and the error log (the HTTP API's administration) ----------------------------


def test_credentials_are_created_once_and_rotated(tmp_path: Path) -> None:
    db = tmp_path / "campus.db"
    Campus(db).close()
    first = run("boi", "credentials", str(db), "--format", "json")
    assert first.returncode == 0, first.stderr
    cred = json.loads(first.stdout)
    assert set(cred) == {"clientId", "clientSecret"} and len(cred["clientSecret"]) > 30
    again = json.loads(run("boi", "credentials", str(db), "--format", "json").stdout)
    assert again == {"clientId": cred["clientId"], "clientSecret": None}  # shown once
    text = run("boi", "credentials", str(db)).stdout
    assert cred["clientId"] in text and cred["clientSecret"] not in text
    rotated = json.loads(run("boi", "credentials", str(db), "--new-secret", "--format", "json").stdout)
    assert rotated["clientId"] == cred["clientId"] and rotated["clientSecret"] not in (
        None,
        cred["clientSecret"],
    )
    campus = Campus(db)
    assert campus.issue_token(cred["clientId"], cred["clientSecret"]) is None
    assert campus.issue_token(cred["clientId"], rotated["clientSecret"]) is not None


@pytest.mark.parametrize("suffix", [".pdf", ".csv", ".json"])
def test_the_error_log_exports(tmp_path: Path, suffix: str) -> None:
    db = tmp_path / "campus.db"
    campus = Campus(db, clock=lambda: "2024-08-01")
    with pytest.raises(Exception):  # noqa: B017 - a failed HR call, logged
        campus.create_staff({"staffNumber": "1001", "ssn": "123-45-6789"})
    campus.close()
    out = tmp_path / f"log{suffix}"
    result = run("boi", "errors", str(db), "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert (out.stat().st_mode & 0o777) == 0o600
    if suffix == ".pdf":
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
    elif suffix == ".json":
        [row] = json.loads(data)
        assert (
            row["path"] == "/api/businessOfficeIntegration/staffMembers"
            and row["payload"]["ssn"] == "***-**-6789"
        )
    else:
        assert data.decode().splitlines()[0] == "Error Date,Action,Path,Error Message,Payload"
    assert b"123-45-6789" not in data


def test_demo_builds_the_same_files_and_never_overwrites(tmp_path: Path) -> None:
    """Issue 15 item 6: one command gives a Campus database and an HR file to try, seeded."""
    first = run("boi", "demo", str(tmp_path / "a.db"))
    assert first.returncode == 0, first.stderr
    assert "473 Campus staff" in first.stdout and "469 HR staff, 257 of them in Campus" in first.stdout
    assert run("boi", "demo", str(tmp_path / "b.db"), "--hr", str(tmp_path / "b.csv")).returncode == 0
    assert (tmp_path / "a-hr.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert os.stat(tmp_path / "a-hr.csv").st_mode & 0o077 == 0  # names and addresses: owner only
    before = (tmp_path / "a.db").read_bytes()
    assert_clean_error(run("boi", "demo", str(tmp_path / "a.db")), "exists")
    assert (tmp_path / "a.db").read_bytes() == before
    check = run("boi", "check", str(tmp_path / "a.db"), "--format", "json")
    assert check.returncode == 1  # the demo's PENDING/pending and the staff member without a number
    summary = json.loads(check.stdout)["summary"]
    assert (summary["duplicateStaffNumbers"], summary["missingStaffNumbers"]) == (2, 1)


def test_user_add_reads_the_password_from_stdin(tmp_path: Path) -> None:
    """Issue 16: district users for the Business Office screens; the password from standard input."""
    db = tmp_path / "campus.db"
    Campus(db).close()

    def user(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "addrmatch", "boi", "user", *args], input=stdin,
                              capture_output=True, text=True, timeout=120, check=False)  # fmt: skip

    added = user("add", str(db), "mpostma", "--full-name", "Postma, Madison", "--tool-rights",
                 "Business Office Preferences:R", "Business Office Error Log,District Employment",
                 stdin="a long passphrase\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "Business Office Error Log:RW, Business Office Preferences:R, District Employment" in added.stdout
    assert "a long passphrase" not in added.stdout + added.stderr
    assert_clean_error(user("add", str(db), "short", stdin="tiny\n"), "password", "10 characters")
    assert_clean_error(user("add", str(db), "mpostma", stdin="another long one\n"), "already exists")
    assert_clean_error(user("add", str(db), "x", "--tool-rights", "Business Office Preferences:X",
                            stdin="a long passphrase\n"), "R or RW")  # fmt: skip
    with Campus(db) as campus:
        assert [u["username"] for u in campus.users()] == ["mpostma"]  # the refused ones added nothing
        session = campus.log_in("mpostma", "a long passphrase")
        stored = campus.connection.execute("SELECT hash FROM user_login").fetchone()[0]
        assert b"a long passphrase" not in stored and len(stored) == 32  # a hash, not the password
    assert user("password", str(db), "mpostma", stdin="a new long passphrase\n").returncode == 0
    with Campus(db) as campus:
        assert campus.session_user(session["session"]) is None  # a new password ends the sessions
        assert campus.log_in("mpostma", "a new long passphrase")["userId"] == 1
