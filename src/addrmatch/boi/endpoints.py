"""The endpoint table: every call of the specification's API, once.

Each row names the HTTP method and path exactly as the specification writes
them (under its Base URL), the handler (a :class:`~addrmatch.boi.Campus`
method, or ``sync.<method>`` of ``campus.sync``), the payload schema of the
request body, the path and query parameters and whether a failed call is
written to the Business Office Error Log. The Campus methods take their
error-log Action and Path from here, and the HTTP API
(:mod:`addrmatch.server`) is generated from the same rows: a route per row,
its OpenAPI operation, the handler call. A new endpoint is one row plus one
handler.

>>> ENDPOINTS["create_staff"].method, ENDPOINTS["create_staff"].path
('POST', '/api/businessOfficeIntegration/staffMembers')
>>> ENDPOINTS["update_staff"].path_params
('staffNumber',)
>>> [e.name for e in ENDPOINT_TABLE if e.path.endswith("/sync/commit")]
['sync.commit']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["API_BASE", "ENDPOINTS", "ENDPOINT_TABLE", "SYNC_PATH", "Endpoint", "Param"]

#: The endpoints' common prefix (after the specification's Base URL).
API_BASE = "/api/businessOfficeIntegration"
#: The synchronization endpoints' common path.
SYNC_PATH = f"{API_BASE}/staffMembers/sync"


@dataclass(frozen=True)
class Param:
    """A path or query parameter: its HTTP ``name``, the handler's keyword
    ``arg`` (a path parameter is passed positionally, in path order), its
    JSON ``type`` (``string``, ``integer``, ``boolean``, ``date``)."""

    name: str
    arg: str
    type: str = "string"
    where: str = "query"
    required: bool = False
    description: str = ""
    default: object = None


@dataclass(frozen=True)
class Endpoint:
    """One call: ``method`` and ``path`` as the specification writes them.

    ``handler``: the Campus attribute path (``"create_staff"``,
    ``"sync.transfer"``). ``body``: the request body's schema (``"staff"``,
    ``"staffUpdate"``, ``"position"``, ``"staffList"``, ``"syncStart"``) or
    None; it is the handler's last positional argument. ``result``: the
    response's schema name. ``logged``: a failed call goes to the error log.
    ``spec``: the specification lists the endpoint (False: an addition).
    """

    name: str
    method: str
    path: str
    summary: str
    body: str | None = None
    params: tuple[Param, ...] = ()
    result: str = "object"
    logged: bool = True
    spec: bool = True

    @property
    def handler(self) -> str:
        """The attribute path of the handler on a Campus."""
        return self.name

    @property
    def path_params(self) -> tuple[str, ...]:
        """The ``{names}`` in the path, in order."""
        return tuple(re.findall(r"\{(\w+)\}", self.path))


_STAFF = f"{API_BASE}/staffMembers"
_STAFF_ONE = f"{_STAFF}/{{staffNumber}}"
_NUMBER = Param("staffNumber", "staff_number", where="path", required=True, description="Local Staff Number.")

ENDPOINT_TABLE: tuple[Endpoint, ...] = (
    Endpoint("schools", "GET", f"{API_BASE}/schools", "Get the listing of Schools", result="schools"),
    Endpoint(
        "genders", "GET", f"{API_BASE}/attributes/genders", "Get the listing of Genders", result="genders"
    ),
    Endpoint(
        "assignment_codes",
        "GET",
        f"{API_BASE}/attributes/assignmentCodes",
        "Get the listing of Assignment Codes",
        result="assignmentCodes",
    ),
    Endpoint("titles", "GET", f"{API_BASE}/attributes/titles", "Get the listing of Titles", result="titles"),
    Endpoint(
        "search_staff",
        "GET",
        _STAFF,
        "Search for a Staff Member",
        params=(
            Param("staffNumber", "staff_number", description="Staff number (exact, case-insensitive)."),
            Param("lastName", "last_name", description="Last name prefix (case-insensitive)."),
            Param("firstName", "first_name", description="First name prefix (case-insensitive)."),
            Param("birthdate", "birthdate", "date", description="Birth date (exact)."),
            Param(
                "includeNonStaff",
                "include_non_staff",
                "boolean",
                description="Also list persons without a position (not yet staff members).",
                default=False,
            ),
            Param("limit", "limit", "integer", description="Most results (1-1000).", default=100),
        ),
        result="staffList",
    ),
    Endpoint("create_staff", "POST", _STAFF, "Creates a new Staff Member", body="staff", result="staff"),
    Endpoint(
        "update_staff",
        "PUT",
        _STAFF_ONE,
        "Updates a Staff Member",
        body="staffUpdate",
        params=(_NUMBER,),
        result="staff",
    ),
    Endpoint(
        "create_position",
        "POST",
        f"{_STAFF_ONE}/position",
        "Creates a new Position for a given Staff Member",
        body="position",
        params=(_NUMBER,),
        result="staff",
    ),
    Endpoint(
        "update_position",
        "PUT",
        f"{_STAFF_ONE}/position",
        "Updates a Position for a given Staff Member",
        body="position",
        params=(_NUMBER,),
        result="positions",
    ),
    Endpoint(
        "search_addresses",
        "GET",
        f"{API_BASE}/addresses",
        "Search for an Address",
        params=(
            Param("text", "text", required=True, description="The address as the user typed it."),
            Param("limit", "limit", "integer", description="Most results (1-100).", default=10),
        ),
        result="addresses",
    ),
    Endpoint(
        "sync.start",
        "POST",
        f"{SYNC_PATH}/start",
        "Start the data transfer process",
        body="syncStart",
        result="syncStatus",
    ),
    Endpoint(
        "sync.transfer",
        "POST",
        f"{SYNC_PATH}/transfer",
        "Transfer staff data to Infinite Campus",
        body="staffList",
        result="transfer",
    ),
    Endpoint("sync.end", "POST", f"{SYNC_PATH}/end", "End the data transfer process", result="syncStatus"),
    Endpoint(
        "sync.validate",
        "POST",
        f"{SYNC_PATH}/validate",
        "Validate staff data transferred to Infinite Campus",
        result="report",
    ),
    Endpoint(
        "sync.commit",
        "POST",
        f"{SYNC_PATH}/commit",
        "Commit transferred staff data to Infinite Campus",
        result="commit",
    ),
    Endpoint(
        "sync.submit_commit_job",
        "POST",
        f"{SYNC_PATH}/submitCommitJob",
        "Start a job in Infinite Campus to commit transferred staff data",
        result="job",
    ),
    Endpoint(
        "sync.commit_job_status",
        "GET",
        f"{SYNC_PATH}/commitJobStatus",
        "Get the status of the last background job submitted",
        result="job",
    ),
    Endpoint(
        "sync.restart",
        "POST",
        f"{SYNC_PATH}/restart",
        "Restart the data transfer (discard the transferred staff)",
        body="syncStart",
        result="syncStatus",
        spec=False,
    ),
)

#: The rows by name (the handler's attribute path).
ENDPOINTS: dict[str, Endpoint] = {e.name: e for e in ENDPOINT_TABLE}
