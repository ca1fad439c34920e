"""Shared fixtures for the benchmark suites.

``core_speed_report`` collects pytest-benchmark timings of ``bench_core.py`` so the terminal
summary can show them as throughput and ratios to ``usaddress.tag`` and scourgify, never as
bare times (run ``pytest benchmarks/bench_core.py --benchmark-enable``).
"""

from __future__ import annotations

import pytest

_CORE_SPEED = pytest.StashKey[dict]()
_BASELINE = "usaddress.tag"
_PEER = "scourgify.normalize_address_record"


@pytest.fixture(scope="session")
def core_speed_report(request: pytest.FixtureRequest) -> dict:
    """``{group: {"n": addresses per pass, "crf_share": float|None, "funcs": {name: seconds}}}``."""
    return request.config.stash.setdefault(_CORE_SPEED, {})


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Print the core speed groups as addresses/s with ratios (only when benchmarks ran)."""
    report = config.stash.get(_CORE_SPEED, {})
    groups = {g: d for g, d in report.items() if d["funcs"]}
    if not groups:
        return
    tr = terminalreporter
    tr.section("core speed: throughput and ratios (median pass)")
    for group, data in groups.items():
        n = data["n"]
        rates = {f: n / seconds for f, seconds in data["funcs"].items()}
        share = data.get("crf_share")
        tr.write_line(
            f"[{group}] {n} addresses per pass" + ("" if share is None else f", CRF share {share:.1%}")
        )
        tr.write_line(f"  {'function':38} {'addr/s':>10} {'/tag':>8} {'/scourgify':>10}")
        for f, rate in rates.items():
            vs_tag = f"{rate / rates[_BASELINE]:.2f}x" if _BASELINE in rates else ""
            vs_peer = f"{rate / rates[_PEER]:.2f}x" if _PEER in rates else ""
            tr.write_line(f"  {f:38} {rate:>10,.0f} {vs_tag:>8} {vs_peer:>10}")
