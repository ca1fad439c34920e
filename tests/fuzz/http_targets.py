"""Target: the BOI HTTP API (``addrmatch.server.create_app``) through
Starlette's TestClient, when the ``server`` extra is installed.

``http``: one or two requests to the endpoint table's routes and the token
endpoint, with hostile path and query parameters, bodies (JSON with hostile
values, raw bytes that are not JSON or not UTF-8, deep nesting) and
Authorization headers, on a fresh copy of the template Campus (whose stored
token is valid at the fixed clock). The oracle: never a 500 (an error the
library did not know), a problem-details body for every error, no SSN or
birthdate in clear in an error response, and a failed request leaves the database
(apart from the error log and the throttle) as it was.
"""

from __future__ import annotations

import json
import urllib.parse
import warnings
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from tests.fuzz.fixtures import FIXED_DAY, FIXED_TIME, Workspace
from tests.fuzz.oracle import STATS, Violation, check_text_output, dump, echoed
from tests.fuzz.target import target
from tests.fuzz.values import (
    STAFF_NUMBERS,
    address_texts,
    anything,
    hostile_positions,
    hostile_staff_payloads,
    short,
)

from addrmatch.boi import Campus
from addrmatch.boi.endpoints import ENDPOINT_TABLE, Endpoint
from addrmatch.server import create_app
from addrmatch.server.openapi import BASE_PATH, TOKEN_PATH

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note on its httpx transport
    from starlette.testclient import TestClient

__all__ = ["Request"]


@dataclass
class Request:
    """One HTTP request: ``auth`` is ``"token"`` (the valid bearer token), or a header value."""

    method: str
    path: str
    query: dict[str, str]
    body: bytes | None
    auth: str
    endpoint: str

    def __repr__(self) -> str:
        body = short(self.body.decode("utf-8", "surrogateescape")) if self.body is not None else None
        return f"Request({self.method} {short(self.path)} query={short(self.query)} body={body} auth={short(self.auth)})"

    _repr_pretty_ = lambda self, p, cycle: p.text(repr(self))  # noqa: E731


_param_text = st.one_of(
    address_texts(),
    st.text(max_size=12),
    st.text(st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF), min_size=1, max_size=2),
    st.sampled_from(
        ["", "1001", "true", "false", "maybe", "10", "0", "-1", "9" * 30, "%", "x" * 5000, "1979-12-26"]
    ),
)


def _json_body(value: Any) -> bytes:
    try:
        return json.dumps(value, skipkeys=True, default=short).encode("utf-8", "surrogatepass")
    except (RecursionError, ValueError, TypeError):
        return b"[]"


def _body(endpoint: Endpoint) -> st.SearchStrategy[bytes | None]:
    if endpoint.body is None:
        return st.one_of(st.none(), st.just(b'{"x": 1}'))
    valid: st.SearchStrategy[Any] = {
        "staff": hostile_staff_payloads(),
        "staffUpdate": hostile_staff_payloads(),
        "position": hostile_positions(),
        "staffList": st.one_of(
            st.lists(hostile_staff_payloads(), max_size=3),
            st.lists(hostile_staff_payloads(), max_size=3).map(lambda r: {"staffMembers": r}),
        ),
        "syncStart": st.sampled_from([{}, {"startedBy": "HR"}, {"startedBy": 5}, {"other": 1}, []]),
    }[endpoint.body]
    raw = st.sampled_from(
        [
            b"",
            b"   ",
            b"{",
            b"\xff\xfe{}",
            b"[" * 100_000 + b"]" * 100_000,
            b"[" + b"9" * 5000 + b"]",
            b"null",
            b'"\\ud800"',
            b'{"staffNumber": "\\ud800"}',
            b"NaN",
            b"\x00",
        ]
    )
    return st.one_of(
        valid.map(_json_body),
        valid.map(_json_body),
        st.just(anything).flatmap(lambda a: a.map(_json_body)),
        raw,
    )


