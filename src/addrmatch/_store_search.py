"""Query analysis, blocking grams and scoring for :meth:`addrmatch.AddressStore.search`.

Search never scores the whole table. A query is split into words; the
blocking keys are

* **house numbers**: words that start with a digit (``4321``, ``221B``),
* **ZIPs**: five-digit words (``60615``, ``60615-1234`` -> ``60615``),
* **street grams**: the first and last three letters of every other word
  (``LEXINGTN`` -> ``p:LEX``, ``s:GTN``), looked up in the
  ``address_street_grams`` table to find candidate street *names*; a typo
  in the middle of a word, or at one of its ends, still shares a gram.

Candidate street names are scored against the query words with
``rapidfuzz.fuzz.ratio``; the addresses on the best names (narrowed by house
number when there is one) are then scored against the whole query with
``rapidfuzz.fuzz.WRatio``, on text folded the same way on both sides
(:func:`fold_text`: directionals, suffixes, states, ordinals and unit words
in their Pub 28 abbreviations, ZIP+4 cut to ZIP5), so that "North" ~ "N" and
"Avenue" ~ "AVE" cost nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from addrmatch.address import Address
from addrmatch.tables import TABLES

__all__ = [
    "Candidate",
    "Query",
    "analyse",
    "candidate_text",
    "fold_text",
    "name_scores",
    "rank",
    "score",
    "street_grams",
    "street_score",
]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One search result: a stored address and its score (0-100, higher is closer).

    >>> Candidate(1, Address(number="1", street="MAIN"), 92.5).score
    92.5
    """

    id: int
    address: Address
    score: float


_WORD = re.compile(r"[A-Z0-9]+(?:[-/][A-Z0-9]+)*")
_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")
_ORDINAL = re.compile(r"^\d+(?:ST|ND|RD|TH)$")
_DROP = str.maketrans({".": "", "'": ""})
# Single-word PO box heads (BOX, POB, POBOX...), from the one table of box heads.
_BOX_WORDS = frozenset(h[0] for h, (_, kind) in TABLES.box_heads.items() if kind == "po_box" and len(h) == 1)
# Unit designators that only announce an identifier ("APT 4" -> "4"): dropped.
_UNIT_WORDS = frozenset(k for k, v in TABLES.unit_designators.items() if v in TABLES.unit_needs_identifier)
_ORDINAL_NUMBERS: dict[str, str] = {}
for _word, _numeral in TABLES.ordinal_words.items():
    _ORDINAL_NUMBERS.setdefault(_numeral, _word)


@lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> str | None:
    if word in _UNIT_WORDS:
        return None
    m = _ZIP.match(word)
    if m:
        return m.group(1)
    for table in (TABLES.directionals, TABLES.suffixes, TABLES.states, TABLES.ordinal_words):
        folded = table.get(word)
        if folded is not None:
            return folded
    return word


def fold_text(text: str) -> str:
    """Upper case, punctuation dropped, Pub 28 words abbreviated: the text
    that query and candidates are compared as.

    >>> fold_text("4321 North Lexington Avenue, Apt. 5, Chicago, Illinois 60615-1234")
    '4321 N LEXINGTON AVE 5 CHICAGO IL 60615'
    """
    words = (_fold_word(w) for w in _WORD.findall(text.upper().translate(_DROP)))
    return " ".join(w for w in words if w)


def street_grams(name: str) -> list[str]:
    """The blocking grams of a canonical street name.

    >>> street_grams("LEXINGTON")
    ['=LEXINGTON', 'a:EGILNNOTX', 'p:LEX', 's:TON']
    """
    grams = {"=" + name}
    for word in _WORD.findall(name):
        grams.update(_word_grams(word))
    return sorted(grams)


def _word_grams(word: str) -> tuple[str, ...]:
    if len(word) < 3:
        return ()
    return ("p:" + word[:3], "s:" + word[-3:], "a:" + "".join(sorted(word)))


@dataclass(frozen=True, slots=True)
class Query:
    """A search query taken apart for blocking and scoring."""

    text: str  #: folded text (:func:`fold_text`) scored against candidates
    numbers: tuple[str, ...]  #: words that may be the house number
    zips: tuple[str, ...]  #: five-digit words that may be the ZIP
    words: tuple[str, ...]  #: the other words, upper case, for street matching
    grams: tuple[str, ...]  #: street grams to look up
    windows: tuple[str, ...]  #: runs of 1-4 consecutive words, compared with street names
    states: tuple[str, ...]  #: two-letter codes of the states the query names
    po_box: bool  #: the query says "PO Box" (or POB, Box)


