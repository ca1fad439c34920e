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

4. **typo** (opt-in: ``AddressStore(typos=True)`` or ``resolve(value,
   typos=True)``; off by default): nothing matched above, and the street name
   is one edit (an inserted, deleted or changed letter, or two neighbours
   swapped: Damerau-Levenshtein distance 1, rapidfuzz) from exactly one
   stored street with the same house number, ZIP5, unit, directionals and
   suffix ("12 Roosvelt St" -> "12 Roosevelt St"). Never when the input's
   own spelling is a stored street in that ZIP (with that house number or
   any other: it may be a real street), when two stored streets fit, when
   the digits differ ("13TH" is not a typo of "12TH"), or for names shorter
   than four letters. :attr:`Resolution.typo` gives (the street as given,
   the stored street). Nothing is written for a typo match.

5. **created**: nothing matched; a row is stored from the reparsed
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
* Keys are of one key function: ``addrmatch_meta.match_key_version`` records
  :data:`addrmatch.key.KEY_VERSION` (none recorded: version 1). A store
  whose keys are older is re-keyed when it is opened for writing, in one
  transaction with any schema migration (:mod:`addrmatch._store_rekey`):
  every key recomputed from the stored components; when two rows now share
  a key, the later one becomes a duplicate (numbered like legacy ones,
  logged, listed by :meth:`AddressStore.duplicates`): the one case where
  two rows the store created share a key. Opened read-only, such a store
  raises :class:`~addrmatch.errors.ReadOnlyDatabaseError` (its keys cannot
  be looked up); keys of a newer addrmatch raise
  :class:`~addrmatch.errors.SchemaVersionError`, also when a newer addrmatch
  re-keys the file while this one has it open (checked in each write
  transaction, before anything is written).

Where each part lives: the tiers, as functions over a row source, in
:mod:`addrmatch._store_tiers`; the live and batch row sources and the SQL
on the ``addresses`` table in :mod:`addrmatch._store_sources`; bulk loading
(worker processes, the garbage collector) in :mod:`addrmatch._store_bulk`;
search blocking and scoring in :mod:`addrmatch._store_search`; the schema
and its migrations in :mod:`addrmatch._store_schema`; opening the file and
transactions in :mod:`addrmatch._database`. This module holds the public
class and its methods.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence, Sized
from contextlib import AbstractContextManager, closing, contextmanager, suppress
from typing import Literal

from addrmatch import _store_rekey as rekey_
from addrmatch import _store_schema as schema
from addrmatch import _store_search as search_
from addrmatch._database import Target, atomic, open_database, use_wal
from addrmatch._files import remove_database
from addrmatch._store_bulk import (
    MAX_BATCH_SIZE,
    MAX_WORKERS,
    PreparedBatches,
    ProgressCallback,
    add_batches,
    bulk_gc,
    check_bulk,
    import_batches,
)
from addrmatch._store_search import Candidate
from addrmatch._store_sources import (
    CHUNK,
    SELECT,
    Live,
    insert_rows,
    next_id,
    row_address,
    row_values,
    search_candidates,
)
from addrmatch._store_tiers import How, Input, Resolution, Row, match, prepare
from addrmatch.address import Address
from addrmatch.errors import AddressError, ReadOnlyDatabaseError, SchemaVersionError
from addrmatch.inputs import check_integer, check_text, preview
from addrmatch.key import KEY_VERSION
from addrmatch.normalize import AddressInput

__all__ = [
    "MAX_BATCH_SIZE",
    "MAX_SEARCH_LIMIT",
    "MAX_WORKERS",
    "AddressStore",
    "AmbiguousAddressError",
    "Candidate",
    "How",
    "OnAmbiguous",
    "ProgressCallback",
    "Resolution",
]

OnAmbiguous = Literal["create", "oldest", "raise"]
#: The largest ``limit`` of :meth:`AddressStore.search` (a person reads the results).
MAX_SEARCH_LIMIT = 1_000


