"""The versioned indicator definitions file: what each figure counts and how its year to date
combines the quarters. The product ships one; a council may point LAC_REPORT_DEFINITIONS at its
own. A file that does not make sense is refused with the indicator and field named."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).with_name("indicators.toml")

# figure -> the ways its year to date may combine the quarters
YTD_FOR: dict[str, tuple[str, ...]] = {
    "people": ("distinct",),
    "count": ("sum", "latest"),
    "hours": ("sum",),
    "money": ("sum",),
    "rate": ("rate",),
    "median": ("pooled",),
    "change": ("pooled",),
}
TEXT_FIELDS = ("id", "service", "label", "measure", "figure", "ytd", "events", "counts")


class BadDefinitions(ValueError):
    """The definitions file is unusable; says where."""


@dataclass(frozen=True)
class Indicator:
    id: str
    service: str
    label: str
    measure: str
    figure: str
    ytd: str
    events: str
    counts: str
    targets: dict[str, Decimal]

    def target(self, year: int) -> Decimal | None:
        return self.targets.get(str(year))


@dataclass(frozen=True)
class Definitions:
    version: str
    indicators: tuple[Indicator, ...]
    digest: str  # sha256 of the file's bytes, part of every report's inputs digest


def load_definitions(path: Path | None, measures: Collection[str]) -> Definitions:
    source = path or SHIPPED
    try:
        raw = source.read_bytes()
        parsed = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise BadDefinitions(f"{source}: cannot be read as TOML ({error})") from error
    version = parsed.get("version")
    if not isinstance(version, str) or not version.strip():
        raise BadDefinitions(f"{source}: needs a version string")
    entries = parsed.get("indicator")
    if not isinstance(entries, list) or not entries:
        raise BadDefinitions(f"{source}: needs at least one [[indicator]]")
    indicators = tuple(_indicator(source, n, e, measures) for n, e in enumerate(entries, 1))
    seen: set[str] = set()
    for number, indicator in enumerate(indicators, 1):
        if indicator.id in seen:
            raise BadDefinitions(f"{source}: indicator {number}: id {indicator.id!r} is used twice")
        seen.add(indicator.id)
    return Definitions(version, indicators, hashlib.sha256(raw).hexdigest())


def _indicator(source: Path, number: int, entry: Any, measures: Collection[str]) -> Indicator:
    where = f"{source}: indicator {number}"
    if not isinstance(entry, dict):
        raise BadDefinitions(f"{where}: must be a table")
    for name in TEXT_FIELDS:
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            raise BadDefinitions(f"{where}: {name} must be a non-empty string")
    if entry["measure"] not in measures:
        raise BadDefinitions(f"{where}: unknown measure {entry['measure']!r}")
    allowed = YTD_FOR.get(entry["figure"])
    if allowed is None:
        raise BadDefinitions(f"{where}: figure must be one of {', '.join(YTD_FOR)}")
    if entry["ytd"] not in allowed:
        raise BadDefinitions(
            f"{where}: a {entry['figure']} figure takes ytd {' or '.join(allowed)}"
        )
    targets = entry.get("targets", {})
    if not isinstance(targets, dict):
        raise BadDefinitions(f"{where}: targets must be a table of year = number")
    return Indicator(
        **{name: entry[name].strip() for name in TEXT_FIELDS},
        targets={str(y): _number(where, y, v) for y, v in targets.items()},
    )


def _number(where: str, year: str, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadDefinitions(f"{where}: target for {year} must be a number")
    if not (len(year) == 4 and year.isdigit()):
        raise BadDefinitions(f"{where}: target year {year!r} must be like 2021")
    return Decimal(str(value))
