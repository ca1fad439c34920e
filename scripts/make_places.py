"""Build ``data/us_places.csv`` (the US place gazetteer) from the ``zipcodes`` package.

    pip install zipcodes==3.0.0 && python scripts/make_places.py [--check]   (in the project's venv)

``zipcodes`` (MIT licence, https://github.com/seanpianka/zipcodes) bundles the US
ZIP code list with each ZIP's primary city, the other city names USPS accepts
for it, and its state. Only those four columns are kept: one row per ZIP,
``zip,state,city,other_cities`` (other names joined by ``;``), sorted by ZIP,
each name already in the form the library looks names up in
(:func:`addrmatch.tables.place_words`: upper case, no periods or apostrophes,
hyphens as spaces, ST/FT/MT spelled out), so that reading it is only splitting. The library reads the CSV (no runtime dependency on the
package); ``--check`` regenerates it in memory and fails if the shipped file
differs. See data/README.md for the licence notes.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "data" / "us_places.csv"


def build() -> str:
    import zipcodes  # a development-time input only

    from addrmatch.tables import place_words

    rows = []
    for record in zipcodes.filter_by():
        city = place_words(record["city"])
        others = sorted({place_words(c) for c in record["acceptable_cities"]} - {city})
        rows.append((record["zip_code"], record["state"], city, ";".join(others)))
    rows.sort()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["zip", "state", "city", "other_cities"])
    writer.writerows(rows)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped file, write nothing")
    args = parser.parse_args()
    text = build()
    if args.check:
        same = OUT.read_text(encoding="utf-8") == text
        print("data/us_places.csv is up to date" if same else "data/us_places.csv differs from a fresh build")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({text.count(chr(10)) - 1:,} ZIP codes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
