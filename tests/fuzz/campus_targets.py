"""Targets: :class:`addrmatch.boi.Campus` on a temporary file.

``campus``: one to three calls (create_staff, update_staff, create_position,
update_position, search_staff, search_addresses, get_staff,
identity_history, edit_staff, add_staff_manually) on a fresh copy of the
template Campus (three staff members holding SSNs and birthdates). A call
may raise a :class:`~addrmatch.boi.BOIError` or a
:class:`~addrmatch.errors.DatabaseError`; a failed call leaves the database
(apart from the error log) row for row as it was, a failed call of the HR
API is in the error log once, and no message, log row or result shows an
SSN or a birthdate in clear.

``campus.open``: ``Campus(path)`` on the hostile database paths, then one call.

``sync``: a sequence of synchronization steps (start, transfer, end,
validate, commit, restart, status) with hostile HR records, under the same
oracle.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from tests.fuzz.fixtures import DB_KINDS, FIXED_DAY, Workspace, inside
from tests.fuzz.oracle import (
    CAMPUS_ERRORS,
    call,
    check_text_output,
    dump,
    echoed,
    error_log_rows,
    logged_once,
    same_dump,
    snapshot_files,
)
from tests.fuzz.store_targets import open_checked, same_database_file
from tests.fuzz.target import target
from tests.fuzz.values import (
    BIRTHDATES,
    STAFF_NUMBERS,
    Call,
    address_texts,
    anything,
    calls,
    hostile_positions,
    hostile_staff_payloads,
    hostile_text,
    mostly,
    optional_kwargs,
    or_hostile,
)

from addrmatch.boi import Campus
from addrmatch.boi.endpoints import ENDPOINTS

__all__ = ["campus_steps", "run_campus_steps", "sync_steps"]

#: The Campus methods that are endpoints of the HR API (a failure is logged).
LOGGED = {name: ENDPOINTS[name] for name in ENDPOINTS if "." not in name}
#: The sync methods that are endpoints (``sync.start`` ...).
SYNC_LOGGED = {name.split(".", 1)[1] for name in ENDPOINTS if name.startswith("sync.")}
#: Calls that never write (apart from the error log when they fail).
READING = frozenset({"search_staff", "search_addresses", "get_staff", "identity_history", "status"})

_number = mostly(STAFF_NUMBERS)
_who = st.one_of(_number, st.integers(-2, 6))


def campus_steps() -> st.SearchStrategy[list[tuple[str, Call]]]:
    """One to three Campus calls: (method, arguments)."""
    search = optional_kwargs(
        staff_number=_number,
        last_name=mostly(["Sim", "simpson", "B", "%", "_"]),
        first_name=mostly(["Pat", "a"]),
        birthdate=mostly([*BIRTHDATES, "2024-02-30"]),
        include_non_staff=mostly([True, False]),
        staff_members_only=mostly([True, False, None]),
        limit=mostly([1, 10, 1000, 0, 1001]),
    )
    step = st.one_of(
        st.tuples(st.just("create_staff"), calls(hostile_staff_payloads())),
        st.tuples(st.just("update_staff"), calls(_number, hostile_staff_payloads())),
        st.tuples(st.just("create_position"), calls(_number, hostile_positions())),
        st.tuples(st.just("update_position"), calls(_number, hostile_positions())),
        st.tuples(st.just("search_staff"), st.builds(lambda k: Call(**k), search)),
        st.tuples(
            st.just("search_addresses"),
            st.builds(
                lambda t, k: Call(t, **k),
                st.one_of(address_texts(), hostile_text, anything),
                optional_kwargs(limit=mostly([1, 10, 100, 0, 101])),
            ),
        ),
        st.tuples(st.just("get_staff"), calls(_who)),
        st.tuples(st.just("identity_history"), calls(_who)),
        st.tuples(st.just("edit_staff"), calls(_who, hostile_staff_payloads())),
        st.tuples(st.just("add_staff_manually"), calls(hostile_staff_payloads())),
    )
    return st.lists(step, min_size=1, max_size=3)


def run_campus_steps(campus: Campus, steps: list[tuple[str, Call]], *, case: Any, sync: bool = False) -> None:
    """Run the calls under the oracle (module docstring)."""
    permitted = echoed(case)
    holder = campus.sync if sync else campus  # (the first use of campus.sync creates its tables)
    for method, args in steps:
        conn = campus.connection
        before, log_before = dump(conn, skip=["error_log"]), error_log_rows(conn)
        what = f"{'sync.' if sync else ''}{method}"
        outcome = call(
            lambda h=holder, m=method, a=args: getattr(h, m)(*a.args, **a.kwargs),
            CAMPUS_ERRORS,
            case=case,
            what=what,
        )
        if outcome.failed or method in READING:
            same_dump(before, dump(conn, skip=["error_log"]), what=what)
        if outcome.failed and (method in SYNC_LOGGED if sync else method in LOGGED):
            logged_once(log_before, error_log_rows(conn), what=what, allowed=permitted)
        if not outcome.failed:  # a result holds personal data; printed, it is masked
            check_text_output(f"{what}: repr() of the result", repr(outcome.result), permitted)


@target("campus", "boi", campus_steps)
def run_campus(ws: Workspace, case: list[tuple[str, Call]]) -> None:
    """Campus(file).create_staff/update_staff/create_position/update_position/search_*/get_staff/edit_staff..."""
    where = ws.fresh_dir()
    try:
        campus = Campus(ws.copy_of("campus", where), clock=lambda: FIXED_DAY)
        try:
            run_campus_steps(campus, case, case=case)
        finally:
            campus.close()
    finally:
        ws.cleanup(where)


@target(
    "campus.open",
    "boi",
    lambda: st.tuples(st.sampled_from(DB_KINDS), st.one_of(st.just(None), anything), campus_steps()),
)
def run_campus_open(ws: Workspace, case: tuple[str, Any, list[tuple[str, Call]]]) -> None:
    """Campus(hostile path or value), then calls if it opened"""
    kind, instead, steps = case
    where = ws.fresh_dir()
    try:
        path = ws.database_path(kind, where) if instead is None else instead
        before = snapshot_files(str(where))
        with inside(where):  # a relative path is created in the case's directory
            campus = open_checked(
                kind if instead is None else "value",
                where,
                lambda: Campus(path, clock=lambda: FIXED_DAY),
                CAMPUS_ERRORS,
                case=case,
            )
            if campus is None:
                return
            try:
                read_only = campus.store.read_only
                run_campus_steps(campus, steps, case=case)
            finally:
                campus.close()
        if read_only:
            same_database_file(before, str(where), what=f"calls on a read-only Campus ({kind})")
    finally:
        ws.cleanup(where)


def sync_steps() -> st.SearchStrategy[list[tuple[str, Call]]]:
    """A synchronization: mostly the steps in order, with hostile records and detours."""
    records = st.one_of(st.lists(hostile_staff_payloads(), max_size=4), anything)
    started_by = st.fixed_dictionaries({"started_by": or_hostile(st.sampled_from(["HR", "hr system", ""]))})
    step = st.one_of(
        st.tuples(st.just("start"), st.builds(lambda k: Call(**k), started_by)),
        st.tuples(st.just("transfer"), calls(records)),
        st.tuples(st.just("end"), st.just(Call())),
        st.tuples(st.just("validate"), st.just(Call())),
        st.tuples(st.just("commit"), st.just(Call())),
        st.tuples(st.just("restart"), st.builds(lambda k: Call(**k), started_by)),
        st.tuples(st.just("status"), st.just(Call())),
    )
    in_order = st.tuples(
        st.builds(lambda k: ("start", Call(**k)), started_by),
        st.lists(st.tuples(st.just("transfer"), calls(records)), min_size=1, max_size=2),
        st.lists(step, max_size=2),
        st.sampled_from([[("end", Call()), ("validate", Call()), ("commit", Call())], [("end", Call())], []]),
    ).map(lambda parts: [parts[0], *parts[1], *parts[2], *parts[3]])
    return st.one_of(in_order, in_order, st.lists(step, min_size=1, max_size=6))


@target("sync", "boi", sync_steps)
def run_sync(ws: Workspace, case: list[tuple[str, Call]]) -> None:
    """Campus.sync: start/transfer/end/validate/commit/restart/status in hostile orders with hostile records"""
    where = ws.fresh_dir()
    try:
        campus = Campus(ws.copy_of("campus", where), clock=lambda: FIXED_DAY)
        try:
            run_campus_steps(campus, case, case=case, sync=True)
        finally:
            campus.close()
    finally:
        ws.cleanup(where)
