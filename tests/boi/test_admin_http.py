"""The district's screens (issue 16) over HTTP: nothing without logging in,
secure session cookies, CSRF on every form, logout, lockout, tool rights, the
HR token and the district session kept apart, and no clear SSN or birthdate
on any page. (The browser tests, test_admin_browser.py, drive the screens.)"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from admin_support import PASSWORD, Browser, add_admin, csrf_of
from server_support import FakeTime, serve, token

from addrmatch.boi import Campus, ValidationError
from addrmatch.boi.logins import IDLE_SECONDS, LOCK_SECONDS, MAX_FAILED
from addrmatch.boi.sync import Sync
from addrmatch.server.admin import ADDRESS_LOGIN_LIMIT

SCREENS = ["sync", "errors", "notifications", "preferences", "credentials", "staff"]
FORMS = [  # every form's action, with data that would change something
    ("/campus/admin/sync/start", {}),
    ("/campus/admin/sync/end", {}),
    ("/campus/admin/sync/restart", {}),
    ("/campus/admin/sync/validate", {}),
    ("/campus/admin/sync/commit", {}),
    ("/campus/admin/notifications", {"type": "HR-Staff", "recipients": "mpostma"}),
    ("/campus/admin/preferences", {"household": "on"}),
    ("/campus/admin/credentials/secret", {"understood": "on"}),
    ("/campus/admin/staff", {"current": "1001", "workPhone": "555"}),
    ("/campus/admin/logout", {}),
]
SSN, BIRTH = "123-45-6789", "1980-04-17"


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime()


@pytest.fixture
def site(tmp_path: Path, clock: FakeTime) -> Iterator[tuple[str, Campus]]:
    campus = Campus(tmp_path / "campus.db", clock=lambda: "2024-08-01")
    campus.add_gender("F", "Female")
    campus.add_school("010", "Blaine High")
    add_admin(campus)
    campus.create_staff({"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F",
                         "ssn": SSN, "birthdate": BIRTH, "workPhone": "651-555-0100"})  # fmt: skip
    with serve(campus, clock=clock) as base:
        yield base, campus
    campus.close()


def state_of(campus: Campus) -> list[tuple[object, ...]]:
    """Everything the forms could change."""
    conn = campus.connection
    tables = ("preference", "notification", "notification_recipient", "sync_run", "api_client", "person",
              "admin_session")  # fmt: skip
    return [tuple(conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()) for t in tables if _has(conn, t)]


def _has(conn: sqlite3.Connection, table: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone() is not None


def test_nothing_without_logging_in(site: tuple[str, Campus]) -> None:
    base, campus = site
    anonymous = Browser(base)
    for screen in ["", *SCREENS, "sync/check", "errors/export?format=csv"]:
        response = anonymous.get(f"/campus/admin/{screen}")
        assert response.status_code == 303, screen
        assert response.headers["location"].startswith("/campus/admin/login"), screen
    before = state_of(campus)
    for action, data in FORMS:
        assert anonymous.post(action, data).status_code in (303, 403), action
    assert state_of(campus) == before


def test_login_gives_a_secure_server_side_session(site: tuple[str, Campus]) -> None:
    base, campus = site
    browser = Browser(base)
    wrong = Browser(base)
    refused = wrong.login(password="not the password")
    assert refused.status_code == 401 and "wrong user name or password" in refused.text
    assert "addrmatch_admin" not in wrong.cookies
    done = browser.login()
    assert done.status_code == 303 and done.headers["location"] == "/campus/admin/"
    cookie = next(c for c in browser.set_cookies if c.startswith("addrmatch_admin="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite=strict", "path=/campus/admin"} <= flags
    assert not any(f.startswith(("max-age", "expires", "domain")) for f in flags)  # a session cookie
    token_value = browser.cookies["addrmatch_admin"]
    stored = campus.connection.execute("SELECT session_hash FROM admin_session").fetchall()
    assert stored and all(token_value not in row[0] for row in stored)  # only a hash is kept
    page = browser.get("/campus/admin/")
    assert page.status_code == 200 and "Postma, Madison" in page.text
    assert page.headers["cache-control"] == "no-store" and "frame-ancestors 'none'" in page.headers[
        "content-security-policy"]  # fmt: skip


def test_every_form_needs_its_csrf_token(site: tuple[str, Campus]) -> None:
    base, campus = site
    browser, other = Browser(base), Browser(base)
    browser.login()
    other.login()
    before = state_of(campus)
    foreign = csrf_of(other.get("/campus/admin/preferences").text)  # another session's token
    for action, data in FORMS:
        for token_value in (None, "", "wrong", foreign):
            fields = dict(data) if token_value is None else {**data, "csrf_token": token_value}
            response = browser.post(action, fields)
            assert response.status_code == 403, (action, token_value)
            assert "security token" in response.text
    assert state_of(campus) == before
    # the right token, but the form sent from another site
    own = csrf_of(browser.get("/campus/admin/preferences").text)
    evil = browser.post(
        "/campus/admin/preferences", {"csrf_token": own}, headers={"Origin": "https://evil.example"}
    )
    assert evil.status_code == 403 and state_of(campus) == before
    # the login form has its own (double-submit) token
    fresh = Browser(base)
    assert fresh.post("/campus/admin/login", {"username": "mpostma", "password": PASSWORD}).status_code == 403
    # and with the right token the same form works
    saved = browser.post("/campus/admin/preferences", {"csrf_token": own, "household": "on"})
    assert saved.status_code == 303 and campus.preferences()["locks"]["Staff Creation"] is False


def test_logout_and_idle_sessions_end(site: tuple[str, Campus], clock: FakeTime) -> None:
    base, _ = site
    browser = Browser(base)
    browser.login()
    kept = dict(browser.cookies)
    assert browser.get("/campus/admin/sync").status_code == 200
    assert browser.form_post("/campus/admin/", "/campus/admin/logout", {}).status_code == 303
    replay = Browser(base)
    replay.cookies = kept  # the old cookie, sent again after the logout
    assert replay.get("/campus/admin/sync").status_code == 303
    browser.login()
    clock.now += IDLE_SECONDS + 1
    assert browser.get("/campus/admin/sync").status_code == 303  # idle too long: log in again


def test_repeated_failed_logins_lock_the_account(site: tuple[str, Campus], clock: FakeTime) -> None:
    base, _ = site
    browser = Browser(base)
    for _ in range(MAX_FAILED):
        assert browser.login(password="guess guess guess").status_code == 401
    locked = browser.login()  # the right password, now refused
    assert locked.status_code == 401 and "locked" in locked.text
    assert "addrmatch_admin" not in browser.cookies
    clock.now += LOCK_SECONDS + 1
    assert browser.login().status_code == 303


def test_tool_rights_decide_what_a_user_sees_and_changes(site: tuple[str, Campus]) -> None:
    base, campus = site
    campus.add_user("viewer", "Viewer, Val", ["Business Office Preferences:R"], password=PASSWORD)
    browser = Browser(base)
    browser.login("viewer")
    index = browser.get("/campus/admin/").text
    assert "Business Office Preferences" in index and "Business Office Error Log" not in index
    page = browser.get("/campus/admin/preferences")
    assert (
        page.status_code == 200
        and "<fieldset disabled>" in page.text
        and 'id="save-preferences"' not in page.text
    )
    before = state_of(campus)
    refused = browser.post("/campus/admin/preferences", {"csrf_token": csrf_of(page.text)})
    assert refused.status_code == 403 and "do not let you change" in refused.text
    assert state_of(campus) == before
    for screen in ("sync", "errors", "notifications", "credentials", "staff"):
        assert browser.get(f"/campus/admin/{screen}").status_code == 403, screen


def test_the_hr_token_opens_no_screen_and_a_session_calls_no_api(site: tuple[str, Campus]) -> None:
    base, campus = site
    cred = campus.api_credentials()
    with httpx.Client(base_url=base) as client:
        bearer = token(client, cred["clientId"], cred["clientSecret"]).json()["access_token"]
        assert client.get("/campus/api/businessOfficeIntegration/schools",
                          headers={"Authorization": f"Bearer {bearer}"}).status_code == 200  # fmt: skip
    anonymous = Browser(base)
    for screen in ["", *SCREENS]:
        response = anonymous.get(f"/campus/admin/{screen}", headers={"Authorization": f"Bearer {bearer}"})
        assert response.status_code == 303 and "/login" in response.headers["location"], screen
    browser = Browser(base)
    browser.login()
    api = browser.get("/campus/api/businessOfficeIntegration/schools")
    assert api.status_code == 401  # the session cookie is not a bearer token
    assert (
        browser.get("/campus/api/businessOfficeIntegration/staffMembers/sync/commitJobStatus").status_code
        == 401
    )


def test_login_goes_back_only_to_this_site(site: tuple[str, Campus]) -> None:
    base, _ = site
    browser = Browser(base)
    page = browser.get("/campus/admin/login?next=https://evil.example/")
    assert 'value="/campus/admin/"' in page.text
    done = browser.post("/campus/admin/login", {"csrf_token": csrf_of(page.text), "username": "mpostma",
                                                "password": PASSWORD, "next": "//evil.example/"})  # fmt: skip
    assert done.headers["location"] == "/campus/admin/"


def test_no_page_shows_a_clear_ssn_or_birthdate(site: tuple[str, Campus]) -> None:
    base, campus = site
    with pytest.raises(ValidationError):  # a failed HR call with personal data: in the error log, masked
        campus.create_staff({"staffNumber": "1002", "lastName": "Doe", "firstName": "Jo", "gender": "F",
                             "ssn": "987-65-4321", "birthdate": "1975-02-03", "bogus": 1})  # fmt: skip
    sync = campus.sync
    sync.start(started_by="test")
    sync.transfer([{"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F",
                    "ssn": "111-22-3333", "birthdate": "1981-05-06"}])  # fmt: skip
    sync.end()
    browser = Browser(base)
    browser.login()
    pages = [browser.get(f"/campus/admin/{s}").text for s in ["", *SCREENS]]
    pages.append(browser.get("/campus/admin/staff?staffNumber=1001").text)
    pages.append(browser.get("/campus/admin/sync/check").text)
    pages.append(browser.form_post("/campus/admin/sync", "/campus/admin/sync/validate", {}).text)
    pages.append(browser.get("/campus/admin/errors/export?format=csv").text)
    text = "\n".join(pages)
    assert "Staff Synchronization Validation Report" in text and "***-**-6789" in text  # the pages rendered
    for clear in (SSN, "123456789", BIRTH, "987-65-4321", "1975-02-03", "111-22-3333", "1981-05-06"):
        assert clear not in text, clear
    assert not re.search(r"\b\d{3}-\d{2}-\d{4}\b", text.replace("***-**-", ""))


def test_guessing_across_user_names_is_slowed_per_address(site: tuple[str, Campus], clock: FakeTime) -> None:
    """The account lock is per user; many user names guessed from one address make the address wait."""
    base, _ = site
    browser = Browser(base)
    for n in range(ADDRESS_LOGIN_LIMIT):
        assert browser.login(f"nobody{n}", "guess guess guess").status_code == 401
    slowed = browser.login()  # even a right login waits
    assert slowed.status_code == 429 and "too many failed logins from this address" in slowed.text
    clock.now += 301
    assert browser.login().status_code == 303


def _says_committing(value: object) -> bool:
    """True when a Campus call's result shows a sync in the state ``committing``."""
    if isinstance(value, dict):
        return value.get("state") == "committing" or any(_says_committing(v) for v in value.values())
    return False


