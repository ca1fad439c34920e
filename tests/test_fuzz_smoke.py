"""The fuzz harness (tests/fuzz, issue 9) on every run: a few examples of
every target with a fixed seed, so CI keeps the harness working and catches
a regression of what it found. The long run stays manual:
``python -m tests.fuzz --minutes 10`` (README, "Data and development").
"""

from __future__ import annotations

import io

import pytest
from hypothesis import strategies as st
from tests.fuzz.fixtures import workspace
from tests.fuzz.runner import run, run_chunk, summary
from tests.fuzz.target import Target
from tests.fuzz.targets import TARGETS

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")  # reprs of huge values

#: Examples per target: the whole smoke takes a few seconds.
EXAMPLES = {"http": 4, "cli": 4, "cli.boi": 4, "sync": 4, "campus": 5, "campus.open": 5, "store.open": 6}


@pytest.mark.parametrize("name", list(TARGETS))
def test_each_target_runs_and_holds_its_oracle(name: str) -> None:
    target: Target = TARGETS[name]
    with workspace() as ws:
        cases, failures = run_chunk(target, ws, seed=20240801, examples=EXAMPLES.get(name, 25), shrink=True)
    assert cases > 0
    assert not failures, "\n".join(f.report() for f in failures)


def _broken_run(ws: object, case: int) -> None:
    if case > 10:
        raise KeyError(case)  # not a documented error of anything


def test_the_runner_minimizes_a_failure_and_prints_its_replay() -> None:
    out = io.StringIO()
    broken = Target("broken", "test", lambda: st.integers(0, 10_000), _broken_run)
    tallies = run([TARGETS["parse"], broken], seconds=0, seed=7, out=out, examples=50)
    code = summary(tallies, 1.0, out)
    text = out.getvalue()
    assert tallies["parse"].cases >= 50 and not tallies["parse"].failures
    assert code == 1 and "FAIL broken: undocumented KeyError: 11" in text
    assert "minimized case: 11\n" in text and "--target broken --seed 7 --examples 50" in text
