"""The district's screens (issue 16) in a real browser: headless Chromium
(Debian's package, installed by ``.ci/run``) driven by Playwright, against
``addrmatch.server.create_app`` served by uvicorn on a loopback port.

A district administrator logs in, runs a whole synchronization of the demo
HR file by file upload (Check Campus Data and the validation report open in
new tabs), filters and exports the error log, adds and deletes a
notification, unlocks a preference and edits the field it unlocked, and
generates a new secret that the API then requires. Every screen is checked at
1280 and 400 px (nothing sticks out sideways, every control has a label) and
photographed into ``bench_results/screens/``.

Playwright rather than Selenium: no driver binary to match the browser's
version (Debian's chromium-driver would be one more package), and it waits
for navigations, new tabs and downloads by itself; Playwright's own browser
download is never used (``executable_path`` is the system's chromium).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from admin_support import PASSWORD, add_admin
from playwright.sync_api import Browser, Page, expect, sync_playwright
from server_support import serve, token

from addrmatch.boi import Campus, UnknownReferenceError
from addrmatch.boi.demo import build_demo

SCREENS_DIR = Path(__file__).resolve().parents[2] / "bench_results" / "screens"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "headless Chromium is needed: apt-get install chromium (.ci/run does it)"
    return found


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Campus, Path]]:
    """The demo district (473 Campus staff, the HR file), an administrator, served."""
    folder = tmp_path_factory.mktemp("district")
    build_demo(folder / "district.db", folder / "hr.csv")
    campus = Campus(folder / "district.db")
    add_admin(campus)
    campus.add_user("jkim", "Kim, Lee", ["District Assignments"], password=PASSWORD)
    with serve(campus) as base:
        yield base, campus, folder / "hr.csv"
    campus.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium(), args=ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, district: tuple[str, Campus, Path]) -> Iterator[Page]:
    """A logged-in administrator's tab at 1280 x 900."""
    base = district[0]
    context = browser.new_context(
        base_url=base, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.goto("/campus/admin/")
    expect(tab).to_have_url(re.compile(r"/campus/admin/login"))  # nothing without logging in
    tab.get_by_label("User name").fill("mpostma")
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Log in").click()
    expect(tab.get_by_role("heading", name="Business Office Integration")).to_be_visible()
    yield tab
    context.close()


def shot(page: Page, name: str) -> None:
    SCREENS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS_DIR / f"{name}.png"), full_page=True)


def layout_problems(page: Page) -> dict[str, Any]:
    """What a person would trip over: sideways scrolling, controls without a label."""
    return page.evaluate(
        """() => {
      const root = document.documentElement;
      const unlabelled = [];
      document.querySelectorAll("input, select, textarea, button").forEach((el) => {
        if (el.type === "hidden") return;
        const named = (el.labels && el.labels.length) || el.getAttribute("aria-label")
          || (el.tagName === "BUTTON" && el.textContent.trim());
        if (!named) unlabelled.push(el.outerHTML.slice(0, 120));
      });
      return {scroll: root.scrollWidth, client: root.clientWidth, unlabelled: unlabelled};
    }"""
    )


def assert_readable(page: Page, name: str) -> None:
    for width in (1280, 400):
        page.set_viewport_size({"width": width, "height": 900})
        seen = layout_problems(page)
        assert seen["scroll"] <= seen["client"], f"{name} scrolls sideways at {width} px: {seen}"
        assert not seen["unlabelled"], f"{name}: controls without a label: {seen['unlabelled']}"
        shot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def expect_committed(page: Page, campus: Campus) -> None:
    """The sync screen follows the commit job to COMMITTED; if it does not, the failure says why:
    the job and the sync as Campus sees them, what the screen shows, the error log's tail, and
    whether a call holds the Campus session (a stuck call) or the commit thread still runs."""
    try:
        expect(page.locator("#sync-state")).to_have_text("COMMITTED", timeout=90_000)
    except AssertionError as failure:
        threads = sorted(t.name for t in threading.enumerate())
        screen = (
            page.locator("#commit-job").all_inner_texts(),
            page.locator('meta[http-equiv="refresh"]').count(),
        )
        lock = campus.session.lock
        if not lock.acquire(timeout=30):
            raise AssertionError(
                f"{failure}\nthe Campus session is held by a stuck call; threads: {threads}"
            ) from None
        try:
            job, status, errors = (
                campus.sync.commit_job_status(),
                campus.sync.status(),
                campus.error_log()[-5:],
            )
        finally:
            lock.release()
        raise AssertionError(
            f"{failure}\ncommit job: {job}\nsync: {status}\nscreen: {screen[0]}, refreshing: {screen[1] > 0}"
            f"\nthreads: {threads}\nerror log, last {len(errors)}: {errors}"
        ) from None


