"""The HTML report of a dedupe run (``addrmatch dedupe ... --html report.html``).

One static page: no script, no font or style sheet from the network, so it
opens from a file anywhere and prints as it shows. In order:

1. the summary (rows, distinct addresses, duplicate rows, address errors),
   each number a link to the section that lists it, and a table of contents;
2. a chart of group sizes (how many addresses are written in 1, 2, 3...
   rows), and, with a source column (``--source-column``), a chart of where
   the duplicates come from: per source, its rows that share their address
   with another row;
3. every group with more than one row: its canonical address, match key and
   each spelling with its row count and line numbers; then the addresses
   seen once, one line each;
4. every row whose address could not be read, with the reason.

The charts are bars drawn with CSS widths inside tables, so they print and
read without images. Long values wrap, so the page never scrolls sideways.
The page holds the addresses of the input: write it owner-only.
"""

from __future__ import annotations

import datetime
import html
from collections import Counter
from collections.abc import Iterable, Sequence

from addrmatch.dedupe import DedupeDetails, DedupeSummary, GroupDetail, one_line

__all__ = ["SIZE_BUCKETS", "line_ranges", "render_html"]

#: The group-size buckets of the chart: (label, smallest, largest).
SIZE_BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("1 row", 1, 1),
    ("2 rows", 2, 2),
    ("3 rows", 3, 3),
    ("4 rows", 4, 4),
    ("5-9 rows", 5, 9),
    ("10-49 rows", 10, 49),
    ("50+ rows", 50, 1 << 62),
)

_CSS = """
:root { --ink: #1b1f24; --muted: #57606a; --rule: #d0d7de; --bar: #3b6ea5; --bar2: #c2722b; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); margin: 0 auto; padding: 1.5rem; max-width: 72rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 0 0 .3rem; overflow-wrap: anywhere; }
p.meta, .muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { text-align: left; vertical-align: top; padding: .25rem .5rem; border-bottom: 1px solid var(--rule);
         overflow-wrap: anywhere; word-break: break-word; }
th { background: var(--bg); font-weight: 600; }
td.n, th.n { text-align: right; width: 7rem; font-variant-numeric: tabular-nums; }
dl.summary { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .75rem; margin: 1rem 0; }
dl.summary div { background: var(--bg); border: 1px solid var(--rule); border-radius: 6px; padding: .6rem .8rem; }
dl.summary dt { color: var(--muted); font-size: .85rem; }
dl.summary dd { margin: 0; font-size: 1.6rem; font-weight: 600; font-variant-numeric: tabular-nums; }
dl.summary a { color: inherit; text-decoration: none; }
dl.summary a:hover { text-decoration: underline; }
nav ol { margin: .25rem 0 0 1.2rem; padding: 0; columns: 2; }
.bar { display: inline-block; height: .8rem; background: var(--bar); vertical-align: middle; min-width: 1px;
       print-color-adjust: exact; -webkit-print-color-adjust: exact; }
.bar.dup { background: var(--bar2); }
td.chart { width: 45%; }
section.group { border: 1px solid var(--rule); border-radius: 6px; padding: .6rem .8rem; margin: .6rem 0;
                break-inside: avoid; }
code { font-size: .85rem; overflow-wrap: anywhere; }
.key { color: var(--muted); font-size: .85rem; }
@media print {
  body { padding: 0; max-width: none; font-size: 11pt; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
  tr { break-inside: avoid; }
}
"""


