"""Schemathesis against the OpenAPI document of the BOI HTTP API: no 500, every response as documented.

``python tests/boi/api_fuzz.py --examples 500`` is the long run (the test
suite runs a short one, ``test_server_schema.py``). The server runs on a
fresh Campus database in a temporary directory, on a free loopback port.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from boi_support import Clock, load_lists, staff_payload
from server_support import serve, token

from addrmatch.boi import Campus

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"


def run(examples: int, *, seed: int = 1, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run schemathesis with ``examples`` examples per operation; returns the finished process."""
    with tempfile.TemporaryDirectory() as tmp:
        campus = Campus(Path(tmp) / "campus.db", clock=Clock("2024-08-01"))
        load_lists(campus)
        campus.create_staff(staff_payload("1001"))
        creds = campus.api_credentials()
        with serve(campus) as base, httpx.Client(base_url=base) as client:
            bearer = token(client, creds["clientId"], creds["clientSecret"]).json()["access_token"]
            command = [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "run",
                f"{base}/openapi.json",
                "--url",
                base,
                "-H",
                f"Authorization: Bearer {bearer}",
                "--checks",
                CHECKS,
                "--max-examples",
                str(examples),
                "--seed",
                str(seed),
                "--generation-database",
                ":memory:",
                "--request-timeout",
                "60",
            ]
            return subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False, cwd=tmp
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=500, help="examples per operation (500)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    done = run(args.examples, seed=args.seed, timeout=24 * 3600)
    print(done.stdout)
    print(done.stderr, file=sys.stderr)
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