def test_the_sync_screen_follows_a_commit_that_ends_while_it_is_read(
    site: tuple[str, Campus], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screen read the sync's state and its job in two calls: a commit ending between them
    gave a page saying COMMITTING with the job completed, which stopped refreshing (the browser
    test waited 90 s in CI). The commit job is held until the screen has read the sync
    committing, then runs to its end before the screen reads on."""
    base, campus = site
    sync = campus.sync
    sync.start(started_by="test")
    sync.transfer([{"staffNumber": "1001", "lastName": "Smith", "firstName": "Pat", "gender": "F",
                    "workPhone": "651-555-0199"}])  # fmt: skip
    sync.end()
    sync.validate()
    gate = threading.Event()
    run_job = Sync._run_job

    def held(self: Sync, sync_id: int, job_id: int) -> None:
        gate.wait(30)
        run_job(self, sync_id, job_id)

    monkeypatch.setattr(Sync, "_run_job", held)
    session = campus.session
    run = session.run
    ended: list[dict[str, object] | None] = []

    def screen_read(fn: Any, **kw: Any) -> Any:
        result = run(fn, **kw)
        if not gate.is_set() and _says_committing(result):
            gate.set()  # the screen saw the sync committing: the commit runs to its end now
            ended.append(sync.wait(timeout=30))
        return result

    monkeypatch.setattr(session, "run", screen_read)
    browser = Browser(base)
    browser.login()
    started = browser.form_post("/campus/admin/sync", "/campus/admin/sync/commit", {})
    assert started.status_code == 303 and started.headers["location"].endswith("?done=commit")
    page = browser.get(started.headers["location"]).text
    assert ended and ended[0] is not None and ended[0]["state"] == "completed"  # it ended mid-read
    shown = re.search(r'id="sync-state"><strong>([^<]*)<', page)
    refreshes = 'http-equiv="refresh"' in page
    assert shown is not None and (shown.group(1) == "COMMITTING") == refreshes, (shown.group(1), refreshes)
    final = browser.get("/campus/admin/sync").text
    assert ">COMMITTED<" in final and 'http-equiv="refresh"' not in final
    assert "completed; 1 committed, 0 failed of 1" in final
    assert campus.get_staff("1001")["workPhone"] == "651-555-0199"
