"""Generate the example data shipped with addrmatch:
``src/addrmatch/examples/staff_addresses.csv``.

    python scripts/make_example_data.py           # (re)write the file
    python scripts/make_example_data.py --check   # also compare addrmatch.match_key with the truth

A school district's staff addresses as several systems hold them (HR,
payroll, benefits, the school information system, emergency contacts): each
distinct address is written several times, in the varied forms people type,
and one staff member's address shows up once per system. The columns:

    staff_number, name, source, address, city, state, zip, true_address_id

``true_address_id`` is the ground truth: rows with the same value are the
same delivery point, and rows with different values are not -- among them
deliberate near misses (same street, another house number, unit, directional,
suffix or ZIP). It is empty for the few rows whose address is not an address
at all ("N/A", blank).

How a form varies from another of the same address (each choice is random):
case (Title, UPPER, lower); the street suffix, spelt as any variant that
USPS Publication 28 C1 lists for it (Avenue/Ave/Av/Aven...), read from
``data/street_suffixes.csv``; directionals as words, abbreviations or with
periods (``data/directionals.csv``); ordinal street names as words or
numbers (First/1st); the unit as Apt 4 / Apt. 4 / #4 / # 4 / Unit 4 /
Apartment 4, with or without a comma before it; PO boxes as PO Box / P.O. Box
/ P O Box / Post Office Box; ZIP or ZIP+4; the state as MN or Minnesota;
stray periods and doubled spaces. A form never leaves out a part (ZIP,
suffix, directional, unit): whether such a partial address is the same one
is a judgement call, not a spelling variant.

The random generator is seeded: the output is the same on every run, so the
file in the repository can be checked against a fresh run
(``--output - | diff``).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
OUTPUT = ROOT / "src" / "addrmatch" / "examples" / "staff_addresses.csv"
SEED = 20240601
N_ADDRESSES = 640  # base addresses; near-miss siblings come on top
SIBLING_RATE = 0.14
FORMS_PER_ADDRESS = (2, 3, 3, 4, 4, 4, 5, 5, 6, 7, 8)
COLUMNS = ("staff_number", "name", "source", "address", "city", "state", "zip", "true_address_id")
SOURCES = ("HR", "Payroll", "Benefits", "Campus", "Emergency contact")

# Cities of an Anoka County / Twin Cities school district, with their ZIP codes.
CITIES: dict[str, tuple[str, ...]] = {
    "Blaine": ("55434", "55449", "55014"),
    "Coon Rapids": ("55433", "55448"),
    "Anoka": ("55303",),
    "Andover": ("55304",),
    "Ramsey": ("55303",),
    "Champlin": ("55316",),
    "Ham Lake": ("55304",),
    "Fridley": ("55432",),
    "Spring Lake Park": ("55432",),
    "Saint Paul": ("55104", "55105", "55108"),
    "Minneapolis": ("55406", "55407", "55418"),
    "Brooklyn Park": ("55443", "55444"),
}
CITY_SPELLINGS = {"Saint Paul": ("Saint Paul", "St. Paul", "St Paul", "ST PAUL")}

# Street names seen in the area: (name, primary suffix, post-directional style).
# "grid" streets take a post-directional (NE/NW), as Anoka County's do.
STREETS: tuple[tuple[str, str, bool], ...] = (
    ("Lexington", "AVENUE", False),
    ("Jefferson", "STREET", True),
    ("Madison", "STREET", True),
    ("Central", "AVENUE", True),
    ("University", "AVENUE", True),
    ("Radisson", "ROAD", True),
    ("Cloud", "DRIVE", True),
    ("Sunset", "DRIVE", False),
    ("Main", "STREET", False),
    ("Oak", "STREET", False),
    ("Elm", "STREET", False),
    ("Maple", "LANE", False),
    ("Cedar", "AVENUE", False),
    ("Pine", "STREET", False),
    ("Birch", "STREET", True),
    ("Willow", "LANE", False),
    ("Aspen", "COURT", False),
    ("Hickory", "DRIVE", False),
    ("Walnut", "STREET", False),
    ("Chestnut", "STREET", False),
    ("Spruce", "CIRCLE", False),
    ("Ridge", "ROAD", False),
    ("Highland", "AVENUE", False),
    ("Hillcrest", "DRIVE", False),
    ("Meadow", "LANE", False),
    ("Prairie", "ROAD", True),
    ("Forest", "COURT", False),
    ("Riverview", "TERRACE", False),
    ("Valley", "VIEW", False),
    ("Lincoln", "STREET", True),
    ("Washington", "AVENUE", False),
    ("Franklin", "AVENUE", False),
    ("Grant", "STREET", False),
    ("Monroe", "STREET", True),
    ("Jackson", "STREET", True),
    ("Polk", "STREET", True),
    ("Taylor", "STREET", True),
    ("Roosevelt", "ROAD", False),
    ("Hamline", "AVENUE", False),
    ("Snelling", "AVENUE", False),
    ("Fairview", "AVENUE", False),
    ("Victoria", "STREET", False),
    ("Grand", "AVENUE", False),
    ("Summit", "AVENUE", False),
    ("Como", "AVENUE", False),
    ("Larpenteur", "AVENUE", False),
    ("Hanson", "BOULEVARD", True),
    ("Coon Rapids", "BOULEVARD", True),
    ("Round Lake", "BOULEVARD", True),
    ("Bunker Lake", "BOULEVARD", True),
    ("Northdale", "BOULEVARD", True),
    ("Silver Lake", "ROAD", True),
    ("Cedar Lake", "ROAD", False),
    ("Ulysses", "STREET", True),
    ("Xylite", "STREET", True),
    ("Zion", "STREET", True),
    ("Able", "STREET", True),
    ("Baltimore", "STREET", True),
    ("Crooked Lake", "BOULEVARD", True),
    ("Foley", "BOULEVARD", True),
    ("Sandpiper", "TRAIL", False),
    ("Eagle", "PARKWAY", False),
    ("Heather", "PLACE", False),
    ("Woodland", "WAY", False),
    ("Partridge", "CIRCLE", False),
    ("Quincy", "STREET", True),
    ("Osage", "STREET", True),
    ("Ivywood", "STREET", True),
)
# Numbered streets: (ordinal number, primary suffix); 1..12 also appear as words.
NUMBERED = tuple((n, "AVENUE") for n in (1, 2, 3, 4, 5, 7, 8, 10, 12)) + tuple(
    (n, suffix)
    for n in (85, 89, 93, 99, 105, 109, 113, 117, 121, 125, 129, 133)
    for suffix in ("AVENUE", "LANE")
)
ORDINAL_WORDS = {
    1: "First",
    2: "Second",
    3: "Third",
    4: "Fourth",
    5: "Fifth",
    7: "Seventh",
    8: "Eighth",
    10: "Tenth",
    12: "Twelfth",
}
FIRST_NAMES = (
    "Ann Anders Amy Bao Beth Brian Carlos Chloe Dana David Deng Elena Emma Erik Fatima Gabriel Grace "
    "Hannah Hmong Ibrahim Ingrid Isaac Jada James Jennifer Jorge Karen Kevin Kia Lars Laura Leah Linh "
    "Luis Maria Mark Megan Michael Mohamed Nancy Nora Olivia Omar Paul Peter Rachel Ryan Sara Sofia "
    "Steven Sven Tara Thomas Tou Vanessa Xiong Yusuf Zoe"
).split()
LAST_NAMES = (
    "Anderson Johnson Larson Olson Nelson Peterson Carlson Swanson Lindquist Berg Nguyen Tran Vang Xiong "
    "Yang Lor Hernandez Garcia Martinez Lopez Ali Hassan Mohamed Schmidt Mueller Wagner Kowalski Novak "
    "O'Brien McDonald Murphy Smith Brown Miller Davis Wilson Moore Thompson White Harris Clark Lewis "
    "Robinson Walker Young King Wright Scott Green Baker Adams Hill Campbell Mitchell Roberts"
).split()
BAD_ADDRESSES = ("", "N/A", "UNKNOWN", "see HR file", "", "none")


@dataclass(frozen=True)
class Place:
    city: str
    zip5: str
    plus4: str


@dataclass(frozen=True)
class TrueAddress:
    """One delivery point, in canonical parts."""

    address_id: int
    place: Place
    number: str
    street: str = ""  # the name ("Lexington", or "109th" for a numbered street)
    ordinal: int | None = None  # for numbered streets
    suffix: str = ""  # primary name (AVENUE)
    prefix: str | None = None  # N S E W ...
    direction: str | None = None  # NE NW ...
    unit: str | None = None
    po_box: bool = False


def load_variants() -> tuple[dict[str, list[str]], dict[str, str], dict[str, list[str]]]:
    """Suffix variants per C1 primary name, the primary's standard
    abbreviation, and directional spellings per abbreviation, from data/."""
    suffixes: dict[str, list[str]] = {}
    standard: dict[str, str] = {}
    with open(DATA / "street_suffixes.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            suffixes.setdefault(row["primary_name"], []).append(row["variant"])
            standard[row["primary_name"]] = row["usps_abbreviation"]
    directionals: dict[str, list[str]] = {}
    with open(DATA / "directionals.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            directionals.setdefault(row["usps_abbreviation"], []).append(row["word"])
    return suffixes, standard, directionals


def ordinal(n: int) -> str:
    """1 -> '1st', 12 -> '12th', 109 -> '109th'."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


