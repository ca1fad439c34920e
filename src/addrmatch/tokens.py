"""The tokenizer: address text -> words, each with its lookup key.

A token keeps its text as written (``raw``, periods included; the parser
strips a field's trailing period when it joins the field) and a lookup ``key`` (upper case, periods removed), and records
whether a separator (``,`` or ``;``) ended it. ``#45`` is split into ``#`` and
``45``. Nothing else is changed: the parser picks fields out of these tokens
and joins the raw text back, so that parse returns the words as written.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Token", "tokenize"]

# A word is anything between whitespace and separators; "#" splits off.
_WORD = re.compile(r"#|[^\s,;#]+|[,;]")
_DROP = str.maketrans("", "", ".")


class Token(NamedTuple):
    """One word of the input."""

    raw: str  #: as written
    key: str  #: upper case without periods, for table lookups
    comma: bool  #: a separator follows this word


def tokenize(text: str) -> list[Token]:
    """Split address text into tokens.

    >>> [(t.raw, t.key, t.comma) for t in tokenize("120 N. Michigan Ave., Chicago #4")]
    [('120', '120', False), ('N.', 'N', False), ('Michigan', 'MICHIGAN', False), ('Ave.', 'AVE', True), ('Chicago', 'CHICAGO', False), ('#', '#', False), ('4', '4', False)]
    """
    tokens: list[Token] = []
    for word in _WORD.findall(text):
        if word == "," or word == ";":
            if tokens and not tokens[-1].comma:
                tokens[-1] = tokens[-1]._replace(comma=True)
            continue
        key = word.translate(_DROP).upper()
        if not key:
            continue
        tokens.append(Token(word, key, False))
    return tokens
