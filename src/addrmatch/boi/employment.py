"""District employments: the ``employment`` table's one owner.

The specification: "Since a former staff member may be rehired, multiple
employment records can be sent"; the dates are the HR system's, so there is
no check of their order or overlap. On an update, an employment is matched to
a stored one by hire date (its termination date is updated) and new hire
dates are added; a synchronization commit replaces them all (:func:`replace`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from addrmatch.boi.db import Ctx

__all__ = ["by_person", "insert", "listing", "merge", "replace"]


def insert(ctx: Ctx, person_id: int, employments: Sequence[Mapping[str, Any]]) -> None:
    """Add employments to a person."""
    ctx.conn.executemany(
        "INSERT INTO employment (person_id, hire_date, termination_date) VALUES (?, ?, ?)",
        [(person_id, e["hireDate"], e.get("terminationDate")) for e in employments],
    )


def merge(ctx: Ctx, person_id: int, employments: Sequence[Mapping[str, Any]]) -> None:
    """An update's employments: matched by hire date (termination date updated), new ones added."""
    stored = ctx.conn.execute(
        "SELECT employment_id, hire_date, termination_date FROM employment "
        "WHERE person_id = ? ORDER BY employment_id",
        (person_id,),
    ).fetchall()
    unmatched = list(stored)
    for employment in employments:
        match = next((row for row in unmatched if row[1] == employment["hireDate"]), None)
        if match is None:
            insert(ctx, person_id, [employment])
            continue
        unmatched.remove(match)
        if match[2] != employment.get("terminationDate"):
            ctx.conn.execute(
                "UPDATE employment SET termination_date = ? WHERE employment_id = ?",
                (employment.get("terminationDate"), match[0]),
            )


def replace(ctx: Ctx, person_id: int) -> None:
    """Remove a person's employments (a sync commit then writes HR's)."""
    ctx.conn.execute("DELETE FROM employment WHERE person_id = ?", (person_id,))


def listing(ctx: Ctx, person_id: int) -> list[dict[str, Any]]:
    """A person's employments, by hire date."""
    return [
        {"hireDate": h, "terminationDate": t}
        for h, t in ctx.conn.execute(
            "SELECT hire_date, termination_date FROM employment WHERE person_id = ? "
            "ORDER BY hire_date, employment_id",
            (person_id,),
        )
    ]


def by_person(ctx: Ctx, person_ids: set[int] | None = None) -> dict[int, list[tuple[Any, ...]]]:
    """``(hire date, termination date)`` of every person's employments (or
    those of ``person_ids``), by person id, in hire-date order."""
    out: dict[int, list[tuple[Any, ...]]] = {}
    for person_id, hire, term in ctx.conn.execute(
        "SELECT person_id, hire_date, termination_date FROM employment "
        "ORDER BY person_id, hire_date, employment_id"
    ):
        if person_ids is None or person_id in person_ids:
            out.setdefault(person_id, []).append((hire, term))
    return out
