"""The one CSV reader of the command line (``dedupe``, ``load``, ``boi``).

Files come as people export them, so the reader

* decodes line by line (:class:`DecodedLines`), so that a byte that is not
  in the encoding is reported at *its* line, not at the start of the block
  a buffered reader happened to be decoding; an unknown encoding name is a
  clear error before anything is read;
* finds the delimiter when none is given (:func:`sniff_delimiter`): the one
  of ``,`` ``;`` tab ``|`` that the header line uses most, outside quotes;
* is strict (:class:`CSVRows`): every row must have as many fields as the
  header, because a shifted row would put the wrong text into an address;
  blank lines are skipped; each row comes with the line where it starts;
* treats the cells that spreadsheets and pandas write for "no value" --
  empty, ``NA``, ``N/A``, ``null``, ``NaN`` (any case) -- as missing
  (:func:`missing_cell`) where the caller asks for it.

>>> rows = CSVRows(["id\\taddress\\n", "1\\t12 Elm St\\n"], source="x.tsv")
>>> rows.delimiter == "\\t", list(rows)
(True, [(2, ['1', '12 Elm St'])])
"""

from __future__ import annotations

import codecs
import csv
import difflib
import itertools
import os
import sys
from collections.abc import Iterable, Iterator
from typing import BinaryIO

__all__ = [
    "DELIMITERS",
    "MISSING_CELLS",
    "CSVInputError",
    "CSVRows",
    "DecodedLines",
    "check_encoding",
    "column_index",
    "missing_cell",
    "open_lines",
    "parse_delimiter",
    "sniff_delimiter",
]

#: The delimiters :func:`sniff_delimiter` considers, in order of preference on a tie.
DELIMITERS: tuple[str, ...] = (",", "\t", ";", "|")
_DELIMITER_NAMES = {"comma": ",", "tab": "\t", "\\t": "\t", "semicolon": ";", "pipe": "|"}
#: Cells that mean "no value" (compared stripped and lower-cased).
MISSING_CELLS: frozenset[str] = frozenset({"", "na", "n/a", "null", "nan"})


class CSVInputError(ValueError):
    """The CSV input cannot be used: a missing column, a malformed row, bad
    encoding. ``line`` is the 1-based line number in the file, when known.

    >>> str(CSVInputError("expected 3 fields, found 4", source="staff.csv", line=7))
    'staff.csv, line 7: expected 3 fields, found 4'
    """

    def __init__(self, message: str, *, source: str = "", line: int | None = None) -> None:
        where = source + (f", line {line}" if line is not None else "")
        super().__init__(f"{where}: {message}" if where else message)
        self.source = source
        self.line = line


def missing_cell(cell: str) -> bool:
    """True for a cell that holds no value: empty, ``NA``, ``N/A``, ``null``, ``NaN``.

    >>> [missing_cell(c) for c in ("", " n/a ", "NaN", "NULL", "Nancy", "0")]
    [True, True, True, True, False, False]
    """
    return len(cell) <= 6 and cell.strip().lower() in MISSING_CELLS


def check_encoding(encoding: str) -> str:
    """``encoding`` if Python has a text codec by that name, else :class:`CSVInputError`.

    >>> check_encoding("latin-1")
    'latin-1'
    >>> check_encoding("nope")
    Traceback (most recent call last):
    ...
    addrmatch._csvinput.CSVInputError: unknown text encoding 'nope' (for example utf-8, latin-1, cp1252)
    """
    try:
        info = codecs.lookup(encoding)
    except (LookupError, TypeError, ValueError):
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        shown = encoding if len(encoding) <= 40 else encoding[:40] + "..."
        raise CSVInputError(f"unknown text encoding {shown!r} (for example utf-8, latin-1, cp1252)")
    return encoding