def line_ranges(lines: Iterable[int]) -> str:
    """Line numbers as short ranges.

    >>> line_ranges([2, 3, 4, 7, 9, 10])
    '2-4, 7, 9-10'
    """
    out: list[str] = []
    start = prev = None
    for n in sorted(lines):
        if prev is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            out.append(f"{start}-{prev}" if prev != start else f"{start}")
        start = prev = n
    if start is not None:
        out.append(f"{start}-{prev}" if prev != start else f"{start}")
    return ", ".join(out)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _bar_rows(rows: Sequence[tuple[str, int, int]], total_label: str) -> str:
    """Table rows of a bar chart: (label, value, second value shown as an orange bar)."""
    top = max((value for _, value, _ in rows), default=0) or 1
    out = []
    for label, value, dup in rows:
        width = 100 * value / top
        dup_width = 100 * dup / top
        bars = f'<span class="bar" style="width:{width - dup_width:.2f}%"></span>'
        if dup:
            bars += f'<span class="bar dup" style="width:{dup_width:.2f}%"></span>'
        out.append(f'<tr><td>{_e(label)}</td><td class="n">{value:,}</td><td class="chart">{bars}</td></tr>')
    return "".join(out)


def _sizes(groups: Sequence[GroupDetail]) -> list[tuple[str, int, int]]:
    counts = Counter()
    rows = Counter()
    for g in groups:
        for label, low, high in SIZE_BUCKETS:
            if low <= g.rows <= high:
                counts[label] += 1
                rows[label] += g.rows
                break
    return [(label, counts[label], 0) for label, _, _ in SIZE_BUCKETS if counts[label] or label == "1 row"]


def _sources(details: DedupeDetails) -> tuple[list[tuple[str, int, int]], int]:
    """Per source: rows, rows whose address has another row; and the groups
    that span several sources."""
    shared = Counter()
    spanning = 0
    for g in details.groups:
        if g.rows > 1:
            for source, n in g.sources.items():
                shared[source] += n
        if len(g.sources) > 1:
            spanning += 1
    ordered = sorted(details.rows_by_source.items(), key=lambda item: (-item[1], item[0]))
    return [(source, n, shared[source]) for source, n in ordered], spanning