@st.composite
def _request(draw: st.DrawFn) -> Request:
    endpoint = draw(st.sampled_from(ENDPOINT_TABLE))
    path = BASE_PATH + endpoint.path
    for name in endpoint.path_params:
        value = draw(st.one_of(st.sampled_from(STAFF_NUMBERS), _param_text))
        path = path.replace(
            "{" + name + "}", urllib.parse.quote(value.encode("utf-8", "surrogateescape"), safe="")
        )
    query = {}
    for param in endpoint.params:
        if param.where == "query" and draw(st.integers(0, 2)):
            query[param.name] = draw(_param_text)
    if draw(st.integers(0, 4)) == 0:
        query[draw(st.sampled_from(["unknown", "limit", "text"]))] = draw(_param_text)
    auth = draw(
        st.sampled_from(
            ["token"] * 8 + ["", "Bearer", "Bearer nope", "Basic Zm9vOmJhcg==", "Bearer \t", "Bearer a b"]
        )
    )
    return Request(endpoint.method, path, query, draw(_body(endpoint)), auth, endpoint.name)


@st.composite
def _token_request(draw: st.DrawFn) -> Request:
    body = draw(
        st.sampled_from(
            [
                b"grant_type=client_credentials",
                b"grant_type=password",
                b"",
                b"grant_type=client_credentials&client_id=x&client_secret=y",
                b"\xff\xfe",
                b"grant_type=%ff%fe",
                b"a=" + b"x" * 100_000,
            ]
        )
    )
    auth = draw(st.sampled_from(["", "Basic Zm9vOmJhcg==", "Basic !!!", "Basic " + "A" * 5000, "Bearer x"]))
    return Request("POST", TOKEN_PATH, {"appName": draw(_param_text)}, body, auth, "token")


#: Tables a failed request may change: the error log, and the login/token bookkeeping.
_BOOKKEEPING = ("error_log", "api_token", "login_attempt")


@target(
    "http",
    "server",
    lambda: st.lists(st.one_of(_request(), _request(), _token_request()), min_size=1, max_size=2),
)
def run_http(ws: Workspace, case: list[Request]) -> None:
    """the BOI HTTP API via Starlette's TestClient: every route with hostile parameters, bodies, tokens"""
    where = ws.fresh_dir()
    token = ws.campus_token()
    try:
        campus = Campus(ws.copy_of("campus", where), clock=lambda: FIXED_DAY)
        try:
            client = TestClient(_app(campus), raise_server_exceptions=True)
            for request in case:
                _send(client, campus, request, token, case)
        finally:
            campus.close()
    finally:
        ws.cleanup(where)


def _app(campus: Campus) -> Any:
    return create_app(campus, clock=lambda: FIXED_TIME)


def _send(client: TestClient, campus: Campus, request: Request, token: str, case: Any) -> None:
    headers = {"Authorization": f"Bearer {token}" if request.auth == "token" else request.auth}
    if not headers["Authorization"]:
        del headers["Authorization"]
    if request.body is not None and request.endpoint == "token":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    before = dump(campus.connection, skip=_BOOKKEEPING)
    query = urllib.parse.urlencode(
        {k: v.encode("utf-8", "surrogateescape") for k, v in request.query.items()}
    )
    url = request.path + (f"?{query}" if query else "")
    response = client.request(request.method, url, content=request.body, headers=headers)
    STATS["refused" if response.status_code >= 400 else "returned"] += 1
    shown = f"{request.method} {request.path[:120]}"
    if response.status_code >= 500 and response.status_code != 503:
        raise Violation(f"{shown} answered {response.status_code}: {short(response.text[:400])}")
    if response.status_code >= 400:
        try:
            json.loads(response.content)
        except ValueError as exc:
            raise Violation(
                f"{shown} answered {response.status_code} without a JSON body: {short(response.text[:200])}"
            ) from exc
        after = dump(campus.connection, skip=_BOOKKEEPING)
        if after != before:
            raise Violation(f"{shown} failed ({response.status_code}) but changed the database")
        # (a successful response is the HR system's own data: the API masks the SSN, not the birthdate)
        permitted = echoed([request.query, request.path, (request.body or b"").decode("utf-8", "replace")])
        check_text_output(f"{shown}: the problem response", response.text, permitted)
