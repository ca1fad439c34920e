"""Parse accuracy on another parser's labelled US addresses (usaddress's XML training format).

    pip download usaddress --no-binary :all: --no-deps -d /tmp/ext && tar xzf /tmp/ext/usaddress-*.tar.gz -C /tmp/ext
    python scripts/outside_suite.py /tmp/ext/usaddress-0.5.16/training/openaddress_us_ia_linn.xml [--sample N] [--errors N]

Each ``<AddressString>`` is mapped onto addrmatch's ten fields with the rules of
``tests/data/corpus/README.md`` (the frozen corpus was made the same way from
other files of the same folder): number = AddressNumberPrefix + AddressNumber +
AddressNumberSuffix; street = StreetNamePreModifier + StreetNamePreType +
StreetName + StreetNamePostModifier; apt = OccupancyIdentifier without ``#``
(or the OccupancyType alone); a USPSBoxID is a PO box; values as written, less
surrounding separators and a trailing period. Records of the kinds that README
skips (subaddresses, recipients, intersections, route boxes, two streets, no
number or box, unknown labels) are skipped and counted.

The mapped cases are written to a temporary JSON-lines file and measured by
``scripts/accuracy.py`` (addrmatch.parse beside usaddress mapped onto the same
fields, per field and whole case). Nothing here is committed data: the files
are read from the downloaded sdist, whose data licences differ (usaddress's own
files are MIT; the OpenAddresses extract and the synthetic OSM files carry no
licence of their own), so no case of them is copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from addrmatch._crf import _FIELDS as _CRF_FIELDS

FIELDS = ("number", "prefix", "street", "tag", "direction", "apt", "city", "state", "zip")
# The label -> field mapping the fallback reader uses (the corpus README's), a box id being the number.
FIELD_OF_LABEL = {
    label: "number" if field == "box" else field
    for label, field in _CRF_FIELDS.items()
    if field in (*FIELDS, "box")
}
IGNORED = {"BuildingName", "LandmarkName", "CountryName", "USPSBoxType", "OccupancyType"}
SKIP = {
    "SubaddressType": "subaddress",
    "SubaddressIdentifier": "subaddress",
    "Recipient": "recipient or not an address",
    "NotAddress": "recipient or not an address",
    "USPSBoxGroupType": "route box",
    "USPSBoxGroupID": "route box",
    "IntersectionSeparator": "intersection",
    "CornerOf": "intersection",
}
ROUTE_BOX_TYPES = {"RR", "HC", "ROUTE", "RURAL", "STAR", "HCR"}
STREET_LABELS = {k for k, v in FIELD_OF_LABEL.items() if v == "street"}


def _clean(value: str) -> str:
    value = value.strip().strip(",;").strip()
    return value[:-1].rstrip() if value.endswith(".") else value


def convert(element: ET.Element) -> tuple[dict | None, str]:
    """One <AddressString> -> ({"text", "gold"}, "") or (None, why it is skipped)."""
    parts = [(child.tag, child.text or "", child.tail or "") for child in element]
    labels = [label for label, _, _ in parts]
    text = " ".join(("".join(f"{value}{tail}" for _, value, tail in parts)).split())
    for label in labels:
        if label in SKIP:
            return None, SKIP[label]
        if label not in FIELD_OF_LABEL and label not in IGNORED:
            return None, "unknown label"
    boxed = "USPSBoxID" in labels
    if boxed and "AddressNumber" in labels:
        return None, "street number and box"
    if not boxed and "AddressNumber" not in labels:
        return None, "no number and no box"
    box_types = {_clean(v).upper().replace(".", "") for label, v, _ in parts if label == "USPSBoxType"}
    if box_types & ROUTE_BOX_TYPES:
        return None, "route box"
    runs = [label in STREET_LABELS for label in labels]
    if sum(1 for i, on in enumerate(runs) if on and (i == 0 or not runs[i - 1])) > 1:
        return None, "two streets"
    gold: dict = dict.fromkeys(FIELDS)
    pieces: dict[str, list[tuple[str, str]]] = {}
    for label, value, tail in parts:
        field = FIELD_OF_LABEL.get(label)
        if field is None:
            continue
        value = value.strip().strip(",;").strip()
        if field in ("apt", "number") and label in ("OccupancyIdentifier", "USPSBoxID"):
            value = value.replace("#", "").strip()
            if not value:
                continue
        pieces.setdefault(field, []).append((value, tail))
    for field, values in pieces.items():
        out = ""
        for i, (value, tail) in enumerate(values):
            out += value
            if i < len(values) - 1:
                out += tail.strip() if tail.strip() in ("-", "/") else " "
        gold[field] = _clean(out) or None
    if gold["apt"] is None:
        kinds = [_clean(v) for label, v, _ in parts if label == "OccupancyType"]
        gold["apt"] = kinds[0] if kinds else None
    if gold["street"] is None and not boxed:
        return None, "no street"
    if gold["street"] and ("#" in gold["street"] or "(" in gold["street"]):
        return None, "street with # or parenthesis"
    gold["po_box"] = boxed
    return {"text": text, "gold": gold}, ""


def _elements(xml: str) -> Iterator[ET.Element | None]:
    """Each <AddressString> on its own, so one malformed record (the synthetic files have some) is
    skipped rather than failing the file."""
    for match in re.finditer(r"<AddressString>.*?</AddressString>", xml, re.S):
        try:
            yield ET.fromstring(match.group(0))
        except ET.ParseError:
            yield None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--sample", type=int, default=0, help="measure a seeded random sample of this size")
    ap.add_argument("--errors", type=int, default=0, help="show this many misses (scripts/accuracy.py)")
    ap.add_argument("--write", default=None, help="also keep the mapped JSON lines here")
    args = ap.parse_args()
    rows: list[dict] = []
    skipped: Counter[str] = Counter()
    seen: set[str] = set()
    for name in args.files:
        for element in _elements(Path(name).read_text(encoding="utf-8")):
            row, why = convert(element) if element is not None else (None, "malformed XML")
            if row is None:
                skipped[why] += 1
            elif row["text"].lower() in seen:
                skipped["duplicate text"] += 1
            else:
                seen.add(row["text"].lower())
                rows.append(row)
    if args.sample and args.sample < len(rows):
        rows = random.Random(7).sample(rows, args.sample)
    print(f"{len(rows)} cases measured; skipped {dict(skipped)}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.write) if args.write else Path(tmp) / "cases.jsonl"
        path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
        accuracy = Path(__file__).resolve().parent / "accuracy.py"
        command = [sys.executable, str(accuracy), str(path), "--errors", str(args.errors)]
        raise SystemExit(subprocess.call(command))


if __name__ == "__main__":
    main()
