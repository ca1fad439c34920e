"""The input gate: every value that enters addrmatch from outside passes here.

One place decides what text, numbers and booleans the library accepts, so
that the core (``parse``, ``normalize``, ``match_key``, the store, the
command line) and :mod:`addrmatch.boi` refuse bad input alike, at once, and
with the field and the rule named. Each check returns a :class:`Problem`
(or None); the caller raises its own error class with it
(:func:`check_text` raises the core's :class:`~addrmatch.errors.AddressError`;
``addrmatch.boi`` raises its ``ValidationError``).

Text (:func:`text_problem`) must be

* a ``str`` (rule ``type``);
* at most ``limit`` characters (rule ``too-long``): see the limits below;
* valid Unicode: no lone surrogate code point (rule ``invalid-unicode``).
  A Python ``str`` can hold one (a JSON file carries them as ``"\\ud800"``),
  but it cannot be encoded, stored in SQLite or written to a file;
* free of control characters other than tab, line feed and carriage return
  (rule ``control-character``): a NUL ends a C string early and no address
  holds one.

Integers (:func:`integer_problem`) must be an ``int`` that is not a ``bool``
and lie in the caller's range (rules ``type``, ``out-of-range``): a
5,000-digit number is refused before anything converts it to text.
Booleans are read by the one parser, :func:`parse_bool`.

Limits (the README's "Limits" table lists them with the BOI field limits):

* :data:`MAX_ADDRESS_TEXT` = 1,000 characters for the free text of one
  address (the longest real US address line is far shorter; reading is
  linear in the text, so the limit bounds the time of one call);
* :data:`MAX_ADDRESS_FIELD` = 200 characters for one address component;
* :data:`MAX_ADDRESS_INTEGER`: an address component given as an integer
  (a house or box number) lies in ``0 .. 10**12``.

:func:`preview` caps a value echoed in an error message.

>>> text_problem("12 Main St", limit=MAX_ADDRESS_TEXT) is None
True
>>> text_problem("12 Ma\\udcffin St", limit=MAX_ADDRESS_TEXT).rule
'invalid-unicode'
>>> integer_problem(10**4300, minimum=0, maximum=MAX_ADDRESS_INTEGER).rule
'out-of-range'
"""

from __future__ import annotations

import math
import re
from typing import Final, NamedTuple

from addrmatch.errors import AddressError

__all__ = [
    "MAX_ADDRESS_FIELD",
    "MAX_ADDRESS_INTEGER",
    "MAX_ADDRESS_TEXT",
    "Problem",
    "check_integer",
    "check_text",
    "integer_problem",
    "is_missing",
    "parse_bool",
    "preview",
    "text_problem",
]

#: The longest free text of one address, in characters.
MAX_ADDRESS_TEXT: Final = 1_000
#: The longest single address component (street, city, apt...), in characters.
MAX_ADDRESS_FIELD: Final = 200
#: The largest address component given as an integer (a house or box number).
MAX_ADDRESS_INTEGER: Final = 10**12

_SURROGATE: Final = re.compile("[" + chr(0xD800) + "-" + chr(0xDFFF) + "]")
_CONTROL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TRUE: Final = frozenset({"true", "t", "yes", "y", "1"})
_FALSE: Final = frozenset({"false", "f", "no", "n", "0"})


class Problem(NamedTuple):
    """Why a value was refused: a rule id and a message without the field name.

    >>> Problem("too-long", "2,000 characters, more than the limit of 1,000").rule
    'too-long'
    """

    rule: str
    message: str


