"""The BOI HTTP API over real HTTP (uvicorn on a free loopback port).

An HR system's day: credentials, a token, the reference lists, a staff search,
an address search whose result is sent back in a household location, create,
update, positions; then a whole staff synchronization; token expiry, secret
rotation, throttling, problem details, the error log, the documentation.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from boi_support import BASKETBALL_COACH, Clock, load_lists, staff_payload
from server_support import FakeTime, serve, token

from addrmatch.boi import Campus
from addrmatch.boi.endpoints import ENDPOINTS
from addrmatch.server.auth import Throttle

API = "/campus/api/businessOfficeIntegration"


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def campus(tmp_path) -> Campus:
    c = Campus(tmp_path / "campus.db", clock=Clock("2024-08-01"))
    load_lists(c)
    return c


@pytest.fixture
def base(campus: Campus, fake_time: FakeTime) -> Iterator[str]:
    throttle = Throttle(limit=3, window=60, block=30, clock=fake_time)
    with serve(campus, token_lifetime=600, clock=fake_time, throttle=throttle) as url:
        yield url


@pytest.fixture
def http(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=30) as client:
        yield client


@pytest.fixture
def creds(campus: Campus) -> dict[str, Any]:
    return campus.api_credentials()


@pytest.fixture
def hr(http: httpx.Client, creds: dict[str, Any]) -> httpx.Client:
    """The HTTP client with a bearer token."""
    answer = token(http, creds["clientId"], creds["clientSecret"])
    assert answer.status_code == 200, answer.text
    http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return http


def _problem(response: httpx.Response, status: int, rule: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["requestId"] and "Traceback" not in response.text
    if rule is not None:
        assert body["rule"] == rule
    return body


def test_day_to_day_operation(hr: httpx.Client, campus: Campus) -> None:
    assert [s["schoolNumber"] for s in hr.get(f"{API}/schools").json()] == ["010", "106", "200"]
    assert {g["code"] for g in hr.get(f"{API}/attributes/genders").json()} == {"F", "M", "X"}
    assert hr.get(f"{API}/attributes/assignmentCodes").status_code == 200
    assert hr.get(f"{API}/attributes/titles").json() == []
    # search first: nobody yet
    assert hr.get(f"{API}/staffMembers", params={"staffNumber": "1001"}).json() == []
    # an address the district already has, found by the address search and sent back as it came
    existing = campus.store.resolve("4321 S Lexington Ave SE #45, Blaine MN 55123")
    [found] = hr.get(f"{API}/addresses", params={"text": "4321 south lexington ave apt 45 blaine"}).json()
    assert found["addressId"] == existing.id
    payload = staff_payload("1001")
    payload["household"] = {"householdLocations": [{"address": found}]}
    created = hr.post(f"{API}/staffMembers", json=payload)
    assert created.status_code == 200, created.text
    record = created.json()
    assert record["staffMember"] and record["ssn"] == "***-**-6789"
    assert record["addressResolutions"][0]["addressId"] == existing.id
    assert record["household"]["householdLocations"][0]["addressId"] == existing.id
    # the staff search finds staff members (with a position) by default
    [hit] = hr.get(f"{API}/staffMembers", params={"lastName": "simp"}).json()
    assert hit["staffNumber"] == "1001"
    updated = hr.put(f"{API}/staffMembers/1001", json={"lastName": "Brown", "workPhone": "763-555-0100"})
    assert updated.json()["lastName"] == "Brown"
    position = dict(BASKETBALL_COACH, titleCode="T2", startDate="2024-01-01")
    assert len(hr.post(f"{API}/staffMembers/1001/position", json=position).json()["positions"]) == 2
    ended = hr.put(f"{API}/staffMembers/1001/position", json=dict(position, endDate="2024-06-01"))
    assert [p["endDate"] for p in ended.json()] == ["2024-06-01"]
    # a person without a position is found only when asked for
    hr.post(f"{API}/staffMembers", json=staff_payload("1002", lastName="Young", positions=[]))
    assert hr.get(f"{API}/staffMembers", params={"lastName": "young"}).json() == []
    wide = hr.get(f"{API}/staffMembers", params={"lastName": "young", "includeNonStaff": "true"}).json()
    assert [r["staffMember"] for r in wide] == [False]
    assert len(campus.store) == 1  # no address proliferation


def test_errors_are_problem_details_and_logged(
    hr: httpx.Client, campus: Campus, creds: dict[str, Any]
) -> None:
    _problem(hr.post(f"{API}/staffMembers", json=staff_payload(gender="Q")), 422, "listed-gender")
    _problem(hr.post(f"{API}/staffMembers", json={"staffNumber": "1"}), 400, "required")
    _problem(hr.put(f"{API}/staffMembers/NOPE", json={"lastName": "X"}), 404, "staff-exists")
    hr.post(f"{API}/staffMembers", json=staff_payload("1001"))
    _problem(hr.post(f"{API}/staffMembers", json=staff_payload("1001")), 409, "staff-number-unique")
    _problem(hr.post(f"{API}/staffMembers/sync/end"), 409, "sync-state")
    _problem(hr.post(f"{API}/staffMembers", content=b"{not json"), 400, "type")
    _problem(hr.get(f"{API}/addresses", params={"text": "1 Main St", "limit": "x"}), 400, "type")
    _problem(hr.get(f"{API}/staffMembers", params={"lastName": "x" * 5000}), 400, "too-long")
    deep = "[" * 100_000 + "]" * 100_000
    _problem(hr.post(f"{API}/staffMembers", content=deep.encode()), 400, "nesting")
    log = campus.error_log()
    assert [(e["action"], e["path"]) for e in log] == [
        ("POST", ENDPOINTS["create_staff"].path),
        ("POST", ENDPOINTS["create_staff"].path),
        ("PUT", ENDPOINTS["update_staff"].path),
        ("POST", ENDPOINTS["create_staff"].path),
        ("POST", ENDPOINTS["sync.end"].path),
        ("POST", ENDPOINTS["create_staff"].path),
        ("GET", ENDPOINTS["search_addresses"].path),
        ("GET", ENDPOINTS["search_staff"].path),
        ("POST", ENDPOINTS["create_staff"].path),
    ]
    assert log[0]["payload"]["ssn"] == "***-**-6789"
    text = json.dumps(log)
    assert creds["clientSecret"] not in text and hr.headers["Authorization"][7:] not in text
    assert "123-45-6789" not in text and "1979-12-26" not in text


def test_a_500_shows_no_trace_and_is_logged(
    hr: httpx.Client, campus: Campus, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("internal detail that must not leak")

    monkeypatch.setattr(campus, "schools", broken)
    body = _problem(hr.get(f"{API}/schools"), 500)
    assert "internal detail" not in json.dumps(body)
    [logged] = campus.error_log()
    assert logged["path"] == ENDPOINTS["schools"].path and "internal detail" in logged["message"]


def test_tokens_expire_and_secret_rotation_revokes_them(
    http: httpx.Client, campus: Campus, creds: dict[str, Any], fake_time: FakeTime
) -> None:
    no_token = http.get(f"{API}/schools")
    _problem(no_token, 401)
    assert no_token.headers["WWW-Authenticate"].startswith("Bearer")
    _problem(http.get(f"{API}/schools", headers={"Authorization": "Bearer made-up"}), 401)
    first = token(http, creds["clientId"], creds["clientSecret"]).json()
    assert first["token_type"] == "Bearer" and first["expires_in"] == 600
    auth = {"Authorization": f"Bearer {first['access_token']}"}
    assert http.get(f"{API}/schools", headers=auth).status_code == 200
    fake_time.now += 601  # expired
    _problem(http.get(f"{API}/schools", headers=auth), 401)
    second = token(http, creds["clientId"], creds["clientSecret"]).json()
    auth = {"Authorization": f"Bearer {second['access_token']}"}
    assert http.get(f"{API}/schools", headers=auth).status_code == 200
    rotated = campus.api_credentials(new_secret=True)  # Generate New Secret
    _problem(http.get(f"{API}/schools", headers=auth), 401)  # the old token stops at once
    assert token(http, creds["clientId"], creds["clientSecret"]).status_code == 401  # and the old secret
    form = http.post(  # client authentication in the form body works too
        "/campus/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": rotated["clientId"],
            "client_secret": rotated["clientSecret"],
        },
    )
    assert form.status_code == 200
    auth = {"Authorization": f"Bearer {form.json()['access_token']}"}
    assert http.get(f"{API}/schools", headers=auth).status_code == 200


def test_repeated_failed_token_requests_are_refused_for_a_while(
    http: httpx.Client, creds: dict[str, Any], fake_time: FakeTime
) -> None:
    for _ in range(3):
        assert token(http, creds["clientId"], "wrong").status_code == 401
    refused = token(http, creds["clientId"], creds["clientSecret"])  # even the right secret, for now
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    fake_time.now += 31
    assert token(http, creds["clientId"], creds["clientSecret"]).status_code == 200
    bad = http.post("/campus/oauth2/token", data={"grant_type": "password"}, auth=("a", "b"))
    assert (bad.status_code, bad.json()["error"]) == (400, "unsupported_grant_type")


def test_staff_synchronization_over_http(hr: httpx.Client, campus: Campus) -> None:
    campus.import_legacy_staff([{"staffNumber": "1001", "lastName": "Brown", "firstName": "Allison"}])
    started = hr.post(f"{API}/staffMembers/sync/start", json={"startedBy": "Postma, Madison"}).json()
    assert started["state"] == "transferring"
    batch = [staff_payload("1001"), staff_payload("1002", gender="Q"), staff_payload("1003")]
    result = hr.post(f"{API}/staffMembers/sync/transfer", json={"staffMembers": batch}).json()
    assert (result["accepted"], result["failures"][0]["rule"]) == (2, "listed-gender")
    assert hr.post(f"{API}/staffMembers/sync/end").json()["state"] == "ended"
    report = hr.post(f"{API}/staffMembers/sync/validate").json()
    assert report["summary"]["hrStaffNotInCampus"] == 1 and report["summary"]["demographicDifferences"] == 1
    committed = hr.post(f"{API}/staffMembers/sync/commit").json()
    assert (committed["committed"], committed["failed"]) == (2, 0)
    assert hr.get(f"{API}/staffMembers/sync/commitJobStatus").json()["state"] == "completed"
    # a second sync through the background job
    hr.post(f"{API}/staffMembers/sync/start", json={})
    hr.post(f"{API}/staffMembers/sync/transfer", json=[staff_payload("1004")])
    hr.post(f"{API}/staffMembers/sync/end")
    hr.post(f"{API}/staffMembers/sync/validate")
    job = hr.post(f"{API}/staffMembers/sync/submitCommitJob").json()
    assert job["background"] is True
    campus.sync.wait(timeout=60)
    status = hr.get(f"{API}/staffMembers/sync/commitJobStatus").json()
    assert (status["state"], status["done"]) == ("completed", 1)
    assert campus.get_staff("1004")["hrManaged"] is True


def test_the_documentation_works_offline(http: httpx.Client) -> None:
    page = http.get(f"{API}/documentation")
    assert page.status_code == 200 and "swagger-ui-bundle.js" in page.text and "https://" not in page.text
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "init.js"):
        asset = http.get(f"{API}/documentation/{name}")
        assert asset.status_code == 200 and len(asset.content) > 20, name
    doc = http.get("/openapi.json").json()
    assert doc["openapi"] == "3.1.0"
    staff = doc["components"]["schemas"]["StaffMember"]
    assert staff["required"] == ["staffNumber", "lastName", "firstName", "gender"]
    assert staff["properties"]["lastName"]["maxLength"] == 100
    assert doc["components"]["schemas"]["HouseholdLocation"]["properties"]["mailing"]["default"] is True
    operations = {(m.upper(), p) for p, item in doc["paths"].items() for m in item}
    assert operations == {(e.method, "/campus" + e.path) for e in ENDPOINTS.values()}


def test_no_such_route_or_method_is_a_problem_too(hr: httpx.Client) -> None:
    # Found by tests/fuzz: Starlette's own 404/405 answered in plain text.
    _problem(hr.get("/campus/api/businessOfficeIntegration/nothing"), 404)
    body = _problem(hr.put("/campus/api/businessOfficeIntegration/schools", content=b"{}"), 405)
    assert body["title"] == "Method Not Allowed"


def test_the_event_loop_never_waits_for_the_database(
    campus: Campus, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused call is written to the error log, which waits for the session's lock (and
    SQLite's): in the thread pool, so that another request is answered meanwhile. On the event
    loop it stopped every request, a commit screen's refreshes included, for as long."""
    entered = threading.Event()
    log = campus.session.log

    def logging(*args: Any, **kwargs: Any) -> None:
        entered.set()
        log(*args, **kwargs)

    monkeypatch.setattr(campus.session, "log", logging)
    refused: list[int] = []
    with campus.session.lock:  # a long call on the database
        caller = threading.Thread(target=lambda: refused.append(http.get(f"{API}/schools").status_code))
        caller.start()  # no token: refused at once, and logged
        assert entered.wait(10)  # the refused call waits for the lock to log its error
        with httpx.Client(base_url=str(http.base_url), timeout=5) as other:
            assert other.get("/openapi.json").status_code == 200  # answered meanwhile
    caller.join(30)
    assert refused == [401]
    assert campus.error_log()[-1]["path"] == "/api/businessOfficeIntegration/schools"
