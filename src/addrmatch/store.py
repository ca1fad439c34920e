"""``AddressStore``: every address once, in an ordinary SQLite file.

:meth:`AddressStore.resolve` finds the stored row for an address or creates
it, in tiers (the specification's, plus one):

1. **exact**: the canonical components *as given* (not re-split) have the
   match key of a stored row.
2. **reparse**: the street parts are joined into one line
   (:meth:`Address.street_line`), parsed again, canonicalized with the place
   fields, and that key matches. This tier applies to components (a BOI
   mapping without ``fullStreetAddress``, or an ``Address``): text is already
   a parse made with its whole context (city, ZIP), which a parse of the
   street line alone would lose.
3. **partial** (beyond the specification): one side lacks a part the other
   has (no ZIP, no city, no suffix), and exactly one stored address agrees
   on every part both sides have, with the place still agreeing: the same
   ZIP5 when both have one, else the same city and state. Never merged: a
   different house number, unit, directional, suffix type or ZIP, and a unit
   or a directional on one side only ("12 Main St" is not "12 Main St Apt 4",
   "12 N Main St" may not be "12 S Main St"). Rows are fetched by house
   number + ZIP (or state), and compared by :func:`addrmatch.key.key_of` on
   both sides cut to the common parts, so every fold of the key applies. A
   suffix may also be read as the last word of the name, both ways
   ("452 Majestic Ridge" ~ "452 Majestic Ridge Ln": the first parses as
   MAJESTIC + RDG).
   When **several** agree, the store's ``on_ambiguous`` policy decides:

   * ``"create"`` (default): nothing is merged; a new row is created from the
     input (``how="created"``) and ``Resolution.candidates`` lists the rows
     that agreed, so the caller can send them to a person. The next time the
     same input comes it matches the new row exactly. ``find`` returns None.
   * ``"oldest"``: the oldest agreeing row is returned (``how="partial"``),
     ``candidates`` lists all of them. Nothing is written.
   * ``"raise"``: :class:`AmbiguousAddressError` (with ``.candidates``);
     nothing is written.

4. **created**: nothing matched; a row is stored from the reparsed
   components.

Guarantees:

* The store never holds two rows of one key that it created: the key column
  is NOT NULL and ``UNIQUE (match_key, duplicate)``, created rows have
  ``duplicate = 0``, and find-or-create runs as ``BEGIN IMMEDIATE`` + check
  + insert, so it holds across processes sharing one file.
* Legacy rows (:meth:`AddressStore.import_rows`, ``legacy = 1``) keep their
  duplicates (``duplicate = 1, 2, ...``); lookups return the oldest row
  (the lowest id) of a key; :meth:`AddressStore.duplicates` lists the groups.
* Input rules are applied before anything is written; every write is one
  transaction (``add_many`` and ``import_rows``: one for the whole call), so
  a failed call leaves the database as it was.

The schema is in :mod:`addrmatch._store_schema`; search blocking and scoring
in :mod:`addrmatch._store_search`.
"""

from __future__ import annotations

import gc
import multiprocessing
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Sized
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager, closing, contextmanager, suppress
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from typing import Any, Literal, Protocol

from addrmatch import _store_schema as schema
from addrmatch import _store_search as search_
from addrmatch._database import Target, atomic, open_database, use_wal
from addrmatch._files import remove_database
from addrmatch._keyfold import key_from_parts
from addrmatch.address import Address
from addrmatch.canonical import canonicalize
from addrmatch.errors import AddressError, ReadOnlyDatabaseError
from addrmatch.inputs import check_integer, check_text, preview
from addrmatch.key import key_of
from addrmatch.normalize import AddressInput, normalize, to_address
from addrmatch.tables import TABLES

__all__ = [
    "AddressStore",
    "AmbiguousAddressError",
    "Candidate",
    "Resolution",
]

How = Literal["exact", "reparse", "partial", "created"]
OnAmbiguous = Literal["create", "oldest", "raise"]
#: ``progress(done, total)``: values handled so far, and their number when known.
ProgressCallback = Callable[[int, int | None], None]

_COLUMNS = schema.ADDRESS_COLUMNS
_FIELDS = f"id, {', '.join(_COLUMNS)}"
_SELECT = f"SELECT {_FIELDS} FROM addresses"
_INSERT = (
    f"INSERT INTO addresses (id, {', '.join(_COLUMNS)}, original, match_key, duplicate, legacy) "
    f"VALUES ({', '.join('?' * (len(_COLUMNS) + 5))})"
)
_BY_KEY = _SELECT + " WHERE match_key = ? AND duplicate = 0"
_NEAR_ZIP = _SELECT + " WHERE number = ? AND zip BETWEEN ? AND ? AND duplicate = 0"
_NEAR_NO_ZIP = _SELECT + " WHERE number = ? AND state = ? AND zip IS NULL AND duplicate = 0"
_NEAR_STATE = _SELECT + " WHERE number = ? AND state = ? AND duplicate = 0"
_PLACE_FIELDS = ("city", "state", "zip", "county", "location_code", "tract", "block")
# SQLite's default limit on bound parameters is 32766 (999 before 3.32).
_CHUNK = 900
_Row = tuple[int, Address]
#: The largest ``limit`` of :meth:`AddressStore.search` (a person reads the results).
MAX_SEARCH_LIMIT = 1_000
#: The largest ``batch_size`` of the bulk calls, and the most ``workers``.
MAX_BATCH_SIZE = 1_000_000
MAX_WORKERS = 64
_KEY_OF_ROW = itemgetter(16)  # match_key in _row_values()


