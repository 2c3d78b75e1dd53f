"""Device scheme commands of the application: stock, kits, places, loans."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from domain.consent import ConsentHow, ConsentScope, check_consents
from domain.device_codes import (
    Agreement,
    BudgetLine,
    Condition,
    ItemKind,
    ItemState,
    LoanStatus,
    Need,
    PlaceStatus,
    Provision,
    Recipient,
)
from domain.errors import InvalidField, InvalidTransition, RecordNotFound
from domain.loan import Loan
from domain.reference import Programme, ReferralSource
from domain.scheme import DEFAULT_BUDGET, Scheme, check_budget, scheme_id
from domain.stock_commands import DuplicateItem, StockCommands

__all__ = ["DeviceCommands", "DuplicateItem", "check_year", "new_id"]

if TYPE_CHECKING:
    from domain.application import Recorded
    from domain.person import Person


# How the agreement at hand-over records consent to the scheme's terms.
HOW_AGREED = {
    Agreement.SIGNATURE: ConsentHow.SIGNED_AGREEMENT,
    Agreement.WITNESSED_VERBAL: ConsentHow.VERBAL,
}

# How each way a loan ends moves its items.
ITEM_STEP_AT_END = {
    LoanStatus.RETURNED: "return",
    LoanStatus.LOST: "lose",
    LoanStatus.STOLEN: "report_stolen",
    LoanStatus.DAMAGED: "send_for_repair",
    LoanStatus.GIFTED: "give",
    LoanStatus.CANCELLED: "unreserve",
}


class DeviceCommands(StockCommands):
    """Mixed into LacApplication; every command saves its aggregates in one transaction.
    Stock and kits are in `StockCommands`."""

    if TYPE_CHECKING:
        repository: Any

        def _recorded(self, *aggregates: Any) -> Recorded: ...
        def _get(self, cls: type[Any], record: str, record_id: UUID) -> Any: ...
        def _when(
            self, occurred_at: datetime | None, not_before: datetime | None = None
        ) -> datetime: ...
        def get_person(self, person_id: UUID) -> Person: ...
        def _new_referral(self, *args: Any) -> Any: ...
        def link_carer_aggregate(
            self, carer: Person, cares_for_id: UUID, actor_id: UUID
        ) -> bool: ...

    # scheme ---------------------------------------------------------------------------------

    def open_scheme(
        self,
        year: str,
        starts_on: date,
        ends_on: date,
        actor_id: UUID,
        capacity: int = 300,
        budget: dict[BudgetLine, Decimal] | None = None,
        support_hourly_rate: Decimal = Decimal("25"),
        setup_cost: Decimal = Decimal("60"),
    ) -> Recorded:
        if ends_on <= starts_on:
            raise InvalidField("ends_on", "must be after the start date")
        if not 1 <= capacity <= 100_000:
            raise InvalidField("capacity", "must be 1 to 100,000 people")
        lines = check_budget(budget or DEFAULT_BUDGET, support_hourly_rate, setup_cost)
        scheme = Scheme(
            year=check_year(year),
            starts_on=starts_on,
            ends_on=ends_on,
            capacity=capacity,
            budget={k.value: v for k, v in lines.items()},
            support_hourly_rate=support_hourly_rate,
            setup_cost_per_device=setup_cost,
            actor_id=actor_id,
        )
        if scheme.id in self.repository:
            raise InvalidTransition(
                "device scheme", scheme.id, "open", "open", f"the {year} scheme is already open"
            )
        return self._recorded(scheme)

    def get_scheme(self, year: str) -> Scheme:
        found: Scheme = self._get(Scheme, "device scheme", scheme_id(year))
        return found

    def refer_to_scheme(
        self,
        year: str,
        person_id: UUID,
        care_plan_ref: str,
        need: Need,
        recipient: Recipient,
        plan: dict[ItemKind, Provision],
        reasons: list[str],
        actor_id: UUID,
        cares_for_id: UUID | None = None,
        referral_id: UUID | None = None,
    ) -> tuple[Recorded, PlaceStatus]:
        """A social worker's referral: the referral, the place (or waiting) and any carer link,
        in one save."""
        scheme = self.get_scheme(year)
        person = self.get_person(person_id)
        also: list[Any] = []
        if recipient is Recipient.CARER:
            cared_for = self._same_home(person, cares_for_id)
            if self.link_carer_aggregate(person, cared_for, actor_id):
                also.append(person)
        when = self._when(None)
        referral = self._new_referral(
            person_id,
            Programme.DEVICES,
            ReferralSource.SOCIAL_WORKER,
            None,
            reasons,
            True,
            actor_id,
            referral_id,
            when,
        )
        status = scheme.refer(
            person_id,
            referral.id,
            care_plan_ref,
            need,
            recipient,
            cares_for_id,
            plan,
            when.date(),
            actor_id,
        )
        return self._recorded(referral, scheme, *also), status

    def _same_home(self, carer: Person, cares_for_id: UUID | None) -> UUID:
        if cares_for_id is None:
            raise InvalidField("cares_for_id", "a carer is referred with the person they care for")
        cared_for = self.get_person(cares_for_id)
        if (carer.personal.get("postcode"), carer.personal.get("address")) != (
            cared_for.personal.get("postcode"),
            cared_for.personal.get("address"),
        ):
            raise InvalidField("cares_for_id", "the carer must live at the same address")
        return cares_for_id

    def leave_scheme(self, year: str, person_id: UUID, reason: str, actor_id: UUID) -> Recorded:
        scheme = self.get_scheme(year)
        scheme.leave(person_id, reason, self._today(), actor_id)
        return self._recorded(scheme)

    # loans ----------------------------------------------------------------------------------

    def reserve_kit(
        self,
        year: str,
        person_id: UUID,
        kit_id: UUID,
        due_on: date | None,
        actor_id: UUID,
        loan_id: UUID | None = None,
    ) -> Recorded:
        scheme = self.get_scheme(year)
        if scheme.places.get(person_id) is not PlaceStatus.ENROLLED:
            raise InvalidField("person_id", "the person has no place on the scheme (yet)")
        kit = self.get_kit(kit_id)
        if kit.dismantled:
            raise RecordNotFound("kit", kit_id)
        items = [self.get_item(i) for i in kit.item_ids]
        plan = scheme.plans[person_id]
        # Items the plan does not name go the way of the tablet.
        usual = Provision(plan[ItemKind.TABLET.value])
        provisions = {str(i.id): Provision(plan.get(i.kind.value, usual)) for i in items}
        today = self._today()
        lent = any(p is Provision.LOAN for p in provisions.values())
        if lent and (due_on is None or due_on <= today):
            raise InvalidField("due_on", "a loan needs a due date after today")
        loan = Loan._create(
            Loan.Reserved,
            id=loan_id,
            person_id=person_id,
            actor_id=actor_id,
            kit_id=kit.id,
            item_ids=[i.id for i in items],
            provisions=provisions,
            due_on=due_on if lent else None,
            reserved_on=today,
        )
        for item in items:
            item.step("reserve", today, actor_id, loan.id)
        return self._recorded(loan, *items)

    def get_loan(self, loan_id: UUID) -> Loan:
        found: Loan = self._get(Loan, "loan", loan_id)
        return found

    def hand_over(
        self,
        loan_id: UUID,
        on: date | None,
        agreement: Agreement,
        signature_png: str | None,
        witness: str | None,
        safe_use_advice: bool,
        safeguarding_advice: bool,
        actor_id: UUID,
    ) -> Recorded:
        """Hand the kit over; the agreement (signed, or a witnessed verbal yes) records the
        person's consent to the scheme's terms in the same save."""
        loan = self.get_loan(loan_id)
        day = self._checked_day(on)
        loan.hand_over(
            day, agreement, signature_png, witness, safe_use_advice, safeguarding_advice, actor_id
        )
        items = [self.get_item(i) for i in loan.item_ids]
        for item in items:
            gift = loan.provisions[str(item.id)] is Provision.GIFT
            item.step("give" if gift else "issue", day, actor_id, loan.id)
        person = self.get_person(loan.person_id)
        how = HOW_AGREED[agreement]
        person.give_consent(ConsentScope.DEVICE_TERMS, how, day, None, actor_id, self._when(None))
        return self._recorded(loan, *items, person)

    def change_loan(self, loan_id: UUID, change: Callable[[Loan], None]) -> Recorded:
        """One change to a loan; support sessions and tickets need the scheme's terms in
        force (extending, resolving and ending a loan do not)."""
        loan = self.get_loan(loan_id)
        change(loan)
        check_consents(self.get_person, loan.person_id, loan)
        return self._recorded(loan)

    def end_loan(
        self,
        loan_id: UUID,
        status: LoanStatus,
        on: date | None,
        actor_id: UUID,
        condition: Condition | None = None,
        accessories_present: list[UUID] | None = None,
        note: str | None = None,
    ) -> Recorded:
        """Return, lose, report stolen or damaged, convert to a gift, or cancel; the items
        move with the loan (a returned kit's missing accessories are recorded as lost)."""
        loan = self.get_loan(loan_id)
        day = self._checked_day(on)
        present = set(accessories_present if accessories_present is not None else loan.item_ids)
        if not present <= set(loan.item_ids):
            raise InvalidField("accessories_present", "name only items of this loan's kit")
        loan.end(status, day, actor_id, condition, [str(i) for i in sorted(present, key=str)], note)
        items = [self.get_item(i) for i in loan.item_ids]
        for item in items:
            if item.state is not ItemState.RESERVED and item.loan_id != loan.id:
                continue  # gifted outright at hand-over: no longer the scheme's
            step = ITEM_STEP_AT_END[status]
            if status is LoanStatus.DAMAGED and item.kind is not ItemKind.TABLET:
                step = "return"  # only the tablet goes for repair
            if status is LoanStatus.RETURNED and item.kind is not ItemKind.TABLET:
                step = "return" if item.id in present else "lose"
            # The loan's note is the person's (sealed there); stock events are not personal.
            item.step(step, day, actor_id, loan.id, f"loan {status.value}")
            if (
                status is LoanStatus.RETURNED
                and condition is Condition.DAMAGED
                and (item.kind is ItemKind.TABLET)
            ):
                item.step("send_for_repair", day, actor_id, None, "came back damaged")
        return self._recorded(loan, *items)


# Letters, digits, spaces, dots, dashes: a year travels in URLs (/device-scheme/{year}/...).
YEAR = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,19}$")


def check_year(year: str) -> str:
    text = year.strip()
    if not YEAR.match(text):
        raise InvalidField("year", "name the scheme year like 2021-22 (letters, digits, dashes)")
    return text


def new_id() -> UUID:
    return uuid4()
