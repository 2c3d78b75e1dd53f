"""Part 2: a full rebuild of every read model from the seeded log, against a bare read of the
same events through the library; events/s and the rebuilding process's peak memory.

    .venv/bin/python -m bench.catchup [--events 1000000] [--seed 1] [--profile]

Seeds enough people (`lac seed`'s generator, about 19.5 events each) for --events into a fresh
database, then runs, each in its own subprocess so that each peak RSS is its own: (a) the bare
read (select_notifications in batches of 1,000, every state JSON-decoded) and (b) the rebuild
(every projector reset, then caught up from position 0 one after another, as `lac rebuild`
and the worker's catch-up task run them).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from typing import Any

from bench._report import Aim, Section, console, exact_command, machine, print_footer
from bench._seeded import Seeded, people_for, seeded_database
from bench._server import ROOT

AIM_EVENTS_PER_SECOND = 50_000.0
AIM_PEAK_MB = 300.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, default=1_000_000, help="events to rebuild from")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--seeded", metavar="NAME", help="reuse a database kept by `python -m bench.seed`"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the rebuild (stderr)")


def in_subprocess(mode: str, database: str, profile: bool = False) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench._rebuild", mode, "--database", database]
    done = subprocess.run(
        [*command, *(["--profile"] if profile else [])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if profile:
        console.print(done.stderr, markup=False, highlight=False)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def catchup_section(seeded: Seeded, profile: bool = False) -> Section:
    read = in_subprocess("read", seeded.db.name)
    built = in_subprocess("rebuild", seeded.db.name, profile)
    events = int(built["events"])
    read_rate = read["read"] / read["seconds"] if read["seconds"] else float("nan")
    rate = events / built["seconds"] if built["seconds"] else float("nan")
    section = Section(f"2. Projection catch-up: full rebuild from {events:,} events")
    how = f"seeded earlier in {seeded.db.name}" if seeded.reused else "seeded"
    section.row(
        how, f"{seeded.people:,} people, {seeded.events:,} events in {seeded.seconds:.0f} s"
    )
    section.row(
        "(a) bare read + JSON decode (library)",
        f"{read_rate:,.0f} events/s ({read['seconds']:.1f} s), peak RSS {read['peak_mb']:.0f} MB",
    )
    section.row(
        "(b) rebuild of every read model",
        f"{rate:,.0f} events/s ({built['seconds']:.1f} s), peak RSS {built['peak_mb']:.0f} MB "
        f"(at start {built['rss_before_mb']:.0f} MB)",
    )
    for name, seconds in built["per_projection"].items():
        section.row(f"    {name}", f"{seconds:.1f} s ({events / max(seconds, 1e-9):,.0f} events/s)")
    section.row("ratio rebuild / bare read (events/s)", f"{rate / read_rate:.3f}")
    section.aims.append(Aim("rebuild events/s", rate, AIM_EVENTS_PER_SECOND))
    section.aims.append(
        Aim("rebuild peak RSS", built["peak_mb"], AIM_PEAK_MB, " MB", higher_is_better=False)
    )
    section.notes.append(
        "events/s = events in the log ÷ the time to bring all six projections from 0 to the end "
        "(each reads the log for its own event types); per projection: log events ÷ its time."
    )
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.catchup", description=__doc__)
    add_arguments(parser)
    args = parser.parse_args(argv)
    machine_line = machine()
    with seeded_database(people_for(0, args.events), args.seed, args.seeded) as seeded:
        section = catchup_section(seeded, args.profile)
    section.print()
    print_footer(exact_command("bench.catchup"), machine_line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