def parse_delimiter(text: str) -> str:
    """The delimiter a user typed: one character, or ``tab``, ``\\t``,
    ``comma``, ``semicolon``, ``pipe``.

    >>> [parse_delimiter(t) for t in (";", "tab", "\\\\t", "|")]
    [';', '\\t', '\\t', '|']
    """
    value = _DELIMITER_NAMES.get(text.lower(), text)
    if len(value) != 1 or value in '"\r\n' or value.isalnum():
        raise CSVInputError(f"the delimiter must be one character such as , ; | or tab, not {text[:20]!r}")
    return value


def sniff_delimiter(line: str) -> str:
    """The delimiter of a header line: the one of :data:`DELIMITERS` used
    most outside quotes (``,`` when none is).

    >>> sniff_delimiter('id;"name, full";address\\n'), sniff_delimiter("address\\n")
    (';', ',')
    """
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])  # the first of the most used
    return best if counts[best] else ","


class DecodedLines:
    """The text lines of a binary stream, decoded one line at a time.

    A byte sequence the encoding cannot read raises :class:`CSVInputError`
    naming the line it is on. ``position()`` is the number of bytes read
    (for a progress bar). Closing closes the binary stream when it is owned.

    >>> import io
    >>> lines = DecodedLines(io.BytesIO(b"a\\nb\\n\\xff\\n"), "utf-8", source="x.csv")
    >>> next(iter(lines)), next(iter(lines))
    ('a\\n', 'b\\n')
    >>> next(iter(lines))
    Traceback (most recent call last):
    ...
    addrmatch._csvinput.CSVInputError: x.csv, line 3: the file is not utf-8 text (invalid start byte); try --encoding latin-1
    """

    def __init__(self, binary: BinaryIO, encoding: str, *, source: str, owned: bool = True) -> None:
        self._binary = binary
        self._owned = owned
        self.encoding = check_encoding(encoding)
        self.source = source
        self._decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        self._read = 0
        self._iterator = self._lines()

    def position(self) -> int:
        """Bytes read so far."""
        return self._read

    def __iter__(self) -> Iterator[str]:
        return self._iterator

    def _lines(self) -> Iterator[str]:
        decode = self._decoder.decode
        done = 0  # complete lines yielded
        pending = ""  # decoded text not yet ending a line (multi-byte codecs such as utf-16)
        for chunk in itertools.chain(self._binary, (b"",)):
            self._read += len(chunk)
            try:
                text = decode(chunk, final=not chunk)
            except UnicodeDecodeError as e:
                line = done + pending.count("\n") + 1
                raise CSVInputError(
                    f"the file is not {self.encoding} text ({e.reason}); try --encoding latin-1",
                    source=self.source,
                    line=line,
                ) from None
            if not pending and text.endswith("\n") and text.count("\n") == 1:
                done += 1
                yield text  # the usual case: one binary line is one text line
                continue
            pending += text
            *complete, pending = pending.split("\n")
            for part in complete:
                done += 1
                yield part + "\n"
        if pending:
            yield pending

    def close(self) -> None:
        """Close the binary stream (when this object opened it)."""
        if self._owned:
            self._binary.close()

    def __enter__(self) -> DecodedLines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_lines(source: str | os.PathLike[str], encoding: str = "utf-8-sig") -> DecodedLines:
    """:class:`DecodedLines` of a file, or of stdin for ``"-"``. The encoding is
    checked before the file is opened.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = p.write_bytes(b"\\xef\\xbb\\xbfaddress\\n12 Elm St\\n")
    >>> with open_lines(p) as lines:
    ...     list(lines)
    ['address\\n', '12 Elm St\\n']
    """
    check_encoding(encoding)
    if os.fspath(source) == "-":
        return DecodedLines(sys.stdin.buffer, encoding, source="<stdin>", owned=False)
    binary = open(source, "rb")  # noqa: SIM115 -- closed by DecodedLines.close
    return DecodedLines(binary, encoding, source=os.fspath(source))


