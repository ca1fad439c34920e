"""``addrmatch dedupe --engine duckdb``: the dedupe of a file of any size, on DuckDB.

The same columns as the plain dedupe (:data:`~addrmatch.dedupe.ADDED_COLUMNS`),
computed so that the work grows with the number of *distinct spellings*,
not of rows, and runs out of core:

1. DuckDB reads the input (CSV or Parquet) into a work database in a private
   temporary folder, keeping the row order (``rowid``), spilling to disk
   beyond its memory limit;
2. ``GROUP BY`` the address cells gives each distinct spelling once, with
   its first row and its row count;
3. the spellings are read by the library (:func:`addrmatch._spellings.analyse_spellings`,
   the plain dedupe's own analyser) in batches spread over worker processes
   -- reading holds the GIL, so processes are what uses the cores -- and
   the results go back into DuckDB;
4. the keys are numbered in order of first appearance (the plain dedupe's
   ``address_id``), optionally joined by the partial tier (``partial=True``,
   below), and joined back to the rows, which are written in input order
   (CSV, or Parquet when the output name ends in ``.parquet``): only the
   added columns are sorted by row number, then set beside the input rows
   by position, so no step sorts or holds whole rows (see :func:`_write_rows`).

**The partial tier** (``--partial``): an address that lacks a ZIP or a
suffix joins the one full address (ZIP and suffix) it fits -- equal keys
with the missing part left out on both sides, the place then given by city
and state (:func:`addrmatch._spellings.partial_keys`) -- and never when two
full addresses fit. Such rows get the full address's ``address_id`` and
``address_tier = 'partial'`` (a column added only with ``--partial``); the
other rows an empty ``address_tier``. This is the store's partial rule for
a missing ZIP or suffix, as SQL equi-joins; the store's other readings (a
suffix that was a name word, words read with another split) are not applied.

Line numbers in the summary count one line per row after the header (a CSV
whose quoted cells hold line breaks shifts them).
"""

from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import logging
import multiprocessing
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    import duckdb
    import pyarrow as pa
except ImportError as e:  # pragma: no cover - the extra is not installed
    raise ImportError("--engine duckdb needs DuckDB and pyarrow: pip install 'addrmatch[duckdb]'") from e

from addrmatch._csvinput import CSVInputError, open_lines, sniff_delimiter
from addrmatch._spellings import PARTIAL_FIELDS, RESULT_FIELDS, analyse_spellings
from addrmatch.dedupe import ADDED_COLUMNS, TIER_COLUMN, AddressColumns, DedupeSummary, Group

__all__ = ["DUCKDB_ENCODINGS", "TIER_COLUMN", "dedupe_duckdb", "is_parquet"]

#: The input encodings DuckDB's CSV reader knows (``--encoding`` names that map to them).
DUCKDB_ENCODINGS: dict[str, str] = {
    "utf-8-sig": "utf-8",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "latin-1": "latin-1",
    "latin1": "latin-1",
    "iso-8859-1": "latin-1",
    "utf-16": "utf-16",
}
_LOG = logging.getLogger("addrmatch.dedupe")
_BATCH = 10_000


