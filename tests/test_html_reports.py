"""The HTML reports as a person sees them: rendered by headless Chromium
(Debian's ``chromium`` package; ``.ci/run`` installs it when missing) at
1280 px wide.

For each report -- ``addrmatch dedupe --html``, the Staff Synchronization
Validation Report and the Check Campus Data report (through their Python
API) -- the browser loads the page from a file with the network refused,
and a probe script appended to a *copy* of the page (the reports have none
of their own) records what is on screen: the visible text, whether anything
sticks out past the right edge, whether each in-page link (``#...``) has a
target, and whether the page asked for anything over the network.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from addrmatch.boi import Campus

WIDTH = 1280
PROBE = """
<script>
(function () {
  var width = document.documentElement.clientWidth;
  var wide = [];
  document.querySelectorAll("body *").forEach(function (e) {
    var box = e.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1 && wide.length < 5) {
      wide.push(e.tagName + ": " + (e.textContent || "").slice(0, 80));
    }
  });
  var links = [];
  document.querySelectorAll('a[href^="#"]').forEach(function (a) {
    var id = decodeURIComponent(a.getAttribute("href").slice(1));
    links.push([a.getAttribute("href"), a.textContent, document.getElementById(id) !== null]);
  });
  var marked = {};
  document.querySelectorAll("section[id]").forEach(function (s) {
    marked[s.id] = s.querySelectorAll("td.diff").length;
  });
  var result = {
    marked: marked,
    clientWidth: width,
    scrollWidth: document.documentElement.scrollWidth,
    wide: wide,
    links: links,
    requests: performance.getEntriesByType("resource").length,
    scripts: document.scripts.length,
    text: document.body.innerText
  };
  var out = document.createElement("pre");
  out.id = "__probe";
  out.textContent = JSON.stringify(result);
  document.body.appendChild(out);
})();
</script>
"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "headless Chromium is needed: apt-get install chromium (.ci/run does it)"
    return found


