"""Seed a PostgreSQL database once and keep it, for `python -m bench --seeded NAME`.

    .venv/bin/python -m bench.seed [--people 50000] [--events 1000000] [--seed 1]

Seeds max(--people, --events / 19.5) people with `lac seed`'s generator (as parts 2 and 4 do
when they seed for themselves) and prints the database's name. Drop it afterwards with
`dropdb -U postgres NAME`.
"""

from __future__ import annotations

import argparse
import sys

from bench._report import console
from bench._seeded import keep_seeded, people_for


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.seed", description=__doc__)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    seeded = keep_seeded(people_for(args.people, args.events), args.seed)
    console.print(
        f"kept {seeded.db.name}: {seeded.people:,} people, {seeded.events:,} events, "
        f"seeded in {seeded.seconds:.0f} s",
        markup=False,
    )
    print(seeded.db.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
