"""Match-key quality on pairs of real addresses.

    python scripts/pair_eval.py [CORPUS] [--seed N] [--show N]

Each labelled address of the corpus gives:

* a **positive** pair: the text as it was written, and the same components
  re-spelled (another Pub 28 spelling of the street type, directional words
  spelled out or abbreviated, another unit designator, state name or code,
  ZIP or ZIP+4, case and punctuation), with the same parts present;
* **hard negatives**: the re-spelled text with exactly one field changed
  (house number, unit, directional, street type, ZIP).

It reports precision, recall and F1 of ``match_key`` equality, and the share
of hard negatives merged, per kind. ``tests/test_pairs.py`` asserts floors.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from addrmatch import match_key
from addrmatch.errors import AddressError
from addrmatch.tables import TABLES

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "data" / "corpus" / "parse_train.jsonl"

_DIRECTION_WORDS = {
    "N": "North",
    "S": "South",
    "E": "East",
    "W": "West",
    "NE": "Northeast",
    "NW": "Northwest",
    "SE": "Southeast",
    "SW": "Southwest",
}
_OPPOSITE = {"N": "S", "S": "N", "E": "W", "W": "E", "NE": "SW", "SW": "NE", "NW": "SE", "SE": "NW"}
_STATE_NAMES = {code: name for name, code in TABLES.states.items() if len(name) > 2}
_OTHER_TYPE = {"ST": "AVE", "AVE": "ST", "RD": "DR", "DR": "RD", "LN": "CT", "CT": "LN", "BLVD": "AVE"}
_UNIT_FORMS = ("Apt {}", "# {}", "#{}", "Unit {}", "Apartment {}")


@dataclass(frozen=True)
class Pair:
    left: str
    right: str
    same: bool
    kind: str  # "variant", or the field changed


def _direction(value: str, rng: random.Random) -> str:
    code = TABLES.directionals.get(value.upper().replace(".", ""), value.upper())
    return rng.choice(
        [code, _DIRECTION_WORDS.get(code, code), code + "."]
        if len(code) == 1
        else [code, _DIRECTION_WORDS.get(code, code)]
    )


def _render(g: dict, rng: random.Random, change: str | None = None) -> str | None:
    """The components of ``g`` written another way; ``change`` alters one field."""
    number = g["number"]
    if change == "number":
        digits = "".join(c for c in number if c.isdigit())
        if not digits:
            return None
        number = str(int(digits) + rng.choice([2, 4, 10]))
    parts = [number]
    prefix = g["prefix"]
    if prefix:
        code = TABLES.directionals.get(prefix.upper().replace(".", ""))
        if code is None:
            return None
        if change == "direction":
            prefix = _OPPOSITE[code]
        parts.append(_direction(prefix, rng))
    elif change == "direction" and not g["direction"]:
        return None
    parts.append(g["street"])
    tag = g["tag"]
    if tag:
        abbreviation = TABLES.suffixes.get(tag.upper().replace(".", ""))
        if abbreviation is None:
            return None
        if change == "tag":
            other = _OTHER_TYPE.get(abbreviation)
            if other is None:
                return None
            abbreviation = other
        parts.append(rng.choice(TABLES.suffix_spellings[abbreviation]).title())
    elif change == "tag":
        return None
    direction = g["direction"]
    if direction:
        code = TABLES.directionals.get(direction.upper().replace(".", ""))
        if code is None:
            return None
        if change == "direction" and not prefix:
            code = _OPPOSITE[code]
        parts.append(_direction(code, rng))
    apt = g["apt"]
    if apt:
        if change == "apt":
            apt = (
                apt + "1"
                if not apt[-1].isdigit()
                else str(int("".join(c for c in apt if c.isdigit()) or 0) + 1)
            )
        if any(c.isdigit() for c in apt) and " " not in apt:
            parts.append(rng.choice(_UNIT_FORMS).format(apt))
        else:
            return None  # "Basement", "2nd": no designator to vary
    elif change == "apt":
        return None
    line = " ".join(parts)
    place = []
    if g["city"]:
        place.append(g["city"])
    state = g["state"]
    if state:
        code = TABLES.states.get(state.upper().replace(".", ""))
        if code is None:
            return None
        state = rng.choice([code, _STATE_NAMES.get(code, code).title()]) if g["city"] else code
    zip_code = g["zip"]
    if zip_code:
        if len(zip_code) not in (5, 10) or not zip_code[:5].isdigit():
            return None
        if change == "zip":
            zip_code = f"{(int(zip_code[:5]) + 7) % 100000:05d}"
        else:
            zip_code = rng.choice([zip_code[:5], zip_code[:5] + "-" + f"{rng.randrange(10000):04d}"])
    elif change == "zip":
        return None
    tail = " ".join(p for p in (state, zip_code) if p)
    if place and tail:
        text = f"{line}, {place[0]}, {tail}"
    elif place or tail:
        text = f"{line}, {(place or [tail])[0]}" if not (place and tail) else ""
    else:
        text = line
    return rng.choice([text, text.upper(), text.lower()])


def _words(text: str) -> list[str]:
    return [w for w in "".join(c if c.isalnum() else " " for c in text.upper()).split()]


_DESIGNATOR_WORDS = frozenset(TABLES.unit_designators) | {"USA", "US"}


def _labels_cover(text: str, g: dict) -> bool:
    """Do the labelled fields hold every word of the text? (Else the text has
    parts, such as a building name, that the re-spelled side would lack.)"""
    labelled = set(_words(" ".join(str(v) for k, v in g.items() if v and k != "po_box")))
    return all(w in labelled or w in _DESIGNATOR_WORDS for w in _words(text))


def make_pairs(rows: list[dict], seed: int = 7) -> list[Pair]:
    """Positive pairs and hard negatives from labelled rows."""
    rng = random.Random(seed)
    pairs: list[Pair] = []
    for row in rows:
        g = row["gold"]
        if g["po_box"] or not g["number"] or not g["street"] or not _labels_cover(row["text"], g):
            continue
        variant = _render(g, rng)
        if variant is None:
            continue
        pairs.append(Pair(row["text"], variant, True, "variant"))
        for kind in ("number", "apt", "direction", "tag", "zip"):
            changed = _render(g, rng, change=kind)
            if changed is not None:
                pairs.append(Pair(row["text"], changed, False, kind))
    return pairs


def evaluate(pairs: list[Pair]) -> dict:
    """Precision, recall, F1 and merges per negative kind."""
    tp = fp = fn = 0
    merged: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    misses: list[Pair] = []
    for pair in pairs:
        try:
            equal = match_key(pair.left) == match_key(pair.right)
        except AddressError:
            equal = False
        totals[pair.kind] += 1
        if pair.same:
            tp += equal
            fn += not equal
            if not equal:
                misses.append(pair)
        else:
            fp += equal
            merged[pair.kind] += equal
            if equal:
                misses.append(pair)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    negatives = sum(v for k, v in totals.items() if k != "variant")
    return {
        "positives": totals["variant"],
        "negatives": negatives,
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "negatives_merged": fp / negatives if negatives else 0.0,
        "merged_by_kind": {k: merged[k] / totals[k] for k in totals if k != "variant"},
        "misses": misses,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", type=int, default=0)
    args = parser.parse_args()
    with open(args.corpus, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    result = evaluate(make_pairs(rows, args.seed))
    for miss in result.pop("misses")[: args.show]:
        print(f"{'MISSED' if miss.same else 'MERGED'} {miss.kind}: {miss.left!r} ~ {miss.right!r}")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
