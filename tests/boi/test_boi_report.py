"""The Staff Synchronization Validation Report and the Check Campus Data
report, built from the specification's examples, in their three forms."""

from __future__ import annotations

import datetime as _dt
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from addrmatch.boi import Campus
from addrmatch.boi.report import DEMOGRAPHIC_FIELDS, Report

GENERATED = _dt.datetime(2023, 1, 25, 13, 17, 32)

# The specification's BOI Staff Synchronization Tool example: FFF666 differs in
# work email case, work phone, hire date and assignment; FFF666 and EEE555 have
# HR addresses not in Campus.
FFF666_CAMPUS = {
    "staffNumber": "FFF666",
    "lastName": "Franklin",
    "firstName": "Frank",
    "middleName": "F",
    "gender": "M",
    "workEmail": "FFF@email.com",
    "workPhone": "(723)897-1184x6033",
    "birthdate": "1991-12-08",
    "employments": [{"hireDate": "2020-12-08"}],
    "positions": [
        {"schoolNumber": "106", "titleCode": "035E4EAB", "startDate": "2023-01-13", "endDate": "2023-01-13"}
    ],
}
FFF666_HR = {
    **FFF666_CAMPUS,
    "workEmail": "fff@email.com",
    "workPhone": "(662)031-1180",
    "employments": [{"hireDate": "2020-07-25"}],
    "positions": [{"schoolNumber": "106", "titleCode": "337C8989", "startDate": "2020-07-25"}],
    "household": {
        "householdLocations": [
            {
                "address": {
                    "number": "4321",
                    "street": "257",
                    "tag": "Ave",
                    "direction": "NE",
                    "city": "Blaine",
                    "state": "MN",
                    "zip": "55434",
                    "county": "Anoka",
                }
            }
        ]
    },
}
EEE555_CAMPUS = {"staffNumber": "EEE555", "lastName": "Evans", "firstName": "Eve", "gender": "F"}
EEE555_HR = {
    **EEE555_CAMPUS,
    "household": {
        "householdLocations": [
            {
                "address": {
                    "fullStreetAddress": "4321 109 Ave NE",
                    "city": "Blaine",
                    "state": "MN",
                    "zip": "55434",
                    "county": "Anoka",
                }
            }
        ]
    },
}
# "21 employees with duplicate Staff Numbers in Campus": the rows the specification shows.
DUPLICATES = [
    ("PENDING", "Hurley", "Bryan", "Everett", "M", None, "1988-07-02"),
    ("PENDING", "Vovchenko", "Nadia", None, "F", None, "1978-12-22"),
    ("PENDING", "Clark", "Megan", None, "F", None, None),
    ("PENDING", "Gagnon", "Cole", "S", "M", None, None),
    ("PENDING", "Doyamo", "Mesay", None, "M", None, None),
    ("PENDING", "Brown", "Joseph", None, "M", None, None),
    ("PENDING", "Beuning", "Lynnette", None, "F", None, None),
    ("pending", "Bonquet", "Alicia", None, "F", None, None),
    ("0295382", "Sawatzky", "Douglas", "D", "M", "320-555-0071", None),
    ("0295382", "Sawatzky", "Mary", "M", "F", "320-555-0159", None),
    ("0287909", "Saunders", "Linda", None, "F", "320-555-0133", None),
    ("0287909", "Saunders", "Lee", None, "M", None, None),
]
SPEC_ROWS = [
    "Campus\tPENDING\tHurley\tBryan\tEverett\tM\t\t\t1988-**-**",
    "Campus\tPENDING\tVovchenko\tNadia\t\tF\t\t\t1978-**-**",
    "Campus\tpending\tBonquet\tAlicia\t\tF\t\t\t",
    "Campus\t0295382\tSawatzky\tDouglas\tD\tM\t\t320-555-0071\t",
    "Campus\t0295382\tSawatzky\tMary\tM\tF\t\t320-555-0159\t",
]


def duplicate_records() -> list[dict[str, Any]]:
    keys = ("staffNumber", "lastName", "firstName", "middleName", "gender", "workPhone", "birthdate")
    return [dict(zip(keys, row, strict=True)) for row in DUPLICATES]


