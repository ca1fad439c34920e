"""Per-field parse accuracy on a labelled corpus (JSON lines: text, gold).

    python scripts/accuracy.py [CORPUS] [--errors N]

Compares addrmatch.parse (and its fast path alone) with usaddress mapped onto
the same fields. Used to set the floors in tests/test_accuracy.py.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from addrmatch._crf import crf_parts
from addrmatch.address import Address
from addrmatch.errors import AddressError
from addrmatch.parse import parse_details

FIELDS = ("number", "prefix", "street", "tag", "direction", "apt", "city", "state", "zip", "po_box")
DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "data" / "corpus" / "parse_train.jsonl"


def as_dict(address) -> dict:
    return {f: getattr(address, f) for f in FIELDS} if address is not None else {f: None for f in FIELDS}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT))
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--only", default=None, help="show errors of this field only")
    args = ap.parse_args()
    with open(args.corpus, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    right = {k: Counter() for k in ("addrmatch", "usaddress")}
    whole = Counter()
    paths = Counter()
    shown = 0
    for row in rows:
        gold = row["gold"]
        try:
            result = parse_details(row["text"])
            ours = as_dict(result.address)
            paths[result.path] += 1
        except AddressError:
            ours = as_dict(None)
            paths["error"] += 1
        crf = crf_parts(row["text"])
        theirs = as_dict(Address.from_parts(crf[0]) if crf else None)
        for name, got in (("addrmatch", ours), ("usaddress", theirs)):
            ok = [got[f] == gold[f] for f in FIELDS]
            right[name].update(f for f, good in zip(FIELDS, ok, strict=True) if good)
            whole[name] += all(ok)
        bad = [f for f in FIELDS if ours[f] != gold[f]]
        if bad and shown < args.errors and (args.only is None or args.only in bad):
            shown += 1
            print(row["text"])
            for f in bad:
                print(f"   {f}: got {ours[f]!r} want {gold[f]!r}  (usaddress {theirs[f]!r})")
    n = len(rows)
    print(f"{n} addresses; paths {dict(paths)}")
    print(f"{'field':<10} {'addrmatch':>10} {'usaddress':>10}")
    for f in FIELDS:
        print(f"{f:<10} {right['addrmatch'][f] / n:>10.4f} {right['usaddress'][f] / n:>10.4f}")
    print(f"{'all':<10} {whole['addrmatch'] / n:>10.4f} {whole['usaddress'] / n:>10.4f}")


if __name__ == "__main__":
    main()
