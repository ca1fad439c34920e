"""Helpers for the addrmatch.boi tests: the district's lists, the
specification's examples, a settable clock, payload builders, a database dump."""

from __future__ import annotations

import copy
from typing import Any

from addrmatch.boi import Campus

SCHOOLS = [("010", "Blaine High"), ("106", "Northdale Middle"), ("200", "Jefferson Elementary")]
GENDERS = [("F", "Female"), ("M", "Male"), ("X", "Non-binary")]
ASSIGNMENT_CODES = [("20", "Athletic Coach"), ("12", "Teacher"), ("50", "Principal")]

# The specification's examples.
BASKETBALL_COACH = {
    "schoolNumber": "010",
    "assignmentCode": "20",
    "titleCode": "4A61E262",
    "titleDescription": "Varsity Basketball",
    "startDate": "2023-10-01",
    "endDate": None,
}
LEXINGTON_FULL = {
    "fullStreetAddress": "4321 South Lexington Ave SE Apt 45",
    "city": "Blaine",
    "state": "MN",
    "zip": "55123",
}
LEXINGTON_PARTS = {
    "number": "4321",
    "prefix": "South",
    "street": "Lexington",
    "tag": "Ave",
    "direction": "SE",
    "apt": "45",
    "city": "Blaine",
    "state": "MN",
    "zip": "55123",
}
PO_BOX_54 = {"postOfficeBox": True, "number": "54", "city": "Blaine", "state": "MN", "zip": "55123"}


class Clock:
    """A settable clock: ``Campus(clock=Clock("2024-08-01"))``."""

    def __init__(self, today: str) -> None:
        self.today = today

    def __call__(self) -> str:
        return self.today


def load_lists(campus: Campus) -> None:
    for number, name in SCHOOLS:
        campus.add_school(number, name)
    for code, name in GENDERS:
        campus.add_gender(code, name)
    for code, description in ASSIGNMENT_CODES:
        campus.add_assignment_code(code, description)


def staff_payload(number: str = "1001", **changes: Any) -> dict[str, Any]:
    """A valid create payload; keyword arguments replace fields."""
    payload: dict[str, Any] = {
        "staffNumber": number,
        "lastName": "Simpson",
        "firstName": "Pat",
        "middleName": None,
        "gender": "F",
        "ssn": "123-45-6789",
        "birthdate": "1979-12-26",
        "workPhone": "320-555-0071",
        "workEmail": "psimpson@school.k12.mo.us",
        "employments": [{"hireDate": "2020-07-25", "terminationDate": None}],
        "positions": [copy.deepcopy(BASKETBALL_COACH)],
    }
    payload.update(changes)
    return payload


def with_address(payload: dict[str, Any], address: dict[str, Any]) -> dict[str, Any]:
    payload = dict(payload)
    payload["household"] = {"householdLocations": [{"address": dict(address)}]}
    return payload


def dump(campus: Campus) -> list[str]:
    """The whole database as SQL, without the error log (which records failures)."""
    return [line for line in campus.connection.iterdump() if "error_log" not in line]
