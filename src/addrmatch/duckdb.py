"""addrmatch inside DuckDB: SQL functions over address text (``pip install 'addrmatch[duckdb]'``).

:func:`register` adds three vectorised (Arrow) functions to a connection:

``addr_match_key(text) -> VARCHAR``
    :func:`addrmatch.match_key` of the text; NULL when the text is NULL or
    not an address.
``addr_normalize(text) -> STRUCT(postOfficeBox BOOLEAN, number VARCHAR, ...)``
    :func:`addrmatch.normalize`: the BOI components (the names of
    ``Address.to_boi()``); NULL when the text is NULL or not an address.
``addr_error(text) -> VARCHAR``
    NULL, or why the text is not an address (the :class:`~addrmatch.AddressError`
    message). A bad address never aborts the query: it gives NULL and a reason.

DuckDB hands each function a vector of up to 2,048 values; each distinct
text is read once per vector, and a cache of :data:`CACHE_SIZE` distinct
texts per connection keeps repeated spellings cheap across vectors. The
functions call the library, so their keys are the library's keys.

>>> import duckdb
>>> con = duckdb.connect()
>>> register(con)
>>> con.execute("SELECT addr_match_key('4321 North Lexington Avenue, Blaine MN 55123') = "
...         "addr_match_key('4321 n lexington av 55123') AS same").fetchone()
(True,)
>>> con.execute("SELECT addr_normalize('12 elm street apt 4').street, addr_error('asdf') IS NOT NULL").fetchone()
('ELM', True)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

try:
    import duckdb
    import pyarrow as pa
except ImportError as e:  # pragma: no cover - the extra is not installed
    raise ImportError("addrmatch.duckdb needs DuckDB and pyarrow: pip install 'addrmatch[duckdb]'") from e

import contextlib

from addrmatch.address import BOI_FIELDS, Address
from addrmatch.errors import AddressError
from addrmatch.key import match_key
from addrmatch.normalize import normalize

__all__ = ["CACHE_SIZE", "FUNCTIONS", "NORMALIZED", "register"]

#: How many distinct texts each connection's functions remember.
CACHE_SIZE = 1 << 16
#: The functions :func:`register` adds.
FUNCTIONS: tuple[str, ...] = ("addr_match_key", "addr_normalize", "addr_error")
#: The Arrow type of ``addr_normalize``: the BOI components.
NORMALIZED = pa.struct(
    [pa.field(name, pa.bool_() if name == "postOfficeBox" else pa.string()) for name in BOI_FIELDS.values()]
)
_SQL_NORMALIZED = duckdb.struct_type(
    {
        name: duckdb.sqltype("BOOLEAN" if name == "postOfficeBox" else "VARCHAR")
        for name in BOI_FIELDS.values()
    }
)

Reading = tuple[str | None, dict[str, Any] | None, str | None]


def _reader(cache_size: int) -> Callable[[str], Reading]:
    @functools.lru_cache(maxsize=cache_size)
    def read(text: str) -> Reading:
        try:
            address: Address = normalize(text)
            return match_key(address), address.to_boi(), None
        except AddressError as e:
            return None, None, str(e) or type(e).__name__

    return read


def _vectorised(read: Callable[[str], Reading], part: int, arrow_type: pa.DataType) -> Callable[[Any], Any]:
    def function(values: Any) -> Any:
        texts = values.to_pylist()
        seen: dict[str, Any] = {}
        out = []
        for text in texts:
            if text is None:
                out.append(None)
                continue
            value = seen.get(text)
            if value is None and text not in seen:
                value = seen[text] = read(text)[part]
            out.append(value)
        return pa.array(out, type=arrow_type)

    return function


def register(con: duckdb.DuckDBPyConnection, *, cache_size: int = CACHE_SIZE) -> None:
    """Add ``addr_match_key``, ``addr_normalize`` and ``addr_error`` to ``con``
    (see the module docstring). Calling it again on the same connection
    replaces them.

    >>> import duckdb
    >>> con = duckdb.connect()
    >>> register(con)
    >>> con.execute("SELECT addr_match_key(a) FROM (VALUES ('12 Elm St'), (NULL), ('asdf')) t(a)").fetchall()
    [('S|12||ELM|ST|||C,',), (None,), (None,)]
    """
    read = _reader(cache_size)
    varchar = duckdb.sqltype("VARCHAR")
    for name, part, arrow_type, sql_type in (
        ("addr_match_key", 0, pa.string(), varchar),
        ("addr_normalize", 1, NORMALIZED, _SQL_NORMALIZED),
        ("addr_error", 2, pa.string(), varchar),
    ):
        with contextlib.suppress(duckdb.InvalidInputException, duckdb.CatalogException):
            con.remove_function(name)
        con.create_function(
            name,
            _vectorised(read, part, arrow_type),
            [varchar],
            sql_type,
            type="arrow",
            null_handling="special",
            side_effects=False,
        )
