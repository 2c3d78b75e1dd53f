"""A PostgreSQL database seeded with `lac seed`'s generator, shared by parts 2 and 4.

Seeding a million events takes about half an hour, so a seeded database can be made once and
kept (`python -m bench.seed`), then named with `--seeded NAME` by later runs. Its size and how
long the seeding took are written into the database itself (table `bench_seeded`), so a run
that reuses it reports the same facts as one that seeded it.
"""

from __future__ import annotations

import math
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

from bench._db import BenchDatabase, _admin, fresh_database
from bench._report import console

# Events per seeded person (50,000 people gave 977,974 events): to size the seed for --events.
EVENTS_PER_PERSON = 19.5


@dataclass(frozen=True)
class Seeded:
    db: BenchDatabase
    people: int
    events: int
    seconds: float
    reused: bool = False


def people_for(people: int, events: int) -> int:
    """Enough people for both the query population and the events wanted for the rebuild."""
    return max(people, math.ceil(events / EVENTS_PER_PERSON))


def open_runtime(db: BenchDatabase, data_dir: str) -> Any:
    """The product's runtime on the bench database, with its service tables."""
    from api.accounts import service_metadata
    from bench.reports import settings_for
    from projections.db import create_tables
    from workers.runtime import Runtime

    runtime = Runtime(settings_for(db, data_dir))
    create_tables(runtime.engine, service_metadata)
    return runtime


def seed_into(db: BenchDatabase, people: int, seed: int) -> Seeded:
    """Seed `people` into an empty database and note the facts in its `bench_seeded` table."""
    from bench.reports import seed as seed_people

    with tempfile.TemporaryDirectory() as tmp:
        runtime = open_runtime(db, tmp)
        try:
            started = time.perf_counter()
            seed_people(runtime, people, seed)
            seconds = time.perf_counter() - started
            events = runtime.app.log_position()
        finally:
            runtime.close()
    with psycopg.connect(db.url, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE bench_seeded (people int, seed int, events bigint, seconds float8)"
        )
        conn.execute(
            "INSERT INTO bench_seeded VALUES (%s, %s, %s, %s)", (people, seed, events, seconds)
        )
    return Seeded(db, people, events, seconds)


def kept_seeded(name: str) -> Seeded:
    """A database seeded earlier by `python -m bench.seed`, with its recorded facts."""
    db = BenchDatabase(name)
    with psycopg.connect(db.url) as conn:
        found = conn.execute("SELECT people, events, seconds FROM bench_seeded").fetchone()
    if found is None:
        raise SystemExit(f"{name} has no bench_seeded row: was it made by `python -m bench.seed`?")
    people, events, seconds = found
    return Seeded(db, int(str(people)), int(str(events)), float(str(seconds)), reused=True)


@contextmanager
def seeded_database(people: int, seed: int, reuse: str | None = None) -> Iterator[Seeded]:
    """A fresh database with `people` seeded (dropped afterwards), or the kept one named."""
    if reuse:
        seeded = kept_seeded(reuse)
        size = f"{seeded.people:,} people, {seeded.events:,} events"
        console.print(f"[dim]reusing {reuse}: {size}[/dim]")
        yield seeded
        return
    with fresh_database() as db:
        console.print(f"[dim]database {db.name} (dropped at the end)[/dim]")
        yield seed_into(db, people, seed)


def keep_seeded(people: int, seed: int) -> Seeded:
    """Seed a new database that is kept (`python -m bench.seed`)."""
    db = BenchDatabase(f"lac_bench_seeded_{secrets.token_hex(3)}")
    with _admin() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db.name)))
    return seed_into(db, people, seed)
