"""Deprivation reference data: reading the official IMD 2019 files and loading the table."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.reference import NOTTINGHAMSHIRE_DISTRICTS
from projections.imd import (
    DEFAULT_EDITION,
    LsoaDeprivation,
    imd_edition,
    load_imd,
    load_imd_if_configured,
    lsoas_in_districts,
    read_imd_file,
    read_population_file,
)
from tests.api.seed_helpers import (
    IMD,
    POPULATION,
    MakeRuntime,
    needs_imd,
    notts_imd_file,
    runtime_factory,
)

pytestmark = needs_imd


@pytest.fixture(scope="module")
def notts_imd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return notts_imd_file(tmp_path_factory)


@pytest.fixture(scope="module")
def make_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeRuntime]:
    yield from runtime_factory(tmp_path_factory)


@pytest.fixture(scope="module")
def imd_rows() -> list[LsoaDeprivation]:
    return read_imd_file(IMD)


# reading the official files -------------------------------------------------------------


def test_the_imd_file_holds_every_lsoa_in_england(imd_rows: list[LsoaDeprivation]) -> None:
    assert len(imd_rows) == 32_844
    notts = Counter(
        r.district_name for r in imd_rows if r.district_name in NOTTINGHAMSHIRE_DISTRICTS
    )
    assert sum(notts.values()) == 497
    assert set(notts) == set(NOTTINGHAMSHIRE_DISTRICTS)
    assert notts["Mansfield"] == 67


def test_ranks_quoted_with_thousands_separators_are_numbers(
    imd_rows: list[LsoaDeprivation],
) -> None:
    city = imd_rows[0]
    assert (city.lsoa_code, city.lsoa_name) == ("E01000001", "City of London 001A")
    assert (city.district_code, city.district_name) == ("E09000001", "City of London")
    assert (city.imd_rank, city.imd_decile) == (29_199, 9)
    ranks = [r.imd_rank for r in imd_rows]
    assert (min(ranks), max(ranks)) == (1, 32_844)  # a few equal scores share a rank
    assert sum(rank > 999 for rank in ranks) > 31_000  # all of these were quoted "1,000" on


def test_quintile_is_the_decile_halved_and_rounded_up(imd_rows: list[LsoaDeprivation]) -> None:
    assert all(r.quintile == math.ceil(r.imd_decile / 2) for r in imd_rows)
    lsoa = imd_rows[0]
    quintiles = [
        LsoaDeprivation(**{**_fields(lsoa), "imd_decile": d}).quintile for d in range(1, 11)
    ]
    assert quintiles == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def _fields(lsoa: LsoaDeprivation) -> dict[str, Any]:
    return {name: getattr(lsoa, name) for name in LsoaDeprivation.__dataclass_fields__}


def test_population_file_gives_each_lsoa_its_mid_2015_population() -> None:
    found = read_population_file(POPULATION)
    assert len(found) == 32_844
    assert found["E01000001"] == 1296
    assert all(value > 0 for value in found.values())


def test_plain_csv_reads_like_the_gzipped_file(notts_imd: Path) -> None:
    rows = read_imd_file(notts_imd)
    assert len(rows) == 497
    assert {r.district_name for r in rows} == set(NOTTINGHAMSHIRE_DISTRICTS)


def test_a_file_of_another_shape_is_refused_naming_the_missing_column(tmp_path: Path) -> None:
    with pytest.raises(
        ValueError, match=r"missing column 'Index of Multiple Deprivation \(IMD\) Rank'"
    ) as error:
        read_imd_file(POPULATION)
    assert POPULATION.name in str(error.value)
    bad = tmp_path / "bad.csv"
    bad.write_text("LSOA code (2011),Total population\nE01000001,1296\n")
    with pytest.raises(ValueError, match=r"bad\.csv: missing column 'LSOA name"):
        read_imd_file(bad)
    with pytest.raises(ValueError, match="missing column 'Total population"):
        read_population_file(IMD)


def test_bad_values_are_refused_with_the_line(tmp_path: Path) -> None:
    header = (
        "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
        "Local Authority District name (2019),Index of Multiple Deprivation (IMD) Rank,"
        "Index of Multiple Deprivation (IMD) Decile\n"
    )
    path = tmp_path / "imd.csv"
    path.write_text(
        header + 'E01000001,A,E09000001,City,"29,199",9\nE01000002,B,E09000001,City,n/a,9\n'
    )
    with pytest.raises(ValueError, match="line 3: IMD Rank is not a number: 'n/a'"):
        read_imd_file(path)
    path.write_text(header + "E01000001,A,E09000001,City,5,11\n")
    with pytest.raises(ValueError, match="line 2: IMD Decile 11 is not 1-10"):
        read_imd_file(path)
    path.write_text(header + "W01000001,A,W06000001,Anglesey,5,1\n")
    with pytest.raises(ValueError, match="line 2: 'W01000001' is not an English LSOA code"):
        read_imd_file(path)
    path.write_text(header)
    with pytest.raises(ValueError, match="no LSOA rows"):
        read_imd_file(path)
    path.write_bytes(header.encode() + b"E01000001,Caf\xe9,E09000001,City,5,1\n")
    with pytest.raises(ValueError, match="not a UTF-8 CSV file"):
        read_imd_file(path)


# the reference table --------------------------------------------------------------------


def test_load_imd_replaces_the_table_and_districts_filter_it(make_runtime: MakeRuntime) -> None:
    runtime = make_runtime()
    assert imd_edition(runtime.engine) is None
    assert load_imd(runtime.engine, IMD, POPULATION) == 32_844
    assert imd_edition(runtime.engine) == DEFAULT_EDITION
    mansfield = lsoas_in_districts(runtime.engine, ["Mansfield"])
    assert len(mansfield) == 67
    assert {r.district_name for r in mansfield} == {"Mansfield"}
    assert all(r.population and r.population > 500 for r in mansfield)
    assert len(lsoas_in_districts(runtime.engine, NOTTINGHAMSHIRE_DISTRICTS)) == 497
    by_code = lsoas_in_districts(runtime.engine, [mansfield[0].district_code])
    assert by_code == mansfield

    assert load_imd(runtime.engine, IMD, edition="IoD 2019 (reloaded)") == 32_844
    assert imd_edition(runtime.engine) == "IoD 2019 (reloaded)"
    assert lsoas_in_districts(runtime.engine, ["Mansfield"])[0].population is None


def test_load_imd_if_configured_loads_once(make_runtime: MakeRuntime) -> None:
    assert load_imd_if_configured(make_runtime()) == 0
    runtime = make_runtime(imd_file=IMD, population_file=POPULATION)
    assert load_imd_if_configured(runtime) == 32_844
    assert load_imd_if_configured(runtime) == 0
    assert len(lsoas_in_districts(runtime.engine, ["Gedling"])) == 77
