"""The resolution tiers of :class:`addrmatch.AddressStore`, as functions over a row source.

A value is prepared once (:func:`prepare`: input rules, canonical form, key;
the reparse on first use), then :func:`match` runs the tiers against a
:class:`Source` and returns a :class:`Resolution`, the agreeing rows when
the partial tier is ambiguous, or None (create). Nothing here touches SQL:
the same functions serve ``resolve``/``find`` (one value, live lookups) and
``add_many`` (a batch, prefetched lookups).

1. **exact**: the canonical components as given have the key of a stored row.
2. **reparse**: the street parts joined into one line, read again,
   canonicalized with the place fields; that key matches (components only:
   text is already read with its whole context).
3. **partial**: an ambiguous suffix alias ("TR": trail, terrace or track)
   finds the one stored address identical but for one of its expansions, or
   a standard suffix the one stored with an alias that may mean it
   (:func:`_by_alias`); else one side lacks a part the other has (ZIP, city,
   suffix) and exactly one stored address agrees on every part both have
   (:func:`_partial`, where an alias agrees with its expansions); else the
   same words read with another split or with a part left out
   (:func:`_by_words`). Several fitting addresses are never merged.
4. **typo** (opt-in, ``typos=True``): the street name is one edit from
   exactly one stored street with the same house number, ZIP, unit,
   directionals and suffix (:func:`_typo`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal, Protocol

from addrmatch import _store_search as search_
from addrmatch._keyfold import key_from_parts
from addrmatch.address import Address
from addrmatch.canonical import canonicalize
from addrmatch.errors import AddressError
from addrmatch.key import key_of
from addrmatch.normalize import AddressInput, normalize, to_address
from addrmatch.tables import TABLES
from addrmatch.typos import TYPO_MIN_LENGTH, typo_pair

__all__ = ["TYPO_MIN_LENGTH", "How", "Input", "Resolution", "Row", "Source", "alias_keys", "match", "prepare"]

How = Literal["exact", "reparse", "partial", "typo", "created"]
#: A stored row: its id and its address.
Row = tuple[int, Address]
_PLACE_FIELDS = ("city", "state", "zip", "county", "location_code", "tract", "block")


@dataclass(frozen=True, slots=True)
class Resolution:
    """Which stored address a value resolved to, and how.

    ``candidates``: when more than one stored address agreed in the partial
    tier, their ids (oldest first); empty otherwise. See :attr:`ambiguous`.
    ``typo``: for ``how == "typo"``, the street name as given and the stored
    street it was taken for (``("ROOSVELT", "ROOSEVELT")``); None otherwise.

    >>> from addrmatch import AddressStore
    >>> store = AddressStore()
    >>> r = store.resolve("4321 N Lexington Ave, Blaine, MN 55123")
    >>> (r.how, r.address.street, r.ambiguous)
    ('created', 'LEXINGTON', False)
    """

    id: int
    how: How
    address: Address
    candidates: tuple[int, ...] = ()
    typo: tuple[str, str] | None = None

    @property
    def ambiguous(self) -> bool:
        """True when several stored addresses agreed partially with the input."""
        return len(self.candidates) > 1


class Input:
    """A value taken through the input rules, canonicalized, keyed. What a
    hit does not need is computed on first use: the reparse (only lookups
    that miss need it) and :attr:`original`, the input as one line (stored
    with a created row), from ``written``: the text, or the components."""

    __slots__ = ("_original", "_raw", "_reparsed", "_reparsed_key", "_written", "given", "key")

    def __init__(
        self, given: Address, raw: Address | None, written: str | Address, key: str | None = None
    ) -> None:
        self.given = given
        self.key = key_of(given) if key is None else key
        self._written = written
        self._original: str | None = None
        self._raw = raw
        self._reparsed: Address | None = None if raw is not None else given
        self._reparsed_key: str | None = None if raw is not None else self.key

    @property
    def original(self) -> str:
        """The input as written, on one line (text: its words; components: joined)."""
        if self._original is None:
            written = self._written
            self._original = " ".join(written.split()) if isinstance(written, str) else _one_line(written)
        return self._original

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
    def load(cls, data: tuple[Any, ...]) -> Input:
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


def prepare(value: AddressInput) -> Input:
    """Apply the input rules and canonicalize; raise before anything is written."""
    if isinstance(value, str):
        return Input(normalize(value), None, value)  # read once, straight to canonical
    raw = to_address(value)
    from_text = isinstance(value, Mapping) and bool(str(value.get("fullStreetAddress") or "").strip())
    return Input(canonicalize(raw), None if from_text else raw, raw)


class Source(Protocol):
    """Where the tiers look rows up: the database itself
    (:class:`addrmatch._store_sources.Live`) or a batch's prefetched rows
    (:class:`addrmatch._store_sources.Batch`)."""

    def by_key(self, key: str) -> Row | None:
        """The oldest row of ``key`` (``duplicate = 0``), or None."""

    def near(self, address: Address) -> list[Row]:
        """The rows that may agree partially: the same house number in the same
        ZIP5 (and rows of that number and state without a ZIP), or, without a
        ZIP, the same number and state."""

    def has_street(self, street: str, zip5: str) -> bool:
        """True when a stored address in ``zip5`` has this street name."""


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


#: An ambiguous street-type alias -> the standard suffixes it may stand for
#: ("TR" -> TER, TRAK, TRL); the canonical form keeps such an alias as written.
_EXPANSIONS: dict[str, tuple[str, ...]] = dict(TABLES.ambiguous_suffixes)
#: A standard suffix -> the ambiguous aliases that may stand for it.
_ALIASES: dict[str, tuple[str, ...]] = {
    standard: tuple(alias for alias, standards in _EXPANSIONS.items() if standard in standards)
    for standard in {s for standards in _EXPANSIONS.values() for s in standards}
}


def _tags_agree(a: str | None, b: str | None) -> bool:
    """True when one suffix is an ambiguous alias and the other one of its expansions."""
    return bool(a and b) and (b in _EXPANSIONS.get(a or "", ()) or a in _EXPANSIONS.get(b or "", ()))


def alias_keys(address: Address) -> list[str]:
    """The keys of ``address`` with each suffix it may stand for: each
    expansion of an ambiguous alias ("APACHE TR" -> TER, TRAK, TRL) or, for a
    standard suffix, each alias that may mean it ("APACHE TRL" -> TR)."""
    tag = address.tag
    if not tag:
        return []
    return [key_of(replace(address, tag=t)) for t in _EXPANSIONS.get(tag, ()) + _ALIASES.get(tag, ())]


def _by_alias(address: Address, source: Source) -> list[Row]:
    """The stored rows identical to ``address`` but for a suffix it may stand
    for (:func:`alias_keys`): one indexed key lookup per reading."""
    found: dict[int, Address] = {}
    for key in alias_keys(address):
        row = source.by_key(key)
        if row is not None:
            found[row[0]] = row[1]
    return sorted(found.items())


def _partial(rows: list[Row], address: Address) -> list[Row]:
    """The stored rows that agree with ``address`` on every part both have.

    Each side is cut to the parts both have (a suffix on one side only is
    dropped; the place is the ZIP when both have one, else city and state)
    and compared by key, so the key's folds apply. The directionals and the
    unit are never dropped: a missing one is a different address. A suffix
    may also have been a name word (see :func:`_suffix_as_name`), and an
    ambiguous alias agrees with each of its expansions (:func:`_tags_agree`).
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
                if shape[0] and mine.tag != theirs.tag and _tags_agree(mine.tag, theirs.tag):
                    shape = (False, shape[1])  # an ambiguous alias and one of its expansions
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


