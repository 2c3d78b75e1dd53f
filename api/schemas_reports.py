"""Request and response bodies for committee reports: the unit-cost table and extracts.

Pydantic checks the shape (types, lengths, ranges) and answers 422 naming the field; the domain
checks the rest (keys, what a cost applies to) and answers 422 naming the field the same way.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field, StrictInt

from api.schemas import Strict
from domain.reporting import UnitCost

Pounds = Annotated[Decimal, Field(ge=0, le=10_000_000, decimal_places=2)]
ProgrammePounds = Annotated[Decimal, Field(ge=0, le=100_000_000, decimal_places=2)]
FinancialYear = Annotated[str, Field(pattern=r"^20[0-9]{2}$", examples=["2021"])]


class UnitCostBody(Strict):
    """The cost of one unit of something an outcome avoids, and its source."""

    key: str = Field(min_length=2, max_length=40, examples=["ae_attendance"])
    label: str = Field(min_length=1, max_length=200, examples=["An A&E attendance"])
    amount: Pounds = Field(examples=["242.00"], description="Pounds per unit")
    applies_to: str = Field(
        min_length=1,
        max_length=80,
        examples=["visits.ae"],
        description="visits.gp, visits.ae, an outcome domain, or domain/detail",
    )
    quantity: Decimal = Field(
        Decimal(1), gt=0, le=1000, decimal_places=3, description="Units avoided per outcome"
    )
    source: str = Field(min_length=1, max_length=500, examples=["NHS National Cost Collection"])

    def unit_cost(self) -> UnitCost:
        return UnitCost(
            self.key, self.label, self.amount, self.applies_to, self.quantity, self.source
        )


class UnitCostsSet(Strict):
    """The whole table: it replaces the one in use (earlier reports keep the one they used)."""

    unit_costs: list[UnitCostBody] = Field(max_length=100)
    programme_costs: dict[FinancialYear, ProgrammePounds] = Field(
        default_factory=dict,
        max_length=50,
        description="The programme's cost per financial year (April to March), in pounds",
        examples=[{"2021": "410000"}],
    )

    def costs(self) -> list[UnitCost]:
        return [cost.unit_cost() for cost in self.unit_costs]


class UnitCostRead(BaseModel):
    key: str
    label: str
    amount: Decimal
    applies_to: str
    quantity: Decimal
    source: str


class UnitCostsRead(BaseModel):
    """The table in use at `position`; `source` says whether it is the defaults or was set."""

    position: int
    source: str
    unit_costs: list[UnitCostRead]
    programme_costs: dict[str, Decimal]


class ExtractCreate(Strict):
    """Why the extract is wanted (recorded with the request), and which part of the log."""

    purpose: str = Field(
        min_length=10, max_length=500, examples=["Independent evaluation of 2021-22 by the CSO"]
    )
    year: StrictInt | None = Field(
        None, ge=2000, le=2100, description="Only this financial year (April to March)"
    )
    position: StrictInt | None = Field(
        None, ge=0, description="The event log as it stood at this position; default: now"
    )
