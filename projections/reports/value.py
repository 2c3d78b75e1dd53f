"""Value for money: an ESTIMATE of costs avoided, from recorded outcomes and the unit-cost
table, set against what the programme cost in the year to date. Every assumption is printed."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from domain.reporting import UnitCost
from projections.reports.costs import CostTable
from projections.reports.disclosure import Disclosure
from projections.reports.measures import Period
from projections.reports.model import Cell, Table
from projections.reports.records import History, OutcomeFacts
from projections.reports.spend import SPEND_LINES

VISIT_KEYS = {"visits.gp": ("gp_before", "gp_after"), "visits.ae": ("ae_before", "ae_after")}


def _matches(outcome: OutcomeFacts, applies_to: str) -> bool:
    if applies_to in VISIT_KEYS:
        return outcome.domain == "fewer_gp_or_ae_visits" and outcome.visits is not None
    domain, _, detail = applies_to.partition("/")
    return outcome.domain == domain and (not detail or outcome.detail == detail)


def _units(cost: UnitCost, outcomes: list[OutcomeFacts]) -> Decimal:
    if cost.applies_to in VISIT_KEYS:
        before, after = VISIT_KEYS[cost.applies_to]
        return Decimal(sum((o.visits or {})[before] - (o.visits or {})[after] for o in outcomes))
    return cost.quantity * len(outcomes)


def _pounds(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def programme_cost(history: History, costs: CostTable, year: int, period: Period) -> Decimal:
    """LAC's annual cost pro rata to the months elapsed, plus the device scheme's recorded spend."""
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    lac = costs.programme_costs.get(str(year), Decimal(0)) * months / 12
    schemes = sorted(history.schemes.values(), key=lambda s: s.starts_on)
    devices = sum(
        (
            amount
            for spend in SPEND_LINES.values()
            for day, amount in spend(history, schemes)
            if period.holds(day)
        ),
        Decimal(0),
    )
    return lac + devices


def value_table(
    history: History, costs: CostTable, year: int, period: Period, disclosure: Disclosure
) -> tuple[Table, Table]:
    standing = [o for o in history.outcomes.values() if not o.withdrawn and period.holds(o.on)]
    rows = []
    total = Decimal(0)
    for cost in costs.costs:
        matched = [o for o in standing if _matches(o, cost.applies_to)]
        count = disclosure.count(len(matched))
        units = _units(cost, matched)
        if count.number is None:
            rows.append(
                (
                    Cell(cost.label),
                    count,
                    count,
                    Cell(f"£{_pounds(cost.amount):,}", cost.amount),
                    count,
                    Cell(cost.source),
                )
            )
            continue
        if disclosure.controlled and len(matched):
            units = units * Decimal(count.number) / len(matched)  # from the published count
        estimate = units * cost.amount
        total += estimate
        rows.append(
            (
                Cell(cost.label),
                count,
                Cell(f"{units.quantize(Decimal('0.1'), ROUND_HALF_UP):,}", units),
                disclosure.money(cost.amount),
                disclosure.money(estimate),
                Cell(cost.source),
            )
        )
    spent = programme_cost(history, costs, year, period)
    ratio = (total / spent).quantize(Decimal("0.01"), ROUND_HALF_UP) if spent else None
    detail = Table(
        id="value-for-money",
        title="Estimated costs avoided, year to date (ESTIMATE)",
        columns=(
            "Unit cost",
            "Outcomes counted",
            "Units avoided",
            "Unit cost (£)",
            "Estimated cost avoided",
            "Source",
        ),
        rows=tuple(rows),
        notes=(
            "An estimate, not a saving in the council's accounts: it assumes each recorded outcome "
            "avoided the units shown and makes no allowance for what would have happened anyway.",
            "GP and A&E visits are self-reported counts for the three months before and after "
            "support (not annualised); units avoided = visits before minus visits after.",
            "Published figures use the rounded outcome counts; suppressed rows (*) are left out "
            "of the total.",
        ),
    )
    summary = Table(
        id="value-summary",
        title="Value for money, year to date (ESTIMATE)",
        columns=("Figure", "Amount", "How it is worked out"),
        rows=(
            (
                Cell("Estimated costs avoided"),
                disclosure.money(total),
                Cell("The total of the table above."),
            ),
            (
                Cell("Programme cost"),
                disclosure.money(spent),
                Cell(
                    "Local Area Coordination's annual cost for the year, pro rata to the months "
                    "elapsed, plus the device scheme's recorded spend on all four budget lines."
                ),
            ),
            (
                Cell("Estimated cost avoided per £1 spent"),
                Cell(f"£{ratio}", ratio) if ratio is not None else Cell("-"),
                Cell("Estimated costs avoided divided by programme cost."),
            ),
        ),
        notes=(f"Unit costs: {costs.source}.",),
    )
    return detail, summary