def preview(value: object, limit: int = 40) -> str:
    """``repr(value)`` cut to about ``limit`` characters, for error messages.

    Never raises (a huge ``int`` cannot be turned into text whole; an object's
    own ``repr`` may fail).

    >>> preview("x" * 1000)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... (1,000 characters)"
    >>> preview(10**5000)
    'an integer of about 5,001 digits'
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        digits = int(value.bit_length() * math.log10(2)) + 1
        return f"an integer of about {digits:,} digits"
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}"[:-1] + f"... ({len(value):,} characters)"
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ must not hide the real error
        return f"a {type(value).__name__}"
    return text if len(text) <= limit + 2 else text[: limit + 1] + "..."


def text_problem(value: object, *, limit: int) -> Problem | None:
    """What is wrong with ``value`` as text of at most ``limit`` characters, or None.

    >>> text_problem(b"12 Main St", limit=100)
    Problem(rule='type', message='must be text, got bytes')
    >>> text_problem("12 Main\\x00St", limit=100).rule
    'control-character'
    >>> text_problem("x" * 101, limit=100).message
    '101 characters, more than the limit of 100'
    """
    if not isinstance(value, str):
        return Problem("type", f"must be text, got {type(value).__name__}")
    if len(value) > limit:
        return Problem("too-long", f"{len(value):,} characters, more than the limit of {limit:,}")
    if value.isascii() and value.isprintable():
        return None  # nearly every real value: two C-speed scans
    m = _SURROGATE.search(value)
    if m is not None:
        return Problem(
            "invalid-unicode",
            f"holds a lone surrogate U+{ord(m.group()):04X} at position {m.start()}: not valid Unicode text",
        )
    m = _CONTROL.search(value)
    if m is not None:
        return Problem(
            "control-character", f"holds the control character U+{ord(m.group()):04X} at position {m.start()}"
        )
    return None


def check_text(value: object, *, field: str, limit: int = MAX_ADDRESS_TEXT) -> str:
    """``value`` if it is acceptable text, else :class:`~addrmatch.errors.AddressError`
    naming ``field`` and the rule.

    >>> check_text("12 Main St", field="fullStreetAddress")
    '12 Main St'
    >>> check_text(None, field="fullStreetAddress")
    Traceback (most recent call last):
    ...
    addrmatch.errors.AddressError: fullStreetAddress: must be text, got NoneType
    """
    problem = text_problem(value, limit=limit)
    if problem is not None:
        raise AddressError(f"{field}: {problem.message}", fields=(field,), rule=problem.rule)
    return value  # type: ignore[return-value]  # text_problem checked it is a str


def integer_problem(value: object, *, minimum: int, maximum: int) -> Problem | None:
    """What is wrong with ``value`` as an integer in ``minimum .. maximum``, or None.

    >>> integer_problem(True, minimum=0, maximum=10)
    Problem(rule='type', message='must be an integer, got bool')
    >>> integer_problem(11, minimum=0, maximum=10)
    Problem(rule='out-of-range', message='11 is outside 0 .. 10')
    """
    if isinstance(value, bool) or not isinstance(value, int):
        return Problem("type", f"must be an integer, got {type(value).__name__}")
    if not minimum <= value <= maximum:
        return Problem("out-of-range", f"{preview(value)} is outside {minimum:,} .. {maximum:,}")
    return None


def check_integer(value: object, *, field: str, minimum: int = 0, maximum: int = MAX_ADDRESS_INTEGER) -> int:
    """``value`` if it is an integer in range, else :class:`~addrmatch.errors.AddressError`.

    >>> check_integer(54, field="number")
    54
    """
    problem = integer_problem(value, minimum=minimum, maximum=maximum)
    if problem is not None:
        raise AddressError(f"{field}: {problem.message}", fields=(field,), rule=problem.rule)
    return value  # type: ignore[return-value]


def parse_bool(value: object) -> bool | None:
    """The one boolean reader: ``True``/``False``, the integers 1/0 and the
    words true/false, t/f, yes/no, y/n, 1/0 (any case, surrounding spaces
    ignored); None for anything else, so that the caller names the field.

    >>> [parse_bool(v) for v in (True, 0, " Yes ", "n", "maybe", 2, None)]
    [True, False, True, False, None, None, None]
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return bool(value) if value in (0, 1) else None
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    return None


def is_missing(value: object) -> bool:
    """None, NaN (pandas' missing value) and ``pandas.NA``/``NaT`` are missing.

    >>> [is_missing(v) for v in (None, float("nan"), "", 0)]
    [True, True, False, False]
    """
    if value is None:
        return True
    if isinstance(value, float):
        return value != value  # NaN
    name = type(value).__name__
    return name in ("NAType", "NaTType")