class CSVRows:
    """Strict row-by-row reader of CSV text with a header.

    ``lines`` is any iterable of text lines (a text file, a
    :class:`DecodedLines`, a list). ``delimiter=None`` sniffs it from the
    header line (:func:`sniff_delimiter`). Iterating yields ``(line, row)``:
    the 1-based line where the row starts and its fields. A row with the
    wrong number of fields or a CSV syntax error raises
    :class:`CSVInputError` naming the line.

    >>> import io
    >>> rows = CSVRows(io.StringIO("id,address\\n1,4321 Main St\\n\\n2,12 Elm St\\n"), source="x.csv")
    >>> rows.header
    ['id', 'address']
    >>> list(rows)
    [(2, ['1', '4321 Main St']), (4, ['2', '12 Elm St'])]
    """

    def __init__(
        self, lines: Iterable[str], *, source: str = "<input>", delimiter: str | None = None
    ) -> None:
        self.source = source
        iterator = iter(lines)
        first = next(iterator, None)
        while first is not None and not first.strip():  # blank lines before the header
            first = next(iterator, None)
        if first is None:
            raise CSVInputError("the file is empty (a header row is needed)", source=source)
        self.delimiter = delimiter if delimiter is not None else sniff_delimiter(first)
        self._reader = csv.reader(itertools.chain([first], iterator), delimiter=self.delimiter, strict=True)
        self._skipped = 0
        self._last_line = 0
        header = self._next()
        if header is None:
            raise CSVInputError("the file is empty (a header row is needed)", source=source)
        self.header: list[str] = [name.strip() for name in header[1]]
        self.header_line = header[0]

    def _next(self) -> tuple[int, list[str]] | None:
        while True:
            start = self._last_line + 1
            try:
                row = next(self._reader)
            except StopIteration:
                return None
            except csv.Error as e:
                raise CSVInputError(f"malformed CSV: {e}", source=self.source, line=start) from e
            self._last_line = self._reader.line_num
            if row:  # a blank line is no row
                return start, row

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        width = len(self.header)
        while (item := self._next()) is not None:
            line, row = item
            if len(row) != width:
                if not any(cell.strip() for cell in row):
                    continue  # a line of only delimiters (",,,") is blank too
                raise CSVInputError(
                    f"malformed row: expected {width} fields like the header, found {len(row)}"
                    f" (a stray {_name(self.delimiter)} or an unclosed quote?)",
                    source=self.source,
                    line=line,
                )
            yield item

    def index(self, name: str, *, option: str = "") -> int:
        """The position of column ``name``; a clear error (with a suggestion)
        when it is missing or appears twice. ``option`` names the command-line
        option that gave the name, for the message."""
        return column_index(self.header, name, source=self.source, option=option, delimiter=self.delimiter)


def column_index(header: list[str], name: str, *, source: str, option: str = "", delimiter: str = ",") -> int:
    """The position of column ``name`` in ``header``; :class:`CSVInputError`
    (with a suggestion) when it is missing or appears twice.

    >>> column_index(["id", "address"], "adress", source="x.csv")
    Traceback (most recent call last):
    ...
    addrmatch._csvinput.CSVInputError: x.csv: no column 'adress'. Did you mean 'address'? The header has: id, address
    """
    found = [i for i, h in enumerate(header) if h == name]
    if len(found) == 1:
        return found[0]
    if found:
        raise CSVInputError(f"column {name!r} appears {len(found)} times in the header", source=source)
    close = difflib.get_close_matches(name, header, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    columns = ", ".join(header)
    given = f" ({option})" if option else ""
    raise CSVInputError(
        f"no column {name!r}{given}.{hint} The header has: {columns}"
        + (f" (read with the delimiter {_name(delimiter)})" if len(header) == 1 else ""),
        source=source,
    )


def _name(delimiter: str) -> str:
    return {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}.get(delimiter, repr(delimiter))
