"""A PostgreSQL database seeded with `lac seed`'s generator, shared by parts 2 and 4."""

from __future__ import annotations

import math
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from bench._db import BenchDatabase, fresh_database
from bench._report import console

# Events per seeded person (50,000 people gave 977,974 events): to size the seed for --events.
EVENTS_PER_PERSON = 19.5


@dataclass(frozen=True)
class Seeded:
    db: BenchDatabase
    people: int
    events: int
    seconds: float


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


@contextmanager
def seeded_database(people: int, seed: int) -> Iterator[Seeded]:
    """A fresh database with `people` seeded (read models left for the caller to build)."""
    from bench.reports import seed as seed_people

    with fresh_database() as db, tempfile.TemporaryDirectory() as tmp:
        console.print(f"[dim]database {db.name} (dropped at the end)[/dim]")
        runtime = open_runtime(db, tmp)
        try:
            started = time.perf_counter()
            seed_people(runtime, people, seed)
            seconds = time.perf_counter() - started
            events = runtime.app.log_position()
        finally:
            runtime.close()
        yield Seeded(db, people, events, seconds)
