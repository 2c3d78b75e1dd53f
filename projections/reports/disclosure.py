"""Disclosure control for published tables.

NHS Digital's rule (since 2018) is the default: 0 stays 0; 1 to 7 are shown as `*`; 8 and above
are rounded to the nearest 5; percentages are worked out from the rounded figures; means and
medians are suppressed where they rest on fewer than 8 people. The threshold and the rounding
base can be configured; the internal view (evaluators only) shows every figure as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from projections.reports.model import Cell, View

SUPPRESSED = "*"


@dataclass(frozen=True)
class DisclosureRule:
    smallest_shown: int = 8  # counts 1..smallest_shown-1 are suppressed
    round_to: int = 5  # counts at or above smallest_shown are rounded to this base

    def __post_init__(self) -> None:
        if self.smallest_shown < 1 or self.round_to < 1:
            raise ValueError("disclosure rule: smallest_shown and round_to must be at least 1")

    def describe(self) -> str:
        return (
            f"0 stays 0; 1 to {self.smallest_shown - 1} shown as {SUPPRESSED}; "
            f"{self.smallest_shown} and above rounded to the nearest {self.round_to}; "
            "percentages from the rounded figures; means and medians suppressed where based on "
            f"fewer than {self.smallest_shown} people."
        )

    def count(self, value: int) -> int | None:
        """The count as published, or None when it must be suppressed."""
        if value < 0:
            raise ValueError("a count cannot be negative")
        if value == 0:
            return 0
        if value < self.smallest_shown:
            return None
        return _round_half_up(Decimal(value) / self.round_to) * self.round_to

    def statistic_shown(self, people: int) -> bool:
        return people == 0 or people >= self.smallest_shown


INTERNAL_NOTE = "Internal view: no disclosure control applied."


def _round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _grouped(value: int) -> str:
    return f"{value:,}"


class Disclosure:
    """Turns raw figures into cells for one view of a report."""

    def __init__(self, rule: DisclosureRule, view: View) -> None:
        self.rule = rule
        self.view = view

    @property
    def controlled(self) -> bool:
        return self.view == "published"

    def describe(self) -> str:
        return self.rule.describe() if self.controlled else INTERNAL_NOTE

    def shown_count(self, value: int) -> int | None:
        return self.rule.count(value) if self.controlled else value

    def count(self, value: int) -> Cell:
        shown = self.shown_count(value)
        if shown is None:
            return Cell(SUPPRESSED, None, suppressed=True)
        return Cell(_grouped(shown), shown)

    def percentage(self, numerator: int, denominator: int) -> Cell:
        """Worked out from the published (rounded) numerator and denominator."""
        top, bottom = self.shown_count(numerator), self.shown_count(denominator)
        if top is None or bottom is None:
            return Cell(SUPPRESSED, None, suppressed=True)
        if bottom == 0:
            return Cell("-", None)
        share = _round_half_up(Decimal(100) * top / bottom)
        return Cell(f"{share}%", Decimal(share))

    def statistic(self, value: Decimal | None, people: int, places: int = 1) -> Cell:
        """A mean or median: suppressed when fewer than the threshold of people."""
        if value is None or people == 0:
            return Cell("-", None)
        if self.controlled and not self.rule.statistic_shown(people):
            return Cell(SUPPRESSED, None, suppressed=True)
        quantum = Decimal(1).scaleb(-places)
        shown = value.quantize(quantum, rounding=ROUND_HALF_UP)
        return Cell(f"{shown}", shown)

    def signed_statistic(self, value: Decimal | None, people: int, places: int = 1) -> Cell:
        """A change (e.g. mean change in a score), shown with its sign."""
        cell = self.statistic(value, people, places)
        if cell.number is not None and cell.number > 0:
            return Cell(f"+{cell.text}", cell.number)
        return cell

    def amount(self, hours_or_units: Decimal, people: int, places: int = 0) -> Cell:
        """A sum over people (e.g. hours of support): suppressed like a statistic."""
        if self.controlled and not self.rule.statistic_shown(people):
            return Cell(SUPPRESSED, None, suppressed=True)
        quantum = Decimal(1).scaleb(-places)
        shown = hours_or_units.quantize(quantum, rounding=ROUND_HALF_UP)
        return Cell(f"{shown:,}", shown)

    @staticmethod
    def money(value: Decimal) -> Cell:
        """Money is not about people: shown to the pound in every view."""
        pounds = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        sign = "-" if pounds < 0 else ""
        return Cell(f"{sign}£{abs(pounds):,}", pounds)

    def rate_per_10k(self, count: int, population: int | None) -> Cell:
        """People per 10,000 residents, from the published count."""
        shown = self.shown_count(count)
        if population is None or population == 0:
            return Cell("-", None)
        if shown is None:
            return Cell(SUPPRESSED, None, suppressed=True)
        rate = (Decimal(shown) * 10_000 / population).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return Cell(f"{rate}", rate)