class AmbiguousAddressError(AddressError):
    """Several stored addresses agree partially with the input (``on_ambiguous="raise"``).

    ``candidates`` holds their ids, oldest first.
    """

    rule = "ambiguous-partial-match"

    def __init__(self, message: str, *, candidates: Sequence[int]) -> None:
        super().__init__(message, fields=("address",))
        self.candidates: tuple[int, ...] = tuple(candidates)


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
    requires the file to exist. A store whose keys were computed by an older
    key function is re-keyed here, or refused when read-only (module
    docstring, "Keys are of one key function").
    ``on_ambiguous`` is the partial tier's policy (module docstring);
    ``typos=True`` adds the opt-in typo tier (module docstring) to every
    lookup (each call may override it with its own ``typos`` keyword);
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
        typos: bool = False,
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
        for name, flag in (("read_only", read_only), ("create", create), ("typos", typos)):
            if not isinstance(flag, bool) and not (name == "read_only" and flag is None):
                raise AddressError(
                    f"{name}: expected True or False, got {preview(flag)}", fields=(name,), rule="type"
                )
        self.on_ambiguous: OnAmbiguous = on_ambiguous
        #: The typo tier's default for :meth:`resolve`, :meth:`find` and :meth:`add_many`.
        self.typos: bool = typos
        db = open_database(target, [schema.schema()], create=create, read_only=read_only, timeout=timeout)
        conn = db.conn
        self._conn = conn
        self._owned = db.owned
        #: True when the database was opened read-only: writing calls raise
        #: :class:`~addrmatch.errors.ReadOnlyDatabaseError`.
        self.read_only: bool = db.read_only
        self._lock = threading.RLock()
        self.path: str | None = db.path
        self._live = Live(conn)
        try:
            if self._owned:
                conn.execute("PRAGMA temp_store = MEMORY")
                conn.execute("PRAGMA cache_size = -65536")
                conn.execute("PRAGMA mmap_size = 1073741824")
            elif self.path and not conn.in_transaction:
                with suppress(ReadOnlyDatabaseError):  # a caller's read-only connection stays as it is
                    use_wal(conn, self.path, timeout)
            version = db.versions[schema.schema().meta_table]
            stale = version == schema.SCHEMA_VERSION and rekey_.check(
                schema.read_key_version(conn), self.path, read_only=self.read_only
            )
            if version != schema.SCHEMA_VERSION or stale:
                version = self._upgrade()
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

    def _upgrade(self) -> int:
        """Migrate the schema and re-key older keys, in one transaction (all or
        nothing); the schema version afterwards."""
        try:
            with atomic(self._conn) as conn:
                version = schema.ensure_schema(conn)
                if rekey_.check(schema.read_key_version(conn), self.path, read_only=False):
                    rekey_.rekey(conn, self.path)
        except ReadOnlyDatabaseError:
            # A caller's read-only connection: say why it would need writing.
            if schema.read_version(self._conn):
                rekey_.check(schema.read_key_version(self._conn), self.path, read_only=True)
            raise
        return version

    def _write(self, call: str) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction (:func:`addrmatch._database.atomic`): ``BEGIN
        IMMEDIATE``, or a savepoint inside the caller's open transaction. It
        first checks that no newer addrmatch re-keyed the store since it was
        opened (this one's keys would miss the rows and store them again)."""
        if self.read_only:
            raise ReadOnlyDatabaseError(self.path, f"was opened read-only; {call} writes to it")
        return self._checked_write()

    @contextmanager
    def _checked_write(self) -> Iterator[sqlite3.Connection]:
        with atomic(self._conn) as conn:
            version = schema.read_key_version(conn)
            if version != KEY_VERSION:
                raise SchemaVersionError(
                    self.path,
                    f"its match keys were re-keyed to key version {version} by another addrmatch while this"
                    f" store was open (this one computes version {KEY_VERSION}); nothing was written."
                    " Upgrade addrmatch",
                )
            yield conn

    def _typos(self, typos: object) -> bool:
        """A call's ``typos`` keyword: None means the store's setting."""
        if typos is None:
            return self.typos
        if typos is not True and typos is not False:
            raise AddressError(
                f"typos: expected True or False, got {preview(typos)}", fields=("typos",), rule="type"
            )
        return typos

    def _settle(self, found: list[Row], inp: Input) -> Resolution:
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

    def find(self, value: AddressInput, *, typos: bool | None = None) -> Resolution | None:
        """Look an address up without creating it: the tiers of :meth:`resolve`.

        Returns None when :meth:`resolve` would create a row (also when the
        partial tier is ambiguous under ``on_ambiguous="create"``).
        ``typos``: as for :meth:`resolve`.

        >>> store = AddressStore()
        >>> store.find("4321 N Lexington Ave, Blaine MN 55123") is None
        True
        >>> _ = store.resolve("4321 N Lexington Ave, Blaine MN 55123")
        >>> store.find("4321 North Lexington Avenue, Blaine MN 55123").how
        'exact'
        """
        typos = self.typos if typos is None else self._typos(typos)
        inp = prepare(value)
        with self._lock:
            found = match(inp, self._live, typos=typos)
        if type(found) is list:
            return None if self.on_ambiguous == "create" else self._settle(found, inp)
        return found

    def resolve(self, value: AddressInput, *, typos: bool | None = None) -> Resolution:
        """Find the stored address for ``value``, or create it (tiers: module docstring).

        ``value`` is text, an :class:`Address` or a BOI mapping. Input-rule
        errors (:class:`~addrmatch.ConflictingFieldsError`,
        :class:`~addrmatch.POBoxError` ...) are raised before anything is written.
        ``typos`` switches the typo tier on or off for this call (None: the
        store's ``typos``); ``how == "typo"`` then says the street name was
        taken for a stored one an edit away (:attr:`Resolution.typo`).

        >>> store = AddressStore()
        >>> store.resolve("4321 N Lexington Ave., Blaine MN 55123").how
        'created'
        >>> r = store.resolve({"street": "4321 North Lexington", "tag": "Avenue",
        ...                    "city": "Blaine", "state": "MN", "zip": "55123"})
        >>> (r.id, r.how)
        (1, 'reparse')
        """
        if self.read_only:
            raise ReadOnlyDatabaseError(self.path, "was opened read-only; resolve may write to it (use find)")
        typos = self.typos if typos is None else self._typos(typos)
        inp = prepare(value)
        with self._lock:
            found = match(inp, self._live, typos=typos)
            if type(found) is Resolution:  # the hit: nothing more to do
                return found
            if found and self.on_ambiguous != "create":
                return self._settle(found, inp)
            with self._write("resolve") as conn:
                # Another writer may have stored it since the lookup: look again under the lock.
                found = match(inp, self._live, typos=typos)
                if isinstance(found, Resolution):
                    return found
                if found and self.on_ambiguous != "create":
                    return self._settle(found, inp)
                target, key = inp.reparsed()
                row_id = next_id(conn)
                insert_rows(conn, [row_values(row_id, target, inp.original, key, 0, 0)])
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
            row = self._conn.execute(SELECT + " WHERE id = ?", (address_id,)).fetchone()
        if row is None:
            raise KeyError(f"id: no stored address has id {address_id!r}")
        return row_address(row)[1]

    def get_many(self, ids: Iterable[int]) -> dict[int, Address]:
        """The stored addresses with these ids, by id (ids with no stored
        address are left out): the batch form of :meth:`get`, for code that
        holds address ids (``addrmatch.boi`` household locations) and must
        not read the store's tables itself.

        >>> store = AddressStore()
        >>> ids = store.add_many(["1 Main St, Blaine MN 55123", "PO Box 54, Blaine MN 55123"])
        >>> {i: a.street_line() for i, a in store.get_many([*ids, 99]).items()}
        {1: '1 MAIN ST', 2: 'PO BOX 54'}
        """
        if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
            raise AddressError(
                f"ids: expected an iterable of integer ids, got {type(ids).__name__}",
                fields=("ids",),
                rule="type",
            )
        # Checked before dict.fromkeys, which would hash them (a list is unhashable).
        checked = [check_integer(i, field="ids", minimum=-(2**63), maximum=2**63 - 1) for i in ids]
        wanted = list(dict.fromkeys(checked))
        found: dict[int, Address] = {}
        with self._lock:
            for start in range(0, len(wanted), CHUNK):
                chunk = wanted[start : start + CHUNK]
                sql = SELECT + f" WHERE id IN ({','.join('?' * len(chunk))})"
                found.update(row_address(row) for row in self._conn.execute(sql, chunk))
        return found

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
        typos: bool | None = None,
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
        check_bulk(values, batch_size, progress, workers, "add_many")
        typos = self._typos(typos)
        total = len(values) if isinstance(values, Sized) else None
        write = self._write("add_many")
        settle = None if self.on_ambiguous == "create" else self._settle
        prepared = PreparedBatches(values, batch_size, workers)
        with self._lock, closing(prepared), bulk_gc(), write as conn:
            return add_batches(conn, prepared, settle=settle, progress=progress, total=total, typos=typos)

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
        check_bulk(values, batch_size, progress, workers, "import_rows")
        total = len(values) if isinstance(values, Sized) else None
        write = self._write("import_rows")
        prepared = PreparedBatches(values, batch_size, workers)
        with self._lock, closing(prepared), bulk_gc(), write as conn:
            return import_batches(conn, prepared, progress=progress, total=total)

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
            rows, names = search_candidates(self._conn, query, limit)
        return search_.rank(query, rows, names, limit=limit, min_score=min_score)
