"""District assignments (positions).

The specification's rules:

* a position needs a listed ``schoolNumber``, a ``startDate`` and a
  ``titleCode`` or a listed ``assignmentCode``; an unknown ``titleCode`` is
  created with its ``titleDescription``; identical positions may be created
  twice (there is no position identifier);
* ``update_position`` finds positions by school + titleCode and/or
  assignmentCode + startDate and sets their end date, or, when none has that
  start date, by school + code(s) + endDate and sets their start date; every
  match is updated; no match is an error;
* an update's ``positions`` are the complete list: a stored position is
  matched by school, assignment code, title code and start date (its end
  date is then updated), new ones are created, and the others removed,
  except those linked to other records (``position_link``), which are
  end-dated instead (end date = the date of the call) and reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from addrmatch.boi import reference
from addrmatch.boi.db import Ctx
from addrmatch.boi.errors import NotFoundError
from addrmatch.boi.rules import Rule

__all__ = [
    "by_person",
    "check_lists",
    "check_refs",
    "insert",
    "link",
    "listing",
    "reconcile",
    "update_matching",
]

_COLUMNS = "position_id, school_number, assignment_code, title_code, start_date, end_date"


def _as_dicts(ctx: Ctx, rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Position rows in payload shape, with their titles' descriptions (from the title list)."""
    titles = reference.titles_of(ctx.conn, {r[3] for r in rows if r[3]})
    return [
        {
            "positionId": row[0],
            "schoolNumber": row[1],
            "assignmentCode": row[2],
            "titleCode": row[3],
            "titleDescription": titles.get(row[3]) if row[3] else None,
            "startDate": row[4],
            "endDate": row[5],
        }
        for row in rows
    ]


def listing(ctx: Ctx, person_id: int) -> list[dict[str, Any]]:
    """A person's positions, by start date."""
    rows = ctx.conn.execute(
        f"SELECT {_COLUMNS} FROM position WHERE person_id = ? ORDER BY start_date, position_id",
        (person_id,),
    ).fetchall()
    return _as_dicts(ctx, rows)


def by_person(ctx: Ctx, person_ids: set[int] | None = None) -> dict[int, list[tuple[Any, ...]]]:
    """``(school, assignment code, title code, start, end)`` of every person's
    positions (or those of ``person_ids``), by person id, in start-date order."""
    out: dict[int, list[tuple[Any, ...]]] = {}
    for person_id, *row in ctx.conn.execute(
        "SELECT person_id, school_number, assignment_code, title_code, start_date, end_date FROM position "
        "ORDER BY person_id, start_date, position_id"
    ):
        if person_ids is None or person_id in person_ids:
            out.setdefault(person_id, []).append(tuple(row))
    return out