@dataclass(frozen=True, slots=True)
class Resolution:
    """Which stored address a value resolved to, and how.

    ``candidates``: when more than one stored address agreed in the partial
    tier, their ids (oldest first); empty otherwise. See :attr:`ambiguous`.

    >>> store = AddressStore()
    >>> r = store.resolve("4321 N Lexington Ave, Blaine, MN 55123")
    >>> (r.how, r.address.street, r.ambiguous)
    ('created', 'LEXINGTON', False)
    """

    id: int
    how: How
    address: Address
    candidates: tuple[int, ...] = ()

    @property
    def ambiguous(self) -> bool:
        """True when several stored addresses agreed partially with the input."""
        return len(self.candidates) > 1


@dataclass(frozen=True, slots=True)
class Candidate:
    """One search result: a stored address and its score (0-100, higher is closer).

    >>> Candidate(1, Address(number="1", street="MAIN"), 92.5).score
    92.5
    """

    id: int
    address: Address
    score: float


class AmbiguousAddressError(AddressError):
    """Several stored addresses agree partially with the input (``on_ambiguous="raise"``).

    ``candidates`` holds their ids, oldest first.
    """

    rule = "ambiguous-partial-match"

    def __init__(self, message: str, *, candidates: Sequence[int]) -> None:
        super().__init__(message, fields=("address",))
        self.candidates: tuple[int, ...] = tuple(candidates)


# ---------------------------------------------------------------------------
# the input, prepared once


class _Input:
    """A value taken through the input rules, canonicalized, keyed; the
    reparse is computed on first use (only lookups that miss need it)."""

    __slots__ = ("_raw", "_reparsed", "_reparsed_key", "given", "key", "original")

    def __init__(self, given: Address, raw: Address | None, original: str, key: str | None = None) -> None:
        self.given = given
        self.key = key_of(given) if key is None else key
        self.original = original
        self._raw = raw
        self._reparsed: Address | None = None if raw is not None else given
        self._reparsed_key: str | None = None if raw is not None else self.key

    def reparsed(self) -> tuple[Address, str]:
        """The reparsed canonical address and its key (``given`` for text input)."""
        if self._reparsed is None or self._reparsed_key is None:
            self._reparsed = _reparse(self._raw, self.given) if self._raw is not None else self.given
            self._reparsed_key = self.key if self._reparsed == self.given else key_of(self._reparsed)
        return self._reparsed, self._reparsed_key

    def dump(self) -> tuple[Any, ...]:
        """A plain tuple (cheap to pickle) that :meth:`load` turns back into the input."""
        raw = _fields(self._raw) if self._raw is not None else None
        return _fields(self.given), self.key, raw, self.original

    @classmethod
    def load(cls, data: tuple[Any, ...]) -> _Input:
        given, key, raw, original = data
        return cls(Address(*given), Address(*raw) if raw is not None else None, original, key)


def _fields(a: Address) -> tuple[Any, ...]:
    return (
        a.po_box, a.number, a.prefix, a.street, a.tag, a.direction, a.apt,
        a.city, a.state, a.zip, a.county, a.location_code, a.tract, a.block,
    )  # fmt: skip


def _reparse(raw: Address, given: Address) -> Address:
    """Join the street parts, parse them again, canonicalize with the place fields."""
    line = raw.street_line()
    if not line:
        return given
    try:
        street = normalize(line)  # the same reader as for any text
    except AddressError:
        return given
    return replace(street, **{f: getattr(given, f) for f in _PLACE_FIELDS})


def _one_line(raw: Address) -> str:
    place = " ".join(p for p in (raw.state, raw.zip) if p)
    return ", ".join(p for p in (raw.street_line(), raw.city, place) if p)


def _prepare(value: AddressInput) -> _Input:
    """Apply the input rules and canonicalize; raise before anything is written."""
    if isinstance(value, str):
        return _Input(normalize(value), None, " ".join(value.split()))  # read once, straight to canonical
    raw = to_address(value)
    from_text = isinstance(value, Mapping) and bool(str(value.get("fullStreetAddress") or "").strip())
    return _Input(canonicalize(raw), None if from_text else raw, _one_line(raw))


# ---------------------------------------------------------------------------
# the tiers, shared by resolve/find (one value) and add_many (a batch)


class _Source(Protocol):
    def by_key(self, key: str) -> _Row | None: ...

    def near(self, address: Address) -> list[_Row]: ...


def _shape(a: Address, b: Address) -> tuple[bool, bool] | None:
    """How ``a`` and ``b`` can be compared partially: (compare the suffix?,
    place by ZIP?), or None when they cannot match partially."""
    if a.po_box != b.po_box or not a.number or not b.number:
        return None
    if not a.po_box and (not a.street or not b.street):
        return None
    both_zip = bool(a.zip and b.zip)
    if not both_zip and not (a.city and a.state and b.city and b.state):
        return None
    return bool(a.tag and b.tag), both_zip


def _cut_key(x: Address, tags: bool, both_zip: bool) -> str:
    """The key of ``x`` reduced to the parts a partial comparison looks at
    (the suffix only when ``tags``; the ZIP when ``both_zip``, else city and
    state): ``key_of`` of that cut address, without building it."""
    return key_from_parts(
        x.po_box,
        x.number,
        x.prefix,
        x.street,
        x.tag if tags else None,
        x.direction,
        x.apt,
        None if both_zip else x.city,
        None if both_zip else x.state,
        x.zip if both_zip else None,
    )


def _suffix_as_name(x: Address) -> Address | None:
    """``x`` with its suffix read as the last word of the street name
    ("MAJESTIC" + RDG -> "MAJESTIC RIDGE"): a name like "Majestic Ridge",
    written without its own suffix, parses as name + suffix."""
    if not x.tag or not x.street or x.po_box:
        return None
    word = TABLES.suffix_names.get(x.tag, x.tag)
    return Address(
        po_box=x.po_box,
        number=x.number,
        prefix=x.prefix,
        street=f"{x.street} {word}",
        direction=x.direction,
        apt=x.apt,
        city=x.city,
        state=x.state,
        zip=x.zip,
    )


