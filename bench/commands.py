"""Part 1 (and 5): the command mix over HTTP against the raw library committing the same events.

    .venv/bin/python -m bench.commands [--seconds 10] [--clients 8] [--server auto|uvicorn|lac]

One run, one fresh PostgreSQL database (dropped at the end): first the plain eventsourcing
library doing the mix's saves from --clients threads, then the real API server over HTTP with
--clients keep-alive clients, then both rates and their ratio. `bench.embedded` runs the same
on SQLite.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from dataclasses import dataclass

from bench._db import Store, fresh_database
from bench._load import MIX, LoadResult, percentile, run_load
from bench._raw import RawResult, raw_mix
from bench._report import Aim, Section, console, exact_command, machine, print_footer
from bench._server import SECRET_KEY, create_users, running_server, sign_in

AIM_RATIO = 0.8  # issue 8: the API at least 0.8 of the raw rate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--clients", type=int, default=8, help="threads in each phase")
    parser.add_argument(
        "--server",
        choices=("auto", "uvicorn", "lac"),
        default="auto",
        help="auto: `lac serve` once api.cli exists, else uvicorn with the app factory",
    )
    parser.add_argument(
        "--server-workers", type=int, default=1, help="API server processes (lac serve --workers)"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.commands", description=__doc__)
    add_arguments(parser)
    return parser.parse_args(argv)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


@dataclass(frozen=True)
class ApiRun:
    load: LoadResult
    server: str
    server_cores: float | None  # CPU seconds the server used per wall second of load
    behind_at_end: int | None  # log positions the read models trailed when the load stopped
    catch_up_seconds: float | None  # then how long the embedded projector took to catch up
    events: int  # events the API's commands stored


def logged_events(store: Store) -> int:
    from workers.runtime import Runtime
    from workers.settings import Settings

    settings = Settings(secret_key=SECRET_KEY, redis_url=None, **store.settings_kwargs())  # type: ignore[arg-type]
    runtime = Runtime(settings)
    try:
        return runtime.app.log_position()
    finally:
        runtime.close()


def api_phase(store: Store, args: argparse.Namespace) -> ApiRun:
    create_users(store, args.clients)
    with running_server(store, args.server, workers=args.server_workers) as server:
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
    events = logged_events(store)
    return ApiRun(load, shlex.join(server.command), cores, behind, catch_up, events)


def latency_cells(latencies: list[float], seconds: float) -> str:
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    return f"{len(latencies) / seconds:,.0f}/s (n={len(latencies):,}; p50 {ms(p50)}, p95 {ms(p95)})"


def api_rows(section: Section, run: ApiRun) -> None:
    api = run.load
    section.row("(b) API over HTTP: commands (2xx)", latency_cells(api.latencies(), api.seconds))
    for kind, share in MIX:
        section.row(
            f"    {kind} (~{share:.0%} of picks)", latency_cells(api.latencies(kind), api.seconds)
        )
    section.row("(b) API: events stored", f"{run.events / api.seconds:,.0f}/s ({run.events:,})")
    section.row("(b) errors (non-2xx or transport)", f"{sum(api.errors().values()):,}")
    cores = "?" if run.server_cores is None else f"{run.server_cores:.2f}"
    section.row("(b) server processes' CPU during the load", f"{cores} cores")
    if run.behind_at_end is None or run.catch_up_seconds is None:
        section.row("(b) read models behind at the end", "unknown")
    else:
        section.row(
            "(b) read models behind at the end, then caught up",
            f"{run.behind_at_end:,} positions, {run.catch_up_seconds:.2f} s",
        )


def commands_section(store: Store, args: argparse.Namespace, title: str) -> Section:
    """Raw library first, then the API, on the same store; the section with both and ratios."""
    raw: RawResult = raw_mix(store.raw_env(pool_size=args.clients), args.clients, args.seconds)
    console.print(f"[dim]{title}: raw {raw.per_second:,.0f} commands/s[/dim]")
    run = api_phase(store, args)
    section = Section(f"{title}: {args.clients} clients, {args.seconds:g} s each")
    section.row(
        "(a) raw eventsourcing: the mix's saves",
        f"{raw.per_second:,.0f} commands/s, {raw.events_per_second:,.0f} events/s",
    )
    api_rows(section, run)
    ratio = run.load.per_second / raw.per_second if raw.per_second else float("nan")
    raw_events = raw.events_per_second
    events_ratio = run.events / run.load.seconds / raw_events if raw_events else float("nan")
    section.row("ratio API / raw (commands/s)", f"{ratio:.2f}")
    section.row("ratio API / raw (events/s)", f"{events_ratio:.2f}")
    section.aims.append(Aim("API commands/s ÷ raw commands/s", ratio, AIM_RATIO))
    section.notes.append(f"API server: {run.server} (embedded projector, no Redis)")
    for key, count in run.load.errors().most_common(5):
        section.notes.append(f"error {key}: {count} e.g. {run.load.samples().get(key, '')}")
    return section


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    machine_line = machine()  # load average before the run: other work moves both rates
    with fresh_database() as db:
        console.print(f"[dim]database {db.name} (dropped at the end)[/dim]")
        section = commands_section(db, args, "1. Commands over HTTP vs raw, PostgreSQL")
    section.print()
    print_footer(exact_command("bench.commands"), machine_line)
    return 1 if any(n.startswith("error ") for n in section.notes) else 0


if __name__ == "__main__":
    sys.exit(main())
