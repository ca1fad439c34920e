"""Schemathesis against the HTTP API's OpenAPI document (a short run; see api_fuzz.py for long ones)."""

from __future__ import annotations

from api_fuzz import run


def test_generated_requests_find_no_500_and_no_schema_violation() -> None:
    done = run(15, seed=7, timeout=600)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "failure" not in done.stdout.split("SUMMARY")[-1].lower()
