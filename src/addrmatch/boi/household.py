"""Households, their members and locations; addresses through the AddressStore.

The specification's rules for the HR calls:

* creating a staff member with household data creates a new household,
  marked as a *staff household*, with the staff member as its only member;
* updating: if the staff member's household is a staff household and they
  are its only member, it is updated; if the household has other members
  (students, a spouse...), the household data is ignored and the result says
  so; a staff member with no household gets a new staff household;
* every address is found or created through :meth:`AddressStore.resolve`
  (exact -> reparse -> create), so it exists once.

A location is *active* while its end date is empty or after the date of the
call. On update, ``householdLocations`` is the complete list: a location
whose address is still listed is kept (its flags and end date updated), new
addresses get new locations, and active locations no longer listed are ended
on the date of the call (the household moved).

This module is the one owner of the ``household``, ``household_member`` and
``household_location`` tables; addresses are the store's, read through
:class:`~addrmatch.AddressStore` methods only (``get``, ``get_many``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from addrmatch.address import Address
from addrmatch.boi.db import Ctx
from addrmatch.boi.errors import NotFoundError, address_error
from addrmatch.boi.rules import Rule
from addrmatch.boi.schema import CALL_DATE, HOUSEHOLD_FIELDS, LAST_NAME, fill_defaults
from addrmatch.errors import AddressError
from addrmatch.key import key_of

__all__ = [
    "Location",
    "StaffHousehold",
    "add_member",
    "apply_for_staff",
    "as_dict",
    "create",
    "for_person",
    "members",
    "memberships",
    "other_members",
    "resolve_address",
    "staff_households",
]

_ACTIVE = "(end_date IS NULL OR end_date > ?)"
_FLAGS = ("mailing", "physical", "secondary", "private")


def resolve_address(ctx: Ctx, mapping: Mapping[str, Any], path: str) -> Any:
    """``store.resolve`` with the address rule errors named by payload path."""
    try:
        return ctx.store.resolve(dict(mapping))
    except AddressError as exc:
        raise address_error(exc, path) from exc


def _stored_address(ctx: Ctx, address_id: int, path: str) -> int:
    """``address_id`` when the store holds it (an address search result sent back), else NotFoundError."""
    if address_id not in ctx.store.get_many([address_id]):
        raise NotFoundError(
            f"{path}: no stored address has id {address_id}", field=path, rule=Rule.ADDRESS_EXISTS, value=None
        )
    return address_id


def _with_defaults(household: Mapping[str, Any], last_name: str) -> dict[str, Any]:
    full = fill_defaults(dict(household), HOUSEHOLD_FIELDS)
    if full["name"] is LAST_NAME:
        full["name"] = last_name
    return full


def _date(ctx: Ctx, value: Any) -> Any:
    return ctx.today if value is CALL_DATE else value


def create(
    ctx: Ctx,
    household: Mapping[str, Any],
    *,
    last_name: str,
    members: Sequence[int],
    staff_household: bool,
    path: str = "household",
) -> tuple[int, list[dict[str, Any]]]:
    """A new household with its members and locations; ``(household id, address resolutions)``."""
    data = _with_defaults(household, last_name)
    household_id = ctx.insert(
        "INSERT INTO household (name, phone, phone_private, staff_household, created_date) "
        "VALUES (?, ?, ?, ?, ?)",
        (data["name"], data["phone"], int(bool(data["phonePrivate"])), int(staff_household), ctx.today),
    )
    for person_id in members:
        add_member(ctx, household_id, person_id)
    resolutions = _reconcile_locations(ctx, household_id, data["householdLocations"], path)
    return household_id, resolutions


def add_member(ctx: Ctx, household_id: int, person_id: int) -> None:
    """Make a person (the caller checked it exists) a current member of a
    household (no-op if already)."""
    if ctx.one("SELECT 1 FROM household WHERE household_id = ?", (household_id,)) is None:
        raise NotFoundError(
            f"householdId: no household {household_id}",
            field="householdId",
            rule=Rule.HOUSEHOLD_EXISTS,
            value=household_id,
        )
    already = ctx.one(
        f"SELECT 1 FROM household_member WHERE household_id = ? AND person_id = ? AND {_ACTIVE}",
        (household_id, person_id, ctx.today),
    )
    if already is None:
        ctx.conn.execute(
            "INSERT INTO household_member (household_id, person_id, start_date) VALUES (?, ?, ?)",
            (household_id, person_id, ctx.today),
        )


def memberships(ctx: Ctx, person_id: int) -> list[int]:
    """The households a person is a current member of (staff households first)."""
    return [
        r[0]
        for r in ctx.conn.execute(
            "SELECT m.household_id FROM household_member m JOIN household h USING (household_id) "
            "WHERE m.person_id = ? AND (m.end_date IS NULL OR m.end_date > ?) "
            "ORDER BY h.staff_household DESC, m.household_id",
            (person_id, ctx.today),
        )
    ]


def other_members(ctx: Ctx, household_id: int, person_id: int) -> int:
    """How many current members besides ``person_id`` the household has."""
    return int(
        ctx.one(
            "SELECT count(DISTINCT person_id) FROM household_member "
            f"WHERE household_id = ? AND person_id != ? AND {_ACTIVE}",
            (household_id, person_id, ctx.today),
        )
    )


def _reconcile_locations(
    ctx: Ctx, household_id: int, locations: Sequence[Mapping[str, Any]], path: str
) -> list[dict[str, Any]]:
    conn = ctx.conn
    active = {
        address_id: location_id
        for location_id, address_id in conn.execute(
            f"SELECT location_id, address_id FROM household_location WHERE household_id = ? AND {_ACTIVE} "
            "ORDER BY location_id DESC",
            (household_id, ctx.today),
        )
    }
    kept: set[int] = set()
    resolutions: list[dict[str, Any]] = []
    for i, location in enumerate(locations):
        where = f"{path}.householdLocations[{i}].address"
        chosen = location.get("addressId")
        if chosen is not None:  # an address search result: that stored address
            address_id, how = (
                _stored_address(ctx, chosen, f"{path}.householdLocations[{i}].addressId"),
                "given",
            )
        else:
            resolution = resolve_address(ctx, location["address"], where)
            address_id, how = resolution.id, resolution.how
        resolutions.append({"path": where, "addressId": address_id, "how": how})
        flags = tuple(int(bool(location[f])) for f in _FLAGS)
        location_id = active.get(address_id)
        if location_id is not None:
            start = location["startDate"]
            conn.execute(
                "UPDATE household_location SET mailing = ?, physical = ?, secondary = ?, private = ?, "
                "end_date = ?, start_date = coalesce(?, start_date) WHERE location_id = ?",
                (*flags, location["endDate"], None if start is CALL_DATE else start, location_id),
            )
            kept.add(location_id)
        else:
            new_id = ctx.insert(
                "INSERT INTO household_location (household_id, address_id, start_date, end_date, "
                "mailing, physical, secondary, private) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (household_id, address_id, _date(ctx, location["startDate"]), location["endDate"], *flags),
            )
            active[address_id] = new_id
            kept.add(new_id)
    for location_id in set(active.values()) - kept:
        conn.execute(
            "UPDATE household_location SET end_date = ? WHERE location_id = ?", (ctx.today, location_id)
        )
    return resolutions


def _update(ctx: Ctx, household_id: int, household: Mapping[str, Any], path: str) -> list[dict[str, Any]]:
    sets = {"name": "name", "phone": "phone", "phonePrivate": "phone_private"}
    for key, column in sets.items():
        if key not in household or (key != "phone" and household[key] is None):
            continue
        value = household[key]
        if value is LAST_NAME:
            continue
        ctx.conn.execute(
            f"UPDATE household SET {column} = ? WHERE household_id = ?",
            (int(value) if key == "phonePrivate" else value, household_id),
        )
    if "householdLocations" in household:
        return _reconcile_locations(ctx, household_id, household["householdLocations"], path)
    return []


def apply_for_staff(
    ctx: Ctx, person_id: int, household: Mapping[str, Any], *, last_name: str, creating: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Apply a staff payload's household (the specification's rules);
    ``(warnings, address resolutions)``."""
    if creating:
        _, resolutions = create(
            ctx, household, last_name=last_name, members=[person_id], staff_household=True
        )
        return [], resolutions
    current = memberships(ctx, person_id)
    if not current:
        _, resolutions = create(
            ctx, household, last_name=last_name, members=[person_id], staff_household=True
        )
        return [], resolutions
    household_id = current[0]
    others = sum(other_members(ctx, h, person_id) for h in current)
    reason = None
    if others:
        reason = (
            "other-members",
            f"household {household_id} has {others} other member(s) (e.g. students); the household and "
            "address data was ignored so as not to change their address",
        )
    elif len(current) > 1:
        reason = (
            "several-households",
            f"the staff member belongs to {len(current)} households; the household data was ignored",
        )
    elif not ctx.one("SELECT staff_household FROM household WHERE household_id = ?", (household_id,)):
        reason = (
            "not-staff-household",
            f"household {household_id} is not a staff household; the household data was ignored",
        )
    if reason is not None:
        return [
            {
                "code": "household-ignored",
                "reason": reason[0],
                "householdId": household_id,
                "message": reason[1],
            }
        ], []
    return [], _update(ctx, household_id, household, "household")