def _by_ids(ctx: Ctx, ids: Sequence[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    marks = ",".join("?" for _ in ids)
    rows = ctx.conn.execute(
        f"SELECT {_COLUMNS} FROM position WHERE position_id IN ({marks}) ORDER BY start_date, position_id",
        tuple(ids),
    ).fetchall()
    return _as_dicts(ctx, rows)


def check_lists(ctx: Ctx, position: Mapping[str, Any], path: str) -> None:
    """Check the school and the assignment code (if any) are listed."""
    prefix = f"{path}." if path else ""
    reference.require(ctx.conn, "schools", f"{prefix}schoolNumber", position["schoolNumber"])
    if position.get("assignmentCode"):
        reference.require(ctx.conn, "assignmentCodes", f"{prefix}assignmentCode", position["assignmentCode"])


def check_refs(ctx: Ctx, position: Mapping[str, Any], path: str) -> list[str]:
    """Check the school and assignment code are listed; create an unknown
    title. Returns the codes of the titles created."""
    check_lists(ctx, position, path)
    code = position.get("titleCode")
    if code and reference.ensure_title(ctx.conn, code, position.get("titleDescription")):
        return [code]
    return []


def insert(ctx: Ctx, person_id: int, position: Mapping[str, Any], path: str) -> tuple[int, list[str]]:
    """Create one position; ``(position id, titles created)``."""
    created = check_refs(ctx, position, path)
    return _insert_row(ctx, person_id, position), created


def _insert_row(ctx: Ctx, person_id: int, position: Mapping[str, Any]) -> int:
    return ctx.insert(
        "INSERT INTO position (person_id, school_number, assignment_code, title_code, start_date, end_date) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (
            person_id,
            position["schoolNumber"],
            position.get("assignmentCode"),
            position.get("titleCode"),
            position["startDate"],
            position.get("endDate"),
        ),
    )


def get(ctx: Ctx, position_id: int) -> dict[str, Any]:
    """One position by id."""
    found = _by_ids(ctx, [position_id])
    if not found:
        raise NotFoundError(
            f"positionId: no position {position_id}",
            field="positionId",
            rule=Rule.POSITION_EXISTS,
            value=position_id,
        )
    return found[0]


def link(ctx: Ctx, position_id: int, kind: str, ref: str | None) -> int:
    """Record that another Campus record (``kind``: a section, a schedule...)
    uses the position, so an HR update cannot remove it."""
    get(ctx, position_id)
    return ctx.insert(
        "INSERT INTO position_link (position_id, kind, reference) VALUES (?, ?, ?)", (position_id, kind, ref)
    )


def reconcile(
    ctx: Ctx, person_id: int, wanted: Sequence[Mapping[str, Any]]
) -> tuple[bool, list[dict[str, Any]]]:
    """Make ``wanted`` the person's complete position list; ``(changed, warnings)``."""
    conn = ctx.conn
    stored = conn.execute(
        "SELECT p.position_id, p.school_number, p.assignment_code, p.title_code, p.start_date, p.end_date, "
        "EXISTS (SELECT 1 FROM position_link l WHERE l.position_id = p.position_id) "
        "FROM position p WHERE p.person_id = ? ORDER BY p.position_id",
        (person_id,),
    ).fetchall()
    unmatched = list(stored)
    changed = False
    titles: list[str] = []
    for i, position in enumerate(wanted):
        titles += check_refs(ctx, position, f"positions[{i}]")
        key = (
            position["schoolNumber"],
            position.get("assignmentCode"),
            position.get("titleCode"),
            position["startDate"],
        )
        candidates = [row for row in unmatched if tuple(row[1:5]) == key]
        if candidates:
            # Prefer a stored position that already has the wanted end date.
            row = next((r for r in candidates if r[5] == position.get("endDate")), candidates[0])
            unmatched.remove(row)
            if row[5] != position.get("endDate"):
                conn.execute(
                    "UPDATE position SET end_date = ? WHERE position_id = ?",
                    (position.get("endDate"), row[0]),
                )
                changed = True
        else:
            _insert_row(ctx, person_id, position)
            changed = True
    kept: list[int] = []
    for row in unmatched:
        position_id, end_date, linked = row[0], row[5], row[6]
        if linked:
            if end_date is None or end_date > ctx.today:
                conn.execute(
                    "UPDATE position SET end_date = ? WHERE position_id = ?", (ctx.today, position_id)
                )
            kept.append(position_id)
        else:
            conn.execute("DELETE FROM position WHERE position_id = ?", (position_id,))
        changed = True
    warnings: list[dict[str, Any]] = [_title_warning(code) for code in titles]
    if kept:
        warnings.append(
            {
                "code": "positions-end-dated",
                "message": f"{len(kept)} position(s) not in the update are linked to other Campus records; "
                f"they were end-dated (end date {ctx.today} at the latest) instead of removed",
                "positions": _by_ids(ctx, kept),
            }
        )
    return changed, warnings


def _title_warning(code: str) -> dict[str, Any]:
    return {
        "code": "title-created",
        "message": f"titleCode {code!r} was not listed; the title was created",
        "titleCode": code,
    }


def title_warnings(codes: Sequence[str]) -> list[dict[str, Any]]:
    """The warnings announcing created titles."""
    return [_title_warning(c) for c in codes]


def update_matching(ctx: Ctx, person_id: int, position: Mapping[str, Any], who: str) -> list[dict[str, Any]]:
    """The update-position rule; returns the updated positions."""
    check_lists(ctx, position, "")
    where = ["person_id = ?", "school_number = ?"]
    params: list[Any] = [person_id, position["schoolNumber"]]
    for key, column in (("titleCode", "title_code"), ("assignmentCode", "assignment_code")):
        if position.get(key):
            where.append(f"{column} = ?")
            params.append(position[key])
    condition = " AND ".join(where)
    ids = [
        r[0]
        for r in ctx.conn.execute(
            f"SELECT position_id FROM position WHERE {condition} AND start_date = ?",
            (*params, position["startDate"]),
        )
    ]
    if ids:
        column, value = "end_date", position.get("endDate")
    else:
        ids = [
            r[0]
            for r in ctx.conn.execute(
                f"SELECT position_id FROM position WHERE {condition} AND end_date IS ?",
                (*params, position.get("endDate")),
            )
        ]
        column, value = "start_date", position["startDate"]
    if not ids:
        codes = " and ".join(
            f"{k} {position[k]!r}" for k in ("titleCode", "assignmentCode") if position.get(k)
        )
        end = position.get("endDate")
        raise NotFoundError(
            f"position: {who} has no position at school {position['schoolNumber']!r} with {codes} and "
            f"startDate {position['startDate']} (to update its end date) or endDate "
            f"{end if end else 'empty'} (to update its start date)",
            field="position",
            rule=Rule.POSITION_MATCH,
            value=None,
        )
    marks = ",".join("?" for _ in ids)
    ctx.conn.execute(f"UPDATE position SET {column} = ? WHERE position_id IN ({marks})", (value, *ids))
    return _by_ids(ctx, ids)