class Generator:
    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.suffixes, self.standard, self.directionals = load_variants()
        for name, suffix, _ in STREETS:
            assert suffix in self.suffixes, f"{suffix} (street {name}) is not a C1 primary name"

    # -- the truth -----------------------------------------------------

    def place(self) -> Place:
        city = self.rng.choice(list(CITIES))
        return Place(city, self.rng.choice(CITIES[city]), f"{self.rng.randint(1000, 9899):04d}")

    def house_number(self, grid: bool) -> str:
        if grid:
            return str(self.rng.randint(8, 135) * 100 + self.rng.randint(0, 99))
        return str(
            self.rng.choice(
                (self.rng.randint(1, 99), self.rng.randint(100, 999), self.rng.randint(1000, 9999))
            )
        )

    def unit(self) -> str:
        r = self.rng.random()
        if r < 0.55:
            return str(self.rng.randint(1, 24))
        if r < 0.85:
            return str(self.rng.randint(1, 3) * 100 + self.rng.randint(1, 20))
        return self.rng.choice("ABCDEF")

    def base_address(self, address_id: int) -> TrueAddress:
        rng = self.rng
        place = self.place()
        if rng.random() < 0.04:
            return TrueAddress(address_id, place, number=str(rng.randint(1, 2999)), po_box=True)
        unit = self.unit() if rng.random() < 0.22 else None
        if rng.random() < 0.2:
            n, suffix = rng.choice(NUMBERED)
            direction = rng.choice(("NE", "NW")) if n > 12 else None
            prefix = rng.choice(("N", "S", "E", "W")) if n <= 12 and rng.random() < 0.4 else None
            number = self.house_number(grid=n > 12)
            return TrueAddress(address_id, place, number, ordinal(n), n, suffix, prefix, direction, unit)
        name, suffix, grid = rng.choice(STREETS)
        direction = rng.choice(("NE", "NW")) if grid else None
        prefix = None
        if not grid and rng.random() < 0.25:
            prefix = rng.choice(("N", "S", "E", "W", "N", "S"))
        return TrueAddress(
            address_id, place, self.house_number(grid), name, None, suffix, prefix, direction, unit
        )

    def sibling(self, a: TrueAddress, address_id: int) -> TrueAddress:
        """A different delivery point that differs from ``a`` in one part only."""
        rng = self.rng
        if a.po_box:
            return replace(a, address_id=address_id, number=str(int(a.number) + rng.randint(1, 40)))
        choices = ["number", "zip"]
        if a.unit:
            choices += ["unit", "unit"]
        if a.prefix:
            choices.append("prefix")
        if a.direction:
            choices.append("direction")
        if a.ordinal is None:
            choices.append("suffix")
        what = rng.choice(choices)
        if what == "number":
            return replace(a, address_id=address_id, number=str(int(a.number) + rng.choice((2, 4, 10, 100))))
        if what == "unit":
            other = self.unit()
            while other == a.unit:
                other = self.unit()
            return replace(a, address_id=address_id, unit=other)
        if what == "prefix":
            opposite = {"N": "S", "S": "N", "E": "W", "W": "E"}[a.prefix or "N"]
            return replace(a, address_id=address_id, prefix=opposite)
        if what == "direction":
            return replace(a, address_id=address_id, direction="NW" if a.direction == "NE" else "NE")
        if what == "suffix":
            other = rng.choice([s for s in ("STREET", "AVENUE", "COURT", "LANE", "CIRCLE") if s != a.suffix])
            return replace(a, address_id=address_id, suffix=other)
        places = [(c, z) for c, zs in CITIES.items() for z in zs if z != a.place.zip5]
        city, zip5 = rng.choice(places)
        return replace(a, address_id=address_id, place=replace(a.place, city=city, zip5=zip5))

    def addresses(self) -> list[TrueAddress]:
        """The distinct delivery points: base addresses and their near misses."""
        out: list[TrueAddress] = []
        seen: set[TrueAddress] = set()

        def add(make) -> TrueAddress:  # draw again on the rare chance collision
            while True:
                a = make(len(out) + 1)
                identity = replace(a, address_id=0, place=replace(a.place, city="", plus4=""))
                if identity not in seen:
                    seen.add(identity)
                    out.append(a)
                    return a

        for _ in range(N_ADDRESSES):
            base = add(self.base_address)
            if self.rng.random() < SIBLING_RATE:
                add(lambda address_id, base=base: self.sibling(base, address_id))
        return out

    # -- the forms -----------------------------------------------------

    def pick(self, full: str, standard: str, others: list[str]) -> str:
        """A spelling: mostly the full word or the standard abbreviation."""
        r = self.rng.random()
        if r < 0.4:
            return full
        if r < 0.85 or not others:
            return standard
        return self.rng.choice(others)

    def suffix_form(self, primary: str) -> str:
        std = self.standard[primary]
        others = [v for v in self.suffixes[primary] if v not in (primary, std)]
        word = self.pick(primary, std, others).title()
        if word.upper() != primary and self.rng.random() < 0.25:
            word += "."
        return word

    def directional_form(self, abbr: str) -> str:
        spellings = self.directionals[abbr]
        full = max(spellings, key=len) if len(abbr) == 1 else spellings[0]
        others = [s for s in spellings if s not in (full, abbr)]
        word = self.pick(full, abbr, others)
        return word if len(word.replace(".", "")) <= 2 else word.title()

    def unit_form(self, unit: str) -> str:
        return self.rng.choice(
            (
                f"Apt {unit}",
                f"Apt. {unit}",
                f"APT {unit}",
                f"#{unit}",
                f"# {unit}",
                f"Unit {unit}",
                f"Apartment {unit}",
            )
        )

    def street_form(self, a: TrueAddress) -> str:
        rng = self.rng
        if a.po_box:
            head = rng.choice(("PO Box", "P.O. Box", "P O Box", "Post Office Box", "PO BOX", "P.O. BOX"))
            return self.case(f"{head} {a.number}")
        parts = [a.number]
        if a.prefix:
            parts.append(self.directional_form(a.prefix))
        if a.ordinal is not None and a.ordinal in ORDINAL_WORDS and rng.random() < 0.4:
            parts.append(ORDINAL_WORDS[a.ordinal])
        else:
            parts.append(a.street)
        parts.append(self.suffix_form(a.suffix))
        if a.direction:
            parts.append(self.directional_form(a.direction))
        line = " ".join(parts)
        if a.unit:
            line += rng.choice((" ", " ", ", ")) + self.unit_form(a.unit)
        if rng.random() < 0.06:
            line = line.replace(" ", "  ", 1)
        return self.case(line)

    def case(self, text: str) -> str:
        r = self.rng.random()
        if r < 0.6:
            return text
        if r < 0.85:
            return text.upper()
        return text.lower()

    def city_form(self, city: str) -> str:
        return self.case(self.rng.choice(CITY_SPELLINGS.get(city, (city,))))

    def state_form(self) -> str:
        return self.rng.choice(("MN", "MN", "MN", "Mn", "mn", "Minnesota", "MINNESOTA"))

    def zip_form(self, place: Place) -> str:
        r = self.rng.random()
        if r < 0.65:
            return place.zip5
        if r < 0.95:
            return f"{place.zip5}-{place.plus4}"
        return f"{place.zip5}{place.plus4}"

    # -- the rows ------------------------------------------------------

    def rows(self) -> list[dict[str, str]]:
        rng = self.rng
        staff_numbers = rng.sample(range(10000, 99999), 4 * N_ADDRESSES)
        next_staff = iter(staff_numbers)
        rows: list[dict[str, str]] = []
        for a in self.addresses():
            last = rng.choice(LAST_NAMES)
            household = [(f"E{next(next_staff)}", f"{rng.choice(FIRST_NAMES)} {last}")]
            if rng.random() < 0.15:
                household.append((f"E{next(next_staff)}", f"{rng.choice(FIRST_NAMES)} {last}"))
            for _ in range(rng.choice(FORMS_PER_ADDRESS)):
                staff_number, name = rng.choice(household)
                rows.append(
                    {
                        "staff_number": staff_number,
                        "name": name,
                        "source": rng.choice(SOURCES),
                        "address": self.street_form(a),
                        "city": self.city_form(a.place.city),
                        "state": self.state_form(),
                        "zip": self.zip_form(a.place),
                        "true_address_id": str(a.address_id),
                    }
                )
        for text in BAD_ADDRESSES:
            place = self.place()
            rows.append(
                {
                    "staff_number": f"E{next(next_staff)}",
                    "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    "source": rng.choice(SOURCES),
                    "address": text,
                    "city": place.city,
                    "state": "MN",
                    "zip": place.zip5,
                    "true_address_id": "",
                }
            )
        rng.shuffle(rows)
        return rows


