"""Fixtures for the addrmatch.boi tests (helpers live in boi_support.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from boi_support import Clock, dump, load_lists

from addrmatch.boi import Campus


@pytest.fixture
def clock() -> Clock:
    return Clock("2024-08-01")


@pytest.fixture
def campus(clock: Clock) -> Campus:
    c = Campus(":memory:", clock=clock)
    load_lists(c)
    return c


@pytest.fixture
def unchanged(campus: Campus) -> Callable[[Callable[[], Any], type[BaseException]], BaseException]:
    """``unchanged(call, Error)``: the call raises Error and the database
    (apart from the error log) is byte-for-byte as before."""

    def check(call: Callable[[], Any], error: type[BaseException]) -> BaseException:
        before = dump(campus)
        with pytest.raises(error) as info:
            call()
        assert dump(campus) == before
        return info.value

    return check
