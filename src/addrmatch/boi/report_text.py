"""The reports as plain text with aligned columns (the specification's layout)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from addrmatch.boi.report_layout import (
    DEFAULT_LIMIT,
    DEMOGRAPHIC_FIELDS,
    Section,
    blocks,
    cell,
    generated_on,
    sections_of,
    summary_lines,
    sync_line,
)

__all__ = ["to_text"]


def to_text(report: Mapping[str, Any], *, limit: int = DEFAULT_LIMIT) -> str:
    """Plain text: the summary and the first ``limit`` entries of each section.

    >>> print(to_text(dict(kind="check", title="Check Campus Data", generatedAt="2023-01-25T13:17:32",
    ...                    summary={"campusStaff": 3}, sections={})))
    Check Campus Data
    Generated on 01/25/2023 01:17:32 PM
    <BLANKLINE>
    CAMPUS DATA SUMMARY
    Campus staff: 3
    <BLANKLINE>
    CAMPUS DATA DETAILS (only the first 100 entries of each section are displayed in the report)
    <BLANKLINE>
    """
    lines = [str(report.get("title") or "Report"), f"Generated on {generated_on(report)}"]
    if sync_line(report):
        lines.append(sync_line(report))
    lines.append("")
    kind = report.get("kind")
    lines.append("STAFF SYNCHRONIZATION SUMMARY" if kind == "validation" else "CAMPUS DATA SUMMARY")
    for label, count in summary_lines(report):
        lines.append(f"{label}: {count:,}")
        if label == "Demographic differences":
            counts = report.get("summary", {}).get("demographicFieldDifferences", {})
            table = [list(DEMOGRAPHIC_FIELDS), [f"{int(counts.get(k, 0)):,}" for k in DEMOGRAPHIC_FIELDS]]
            lines += ["  " + line for line in _aligned(table)]
    lines.append("")
    heading = "STAFF SYNCHRONIZATION DETAILS" if kind == "validation" else "CAMPUS DATA DETAILS"
    lines.append(f"{heading} (only the first {limit:,} entries of each section are displayed in the report)")
    for section, entries in sections_of(report):
        lines.append("")
        lines.append(section.title(len(entries)))
        lines.append(section.note)
        if not entries:
            lines.append("None.")
            continue
        lines += _text_table(section, blocks(section, entries[:limit]))
        if len(entries) > limit:
            lines.append(f"(showing the first {limit:,} of {len(entries):,} entries)")
    lines.append("")
    return "\n".join(lines)


def _aligned(table: Sequence[Sequence[str]]) -> list[str]:
    """Rows of cells padded to their column widths (trailing blanks removed)."""
    if not table:
        return []
    width = max(len(r) for r in table)
    widths = [max((len(r[i]) if i < len(r) else 0) for r in table) for i in range(width)]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip() for r in table]


def _text_table(section: Section, entry_blocks: Sequence[Sequence[Mapping[str, Any]]]) -> list[str]:
    """A section's entries as aligned text: header, dashes, rows; "-" between
    multi-row entries (as the specification's report), notes indented."""
    header = [h for h, _ in section.headers]
    cells: list[list[str]] = [header]
    layout: list[tuple[str, Any]] = [("row", 0), ("dashes", None)]
    for i, rows in enumerate(entry_blocks):
        for row in rows:
            if "_note" in row:
                layout.append(("line", "  " + str(row["_note"])))
            else:
                layout.append(("row", len(cells)))
                cells.append([cell(row, key) for _, key in section.headers])
        if len(rows) > 1 and i < len(entry_blocks) - 1:
            layout.append(("line", "-"))
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    cells.append(["-" * w for w in widths])
    aligned = _aligned(cells)
    dashes = aligned[-1]
    out = []
    for kind, value in layout:
        if kind == "row":
            out.append(aligned[value])
        elif kind == "dashes":
            out.append(dashes)
        else:
            out.append(value)
    return out
