"""The values the fuzz throws: hostile ones, ordinary valid ones, and the
valid ones with hostile parts.

Hostile values are what a careless or hostile caller sends: text with lone
surrogates, NUL and other control characters, case-folding oddities, SQL and
LIKE syntax; text far longer than every documented limit; huge and negative
integers; floats with NaN and infinities; wrong types (None, bytes, lists,
dicts, sets, dates, objects whose ``__repr__``/``__str__``/``__eq__``/
``__hash__``/``__bool__`` raise); JSON nested far deeper than any limit;
unknown keys. Valid values (addresses in every form the library reads, staff
payloads) keep the happy path exercised, and :func:`mutated` puts hostile
values into them at any depth.

Every drawn call is a :class:`Call`, whose ``repr`` is short and never raises
(a megabyte of text is shown as ``'x' * 1000001``, a broken object by its
class), so hypothesis can print a falsifying example whatever it holds.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import math
from collections.abc import Callable, Mapping
from pathlib import PurePosixPath
from typing import Any

from hypothesis import strategies as st

# -- secrets: personal data that must never appear in clear ------------------------------

#: Social Security numbers the valid payloads use (as sent, with dashes).
SSNS = ("123-45-6789", "987-65-4320", "555-12-3456")
#: Birthdates the valid payloads use; no other date the fuzz sends falls in these years.
BIRTHDATES = ("1979-12-26", "1985-03-14", "1962-07-04")


def secrets_in(text: str) -> list[str]:
    """The personal values of :data:`SSNS` and :data:`BIRTHDATES` that ``text``
    holds in clear (an SSN with or without its dashes).

    >>> secrets_in("ssn ***-**-6789, born ****-**-**")
    []
    >>> secrets_in("12345 123456789 1979-12-26")
    ['123456789', '1979-12-26']
    """
    found = []
    for ssn in SSNS:
        found += [form for form in (ssn, ssn.replace("-", "")) if form in text]
    return found + [day for day in BIRTHDATES if day in text]


# -- objects that break when touched ----------------------------------------------------


class Sabotage(Exception):
    """Raised by the dunder methods of :class:`Broken` objects. It is the
    caller's own error: the oracle lets it propagate from a call (a library
    may compare or print a value it is given), but the library's own errors
    must stay printable whatever they hold."""


def _pretty(self: Any, printer: Any, cycle: bool) -> None:
    """Hypothesis's pretty printer shows drawn values through this method."""
    printer.text(short(self))


class Broken:
    """A value of no accepted type whose every protocol method raises: a library
    that checks types first (``isinstance``) never touches them."""

    def __repr__(self) -> str:
        raise Sabotage("__repr__")

    def __str__(self) -> str:
        raise Sabotage("__str__")

    def __format__(self, spec: str) -> str:
        raise Sabotage("__format__")

    def __eq__(self, other: object) -> bool:
        raise Sabotage("__eq__")

    def __ne__(self, other: object) -> bool:
        raise Sabotage("__ne__")

    def __lt__(self, other: object) -> bool:
        raise Sabotage("__lt__")

    def __hash__(self) -> int:
        raise Sabotage("__hash__")

    def __bool__(self) -> bool:
        raise Sabotage("__bool__")

    _repr_pretty_ = _pretty


class BrokenText(str):
    """Text (a ``str`` subclass) whose ``__repr__``, ``__str__`` and ``__format__`` raise."""

    def __repr__(self) -> str:
        raise Sabotage("__repr__")

    def __str__(self) -> str:
        raise Sabotage("__str__")

    def __format__(self, spec: str) -> str:
        raise Sabotage("__format__")

    _repr_pretty_ = _pretty


class Deep(list):  # type: ignore[type-arg]
    """A list nested ``levels`` deep, shown by its depth (its own ``repr`` would recurse)."""

    def __init__(self, levels: int) -> None:
        super().__init__()
        cur: list[Any] = self
        for _ in range(levels - 1):
            cur.append([])
            cur = cur[0]
        self.levels = levels

    _repr_pretty_ = _pretty


def deep_dict(levels: int) -> dict[str, Any]:
    """``{"a": {"a": ... }}`` ``levels`` deep (kept short: at most a few hundred)."""
    top: dict[str, Any] = {}
    cur = top
    for _ in range(levels - 1):
        cur["a"] = {}
        cur = cur["a"]
    return top