def as_dict(ctx: Ctx, household_id: int) -> dict[str, Any]:
    """A household in payload shape, with its active locations."""
    row = ctx.conn.execute(
        "SELECT name, phone, phone_private, staff_household FROM household WHERE household_id = ?",
        (household_id,),
    ).fetchone()
    if row is None:
        raise NotFoundError(
            f"householdId: no household {household_id}",
            field="householdId",
            rule=Rule.HOUSEHOLD_EXISTS,
            value=household_id,
        )
    locations = []
    for location_id, address_id, start, end, *flags in ctx.conn.execute(
        "SELECT location_id, address_id, start_date, end_date, mailing, physical, secondary, private "
        f"FROM household_location WHERE household_id = ? AND {_ACTIVE} ORDER BY location_id",
        (household_id, ctx.today),
    ):
        locations.append(
            {
                "locationId": location_id,
                "addressId": address_id,
                "address": ctx.store.get(address_id).to_boi(),
                "startDate": start,
                "endDate": end,
                **{f: bool(v) for f, v in zip(_FLAGS, flags, strict=True)},
            }
        )
    return {
        "householdId": household_id,
        "staffHousehold": bool(row[3]),
        "name": row[0],
        "phone": row[1],
        "phonePrivate": bool(row[2]),
        "householdLocations": locations,
    }


