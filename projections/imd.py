"""Deprivation reference data: the English Indices of Deprivation, one row per LSOA.

The official files (``File_1`` for the index, ``File_6`` for population denominators) are
gzipped CSV with a byte-order mark, CRLF line ends and numbers above 999 quoted with thousands
separators ("29,199"). A newer edition that a council supplies in the same layout loads the same
way; the edition's name is stamped on every row so that each breakdown can say what it used.
"""

from __future__ import annotations

import csv
import gzip
import math
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from sqlalchemy import (
    Column,
    Engine,
    Integer,
    SmallInteger,
    String,
    Table,
    delete,
    func,
    insert,
    or_,
    select,
)

from projections.tables import metadata

DEFAULT_EDITION = "English Indices of Deprivation 2019"
CHUNK = 5000
LSOA_CODE = re.compile(r"^E01[0-9]{6}$")

ref_lsoa = Table(
    "ref_lsoa",
    metadata,
    Column("lsoa_code", String(9), primary_key=True),
    Column("lsoa_name", String(100), nullable=False),
    Column("district_code", String(9), nullable=False, index=True),
    Column("district_name", String(100), nullable=False, index=True),
    Column("imd_rank", Integer, nullable=False),
    Column("imd_decile", SmallInteger, nullable=False),
    Column("imd_quintile", SmallInteger, nullable=False),
    Column("population", Integer),
    Column("edition", String(100), nullable=False),
)


@dataclass(frozen=True, slots=True)
class LsoaDeprivation:
    """One LSOA's deprivation (rank and decile 1 = most deprived) and, if known, population."""

    lsoa_code: str
    lsoa_name: str
    district_code: str
    district_name: str
    imd_rank: int
    imd_decile: int
    population: int | None = None

    @property
    def quintile(self) -> int:
        return math.ceil(self.imd_decile / 2)


# A column matches when its name, lower-cased, starts with the prefix (or contains the marker),
# so that the next edition's "LSOA code (2021)" or "District code (2023)" still reads.
Match = Callable[[str], bool]


def _starts(prefix: str) -> Match:
    return lambda name: name.startswith(prefix)


def _contains(*parts: str) -> Match:
    return lambda name: all(part in name for part in parts)


IMD_COLUMNS: dict[str, tuple[str, Match]] = {
    "lsoa_code": ("LSOA code (2011)", _starts("lsoa code")),
    "lsoa_name": ("LSOA name (2011)", _starts("lsoa name")),
    "district_code": ("Local Authority District code (2019)", _contains("district code")),
    "district_name": ("Local Authority District name (2019)", _contains("district name")),
    "imd_rank": ("Index of Multiple Deprivation (IMD) Rank", _contains("(imd) rank")),
    "imd_decile": ("Index of Multiple Deprivation (IMD) Decile", _contains("(imd) decile")),
}
POPULATION_COLUMNS: dict[str, tuple[str, Match]] = {
    "lsoa_code": ("LSOA code (2011)", _starts("lsoa code")),
    "population": ("Total population: mid 2015 (excluding prisoners)", _starts("total population")),
}


@contextmanager
def _open_text(path: Path) -> Iterator[TextIO]:
    """Open a CSV, gzipped or not (told by its first two bytes), dropping any byte-order mark."""
    with path.open("rb") as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
    with ExitStack() as stack:
        if gzipped:
            yield stack.enter_context(gzip.open(path, "rt", encoding="utf-8-sig", newline=""))
        else:
            yield stack.enter_context(path.open(encoding="utf-8-sig", newline=""))


def _columns(path: Path, header: list[str], wanted: dict[str, tuple[str, Match]]) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    found: dict[str, int] = {}
    for field, (label, match) in wanted.items():
        index = next((i for i, name in enumerate(names) if match(name)), None)
        if index is None:
            raise ValueError(
                f"{path}: missing column {label!r}; is this the right file? "
                f"(its columns: {', '.join(repr(h) for h in header[:8]) or 'none'})"
            )
        found[field] = index
    return found


def _rows(path: Path, wanted: dict[str, tuple[str, Match]]) -> Iterator[tuple[int, list[str]]]:
    """Each data row with its line number, after checking the header names every column."""
    try:
        yield from _checked_rows(path, wanted)
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not a UTF-8 CSV file (save the sheet as CSV UTF-8)") from None


def _checked_rows(
    path: Path, wanted: dict[str, tuple[str, Match]]
) -> Iterator[tuple[int, list[str]]]:
    with _open_text(path) as text:
        reader = csv.reader(text)
        header = next(reader, None)
        if header is None:
            raise ValueError(f"{path}: the file is empty")
        columns = _columns(path, header, wanted)
        width = max(columns.values()) + 1
        for line, row in enumerate(reader, start=2):
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) < width:
                raise ValueError(f"{path}, line {line}: expected {width} columns, got {len(row)}")
            yield line, [row[columns[field]].strip() for field in wanted]