@pytest.fixture
def spec_campus(campus: Campus) -> Campus:
    """The Campus data of the specification's examples."""
    campus.add_title("035E4EAB", "Old title")
    campus.import_legacy_staff([FFF666_CAMPUS, EEE555_CAMPUS, *duplicate_records()])
    campus.import_legacy_staff([{"lastName": "Nonumber", "firstName": "Nora", "gender": "F"}])
    return campus


@pytest.fixture
def report(spec_campus: Campus) -> Report:
    sync = spec_campus.sync
    sync.now = lambda: GENERATED
    sync.start(started_by="Postma, Madison")
    sync.transfer([FFF666_HR, EEE555_HR])
    sync.end()
    return sync.validate()


def test_summary_of_the_specification_example(report: Report) -> None:
    s = report["summary"]
    assert s["demographicDifferences"] == 1
    assert s["demographicFieldDifferences"] == {
        label: int(label in ("Work Email", "Work Phone")) for label in DEMOGRAPHIC_FIELDS
    }
    assert list(s["demographicFieldDifferences"]) == [
        "SSN",
        "Staff Number",
        "Name",
        "Gender",
        "Personal Email",
        "Work Email",
        "Cell Phone",
        "Other Phone",
        "Work Phone",
        "Birth Date",
    ]
    assert (s["employmentDifferences"], s["assignmentDifferences"]) == (1, 1)
    assert (s["addressDifferences"], s["addressesToAdd"]) == (2, 2)
    assert (s["hrStaffNotInCampus"], s["campusStaffNotInHr"]) == (0, 0)
    assert (s["duplicateStaffNumbers"], s["missingStaffNumbers"]) == (12, 1)
    assert report["sync"]["startedBy"] == "Postma, Madison" and report["sync"]["staffTransferred"] == 2
    assert report["generatedAt"] == "2023-01-25T13:17:32"


def test_details_side_by_side(report: Report) -> None:
    sections = report["sections"]
    [demo] = sections["demographicDifferences"]
    assert demo["fields"] == ["Work Email", "Work Phone"]
    assert (demo["campus"]["system"], demo["hr"]["system"]) == ("Campus", "HR")
    assert (demo["campus"]["workEmail"], demo["hr"]["workEmail"]) == ("FFF@email.com", "fff@email.com")
    assert (demo["campus"]["workPhone"], demo["hr"]["workPhone"]) == ("(723)897-1184x6033", "(662)031-1180")
    [employment] = sections["employmentDifferences"]
    assert employment["campus"] == [{"hireDate": "2020-12-08", "terminationDate": None}]
    assert employment["hr"] == [{"hireDate": "2020-07-25", "terminationDate": None}]
    [assignment] = sections["assignmentDifferences"]
    assert [
        (p["titleCode"], p["schoolNumber"], p["startDate"], p["endDate"]) for p in assignment["campus"]
    ] == [("035E4EAB", "106", "2023-01-13", "2023-01-13")]
    assert [(p["titleCode"], p["schoolNumber"], p["startDate"], p["endDate"]) for p in assignment["hr"]] == [
        ("337C8989", "106", "2020-07-25", None)
    ]
    added = [
        (a["staffNumbers"], a["address"]["number"], a["address"]["street"])
        for a in sections["addressesToAdd"]
    ]
    assert added == [(["FFF666"], "4321", "257"), (["EEE555"], "4321", "109")]
    assert sections["addressesToAdd"][0]["address"]["county"] == "ANOKA"


def test_duplicates_in_the_specification_order(report: Report) -> None:
    rows = report["sections"]["duplicateStaffNumbers"]
    assert [(r["staffNumber"], r["lastName"]) for r in rows] == [(d[0], d[1]) for d in DUPLICATES]
    assert all(r["system"] == "Campus" for r in rows)
    [missing] = report["sections"]["missingStaffNumbers"]
    assert (missing["staffNumber"], missing["lastName"]) == (None, "Nonumber")


def test_check_campus_data_report(spec_campus: Campus) -> None:
    check = spec_campus.check_campus_data()
    assert check["kind"] == "check"
    assert check["summary"] == {
        "campusStaff": 15,
        "duplicateStaffNumbers": 12,
        "duplicateGroups": 3,
        "missingStaffNumbers": 1,
    }
    text = check.to_text()
    assert "12 employees with duplicate Staff Numbers in Campus" in text
    assert "** Staff Numbers must be unique **" in text
    assert "1 employee with no Staff Number in Campus" in text
    html = check.to_html()
    for row in SPEC_ROWS:
        cells = "".join(f"<td>{c}</td>" for c in row.split("\t"))
        assert f"<tr>{cells}</tr>" in html, row
    assert_standalone_page(html)


