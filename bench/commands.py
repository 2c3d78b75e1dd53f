"""Commands per second through the API against saves per second of the raw library.

    .venv/bin/python -m bench.commands [--seconds 10] [--clients 8] [--server auto|uvicorn|lac]

One run, one fresh PostgreSQL database (dropped at the end): first the plain eventsourcing
library, then the real API server over HTTP, then a table with both rates and their ratio.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench._db import BenchDatabase, cpu_model, fresh_database, server_version
from bench._load import MIX, LoadResult, percentile, run_load
from bench._raw import raw_saves_per_second
from bench._server import create_users, running_server, sign_in

# Wide enough for the table when the output goes to a file or a pipe (rich assumes 80).
console = Console() if sys.stdout.isatty() else Console(width=120)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.commands", description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--clients", type=int, default=8, help="threads in each phase")
    parser.add_argument(
        "--server",
        choices=("auto", "uvicorn", "lac"),
        default="auto",
        help="auto: `lac serve` once api.cli exists, else uvicorn with the app factory",
    )
    return parser.parse_args(argv)


def exact_command() -> str:
    python = Path(sys.executable)
    try:
        shown = str(python.relative_to(Path.cwd()))
    except ValueError:
        shown = str(python)
    return shlex.join([shown, "-m", "bench.commands", *sys.argv[1:]])


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


@dataclass(frozen=True)
class ApiRun:
    load: LoadResult
    server: str
    server_cores: float | None  # CPU seconds the server used per wall second of load
    behind_at_end: int | None  # log positions the read models trailed when the load stopped
    catch_up_seconds: float | None  # then how long the embedded projector took to catch up


def api_phase(db: BenchDatabase, args: argparse.Namespace) -> ApiRun:
    create_users(db, args.clients)
    with running_server(db, args.server) as server:
        clients = sign_in(server.base_url, args.clients)
        cpu_before = server.cpu_seconds()
        load = run_load(server.base_url, clients, args.seconds)
        cpu_after = server.cpu_seconds()
        token = clients[0].coordinator_token  # /ready asks for a signed-in user
        behind = server.projections_behind(token)
        catch_up = server.wait_caught_up(token)
        if load.errors():
            console.print("[bold red]server log (tail):[/bold red]")
            console.print(server.log_tail(), markup=False, highlight=False)
    cores = None
    if cpu_before is not None and cpu_after is not None:
        cores = (cpu_after - cpu_before) / load.seconds
    return ApiRun(load, shlex.join(server.command), cores, behind, catch_up)


def cells(latencies: list[float], seconds: float) -> tuple[str, str, str, str]:
    """rate, count, p50, p95 of one kind of command."""
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    return f"{len(latencies) / seconds:,.0f}/s", f"{len(latencies):,}", ms(p50), ms(p95)


def report(
    args: argparse.Namespace,
    raw_rate: float,
    raw_saves: int,
    run: ApiRun,
    pg: str,
    load: str,
) -> None:
    api = run.load
    table = Table(title=f"Commands vs raw saves: {args.clients} threads, {args.seconds:g} s each")
    for column in ("measure", "rate", "count", "p50", "p95"):
        table.add_column(column, justify="left" if column == "measure" else "right")
    table.add_row(
        "(a) raw eventsourcing: new aggregate + save", f"{raw_rate:,.0f}/s", f"{raw_saves:,}"
    )
    table.add_row("(b) API over HTTP: all commands (2xx)", *cells(api.latencies(), api.seconds))
    for kind, share in MIX:
        table.add_row(
            f"    {kind} (~{share:.0%} of picks)", *cells(api.latencies(kind), api.seconds)
        )
    errors = api.errors()
    table.add_row("(b) errors (non-2xx or transport)", "", f"{sum(errors.values()):,}", "", "")
    ratio = api.per_second / raw_rate if raw_rate else float("nan")
    table.add_row("[bold]ratio API / raw[/bold]", f"[bold]{ratio:.2f}[/bold]", "", "", "")
    console.print(table)
    if errors:
        console.print("[bold red]errors by command and status:[/bold red]")
        samples = api.samples()
        for key, count in errors.most_common():
            console.print(f"  {key}: {count}  e.g. {samples.get(key, '')}", markup=False)
    console.print(
        f"machine: {os.cpu_count()} cores ({cpu_model()}), {platform.platform()}; "
        f"Python {platform.python_version()}; PostgreSQL {pg}; "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average at the start {load}",
        markup=False,
    )
    console.print(f"command: {exact_command()}", markup=False)
    console.print(f"API server: {run.server} (embedded projector, no Redis)", markup=False)
    cores = "?" if run.server_cores is None else f"{run.server_cores:.2f}"
    console.print(f"server process CPU during the load: {cores} cores", markup=False)
    if run.behind_at_end is None or run.catch_up_seconds is None:
        console.print("read-model lag: unknown (/ready failed or never caught up in 60 s)")
    else:
        console.print(
            f"read models {run.behind_at_end} log positions behind when the load stopped; "
            f"caught up {run.catch_up_seconds:.2f} s later",
            markup=False,
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    pg = server_version()
    # Other work on the machine moves both rates; the ratio, from one run, moves much less.
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with fresh_database() as db:
        console.print(f"[dim]database {db.name} (dropped at the end)[/dim]")
        raw_rate, raw_saves = raw_saves_per_second(db, args.clients, args.seconds)
        console.print(f"[dim](a) raw: {raw_rate:,.0f} saves/s[/dim]")
        run = api_phase(db, args)
    report(args, raw_rate, raw_saves, run, pg, load)
    return 1 if run.load.errors() else 0


if __name__ == "__main__":
    sys.exit(main())