def _number(path: Path, line: int, column: str, value: str) -> int:
    try:
        return int(value.replace(",", ""))
    except ValueError:
        raise ValueError(f"{path}, line {line}: {column} is not a number: {value!r}") from None


def read_imd_file(path: str | Path) -> list[LsoaDeprivation]:
    """Every LSOA in an IMD file (File_1 layout), in file order; ValueError if malformed."""
    path = Path(path)
    result: list[LsoaDeprivation] = []
    seen: set[str] = set()
    for line, (code, name, d_code, d_name, rank, decile) in _rows(path, IMD_COLUMNS):
        item = LsoaDeprivation(
            lsoa_code=code,
            lsoa_name=name,
            district_code=d_code,
            district_name=d_name,
            imd_rank=_number(path, line, "IMD Rank", rank),
            imd_decile=_number(path, line, "IMD Decile", decile),
        )
        if not 1 <= item.imd_decile <= 10:
            raise ValueError(f"{path}, line {line}: IMD Decile {item.imd_decile} is not 1-10")
        if item.imd_rank < 1:
            raise ValueError(f"{path}, line {line}: IMD Rank {item.imd_rank} is not positive")
        if not LSOA_CODE.match(code):
            raise ValueError(f"{path}, line {line}: {code!r} is not an English LSOA code")
        if code in seen:
            raise ValueError(f"{path}, line {line}: LSOA {code} appears twice")
        seen.add(code)
        result.append(item)
    if not result:
        raise ValueError(f"{path}: no LSOA rows")
    return result


def read_population_file(path: str | Path) -> dict[str, int]:
    """LSOA code -> total population (File_6 layout: mid-2015, excluding prisoners)."""
    path = Path(path)
    return {
        code: _number(path, line, "Total population", value)
        for line, (code, value) in _rows(path, POPULATION_COLUMNS)
    }


def _ensure_table(engine: Engine) -> None:
    ref_lsoa.create(engine, checkfirst=True)


def load_imd(
    engine: Engine,
    imd_path: str | Path,
    population_path: str | Path | None = None,
    edition: str = DEFAULT_EDITION,
) -> int:
    """Replace the reference table with a file's rows in one transaction; returns rows loaded.

    Both files are read and checked before anything is written, so a bad file changes nothing.
    """
    rows = read_imd_file(imd_path)
    population = read_population_file(population_path) if population_path else {}
    _ensure_table(engine)
    values = [
        {
            "lsoa_code": r.lsoa_code,
            "lsoa_name": r.lsoa_name,
            "district_code": r.district_code,
            "district_name": r.district_name,
            "imd_rank": r.imd_rank,
            "imd_decile": r.imd_decile,
            "imd_quintile": r.quintile,
            "population": population.get(r.lsoa_code),
            "edition": edition,
        }
        for r in rows
    ]
    with engine.begin() as conn:
        conn.execute(delete(ref_lsoa))
        for start in range(0, len(values), CHUNK):
            conn.execute(insert(ref_lsoa), values[start : start + CHUNK])
    return len(values)


def lsoas_in_districts(engine: Engine, districts: Iterable[str]) -> list[LsoaDeprivation]:
    """The LSOAs of the named districts (by name or code), ordered by district then LSOA."""
    wanted = list(districts)
    _ensure_table(engine)
    query = (
        select(ref_lsoa)
        .where(or_(ref_lsoa.c.district_name.in_(wanted), ref_lsoa.c.district_code.in_(wanted)))
        .order_by(ref_lsoa.c.district_name, ref_lsoa.c.lsoa_code)
    )
    with engine.connect() as conn:
        return [
            LsoaDeprivation(
                lsoa_code=r.lsoa_code,
                lsoa_name=r.lsoa_name,
                district_code=r.district_code,
                district_name=r.district_name,
                imd_rank=r.imd_rank,
                imd_decile=r.imd_decile,
                population=r.population,
            )
            for r in conn.execute(query)
        ]


def imd_edition(engine: Engine) -> str | None:
    """The edition the reference table holds, or None when nothing is loaded."""
    _ensure_table(engine)
    with engine.connect() as conn:
        found = conn.execute(select(ref_lsoa.c.edition).limit(1)).scalar()
    return str(found) if found is not None else None


def lsoa_count(engine: Engine) -> int:
    _ensure_table(engine)
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(ref_lsoa)).scalar_one())


class _ImdSettings(Protocol):
    @property
    def imd_file(self) -> Path | None: ...

    @property
    def population_file(self) -> Path | None: ...


class _HasImdSettings(Protocol):
    @property
    def engine(self) -> Engine: ...

    @property
    def settings(self) -> _ImdSettings: ...


def load_imd_if_configured(runtime: _HasImdSettings) -> int:
    """Load LAC_IMD_FILE (and LAC_POPULATION_FILE) when set and nothing is loaded yet."""
    imd_file = runtime.settings.imd_file
    if imd_file is None or lsoa_count(runtime.engine) > 0:
        return 0
    return load_imd(runtime.engine, imd_file, runtime.settings.population_file)