# -- printing calls ---------------------------------------------------------------------


def short(value: Any, depth: int = 0) -> str:
    """A short ``repr`` of a drawn value that never raises and that reads back
    as the same value where it can (long text as ``'unit' * n``).

    >>> short("ab" * 600), short(Broken()), short([1, {"k": None}])
    ("'ab' * 600", 'Broken()', "[1, {'k': None}]")
    """
    if isinstance(value, Deep):
        return f"Deep({value.levels})"
    if isinstance(value, (Broken, BrokenText)):
        return f"{type(value).__name__}()"
    if depth > 12:
        return "..."
    if isinstance(value, str):
        if len(value) <= 120:
            return repr(value)
        for size in range(1, 40):
            unit = value[:size]
            count, rest = divmod(len(value), size)
            if unit * count + value[:rest] == value:
                tail = f" + {value[:rest]!r}" if rest else ""
                return f"{unit!r} * {count}{tail}"
        return f"{value[:60]!r} + ... ({len(value):,} characters)"
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        if value.bit_length() > 200:
            digits = int(value.bit_length() * math.log10(2)) + 1
            return f"<int of about {digits} digits>"
        return repr(value)
    if isinstance(value, float):
        return f"float({str(value)!r})" if not math.isfinite(value) else repr(value)
    if isinstance(value, Mapping):
        items = list(value.items())
        shown = ", ".join(f"{short(k, depth + 1)}: {short(v, depth + 1)}" for k, v in items[:12])
        more = f", ... ({len(items)} items)" if len(items) > 12 else ""
        return "{" + shown + more + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        shown = ", ".join(short(v, depth + 1) for v in items[:12])
        more = f", ... ({len(items)} items)" if len(items) > 12 else ""
        open_, close = {list: "[]", tuple: "()", set: "{}", frozenset: "{}"}.get(type(value), "[]")
        return (
            f"{type(value).__name__}({open_}{shown}{more}{close})"
            if not isinstance(value, list)
            else f"[{shown}{more}]"
        )
    try:
        text = repr(value)
    except Exception:
        return f"<{type(value).__name__}>"
    return text if len(text) < 200 else text[:200] + "..."


class Call:
    """The arguments of one call: ``Call(*args, **kwargs)``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args
        self.kwargs = kwargs

    def __repr__(self) -> str:
        parts = [short(a) for a in self.args] + [f"{k}={short(v)}" for k, v in self.kwargs.items()]
        return f"Call({', '.join(parts)})"

    _repr_pretty_ = _pretty


def calls(*args: st.SearchStrategy[Any], **kwargs: st.SearchStrategy[Any]) -> st.SearchStrategy[Call]:
    """A strategy of :class:`Call` from one strategy per argument."""
    return st.builds(lambda a, k: Call(*a, **k), st.tuples(*args), st.fixed_dictionaries(kwargs))


def optional_kwargs(**kwargs: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Keyword arguments, each given or left out."""
    return st.fixed_dictionaries({}, optional=kwargs)


# -- hostile scalars ------------------------------------------------------------------

_SURROGATE = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
_CONTROL = st.one_of(st.characters(max_codepoint=0x1F), st.sampled_from(["\x7f", "\x85", "\u2028"]))
_ODD_TEXT = [
    "",
    " ",
    "\t",
    "\r\n",
    "0",
    "-1",
    "None",
    "null",
    "NaN",
    "true",
    "'; DROP TABLE person; --",
    '" OR 1=1 --',
    "%",
    "_",
    "%_%",
    "*",
    "\\",
    "a\u0301",
    "\ufeff12 Main St",
    "12\u200bMain St",
    "１２ Ｍａｉｎ Ｓｔ",
    "١٢ Main St",
    "Ⅻ Main St",
    "12½ Main St",
    "12 Straße",
    "İstanbul",
    "ﬀ",
    "ŉ",
    "12 Main St\n#4\nBlaine MN",
    "=cmd|' /C calc'!A0",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "***-**-6789",
    "PO",
    "#",
    ",,,,",
    "-",
    "12-",
    "0000000000000000000000000",
]


