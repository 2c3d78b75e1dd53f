"""Reference data for reports that is recorded as events, so a report as at a past moment uses
the unit costs that stood then; and the record of each pseudonymised extract handed out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event

from domain.codes import DETAILS, OutcomeDomain
from domain.errors import InvalidField
from domain.recorded import Recorded
from domain.reference import check_text

UNIT_COSTS_ID = uuid5(UUID("6f1d1a3e-4b43-4c0e-9a55-2f6a4f0c1b77"), "unit-cost-table")
KEY = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
VISITS = ("visits.gp", "visits.ae")
MAX_COST = Decimal(10_000_000)


def outcome_targets() -> tuple[str, ...]:
    """What a unit cost can apply to: a fewer-visits count, an outcome domain, or a detail."""
    domains = tuple(d.value for d in OutcomeDomain)
    details = tuple(f"{d.value}/{x.value}" for d, xs in DETAILS.items() for x in xs)
    return (*VISITS, *domains, *details)


@dataclass(frozen=True)
class UnitCost:
    """The cost of one unit of something an outcome avoids, and how many units one outcome avoids.

    For `visits.gp` / `visits.ae` the units are the visits fewer (before minus after); for an
    outcome domain or domain/detail they are `quantity` per outcome recorded.
    """

    key: str
    label: str
    amount: Decimal
    applies_to: str
    quantity: Decimal
    source: str

    def checked(self, number: int) -> UnitCost:
        where = f"unit_costs.{number}"
        if not KEY.match(self.key):
            raise InvalidField(f"{where}.key", "lower-case letters, digits and _, 2-40 long")
        if not Decimal(0) <= self.amount <= MAX_COST:
            raise InvalidField(f"{where}.amount", "must be between 0 and 10,000,000 pounds")
        if self.applies_to not in outcome_targets():
            raise InvalidField(
                f"{where}.applies_to", f"must be one of {', '.join(outcome_targets())}"
            )
        if not Decimal(0) < self.quantity <= Decimal(1000):
            raise InvalidField(f"{where}.quantity", "must be above 0 and at most 1000")
        return UnitCost(
            self.key,
            check_text(f"{where}.label", self.label, 200),
            self.amount,
            self.applies_to,
            self.quantity,
            check_text(f"{where}.source", self.source, 500),
        )

    def state(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "amount": str(self.amount),
            "applies_to": self.applies_to,
            "quantity": str(self.quantity),
            "source": self.source,
        }


def check_unit_costs(
    costs: list[UnitCost], programme_costs: dict[str, Decimal]
) -> tuple[list[UnitCost], dict[str, Decimal]]:
    checked = [cost.checked(n) for n, cost in enumerate(costs)]
    keys = [c.key for c in checked]
    if len(set(keys)) != len(keys):
        raise InvalidField("unit_costs", "each key may appear once")
    for year, amount in programme_costs.items():
        if not re.fullmatch(r"20[0-9]{2}", year):
            raise InvalidField("programme_costs", f"{year!r} is not a financial year such as 2021")
        if not Decimal(0) <= amount <= MAX_COST * 10:
            raise InvalidField(f"programme_costs.{year}", "must be between 0 and 100,000,000")
    return checked, programme_costs


class UnitCostTable(Aggregate):
    """The one table of unit costs and programme costs used for value-for-money estimates."""

    class Set(Aggregate.Event):
        costs: list[dict[str, Any]]
        programme_costs: dict[str, str]
        actor_id: UUID

    class Started(Aggregate.Created):
        actor_id: UUID

    @event(Started)
    def __init__(self, actor_id: UUID) -> None:
        self.costs: list[dict[str, Any]] = []
        self.programme_costs: dict[str, str] = {}

    @event(Set)
    def set(
        self, costs: list[dict[str, Any]], programme_costs: dict[str, str], actor_id: UUID
    ) -> None:
        self.costs = costs
        self.programme_costs = programme_costs


class EvaluationExtract(Aggregate):
    """A pseudonymised extract handed to an evaluator: who asked, why, and what they got."""

    class Requested(Aggregate.Created):
        purpose: str
        year: int | None
        position: int
        rows: int
        digest: str
        actor_id: UUID

    @event(Requested)
    def __init__(
        self, purpose: str, year: int | None, position: int, rows: int, digest: str, actor_id: UUID
    ) -> None:
        self.purpose = purpose
        self.rows = rows


class ReportingCommands:
    """Mixed into the application: set unit costs; record an extract request."""

    if TYPE_CHECKING:
        repository: Any

        def _saved(self, *aggregates: Any) -> int: ...

    def set_unit_costs(
        self, costs: list[UnitCost], programme_costs: dict[str, Decimal], actor_id: UUID
    ) -> Recorded:
        checked, programme = check_unit_costs(costs, programme_costs)
        table = self._unit_cost_table(actor_id)
        table.set([c.state() for c in checked], {y: str(a) for y, a in programme.items()}, actor_id)
        return Recorded(table.id, table.version, self._saved(table))

    def record_extract(
        self, purpose: str, year: int | None, position: int, rows: int, digest: str, actor_id: UUID
    ) -> Recorded:
        text = check_text("purpose", purpose, 500)
        if len(text.strip()) < 10:
            raise InvalidField("purpose", "say what the extract is for (at least 10 characters)")
        extract = EvaluationExtract(text, year, position, rows, digest, actor_id)
        return Recorded(extract.id, extract.version, self._saved(extract))

    def _unit_cost_table(self, actor_id: UUID) -> UnitCostTable:
        try:
            found = self.repository.get(UNIT_COSTS_ID)
        except AggregateNotFoundError:
            return UnitCostTable._create(UnitCostTable.Started, id=UNIT_COSTS_ID, actor_id=actor_id)
        assert isinstance(found, UnitCostTable)
        return found