def test_a_whole_synchronization_by_file_upload(page: Page, district: tuple[str, Campus, Path]) -> None:
    _, campus, hr_file = district
    page.get_by_role("link", name="Business Office Synchronization").first.click()
    expect(page.get_by_role("heading", name="Staff Synchronization")).to_be_visible()
    # only the allowed step is enabled: Start Transfer (and Check Campus Data)
    expect(page.locator("#start-transfer")).to_be_enabled()
    for step in ("#upload", "#end-transfer", "#validate", "#restart-transfer", "#commit"):
        expect(page.locator(step)).to_be_disabled()
    assert_readable(page, "sync")
    # Check Campus Data opens its report in a new tab
    with page.expect_popup() as opened:
        page.get_by_role("link", name="Check Campus Data").click()
    check = opened.value
    expect(check.get_by_role("heading", name="Check Campus Data")).to_be_visible()
    expect(check.locator("body")).to_contain_text("2 employees with duplicate Staff Numbers in Campus")
    shot(check, "check-report-1280")
    check.set_viewport_size({"width": 400, "height": 900})
    seen = layout_problems(check)
    assert seen["scroll"] <= seen["client"], seen
    shot(check, "check-report-400")
    check.close()
    # Start Transfer, then the file
    page.get_by_role("button", name="Start Transfer", exact=True).click()
    expect(page.locator("#sync-state")).to_have_text("TRANSFER STARTED")
    expect(page.locator("#end-transfer")).to_be_disabled()  # nothing transferred yet
    page.get_by_label("HR file (JSON or CSV)").set_input_files(str(hr_file))
    page.get_by_role("button", name="Transfer Staff Via File Upload").click()
    expect(page.locator("body")).to_contain_text("469 staff accepted, 0 rejected")
    expect(page.locator("#staff-transferred")).to_have_text("469")
    expect(page.locator("#validate")).to_be_disabled()
    # Restart Transfer (the HR data changed): the transferred staff are discarded; transfer again
    page.get_by_role("button", name="Restart Transfer").click()
    expect(page.locator("p.flash")).to_have_text(
        "The transfer restarted: the transferred staff were discarded."
    )
    expect(page.locator("#staff-transferred")).to_have_text("0")
    expect(page.locator("#end-transfer")).to_be_disabled()
    page.get_by_label("HR file (JSON or CSV)").set_input_files(str(hr_file))
    page.get_by_role("button", name="Transfer Staff Via File Upload").click()
    expect(page.locator("#staff-transferred")).to_have_text("469")
    page.get_by_role("button", name="End Transfer").click()
    expect(page.locator("#sync-state")).to_have_text("TRANSFER ENDED")
    expect(page.locator("#commit")).to_be_disabled()
    # Validate: the report in a new tab; back here, the state is shown
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Validate").click()
    report = opened.value
    expect(report.get_by_role("heading", name="Staff Synchronization Validation Report")).to_be_visible()
    expect(report.locator("body")).to_contain_text("HR staff NOT in Campus: 212")
    report.get_by_role("link", name=re.compile("District Employment differences")).click()
    expect(report).to_have_url(re.compile("#employment-differences$"))
    shot(report, "validation-report-1280")
    report.set_viewport_size({"width": 400, "height": 900})  # a phone: the tables scroll, the page does not
    seen = layout_problems(report)
    assert seen["scroll"] <= seen["client"], seen
    report.screenshot(path=str(SCREENS_DIR / "validation-report-400.png"))
    report.emulate_media(media="print")
    shot(report, "validation-report-print")
    report.close()
    page.bring_to_front()
    page.reload()
    expect(page.locator("#sync-state")).to_have_text("VALIDATED")
    expect(page.locator("#commit")).to_be_enabled()
    expect(page.locator("body")).to_contain_text("WARNING: Be sure that all your data is valid")
    page.get_by_role("button", name="Commit").click()
    expect_committed(page, campus)  # the page refreshes itself
    expect(page.locator("#commit-job")).to_contain_text("469 committed, 0 failed of 469")
    expect(page.locator("#start-transfer")).to_be_enabled()
    assert campus.get_staff("E10303")["hrManaged"] is True