def _spliced(inserted: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Ordinary text with ``inserted`` characters put somewhere inside."""
    return st.builds(
        lambda head, bad, tail: head + bad + tail,
        st.sampled_from(["12 Main St", "Smith", "1001", "", "F", "2023-10-01"]),
        st.text(inserted, min_size=1, max_size=3),
        st.sampled_from(["", " Apt 4", ", Blaine MN 55123", "x"]),
    )


#: Lengths beyond every documented limit (codes 50, phones 40, names 100, fields 200, text 1,000).
_HUGE_LENGTHS = [41, 51, 101, 201, 255, 1_001, 5_000, 100_001, 1_000_001]


def _huge(units: list[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda unit, n: (unit * (n // len(unit) + 1))[:n],
        st.sampled_from(units),
        st.sampled_from(_HUGE_LENGTHS),
    )


huge_text = _huge(["x", "12 Main St ", "9", "\ud800", "a\x00", "Ab ", "%_"])

hostile_text: st.SearchStrategy[str] = st.one_of(
    st.text(max_size=20),
    st.text(st.characters(exclude_categories=()), max_size=8),  # any code point, surrogates too
    _spliced(_SURROGATE),
    _spliced(_CONTROL),
    st.sampled_from(_ODD_TEXT),
    huge_text,
    st.builds(BrokenText, st.just("12 Main St")),  # (st.just would show it: its repr raises)
)

hostile_int = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from(
        [0, -1, 1, 2**31, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64, 10**18, 10**19, 10**4000]
    ),
)

hostile_float = st.one_of(
    st.floats(),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e308, 5e-324, 1.0, 12.5]),
)

wrong_type = st.one_of(
    st.none(),
    st.booleans(),
    st.binary(max_size=10),
    st.just(bytearray(b"12 Main St")),
    st.just(b"12 Main St, Blaine MN 55123"),
    st.builds(complex, st.floats(allow_nan=False, allow_infinity=False)),
    st.sampled_from([decimal.Decimal("NaN"), decimal.Decimal("12"), decimal.Decimal("-1E+999")]),
    st.just(_dt.date(2023, 10, 1)),
    st.just(_dt.datetime(2023, 10, 1, 12, 30)),
    st.just(PurePosixPath("12 Main St")),
    st.builds(object),
    st.builds(Broken),
    st.builds(Deep, st.sampled_from([17, 100, 2_000])),
    st.builds(deep_dict, st.sampled_from([17, 50])),
    st.frozensets(st.integers(0, 3), max_size=3),
    st.sets(st.text(max_size=3), max_size=3),
    st.builds(lambda: lambda *a, **k: None),
    st.just(range(3)),
)

hostile_scalar: st.SearchStrategy[Any] = st.one_of(hostile_text, hostile_int, hostile_float, wrong_type)

_key = st.one_of(
    st.sampled_from(["staffNumber", "lastName", "unknownField", "ssn", "SSN", "dob", "notes", "", "address"]),
    hostile_text,
    st.integers(-2, 2),
    st.none(),
    st.just(("tuple", "key")),
)

#: Any JSON-like value with hostile leaves and keys.
hostile_json: st.SearchStrategy[Any] = st.recursive(
    hostile_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(_key, inner, max_size=4),
    ),
    max_leaves=10,
)

#: Anything at all: a hostile scalar, a hostile structure.
anything: st.SearchStrategy[Any] = st.one_of(hostile_scalar, hostile_json)


def or_hostile(
    valid: st.SearchStrategy[Any], *, hostile: st.SearchStrategy[Any] = anything
) -> st.SearchStrategy[Any]:
    """Mostly ``valid``, sometimes ``hostile``."""
    return st.one_of(valid, valid, hostile)


# -- valid addresses ------------------------------------------------------------------

_NUMBERS = st.one_of(
    st.integers(1, 99_999).map(str),
    st.sampled_from(["4321", "12", "123A", "123-1", "N95W18000", "123 1/2", "0", "1"]),
)
_PREFIXES = st.sampled_from(["", "N", "North", "S.", "South", "NE", "Northeast", "E", "W"])
_STREETS = st.sampled_from(
    [
        "Main",
        "Lexington",
        "Elm",
        "Oak",
        "Roosevelt",
        "Roosvelt",
        "5th",
        "Fifth",
        "Saint Paul",
        "Avenue B",
        "Calle Niño",
        "Martin Luther King Jr",
        "County Road 5",
        "State Highway 7",
        "Park",
        "South",
        "Street",
    ]
)
_TAGS = st.sampled_from(
    ["", "St", "St.", "Street", "Ave", "Avenue", "Av", "Blvd", "Ln", "Rd", "Ct", "Pkwy", "Way"]
)
_DIRECTIONS = st.sampled_from(["", "SE", "N", "West", "NW"])
_UNITS = st.sampled_from(
    ["", "Apt 45", "#4", "# 4", "Unit 4B", "Ste 100", "Basement", "Fl 2", "Bldg 2 Apt 5", "Apt"]
)
_PLACES = st.sampled_from(
    [
        "",
        "Blaine, MN 55123",
        "Blaine MN 55123-0001",
        "Blaine, Minnesota",
        "Saint Paul MN 55101",
        "55123",
        "San Juan, PR 00926",
        "APO AE 09204",
        "Chicago IL 60615",
        "MN",
    ]
)


@st.composite
def address_texts(draw: st.DrawFn) -> str:
    """A free-text address in one of the many ways people write one."""
    kind = draw(st.sampled_from(["street", "street", "street", "box", "route", "military", "junk"]))
    if kind == "box":
        line = (
            draw(st.sampled_from(["PO Box", "P.O. Box", "P O BOX", "Post Office Box", "POB", "Box"]))
            + " "
            + draw(_NUMBERS)
        )
    elif kind == "route":
        line = f"{draw(st.sampled_from(['RR', 'Rural Route', 'HC']))} {draw(st.integers(1, 9))} Box {draw(_NUMBERS)}"
    elif kind == "military":
        line = f"PSC {draw(st.integers(1, 9999))} Box {draw(st.integers(1, 9999))}"
    elif kind == "junk":
        return draw(st.sampled_from(["asdf", "", "Main St", "12", "Apt 4", ", , ,", "the house by the lake"]))
    else:
        parts = [
            draw(_NUMBERS),
            draw(_PREFIXES),
            draw(_STREETS),
            draw(_TAGS),
            draw(_DIRECTIONS),
            draw(_UNITS),
        ]
        line = " ".join(p for p in parts if p)
    place = draw(_PLACES)
    sep = draw(st.sampled_from([", ", " ", ",", "\n"]))
    text = line + (sep + place if place else "")
    return draw(st.sampled_from([text, text.upper(), text.lower(), f"  {text}  "]))


@st.composite
def boi_addresses(draw: st.DrawFn) -> dict[str, Any]:
    """A BOI address mapping: the components, or fullStreetAddress, and the place."""
    place = {
        k: v
        for k, v in {
            "city": draw(st.sampled_from([None, "Blaine", "Saint Paul", "", "St Paul"])),
            "state": draw(st.sampled_from([None, "MN", "Minnesota", "mn", "XX"])),
            "zip": draw(st.sampled_from([None, "55123", "55123-0001", 55123, "5512", ""])),
            "county": draw(st.sampled_from([None, "Anoka"])),
        }.items()
        if v is not None
    }
    kind = draw(st.sampled_from(["full", "parts", "box", "contradictory"]))
    if kind == "full":
        return {"fullStreetAddress": draw(address_texts()), **place}
    if kind == "box":
        box: dict[str, Any] = {"postOfficeBox": draw(st.sampled_from([True, "true", "yes", 1, "Y"]))}
        box["number"] = draw(st.sampled_from(["54", 54, "125", None, "", 0]))
        return {**box, **place}
    parts = {
        "number": draw(st.one_of(_NUMBERS, st.integers(0, 10**12), st.none())),
        "prefix": draw(_PREFIXES) or None,
        "street": draw(_STREETS),
        "tag": draw(_TAGS) or None,
        "direction": draw(_DIRECTIONS) or None,
        "apt": draw(_UNITS) or None,
    }
    parts = {k: v for k, v in parts.items() if v is not None}
    if kind == "contradictory":  # the input rules' cases: fullStreetAddress with parts, a box with a street
        extra = draw(
            st.sampled_from(
                [
                    {"fullStreetAddress": "12 Main St"},
                    {"postOfficeBox": True},
                    {"postOfficeBox": True, "number": None},
                    {"postOfficeBox": "maybe"},
                    {"locationCode": "X", "tract": "1", "block": "2"},
                ]
            )
        )
        parts.update(extra)
    return {**parts, **place}


def addresses() -> st.SearchStrategy[Any]:
    """An :class:`addrmatch.Address`, with valid or hostile components. Components
    that Address itself refuses (not text: the ``Address`` target checks that it
    says so) give the same components as a mapping instead."""
    from addrmatch import Address, AddressError

    def build(**components: Any) -> Any:
        try:
            return Address(**components)
        except AddressError:
            return components

    component = st.one_of(st.none(), st.none(), _STREETS, _NUMBERS, hostile_text, hostile_scalar)
    return st.builds(
        build,
        po_box=st.one_of(st.booleans(), st.booleans(), hostile_scalar),
        number=component,
        prefix=st.one_of(st.none(), _PREFIXES, hostile_text),
        street=component,
        tag=st.one_of(st.none(), _TAGS),
        direction=st.one_of(st.none(), _DIRECTIONS),
        apt=st.one_of(st.none(), _UNITS, hostile_text),
        city=st.one_of(st.none(), st.just("Blaine"), hostile_text),
        state=st.one_of(st.none(), st.just("MN"), hostile_text),
        zip=st.one_of(st.none(), st.just("55123"), hostile_text, hostile_int),
    )


def address_values() -> st.SearchStrategy[Any]:
    """What the core and the store accept (text, an Address, a BOI mapping), valid or hostile."""
    return st.one_of(
        address_texts(),
        address_texts(),
        boi_addresses().flatmap(mutated),
        addresses(),
        hostile_text,
        anything,
    )


# -- putting hostile values into valid structures ------------------------------------------


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path (keys and indexes) into a JSON-like value, the value itself
    first (a :class:`Deep` list and what is nested past 20 levels are not entered)."""
    out = [prefix]
    if isinstance(value, Deep) or len(prefix) > 20:
        return out
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


def _replace(value: Any, path: tuple[Any, ...], new: Any, *, delete: bool = False) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        copy = dict(value)
        if delete and not rest:
            copy.pop(head, None)
        else:
            copy[head] = _replace(value[head], rest, new, delete=delete)
        return copy
    copy_list = list(value)
    if delete and not rest:
        del copy_list[head]
    else:
        copy_list[head] = _replace(value[head], rest, new, delete=delete)
    return copy_list


_UNKNOWN_KEYS = st.sampled_from(
    ["lastname", "SSN", "socialSecurity", "dob", "birthDate", "notes", "id", "__proto__", "household ", "Ssn"]
)


@st.composite
def _mutation(draw: st.DrawFn, value: Any) -> Any:
    paths = _paths(value)
    what = draw(st.sampled_from(["replace", "replace", "delete", "unknown-key", "secret-elsewhere"]))
    path = draw(st.sampled_from(paths))
    if what == "delete" and path:
        return _replace(value, path, None, delete=True)
    if what in ("unknown-key", "secret-elsewhere"):
        dicts = [p for p in paths if isinstance(_get(value, p), dict)]
        if not dicts:
            return value
        where = draw(st.sampled_from(dicts))
        secret = st.sampled_from([*SSNS, *BIRTHDATES, SSNS[0].replace("-", "")])
        new = draw(secret if what == "secret-elsewhere" else anything)
        key = draw(st.one_of(_UNKNOWN_KEYS, _key))
        try:
            return _replace(value, where, {**_get(value, where), key: new})
        except Sabotage:  # a Broken key: a dict cannot hold it
            return value
    return _replace(value, path, draw(anything))


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def mutated(value: Any, *, rounds: int = 3) -> st.SearchStrategy[Any]:
    """``value`` as it is, or with up to ``rounds`` hostile changes (a field
    replaced by any hostile value, deleted, an unknown key added...) at any depth."""

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        out = value
        for _ in range(draw(st.integers(0, rounds))):
            out = draw(_mutation(out))
        return out

    return build()


# -- valid staff payloads -------------------------------------------------------------

STAFF_NUMBERS = ["1001", "1002", "2002", "D1", "d1", "NEW1", "abc", "ABC", " 1001 ", "01001"]
_DATES = st.sampled_from(["2020-07-25", "2023-10-01", "2024-08-01", "2024-02-29", "2030-01-01", None])


@st.composite
def positions(draw: st.DrawFn) -> dict[str, Any]:
    """A position: the specification's basketball coach, and variations."""
    position: dict[str, Any] = {
        "schoolNumber": draw(st.sampled_from(["010", "106", "10", "999"])),
        "assignmentCode": draw(st.sampled_from(["20", "12", "99", None])),
        "titleCode": draw(st.sampled_from(["4A61E262", "T1", None, "NEWTITLE"])),
        "titleDescription": draw(st.sampled_from(["Varsity Basketball", None, "Teacher"])),
        "startDate": draw(st.sampled_from(["2023-10-01", "2020-08-25", "2024-08-01", "2023-02-30"])),
    }
    if draw(st.booleans()):
        position["endDate"] = draw(_DATES)
    return position


@st.composite
def household_locations(draw: st.DrawFn) -> dict[str, Any]:
    location: dict[str, Any] = {"address": draw(boi_addresses())}
    for flag in ("mailing", "physical", "secondary", "private"):
        if draw(st.integers(0, 3)) == 0:
            location[flag] = draw(st.sampled_from([True, False, "yes", 0]))
    if draw(st.integers(0, 3)) == 0:
        location["addressId"] = draw(st.sampled_from([1, 2, 999, 0]))
    if draw(st.integers(0, 3)) == 0:
        location["startDate"] = draw(_DATES)
    return location


@st.composite
def staff_payloads(draw: st.DrawFn, *, number: str | None = None) -> dict[str, Any]:
    """A valid-looking staff payload (its staff number, lists and addresses vary)."""
    payload: dict[str, Any] = {
        "staffNumber": number if number is not None else draw(st.sampled_from(STAFF_NUMBERS)),
        "lastName": draw(st.sampled_from(["Simpson", "Brown", "O'Brien", "Núñez", "Smith-Jones"])),
        "firstName": draw(st.sampled_from(["Pat", "Ana", "Bryan"])),
        "gender": draw(st.sampled_from(["F", "M", "X", "Q", "f"])),
    }
    optional = {
        "middleName": st.sampled_from([None, "Lee", ""]),
        "ssn": st.sampled_from([*SSNS, SSNS[1].replace("-", ""), "***-**-6789", "12-345-6789", None]),
        "birthdate": st.sampled_from([*BIRTHDATES, None, "1979-13-40"]),
        "workPhone": st.sampled_from(["320-555-0071", None]),
        "cellPhone": st.sampled_from(["320-555-0072", ""]),
        "workEmail": st.sampled_from(["psimpson@school.k12.mo.us", "PSIMPSON@school.k12.mo.us"]),
        "personalEmail": st.sampled_from(["pat@example.org", None]),
        "employments": st.lists(
            st.fixed_dictionaries({"hireDate": _DATES}, optional={"terminationDate": _DATES}), max_size=2
        ),
        "positions": st.lists(positions(), max_size=2),
        "household": st.fixed_dictionaries(
            {"householdLocations": st.lists(household_locations(), max_size=2)},
            optional={
                "name": st.sampled_from(["Simpson", ""]),
                "phone": st.just("763-555-0100"),
                "phonePrivate": st.booleans(),
            },
        ),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            payload[name] = draw(strategy)
    return payload


def hostile_staff_payloads(*, number: str | None = None) -> st.SearchStrategy[Any]:
    """A staff payload with hostile parts at any depth; sometimes anything at all."""
    return st.one_of(
        staff_payloads(number=number),
        staff_payloads(number=number).flatmap(mutated),
        staff_payloads(number=number).flatmap(mutated),
        anything,
    )


def hostile_positions() -> st.SearchStrategy[Any]:
    return st.one_of(positions(), positions().flatmap(mutated), positions().flatmap(mutated), anything)


def mostly(valid: list[Any] | st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One of the ``valid`` values (a list or a strategy), or a hostile one."""
    strategy = st.sampled_from(valid) if isinstance(valid, list) else valid
    return or_hostile(strategy)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


Thunk = Callable[[], Any]
