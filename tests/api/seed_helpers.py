"""Shared by the IMD and seed tests: the official IMD 2019 files, a factory of SQLite runtimes,
the seeded population and reading it back. Each test module wraps the factories in its own
module-scoped fixtures (so each module seeds its own population)."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api import accounts
from api.accounts import service_metadata
from domain.reference import NOTTINGHAMSHIRE_DISTRICTS
from projections.db import create_tables
from projections.imd import load_imd
from projections.tables import people, referrals
from workers.runtime import Runtime
from workers.seed import SeedSummary, seed_population
from workers.settings import Settings

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "imd2019"
IMD = DATA / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
POPULATION = DATA / "File_6_-_IoD2019_Population_Denominators.csv.gz"
START, END = date(2022, 4, 1), date(2023, 3, 31)

needs_imd = pytest.mark.skipif(
    not IMD.exists(), reason=f"the IMD 2019 reference files are not in {DATA}"
)

MakeRuntime = Callable[..., Runtime]


def notts_imd_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Nottinghamshire's rows as plain (not gzipped) CSV, quoted exactly as published."""
    path = tmp_path_factory.mktemp("imd") / "notts_imd.csv"
    with gzip.open(IMD, "rt", encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    with path.open("w", encoding="utf-8-sig", newline="") as target:
        writer = csv.writer(target, lineterminator="\r\n")
        writer.writerow(rows[0])
        writer.writerows(r for r in rows[1:] if r[3] in NOTTINGHAMSHIRE_DISTRICTS)
    return path


def runtime_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeRuntime]:
    """Yields a maker of throwaway SQLite runtimes, closing them all afterwards."""
    made: list[Runtime] = []

    def make(**settings: Any) -> Runtime:
        data_dir = tmp_path_factory.mktemp("lac")
        runtime = Runtime(
            Settings(
                data_dir=data_dir,
                secret_key="x" * 40,
                database_url=None,
                redis_url=None,
                **{"imd_file": None, "population_file": None, **settings},
            )
        )
        service_metadata.create_all(runtime.engine)
        create_tables(runtime.engine)
        made.append(runtime)
        return runtime

    yield make
    for runtime in made:
        runtime.close()


def seeded(make_runtime: MakeRuntime, notts_imd: Path, seed: int) -> tuple[Runtime, SeedSummary]:
    runtime = make_runtime()
    load_imd(runtime.engine, notts_imd, POPULATION)
    summary = seed_population(
        runtime, people=60, seed=seed, start=START, end=END, accounts=accounts
    )
    runtime.catch_up()
    return runtime, summary


def population(runtime: Runtime) -> list[tuple[Any, ...]]:
    query = select(people.c.name, people.c.nhs_number, people.c.lsoa_code, people.c.district)
    with runtime.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(query.order_by(people.c.registered_at))]


def referral_rows(runtime: Runtime) -> list[Any]:
    query = select(referrals, people.c.district, people.c.date_of_birth).join(
        people, people.c.id == referrals.c.person_id
    )
    with runtime.engine.connect() as conn:
        return list(conn.execute(query))


CASEWORK = ("Involvement.", "SupportContact.", "AssetConnection.", "CommunityAsset.", "Community")


def casework_events(runtime: Runtime) -> list[Any]:
    """Every casework event in the log, in log order, read back through the application."""
    app, found, start = runtime.app, [], 1
    while batch := app.recorder.select_notifications(start=start, limit=1000):
        for notification in batch:
            event = app.mapper.to_domain_event(notification)
            if type(event).__qualname__.startswith(CASEWORK):
                found.append(event)
        start = batch[-1].id + 1
    return found


def by_type(events: list[Any], name: str) -> list[Any]:
    return [e for e in events if type(e).__qualname__ == name]
