"""Targets: the core functions (parse, parse_details, normalize, match_key,
explain, canonicalize, Address, Address.from_boi, the batch forms).

Each may return or raise an :class:`~addrmatch.AddressError`; what it
returns must be of its documented type and hold only text that can be
stored (valid Unicode, no NUL).
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from tests.fuzz.fixtures import Workspace
from tests.fuzz.oracle import CORE_ERRORS, Violation, call
from tests.fuzz.target import target
from tests.fuzz.values import (
    Call,
    Sabotage,
    address_texts,
    address_values,
    addresses,
    anything,
    boi_addresses,
    calls,
    hostile_scalar,
    hostile_text,
    mutated,
    optional_kwargs,
    or_hostile,
)

import addrmatch
from addrmatch import Address

__all__ = ["check_address"]


def check_address(value: Any, *, what: str) -> None:
    """``value`` is an Address whose components are storable text (or None)."""
    if not isinstance(value, Address):
        raise Violation(f"{what} returned {type(value).__name__}, not an Address")
    for name in value.__slots__:
        component = getattr(value, name)
        if name == "po_box":
            if not isinstance(component, bool):
                raise Violation(f"{what}: po_box is {type(component).__name__}, not bool")
            continue
        if component is None:
            continue
        check_storable(component, what=f"{what}: {name}")


def check_storable(text: Any, *, what: str) -> None:
    """Text that SQLite and a UTF-8 file can hold."""
    if not isinstance(text, str):
        raise Violation(f"{what} is {type(text).__name__}, not text")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise Violation(f"{what} is not valid Unicode: {exc}") from exc
    if "\x00" in text:
        raise Violation(f"{what} holds a NUL")


def _check_text(value: Any, *, what: str) -> None:
    if not isinstance(value, str):
        raise Violation(f"{what} returned {type(value).__name__}, not text")


def _text_cases() -> st.SearchStrategy[Call]:
    return calls(st.one_of(address_texts(), address_texts(), hostile_text, anything))


def _value_cases() -> st.SearchStrategy[Call]:
    return calls(address_values())


def _run(name: str, ws: Workspace, case: Call, fn: Any, check: Any) -> None:
    outcome = call(lambda: fn(*case.args, **case.kwargs), CORE_ERRORS, case=case, what=name)
    if not outcome.failed:
        check(outcome.result, what=name)


@target("parse", "core", _text_cases)
def run_parse(ws: Workspace, case: Call) -> None:
    """addrmatch.parse(text)"""
    _run("parse", ws, case, addrmatch.parse, check_address)


def _check_details(result: Any, *, what: str) -> None:
    if not isinstance(result, addrmatch.ParseResult):
        raise Violation(f"{what} returned {type(result).__name__}, not a ParseResult")
    check_address(result.address, what=what)
    if not 0.0 <= result.confidence <= 1.0:
        raise Violation(f"{what}: confidence {result.confidence!r} outside [0, 1]")
    for warning in result.warnings:
        check_storable(warning, what=f"{what}: a warning")


@target(
    "parse_details",
    "core",
    lambda: calls(
        st.one_of(address_texts(), hostile_text, anything),
        **{"alternatives": or_hostile(st.booleans(), hostile=hostile_scalar)},
    ),
)
def run_parse_details(ws: Workspace, case: Call) -> None:
    """addrmatch.parse_details(text, alternatives=...)"""
    _run("parse_details", ws, case, addrmatch.parse_details, _check_details)


@target("normalize", "core", _value_cases)
def run_normalize(ws: Workspace, case: Call) -> None:
    """addrmatch.normalize(text | Address | BOI mapping)"""
    _run("normalize", ws, case, addrmatch.normalize, check_address)


@target("match_key", "core", _value_cases)
def run_match_key(ws: Workspace, case: Call) -> None:
    """addrmatch.match_key(text | Address | BOI mapping)"""
    _run("match_key", ws, case, addrmatch.match_key, check_storable)


def _check_explanation(result: Any, *, what: str) -> None:
    if not isinstance(result, addrmatch.Explanation):
        raise Violation(f"{what} returned {type(result).__name__}, not an Explanation")
    try:
        shown = str(result)
    except Sabotage:  # an Address holding a hostile value's own failing __str__
        return
    check_storable(shown, what=f"{what}: str()")


@target("explain", "core", lambda: calls(address_values(), address_values()))
def run_explain(ws: Workspace, case: Call) -> None:
    """addrmatch.explain(a, b)"""
    _run("explain", ws, case, addrmatch.explain, _check_explanation)


@target("canonicalize", "core", lambda: calls(st.one_of(addresses(), addresses(), anything)))
def run_canonicalize(ws: Workspace, case: Call) -> None:
    """addrmatch.canonicalize(Address)"""
    _run("canonicalize", ws, case, addrmatch.canonicalize, check_address)


_COMPONENTS = ("po_box", "number", "prefix", "street", "tag", "direction", "apt", "city", "state", "zip")


def _address_kwargs() -> st.SearchStrategy[Call]:
    valid = {"number": "12", "street": "Main", "tag": "St", "city": "Blaine", "state": "MN", "zip": "55123"}
    return st.builds(
        lambda given, extra: Call(**{**given, **extra}),
        optional_kwargs(**{k: or_hostile(st.just(v), hostile=hostile_scalar) for k, v in valid.items()}),
        optional_kwargs(**{k: hostile_scalar for k in _COMPONENTS}),
    )


@target("Address", "core", _address_kwargs)
def run_address(ws: Workspace, case: Call) -> None:
    """Address(**components), then every core function and method on it"""
    outcome = call(lambda: Address(*case.args, **case.kwargs), CORE_ERRORS, case=case, what="Address(...)")
    if outcome.failed:
        return
    address = outcome.result
    uses = {
        "canonicalize": (addrmatch.canonicalize, check_address),
        "normalize": (addrmatch.normalize, check_address),
        "match_key": (addrmatch.match_key, check_storable),
        "Address.to_boi": (Address.to_boi, lambda r, what: None),
        # (an Address holds what it was given: its own text methods only need to return text)
        "Address.street_line": (Address.street_line, _check_text),
        "Address.one_line": (Address.one_line, _check_text),
        "Address.is_empty": (Address.is_empty, lambda r, what: None),
    }
    for name, (fn, check) in uses.items():
        used = call(lambda fn=fn: fn(address), CORE_ERRORS, case=case, what=f"{name}(Address(...))")
        if not used.failed:
            check(used.result, what=f"{name}(Address(...))")


@target(
    "Address.from_boi",
    "core",
    lambda: calls(st.one_of(boi_addresses(), boi_addresses().flatmap(mutated), anything)),
)
def run_from_boi(ws: Workspace, case: Call) -> None:
    """Address.from_boi(mapping)"""
    _run("Address.from_boi", ws, case, Address.from_boi, check_address)


def _batch_cases() -> st.SearchStrategy[Call]:
    return calls(
        st.one_of(st.lists(address_values(), max_size=6), anything),
        **{"errors": or_hostile(st.sampled_from(["raise", "null"]), hostile=hostile_scalar)},
    )


def _check_batch(result: Any, *, what: str) -> None:
    if not isinstance(result, list):
        raise Violation(f"{what} returned {type(result).__name__}, not a list")


@target("match_keys", "core", _batch_cases)
def run_match_keys(ws: Workspace, case: Call) -> None:
    """addrmatch.match_keys(values, errors=...)"""
    _run("match_keys", ws, case, addrmatch.match_keys, _check_batch)


@target("normalize_many", "core", _batch_cases)
def run_normalize_many(ws: Workspace, case: Call) -> None:
    """addrmatch.normalize_many(values, errors=...)"""
    _run("normalize_many", ws, case, addrmatch.normalize_many, _check_batch)
