"""Masking of personal data (SSN and birthdate).

The specification's staff payload carries two pieces of personal data: the
``ssn`` and the ``birthdate``. They never leave :mod:`addrmatch.boi` in clear
through the error log, its CSV export, exception messages or ``repr``:

* an SSN is shown by its last four digits only: ``***-**-6789``;
* a birthdate is shown as ``****-**-**`` (the reports, which must tell
  one staff member from another, show its year only: ``1991-**-**``).

:func:`mask_payload` masks every ``ssn``/``birthdate`` key at any depth of a
payload (the error log stores payloads this way), and, since unknown fields
are exactly what fails and gets logged, also any key whose name suggests
personal data (it contains "ssn", "social", "birth" or "dob") and, in an
unknown key's value, anything that looks like an SSN (nine digits, with or
without dashes or spaces) or a date; :func:`scrub` removes the
clear values from a free text (an exception message) as a second line of
defence; :class:`MaskedRecord` is a ``dict`` whose ``repr`` is masked.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from addrmatch.boi.fields import DEFAULT_SCHEMA, all_field_names

__all__ = [
    "SENSITIVE_FIELDS",
    "MaskedRecord",
    "is_sensitive",
    "mask_birth_year",
    "mask_birthdate",
    "mask_payload",
    "mask_ssn",
    "mask_text",
    "mask_value",
    "scrub",
    "scrub_exception",
    "sensitive_values",
]

#: Payload keys (compared case-insensitively) whose values are personal data
#: (the fields declared ``sensitive`` in :mod:`addrmatch.boi.fields`) -> how they are masked.
SENSITIVE: dict[str, str] = {name.lower(): kind for name, kind in DEFAULT_SCHEMA.sensitive.items()}
SENSITIVE_FIELDS: frozenset[str] = frozenset(SENSITIVE)

_BIRTHDATE_MASK = "****-**-**"


_SSN_NAME = ("ssn", "social")
_BIRTH_NAME = ("birth", "dob")
#: An SSN-like run of nine digits (dashes or spaces allowed) or a date, inside a text.
_SSN_LIKE = re.compile(r"(?<!\d)\d{3}[- ]?\d{2}[- ]?\d{4}(?!\d)")
_DATE_LIKE = re.compile(r"(?<!\d)(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})(?!\d)")


def _kind(key: str) -> str | None:
    """``"ssn"``, ``"birthdate"`` or None: what personal data a key's name says it holds."""
    name = re.sub(r"[^a-z0-9]", "", key.lower())
    if name in SENSITIVE:
        return SENSITIVE[name]
    if key in _KNOWN:
        return None
    if any(part in name for part in _SSN_NAME):
        return "ssn"
    if any(part in name for part in _BIRTH_NAME):
        return "birthdate"
    return None


#: The field names of the specification's payloads (staff, position, household, address).
_KNOWN: frozenset[str] = all_field_names()


def mask_text(text: str) -> str:
    """``text`` with anything looking like an SSN or a date masked.

    >>> mask_text("born 1975-05-06, ssn 111 22 3333")
    'born ****-**-**, ssn ***-**-3333'
    """
    text = _DATE_LIKE.sub(_BIRTHDATE_MASK, text)
    return _SSN_LIKE.sub(lambda m: f"***-**-{m.group(0)[-4:]}", text)


def _leaf(field: str) -> str:
    """The last name of a field path: ``"positions[0].startDate"`` -> ``"startDate"``."""
    parts = [p for p in re.split(r"[.\[\]]", field) if p and not p.isdigit()]
    return parts[-1] if parts else field


def is_sensitive(field: str | None) -> bool:
    """True when a field name or path (``"persons[0].ssn"``) names personal data.

    >>> is_sensitive("ssn"), is_sensitive("household.birthdate"), is_sensitive("lastName")
    (True, True, False)
    """
    return field is not None and _kind(_leaf(field)) is not None


def mask_ssn(value: Any) -> str | None:
    """An SSN reduced to its last four digits.

    >>> mask_ssn("123-45-6789")
    '***-**-6789'
    >>> mask_ssn("12")
    '***-**-****'
    >>> mask_ssn(None) is None
    True
    """
    if value is None:
        return None
    digits = re.sub(r"\D", "", str(value))
    if len(digits) < 4 or len(digits) > 9:
        return "***-**-****"
    return f"***-**-{digits[-4:]}"


def mask_birthdate(value: Any) -> str | None:
    """A birthdate with every digit hidden.

    >>> mask_birthdate("1980-02-29")
    '****-**-**'
    """
    return None if value is None else _BIRTHDATE_MASK


def mask_birth_year(value: Any) -> str | None:
    """A birthdate reduced to its year (the reports' form); anything else fully masked.

    >>> mask_birth_year("1991-12-08"), mask_birth_year("12/08/1991"), mask_birth_year(None)
    ('1991-**-**', '****-**-**', None)
    """
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d{4})-\d{1,2}-\d{1,2}\s*", str(value))
    return f"{match.group(1)}-**-**" if match else _BIRTHDATE_MASK


