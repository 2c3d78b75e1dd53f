"""Deprivation and population reference data for the report: the council's LSOAs from the
official files (loaded into ref_lsoa), and any other LSOA a person lives in."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, select

from projections.imd import ref_lsoa

POPULATION_EDITION = "IoD2019 population denominators (mid-2015, excluding prisoners)"


@dataclass(frozen=True)
class Reference:
    quintile: dict[str, int]  # LSOA -> IMD quintile (1 = most deprived)
    district_population: dict[str, int]
    quintile_population: dict[int, int]
    imd_edition: str
    population_edition: str
    digest: str


def load_reference(engine: Engine, districts: Iterable[str], lsoas: Iterable[str]) -> Reference:
    wanted_districts = list(districts)
    columns = (
        ref_lsoa.c.lsoa_code,
        ref_lsoa.c.district_name,
        ref_lsoa.c.imd_quintile,
        ref_lsoa.c.population,
        ref_lsoa.c.edition,
    )
    ref_lsoa.create(engine, checkfirst=True)
    with engine.connect() as conn:
        council = conn.execute(
            select(*columns)
            .where(ref_lsoa.c.district_name.in_(wanted_districts))
            .order_by(ref_lsoa.c.lsoa_code)
        ).all()
        known = {r.lsoa_code for r in council}
        others = sorted(set(lsoas) - known)
        outside = (
            conn.execute(
                select(*columns)
                .where(ref_lsoa.c.lsoa_code.in_(others))
                .order_by(ref_lsoa.c.lsoa_code)
            ).all()
            if others
            else []
        )
    district_population: dict[str, int] = {}
    quintile_population: dict[int, int] = {}
    for r in council:
        if r.population is not None:
            district_population[r.district_name] = (
                district_population.get(r.district_name, 0) + r.population
            )
            quintile_population[r.imd_quintile] = (
                quintile_population.get(r.imd_quintile, 0) + r.population
            )
    rows = [*council, *outside]
    digest = hashlib.sha256(
        "".join(f"{r[0]}|{r[1]}|{r[2]}|{r[3]}|{r[4]}\n" for r in rows).encode()
    ).hexdigest()
    has_population = any(r.population is not None for r in council)
    return Reference(
        quintile={r.lsoa_code: r.imd_quintile for r in rows},
        district_population=district_population,
        quintile_population=quintile_population,
        imd_edition=rows[0].edition if rows else "not loaded (no deprivation breakdown)",
        population_edition=POPULATION_EDITION if has_population else "not loaded (no rates)",
        digest=digest,
    )