def _by_words(rows: list[Row], original: str) -> tuple[list[Row], How]:
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


def _typo(rows: list[Row], address: Address, source: Source) -> Resolution | None:
    """The typo tier (opt-in): the one stored row whose street name is one
    typo from the input's and of the same block, under the one typo rule
    (:func:`addrmatch.typos.typo_pair`: one edit -- insertion, deletion,
    substitution or transposition of adjacent letters --, both names of
    :data:`~addrmatch.typos.TYPO_MIN_LENGTH` letters or more, the same digits;
    the same house number, ZIP5, unit, directionals and suffix); None when
    there is no such row, or several streets fit, or the input's own spelling
    is a stored street in that ZIP (with that house number or another: it
    may be a real street)."""
    street = address.street
    if address.po_box or not street or not address.number or not address.zip or len(street) < TYPO_MIN_LENGTH:
        return None
    fits: dict[str, Row] = {}
    for row_id, stored in rows:
        pair = typo_pair(address, stored)
        if pair is not None:
            fits.setdefault(pair[1], (row_id, stored))
    if len(fits) != 1 or source.has_street(street, address.zip[:5]):
        return None
    ((other, (row_id, stored)),) = fits.items()
    return Resolution(row_id, "typo", stored, typo=(street, other))


def match(inp: Input, source: Source, *, typos: bool = False) -> Resolution | list[Row] | None:
    """The tiers up to creation: a Resolution, the agreeing rows when the
    partial tier is ambiguous, or None when nothing matched. ``typos``
    adds the typo tier (:func:`_typo`) after the partial tier."""
    row = source.by_key(inp.key)
    if row is not None:
        return Resolution(row[0], "exact", row[1])
    target, target_key = inp.reparsed()
    if target_key != inp.key:
        row = source.by_key(target_key)
        if row is not None:
            return Resolution(row[0], "reparse", row[1])
    agreeing = _by_alias(target, source)
    if len(agreeing) == 1:
        return Resolution(agreeing[0][0], "partial", agreeing[0][1])
    if agreeing:
        return agreeing  # several stored streets fit the alias: never merged
    rows = source.near(target)
    agreeing = _partial(rows, target)
    if not agreeing and target != inp.given:
        agreeing = _partial(source.near(inp.given), inp.given)
    how: How = "partial"
    if not agreeing:
        agreeing, how = _by_words(rows, inp.original)
    if len(agreeing) == 1:
        return Resolution(agreeing[0][0], how, agreeing[0][1])
    if not agreeing and typos:
        return _typo(rows, target, source)
    return agreeing or None