def look_at(page: Path, tmp_path: Path) -> dict[str, Any]:
    """Render ``page`` at 1280 px in headless Chromium; what the probe saw."""
    text = page.read_text(encoding="utf-8")
    assert "<script" not in text.lower(), "the reports are static: no script of their own"
    probed = tmp_path / f"probed-{page.name}"
    probed.write_text(text.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--proxy-server=127.0.0.1:9",  # nothing may come from the network
            f"--window-size={WIDTH},900",
            "--virtual-time-budget=3000",
            "--dump-dom",
            probed.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    match = re.search(r'<pre id="__probe">(.*?)</pre>', done.stdout, re.S)
    assert match, f"Chromium did not render the page (exit {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(html.unescape(match.group(1)))


def assert_fits_and_links_resolve(seen: dict[str, Any]) -> None:
    assert seen["clientWidth"] == WIDTH
    assert seen["scrollWidth"] <= WIDTH, f"the page scrolls sideways: {seen['wide']}"
    assert not seen["wide"], seen["wide"]
    broken = [(href, label) for href, label, ok in seen["links"] if not ok]
    assert not broken, f"in-page links without a target: {broken[:10]}"
    assert seen["requests"] == 0  # nothing loaded from anywhere
    assert seen["scripts"] == 1  # the probe only


def visible_number(text: str, label: str) -> int:
    """The number a summary card shows under ``label`` (label, then the number)."""
    match = re.search(rf"{re.escape(label)}\s*\n\s*([\d,]+)", text)
    assert match, f"no {label!r} number on the page"
    return int(match.group(1).replace(",", ""))


# --------------------------------------------------------------------------
# addrmatch dedupe --html


def test_dedupe_report_shows_the_summary_groups_and_errors(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    out = tmp_path / "out.csv"
    done = subprocess.run(
        [sys.executable, "-m", "addrmatch", "dedupe", "--example", "-o", str(out), "--html", str(report),
         "--source-column", "source", "--format", "json"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    seen = look_at(report, tmp_path)
    assert_fits_and_links_resolve(seen)
    text = seen["text"]
    assert visible_number(text, "rows") == summary["rows"] == 3380
    assert visible_number(text, "distinct addresses") == summary["distinctAddresses"]
    assert visible_number(text, "duplicate rows") == summary["duplicateRows"]
    assert visible_number(text, "address errors") == summary["addressErrors"]
    # The table of contents: every section is one click from the top, and each link lands.
    contents = [label for href, label, ok in seen["links"] if ok]
    for section in ("Group sizes", "Where the duplicates come from", "Addresses written in several rows",
                    "Address errors"):  # fmt: skip
        assert any(label.startswith(section) for label in contents), (section, contents)
    # Every group is there with every spelling and its line number.
    rows = list(__import__("csv").DictReader(out.open(encoding="utf-8")))
    biggest = summary["largestGroups"][0]
    assert f"#{biggest['addressId']} {biggest['address']}" in text
    for row in rows:
        if row["address_id"] == str(biggest["addressId"]):
            assert " ".join(row["address"].split()) in text  # as written (the browser folds runs of spaces)
    for error in summary["firstErrors"]:
        assert error["error"] in text and str(error["line"]) in text
    for source in ("HR", "Payroll", "Benefits", "Campus"):
        assert re.search(rf"^{source}\t[\d,]+\b", text, re.M), source  # the sources chart, with counts


def test_a_long_value_wraps_instead_of_widening_the_page(tmp_path: Path) -> None:
    source = tmp_path / "long.csv"
    long_street = "12 " + "Verylongstreetnamewithoutanyspaces" * 8 + " St"
    source.write_text(
        f"address,source\n{long_street},HR\n{long_street},Payroll\n{'x' * 300},HR\n", encoding="utf-8"
    )
    report = tmp_path / "long.html"
    done = subprocess.run(
        [sys.executable, "-m", "addrmatch", "dedupe", str(source), "--column", "address", "--html", str(report),
         "--format", "json"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    seen = look_at(report, tmp_path)
    assert_fits_and_links_resolve(seen)
    assert visible_number(seen["text"], "address errors") == json.loads(done.stdout)["addressErrors"] >= 1
    assert "x" * 80 in seen["text"]  # the long value is shown, wrapped


# --------------------------------------------------------------------------
# the staff module's reports, through their Python API


def _campus_with_differences(path: Path, staff: int = 400) -> Campus:
    campus = Campus(path)
    campus.add_school("010", "Blaine High")
    campus.add_gender("F", "Female")
    campus.add_gender("M", "Male")
    campus.add_title("T1", "Teacher")
    legacy = [
        {"staffNumber": f"{n:05d}", "lastName": f"Name{n}", "firstName": "Pat", "gender": "F",
         "workEmail": f"p{n}@school.example"}
        for n in range(staff)
    ]  # fmt: skip
    legacy += [
        {"staffNumber": "PENDING", "lastName": "Hurley", "firstName": "Bryan", "gender": "M"},
        {"staffNumber": "pending", "lastName": "Bonquet", "firstName": "Alicia", "gender": "F"},
        {"lastName": "Nonumber", "firstName": "Nora", "gender": "F"},
    ]
    campus.import_legacy_staff(legacy)
    return campus


def test_validation_report_fits_and_its_links_resolve(tmp_path: Path) -> None:
    campus = _campus_with_differences(tmp_path / "campus.db")
    hr = [
        {"staffNumber": f"{n:05d}", "lastName": f"Name{n}" if n % 3 else f"Renamed{n}", "firstName": "Pat",
         "gender": "F", "workEmail": f"P{n}@SCHOOL.EXAMPLE" if n % 2 else f"p{n}@school.example",
         "employments": [{"hireDate": "2020-07-25"}],
         "positions": [{"schoolNumber": "010", "titleCode": "T1", "startDate": "2020-08-25"}],
         "household": {"householdLocations": [{"address": {
             "fullStreetAddress": f"{100 + n} North Lexington Avenue Apt {n % 7}", "city": "Blaine",
             "state": "MN", "zip": "55434"}}]}}
        for n in range(0, 400)
    ]  # fmt: skip
    hr.append({"staffNumber": "PENDING", "lastName": "Hurley", "firstName": "Bryan", "gender": "M"})
    sync = campus.sync
    sync.start(started_by="test")
    sync.transfer(hr)
    sync.end()
    report = sync.validate()
    page = tmp_path / "validation.html"
    page.write_text(report.render("html"), encoding="utf-8")
    campus.close()
    seen = look_at(page, tmp_path)
    assert_fits_and_links_resolve(seen)
    text = seen["text"]
    summary = report["summary"]
    assert summary["demographicDifferences"] > 0 and summary["addressDifferences"] > 0
    for count in (summary["demographicDifferences"], summary["addressDifferences"], summary["conflicts"]):
        assert re.search(rf"\b{count:,}\b", text), count
    assert "Renamed3" in text  # a differing value is on the page
    # The summary counts are the table of contents: each section one click away, and each link lands.
    contents = {label.split(":")[0]: ok for href, label, ok in seen["links"] if href != "#summary"}
    for line in (
        "Demographic differences",
        "District Employment differences",
        "District Assignment differences",
        "Address differences",
        "HR staff NOT in Campus",
        "Campus staff with duplicate staff numbers",
        "Campus staff with no staff number",
        "HR staff whose staff number is duplicated in Campus",
    ):
        assert contents.get(line) is True, (line, contents)  # fmt: skip
    # The staff member's name on the rows of the employment, assignment and address sections.
    assert re.search(r"^HR\t00001\tName1, Pat\t2020-07-25", text, re.M), "no name on an employment row"
    assert seen["marked"]["employment-differences"] > 0 and seen["marked"]["address-differences"] > 0


def test_check_campus_data_report_fits_and_its_links_resolve(tmp_path: Path) -> None:
    campus = _campus_with_differences(tmp_path / "campus.db", staff=50)
    report = campus.check_campus_data()
    page = tmp_path / "check.html"
    page.write_text(report.render("html"), encoding="utf-8")
    campus.close()
    seen = look_at(page, tmp_path)
    assert_fits_and_links_resolve(seen)
    text = seen["text"]
    assert report["summary"]["duplicateStaffNumbers"] == 2 and report["summary"]["missingStaffNumbers"] == 1
    assert "Hurley" in text and "Bonquet" in text and "Nonumber" in text
    assert re.search(r"\b2 employees with duplicate Staff Numbers", text)


@pytest.mark.parametrize("width", [1280])
def test_the_probe_itself_sees_an_overflow(tmp_path: Path, width: int) -> None:
    """The check can fail: a page wider than the window is caught."""
    page = tmp_path / "wide.html"
    page.write_text(f'<!doctype html><html><body><div style="width:{width + 400}px">wide</div></body></html>')
    seen = look_at(page, tmp_path)
    assert seen["scrollWidth"] > WIDTH and seen["wide"]