def test_error_log_filter_and_export(page: Page, district: tuple[str, Campus, Path], tmp_path: Path) -> None:
    _, campus, _ = district
    path = campus.session.file
    for day, gender in (("2024-01-15", "Q"), ("2024-03-01", "Z")):
        dated = Campus(path, clock=lambda day=day: day)
        with pytest.raises(UnknownReferenceError):
            dated.create_staff({"staffNumber": f"X{day}", "lastName": "Doe", "firstName": "Jo", "gender": gender,
                                "ssn": "123-45-6789", "birthdate": "1980-04-17"})  # fmt: skip
        dated.close()
    page.goto("/campus/admin/errors")
    expect(page.get_by_role("heading", name="Business Office Error Log")).to_be_visible()
    for header in ("Error Date", "Action", "Path", "Error Message", "Payload"):
        expect(page.get_by_role("columnheader", name=header)).to_be_visible()
    page.get_by_label("From (error date)").fill("2024-02-01")
    page.get_by_label("To (error date)").fill("2024-12-31")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("#error-count")).to_have_text("1 error.")
    expect(page.locator("p.filter-note")).to_have_text(
        "Shown: errors dated from 2024-02-01 until 2024-12-31."
    )
    row = page.locator("table.log tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("2024-03-01")
    row.get_by_text("Payload").click()  # the payload, masked
    expect(row.locator("pre")).to_contain_text("***-**-6789")
    expect(row.locator("pre")).not_to_contain_text("123-45-6789")
    assert_readable(page, "errors")
    page.emulate_media(media="print")
    shot(page, "errors-print")
    page.emulate_media(media="screen")
    with page.expect_download() as got:
        page.get_by_role("link", name="Export to PDF").click()
    pdf = tmp_path / "log.pdf"
    got.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-") and b"%%EOF" in pdf.read_bytes()[-1024:]
    with page.expect_download() as got:
        page.get_by_role("link", name="Export to CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8"))))
    assert [r["Error Date"] for r in rows] == ["2024-03-01"]  # the export follows the filter
    assert "123-45-6789" not in rows[0]["Payload"] and "***-**-6789" in rows[0]["Payload"]


def test_add_and_delete_a_notification(page: Page, district: tuple[str, Campus, Path]) -> None:
    _, campus, _ = district
    page.goto("/campus/admin/notifications")
    expect(page.locator("body")).to_contain_text("No notifications.")
    page.get_by_role("link", name="New").click()
    page.get_by_label("Type").select_option("HR Sync Commit")
    # only users with District Employment / District Assignments rights are offered
    expect(page.get_by_label("Kim, Lee (jkim)")).to_be_visible()
    page.get_by_label("Postma, Madison (mpostma)").check()
    page.get_by_label("Kim, Lee (jkim)").check()
    assert_readable(page, "notifications")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("p.flash")).to_have_text("Notification saved.")
    expect(page.locator("table.notifications")).to_contain_text("Kim, Lee; Postma, Madison")
    assert [n["recipients"] for n in campus.notifications()] == [["jkim", "mpostma"]]
    # edit: change the type; then remove every recipient with its X button: the notification is deleted
    page.get_by_role("link", name="HR Sync Commit").click()
    page.get_by_label("Type").select_option("HR-Staff")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("table.notifications")).to_contain_text("HR-Staff")
    assert [n["type"] for n in campus.notifications()] == ["HR-Staff"]
    page.get_by_role("link", name="HR-Staff").click()
    page.get_by_role("button", name="Remove Kim, Lee").click()
    expect(page.locator("table.notifications")).not_to_contain_text("Kim, Lee")
    page.get_by_role("link", name="HR-Staff").click()
    page.get_by_role("button", name="Remove Postma, Madison").click()
    expect(page.locator("p.flash")).to_have_text("The notification was deleted (it had no recipient left).")
    expect(page.locator("body")).to_contain_text("No notifications.")
    assert campus.notifications() == []