def analyse(text: str) -> Query:
    """Take a query apart.

    >>> q = analyse("4321 N Lexingtn Ave, Chicago 60615")
    >>> q.numbers, q.zips, q.words
    (('4321', '60615'), ('60615',), ('N', 'LEXINGTN', 'AVE', 'CHICAGO'))
    """
    words = _WORD.findall(text.upper().translate(_DROP))
    numbers: list[str] = []
    zips: list[str] = []
    others: list[str] = []
    grams: set[str] = set()
    for position, word in enumerate(words):
        m = _ZIP.match(word)
        if m:
            zips.append(m.group(1))
            numbers.append(m.group(1))
        elif word[0].isdigit() and not _ORDINAL.match(word):
            numbers.append(word)
            if position > 0:  # a numbered street ("N 2200 W") or a highway ("HWY 45")
                others.append(word)
                grams.add("=" + word)
        else:
            others.append(word)
            alternatives = {word, TABLES.ordinal_words.get(word, word), _ORDINAL_NUMBERS.get(word, word)}
            for alt in alternatives:
                grams.add("=" + alt)
                grams.update(_word_grams(alt))
    windows = {" ".join(others[i : i + n]) for n in range(1, 5) for i in range(len(others) - n + 1)}
    states = {TABLES.states[w] for w in windows if len(w) > 2 and w in TABLES.states}
    if others and others[-1] in TABLES.state_codes:
        states.add(others[-1])
    return Query(
        fold_text(text),
        tuple(dict.fromkeys(numbers)),
        tuple(dict.fromkeys(zips)),
        tuple(others),
        tuple(sorted(grams)),
        tuple(sorted(windows)),
        tuple(sorted(states)),
        bool(_BOX_WORDS.intersection(others)),
    )


def name_scores(query: Query, names: list[str], *, limit: int, cutoff: float) -> dict[str, float]:
    """The candidate street names that best match a run of the query's words,
    with their ``fuzz.ratio`` to that run.

    >>> name_scores(analyse("4321 N Lexingtn Ave"), ["LEXINGTON", "LEE", "NORTH LEXINGTON"], limit=5, cutoff=70)
    {'LEXINGTON': 94.1, 'NORTH LEXINGTON': 80.0}
    """
    if not names or not query.windows:
        return {}
    best: dict[str, float] = {}
    for window in query.windows:
        for name, value, _ in process.extract(
            window, names, scorer=fuzz.ratio, limit=None, score_cutoff=cutoff
        ):
            if value > best.get(name, 0.0):
                best[name] = value
    ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return {name: round(value, 1) for name, value in ranked}


def street_score(query: Query, name: str | None) -> float:
    """How well a street name matches a run of the query's words (0-100).

    >>> street_score(analyse("12 Mian St"), "MAIN")
    75.0
    """
    if not name or not query.windows:
        return 0.0
    found = process.extractOne(name, query.windows, scorer=fuzz.ratio)
    return float(found[1]) if found else 0.0


def candidate_text(address: Address) -> str:
    """The folded text a stored address is scored as.

    >>> candidate_text(Address(number="4321", prefix="N", street="LEXINGTON", tag="AVE", zip="60615-1234"))
    '4321 N LEXINGTON AVE 60615'
    """
    if address.po_box:
        parts = ["PO BOX", address.number]
    else:
        parts = [address.number, address.prefix, address.street, address.tag, address.direction, address.apt]
    parts += [address.city, address.state, address.zip[:5] if address.zip else None]
    return fold_text(" ".join(p for p in parts if p))


def score(query: Query, address: Address, street: float) -> float:
    """Similarity 0-100 of a query and a stored address: the street name
    (``street``, from :func:`street_score`), the house number, the ZIP when
    the query has one, and all the words together (``token_set_ratio``, so a
    part the query leaves out costs little and words may come in any order).

    >>> a = Address(number="4321", prefix="N", street="LEXINGTON", tag="AVE", city="CHICAGO", zip="60615")
    >>> q = analyse("4321 N Lexingtn Ave")
    >>> score(q, a, street_score(q, a.street)) > score(q, Address(number="4231", prefix="N", street="LEXINGTON",
    ...     tag="AVE", city="CHICAGO", zip="60615"), street_score(q, "LEXINGTON"))
    True
    """
    if address.po_box:
        street = 100.0 if query.po_box else 0.0
    total = 1.5 * street + fuzz.token_set_ratio(query.text, candidate_text(address))
    weight = 2.5
    if query.numbers:
        number = address.number or ""
        if number in query.numbers:
            total += 1.5 * 100.0
        else:
            total += 1.5 * 0.5 * max(fuzz.ratio(number, n) for n in query.numbers)
        weight += 1.5
    if query.zips:
        total += 0.5 * (100.0 if address.zip and address.zip[:5] in query.zips else 0.0)
        weight += 0.5
    return total / weight


def rank(
    query: Query, rows: dict[int, Address], names: dict[str, float], *, limit: int, min_score: float
) -> list[Candidate]:
    """The candidates scoring at least ``min_score``, best first (ties: the
    older row first), at most ``limit``; ``names`` holds the street-name
    scores already computed for the candidate streets.

    >>> q = analyse("12 Main St")
    >>> [c.id for c in rank(q, {1: Address(number="12", street="MAIN", tag="ST"),
    ...                         2: Address(number="14", street="ELM", tag="ST")}, {}, limit=5, min_score=50)]
    [1]
    """
    scored = []
    for row_id, address in rows.items():
        street = names.get(address.street or "")
        if street is None:
            street = street_score(query, address.street)
        value = round(score(query, address, street), 1)
        if value >= min_score:
            scored.append(Candidate(row_id, address, value))
    scored.sort(key=lambda c: (-c.score, c.id))
    return scored[:limit]