def is_parquet(path: str | os.PathLike[str]) -> bool:
    """True for a file name ending in ``.parquet`` or ``.pq``.

    >>> is_parquet("rows.parquet"), is_parquet("rows.csv")
    (True, False)
    """
    return Path(path).suffix.lower() in (".parquet", ".pq")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _s(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@contextlib.contextmanager
def _replaced_whole(target: Path) -> Iterator[Path]:
    """A temporary owner-only file next to ``target`` for DuckDB to write,
    renamed onto ``target`` on success, removed on failure."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(name)
        os.chmod(name, 0o600)  # DuckDB rewrites the file; keep it owner-only whatever it did
        os.replace(name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


def _read_input(con: duckdb.DuckDBPyConnection, path: str, *, delimiter: str | None, encoding: str) -> str:
    """Load the input into the table ``src``; the delimiter used (CSV) or ''."""
    if is_parquet(path):
        con.execute(f"CREATE TABLE src AS SELECT * FROM read_parquet({_s(path)})")
        return ""
    duck_encoding = DUCKDB_ENCODINGS.get(encoding.lower().replace("_", "-"))
    if duck_encoding is None:
        raise CSVInputError(
            f"--engine duckdb reads {', '.join(sorted(set(DUCKDB_ENCODINGS.values())))} text, not {encoding!r};"
            " use --engine python for other encodings"
        )
    if delimiter is None:
        with open_lines(path, encoding) as lines:
            first = next((line for line in lines if line.strip()), None)
        if first is None:
            raise CSVInputError("the file is empty (a header row is needed)", source=path)
        delimiter = sniff_delimiter(first)
    try:
        con.execute(
            "CREATE TABLE src AS SELECT * FROM read_csv("
            f"{_s(path)}, header = true, all_varchar = true, delim = {_s(delimiter)}, quote = '\"',"
            f" escape = '\"', encoding = {_s(duck_encoding)}, normalize_names = false, null_padding = false,"
            " strict_mode = true, parallel = true)"
        )
    except duckdb.Error as e:
        raise CSVInputError(f"DuckDB cannot read the CSV: {str(e).splitlines()[0]}", source=path) from None
    return delimiter


def _spelling_batches(con: duckdb.DuckDBPyConnection) -> Iterator[tuple[list[int], list[tuple[str, ...]]]]:
    reader = con.cursor().sql("SELECT sid, c0, c1, c2, c3, c4, c5 FROM spell").to_arrow_reader(_BATCH)
    for batch in reader:
        data = batch.to_pydict()
        cells = list(zip(*(data[f"c{i}"] for i in range(6)), strict=True))
        yield data["sid"], cells


def _parse_spellings(
    con: duckdb.DuckDBPyConnection, columns: AddressColumns, *, partial: bool, workers: int
) -> int:
    """Read every distinct spelling with the library; results into ``parsed``. The number read."""
    fields = (*RESULT_FIELDS, *(PARTIAL_FIELDS if partial else ()))
    types = {"has_zip": "BOOLEAN", "has_tag": "BOOLEAN"}
    con.execute(
        "CREATE TABLE parsed (sid BIGINT, "
        + ", ".join(f"{f} {types.get(f, 'VARCHAR')}" for f in fields)
        + ")"
    )
    schema = pa.schema(
        [pa.field("sid", pa.int64())]
        + [pa.field(f, pa.bool_() if f in types else pa.string()) for f in fields]
    )
    done = 0

    def store(sids: list[int], results: list[tuple[object, ...]]) -> None:
        nonlocal done
        table = pa.Table.from_arrays(
            [pa.array(sids, pa.int64()), *(pa.array(list(c), schema.field(i + 1).type) for i, c in
                                           enumerate(zip(*results, strict=True)))],
            schema=schema,
        )  # fmt: skip
        con.register("parsed_batch", table)
        con.execute("INSERT INTO parsed SELECT * FROM parsed_batch")
        con.unregister("parsed_batch")
        done += len(sids)

    if workers <= 1:
        for sids, cells in _spelling_batches(con):
            store(sids, analyse_spellings(columns, cells, partial=partial))
        return done
    context = multiprocessing.get_context("spawn")  # no fork of a process running DuckDB's threads
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: collections.deque[tuple[list[int], concurrent.futures.Future[list[tuple[object, ...]]]]]
        pending = collections.deque()
        for sids, cells in _spelling_batches(con):
            pending.append((sids, pool.submit(analyse_spellings, columns, cells, partial=partial)))
            while len(pending) > 2 * workers:
                ready_sids, future = pending.popleft()
                store(ready_sids, future.result())
        while pending:
            ready_sids, future = pending.popleft()
            store(ready_sids, future.result())
    return done


_PARTIAL_SQL = """
CREATE TABLE partial_join AS
WITH full_ AS (SELECT * FROM grp WHERE has_zip AND has_tag),
part AS (SELECT * FROM grp WHERE NOT (has_zip AND has_tag)),
cand AS (
    SELECT p.match_key AS pkey, f.match_key AS fkey FROM part p JOIN full_ f ON p.key_no_zip = f.key_no_zip
    WHERE NOT p.has_zip AND p.has_tag
    UNION
    SELECT p.match_key, f.match_key FROM part p JOIN full_ f ON p.key_no_tag = f.key_no_tag
    WHERE p.has_zip AND NOT p.has_tag
    UNION
    SELECT p.match_key, f.match_key FROM part p JOIN full_ f ON p.key_no_zip_tag = f.key_no_zip_tag
    WHERE NOT p.has_zip AND NOT p.has_tag
)
SELECT pkey, min(fkey) AS fkey FROM cand GROUP BY pkey HAVING count(DISTINCT fkey) = 1
"""


def dedupe_duckdb(
    input_path: str | os.PathLike[str],
    output_path: str | os.PathLike[str] | None,
    columns: AddressColumns,
    *,
    encoding: str = "utf-8-sig",
    delimiter: str | None = None,
    workers: int | None = None,
    partial: bool = False,
    top: int = 10,
    memory_limit: str = "200MB",
    note: Callable[[str], None] | None = None,
) -> DedupeSummary:
    """Dedupe ``input_path`` (CSV, or Parquet by its name) into ``output_path``
    (CSV with the input's delimiter, or Parquet by its name; None: only the
    summary) on DuckDB (see the module docstring). ``workers`` processes read
    the distinct spellings (default: one per core). The output is written
    whole or not at all, owner-only. ``memory_limit`` caps DuckDB's own
    memory (past it, it spills to the private work folder): with 200 MB the
    whole run, worker processes included, stays under 500 MB on 10M rows
    (``bench_results/scale.md``).

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "in.csv").write_text("address,zip\\n12 Elm Street,55123\\n12 ELM ST.,55123-0001\\n12 Elm,55123\\n")
    >>> s = dedupe_duckdb(d / "in.csv", d / "out.csv", AddressColumns("address", zip="zip"), workers=1, partial=True)
    >>> (s.rows, s.distinct_addresses), (d / "out.csv").read_text().splitlines()[3].split(",")[-1]
    ((3, 1), 'partial')
    """
    source = os.fspath(input_path)
    if not os.path.isfile(source):
        raise FileNotFoundError(2, "No such file", source)
    target = None if output_path is None else Path(output_path)
    if target is not None and target.exists() and os.path.samefile(source, target):
        raise CSVInputError("the output is the input file; choose another output", source=source)
    workers = max(1, workers if workers is not None else (os.cpu_count() or 1))
    say = note or (lambda _message: None)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="addrmatch-duckdb-") as work:
        con = duckdb.connect(os.path.join(work, "work.duckdb"))
        try:
            con.execute(f"SET memory_limit = {_s(memory_limit)}")
            con.execute(f"SET temp_directory = {_s(os.path.join(work, 'spill'))}")
            con.execute("SET preserve_insertion_order = true")
            con.execute("SET enable_progress_bar = false")  # the command line draws its own
            input_delimiter = _read_input(con, source, delimiter=delimiter, encoding=encoding)
            header = [d[0] for d in con.execute("SELECT * FROM src LIMIT 0").description]
            clash = [name for name in (*ADDED_COLUMNS, TIER_COLUMN) if name in header]
            if clash:
                raise CSVInputError(
                    f"the input already has the column(s) {', '.join(clash)} that dedupe adds;"
                    " rename or drop them first (is this a dedupe output?)",
                    source=source,
                )
            used = columns.indexes_in(header, source=source, delimiter=input_delimiter or ",")
            cells = ["''" if i is None else f"coalesce(CAST({_q(header[i])} AS VARCHAR), '')" for i in used]
            say(f"read {source} into DuckDB in {time.perf_counter() - started:.1f} s")
            con.execute(
                "CREATE TABLE spell AS SELECT row_number() OVER () AS sid, * FROM ("
                + "SELECT "
                + ", ".join(f"{c} AS c{i}" for i, c in enumerate(cells))
                + ", min(rowid) AS first_row, count(*) AS n FROM src GROUP BY ALL)"
            )
            clock = time.perf_counter()
            spellings = _parse_spellings(con, columns, partial=partial, workers=workers)
            _LOG.info(
                "%d distinct spellings read by %d worker process(es) in %.3f s",
                spellings,
                workers,
                time.perf_counter() - clock,
            )
            extra = ", arg_min(has_zip, s.first_row) AS has_zip, arg_min(has_tag, s.first_row) AS has_tag," \
                " arg_min(key_no_zip, s.first_row) AS key_no_zip, arg_min(key_no_tag, s.first_row) AS key_no_tag," \
                " arg_min(key_no_zip_tag, s.first_row) AS key_no_zip_tag" if partial else ""  # fmt: skip
            con.execute(
                "CREATE TABLE grp AS SELECT p.match_key, min(s.first_row) AS first_row, sum(s.n) AS rows,"
                f" arg_min(p.address, s.first_row) AS address{extra}"
                " FROM spell s JOIN parsed p USING (sid) WHERE p.match_key IS NOT NULL GROUP BY p.match_key"
            )
            if partial:
                con.execute(_PARTIAL_SQL)
            else:
                con.execute("CREATE TABLE partial_join (pkey VARCHAR, fkey VARCHAR)")
            con.execute(
                "CREATE TABLE fin AS SELECT g.match_key, coalesce(j.fkey, g.match_key) AS target,"
                " j.fkey IS NOT NULL AS joined FROM grp g LEFT JOIN partial_join j ON j.pkey = g.match_key"
            )
            con.execute(
                "CREATE TABLE ids AS SELECT f.target, row_number() OVER (ORDER BY min(g.first_row)) AS address_id,"
                " sum(g.rows) AS rows FROM fin f JOIN grp g USING (match_key) GROUP BY f.target"
            )
            joined = con.execute("SELECT count(*) FROM fin WHERE joined").fetchone()[0]  # type: ignore[index]
            if partial:
                _LOG.info("partial tier: %d addresses joined the one full address they fit", joined)
            # Each row's spelling: a join on the address cells, narrow (row number, spelling id).
            con.execute(
                "CREATE TABLE rs AS SELECT src.rowid AS r, s.sid FROM src JOIN spell s ON "
                + " AND ".join(f"s.c{i} = {c}" for i, c in enumerate(cells))
            )
            if target is not None:
                clock = time.perf_counter()
                _write_rows(con, target, partial=partial, delimiter=input_delimiter or ",")
                _LOG.info("wrote %s in %.3f s", target, time.perf_counter() - clock)
            summary = _summary(con, top=top)
        finally:
            con.close()
    _LOG.info("dedupe on DuckDB: %d rows in %.3f s", summary.rows, time.perf_counter() - started)
    if target is not None:
        summary.output = os.fspath(target)
    return summary


def _write_rows(con: duckdb.DuckDBPyConnection, target: Path, *, partial: bool, delimiter: str) -> None:
    """Write the input's rows, in input order, with the added columns.

    The added columns are computed per spelling (``per_sid``), given to each
    row and sorted by row number (``added``: the sort carries only the added
    columns, not the input's), then set beside the input rows by position
    (``POSITIONAL JOIN``: two scans in insertion order, streamed to the file),
    so no step holds or sorts whole rows.
    """
    tier = f", CASE WHEN f.joined THEN 'partial' ELSE NULL END AS {TIER_COLUMN}" if partial else ""
    con.execute(
        "CREATE TABLE per_sid AS SELECT p.sid, i.address_id, p.match_key, p.canonical_address,"
        f" p.canonical_city, p.canonical_state, p.canonical_zip, p.address_error{tier}"
        " FROM parsed p LEFT JOIN fin f ON f.match_key = p.match_key LEFT JOIN ids i ON i.target = f.target"
    )
    con.execute(
        "CREATE TABLE added AS SELECT x.* EXCLUDE (sid) FROM rs JOIN per_sid x USING (sid) ORDER BY rs.r"
    )
    counts = con.execute("SELECT (SELECT count(*) FROM src), (SELECT count(*) FROM added)").fetchone()
    if counts is None or counts[0] != counts[1]:  # pragma: no cover - every row has exactly one spelling
        raise RuntimeError(f"dedupe on DuckDB: {counts} rows and results differ; nothing written")
    names = ", ".join(f"a.{_q(n)}" for n in (*ADDED_COLUMNS, *((TIER_COLUMN,) if partial else ())))
    if is_parquet(target):
        options = "FORMAT PARQUET"
    else:
        options = f"FORMAT CSV, HEADER true, DELIMITER {_s(delimiter)}"
    with _replaced_whole(target) as temporary:
        con.execute(
            f"COPY (SELECT src.*, {names} FROM src POSITIONAL JOIN added a) TO {_s(os.fspath(temporary))} ({options})"
        )


def _summary(con: duckdb.DuckDBPyConnection, *, top: int) -> DedupeSummary:
    def one(sql: str) -> int:
        value = con.execute(sql).fetchone()
        return int(value[0] or 0) if value else 0

    summary = DedupeSummary(
        rows=one("SELECT count(*) FROM src"),
        distinct_addresses=one("SELECT count(*) FROM ids"),
        address_errors=one(
            "SELECT sum(s.n) FROM spell s JOIN parsed p USING (sid) WHERE p.address_error IS NOT NULL"
        ),
    )
    if top > 0:
        summary.largest_groups = [
            Group(int(i), int(n), str(address))
            for i, n, address in con.execute(
                "SELECT i.address_id, i.rows, g.address FROM ids i JOIN grp g ON g.match_key = i.target"
                f" WHERE i.rows > 1 ORDER BY i.rows DESC, i.address_id LIMIT {int(top)}"
            ).fetchall()
        ]
    if summary.address_errors:
        summary.first_errors = [
            (int(row) + 2, str(message))
            for row, message in con.execute(
                "SELECT rs.r, p.address_error FROM rs JOIN parsed p USING (sid)"
                " WHERE p.address_error IS NOT NULL ORDER BY rs.r LIMIT 5"
            ).fetchall()
        ]
    return summary