def test_a_preference_unlocks_a_field(page: Page, district: tuple[str, Campus, Path]) -> None:
    _, campus, _ = district
    campus.create_staff(
        {
            "staffNumber": "P100",
            "lastName": "Lock",
            "firstName": "Lee",
            "gender": "F",
            "workPhone": "651-555-0100",
        }
    )  # fmt: skip  (HR-managed: the locks apply)
    page.goto("/campus/admin/staff?staffNumber=P100")
    phone = page.get_by_label(re.compile("^Work Phone"))
    expect(phone).to_have_attribute("readonly", "")
    expect(page.locator("body")).to_contain_text("(locked: Staff Demographics)")
    assert_readable(page, "staff")
    page.goto("/campus/admin/preferences")
    for label in ("Staff Creation", "Staff Number", "Staff Demographics", "Staff Employment",
                  "Staff Employment Assignments", "Staff Household",
                  "Allow household and address creations/updates from the HR system"):  # fmt: skip
        expect(page.get_by_label(label, exact=True)).to_be_checked()
    assert_readable(page, "preferences")
    page.get_by_label("Staff Demographics", exact=True).uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("p.flash")).to_have_text("Preferences saved.")
    expect(page.get_by_label("Staff Demographics", exact=True)).not_to_be_checked()
    assert campus.preferences()["locks"]["Staff Demographics"] is False
    page.goto("/campus/admin/staff?staffNumber=P100")
    phone = page.get_by_label(re.compile("^Work Phone"))
    expect(phone).not_to_have_attribute("readonly", "")
    phone.fill("651-555-0199")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("p.flash")).to_have_text("Staff member saved.")
    assert campus.get_staff("P100")["workPhone"] == "651-555-0199"
    expect(page.get_by_label(re.compile("^Staff Number"))).to_have_attribute("readonly", "")  # still locked
    campus.set_preferences(locks={"Staff Demographics": True})


def test_a_new_secret_refuses_the_old_token(page: Page, district: tuple[str, Campus, Path]) -> None:
    base, campus, _ = district
    old = campus.api_credentials(new_secret=True)
    with httpx.Client(base_url=base) as client:
        bearer = token(client, old["clientId"], old["clientSecret"]).json()["access_token"]
        schools = "/campus/api/businessOfficeIntegration/schools"
        assert client.get(schools, headers={"Authorization": f"Bearer {bearer}"}).status_code == 200
        page.goto("/campus/admin/credentials")
        expect(page.locator("#client-id")).to_contain_text(old["clientId"])
        expect(page.locator("body")).not_to_contain_text(old["clientSecret"])
        expect(page.locator("#token-url")).to_have_text(f"{base}/campus/oauth2/token?appName=addrmatch")
        expect(page.locator("#base-url")).to_have_text(f"{base}/campus")
        expect(page.get_by_role("link", name=re.compile("documentation$"))).to_be_visible()
        expect(page.locator("body")).to_contain_text(
            "This should ONLY be used if you feel the current secret"
        )
        assert_readable(page, "credentials")
        page.get_by_label("I understand: the HR system's calls fail until it uses the new secret").check()
        page.get_by_role("button", name="Generate New Secret").click()
        secret = page.locator("#client-secret")
        expect(secret).to_be_hidden()  # Show Secret is off
        page.get_by_label("Show Secret").check()
        expect(secret).to_be_visible()
        new = secret.inner_text().strip()
        assert new and new != old["clientSecret"]
        shot(page, "credentials-new-secret-1280")
        assert client.get(schools, headers={"Authorization": f"Bearer {bearer}"}).status_code == 401
        assert token(client, old["clientId"], old["clientSecret"]).status_code == 401
        fresh = token(client, old["clientId"], new).json()["access_token"]
        assert client.get(schools, headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    page.reload()  # the secret is shown only right after it is generated
    expect(page.locator("body")).not_to_contain_text(new)


def test_login_index_and_keyboard(browser: Browser, district: tuple[str, Campus, Path]) -> None:
    base = district[0]
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.goto("/campus/admin/login")
    assert_readable(tab, "login")
    # keyboard only: the user name has the focus, Tab to the password, Enter logs in
    assert tab.evaluate("document.activeElement.id") == "username"
    tab.keyboard.type("mpostma")
    tab.keyboard.press("Tab")
    tab.keyboard.type(PASSWORD)
    tab.keyboard.press("Enter")
    expect(tab.get_by_role("heading", name="Business Office Integration")).to_be_visible()
    for name in ("Business Office Synchronization", "Business Office Error Log", "Business Office Notifications",
                 "Business Office Preferences", "Business Office API Credentials", "Staff Members"):  # fmt: skip
        expect(tab.locator("ul.tiles").get_by_role("link", name=name)).to_be_visible()
    assert_readable(tab, "index")
    tab.reload()
    tab.keyboard.press("Tab")  # the first stop: the skip link, then the menu
    assert tab.evaluate("document.activeElement.textContent") == "Skip to the content"
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "main"
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.textContent") == "Business Office Synchronization"
    tab.keyboard.press("Enter")
    expect(tab.get_by_role("heading", name="Staff Synchronization")).to_be_visible()
    tab.go_back()
    tab.get_by_role("button", name="Log out").click()
    expect(tab).to_have_url(re.compile(r"/campus/admin/login$"))
    tab.goto("/campus/admin/sync")
    expect(tab).to_have_url(re.compile(r"/campus/admin/login"))
    context.close()
