"""The reports as a standalone, printable HTML page.

Inline CSS (``report.css``, shipped beside this module) with print rules, no
script, no external resource; differing cells highlighted. The layout is
:mod:`~addrmatch.boi.report_layout`'s.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from addrmatch.boi.report_layout import (
    DEFAULT_LIMIT,
    DEMOGRAPHIC_FIELDS,
    Section,
    blocks,
    cell,
    generated_on,
    sections_of,
    summary_links,
    sync_line,
)

__all__ = ["CSS", "to_html"]

#: The page's style sheet (inlined).
CSS = "\n" + resources.files("addrmatch.boi").joinpath("report.css").read_text(encoding="utf-8")


def to_html(report: Mapping[str, Any], *, limit: int = DEFAULT_LIMIT) -> str:
    """A standalone, printable HTML page: the summary and the first
    ``limit`` entries of each section (the data form has them all).

    >>> page = to_html(dict(kind="check", title="Check Campus Data", generatedAt="2023-01-25T13:17:32",
    ...                     summary={"campusStaff": 0}, sections={"missingStaffNumbers": []}))
    >>> "<h3>0 employees with no Staff Number in Campus</h3>" in page, page.rstrip().endswith("</html>")
    (True, True)
    """
    e = html.escape
    title = str(report.get("title") or "Report")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{e(title)}</h1>",
        f'<p class="generated">Generated on {e(generated_on(report))}</p>',
    ]
    if sync_line(report):
        out.append(f'<p class="sync">{e(sync_line(report))}</p>')
    out.append("</header>")
    summary_title = (
        "Staff Synchronization Summary" if report.get("kind") == "validation" else "Campus Data Summary"
    )
    out.append('<section id="summary">')
    out.append(f"<h2>{e(summary_title)}</h2>")
    for label, count, anchor in summary_links(report):
        line = f"{e(label)}: {count:,}"
        if anchor is not None:  # the summary counts are the table of contents
            line = f'<a href="#{e(anchor)}">{line}</a>'
        out.append(f"<p><strong>{line}</strong></p>")
        if label == "Demographic differences":
            out.append(_field_table_html(report))
    out.append("</section>")
    out.append('<section id="details">')
    heading = "Staff Synchronization Details" if report.get("kind") == "validation" else "Campus Data Details"
    out.append(
        f"<h2>{e(heading)} (only the first {limit:,} entries of each section are displayed "
        "in the report)</h2>"
    )
    for section, entries in sections_of(report):
        out.append(_section_html(section, entries, limit))
    out.append("</section>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _field_table_html(report: Mapping[str, Any]) -> str:
    counts = report.get("summary", {}).get("demographicFieldDifferences", {})
    e = html.escape
    head = "".join(f"<th>{e(label)}</th>" for label in DEMOGRAPHIC_FIELDS)
    cells = "".join(f"<td>{int(counts.get(label, 0)):,}</td>" for label in DEMOGRAPHIC_FIELDS)
    return (
        '<div class="wide"><table class="fields"><thead><tr>'
        + head
        + "</tr></thead><tbody><tr>"
        + cells
        + "</tr></tbody></table></div>"
    )


def _section_html(section: Section, entries: Sequence[Mapping[str, Any]], limit: int) -> str:
    e = html.escape
    headers = section.html_headers()
    parts = [f'<section id="{e(section.anchor)}">', f"<h3>{e(section.title(len(entries)))}</h3>"]
    parts.append(f'<p class="note">{e(section.note)}</p>')
    top = '<p class="top"><a href="#summary">Back to the summary</a></p>'
    if not entries:
        parts.append('<p class="none">None.</p>')
        parts += [top, "</section>"]
        return "\n".join(parts)
    width = len(headers)
    parts.append('<div class="wide"><table>')
    parts.append("<thead><tr>" + "".join(f"<th>{e(h)}</th>" for h, _ in headers) + "</tr></thead>")
    parts.append("<tbody>")
    entry_rows = blocks(section, entries[:limit])
    for i, rows in enumerate(entry_rows):
        for row in rows:
            if "_note" in row:
                parts.append(f'<tr class="note"><td colspan="{width}">{e(str(row["_note"]))}</td></tr>')
                continue
            diff = row.get("_diff", set())
            cells = []
            for _, key in headers:
                cls = ' class="diff"' if key in diff else ""
                cells.append(f"<td{cls}>{e(cell(row, key))}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        if len(rows) > 1 and i < len(entry_rows) - 1:
            parts.append(f'<tr class="sep"><td colspan="{width}"></td></tr>')
    parts.append("</tbody>")
    parts.append("</table></div>")
    if len(entries) > limit:
        parts.append(
            f'<p class="more">Showing the first {limit:,} of {len(entries):,} entries; '
            "the data form (JSON) has them all.</p>"
        )
    parts += [top, "</section>"]
    return "\n".join(parts)