def mask_value(field: str | None, value: Any) -> Any:
    """``value`` masked when ``field`` is personal data, else unchanged.

    >>> mask_value("ssn", "123456789"), mask_value("lastName", "Smith")
    ('***-**-6789', 'Smith')
    """
    kind = None if field is None or value is None else _kind(_leaf(field))
    if kind is None:
        return value
    return mask_ssn(value) if kind == "ssn" else mask_birthdate(value)


def mask_payload(payload: Any, secrets: Iterable[tuple[str, str]] = ()) -> Any:
    """A copy of ``payload`` with every ``ssn`` and ``birthdate`` masked, at any depth.

    ``secrets`` (clear, masked) pairs are also scrubbed from every other value
    (a birthdate sent by mistake as another field's value).

    >>> mask_payload({"ssn": "123-45-6789", "lastName": "Smith", "kids": [{"Birthdate": "2010-01-01"}]})
    {'ssn': '***-**-6789', 'lastName': 'Smith', 'kids': [{'Birthdate': '****-**-**'}]}
    >>> mask_payload({"gender": "1980-01-02"}, [("1980-01-02", "****-**-**")])
    {'gender': '****-**-**'}
    """
    pairs = list(secrets)
    if isinstance(payload, Mapping):
        out: dict[Any, Any] = {}
        for key, value in payload.items():
            if isinstance(key, str) and _kind(key) is not None and value is not None:
                out[key] = mask_value(key, value) if not isinstance(value, (Mapping, list, tuple)) else "****"
            elif isinstance(key, str) and key not in _KNOWN and isinstance(value, (str, int)):
                masked = mask_text(scrub(str(value), pairs))
                out[key] = value if masked == str(value) else masked
            else:
                out[key] = mask_payload(value, pairs)
        return out
    if isinstance(payload, (list, tuple)):
        return [mask_payload(v, pairs) for v in payload]
    if pairs and isinstance(payload, (str, int)) and not isinstance(payload, bool):
        text = str(payload)
        cleaned = scrub(text, pairs)
        return payload if cleaned == text else cleaned
    return payload


def sensitive_values(payload: Any) -> list[tuple[str, str]]:
    """The (clear text, masked text) pairs of the personal data in a payload.

    >>> sensitive_values({"ssn": "123-45-6789", "birthdate": "1980-01-02"})
    [('123-45-6789', '***-**-6789'), ('123456789', '***-**-6789'), ('1980-01-02', '****-**-**')]
    """
    found: list[tuple[str, str]] = []

    def walk(obj: Any) -> None:
        if isinstance(obj, Mapping):
            for key, value in obj.items():
                kind = _kind(key) if isinstance(key, str) else None
                if kind is not None and value is not None:
                    if isinstance(value, (Mapping, list, tuple)):
                        walk(value)
                        continue
                    text = str(value).strip()
                    if len(text) >= 4:
                        masked = str(mask_value(key, text))
                        found.append((text, masked))
                        digits = re.sub(r"\D", "", text)
                        if kind == "ssn" and digits != text and len(digits) >= 4:
                            found.append((digits, masked))
                else:
                    walk(value)
        elif isinstance(obj, (list, tuple)):
            for value in obj:
                walk(value)

    walk(payload)
    return found


def scrub(text: str, secrets: Iterable[tuple[str, str]]) -> str:
    """``text`` with each clear secret replaced by its masked form.

    >>> scrub("bad value 123-45-6789", [("123-45-6789", "***-**-6789")])
    'bad value ***-**-6789'
    """
    for clear, masked in sorted(secrets, key=lambda pair: -len(pair[0])):
        if clear:
            text = text.replace(clear, masked)
    return text


def scrub_exception(exc: BaseException, secrets: Iterable[tuple[str, str]]) -> None:
    """Scrub the clear secrets out of an exception's text arguments (and a
    ``message`` / ``value`` attribute), in place.

    >>> e = ValueError("gender: '1980-01-02' is not listed")
    >>> scrub_exception(e, [("1980-01-02", "****-**-**")]); str(e)
    "gender: '****-**-**' is not listed"
    """
    pairs = list(secrets)
    if not pairs:
        return
    exc.args = tuple(scrub(a, pairs) if isinstance(a, str) else a for a in exc.args)
    for name in ("message", "value"):
        current = getattr(exc, name, None)
        if isinstance(current, str):
            cleaned = scrub(current, pairs)
            if cleaned != current:
                with contextlib.suppress(AttributeError):  # a read-only attribute stays
                    setattr(exc, name, cleaned)


class MaskedRecord(dict):  # type: ignore[type-arg]
    """A result dict whose ``repr`` (and ``str``) masks ``ssn`` and ``birthdate``.

    The values themselves are unchanged: it is a plain ``dict`` for equality,
    iteration and ``json.dumps``; only printing it hides personal data.

    >>> r = MaskedRecord(lastName="Smith", birthdate="1980-01-02")
    >>> r["birthdate"], r
    ('1980-01-02', {'lastName': 'Smith', 'birthdate': '****-**-**'})
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(mask_payload(dict(self)))

    __str__ = __repr__
