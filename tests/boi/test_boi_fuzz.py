"""A fuzz of the HR calls with hostile payloads (issue 9): every failure is a
BOIError, logged, and leaves the database unchanged (apart from the error log).

``ADDRMATCH_FUZZ_EXAMPLES`` sets the number of examples per call (default 40,
a short run for CI; e.g. 5000 for a long run).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from boi_support import dump, load_lists, staff_payload
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from addrmatch.boi import BOIError, Campus

EXAMPLES = int(os.environ.get("ADDRMATCH_FUZZ_EXAMPLES", "40"))

_text = st.one_of(
    st.text(max_size=20),
    st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=3),
    st.text(alphabet=st.characters(max_codepoint=0x1F), min_size=1, max_size=3),
    st.sampled_from(["", " ", "1001", "F", "010", "2023-10-01", "123-45-6789", "x" * 5000]),
)
_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([10**4000, 2**63, -1, 0]),  # (hypothesis cannot print a longer int)
    st.floats(allow_nan=True),
    _text,
)
_json = st.recursive(
    _scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_text, inner, max_size=4)),
    max_leaves=12,
)
_fields = st.sampled_from(
    [
        "staffNumber",
        "lastName",
        "firstName",
        "gender",
        "ssn",
        "birthdate",
        "workEmail",
        "positions",
        "employments",
        "household",
        "middleName",
        "unknownField",
    ]
)


@st.composite
def staff_payloads(draw: st.DrawFn) -> Any:
    """A valid payload with a few fields replaced by hostile values, or any value at all."""
    if draw(st.booleans()):
        return draw(_json)
    payload: dict[str, Any] = staff_payload(draw(st.sampled_from(["1001", "2002"])))
    for field in draw(st.lists(_fields, max_size=3)):
        payload[field] = draw(_json)
    return payload


def _campus() -> Campus:
    campus = Campus(":memory:", clock=lambda: "2024-08-01")
    load_lists(campus)
    campus.create_staff(staff_payload("1001"))
    return campus


CALLS: dict[str, Callable[[Campus, Any], Any]] = {
    "create_staff": lambda c, p: c.create_staff(p),
    "update_staff": lambda c, p: c.update_staff("1001", p),
    "create_position": lambda c, p: c.create_position("1001", p),
    "update_position": lambda c, p: c.update_position("1001", p),
    "search_staff": lambda c, p: c.search_staff(last_name=p),
    "search_addresses": lambda c, p: c.search_addresses(p),
}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(CALLS)), payload=staff_payloads())
def test_hostile_payloads_fail_cleanly(name: str, payload: Any) -> None:
    campus = _campus()
    before = dump(campus)
    logged = len(campus.error_log())
    try:
        CALLS[name](campus, payload)
    except BOIError as exc:
        repr(exc), str(exc)
        assert dump(campus) == before
        assert len(campus.error_log()) == logged + 1
        json.dumps(campus.error_log(), ensure_ascii=False).encode("utf-8")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(staff_payloads(), max_size=4))
def test_hostile_transfers_refuse_records_alone(records: list[Any]) -> None:
    campus = _campus()
    campus.sync.start(started_by="HR")
    result = campus.sync.transfer(records)
    assert result["accepted"] + result["failed"] == len(records)
    json.dumps(result, ensure_ascii=False).encode("utf-8")
    json.dumps(campus.error_log(), ensure_ascii=False).encode("utf-8")
