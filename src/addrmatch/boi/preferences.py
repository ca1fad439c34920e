"""Business Office Preferences: the six lock areas and the household toggle.

From the specification: "What do you want to lock in the Campus UI when
Campus is integrated with an HR system": Staff Creation, Staff Number, Staff
Demographics, Staff Employment, Staff Employment Assignments, Staff
Household. All are locked by default. A locked area of an HR-managed staff
member cannot be edited district-side (:class:`ReadOnlyError`); an unlocked
one can, and "any changes transferred from the HR system to Campus will
overwrite manually edited data".

"Allow household and address creations/updates from the HR system" (on by
default) is the only preference that changes what the HR calls do: off, the
household and address data of create/update calls is ignored.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from addrmatch.boi.errors import ReadOnlyError, ValidationError
from addrmatch.boi.fields import DEFAULT_SCHEMA, LOCK_AREAS, StaffSchema
from addrmatch.boi.rules import Rule

__all__ = [
    "AREA_OF_FIELD",
    "HOUSEHOLD_TOGGLE",
    "LOCK_AREAS",
    "check_unlocked",
    "get",
    "household_allowed",
    "is_locked",
    "set_preferences",
]

HOUSEHOLD_TOGGLE = "Allow household and address creations/updates from the HR system"

#: Staff payload field -> the lock area it belongs to (each Field's ``lock``).
AREA_OF_FIELD: dict[str, str] = DEFAULT_SCHEMA.lock_of


def _read(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT value FROM preference WHERE name = ?", (name,)).fetchone()
    return True if row is None else bool(row[0])


def _area(area: str) -> str:
    if area not in LOCK_AREAS:
        raise ValidationError(
            f"locks: {area!r} is not a lock area (areas: {', '.join(LOCK_AREAS)})",
            field="locks",
            rule=Rule.LOCK_AREA,
            value=area,
        )
    return area


def is_locked(conn: sqlite3.Connection, area: str) -> bool:
    """True when the area is locked (the default)."""
    return _read(conn, _area(area))


def household_allowed(conn: sqlite3.Connection) -> bool:
    """True when household and address data from the HR system is applied (the default)."""
    return _read(conn, HOUSEHOLD_TOGGLE)


def get(conn: sqlite3.Connection) -> dict[str, Any]:
    """``{"locks": {area: locked}, "allowHouseholdUpdates": bool}``."""
    return {
        "locks": {area: _read(conn, area) for area in LOCK_AREAS},
        "allowHouseholdUpdates": household_allowed(conn),
    }


def set_preferences(
    conn: sqlite3.Connection,
    *,
    locks: Mapping[str, bool] | None = None,
    allow_household_updates: bool | None = None,
) -> None:
    """Save preferences (in the caller's transaction)."""
    values: list[tuple[str, int]] = []
    for area, locked in (locks or {}).items():
        if not isinstance(locked, bool):
            raise ValidationError(
                f"locks[{area!r}]: must be true or false", field="locks", rule=Rule.TYPE, value=locked
            )
        values.append((_area(area), int(locked)))
    if allow_household_updates is not None:
        if not isinstance(allow_household_updates, bool):
            raise ValidationError(
                "allow_household_updates: must be true or false",
                field="allowHouseholdUpdates",
                rule=Rule.TYPE,
                value=allow_household_updates,
            )
        values.append((HOUSEHOLD_TOGGLE, int(allow_household_updates)))
    conn.executemany(
        "INSERT INTO preference (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        values,
    )


def check_unlocked(
    conn: sqlite3.Connection, fields: Iterable[str], who: str, *, schema: StaffSchema = DEFAULT_SCHEMA
) -> None:
    """Raise :class:`ReadOnlyError` when a field belongs to a locked area.

    ``who`` describes the HR-managed staff member for the message; the lock
    area of a field is its ``Field.lock`` in ``schema``.
    """
    for field in fields:
        area = schema.lock_of.get(field)
        if area is not None and is_locked(conn, area):
            raise ReadOnlyError(
                f"{field}: {area} is locked for {who}, which the HR system maintains "
                f"(unlock {area} in Business Office Preferences to edit it in Campus)",
                field=field,
                rule=Rule.locked(area),
                value=None,
            )