def _partial(rows: list[_Row], address: Address) -> list[_Row]:
    """The stored rows that agree with ``address`` on every part both have.

    Each side is cut to the parts both have (a suffix on one side only is
    dropped; the place is the ZIP when both have one, else city and state)
    and compared by key, so the key's folds apply. The directionals and the
    unit are never dropped: a missing one is a different address. A suffix
    may also have been a name word (see :func:`_suffix_as_name`).
    """
    if not rows:
        return []
    keys: dict[tuple[int, bool, bool], str] = {}
    readings = [r for r in (address, _suffix_as_name(address)) if r is not None]
    found: dict[int, Address] = {}
    for row_id, stored in rows:
        if row_id in found:
            continue
        for side, mine in enumerate(readings):
            for reading in range(1 if side else 2):
                theirs = _suffix_as_name(stored) if reading else stored
                if theirs is None:
                    continue
                shape = _shape(mine, theirs)
                if shape is None:
                    continue
                own = keys.get((side, *shape))
                if own is None:
                    own = keys[(side, *shape)] = _cut_key(mine, *shape)
                if own == _cut_key(theirs, *shape):
                    found[row_id] = stored
                    break
            if row_id in found:
                break
    return sorted(found.items())


# Parts a written address may leave out in the word comparison (the place
# must still agree: a ZIP, or a city and state, remains).
_WORD_DROPS: tuple[tuple[frozenset[str], How], ...] = (
    (frozenset(), "reparse"),
    (frozenset({"zip"}), "partial"),
    (frozenset({"tag"}), "partial"),
    (frozenset({"city"}), "partial"),
    (frozenset({"city", "state"}), "partial"),
    (frozenset({"zip", "tag"}), "partial"),
    (frozenset({"city", "tag"}), "partial"),
    (frozenset({"city", "state", "tag"}), "partial"),
)


#: :func:`addrmatch._store_search.fold_text` of one component; the same
#: street, city and state names come back row after row.
_fold_part = lru_cache(maxsize=1 << 16)(search_.fold_text)


def _word_parts(stored: Address) -> dict[str, str]:
    """A stored address's parts as folded words (:func:`addrmatch._store_search.fold_text`)."""
    fold = _fold_part
    if stored.po_box:
        parts = {"number": "PO BOX " + (stored.number or "")}
    else:
        parts = {
            "number": stored.number or "",
            "prefix": fold(stored.prefix or ""),
            "street": fold(stored.street or ""),
            "tag": fold(stored.tag or ""),
            "direction": fold(stored.direction or ""),
            "apt": fold(stored.apt or ""),
        }
    parts.update(city=fold(stored.city or ""), state=fold(stored.state or ""), zip=(stored.zip or "")[:5])
    return parts


def _word_readings(parts: dict[str, str]) -> Iterator[tuple[str, How]]:
    """The words of :func:`_word_parts`, whole and with the parts a writer
    may leave out (the place must still agree), each with the tier it means."""
    for drop, how in _WORD_DROPS:
        if any(not parts.get(d) for d in drop):
            continue
        if "zip" in drop and not (parts["city"] and parts["state"]):
            continue
        if "city" in drop and not parts["zip"]:
            continue
        yield " ".join(v for k, v in parts.items() if v and k not in drop), how


def _by_words(rows: list[_Row], original: str) -> tuple[list[_Row], How]:
    """The rows whose folded words equal the input's: the same words read
    with another split than the parser's (``reparse``), or with a ZIP, a
    suffix or a city left out (``partial``). Only exact word sequences count,
    so a changed number, unit, directional, suffix or ZIP never agrees."""
    if not rows:
        return [], "partial"
    words = search_.fold_text(original)
    vocabulary = set(words.split())
    found: dict[int, tuple[Address, How]] = {}
    for row_id, stored in rows:
        parts = _word_parts(stored)
        if not vocabulary.issubset(" ".join(parts.values()).split()):
            continue  # the input has a word the stored address has not
        for text, how in _word_readings(parts):
            if text == words:
                found.setdefault(row_id, (stored, how))
                break
    how: How = "reparse" if found and all(h == "reparse" for _, h in found.values()) else "partial"
    return sorted((i, a) for i, (a, _) in found.items()), how


def _match(inp: _Input, source: _Source) -> Resolution | list[_Row] | None:
    """The tiers up to creation: a Resolution, the agreeing rows when the
    partial tier is ambiguous, or None when nothing matched."""
    row = source.by_key(inp.key)
    if row is not None:
        return Resolution(row[0], "exact", row[1])
    target, target_key = inp.reparsed()
    if target_key != inp.key:
        row = source.by_key(target_key)
        if row is not None:
            return Resolution(row[0], "reparse", row[1])
    rows = source.near(target)
    agreeing = _partial(rows, target)
    if not agreeing and target != inp.given:
        agreeing = _partial(source.near(inp.given), inp.given)
    how: How = "partial"
    if not agreeing:
        agreeing, how = _by_words(rows, inp.original)
    if len(agreeing) == 1:
        return Resolution(agreeing[0][0], how, agreeing[0][1])
    return agreeing or None


def _address(row: Sequence[Any]) -> _Row:
    return row[0], Address(bool(row[1]), *row[2:])


def _zip_range(address: Address) -> tuple[str, str, str]:
    zip5 = address.zip[:5] if address.zip else ""
    return zip5, zip5, zip5 + "-9999"


class _Live:
    """Tier lookups straight against the database."""

    __slots__ = ("conn",)

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def by_key(self, key: str) -> _Row | None:
        row = self.conn.execute(_BY_KEY, (key,)).fetchone()
        return _address(row) if row is not None else None

    def near(self, address: Address) -> list[_Row]:
        if not address.number:
            return []
        execute = self.conn.execute
        if address.zip:
            _, low, high = _zip_range(address)
            rows = execute(_NEAR_ZIP, (address.number, low, high)).fetchall()
            if address.state:
                rows += execute(_NEAR_NO_ZIP, (address.number, address.state)).fetchall()
        elif address.state:
            rows = execute(_NEAR_STATE, (address.number, address.state)).fetchall()
        else:
            return []
        return [_address(r) for r in rows]


