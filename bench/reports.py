"""How long committee reports take on a seeded population, against a bare read of their facts.

    .venv/bin/python -m bench.reports [--people 50000] [--seed 1] [--repeat 3] [--keep]
    .venv/bin/python -m bench.reports --database lac_bench_xxxx   # reuse a kept database

One run: a fresh PostgreSQL database, `lac seed` of --people (2021/22 and 2022/23), the read
models caught up, then each report step timed --repeat times (median). The ratio compares the
HTML report (read + fold + indicators + render) with a bare SELECT of the same fact rows.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from psycopg import sql
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import select

from bench._db import BenchDatabase, _admin, cpu_model, fresh_database, server_version

console = Console() if sys.stdout.isatty() else Console(width=120)
IMD_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "imd2019"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the database for another run")
    parser.add_argument("--database", help="reuse this kept bench database (no seeding)")
    return parser.parse_args(argv)


@contextmanager
def database(args: argparse.Namespace) -> Iterator[BenchDatabase]:
    if args.database:
        yield BenchDatabase(args.database)
        return
    if args.keep:
        db = BenchDatabase(f"lac_bench_{secrets.token_hex(4)}")
        with _admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db.name)))
        console.print(f"keeping database {db.name}: drop it with `dropdb -U postgres {db.name}`")
        yield db
        return
    with fresh_database() as db:
        yield db


def settings_for(db: BenchDatabase, data_dir: str) -> Any:
    from workers.settings import Settings

    imd = os.environ.get("LAC_IMD_FILE") or str(
        IMD_DIR / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
    )
    population = os.environ.get("LAC_POPULATION_FILE") or str(
        IMD_DIR / "File_6_-_IoD2019_Population_Denominators.csv.gz"
    )
    return Settings(
        database_url=db.url,
        secret_key="bench-" + "k" * 40,
        data_dir=Path(data_dir),
        imd_file=Path(imd),
        population_file=Path(population),
    )


def seed(runtime: Any, people: int, seed_number: int) -> float:
    from api import accounts
    from projections.imd import load_imd_if_configured
    from workers.seed import seed_population

    load_imd_if_configured(runtime)
    started = time.perf_counter()
    with Progress(console=console) as progress:
        task = progress.add_task(f"seeding {people:,} people", total=people)
        seed_population(
            runtime,
            people=people,
            seed=seed_number,
            start=date(2021, 4, 1),
            end=date(2023, 3, 31),
            accounts=accounts,
            progress=lambda n: progress.update(task, completed=n),
        )
    return time.perf_counter() - started


def timed(step: Callable[[], Any], repeat: int, before: Callable[[], None] | None = None) -> float:
    seconds = []
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def measure(runtime: Any, repeat: int) -> list[tuple[str, float]]:
    from api.report_output import csv_zip, render_html, render_pdf, render_xlsx
    from projections.report_facts import report_facts
    from projections.reports import build
    from projections.reports.build import build_report
    from projections.reports.extract import build_extract
    from projections.reports.request import ReportContext, ReportRequest

    context = ReportContext(runtime.engine, runtime.settings.districts)
    request = ReportRequest(2021, 4)
    cold = build.forget_histories

    def bare_read() -> None:
        with runtime.engine.connect() as conn:
            for _ in conn.execution_options(yield_per=20_000).execute(select(report_facts)):
                pass

    report = build_report(context, request)
    # A cold step reads and folds the whole log, so it runs once; warm steps run `repeat` times.
    return [
        ("bare SELECT of every fact row (SQLAlchemy Core)", timed(bare_read, 1)),
        (
            "HTML report, cold (read, fold, work out, render)",
            timed(lambda: render_html(build_report(context, request)), 1, cold),
        ),
        (
            "HTML report, warm (folded log kept; work out, render)",
            timed(lambda: render_html(build_report(context, request)), repeat),
        ),
        ("PDF report, warm", timed(lambda: render_pdf(build_report(context, request)), repeat)),
        ("PDF rendering only", timed(lambda: render_pdf(report), repeat)),
        (
            "XLSX of every table, warm",
            timed(lambda: render_xlsx(build_report(context, request)), repeat),
        ),
        (
            "CSV zip of every table, warm",
            timed(lambda: csv_zip(build_report(context, request)), repeat),
        ),
        (
            "pseudonymised extract, warm",
            timed(lambda: build_extract(context, b"k" * 32, year=2021, position=None), repeat),
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from api.accounts import service_metadata
    from projections.db import create_tables
    from workers.runtime import Runtime

    with database(args) as db, tempfile.TemporaryDirectory() as tmp:
        runtime = Runtime(settings_for(db, tmp))
        create_tables(runtime.engine, service_metadata)
        seeded = 0.0 if args.database else seed(runtime, args.people, args.seed)
        # Reports read only the report facts: bring that projection up to the end of the log.
        started = time.perf_counter()
        runtime.projector("report_facts").catch_up()
        catch_up = time.perf_counter() - started
        events = runtime.app.log_position()
        rows = measure(runtime, args.repeat)
        runtime.close()
    table = Table(
        title=f"Committee report, Q4 2021/22, on {events:,} events (median of {args.repeat})"
    )
    table.add_column("step")
    table.add_column("seconds", justify="right")
    for name, seconds in rows:
        table.add_row(name, f"{seconds:.2f}")
    ratio = rows[1][1] / rows[0][1] if rows[0][1] else float("nan")
    table.add_row("[bold]ratio cold HTML report / bare read[/bold]", f"[bold]{ratio:.1f}[/bold]")
    console.print(table)
    console.print(
        f"seeded in {seeded:.0f} s; report facts caught up in {catch_up:.0f} s; "
        f"machine: {os.cpu_count()} cores ({cpu_model()}), {platform.platform()}; "
        f"PostgreSQL {server_version()}",
        markup=False,
    )
    console.print("command: " + " ".join(["python -m bench.reports", *(argv or sys.argv[1:])]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
