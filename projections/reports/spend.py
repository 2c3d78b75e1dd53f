"""Device-scheme spend in a period, by the same methods as the scheme dashboard's budget lines
(projections/device_budget.py), but dated: each pound falls on the day it was spent."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from domain.device_codes import BudgetLine
from projections.reports.records import History, ItemFacts, SchemeFacts

# A line's spending over all time: (the day it was spent, how much), within a scheme's dates.
Spend = Callable[[History, list[SchemeFacts]], list[tuple[date, Decimal]]]


def scheme_on(schemes: list[SchemeFacts], day: date | None) -> SchemeFacts | None:
    """The first scheme whose dates hold the day (spend outside every scheme is not counted)."""
    if day is None:
        return None
    return next((s for s in schemes if s.starts_on <= day <= s.ends_on), None)


def _day(item: ItemFacts, name: str) -> date | None:
    value = item.data.get(name)
    return date.fromisoformat(value) if value else None


def tablets(h: History, schemes: list[SchemeFacts]) -> list[tuple[date, Decimal]]:
    spent: list[tuple[date, Decimal]] = []
    for item in h.items.values():
        received = _day(item, "received_on")
        if item.kind != "sim" and received and scheme_on(schemes, received):
            spent.append((received, Decimal(item.data.get("cost", "0"))))
    return spent


def month_end(first: date, k: int) -> date:
    """The day the k-th whole month from `first` is completed (as `whole_months` counts)."""
    index = first.month - 1 + k
    year, month = first.year + index // 12, index % 12 + 1
    days = calendar.monthrange(year, month)[1]
    if first.day <= days:
        return date(year, month, first.day)
    return date(year + month // 12, month % 12 + 1, 1)


def month_ends(first: date, last: date) -> list[date]:
    """The days on which each whole month from `first` is completed, up to `last`."""
    found: list[date] = []
    while (day := month_end(first, len(found) + 1)) <= last:
        found.append(day)
    return found


def connectivity(h: History, schemes: list[SchemeFacts]) -> list[tuple[date, Decimal]]:
    amounts: list[tuple[date, Decimal]] = []
    for sim in (i for i in h.items.values() if i.kind == "sim"):
        received = _day(sim, "received_on")
        if received and scheme_on(schemes, received):
            amounts.append((received, Decimal(sim.data.get("cost", "0"))))
        starts, expires = _day(sim, "starts_on"), _day(sim, "expires_on")
        monthly = sim.data.get("monthly_cost")
        scheme = next((s for s in schemes if starts and starts <= s.ends_on), None)
        if starts is None or expires is None or monthly is None or scheme is None:
            continue
        first, last = max(starts, scheme.starts_on), min(expires, scheme.ends_on)
        amounts.extend((day, Decimal(monthly)) for day in month_ends(first, last))
    return amounts


def setup(h: History, schemes: list[SchemeFacts]) -> list[tuple[date, Decimal]]:
    amounts: list[tuple[date, Decimal]] = []
    for tablet in (i for i in h.items.values() if i.kind == "tablet"):
        scheme = scheme_on(schemes, tablet.enrolled_on)
        if scheme is not None and tablet.enrolled_on is not None:
            amounts.append((tablet.enrolled_on, Decimal(scheme.setup_cost_per_device)))
    return amounts


def support(h: History, schemes: list[SchemeFacts]) -> list[tuple[date, Decimal]]:
    amounts: list[tuple[date, Decimal]] = []
    for _who, on, _kind, minutes in h.sessions:
        scheme = scheme_on(schemes, on)
        if scheme is not None:
            amounts.append((on, Decimal(minutes) * Decimal(scheme.support_hourly_rate) / 60))
    return amounts


SPEND_LINES: dict[str, Spend] = {
    BudgetLine.TABLETS.value: tablets,
    BudgetLine.CONNECTIVITY.value: connectivity,
    BudgetLine.SETUP.value: setup,
    BudgetLine.SUPPORT.value: support,
}
