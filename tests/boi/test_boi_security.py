"""Sensitive data (SSN, birthdate), file permissions, parameterised queries."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from boi_support import LEXINGTON_FULL, Clock, load_lists, staff_payload, with_address

from addrmatch.boi import BOIError, Campus, ValidationError

SSN = "123-45-6789"
SSN_DIGITS = "123456789"
BIRTHDATE = "1979-12-26"
CLEAR = (SSN, SSN_DIGITS, BIRTHDATE, "123-45", "12345", "1979-12")


def _assert_masked(text: str) -> None:
    for secret in CLEAR:
        assert secret not in text, f"{secret!r} in {text!r}"


def _failing_calls(campus: Campus) -> list[BOIError]:
    """Failed calls whose payload carries the SSN and birthdate."""
    errors = []
    for bad in (
        staff_payload(gender="Q"),
        staff_payload(gender=BIRTHDATE),  # the birthdate even shows up as another field's value
        staff_payload(
            lastName=SSN, positions=[{"schoolNumber": SSN, "titleCode": "T", "startDate": "2024-01-01"}]
        ),
        staff_payload(ssn="123-45-678"),
        staff_payload(ssn="1234567890"),
        staff_payload(birthdate="12/26/1979", ssn=SSN),
        with_address(staff_payload(), dict(LEXINGTON_FULL, apt="1")),
    ):
        with pytest.raises(BOIError) as info:
            campus.create_staff(bad)
        errors.append(info.value)
    campus.create_staff(staff_payload())
    with pytest.raises(BOIError) as info:
        campus.update_staff("1001", {"ssn": "99-99", "birthdate": BIRTHDATE})
    errors.append(info.value)
    return errors


def test_exceptions_never_show_ssn_or_birthdate(campus: Campus) -> None:
    for error in _failing_calls(campus):
        _assert_masked(str(error))
        _assert_masked(repr(error))
        _assert_masked(repr(error.value))


def test_invalid_ssn_is_shown_by_its_last_four_digits(campus: Campus) -> None:
    with pytest.raises(ValidationError) as info:
        campus.create_staff(staff_payload(ssn="123-45-678"))
    assert info.value.value == "***-**-5678"
    assert "***-**-5678" in str(info.value)


def test_error_log_and_its_export_are_masked(campus: Campus) -> None:
    _failing_calls(campus)
    log = campus.error_log()
    assert len(log) == 8
    for entry in log:
        _assert_masked(repr(entry))
    first = log[0]["payload"]
    assert (first["ssn"], first["birthdate"]) == ("***-**-6789", "****-**-**")
    stored = "\n".join(str(row) for row in campus.connection.execute("SELECT * FROM error_log"))
    _assert_masked(stored)
    buffer = io.StringIO()
    campus.export_error_log(buffer)
    _assert_masked(buffer.getvalue())
    assert "***-**-6789" in buffer.getvalue()


def test_results_mask_the_ssn_and_their_repr_the_birthdate(campus: Campus) -> None:
    result = campus.create_staff(staff_payload())
    assert result["ssn"] == "***-**-6789"
    assert result["birthdate"] == BIRTHDATE  # the value, for the integrator's comparison
    _assert_masked(repr(result))
    _assert_masked(str(campus.search_staff(last_name="Simpson")))
    _assert_masked(repr(campus))
    # The SSN is stored (it is HR data), but never given back in clear.
    assert campus.connection.execute("SELECT ssn FROM person").fetchone()[0] == SSN_DIGITS


def test_a_masked_ssn_is_only_accepted_back_unchanged(campus: Campus) -> None:
    result = campus.create_staff(staff_payload())
    # The result's masked SSN sent back means "unchanged".
    assert campus.update_staff("1001", {"ssn": result["ssn"]})["ssn"] == "***-**-6789"
    assert campus.connection.execute("SELECT ssn FROM person").fetchone()[0] == SSN_DIGITS
    with pytest.raises(ValidationError) as info:
        campus.update_staff("1001", {"ssn": "***-**-1111"})
    assert info.value.rule == "ssn-masked"
    with pytest.raises(ValidationError) as info:
        campus.create_staff(staff_payload("1002", ssn="***-**-6789"))
    assert info.value.rule == "ssn-masked"


def _modes(path: Path) -> dict[str, int]:
    found = {}
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            found[suffix or "db"] = stat.S_IMODE(os.stat(candidate).st_mode)
    return found


def test_database_file_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "campus.db"
    old = os.umask(0o022)
    try:
        campus = Campus(path, clock=Clock("2024-08-01"))
        load_lists(campus)
        campus.create_staff(with_address(staff_payload(), LEXINGTON_FULL))
        modes = _modes(path)
        assert modes["db"] == 0o600
        assert set(modes.values()) == {0o600}, modes
        campus.close()
        assert set(_modes(path).values()) == {0o600}
    finally:
        os.umask(old)


def test_reopening_a_file_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "campus.db"
    with Campus(path, clock=Clock("2024-08-01")) as campus:
        load_lists(campus)
        campus.create_staff(staff_payload())
    with Campus(str(path)) as again:
        assert again.get_staff("1001")["lastName"] == "Simpson"


@pytest.mark.parametrize(
    "text",
    [
        "O'",
        "%",
        "_",
        "\\",
        "' OR '1'='1",
        '"; DROP TABLE person; --',
        "Robert'); DROP TABLE staff;--",
        "*",
        "a%b",
    ],
)
def test_search_text_is_just_text(campus: Campus, text: str) -> None:
    campus.create_staff(staff_payload("1001", lastName="O'Brien"))
    campus.create_staff(staff_payload("1002", lastName="100%_Pure"))
    campus.create_staff(staff_payload("1003", lastName="Robert'); DROP TABLE staff;--"))
    found = {r["lastName"] for r in campus.search_staff(last_name=text)}
    assert found == {
        name
        for name in ("O'Brien", "100%_Pure", "Robert'); DROP TABLE staff;--")
        if name.lower().startswith(text.lower())
    }
    assert campus.search_staff(staff_number=text) == []
    assert len(campus.search_staff(first_name="Pat")) == 3


def test_percent_and_underscore_match_literally(campus: Campus) -> None:
    campus.create_staff(staff_payload("1001", lastName="100%_Pure"))
    campus.create_staff(staff_payload("1002", lastName="100xyPure"))
    assert [r["lastName"] for r in campus.search_staff(last_name="100%_")] == ["100%_Pure"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"4321" OR lexington*', ["LEXINGTON"]),  # quotes and operators are plain words
        ("NEAR(lexington avenue)", ["LEXINGTON"]),
        ("'; DROP TABLE addresses; --", []),
        ("lex* AND -blaine", []),  # no prefix search, no NOT operator
        ("%_%", []),  # LIKE wildcards match nothing
        ("%", []),
        ("_", []),
        ("O'Lexington", ["LEXINGTON"]),  # a quote does not break the search
        ("lexington'", ["LEXINGTON"]),
        ("100%", ["PERCENT"]),
    ],
)
def test_address_search_text_is_just_text(campus: Campus, text: str, expected: list[str]) -> None:
    campus.create_staff(with_address(staff_payload(), LEXINGTON_FULL))
    campus.create_staff(
        with_address(staff_payload("1002"), {"fullStreetAddress": "100 Percent Way", "zip": "55123"})
    )
    results = campus.search_addresses(text)
    assert [r["street"] for r in results] == expected
    assert [r["number"] for r in results] == [{"LEXINGTON": "4321", "PERCENT": "100"}[s] for s in expected]
    assert len(campus.store) == 2
    assert campus.get_staff("1001")["household"]["householdLocations"][0]["address"]["street"] == "LEXINGTON"


def test_core_never_imports_boi() -> None:
    # Import every core module (the CLI front end and the HTTP server, a layer above boi, aside)
    # and check none pulled in addrmatch.boi.
    code = (
        "import importlib, pkgutil, sys, addrmatch\n"
        "for m in pkgutil.iter_modules(addrmatch.__path__):\n"
        "    if m.name not in ('boi', 'server', 'cli', '__main__'):\n"
        "        importlib.import_module('addrmatch.' + m.name)\n"
        "print(sorted(n for n in sys.modules if n.startswith('addrmatch.boi')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_unknown_fields_carrying_personal_data_are_masked_in_the_log(campus: Campus) -> None:
    payload = staff_payload(
        socialSecurityNumber="123-45-6789",
        SSN_Number="987654321",
        birthDate="1980-01-02",
        DOB="02/01/1980",
        notes="born 1975-05-06, ssn 111 22 3333 or 444556666",
        hireDay="2019-09-09",
    )
    with pytest.raises(ValidationError) as info:
        campus.create_staff(payload)
    assert "socialSecurityNumber" in str(info.value)
    [entry] = campus.error_log()
    logged = entry["payload"]
    assert logged["socialSecurityNumber"] == "***-**-6789"
    assert logged["SSN_Number"] == "***-**-4321"
    assert logged["birthDate"] == logged["DOB"] == "****-**-**"
    assert logged["hireDay"] == "****-**-**"  # an unknown field holding a date
    assert logged["lastName"] == "Simpson" and logged["workPhone"] == "320-555-0071"
    assert logged["employments"] == [{"hireDate": "2020-07-25", "terminationDate": None}]  # known: kept
    stored = "\n".join(str(row) for row in campus.connection.execute("SELECT * FROM error_log"))
    buffer = io.StringIO()
    campus.export_error_log(buffer)
    for text in (stored, buffer.getvalue(), str(info.value), repr(info.value)):
        for clear in ("123-45-6789", "987654321", "1980-01-02", "02/01/1980", "1975-05-06", "2019-09-09"):
            assert clear not in text
        for clear in ("111 22 3333", "444556666"):
            assert clear not in text


def test_error_log_export_replaces_the_file_owner_only(campus: Campus, tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        campus.create_staff(staff_payload(gender=None))
    path = tmp_path / "errors.csv"
    path.write_text("old")
    os.chmod(path, 0o644)
    old_inode = os.stat(path).st_ino
    assert campus.export_error_log(path) == 1
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.stat(path).st_ino != old_inode  # a new file renamed into place (atomic)
    assert path.read_text(encoding="utf-8").startswith("Error Date,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["errors.csv"]  # no temp file left
