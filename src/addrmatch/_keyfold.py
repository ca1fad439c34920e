"""The folds of the match key (see :mod:`addrmatch.key` for the list).

Private, and compiled with mypyc when the package is built; the public
:func:`addrmatch.match_key` and :func:`addrmatch.explain` call these.
"""

from __future__ import annotations

import re

from addrmatch.address import Address
from addrmatch.tables import TABLES

__all__ = ["fold_name", "fold_number", "fold_unit", "key_from_parts", "key_of", "split_type_word"]

_NOT_ALNUM = re.compile(r"[^A-Z0-9 ]+")
_NOT_ALNUM_HYPHEN = re.compile(r"[^A-Z0-9 -]+")
_ORDINAL_NUMBER = re.compile(r"^(\d+)(?:ST|ND|RD|TH)$")
_LEADING_ZEROS = re.compile(r"^0+(?=\d)")
_ORDINAL_WORDS = TABLES.ordinal_words
_DIRECTIONALS = TABLES.directionals
_SUFFIXES = TABLES.suffixes
_HIGHWAY_WORDS = {w: "HWY" for w in ("HIGHWAY", "HWY", "HIWAY", "HWAY", "HIGHWY")}
_HIGHWAY_WORDS.update({w: "RTE" for w in ("ROUTE", "RTE", "RT")})
_HIGHWAY_MODIFIERS = {"ST": "STATE", "STATE": "STATE", "CO": "COUNTY", "COUNTY": "COUNTY", "US": "US"}
_NAME_ABBREVIATIONS = {"ST": "SAINT", "STE": "SAINTE", "FT": "FORT", "MT": "MOUNT"}


def _number_word(word: str) -> str:
    word = _ORDINAL_WORDS.get(word, word)
    m = _ORDINAL_NUMBER.match(word)
    return m.group(1) if m else word


def fold_name(value: str | None) -> str:
    """Street or city name -> key part (see :mod:`addrmatch.key`)."""
    if not value:
        return ""
    if "-" in value:
        words = _words_with_hyphens(value)
    elif (bare := value.replace(" ", "")).isascii() and bare.isalnum():
        words = value.split()  # canonical words are usually plain A-Z0-9: no regex needed
    else:
        words = _NOT_ALNUM.sub("", value).split()
    if len(words) == 1 and words[0] in _DIRECTIONALS:
        return _DIRECTIONALS[words[0]]
    highway = False
    for n, w in enumerate(words):
        if w in _HIGHWAY_WORDS or (n > 0 and (w == "RD" or w == "ROAD")):
            highway = True
            break
    out: list[str] = []
    n = 0
    count = len(words)
    while n < count:
        word = words[n]
        nxt = words[n + 1] if n + 1 < count else ""
        if nxt and word + nxt in _ORDINAL_WORDS:
            out.append(_number_word(word + nxt))  # "TWENTY FIRST" ~ "21ST"
            n += 2
            continue
        if highway and word in _HIGHWAY_MODIFIERS and (nxt in _HIGHWAY_WORDS or nxt == "RD" or nxt == "ROAD"):
            out.append(_HIGHWAY_MODIFIERS[word])
        elif highway and word in _HIGHWAY_WORDS:
            out.append(_HIGHWAY_WORDS[word])
        elif highway and word == "ROAD" and n > 0:
            out.append("RD")
        else:
            out.append(_number_word(_NAME_ABBREVIATIONS.get(word, word)))
        n += 1
    return "".join(out)


def _words_with_hyphens(value: str) -> list[str]:
    """Words, with "TWENTY-FIRST" read as one ordinal and other hyphens as spaces."""
    words: list[str] = []
    for word in _NOT_ALNUM_HYPHEN.sub("", value).split():
        if "-" in word and word in _ORDINAL_WORDS:
            words.append(word.replace("-", ""))
        else:
            words.extend(word.replace("-", " ").split())
    return words


def fold_unit(value: str | None) -> str:
    if not value:
        return ""
    words = _NOT_ALNUM.sub(" ", value).split()
    return "".join(_LEADING_ZEROS.sub("", _number_word(w)) for w in words)


def fold_number(value: str | None) -> str:
    return value.replace(" ", "") if value else ""


def _place(zip_code: str | None, city: str | None, state: str | None) -> str:
    if zip_code:
        return "Z" + zip_code[:5]
    return f"C{fold_name(city)},{state or ''}"


def split_type_word(street: str | None, tag: str | None) -> tuple[str | None, str | None]:
    """A type word left at the end of a name without a type becomes the type:
    ("COTTAGE GROVE", None) -> ("COTTAGE", "GRV")."""
    if tag is None and street and " " in street:
        head, last = street.rsplit(" ", 1)
        if last in _SUFFIXES:
            return head, _SUFFIXES[last]
    return street, tag


def key_of(canonical: Address) -> str:
    """The key of an address already in canonical form (no parsing)."""
    a = canonical
    return key_from_parts(
        a.po_box, a.number, a.prefix, a.street, a.tag, a.direction, a.apt, a.city, a.state, a.zip
    )


def key_from_parts(
    po_box: bool,
    number: str | None,
    prefix: str | None,
    street: str | None,
    tag: str | None,
    direction: str | None,
    apt: str | None,
    city: str | None,
    state: str | None,
    zip_code: str | None,
) -> str:
    """The key from canonical components (``key_of`` without an Address)."""
    place = _place(zip_code, city, state)
    if po_box:
        return f"B|{fold_number(number)}|{place}"
    street, tag = split_type_word(street, tag)
    return "|".join(
        (
            "S",
            fold_number(number),
            prefix or "",
            fold_name(street),
            tag or "",
            direction or "",
            fold_unit(apt),
            place,
        )
    )