def table_rows(text: str, heading: str) -> list[list[str]]:
    """The rows of the aligned text table under ``heading`` (cells split on 2+ spaces)."""
    lines = text.splitlines()
    start = lines.index(heading) + 2  # heading, note
    rows = []
    for line in lines[start:]:
        if not line:
            break
        rows.append(re.split(r"\s{2,}", line.strip()))
    return rows


def test_text_rendering_follows_the_specification(report: Report) -> None:
    text = report.to_text()
    lines = text.splitlines()
    assert lines[0] == "Staff Synchronization Validation Report"
    assert lines[1] == "Generated on 01/25/2023 01:17:32 PM"
    assert "Demographic differences: 1" in lines and "Campus staff with no staff number: 1" in lines
    demo = table_rows(text, "Demographic Differences")
    assert demo[0][:9] == [
        "System",
        "Staff Number",
        "Last Name",
        "First Name",
        "Middle Name",
        "G",
        "Work Email",
        "Work Phone",
        "Birth Date",
    ]
    assert demo[2] == [
        "Campus",
        "FFF666",
        "Franklin",
        "Frank",
        "F",
        "M",
        "FFF@email.com",
        "(723)897-1184x6033",
        "1991-**-**",  # a birthdate is never shown in clear: its year only
    ]
    assert demo[3] == [
        "HR",
        "FFF666",
        "Franklin",
        "Frank",
        "F",
        "M",
        "fff@email.com",
        "(662)031-1180",
        "1991-**-**",
    ]
    employment = table_rows(text, "District Employment Differences")
    assert employment[0] == ["System", "Staff Number", "Hire/Start Date", "Termination/End Date"]
    assert employment[2:] == [["Campus", "FFF666", "2020-12-08"], ["HR", "FFF666", "2020-07-25"]]
    assignment = table_rows(text, "District Assignment Differences")
    assert assignment[0][:6] == [
        "System",
        "Staff Number",
        "Title Code",
        "School Number",
        "Start Date",
        "End Date",
    ]
    assert assignment[2] == ["Campus", "FFF666", "035E4EAB", "106", "2023-01-13", "2023-01-13"]
    assert assignment[3] == ["HR", "FFF666", "337C8989", "106", "2020-07-25"]
    added = table_rows(text, "2 addresses in HR NOT in Campus")
    assert added[0] == [
        "Staff Number",
        "PO Number",
        "Street",
        "Tag",
        "Prefix",
        "Dir",
        "Apt",
        "City",
        "State",
        "Zip",
        "County",
    ]
    assert added[2] == ["FFF666", "4321", "257", "AVE", "NE", "BLAINE", "MN", "55434", "ANOKA"]
    assert added[3] == ["EEE555", "4321", "109", "AVE", "NE", "BLAINE", "MN", "55434", "ANOKA"]
    assert text.index("** HR System data will be added to the Campus System data **") > text.index(
        "2 addresses in HR NOT in Campus"
    )


