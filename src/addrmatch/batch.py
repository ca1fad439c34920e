"""Batch forms of :func:`~addrmatch.match_key` and :func:`~addrmatch.normalize`
for columns of data: a list, a pandas Series, a DataFrame column.

* A missing value (``None``, ``NaN``, ``pandas.NA``: :func:`addrmatch.inputs.is_missing`)
  gives ``None``: a blank cell is not an error. In a BOI mapping (a
  DataFrame row as a dict), a missing field is left out: a NaN city is no
  city, not "must be text, got float".
* ``errors="raise"`` (default): the first value that is not an address raises
  its :class:`~addrmatch.AddressError`, with the position in the message and
  in ``error.index``. ``errors="null"``: it gives ``None`` and the batch goes on.
* Each distinct spelling is read once per call: a cache of up to
  :data:`CACHE_SIZE` distinct texts (or :class:`~addrmatch.Address` values)
  keeps a column of repeated addresses fast.

The results are exactly those of the single-value functions.

>>> match_keys(["12 Elm Street", None, "12 ELM ST.", float("nan")])
['S|12||ELM|ST|||C,', None, 'S|12||ELM|ST|||C,', None]
>>> match_keys(["12 Elm St", "asdf"], errors="null")
['S|12||ELM|ST|||C,', None]
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, TypeVar

from addrmatch.address import Address
from addrmatch.errors import AddressError
from addrmatch.inputs import is_missing, preview
from addrmatch.key import match_key
from addrmatch.normalize import normalize

__all__ = ["CACHE_SIZE", "match_keys", "normalize_many"]

#: How many distinct spellings one call remembers.
CACHE_SIZE = 1 << 16

Errors = Literal["raise", "null"]
T = TypeVar("T")


def match_keys(values: Iterable[Any], *, errors: Errors = "raise") -> list[str | None]:
    """The :func:`~addrmatch.match_key` of each value (text, :class:`~addrmatch.Address`
    or BOI mapping); ``None`` for a missing value, and with ``errors="null"``
    for a value that is not an address.

    >>> import addrmatch
    >>> keys = addrmatch.match_keys(["4321 North Lexington Avenue, Blaine MN 55123", "4321 n lexington av 55123"])
    >>> keys[0] == keys[1]
    True
    >>> try:
    ...     addrmatch.match_keys(["12 Elm St", ""])
    ... except addrmatch.AddressError as e:
    ...     (e.index, str(e)[:9])
    (1, 'values[1]')
    """
    return _map(match_key, values, errors)


def normalize_many(values: Iterable[Any], *, errors: Errors = "raise") -> list[Address | None]:
    """The :func:`~addrmatch.normalize` of each value; ``None`` for a missing
    value, and with ``errors="null"`` for a value that is not an address.

    >>> [a.street if a else None for a in normalize_many(["12 elm street", None, "asdf"], errors="null")]
    ['ELM', None, None]
    >>> normalize_many([{"fullStreetAddress": "12 Elm St", "city": float("nan"), "zip": "55123"}])[0].zip
    '55123'

    """
    return _map(normalize, values, errors)


def _map(function: Callable[[Any], T], values: Iterable[Any], errors: Errors) -> list[T | None]:
    if not isinstance(errors, str) or errors not in ("raise", "null"):
        raise AddressError(
            f"errors: must be 'raise' or 'null', not {preview(errors)}", fields=("errors",), rule="choice"
        )
    if isinstance(values, (str, bytes, bytearray)) or not isinstance(values, Iterable):
        what = "one text (use match_key/normalize)" if isinstance(values, str) else type(values).__name__
        raise AddressError(
            f"values: must be an iterable of addresses, not {what}", fields=("values",), rule="type"
        )

    @functools.lru_cache(maxsize=CACHE_SIZE)
    def cached(value: str | Address) -> T | AddressError:
        try:
            return function(value)
        except AddressError as e:
            return e

    out: list[T | None] = []
    for index, value in enumerate(values):
        if is_missing(value):
            out.append(None)
            continue
        if isinstance(value, (str, Address)):
            result = cached(value)
        elif isinstance(value, Mapping):
            result = _call(function, {k: v for k, v in value.items() if not is_missing(v)})
        else:
            result = _call(function, value)
        if isinstance(result, AddressError):
            if errors == "raise":
                raise _at(result, index) from result
            out.append(None)
        else:
            out.append(result)
    return out


def _call(function: Callable[[Any], T], value: Any) -> T | AddressError:
    try:
        return function(value)
    except AddressError as e:
        return e


def _at(error: AddressError, index: int) -> AddressError:
    """The same error class, fields and rule, its message prefixed with the position."""
    try:
        located = type(error)(f"values[{index}]: {error}")
    except TypeError:  # an error class with another constructor
        located = AddressError(f"values[{index}]: {error}")
    located.fields = error.fields
    located.rule = error.rule
    located.index = index  # type: ignore[attr-defined]
    return located
