"""Errors as data: RFC 9457 problem details for the HTTP API.

Every 4xx and 5xx response is ``application/problem+json``::

    {"type": "urn:addrmatch:rule:listed-gender", "title": "Unknown Reference", "status": 422,
     "detail": "gender: 'Q' is not a listed gender (listed: 'F')", "instance": "/campus/api/...",
     "field": "gender", "rule": "listed-gender", "requestId": "..."}

The status follows the library's error class: a malformed payload 400, a
value not in the district's lists or an address rule 422, unknown staff 404,
a duplicate or ambiguous staff number, a locked area and a sync in the wrong
state 409; anything else is a 500 whose body names only the request id (the
error itself, masked, is in the error log).
"""

from __future__ import annotations

from typing import Any

from addrmatch.boi import (
    AmbiguousStaffNumberError,
    BOIError,
    DuplicateStaffNumberError,
    InvalidAddressError,
    NotFoundError,
    ReadOnlyError,
    SyncStateError,
    UnknownReferenceError,
    ValidationError,
)
from addrmatch.errors import AddressError, ReadOnlyDatabaseError

__all__ = ["PROBLEM_TYPE", "problem", "status_of"]

#: The media type of a problem details body.
PROBLEM_TYPE = "application/problem+json"

_STATUS: tuple[tuple[type[BaseException], int, str], ...] = (
    (UnknownReferenceError, 422, "Unknown Reference"),
    (InvalidAddressError, 422, "Invalid Address"),
    (ValidationError, 400, "Invalid Request"),
    (NotFoundError, 404, "Not Found"),
    (DuplicateStaffNumberError, 409, "Duplicate Staff Number"),
    (AmbiguousStaffNumberError, 409, "Ambiguous Staff Number"),
    (ReadOnlyError, 409, "Read-Only"),
    (SyncStateError, 409, "Sync State Conflict"),
    (ReadOnlyDatabaseError, 503, "Database Read-Only"),
    (AddressError, 422, "Invalid Address"),
    (BOIError, 400, "Invalid Request"),
)


def status_of(exc: BaseException) -> tuple[int, str]:
    """(HTTP status, title) of a library error; (500, "Internal Server Error") otherwise.

    >>> status_of(NotFoundError("x")), status_of(KeyError("x"))
    ((404, 'Not Found'), (500, 'Internal Server Error'))
    """
    for cls, status, title in _STATUS:
        if isinstance(exc, cls):
            return status, title
    return 500, "Internal Server Error"


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    instance: str,
    request_id: str,
    field: str | None = None,
    rule: str | None = None,
) -> dict[str, Any]:
    """A problem details object.

    >>> problem(404, "Not Found", "no staff", instance="/x", request_id="r1", rule="staff-exists")["type"]
    'urn:addrmatch:rule:staff-exists'
    """
    body: dict[str, Any] = {
        "type": f"urn:addrmatch:rule:{rule}" if rule else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "requestId": request_id,
    }
    if field is not None:
        body["field"] = field
    if rule is not None:
        body["rule"] = rule
    return body