class _Batch:
    """Tier lookups for one batch of ``add_many``: the rows the batch can
    match are fetched from the database in a few bulk queries, and the rows
    the batch creates are kept in memory until they are inserted together.
    Runs inside the write transaction, so the database cannot change under it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.live = _Live(conn)
        self.keys: dict[str, _Row | None] = {}  # None: known to be absent
        self.by_zip: dict[tuple[str, str], list[_Row]] = {}
        self.no_zip: dict[tuple[str, str], list[_Row]] = {}
        self.created_zip: dict[tuple[str, str], list[_Row]] = {}
        self.created_state: dict[tuple[str, str], list[_Row]] = {}
        self.created_no_zip: dict[tuple[str, str], list[_Row]] = {}
        self.new_rows: list[tuple[Any, ...]] = []

    def load_keys(self, keys: Iterable[str]) -> None:
        """Prefetch the rows of these keys (and remember the absent ones)."""
        missing = [k for k in dict.fromkeys(keys) if k not in self.keys]
        for key in missing:
            self.keys[key] = None
        for start in range(0, len(missing), _CHUNK):
            chunk = missing[start : start + _CHUNK]
            sql = (
                f"SELECT match_key, {_FIELDS} FROM addresses "
                f"WHERE duplicate = 0 AND match_key IN ({','.join('?' * len(chunk))})"
            )
            for row in self.conn.execute(sql, chunk):
                self.keys[row[0]] = _address(row[1:])

    def load_near(self, addresses: Iterable[Address]) -> None:
        """Prefetch what :meth:`_Live.near` would return for the addresses that
        have a ZIP: the rows with the same house number and ZIP5, and the rows
        without a ZIP with the same house number and state."""
        probes = {(a.number, a.zip[:5], a.state or "") for a in addresses if a.number and a.zip}
        probes = {p for p in probes if (p[0], p[1]) not in self.by_zip}
        if not probes:
            return
        for number, zip5, state in probes:
            self.by_zip[(number, zip5)] = []
            if state:
                self.no_zip.setdefault((number, state), [])
        execute = self.conn.execute
        # CROSS JOIN: the probes drive, each one a search of the number/ZIP index.
        # (A plain JOIN let the planner scan the whole addresses table for the
        # rows without a ZIP, once per batch: add_many grew with the table.)
        execute(
            "CREATE TEMP TABLE IF NOT EXISTS addrmatch_probe (number TEXT, zip5 TEXT, zip_high TEXT, state TEXT)"
        )
        execute("DELETE FROM temp.addrmatch_probe")
        self.conn.executemany(
            "INSERT INTO temp.addrmatch_probe VALUES (?, ?, ?, ?)",
            [(n, z, z + "-9999", s) for n, z, s in probes],
        )
        cols = ", ".join("a." + c for c in ("id", *_COLUMNS))
        for row in execute(
            f"SELECT DISTINCT p.zip5, {cols} FROM temp.addrmatch_probe p CROSS JOIN addresses a"
            " ON a.number = p.number AND a.zip BETWEEN p.zip5 AND p.zip_high WHERE a.duplicate = 0"
        ):
            stored = _address(row[1:])
            self.by_zip[(stored[1].number or "", row[0])].append(stored)
        for row in execute(
            f"SELECT DISTINCT {cols} FROM temp.addrmatch_probe p CROSS JOIN addresses a"
            " ON a.number = p.number AND a.zip IS NULL AND a.state = p.state WHERE a.duplicate = 0"
        ):
            stored = _address(row)
            self.no_zip[(stored[1].number or "", stored[1].state or "")].append(stored)
        execute("DELETE FROM temp.addrmatch_probe")

    def by_key(self, key: str) -> _Row | None:
        if key in self.keys:
            return self.keys[key]
        row = self.keys[key] = self.live.by_key(key)
        return row

    def near(self, address: Address) -> list[_Row]:
        number = address.number
        if not number:
            return []
        state_key = (number, address.state or "")
        if address.zip:
            zip_key = (number, address.zip[:5])
            if zip_key in self.by_zip and (not address.state or state_key in self.no_zip):
                rows = self.by_zip[zip_key] + (self.no_zip[state_key] if address.state else [])
            else:
                rows = self.live.near(address)
            rows += self.created_zip.get(zip_key, ())
            if address.state:
                rows += self.created_no_zip.get(state_key, ())
            return rows
        if not address.state:
            return []
        return self.live.near(address) + self.created_state.get(state_key, [])

    def create(self, row_id: int, address: Address, key: str, original: str) -> None:
        row = (row_id, address)
        self.keys[key] = row
        if address.number:
            if address.zip:
                self.created_zip.setdefault((address.number, address.zip[:5]), []).append(row)
            if address.state:
                self.created_state.setdefault((address.number, address.state), []).append(row)
                if not address.zip:
                    self.created_no_zip.setdefault((address.number, address.state), []).append(row)
        self.new_rows.append(_row_values(row_id, address, original, key, 0, 0))


def _row_values(
    row_id: int | None, address: Address, original: str, key: str, duplicate: int, legacy: int
) -> tuple[Any, ...]:
    return (
        row_id,
        int(address.po_box),
        address.number,
        address.prefix,
        address.street,
        address.tag,
        address.direction,
        address.apt,
        address.city,
        address.state,
        address.zip,
        address.county,
        address.location_code,
        address.tract,
        address.block,
        original,
        key,
        duplicate,
        legacy,
    )


def _check_bulk(values: object, batch_size: object, progress: object, workers: object, call: str) -> None:
    """The arguments of a bulk call, checked before anything is read or written."""
    if isinstance(values, (str, bytes, Mapping, Address)) or not isinstance(values, Iterable):
        one = isinstance(values, (str, Mapping, Address))
        raise AddressError(
            f"values: {call} takes an iterable of addresses (text, Address or BOI mapping), "
            f"got {type(values).__name__}" + ("; for one address use resolve" if one else ""),
            fields=("values",),
            rule="type",
        )
    check_integer(batch_size, field="batch_size", minimum=1, maximum=MAX_BATCH_SIZE)
    check_integer(workers, field="workers", minimum=1, maximum=MAX_WORKERS)
    if progress is not None and not callable(progress):
        raise AddressError(
            f"progress: expected a function progress(done, total) or None, got {type(progress).__name__}",
            fields=("progress",),
            rule="type",
        )


def _batches(values: Iterable[AddressInput], size: int) -> Iterator[list[AddressInput]]:
    iterator = iter(values)
    while batch := list(islice(iterator, size)):
        yield batch


def _prepare_batch(values: list[AddressInput]) -> list[tuple[Any, ...]] | int:
    """In a worker process: prepare a batch; the index of the first value
    that fails instead (the caller prepares it again to raise the error)."""
    out = []
    for i, value in enumerate(values):
        try:
            out.append(_prepare(value).dump())
        except Exception:
            return i
    return out


def _locate(error: AddressError, index: int) -> None:
    """Say which value of a bulk call failed (the call stored nothing)."""
    error.add_note(f"(value {index:,} of the call, counting from 0; nothing was stored)")


class _Prepared:
    """Batches of prepared inputs, from this process or from ``workers``
    processes that prepare the next batches while the caller writes.

    The processes are started here, before the caller opens its write
    transaction (with ``fork`` where the platform has it, so that a script
    without a ``__main__`` guard works too)."""

    def __init__(self, values: Iterable[AddressInput], size: int, workers: int) -> None:
        self.chunks = _batches(values, size)
        self.pool: ProcessPoolExecutor | None = None
        self.pending: deque[tuple[list[AddressInput], Future[Any]]] = deque()
        if workers > 1:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            self.pool = ProcessPoolExecutor(workers, mp_context=context)
            for chunk in islice(self.chunks, 2 * workers):
                self.pending.append((chunk, self.pool.submit(_prepare_batch, chunk)))

    def __iter__(self) -> Iterator[list[_Input]]:
        done = 0  # values before this batch
        if self.pool is None:
            for chunk in self.chunks:
                prepared = []
                for value in chunk:
                    try:
                        prepared.append(_prepare(value))
                    except AddressError as e:
                        _locate(e, done + len(prepared))
                        raise
                yield prepared
                done += len(chunk)
            return
        while self.pending:
            chunk, future = self.pending.popleft()
            following = next(self.chunks, None)
            if following is not None:
                self.pending.append((following, self.pool.submit(_prepare_batch, following)))
            result = future.result()
            if isinstance(result, int):
                try:
                    _prepare(chunk[result])  # raises the error here, with all its fields
                except AddressError as e:
                    _locate(e, done + result)
                    raise
                raise RuntimeError(f"addrmatch: value {result} of a batch failed in a worker only")
            yield [_Input.load(t) for t in result]
            done += len(chunk)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


_gc_lock = threading.Lock()
_gc_depth = 0
_gc_was_enabled = False


@contextmanager
def _bulk_gc() -> Iterator[None]:
    """Pause Python's automatic garbage collection for a bulk call.

    A bulk call keeps a batch of objects alive at a time, which the
    collector promotes into its oldest generation, so it runs a full
    collection (of the whole process, the caller's data included) every
    batch or two: measured, a quarter of ``add_many``'s time. The objects
    of a bulk call hold no reference cycles, so nothing is lost; the
    collector is switched back on when the last bulk call running in the
    process ends (counted, so threads do not switch it on under each other).
    """
    global _gc_depth, _gc_was_enabled
    with _gc_lock:
        if _gc_depth == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0 and _gc_was_enabled:
                gc.enable()


# ---------------------------------------------------------------------------
# the store


class AddressStore:
    """An SQLite table of addresses in which every address exists once.

    ``target`` is a file path, ``":memory:"``, or an open
    ``sqlite3.Connection`` / ``sqlite_utils.Database`` (the caller keeps
    ownership of those: :meth:`close` does not close them). The schema is
    created on first use; WAL mode is switched on for file databases.

    A path is checked before anything is written to it
    (:mod:`addrmatch._database`): a directory, a file that is not SQLite or
    is corrupt, another application's database, or a newer schema raise a
    :class:`~addrmatch.errors.DatabaseError` naming the path and the problem,
    and leave the file as it was. A file created here is owner-only (0o600).
    ``read_only``: None (default) opens a file read-only when the file or
    its directory is not writable, True always, False refuses such a file;
    a read-only store answers :meth:`find`, :meth:`search`, :meth:`get`,
    ``len`` and :meth:`duplicates`, and its writing calls (:meth:`resolve`,
    :meth:`add_many`, :meth:`import_rows`) raise
    :class:`~addrmatch.errors.ReadOnlyDatabaseError`. ``create=False``
    requires the file to exist.
    ``on_ambiguous`` is the partial tier's policy (module docstring);
    ``timeout`` is how long a writer waits for another one (seconds, only for
    databases the store opens itself).

    >>> store = AddressStore()
    >>> store.resolve("4321 N Lexington Ave., Blaine, MN 55123").how
    'created'
    >>> r = store.resolve({"number": "4321", "prefix": "North", "street": "Lexington", "tag": "Avenue",
    ...                    "city": "Blaine", "state": "MN", "zip": "55123"})
    >>> (r.id, r.how)
    (1, 'exact')
    >>> store.resolve("4321 N Lexington, Blaine, MN").how
    'partial'
    >>> len(store)
    1
    """

    def __init__(
        self,
        target: Target = ":memory:",
        *,
        on_ambiguous: OnAmbiguous = "create",
        timeout: float = 60.0,
        read_only: bool | None = None,
        create: bool = True,
    ) -> None:
        if on_ambiguous not in ("create", "oldest", "raise"):
            raise AddressError(
                f"on_ambiguous: expected 'create', 'oldest' or 'raise', got {preview(on_ambiguous)}",
                fields=("on_ambiguous",),
                rule="choice",
            )
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 <= timeout <= 86_400:
            raise AddressError(
                f"timeout: expected seconds from 0 to 86,400, got {preview(timeout)}",
                fields=("timeout",),
                rule="type",
            )
        for name, flag in (("read_only", read_only), ("create", create)):
            if not isinstance(flag, bool) and not (name == "read_only" and flag is None):
                raise AddressError(
                    f"{name}: expected True or False, got {preview(flag)}", fields=(name,), rule="type"
                )
        self.on_ambiguous: OnAmbiguous = on_ambiguous
        db = open_database(target, [schema.schema()], create=create, read_only=read_only, timeout=timeout)
        conn = db.conn
        self._conn = conn
        self._owned = db.owned
        #: True when the database was opened read-only: writing calls raise
        #: :class:`~addrmatch.errors.ReadOnlyDatabaseError`.
        self.read_only: bool = db.read_only
        self._lock = threading.RLock()
        self.path: str | None = db.path
        self._live = _Live(conn)
        try:
            if self._owned:
                conn.execute("PRAGMA temp_store = MEMORY")
                conn.execute("PRAGMA cache_size = -65536")
                conn.execute("PRAGMA mmap_size = 1073741824")
            elif self.path and not conn.in_transaction:
                with suppress(ReadOnlyDatabaseError):  # a caller's read-only connection stays as it is
                    use_wal(conn, self.path, timeout)
            version = db.versions[schema.schema().meta_table]
            if version != schema.SCHEMA_VERSION:
                with atomic(conn):
                    version = schema.ensure_schema(conn)
            self.schema_version: int = version
        except BaseException:
            if self._owned:
                conn.close()
                if db.created and self.path:
                    remove_database(self.path)
            raise

    # -- plumbing -----------------------------------------------------------

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying ``sqlite3.Connection``."""
        return self._conn

    def close(self) -> None:
        """Close the database if the store opened it (a path); otherwise do nothing."""
        if self._owned:
            self._conn.close()

    def __enter__(self) -> AddressStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"AddressStore({self.path or ':memory:'!r})"

    def _write(self, call: str) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction (:func:`addrmatch._database.atomic`): ``BEGIN
        IMMEDIATE``, or a savepoint inside the caller's open transaction."""
        if self.read_only:
            raise ReadOnlyDatabaseError(self.path, f"was opened read-only; {call} writes to it")
        return atomic(self._conn)

    def _insert(self, conn: sqlite3.Connection, values: Sequence[tuple[Any, ...]]) -> None:
        # In key order: the key index (the largest) is then written page by page.
        conn.executemany(_INSERT, sorted(values, key=_KEY_OF_ROW) if len(values) > 1 else values)
        self._add_streets(conn, {v[4] for v in values if v[4]})

    @staticmethod
    def _add_streets(conn: sqlite3.Connection, names: Iterable[str]) -> None:
        names = list(names)
        if not names:
            return
        known: set[str] = set()
        for start in range(0, len(names), _CHUNK):
            chunk = ["=" + n for n in names[start : start + _CHUNK]]
            sql = f"SELECT name FROM address_street_grams WHERE gram IN ({','.join('?' * len(chunk))})"
            known.update(r[0] for r in conn.execute(sql, chunk))
        conn.executemany(
            "INSERT OR IGNORE INTO address_street_grams (gram, name) VALUES (?, ?)",
            [(gram, name) for name in names if name not in known for gram in search_.street_grams(name)],
        )

    def _next_id(self, conn: sqlite3.Connection) -> int:
        return int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM addresses").fetchone()[0])

    def _settle(self, found: list[_Row], inp: _Input) -> Resolution:
        """Apply the ``oldest``/``raise`` policies to an ambiguous partial match."""
        ids = tuple(i for i, _ in found)
        if self.on_ambiguous == "raise":
            raise AmbiguousAddressError(
                f"address: {inp.original!r} agrees partially with {len(ids)} stored addresses "
                f"(ids {', '.join(map(str, ids))}); give the missing parts",
                candidates=ids,
            )
        return Resolution(found[0][0], "partial", found[0][1], ids)

    # -- lookups ------------------------------------------------------------

    def find(self, value: AddressInput) -> Resolution | None:
        """Look an address up without creating it: the tiers of :meth:`resolve`.

        Returns None when :meth:`resolve` would create a row (also when the
        partial tier is ambiguous under ``on_ambiguous="create"``).

        >>> store = AddressStore()
        >>> store.find("4321 N Lexington Ave, Blaine MN 55123") is None
        True
        >>> _ = store.resolve("4321 N Lexington Ave, Blaine MN 55123")
        >>> store.find("4321 North Lexington Avenue, Blaine MN 55123").how
        'exact'
        """
        inp = _prepare(value)
        with self._lock:
            found = _match(inp, self._live)
        if isinstance(found, list):
            return None if self.on_ambiguous == "create" else self._settle(found, inp)
        return found

    def resolve(self, value: AddressInput) -> Resolution:
        """Find the stored address for ``value``, or create it (tiers: module docstring).

        ``value`` is text, an :class:`Address` or a BOI mapping. Input-rule
        errors (:class:`~addrmatch.ConflictingFieldsError`,
        :class:`~addrmatch.POBoxError` ...) are raised before anything is written.

        >>> store = AddressStore()
        >>> store.resolve("4321 N Lexington Ave., Blaine MN 55123").how
        'created'
        >>> r = store.resolve({"number": "4321", "street": "North Lexington", "tag": "Avenue",
        ...                    "city": "Blaine", "state": "MN", "zip": "55123"})
        >>> (r.id, r.how)
        (1, 'reparse')
        """
        if self.read_only:
            raise ReadOnlyDatabaseError(self.path, "was opened read-only; resolve may write to it (use find)")
        inp = _prepare(value)
        with self._lock:
            found = _match(inp, self._live)
            if isinstance(found, Resolution):
                return found
            if found and self.on_ambiguous != "create":
                return self._settle(found, inp)
            with self._write("resolve") as conn:
                # Another writer may have stored it since the lookup: look again under the lock.
                found = _match(inp, self._live)
                if isinstance(found, Resolution):
                    return found
                if found and self.on_ambiguous != "create":
                    return self._settle(found, inp)
                target, key = inp.reparsed()
                row_id = self._next_id(conn)
                self._insert(conn, [_row_values(row_id, target, inp.original, key, 0, 0)])
            return Resolution(row_id, "created", target, tuple(i for i, _ in found or ()))

    def get(self, address_id: int) -> Address:
        """The stored address with this id (``KeyError`` if there is none;
        :class:`~addrmatch.AddressError` if ``address_id`` is not a 64-bit integer).

        >>> store = AddressStore()
        >>> store.get(store.resolve("PO Box 54, Blaine MN 55123").id).street_line()
        'PO BOX 54'
        """
        check_integer(address_id, field="id", minimum=-(2**63), maximum=2**63 - 1)
        with self._lock:
            row = self._conn.execute(_SELECT + " WHERE id = ?", (address_id,)).fetchone()
        if row is None:
            raise KeyError(f"id: no stored address has id {address_id!r}")
        return _address(row)[1]

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM addresses").fetchone()[0])

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, (str, Address, Mapping)):
            return False
        return self.find(value) is not None

    def duplicates(self) -> list[tuple[int, ...]]:
        """The groups of rows that share a key (legacy duplicates), each
        oldest first; lookups resolve to the first id of a group.

        >>> store = AddressStore()
        >>> store.import_rows(["12 Main St, Blaine MN 55123", "12 Main Street, Blaine MN 55123", "9 Elm St"])
        [1, 2, 3]
        >>> store.duplicates()
        [(1, 2)]
        """
        with self._lock:
            rows = self._conn.execute(
                "SELECT match_key, id FROM addresses WHERE match_key IN "
                "(SELECT match_key FROM addresses WHERE duplicate > 0) ORDER BY match_key, duplicate"
            ).fetchall()
        groups: dict[str, list[int]] = {}
        for key, row_id in rows:
            groups.setdefault(key, []).append(row_id)
        return sorted(tuple(ids) for ids in groups.values())

    # -- bulk ---------------------------------------------------------------

    def add_many(
        self,
        values: Iterable[AddressInput],
        *,
        batch_size: int = 5000,
        progress: ProgressCallback | None = None,
        workers: int = 1,
    ) -> list[int]:
        """Find or create many addresses; the id of each, in input order.

        The same result as :meth:`resolve` on each value in turn (ambiguous
        partial matches follow ``on_ambiguous``), but values are prepared a
        batch at a time and looked up and inserted with a few bulk statements
        per batch. The whole call is one transaction, and it fails whole: a
        value the input rules refuse raises its :class:`~addrmatch.AddressError`
        (with a note giving its position in ``values``) and nothing of the
        call is stored, also not the batches before it. To skip bad values
        instead, check them first (:func:`~addrmatch.normalize` raises the
        same errors). ``progress(done, total)`` is called after
        each batch (``total`` is None when ``values`` has no length).
        ``workers > 1`` parses and canonicalizes in that many processes while
        this one writes (worth it from some 50,000 values on). While the call
        runs, Python's automatic garbage collection is paused: its full
        collections would walk the whole process every batch or two.

        >>> store = AddressStore()
        >>> store.add_many(["1 Main St, Blaine MN 55123", "2 Main St, Blaine MN 55123", "1 Main Street, Blaine MN 55123"])
        [1, 2, 1]
        """
        _check_bulk(values, batch_size, progress, workers, "add_many")
        total = len(values) if isinstance(values, Sized) else None
        ids: list[int] = []
        write = self._write("add_many")
        prepared = _Prepared(values, batch_size, workers)
        with self._lock, closing(prepared), _bulk_gc(), write as conn:
            next_id = self._next_id(conn)
            for inputs in prepared:
                batch = _Batch(conn)
                batch.load_keys(i.key for i in inputs)
                misses = [i for i in inputs if batch.keys.get(i.key) is None]
                batch.load_keys(i.reparsed()[1] for i in misses)
                batch.load_near(i.reparsed()[0] for i in misses)
                for inp in inputs:
                    found = _match(inp, batch)
                    if isinstance(found, Resolution):
                        ids.append(found.id)
                        continue
                    if found and self.on_ambiguous != "create":
                        ids.append(self._settle(found, inp).id)
                        continue
                    target, key = inp.reparsed()
                    batch.create(next_id, target, key, inp.original)
                    ids.append(next_id)
                    next_id += 1
                if batch.new_rows:
                    self._insert(conn, batch.new_rows)
                if progress is not None:
                    progress(len(ids), total)
        return ids

    def import_rows(
        self,
        values: Iterable[AddressInput],
        *,
        batch_size: int = 5000,
        progress: ProgressCallback | None = None,
        workers: int = 1,
    ) -> list[int]:
        """Store legacy rows as they are: no lookup, duplicates kept.

        Each value is stored (reparsed and canonical, like a created row)
        with ``legacy = 1``; a value whose key is already stored gets the next
        ``duplicate`` number, so lookups keep resolving to the oldest row and
        :meth:`duplicates` lists the group. One transaction for the call.

        >>> store = AddressStore()
        >>> store.import_rows(["12 Main St, Blaine MN 55123", "12 Main Street, Blaine MN 55123"])
        [1, 2]
        >>> store.resolve("12 Main St., Blaine MN 55123").id
        1
        """
        _check_bulk(values, batch_size, progress, workers, "import_rows")
        total = len(values) if isinstance(values, Sized) else None
        ids: list[int] = []
        write = self._write("import_rows")
        prepared = _Prepared(values, batch_size, workers)
        with self._lock, closing(prepared), _bulk_gc(), write as conn:
            next_id = self._next_id(conn)
            for inputs in prepared:
                rows = [(inp, *inp.reparsed()) for inp in inputs]
                keys = list(dict.fromkeys(key for _, _, key in rows))
                counts: dict[str, int] = {}
                for start in range(0, len(keys), _CHUNK):
                    part = keys[start : start + _CHUNK]
                    counts.update(
                        conn.execute(
                            "SELECT match_key, max(duplicate) + 1 FROM addresses "
                            f"WHERE match_key IN ({','.join('?' * len(part))}) GROUP BY match_key",
                            part,
                        ).fetchall()
                    )
                values_: list[tuple[Any, ...]] = []
                for inp, address, key in rows:
                    duplicate = counts.get(key, 0)
                    counts[key] = duplicate + 1
                    values_.append(_row_values(next_id, address, inp.original, key, duplicate, 1))
                    ids.append(next_id)
                    next_id += 1
                self._insert(conn, values_)
                if progress is not None:
                    progress(len(ids), total)
        return ids

    # -- search -------------------------------------------------------------

    def search(self, text: str, *, limit: int = 10, min_score: float = 50.0) -> list[Candidate]:
        """Ranked stored addresses for a person choosing one: typos, missing
        parts and words out of order are tolerated. Scores are 0-100
        (``rapidfuzz``), best first; only a blocked candidate set is scored
        (house number, ZIP, street-name grams), never the whole table.
        ``text`` passes the input gate (:mod:`addrmatch.inputs`: at most
        1,000 characters, valid Unicode); ``limit`` is an integer from 0 to
        :data:`MAX_SEARCH_LIMIT` and ``min_score`` a number from 0 to 100,
        else :class:`~addrmatch.AddressError` names the argument.

        >>> store = AddressStore()
        >>> _ = store.add_many(["4321 N Lexington Ave, Chicago IL 60615", "4321 S Lexington Ave, Chicago IL 60615"])
        >>> [c.address.prefix for c in store.search("4321 N Lexingtn Ave")]
        ['N', 'S']
        """
        check_text(text, field="text")
        check_integer(limit, field="limit", minimum=0, maximum=MAX_SEARCH_LIMIT)
        if (
            isinstance(min_score, bool)
            or not isinstance(min_score, (int, float))
            or not 0 <= min_score <= 100
        ):
            raise AddressError(
                f"min_score: expected a number from 0 to 100, got {preview(min_score)}",
                fields=("min_score",),
                rule="out-of-range",
            )
        if limit < 1:
            return []
        query = search_.analyse(text)
        with self._lock:
            rows, names = self._candidates(query, limit)
        scored = []
        for row_id, address in rows.items():
            street = names.get(address.street or "")
            if street is None:
                street = search_.street_score(query, address.street)
            value = round(search_.score(query, address, street), 1)
            if value >= min_score:
                scored.append(Candidate(row_id, address, value))
        scored.sort(key=lambda c: (-c.score, c.id))
        return scored[:limit]

    def _candidates(self, query: search_.Query, limit: int) -> tuple[dict[int, Address], dict[str, float]]:
        """The blocked candidate set: addresses on the streets whose names
        match the query's words, with one of its house numbers; with one of
        its house numbers in its ZIP or state; and, when that finds too few,
        on those streets with any number, or with its numbers anywhere."""
        execute = self._conn.execute
        names: dict[str, float] = {}
        if query.grams:
            sql = f"SELECT DISTINCT name FROM address_street_grams WHERE gram IN ({','.join('?' * len(query.grams))})"
            names = search_.name_scores(
                query, [r[0] for r in execute(sql, query.grams)], limit=100, cutoff=60.0
            )
        found: dict[int, Address] = {}

        def add(sql: str, params: Sequence[Any]) -> None:
            for row in execute(sql, params):
                row_id, address = _address(row)
                found[row_id] = address

        def marks(items: Sequence[Any]) -> str:
            return ",".join("?" * len(items))

        numbers = query.numbers
        cap = max(50, 5 * limit)
        if names and numbers:
            add(
                _SELECT
                + f" WHERE street IN ({marks(names)}) AND number IN ({marks(numbers)}) AND duplicate = 0",
                [*names, *numbers],
            )
        for zip5 in query.zips:
            for number in numbers:
                if number != zip5:
                    add(_NEAR_ZIP, (number, zip5, zip5 + "-9999"))
        if numbers and query.states:
            add(
                _SELECT + f" WHERE number IN ({marks(numbers)}) AND state IN ({marks(query.states)})"
                f" AND duplicate = 0 LIMIT {cap}",
                [*numbers, *query.states],
            )
        if len(found) < limit and numbers and not names:
            add(_SELECT + f" WHERE number IN ({marks(numbers)}) AND duplicate = 0 LIMIT {cap}", numbers)
        if names and len(found) < limit and not any(a.number in numbers for a in found.values()):
            top = list(names)[:25]
            zips = query.zips
            where = f" AND substr(zip, 1, 5) IN ({marks(zips)})" if zips else ""
            add(
                _SELECT + f" WHERE street IN ({marks(top)}){where} AND duplicate = 0 LIMIT {cap}",
                [*top, *zips],
            )
        return found, names
