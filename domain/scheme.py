"""The device scheme year: capacity, who holds a place, the waiting list, and the budget.

One aggregate holds every place, so capacity is enforced by the event store's optimistic
concurrency: two referrals racing for the last place cannot both get it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.device_codes import BudgetLine, ItemKind, Need, PlaceStatus, Provision, Recipient
from domain.errors import InvalidField, InvalidTransition
from domain.reference import check_text
from domain.sealing import PersonalData

SCHEMES = uuid5(NAMESPACE_URL, "lac:device-scheme")
DEFAULT_CAPACITY = 300
# The seed paper's yearly costs for 300 people (item 4, paragraph 28).
DEFAULT_BUDGET: dict[BudgetLine, Decimal] = {
    BudgetLine.TABLETS: Decimal("62000"),
    BudgetLine.CONNECTIVITY: Decimal("29500"),
    BudgetLine.SETUP: Decimal("18000"),
    BudgetLine.SUPPORT: Decimal("96000"),
}


def check_budget(
    budget: dict[BudgetLine, Decimal], hourly_rate: Decimal, setup_cost: Decimal
) -> dict[BudgetLine, Decimal]:
    """The budget if every amount is within bounds, else InvalidField naming the line."""
    for line, amount in budget.items():
        if not Decimal(0) <= amount <= Decimal(10_000_000):
            raise InvalidField(f"budget.{line.value}", "must be 0 to 10,000,000 pounds")
    if not Decimal(0) <= hourly_rate <= Decimal(500):
        raise InvalidField("support_hourly_rate", "must be 0 to 500 pounds an hour")
    if not Decimal(0) <= setup_cost <= Decimal(5000):
        raise InvalidField("setup_cost_per_device", "must be 0 to 5,000 pounds")
    return budget


def scheme_id(year: str) -> UUID:
    return uuid5(SCHEMES, year)


class Scheme(Aggregate):
    """A scheme year (e.g. the 12-month trial)."""

    class Opened(Aggregate.Created):
        year: str
        starts_on: date
        ends_on: date
        capacity: int
        budget: dict[str, Decimal]
        support_hourly_rate: Decimal
        setup_cost_per_device: Decimal
        actor_id: UUID

    class Change(Aggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.apply_change(self)

    class BudgetSet(Change):
        budget: dict[str, Decimal]
        support_hourly_rate: Decimal
        setup_cost_per_device: Decimal
        actor_id: UUID

    class PersonReferred(Change, PersonalData):
        """A social worker's referral: the person enrolled, or waiting in order."""

        personal_fields = ("care_plan_ref",)
        person_id: UUID
        referral_id: UUID
        care_plan_ref: str | None
        need: Need
        recipient: Recipient
        cares_for_id: UUID | None
        plan: dict[str, Provision]
        status: PlaceStatus
        on: date
        actor_id: UUID

    class PlaceTaken(Change, PersonalData):
        """The next person waiting takes a freed place."""

        person_id: UUID
        on: date
        actor_id: UUID

    class PlaceLeft(Change, PersonalData):
        personal_fields = ("reason",)
        person_id: UUID
        reason: str | None
        on: date
        actor_id: UUID

    @staticmethod
    def create_id(year: str) -> UUID:
        return scheme_id(year)

    @event(Opened)
    def __init__(
        self,
        year: str,
        starts_on: date,
        ends_on: date,
        capacity: int,
        budget: dict[str, Decimal],
        support_hourly_rate: Decimal,
        setup_cost_per_device: Decimal,
        actor_id: UUID,
    ) -> None:
        self.year = year
        self.starts_on, self.ends_on, self.capacity = starts_on, ends_on, capacity
        self.budget = dict(budget)
        self.support_hourly_rate = support_hourly_rate
        self.setup_cost_per_device = setup_cost_per_device
        self.places: dict[UUID, PlaceStatus] = {}
        self.plans: dict[UUID, dict[str, Provision]] = {}
        self.waiting: list[UUID] = []

    @property
    def enrolled(self) -> int:
        return sum(1 for s in self.places.values() if s is PlaceStatus.ENROLLED)

    def refer(
        self,
        person_id: UUID,
        referral_id: UUID,
        care_plan_ref: str,
        need: Need,
        recipient: Recipient,
        cares_for_id: UUID | None,
        plan: dict[ItemKind, Provision],
        on: date,
        actor_id: UUID,
    ) -> PlaceStatus:
        if self.places.get(person_id) in (PlaceStatus.ENROLLED, PlaceStatus.WAITING):
            raise InvalidTransition(
                "device scheme place",
                person_id,
                "refer",
                self.places[person_id].value,
                "the person already has one",
            )
        if not self.starts_on <= on <= self.ends_on:
            raise InvalidField("on", f"the scheme runs {self.starts_on} to {self.ends_on}")
        if recipient is Recipient.CARER and cares_for_id is None:
            raise InvalidField("cares_for_id", "a carer is referred with the person they care for")
        if ItemKind.TABLET not in plan:
            raise InvalidField("plan", "the plan says whether the tablet is lent or gifted")
        status = PlaceStatus.ENROLLED if self.enrolled < self.capacity else PlaceStatus.WAITING
        self.trigger_event(
            self.PersonReferred,
            person_id=person_id,
            referral_id=referral_id,
            care_plan_ref=check_text("care_plan_ref", care_plan_ref, 60),
            need=need,
            recipient=recipient,
            cares_for_id=cares_for_id,
            plan={k.value: v for k, v in plan.items()},
            status=status,
            on=on,
            actor_id=actor_id,
        )
        return status

    def leave(self, person_id: UUID, reason: str, on: date, actor_id: UUID) -> UUID | None:
        """The person leaves; the first one waiting takes the place. Returns who did."""
        if self.places.get(person_id) not in (PlaceStatus.ENROLLED, PlaceStatus.WAITING):
            raise InvalidField("person_id", "the person holds no place on the scheme")
        was_enrolled = self.places[person_id] is PlaceStatus.ENROLLED
        self.trigger_event(
            self.PlaceLeft,
            person_id=person_id,
            reason=check_text("reason", reason, 500),
            on=on,
            actor_id=actor_id,
        )
        if was_enrolled and self.waiting and self.enrolled < self.capacity:
            promoted = self.waiting[0]
            self.trigger_event(self.PlaceTaken, person_id=promoted, on=on, actor_id=actor_id)
            return promoted
        return None

    def set_budget(
        self,
        budget: dict[BudgetLine, Decimal],
        hourly_rate: Decimal,
        setup_cost: Decimal,
        actor_id: UUID,
    ) -> None:
        """Change some or all lines; lines not given keep their amounts."""
        check_budget(budget, hourly_rate, setup_cost)
        self.trigger_event(
            self.BudgetSet,
            budget={**self.budget, **{k.value: v for k, v in budget.items()}},
            support_hourly_rate=hourly_rate,
            setup_cost_per_device=setup_cost,
            actor_id=actor_id,
        )

    def apply_change(self, e: Any) -> None:
        if isinstance(e, self.PersonReferred):
            self.places[e.person_id] = e.status
            self.plans[e.person_id] = dict(e.plan)
            if e.status is PlaceStatus.WAITING:
                self.waiting.append(e.person_id)
        elif isinstance(e, self.PlaceTaken):
            self.places[e.person_id] = PlaceStatus.ENROLLED
            self.waiting.remove(e.person_id)
        elif isinstance(e, self.PlaceLeft):
            self.places[e.person_id] = PlaceStatus.LEFT
            if e.person_id in self.waiting:
                self.waiting.remove(e.person_id)
        elif isinstance(e, self.BudgetSet):
            self.budget = dict(e.budget)
            self.support_hourly_rate = e.support_hourly_rate
            self.setup_cost_per_device = e.setup_cost_per_device
