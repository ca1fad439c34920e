"""Build ``data/street_suffix_aliases.csv``: street-type spellings that Pub 28 C1 lacks.

    python scripts/make_suffix_aliases.py [--check]

Sources, in the order they are applied (Pub 28 wins wherever they disagree):

1. ``data/street_suffixes.csv`` (Pub 28 C1): a spelling C1 lists is never an alias.
2. ``scripts/sources/libpostal_street_types.txt``: a verbatim copy of libpostal's
   ``resources/dictionaries/en/street_types.txt`` (commit 4c030d8, MIT licence,
   copyright (c) 2015 openvenues). Each line is ``canonical|alias|...``; a line
   whose canonical word is not a C1 suffix (circuit, county road, township
   road...) is not a US street type and gives no alias (``CI`` is libpostal's
   circuit, not the US circle: see ``ADDED``).
3. ``ADDED`` below: spellings seen in real US files that neither source has.

An alias that belongs to exactly one C1 suffix folds to it (``CRT`` -> ``CT``).
One that belongs to several is *ambiguous* (``TR``: terrace, track, trail):
it gets one row per C1 suffix, and the library reads it as a street type that
the store matches as "any of its expansions" (README, "Match key").
``EXCLUDED`` drops aliases that would do more harm than good as street types.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "street_suffix_aliases.csv"
LIBPOSTAL = ROOT / "scripts" / "sources" / "libpostal_street_types.txt"

# Seen in real US files; in neither Pub 28 C1 nor libpostal (alias -> C1 abbreviation).
ADDED = {
    "PY": "PKWY",  # New York City files: "MANHATTAN COLLEGE PY"
    "CI": "CIR",  # libpostal has CI only for circuit, which is no US street type
    "TRPK": "TPKE",
    "PKWAY": "PKWY",
    "PAKWAY": "PKWY",
    "BOULEVAR": "BLVD",
    "BVLD": "BLVD",
    "AVN": "AVE",
}
# Aliases not taken, with why.
EXCLUDED = {
    # one letter: a name initial or a house-number suffix far more often than a street type
    "C",
    "D",
    "I",
    "J",
    "L",
    "R",
    # state codes: after a city they are the state (LA stays: the lane, read only in suffix position)
    "AL",
    "FL",
    "HI",
    "ID",
    # other readings dominate
    "CR",  # county road (a highway word, data/street_pretypes.csv), crescent, creek
    "CRD",  # county road
    "RT",  # route (a highway word)
    "LT",  # lot (a unit designator), light
    "MEAD",
    "BEECH",  # name words
    "CE",
    "CM",
    "FD",
    "FY",
    "GN",
    "GR",
    "PN",
    "PS",
    "RO",  # two letters with no common street-type use in the US
}


def build() -> str:
    c1: dict[str, str] = {}
    with open(ROOT / "data" / "street_suffixes.csv", newline="", encoding="ascii") as handle:
        for row in csv.DictReader(handle):
            c1[row["variant"]] = row["usps_abbreviation"]
            c1[row["usps_abbreviation"]] = row["usps_abbreviation"]
    meanings: dict[str, set[str]] = {}
    for line in LIBPOSTAL.read_text(encoding="utf-8").splitlines():
        words = line.strip().split("|")
        if not words or not words[0]:
            continue
        abbreviation = c1.get(words[0].upper())
        for alias in words:
            key = alias.upper().replace(".", "")
            if " " in key or not key.isalpha() or key in c1:
                continue
            if abbreviation is not None:
                meanings.setdefault(key, set()).add(abbreviation)
    rows: list[tuple[str, str, str]] = []
    for alias, abbreviations in meanings.items():
        if alias in EXCLUDED or alias in ADDED:
            continue
        rows.extend((alias, a, "libpostal") for a in abbreviations)
    rows.extend((alias, a, "addrmatch") for alias, a in ADDED.items())
    rows.sort()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["alias", "usps_abbreviation", "source"])
    writer.writerows(rows)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped file, write nothing")
    text = build()
    if parser.parse_args().check:
        same = OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUT} differs from a fresh build")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
