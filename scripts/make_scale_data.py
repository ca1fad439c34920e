"""Generate a large staff-address file with a known answer, for the scale
benchmark (``benchmarks/bench_scale.py``) and the engine tests.

    python scripts/make_scale_data.py --rows 1000000 --output big.csv [--new-share 0.2] [--seed 7]

It grows the shipped example (``src/addrmatch/examples/staff_addresses.csv``:
725 addresses written 3,366 ways, with their ``true_address_id``) into more
addresses by moving each to other house numbers: the ``k``-th copy of an
example address adds ``100000 * k`` to its house number in every spelling
(the example's numbers are below 100,000, so copies never collide). Each row
is, with probability ``new_share``, a freshly drawn spelling (an example
row's spelling in a random copy ``k``), else a repeat of an earlier row's
spelling: the file holds about ``new_share * rows`` distinct spellings.
``true_address_id`` is ``<example id>-<k>``; rows with the same value are the
same address. Rows whose address does not start with a house number (PO
boxes, the example's non-addresses) are kept only in copy 0.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "src" / "addrmatch" / "examples" / "staff_addresses.csv"
COLUMNS = ("row", "staff_number", "source", "address", "city", "state", "zip", "true_address_id")
_NUMBER = re.compile(r"^(\d{1,5})(?=\s)")


def example_rows() -> list[dict[str, str]]:
    with open(EXAMPLE, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def rows(count: int, *, new_share: float = 0.2, seed: int = 7) -> Iterator[list[str]]:
    """``count`` rows (lists in :data:`COLUMNS` order), with about
    ``new_share * count`` distinct spellings."""
    rng = random.Random(seed)
    base = example_rows()
    # Three times more possible spellings than draws: most draws are new.
    copies = max(1, round(3 * count * new_share / len(base)))
    spellings: list[tuple[str, str, str, str, str]] = []
    for n in range(count):
        if not spellings or rng.random() < new_share:
            row = rng.choice(base)
            k = rng.randrange(copies)
            address = row["address"]
            truth = row["true_address_id"]
            match = _NUMBER.match(address)
            if k and match:
                address = str(int(match.group(1)) + 100_000 * k) + address[match.end() :]
                truth = f"{truth}-{k}" if truth else ""
            elif truth:
                truth = f"{truth}-0"
            spelling = (address, row["city"], row["state"], row["zip"], truth)
            spellings.append(spelling)
        else:
            spelling = spellings[rng.randrange(len(spellings))]
        address, city, state, zip_, truth = spelling
        source = ("HR", "Payroll", "Benefits", "Campus", "Emergency contact")[n % 5]
        yield [str(n + 1), f"S{n + 1:08d}", source, address, city, state, zip_, truth]


def write(path: str | Path, count: int, *, new_share: float = 0.2, seed: int = 7) -> None:
    """Write the file (``-`` for stdout)."""
    handle = sys.stdout if str(path) == "-" else open(path, "w", newline="", encoding="utf-8")  # noqa: SIM115
    try:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        buffer = io.StringIO()
        chunk = csv.writer(buffer, lineterminator="\n")
        for i, row in enumerate(rows(count, new_share=new_share, seed=seed), start=1):
            chunk.writerow(row)
            if i % 50_000 == 0:
                handle.write(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
        handle.write(buffer.getvalue())
    finally:
        if handle is not sys.stdout:
            handle.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--new-share", type=float, default=0.2, help="share of rows that are a new spelling (0.2)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", default="-")
    args = parser.parse_args(argv)
    write(args.output, args.rows, new_share=args.new_share, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