class _Page(HTMLParser):
    """Checks an HTML page is well formed: tags balanced, no external resource."""

    VOID = frozenset({"meta", "br", "hr", "img", "link", "input", "col", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.doctype: str | None = None
        self.seen: list[str] = []
        self.errors: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append(tag)
        self.attrs += attrs
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_standalone_page(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    assert page.doctype is not None and page.doctype.lower() == "doctype html"
    assert page.errors == [] and page.stack == []
    assert page.seen[:1] == ["html"] and {"head", "title", "style", "body", "meta"} <= set(page.seen)
    assert not {"script", "link", "img", "iframe", "object"} & set(page.seen)
    assert not [a for a in page.attrs if a[0] == "src"]
    # links stay on the page (the table of contents): nothing external
    assert not [a for a in page.attrs if a[0] == "href" and not str(a[1]).startswith("#")]
    assert "url(" not in html and "@import" not in html and "http" not in html
    assert "@media print" in html  # printable
    return page


def test_html_is_a_standalone_page_with_summary_and_sections(report: Report) -> None:
    html = report.to_html()
    page = assert_standalone_page(html)
    text = " ".join(" ".join(page.text).split())
    assert "Generated on 01/25/2023 01:17:32 PM" in text
    assert "Staff Synchronization Summary" in text
    for line in ("Demographic differences: 1", "District Employment differences: 1",
                 "District Assignment differences: 1", "Address differences: 2", "HR staff NOT in Campus: 0",
                 "Campus staff NOT in HR: 0", "Campus staff with duplicate staff numbers: 12",
                 "Campus staff with no staff number: 1"):  # fmt: skip
        assert line in text, line
    for label in DEMOGRAPHIC_FIELDS:
        assert f"<th>{label}</th>" in html
    for heading in (
        "Demographic Differences",
        "District Employment Differences",
        "District Assignment Differences",
        "Address Differences",
        "2 addresses in HR NOT in Campus",
        "0 staff members in HR NOT in Campus",
        "12 employees with duplicate Staff Numbers in Campus",
        "1 employee with no Staff Number in Campus",
    ):
        assert f"<h3>{heading}</h3>" in html, heading
    assert "only the first 100 entries" in text
    # the differing cells are marked, the others not
    assert '<td class="diff">FFF@email.com</td>' in html and '<td class="diff">fff@email.com</td>' in html
    assert "<td>Franklin</td>" in html


def test_html_escapes_data(campus: Campus) -> None:
    campus.import_legacy_staff(
        [{"staffNumber": "<b>1</b>", "lastName": "O'Brien & <script>", "firstName": "A"}] * 2
    )
    html = campus.check_campus_data().to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;1&lt;/b&gt;" in html
    assert_standalone_page(html)


def test_ssn_appears_only_masked(campus: Campus) -> None:
    campus.import_legacy_staff([{**EEE555_CAMPUS, "ssn": "123-45-6789"}])
    sync = campus.sync
    sync.start(started_by="HR")
    sync.transfer([{**EEE555_CAMPUS, "ssn": "987-65-6789"}])  # same last four
    sync.end()
    report = sync.validate()
    assert report["summary"]["demographicFieldDifferences"]["SSN"] == 1
    [entry] = report["sections"]["demographicDifferences"]
    assert (entry["campus"]["ssn"], entry["hr"]["ssn"]) == ("***-**-6789", "***-**-6789")
    for form in (report.to_html(), report.to_text(), report.to_json(), repr(report)):
        for clear in ("123-45-6789", "123456789", "987-65-6789", "987656789", "98765", "12345"):
            assert clear not in form
    assert '<td class="diff">***-**-6789</td>' in report.to_html()


def test_rendering_shows_the_first_100_entries_the_data_all(campus: Campus) -> None:
    campus.import_legacy_staff(
        [{"staffNumber": f"S{i:03d}", "lastName": f"Last{i:03d}", "firstName": "A"} for i in range(130)]
    )
    sync = campus.sync
    sync.start(started_by="HR")
    sync.transfer(
        [
            {"staffNumber": f"N{i:03d}", "lastName": f"New{i:03d}", "firstName": "B", "gender": "F"}
            for i in range(3)
        ]
    )
    sync.end()
    report = sync.validate()
    assert len(report["sections"]["campusStaffNotInHr"]) == 130
    html = report.to_html()
    assert "Last099" in html and "Last100" not in html
    assert "Showing the first 100 of 130 entries" in html
    text = report.to_text()
    assert "Last099" in text and "Last100" not in text and "(showing the first 100 of 130 entries)" in text
    assert "Last129" in report.to_json()
    assert "Last100" in report.to_html(limit=101) and "Last101" not in report.to_html(limit=101)


def test_report_is_plain_data_with_a_short_repr(report: Report) -> None:
    assert json.loads(report.render("json")) == json.loads(json.dumps(report))
    assert repr(report) == "Report(kind='validation', generatedAt='2023-01-25T13:17:32', entries=20)"
    assert "1991-12-08" not in repr(report)
    with pytest.raises(ValueError, match="format"):
        report.render("pdf")


def test_birthdate_appears_only_as_its_year(campus: Campus) -> None:
    campus.import_legacy_staff([{**EEE555_CAMPUS, "birthdate": "1991-12-08"}])
    campus.import_legacy_staff([{**EEE555_CAMPUS, "staffNumber": "pending", "birthdate": "1978-12-22"}])
    campus.import_legacy_staff([{**EEE555_CAMPUS, "staffNumber": "PENDING", "birthdate": "1988-07-02"}])
    sync = campus.sync
    sync.start(started_by="HR")
    sync.transfer([{**EEE555_CAMPUS, "birthdate": "1991-03-04"}])
    sync.end()
    report = sync.validate()
    assert report["summary"]["demographicFieldDifferences"]["Birth Date"] == 1
    [entry] = report["sections"]["demographicDifferences"]
    assert (entry["campus"]["birthdate"], entry["hr"]["birthdate"]) == ("1991-**-**", "1991-**-**")
    assert [r["birthdate"] for r in report["sections"]["duplicateStaffNumbers"]] == [
        "1978-**-**",
        "1988-**-**",
    ]
    check = campus.check_campus_data()
    assert [r["birthdate"] for r in check["sections"]["duplicateStaffNumbers"]] == [
        "1978-**-**",
        "1988-**-**",
    ]
    for r in (report, check):
        for form in (r.to_html(), r.to_text(), r.to_json(), repr(r), json.dumps(r)):
            for clear in ("1991-12-08", "1991-03-04", "1978-12-22", "1988-07-02", "12-08", "07-02"):
                assert clear not in form
    assert "1991-**-**" in report.to_text() and "1988-**-**" in check.to_html()


def _rows_of(html: str, anchor: str) -> list[list[tuple[str, bool]]]:
    """The body rows of a section's table: (cell text, highlighted) per cell."""
    section = html[html.index(f'<section id="{anchor}">') :]
    section = section[: section.index("</section>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", section, re.S):
        cells = re.findall(r'<td( class="diff")?>(.*?)</td>', row, re.S)
        if cells:  # not the header row
            rows.append([(text, bool(mark)) for mark, text in cells])
    return rows


def test_html_report_for_people_names_differences_and_contents(report: Report) -> None:
    """Issue 15 item 5: every section highlights what differs, names the staff
    member on every row, and the summary counts link to their sections."""
    html = report.to_html()
    # employment: Name after Staff Number on both rows; only the differing hire date is marked
    employment = _rows_of(html, "employment-differences")
    assert employment[0][:4] == [("Campus", False), ("FFF666", False), ("Franklin, Frank F", False),
                                 ("2020-12-08", True)]  # fmt: skip
    assert employment[1][:4] == [("HR", False), ("FFF666", False), ("Franklin, Frank F", False),
                                 ("2020-07-25", True)]  # fmt: skip
    # assignment: title and dates differ, the school does not
    assignment = _rows_of(html, "assignment-differences")
    campus_row = dict(
        zip(
            ["system", "number", "name", "title", "school", "start", "end", "code"],
            assignment[0],
            strict=True,
        )
    )
    assert campus_row["name"] == ("Franklin, Frank F", False)
    assert campus_row["title"] == ("035E4EAB", True) and campus_row["school"] == ("106", False)
    assert campus_row["start"] == ("2023-01-13", True) and campus_row["end"] == ("2023-01-13", True)
    # addresses to add: each staff member's name beside the number
    added = _rows_of(html, "addresses-to-add")
    assert {row[1][0] for row in added} == {"Franklin, Frank F", "Evans, Eve"}
    # the summary is the table of contents: each count links to its section, and the target exists
    links = dict(re.findall(r'<a href="#([\w-]+)">([^<]+)</a>', html))
    assert links["employment-differences"] == "District Employment differences: 1"
    assert links["duplicate-staff-numbers"] == "Campus staff with duplicate staff numbers: 12"
    assert links["staff-to-add"] == "HR staff NOT in Campus: 0"
    for anchor in links:
        assert f'id="{anchor}"' in html, anchor
    # the text rendering keeps the specification's columns (no Name column)
    assert "Franklin, Frank F" not in report.to_text()
    # the data form carries the names
    entry = report["sections"]["employmentDifferences"][0]
    assert (entry["campusName"], entry["hrName"]) == ("Franklin, Frank F", "Franklin, Frank F")
