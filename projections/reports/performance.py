"""The committee's quarterly performance table: service, indicator, annual plan, Q1-Q4, year to
date; one row per indicator in the definitions file."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from projections.reports.definitions import Definitions, Indicator
from projections.reports.disclosure import Disclosure
from projections.reports.measures import MEASURES, Observation, Period
from projections.reports.model import Cell, Table
from projections.reports.records import History

NOT_YET = Cell("")


def quarter_period(year: int, quarter: int) -> Period:
    """Quarter 1 is April to June of `year`; quarter 4 is January to March of `year + 1`."""
    first_month = 4 + 3 * (quarter - 1)
    start_year = year + (first_month - 1) // 12
    start_month = (first_month - 1) % 12 + 1
    end_month_index = start_month + 2
    end = date(start_year, end_month_index + 1, 1) if end_month_index < 12 else None
    last_day = (
        date.fromordinal(end.toordinal() - 1) if end is not None else date(start_year, 12, 31)
    )
    return Period(date(start_year, start_month, 1), last_day)


def year_to_date(year: int, quarter: int) -> Period:
    return Period(quarter_period(year, 1).start, quarter_period(year, quarter).end)


def year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def figure_cell(indicator: Indicator, obs: Sequence[Observation], disclosure: Disclosure) -> Cell:
    """Form the indicator's figure from observations and put it through disclosure control."""
    figure = indicator.figure
    if figure == "people":
        return disclosure.count(len({o[1] for o in obs}))
    if figure == "count":
        return disclosure.count(len(obs))
    if figure == "hours":
        people = len({o[1] for o in obs})
        return disclosure.amount(sum((o[2] for o in obs), Decimal(0)) / 60, people)
    if figure == "money":
        return disclosure.money(sum((o[2] for o in obs), Decimal(0)))
    if figure == "rate":
        return disclosure.percentage(int(sum(o[2] for o in obs)), len(obs))
    values = [o[2] for o in obs]
    if figure == "median":
        middle = Decimal(str(statistics.median(values))) if values else None
        return disclosure.statistic(middle, len(values))
    mean = sum(values, Decimal(0)) / len(values) if values else None
    cell = disclosure.signed_statistic(mean, len(values), places=1)
    if cell.number is None:
        return cell
    return Cell(f"{cell.text} (n={disclosure.count(len(values)).text})", cell.number)


def target_cell(indicator: Indicator, year: int) -> Cell:
    target = indicator.target(year)
    if target is None:
        return Cell("-")
    if indicator.figure == "money":
        pounds = target.quantize(Decimal(1), ROUND_HALF_UP)
        return Cell(f"£{pounds:,}", pounds)
    if indicator.figure == "rate":
        return Cell(f"{target.normalize():f}%", target)
    if indicator.figure == "change":
        sign = "+" if target > 0 else ""
        return Cell(f"{sign}{target.quantize(Decimal('0.1'))}", target)
    return Cell(f"{target.normalize():,f}", target)


def indicator_row(
    indicator: Indicator, history: History, year: int, quarter: int, disclosure: Disclosure
) -> tuple[Cell, ...]:
    measure = MEASURES[indicator.measure]
    quarters: list[Cell] = []
    for q in (1, 2, 3, 4):
        if q > quarter:
            quarters.append(NOT_YET)
            continue
        quarters.append(
            figure_cell(indicator, measure(history, quarter_period(year, q)), disclosure)
        )
    if indicator.ytd == "latest":
        ytd = quarters[quarter - 1]
    else:
        ytd = figure_cell(indicator, measure(history, year_to_date(year, quarter)), disclosure)
    return (
        Cell(indicator.service),
        Cell(indicator.label),
        target_cell(indicator, year),
        *quarters,
        ytd,
    )


def performance_table(
    definitions: Definitions, history: History, year: int, quarter: int, disclosure: Disclosure
) -> Table:
    label = year_label(year)
    columns = (
        "Service",
        "Indicator",
        f"Annual plan {label}",
        *(f"{label} Q{q}" for q in (1, 2, 3, 4)),
        "Year to date",
    )
    rows = tuple(
        indicator_row(i, history, year, quarter, disclosure) for i in definitions.indicators
    )
    return Table(
        id="performance",
        title=f"Performance report, quarter {quarter} {label}",
        columns=columns,
        rows=rows,
        header_columns=2,
        notes=(
            "* = 1 to 7 (suppressed). - = no figure (no target set, or nothing to average).",
            "Quarters not yet reached are blank. Year to date combines the quarters as each "
            "indicator's definition says: added up, different people counted once, the latest "
            "quarter's snapshot, or a rate, mean or median worked out afresh for the year.",
            "Mean changes show the number of people with a baseline and a follow-up (n).",
        ),
    )


def definitions_table(definitions: Definitions) -> Table:
    rows = tuple(
        (Cell(i.label), Cell(i.counts), Cell(i.events), Cell(i.ytd)) for i in definitions.indicators
    )
    return Table(
        id="definitions",
        title=f"What each indicator counts (definitions version {definitions.version})",
        columns=("Indicator", "What is counted", "From which recorded events", "Year to date"),
        rows=rows,
    )