def _group_html(g: GroupDetail) -> str:
    spellings = sorted(g.spellings.items(), key=lambda item: (-len(item[1]), item[1][0]))
    rows = "".join(
        f'<tr><td>{_e(text)}</td><td class="n">{len(lines):,}</td><td>{_e(line_ranges(lines))}</td></tr>'
        for text, lines in spellings
    )
    sources = ""
    if g.sources:
        listed = ", ".join(f"{_e(s)} ({n:,})" for s, n in sorted(g.sources.items()))
        sources = f'<p class="muted">sources: {listed}</p>'
    return (
        f'<section class="group" id="a{g.address_id}">'
        f'<h3>#{g.address_id} {_e(one_line(g.address))} <span class="muted">({g.rows:,} rows,'
        f" {len(g.spellings):,} spelling{'' if len(g.spellings) == 1 else 's'})</span></h3>"
        f'<p class="key">match key <code>{_e(g.match_key)}</code></p>{sources}'
        '<table><thead><tr><th>as written</th><th class="n">rows</th><th>lines</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )


def render_html(
    summary: DedupeSummary,
    details: DedupeDetails,
    *,
    source: str,
    generated: datetime.datetime | None = None,
    version: str = "",
) -> str:
    """The report page as text (see the module docstring).

    >>> import io
    >>> from addrmatch.dedupe import AddressColumns, DedupeDetails, dedupe_stream
    >>> details = DedupeDetails()
    >>> text = "address\\n12 Elm Street\\n12 ELM ST.\\nasdf\\n"
    >>> summary = dedupe_stream(io.StringIO(text), io.StringIO(), AddressColumns("address"), details=details)
    >>> page = render_html(summary, details, source="in.csv")
    >>> '<a href="#groups">1</a>' in page, "12 ELM ST." in page, "<script" in page
    (True, True, False)
    """
    when = (generated or datetime.datetime.now()).strftime("%Y-%m-%d %H:%M")
    multi = [g for g in details.groups if g.rows > 1]
    single = [g for g in details.groups if g.rows == 1]
    contents = [("summary", "Summary"), ("sizes", "Group sizes")]
    source_rows, spanning = _sources(details) if details.source_column else ([], 0)
    if details.source_column:
        contents.append(("sources", "Where the duplicates come from"))
    contents += [
        ("groups", f"Addresses written in several rows ({len(multi):,})"),
        ("single", f"Addresses written once ({len(single):,})"),
        ("errors", f"Address errors ({summary.address_errors:,})"),
    ]
    cards = [
        ("rows", "rows", summary.rows, "sizes"),
        ("distinct", "distinct addresses", summary.distinct_addresses, "sizes"),
        ("several", "addresses written in several rows", len(multi), "groups"),
        ("duplicates", "duplicate rows", summary.duplicate_rows, "groups"),
        ("errors", "address errors", summary.address_errors, "errors"),
    ]
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Address dedupe: {_e(source)}</title><style>{_CSS}</style></head><body>",
        f"<header><h1>Address dedupe: {_e(source)}</h1>",
        f'<p class="meta">{summary.rows:,} rows, generated {_e(when)}'
        + (f" by addrmatch {_e(version)}" if version else "")
        + ". This page holds the addresses of the input file: share it as you would the file.</p></header>",
        '<section id="summary"><h2>Summary</h2><dl class="summary">',
        *(
            f'<div id="count-{cid}"><dt>{_e(label)}</dt><dd><a href="#{target}">{value:,}</a></dd></div>'
            for cid, label, value, target in cards
        ),
        "</dl>",
        '<nav id="contents" aria-label="Contents"><strong>Contents</strong><ol>',
        *(f'<li><a href="#{sid}">{_e(title)}</a></li>' for sid, title in contents),
        "</ol></nav></section>",
        '<section id="sizes"><h2>Group sizes</h2>',
        '<p class="muted">How many distinct addresses are written in how many rows.</p>',
        '<table><thead><tr><th>rows per address</th><th class="n">addresses</th><th class="chart"></th></tr>'
        f"</thead><tbody>{_bar_rows(_sizes(details.groups), 'addresses')}</tbody></table></section>",
    ]
    if details.source_column:
        parts += [
            f'<section id="sources"><h2>Where the duplicates come from</h2><p class="muted">Rows per value of'
            f" the column <code>{_e(details.source_column)}</code>; the orange part of a bar is the rows whose"
            f" address is written in another row too. {spanning:,} address{'' if spanning == 1 else 'es'}"
            " appear in more than one source.</p>",
            '<table><thead><tr><th>source</th><th class="n">rows</th><th class="chart"></th></tr></thead>'
            f"<tbody>{_bar_rows(source_rows, 'rows')}</tbody></table></section>",
        ]
    parts.append(f'<section id="groups"><h2>Addresses written in several rows ({len(multi):,})</h2>')
    multi.sort(key=lambda g: (-g.rows, g.address_id))
    parts += [_group_html(g) for g in multi] or ['<p class="muted">None: every address is written once.</p>']
    parts.append("</section>")
    parts.append(f'<section id="single"><h2>Addresses written once ({len(single):,})</h2>')
    if single:
        parts.append(
            '<table><thead><tr><th class="n">id</th><th>canonical address</th><th>as written</th>'
            '<th class="n">line</th></tr></thead><tbody>'
        )
        for g in single:
            ((written, lines),) = g.spellings.items()
            parts.append(
                f'<tr id="a{g.address_id}"><td class="n">{g.address_id}</td><td>{_e(one_line(g.address))}</td>'
                f'<td>{_e(written)}</td><td class="n">{lines[0]}</td></tr>'
            )
        parts.append("</tbody></table>")
    parts.append("</section>")
    parts.append(f'<section id="errors"><h2>Address errors ({summary.address_errors:,})</h2>')
    if details.errors:
        parts.append(
            '<table><thead><tr><th class="n">line</th><th>as written</th><th>why it could not be read</th>'
            "</tr></thead><tbody>"
        )
        parts += [
            f'<tr><td class="n">{line}</td><td>{_e(written) or "<em>(empty)</em>"}</td><td>{_e(message)}</td></tr>'
            for line, written, message in details.errors
        ]
        parts.append("</tbody></table>")
    else:
        parts.append('<p class="muted">None: every address could be read.</p>')
    parts.append("</section></body></html>\n")
    return "\n".join(parts)
