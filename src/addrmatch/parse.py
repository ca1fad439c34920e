"""Free text -> address components, as written.

The components come from the one reading of a text (:mod:`addrmatch.reading`):
the fast reader's (a tokenizer with one table lookup per word, then a
table-driven reading of the common shapes, compiled with mypyc when built),
and usaddress's only for text the fast reader cannot read at all.
:func:`parse_details` says which reader decided, how sure it is, and what
it left out; :func:`parse` returns the address only. ``normalize``,
``match_key`` and the store read text the same way, so
``normalize(t) == canonicalize(parse(t))`` for every text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from addrmatch._build import from_parts
from addrmatch._crf import crf_parts
from addrmatch.address import Address
from addrmatch.reading import read

__all__ = ["CONFIDENT", "ParseResult", "parse", "parse_details"]

#: A fast reading below this confidence has an alternative when one is asked for.
CONFIDENT = 0.5

Path = Literal["fast", "crf"]


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What :func:`parse_details` found.

    ``confidence`` is in [0, 1]: 1 for an unambiguous shape, lower when
    readings competed; ``path`` is ``"fast"`` (the fast reader) or ``"crf"``
    (usaddress read what the fast reader could not); ``warnings`` name
    words that were left out or guessed. ``alternatives`` holds other
    readings of the text, only when :func:`parse_details` is asked for them
    (``alternatives=True``): usaddress's reading of an unsure fast reading
    when it differs. No function of addrmatch uses an alternative: they are
    for a person to look at.
    """

    address: Address
    confidence: float
    path: Path
    warnings: tuple[str, ...] = ()
    alternatives: tuple[Address, ...] = ()


def parse(text: str) -> Address:  # text: str, but anything else raises AddressError too
    """Split free text into address components, as written.

    >>> a = parse("4321 South Lexington Ave SE Apt 45, Blaine, MN 55123")
    >>> (a.number, a.prefix, a.street, a.tag, a.direction, a.apt, a.city, a.state, a.zip)
    ('4321', 'South', 'Lexington', 'Ave', 'SE', '45', 'Blaine', 'MN', '55123')
    >>> parse("P.O. Box 125").po_box, parse("P.O. Box 125").number
    (True, '125')
    """
    return from_parts(Address, read(text).parts)  # type: ignore[no-any-return]


def parse_details(text: str, *, alternatives: bool = False) -> ParseResult:
    """Parse and say how: confidence, the reader that decided, and warnings.

    With ``alternatives=True``, a fast reading below :data:`CONFIDENT` also
    gets usaddress's reading of the text, when that differs, in
    ``alternatives`` (slower: usaddress reads about ten times slower).

    Raises :class:`~addrmatch.errors.UnparseableAddressError` when no street
    or box can be found, and :class:`~addrmatch.errors.AddressError` for
    text the input gate refuses. Never raises anything else.

    >>> r = parse_details("4321 W 109th Ave NW")
    >>> r.path, r.address.street, r.address.direction
    ('fast', '109th', 'NW')
    """
    reading = read(text)
    address = Address.from_parts(reading.parts)
    others: tuple[Address, ...] = ()
    if alternatives and reading.path == "fast" and reading.confidence < CONFIDENT:
        crf = crf_parts(text)
        if crf is not None and crf[0] != reading.parts:
            others = (Address.from_parts(crf[0]),)
    return ParseResult(address, reading.confidence, reading.path, reading.warnings, others)  # type: ignore[arg-type]