def render(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def check(rows: list[dict[str, str]]) -> int:
    """Compare addrmatch's grouping with the truth; print disagreements."""
    from collections import defaultdict

    from addrmatch import AddressError, match_key

    by_truth: dict[str, set[str]] = defaultdict(set)
    by_key: dict[str, set[str]] = defaultdict(set)
    problems = 0
    for row in rows:
        value = {k: row[k] for k in ("city", "state", "zip") if row[k]}
        value["fullStreetAddress"] = row["address"]
        try:
            key = match_key(value) if row["address"].strip() else None
        except AddressError:
            key = None
        if (key is None) != (row["true_address_id"] == ""):
            problems += 1
            print(f"address error mismatch: {row['address']!r} -> {key}")
        if key is not None and row["true_address_id"]:
            by_truth[row["true_address_id"]].add(key)
            by_key[key].add(row["true_address_id"])
    for truth, keys in by_truth.items():
        if len(keys) > 1:
            problems += 1
            forms = sorted({r["address"] for r in rows if r["true_address_id"] == truth})
            print(f"split: address {truth} has {len(keys)} keys: {forms}")
    for key, truths in by_key.items():
        if len(truths) > 1:
            problems += 1
            print(f"merged: key {key} covers addresses {sorted(truths)}")
    print(f"{len(rows)} rows, {len(by_truth)} true addresses, {problems} problems", file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--output", default=str(OUTPUT), help=f"where to write ('-' for stdout; default {OUTPUT})"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--check", action="store_true", help="compare addrmatch.match_key with the truth")
    args = parser.parse_args(argv)
    rows = Generator(args.seed).rows()
    text = render(rows)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        out = Path(args.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8", newline="")
        distinct = len({r["true_address_id"] for r in rows if r["true_address_id"]})
        print(f"wrote {out}: {len(rows)} rows, {distinct} distinct addresses", file=sys.stderr)
    return check(rows) if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
