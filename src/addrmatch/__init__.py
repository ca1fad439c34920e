"""addrmatch: every US postal address once.

Parse free-text addresses into components, put them into USPS Publication 28
canonical form, compute a match key, and find the one stored record for an
address in SQLite instead of creating a duplicate.

>>> from addrmatch import match_key
>>> match_key("4321 North Lexington Avenue, Blaine, MN 55123") == match_key("4321 N Lexington Ave., Blaine MN 55123-0001")
True

The public names are loaded on first use (PEP 562): ``import addrmatch``
costs almost nothing, so the ``addrmatch`` command can install its Ctrl-C
handler before the parser, the store and their dependencies load, and a
worker process (Spark, DuckDB) pays only for what it calls.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

# First: choose the compiled or the pure-Python hot path before any of it is
# imported (addrmatch._implementation; cheap: it imports nothing of addrmatch).
from addrmatch._implementation import IMPLEMENTATION

if TYPE_CHECKING:  # the same names, for type checkers and editors
    from addrmatch.address import Address
    from addrmatch.batch import match_keys, normalize_many
    from addrmatch.canonical import canonicalize
    from addrmatch.dedupe import dedupe_csv
    from addrmatch.errors import (
        AddressError,
        ConflictingFieldsError,
        DatabaseError,
        POBoxError,
        UnparseableAddressError,
    )
    from addrmatch.key import Explanation, FieldComparison, explain, match_key
    from addrmatch.normalize import normalize
    from addrmatch.parse import ParseResult, parse, parse_details
    from addrmatch.store import AddressStore, Candidate, Resolution

#: Where each public name lives (module under ``addrmatch``).
_HOME: dict[str, str] = {
    "Address": "address",
    "AddressError": "errors",
    "AddressStore": "store",
    "Candidate": "store",
    "ConflictingFieldsError": "errors",
    "DatabaseError": "errors",
    "Explanation": "key",
    "FieldComparison": "key",
    "POBoxError": "errors",
    "ParseResult": "parse",
    "Resolution": "store",
    "UnparseableAddressError": "errors",
    "canonicalize": "canonical",
    "dedupe_csv": "dedupe",
    "explain": "key",
    "match_key": "key",
    "match_keys": "batch",
    "normalize": "normalize",
    "normalize_many": "batch",
    "parse": "parse",
    "parse_details": "parse",
}

__all__ = [
    "IMPLEMENTATION",
    "Address",
    "AddressError",
    "AddressStore",
    "Candidate",
    "ConflictingFieldsError",
    "DatabaseError",
    "Explanation",
    "FieldComparison",
    "POBoxError",
    "ParseResult",
    "Resolution",
    "UnparseableAddressError",
    "canonicalize",
    "dedupe_csv",
    "explain",
    "match_key",
    "match_keys",
    "normalize",
    "normalize_many",
    "parse",
    "parse_details",
]

__version__ = "0.1.0"


class _Package(types.ModuleType):
    """The package module: public names load on first access. Two modules
    are named like their public function (``addrmatch.parse``,
    ``addrmatch.normalize``); when the import system records such a submodule
    on the package, the function is recorded instead, as an eager
    ``from addrmatch.parse import parse`` would leave it."""

    def __getattr__(self, name: str) -> Any:
        home = _HOME.get(name)
        if home is None:
            raise AttributeError(f"module 'addrmatch' has no attribute {name!r}")
        value = getattr(importlib.import_module(f"addrmatch.{home}"), name)
        setattr(self, name, value)  # later lookups are plain attribute reads
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _HOME.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *__all__})


sys.modules[__name__].__class__ = _Package
