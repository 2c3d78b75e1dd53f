"""Every benchmark of issue 8 in one run, then bench/RESULTS.md from its figures.

    .venv/bin/python -m bench [--smoke] [--parts 1,2,3,4,5] [--out bench/RESULTS.md] [...]

1 commands over HTTP vs raw (PostgreSQL), 5 the same on SQLite (embedded), 3 read your own
writes through Celery and Redis, then one seeded database for 2 the full rebuild and
4 the queries and the quarterly report. --smoke runs every part at a size that checks the
code in a few minutes and writes its results to a temporary file, not bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench import catchup, commands, queries, ryw
from bench._report import Section, console, exact_command, machine, print_footer, write_results
from bench._seeded import people_for, seeded_database
from bench._worker import REDIS_URL
from bench.embedded import embedded_section

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SMOKE = {
    "seconds": 5.0,
    "events": 10_000,
    "people": 500,
    "ryw_seconds": 5.0,
    "ryw_people": 50,
    "queries": 30,
    "repeat": 1,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="every part at smoke size")
    parser.add_argument("--parts", default="1,2,3,4,5", help="which parts, e.g. 1,5")
    parser.add_argument("--out", type=Path, help="results file (default bench/RESULTS.md)")
    commands.add_arguments(parser)
    catchup.add_arguments(parser)
    ryw.add_arguments(parser)
    queries.add_arguments(parser)
    args = parser.parse_args(argv)
    if args.smoke:
        for name, value in SMOKE.items():
            setattr(args, name, value)
    if args.out is None:
        smoke_file = Path(tempfile.gettempdir()) / "lac-bench-smoke-results.md"
        args.out = smoke_file if args.smoke else RESULTS
    return args


def run_parts(args: argparse.Namespace, parts: set[str]) -> list[Section]:
    from bench._db import fresh_database

    sections: list[Section] = []
    if "1" in parts:
        with fresh_database() as db:
            title = "1. Commands over HTTP vs raw, PostgreSQL"
            sections.append(commands.commands_section(db, args, title))
        sections[-1].print()
    if "5" in parts:
        sections.append(embedded_section(args))
        sections[-1].print()
    if "3" in parts:
        sections.append(ryw.ryw_section(args))
        sections[-1].print()
    if parts & {"2", "4"}:
        wanted = people_for(args.people, args.events if "2" in parts else 0)
        with seeded_database(wanted, args.seed, args.seeded) as seeded:
            if "2" in parts:
                sections.append(catchup.catchup_section(seeded, args.profile))
                sections[-1].print()
            if "4" in parts:
                sections.append(queries.queries_section(seeded, args))
                sections[-1].print()
    return sections


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    machine_line = machine(REDIS_URL)  # before the run: the load average is the machine's
    command = exact_command("bench")
    sections = sorted(run_parts(args, parts), key=lambda s: s.title)  # "1. ..." to "5. ..."
    write_results(args.out, sections, command, machine_line, smoke=args.smoke)
    console.rule("summary")
    for section in sections:
        for aim in section.aims:
            console.print(f"{section.title.split(':')[0]}: {aim.verdict()}", markup=False)
    print_footer(command, machine_line)
    console.print(f"results written to {args.out}", markup=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
