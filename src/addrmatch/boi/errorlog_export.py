"""The Business Office Error Log's exports: CSV, JSON and the specification's "Export to PDF".

The PDF is drawn with fpdf2 (pure Python, no system libraries, part of the
``addrmatch[server]`` extra): a landscape table with the specification's
five columns (Error Date, Action, Path, Error Message, Payload), the payload
masked as the log stores it. Its core fonts cover Latin-1; other characters
are shown as ``?``. Every export to a path is written to a temporary file
renamed into place, owner-only (0o600), since it holds personal data
(masked, but still names and numbers).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from addrmatch._files import write_atomically
from addrmatch.boi.errorlog import CSV_COLUMNS, write_csv
from addrmatch.boi.errors import ValidationError
from addrmatch.boi.rules import Rule

try:  # the optional PDF library (addrmatch[server])
    import fpdf
except ImportError:  # pragma: no cover - installed with the extra and in CI
    fpdf = None

__all__ = ["FORMATS", "export", "format_of", "to_pdf"]

#: The export formats, by file suffix.
FORMATS: dict[str, str] = {".csv": "csv", ".json": "json", ".pdf": "pdf"}


def format_of(dest: Any, format: str | None) -> str:
    """The export format: ``format`` if given, else the path's suffix, else CSV.

    >>> format_of("log.pdf", None), format_of("log.txt", None), format_of("x", "json")
    ('pdf', 'csv', 'json')
    """
    if format is not None:
        if format not in FORMATS.values():
            raise ValidationError(
                f"format: one of csv, json, pdf, got {format!r}"[:120],
                field="format",
                rule=Rule.TYPE,
                value=None,
            )
        return format
    if isinstance(dest, (str, os.PathLike)):
        return FORMATS.get(Path(os.fspath(dest)).suffix.lower(), "csv")
    return "csv"


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def to_pdf(rows: Sequence[Mapping[str, Any]], *, title: str = "Business Office Error Log") -> bytes:
    """The rows as a PDF document (bytes).

    >>> to_pdf([])[:5]
    b'%PDF-'
    """
    if fpdf is None:  # pragma: no cover
        raise ValidationError(
            "format: the PDF export needs fpdf2 (pip install 'addrmatch[server]')",
            field="format",
            rule=Rule.TYPE,
            value=None,
        )
    pdf = fpdf.FPDF(orientation="L", unit="mm", format="Letter")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(0, 6, f"{len(rows):,} errors", new_x="LMARGIN", new_y="NEXT")
    widths = (22, 14, 70, 85, 68)
    with pdf.table(
        col_widths=widths, text_align="LEFT", line_height=4.5, first_row_as_headings=True
    ) as table:
        header = table.row()
        for name in CSV_COLUMNS:
            header.cell(name)
        for row in rows:
            payload = "" if row["payload"] is None else json.dumps(row["payload"], ensure_ascii=False)
            cells = [row["errorDate"], row["action"], row["path"], row["message"], payload[:1500]]
            line = table.row()
            for value in cells:
                line.cell(_latin1(str(value)))
    return bytes(pdf.output())


def export(rows: Sequence[Mapping[str, Any]], dest: str | os.PathLike[str] | TextIO, format: str) -> None:
    """Write the rows to ``dest`` (a path, or an open text file for CSV/JSON) in ``format``."""
    if not isinstance(dest, (str, os.PathLike)) and not callable(getattr(dest, "write", None)):
        raise ValidationError(
            f"dest: a file path or an open text file, got {type(dest).__name__}",
            field="dest",
            rule=Rule.TYPE,
            value=None,
        )
    if format == "pdf":
        data = to_pdf(rows)
        if not isinstance(dest, (str, os.PathLike)):
            raise ValidationError(
                "dest: the PDF export writes to a file path", field="dest", rule=Rule.TYPE, value=None
            )
        with write_atomically(dest, mode=0o600) as handle:
            handle.flush()
            handle.buffer.write(data)  # type: ignore[attr-defined]  # the text stream's binary layer
        return

    def write(handle: TextIO) -> None:
        if format == "json":
            json.dump(list(rows), handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        else:
            write_csv(rows, handle)

    if isinstance(dest, (str, os.PathLike)):
        with write_atomically(dest, mode=0o600) as handle:
            write(handle)
    else:
        write(dest)
