"""The one reading of an address text.

Compiled with mypyc when the package is built; its functions take ``text:
object`` so that any value reaches the input gate and gets its AddressError
(a compiled ``str`` argument would raise TypeError first).

Every public function that takes text — :func:`~addrmatch.parse`,
:func:`~addrmatch.parse_details`, :func:`~addrmatch.normalize`,
:func:`~addrmatch.match_key`, :func:`~addrmatch.explain`,
:meth:`Address.from_boi <addrmatch.Address.from_boi>`, the store and
``dedupe`` — gets its components from :func:`_decide`, by one rule:

1. the input gate (:mod:`addrmatch.inputs`): text of at most 1,000
   characters, valid Unicode, no control characters; empty text is
   :class:`~addrmatch.errors.UnparseableAddressError`;
2. the fast reader (:mod:`addrmatch._reader`): its reading is taken whenever
   it finds a street or a box, whatever its confidence. It is deterministic
   in the words' table classes, so every spelling of one address is read
   alike (case, punctuation, Pub 28 spellings), which the match key needs;
3. only when it finds nothing, usaddress's reading (:mod:`addrmatch._crf`);
4. neither: :class:`~addrmatch.errors.UnparseableAddressError`.

:func:`read` returns the reading; :func:`canonical_parts_of` and
:func:`key_of_text` are the same decision, skipping what their callers do
not need (the as-written strings), and build the canonical form by the one
set of rules (:mod:`addrmatch._canon`). The tests check
``normalize(t) == canonicalize(parse(t))`` and ``match_key(t) ==
match_key(parse(t))`` on the corpus and on generated text.
"""

from __future__ import annotations

from addrmatch._canon import Parts, parts_from_text
from addrmatch._crf import crf_parts
from addrmatch._keyfold import key_from_parts
from addrmatch._reader import Reader, read_text
from addrmatch.errors import UnparseableAddressError
from addrmatch.inputs import MAX_ADDRESS_TEXT, check_text

__all__ = ["Reading", "canonical_parts_of", "key_of_text", "read"]


class Reading:
    """One reading of a text: its parts as written, how sure, which reader, warnings."""

    __slots__ = ("_reader", "confidence", "parts", "path", "warnings")

    def __init__(
        self, parts: Parts, confidence: float, path: str, warnings: tuple[str, ...], reader: Reader | None
    ) -> None:
        self.parts = parts
        self.confidence = confidence
        self.path = path
        self.warnings = warnings
        self._reader = reader

    def canonical_parts(self) -> Parts:
        """The canonical form of :attr:`parts` (the one set of rules)."""
        if self._reader is not None:
            return self._reader.canonical_parts()
        return parts_from_text(*self.parts)


def _decide(text: object) -> Reader | tuple[Parts, tuple[str, ...]]:
    """The rule (module docstring): the fast reader's reading, else usaddress's."""
    check_text(text, field="fullStreetAddress", limit=MAX_ADDRESS_TEXT)
    assert isinstance(text, str)
    stripped = text.strip()
    if not stripped:
        raise UnparseableAddressError("fullStreetAddress: empty address text", text=text)
    reader = read_text(text)
    if reader is not None:
        return reader
    crf = crf_parts(text)
    if crf is None:
        raise UnparseableAddressError(
            f"fullStreetAddress: no house number, street or box found in {stripped[:80]!r}", text=text
        )
    return crf


def read(text: object) -> Reading:
    """The reading of ``text`` (raises the gate's AddressError, or UnparseableAddressError).

    >>> r = read("4321 north lexington av #45")
    >>> r.parts[1:7], r.path
    (('4321', 'north', 'lexington', 'av', None, '45'), 'fast')
    """
    decided = _decide(text)
    if isinstance(decided, Reader):
        return Reading(decided.parts(), decided.confidence, "fast", tuple(decided.warnings), decided)
    parts, warnings = decided
    return Reading(parts, 0.5, "crf", warnings, None)


def canonical_parts_of(text: object) -> Parts:
    """``read(text).canonical_parts()``, without the as-written strings.

    >>> canonical_parts_of("4321 north lexington av #45")[1:7]
    ('4321', 'N', 'LEXINGTON', 'AVE', None, '45')
    """
    decided = _decide(text)
    if isinstance(decided, Reader):
        return decided.canonical_parts()
    return parts_from_text(*decided[0])


def key_of_text(text: object) -> str:
    """The match key of ``read(text)``'s canonical form, without building an Address.

    >>> key_of_text("4321 North Lexington Avenue, Blaine MN 55123")
    'S|4321|N|LEXINGTON|AVE|||Z55123'
    """
    decided = _decide(text)
    if isinstance(decided, Reader):
        return decided.key()
    return key_from_parts(*parts_from_text(*decided[0]))