def for_person(ctx: Ctx, person_id: int) -> dict[str, Any] | None:
    """The person's household (a staff household first), or None."""
    current = memberships(ctx, person_id)
    return as_dict(ctx, current[0]) if current else None


def members(ctx: Ctx, household_id: int) -> list[int]:
    """The current members of a household (person ids, ascending)."""
    return [
        r[0]
        for r in ctx.conn.execute(
            f"SELECT DISTINCT person_id FROM household_member WHERE household_id = ? AND {_ACTIVE} "
            "ORDER BY person_id",
            (household_id, ctx.today),
        )
    ]


@dataclass
class Location:
    """An active household location's address: its store id, match key and components."""

    address_id: int
    key: str
    address: Address


@dataclass
class StaffHousehold:
    """The household a staff member's HR household data would apply to, with
    the facts the specification's household rules look at."""

    household_id: int
    staff_household: bool
    households: int
    others: int
    locations: list[Location] = field(default_factory=list)

    def ignored_because(self) -> str | None:
        """Why HR household data would be ignored for this staff member (None: it applies)."""
        if self.others:
            return (
                f"the household has {self.others} other member(s) (e.g. students): the HR address will be "
                "ignored at commit so as not to change their address"
            )
        if self.households > 1:
            return f"the staff member belongs to {self.households} households: the HR address will be ignored"
        if not self.staff_household:
            return "the household is not a staff household: the HR address will be ignored"
        return None


def staff_households(ctx: Ctx, person_ids: Collection[int]) -> dict[int, StaffHousehold]:
    """For each of ``person_ids`` with a current household: the household its
    HR data would apply to (staff households first, as :func:`memberships`)."""
    conn, today = ctx.conn, ctx.today
    counts = dict(
        conn.execute(
            f"SELECT household_id, count(DISTINCT person_id) FROM household_member WHERE {_ACTIVE} "
            "GROUP BY household_id",
            (today,),
        ).fetchall()
    )
    wanted = set(person_ids)
    per_person: dict[int, list[tuple[int, int]]] = {}
    for person_id, household_id, is_staff in conn.execute(
        "SELECT m.person_id, m.household_id, h.staff_household FROM household_member m "
        "JOIN household h ON h.household_id = m.household_id "
        "WHERE (m.end_date IS NULL OR m.end_date > ?) "
        "ORDER BY m.person_id, h.staff_household DESC, m.household_id",
        (today,),
    ):
        if person_id not in wanted:
            continue
        current = per_person.setdefault(person_id, [])
        if all(h != household_id for h, _ in current):
            current.append((household_id, is_staff))
    chosen: dict[int, StaffHousehold] = {}
    by_household: dict[int, list[StaffHousehold]] = {}
    for person_id, current in per_person.items():
        household_id, is_staff = current[0]
        info = StaffHousehold(
            household_id, bool(is_staff), len(current), sum(counts.get(h, 1) - 1 for h, _ in current)
        )
        chosen[person_id] = info
        by_household.setdefault(household_id, []).append(info)
    rows = [
        (household_id, address_id)
        for household_id, address_id in conn.execute(
            "SELECT household_id, address_id FROM household_location WHERE (end_date IS NULL OR end_date > ?) "
            "ORDER BY household_id, location_id",
            (today,),
        )
        if household_id in by_household
    ]
    stored = ctx.store.get_many(address_id for _, address_id in rows)
    locations = {i: Location(i, key_of(address), address) for i, address in stored.items()}
    for household_id, address_id in rows:
        for info in by_household[household_id]:
            info.locations.append(locations[address_id])
    return chosen
