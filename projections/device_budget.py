"""The scheme budget: spend to date, commitments and the forecast to the scheme's end, for
each of the four cost lines, worked out from the read models with the method stated.

Money is exact (Decimal) and rounded to the penny, half up, only at the end of each line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from domain.device_codes import BudgetLine, ItemKind, ItemState

PENNY = Decimal("0.01")
ZERO = Decimal(0)
# A tablet in one of these states may still be enrolled on the management platform.
STILL_OURS = frozenset(
    s.value
    for s in (
        ItemState.IN_STOCK,
        ItemState.RESERVED,
        ItemState.ISSUED,
        ItemState.AWAITING_WIPE,
        ItemState.IN_REPAIR,
    )
)


def money(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def whole_months(start: date, end: date) -> int:
    """Whole calendar months from start to end: 15 Jan to 15 Apr is 3, to 14 Apr is 2."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(0, months)


@dataclass(frozen=True)
class Period:
    """The scheme's dates and the day the figures are worked out for."""

    starts_on: date
    ends_on: date
    today: date

    @property
    def upto(self) -> date:
        """The last day counted as spent: today, or the scheme's end if that came first."""
        return min(self.today, self.ends_on)

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def days_elapsed(self) -> int:
        return max(0, (self.upto - self.starts_on).days + 1)

    def holds(self, day: date | None) -> bool:
        return day is not None and self.starts_on <= day <= self.ends_on


def _line(
    line: BudgetLine,
    budget: Decimal,
    spend: Decimal,
    committed: Decimal,
    forecast: Decimal,
    method: str,
) -> dict[str, Any]:
    spend, committed, forecast = money(spend), money(committed), money(forecast)
    return {
        "line": line.value,
        "budget": money(budget),
        "spend": spend,
        "committed": committed,
        "forecast": forecast,
        "remaining": money(budget) - forecast,
        "method": method,
    }


def tablets_line(items: Iterable[Mapping[str, Any]], period: Period, budget: Decimal) -> Any:
    bought = [
        i for i in items if i["kind"] != ItemKind.SIM.value and period.holds(i["received_on"])
    ]
    spend = sum((Decimal(i["cost"]) for i in bought), ZERO)
    method = (
        "The purchase cost of every tablet and accessory (charger, case, other) received in the "
        "scheme period, counted as spent when received; nothing is committed before an item is "
        "received, so the forecast is the spend."
    )
    return _line(BudgetLine.TABLETS, budget, spend, ZERO, spend, method)


def connectivity_line(items: Iterable[Mapping[str, Any]], period: Period, budget: Decimal) -> Any:
    spend = committed = ZERO
    for sim in (i for i in items if i["kind"] == ItemKind.SIM.value):
        if period.holds(sim["received_on"]):
            spend += Decimal(sim["cost"])
        if sim["starts_on"] is None or sim["expires_on"] is None or sim["monthly_cost"] is None:
            continue
        start = max(sim["starts_on"], period.starts_on)
        stop = min(sim["expires_on"], period.ends_on)
        paid = whole_months(start, min(period.today, stop))
        total = whole_months(start, stop)
        monthly = Decimal(sim["monthly_cost"])
        spend += monthly * paid
        committed += monthly * max(0, total - paid)
    method = (
        "Each SIM's monthly cost for the whole months from its start (or the scheme's start, "
        "if later) to today, its expiry or the scheme's end, whichever is first, is spent; the "
        "whole months left to its expiry or the scheme's end are committed. A contract runs to "
        "its expiry date whatever happens to the card (no cancellation is recorded). A SIM's "
        "one-off purchase cost, if any, is spent when received in the scheme period. "
        "Forecast = spend + committed."
    )
    return _line(BudgetLine.CONNECTIVITY, budget, spend, committed, spend + committed, method)


def setup_line(
    items: Iterable[Mapping[str, Any]], period: Period, budget: Decimal, per_device: Decimal
) -> Any:
    tablets = [i for i in items if i["kind"] == ItemKind.TABLET.value]
    enrolled = sum(1 for t in tablets if t["enrolled"] and period.holds(t["enrolled_on"]))
    waiting = sum(
        1
        for t in tablets
        if not t["enrolled"] and period.holds(t["received_on"]) and t["state"] in STILL_OURS
    )
    spend, committed = per_device * enrolled, per_device * waiting
    method = (
        f"£{money(per_device)} per tablet enrolled on the device management platform in the "
        f"scheme period ({enrolled} so far) is spent; the same for each tablet received in the "
        f"period, still held by the scheme and not yet enrolled ({waiting}) is committed. "
        "Forecast = spend + committed."
    )
    return _line(BudgetLine.SETUP, budget, spend, committed, spend + committed, method)


def support_line(minutes: int, period: Period, budget: Decimal, hourly_rate: Decimal) -> Any:
    spend = Decimal(minutes) * hourly_rate / 60
    elapsed, remaining = period.days_elapsed, period.days - period.days_elapsed
    forecast = spend + spend * remaining / elapsed if elapsed else spend
    method = (
        f"Training and remote support sessions in the scheme period ({minutes} minutes) at "
        f"£{money(hourly_rate)} an hour are spent (minutes / 60 x rate); support is paid as it "
        "is given, so nothing is committed. Forecast = spend + the average weekly spend so far "
        f"(over {elapsed} days elapsed, today included) x the weeks remaining ({remaining} "
        "days to the scheme's end)."
    )
    return _line(BudgetLine.SUPPORT, budget, spend, ZERO, forecast, method)


def budget_lines(
    scheme: Mapping[str, Any],
    items: Sequence[Mapping[str, Any]],
    support_minutes: int,
    today: date,
) -> dict[str, Any]:
    """Every line and the total, with the figures they rest on."""
    period = Period(scheme["starts_on"], scheme["ends_on"], today)
    budget = {k: Decimal(v) for k, v in scheme["budget"].items()}
    rate = Decimal(scheme["support_hourly_rate"])
    per_device = Decimal(scheme["setup_cost_per_device"])

    def amount(line: BudgetLine) -> Decimal:
        return budget.get(line.value, ZERO)

    lines = [
        tablets_line(items, period, amount(BudgetLine.TABLETS)),
        connectivity_line(items, period, amount(BudgetLine.CONNECTIVITY)),
        setup_line(items, period, amount(BudgetLine.SETUP), per_device),
        support_line(support_minutes, period, amount(BudgetLine.SUPPORT), rate),
    ]
    total = {
        key: sum((line[key] for line in lines), ZERO)
        for key in ("budget", "spend", "committed", "forecast", "remaining")
    }
    assumptions = [
        f"Figures as at {today.isoformat()}; the scheme runs {period.starts_on.isoformat()} to "
        f"{period.ends_on.isoformat()} ({period.days} days).",
        f"Support hourly rate: £{money(rate)}.",
        f"Set-up and device management: £{money(per_device)} per tablet enrolled.",
        "Spend is what the recorded events show has been bought or used; committed is what "
        "contracts already running will cost before the scheme's end; forecast is the "
        "expected total at the scheme's end; remaining = budget - forecast.",
        "Amounts are in pounds, rounded to the penny (half up) at the end of each line.",
    ]
    return {
        "lines": lines,
        "total": total,
        "support_hourly_rate": money(rate),
        "setup_cost_per_device": money(per_device),
        "assumptions": assumptions,
    }
