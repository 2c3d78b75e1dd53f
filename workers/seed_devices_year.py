"""One seeded scheme year, person by person: referral, kit, hand-over, support, and the end.

People referred join the queue for a kit (or the waiting list when the scheme is full). Each
working day the kits ready to issue go to the first in the queue: reserved, then handed over a
few days later with a signature or a witnessed verbal agreement, then training, remote support
and the odd support ticket. A lent kit is returned around its due date (some loans extended
first, a few converted to gifts, lost, stolen or damaged, some still out when the year ends);
a returned kit is wiped and goes to the next person. Leaving frees a place for the first one
waiting. Everything goes through the clerk's commands on the day it happens.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from domain.device_codes import (
    Agreement,
    ItemKind,
    LoanStatus,
    Need,
    PlaceStatus,
    Provision,
    Recipient,
)
from workers import seed_devices_names as n
from workers.seed_devices_clerk import Clerk, new_id
from workers.seed_devices_stock import Action, Agenda, Stock, working_day
from workers.seed_devices_support import Support

L = LoanStatus
DAY = timedelta(days=1)
LOAN_WEEKS = 26
# What the device officer wrote when closing the referral, and how the loan ends then.
CLOSE_ENDINGS = {
    "Device returned at the end of the loan": L.RETURNED,
    "Trial ended; device gifted under the care and support plan": L.GIFTED,
}


@dataclass
class Member:
    """Someone referred to the scheme, and what their referral says."""

    person_id: UUID
    referral_id: UUID
    social_worker: UUID
    referred_on: date
    until: date  # when their referral was closed, or the scheme's end
    need: Need
    recipient: Recipient
    plan: dict[ItemKind, Provision]
    care_plan_ref: str
    rng: random.Random
    cares_for: UUID | None = None
    close_note: str | None = None
    reason: str = ""  # a carer's referral reason
    loan: UUID | None = None  # the latest


class Year:
    """The scheme year's places and loans, on the agenda."""

    def __init__(
        self, year: str, ends_on: date, stock: Stock, officer: UUID, counts: Counter[str]
    ) -> None:
        self.year, self.ends_on, self.stock, self.officer = year, ends_on, stock, officer
        self.clerk: Clerk = stock.clerk
        self.agenda: Agenda = stock.agenda
        self.counts = counts
        self.queue: list[Member] = []
        self.members: dict[UUID, Member] = {}
        self.support = Support(self.clerk, self.agenda, officer, counts)

    # places ------------------------------------------------------------------------------

    def refer(self, m: Member) -> Action:
        self.members[m.person_id] = m
        if m.close_note is not None and m.until < self.ends_on:
            self.agenda.on(m.until, self._closed(m), 4)

        def refer(day: date) -> None:
            if m.recipient is Recipient.CARER:
                _, status = self.clerk.refer_to_scheme(
                    self.year,
                    m.person_id,
                    m.care_plan_ref,
                    m.need,
                    m.recipient,
                    m.plan,
                    [m.reason],
                    m.social_worker,
                    cares_for_id=m.cares_for,
                    referral_id=m.referral_id,
                )
                accepted = self.clerk.now + timedelta(hours=m.rng.randint(1, 6))
                self.clerk.held(m.referral_id).accept(self.officer, self.officer, accepted)
                self.counts["carers"] += 1
            else:
                status = self.clerk.get_scheme(self.year).refer(
                    m.person_id,
                    m.referral_id,
                    m.care_plan_ref,
                    m.need,
                    m.recipient,
                    None,
                    m.plan,
                    day,
                    m.social_worker,
                )
            self.counts["people"] += 1
            if status is PlaceStatus.ENROLLED:
                self.queue.append(m)
            else:
                self.counts["waited"] += 1

        return refer

    def _closed(self, m: Member) -> Action:
        """The referral was closed: someone holding a place but no kit out leaves."""

        def closed(day: date) -> None:
            place = self.clerk.get_scheme(self.year).places.get(m.person_id)
            live = m.loan is not None and self.clerk.get_loan(m.loan).status in (
                L.RESERVED,
                L.ACTIVE,
            )
            if place in (PlaceStatus.ENROLLED, PlaceStatus.WAITING) and not live:
                if m in self.queue:
                    self.queue.remove(m)
                self._leave(day, m, m.close_note or "")

        return closed

    def _leave(self, day: date, m: Member, reason: str) -> None:
        promoted = self.clerk.get_scheme(self.year).leave(m.person_id, reason, day, self.officer)
        if promoted is not None:
            self.queue.append(self.members[promoted])

    # kits --------------------------------------------------------------------------------

    def allocate(self, day: date) -> None:
        """Kits ready to issue go to the first people in the queue."""
        while self.queue and self.stock.ready and day <= self.ends_on - 21 * DAY:
            m = self.queue.pop(0)
            if m.until < day + 21 * DAY:
                continue  # their referral closes before a kit could do them any good
            kit = self.stock.take()
            assert kit is not None
            lent = Provision.LOAN in m.plan.values()
            due = min(self.ends_on, day + timedelta(weeks=LOAN_WEEKS)) if lent else None
            loan = self.clerk.reserve_kit(
                self.year, m.person_id, kit, due, self.officer, loan_id=new_id(m.rng)
            ).id
            m.loan = loan
            self.counts["loans"] += 1
            if m.rng.random() < 0.02:
                when = working_day(day + timedelta(days=m.rng.randint(2, 6)))
                self.agenda.on(when, self._cancel(m, loan, kit))
            else:
                when = working_day(day + timedelta(days=m.rng.randint(1, 8)))
                self.agenda.on(when, self._hand_over(m, loan, kit, due))

    def _cancel(self, m: Member, loan: UUID, kit: UUID) -> Action:
        def cancel(day: date) -> None:
            note = m.rng.choice(n.CANCEL_NOTES)
            self.clerk.end_loan(loan, L.CANCELLED, None, self.officer, note=note)
            self.counts["cancelled"] += 1
            self.stock.back(kit)
            self._leave(day, m, note)

        return cancel

    def _hand_over(self, m: Member, loan: UUID, kit: UUID, due: date | None) -> Action:
        def hand_over(day: date) -> None:
            rng = m.rng
            signed = rng.random() < 0.85
            self.clerk.hand_over(
                loan,
                None,
                Agreement.SIGNATURE if signed else Agreement.WITNESSED_VERBAL,
                n.SIGNATURE_PNG if signed else None,
                None if signed else rng.choice(n.WITNESSES),
                True,
                True,
                self.officer,
            )
            self.counts["handed_over"] += 1
            self.counts["gifts"] += due is None
            ends = None if due is None else self._fate(day, m, loan, kit, due)
            self._support(day, m, loan, ends)

        return hand_over

    # how a loan ends ---------------------------------------------------------------------

    def _fate(self, day: date, m: Member, loan: UUID, kit: UUID, due: date) -> date | None:
        """Schedule how a lent kit's loan ends; returns that day (None: out at the year's end)."""
        rng = m.rng
        early, limit = day + 14 * DAY, min(m.until, self.agenda.last)
        closing = CLOSE_ENDINGS.get(m.close_note or "") if m.until < self.ends_on else None
        draw = rng.random()
        status: LoanStatus | None = None
        on: date | None = None
        if closing is not None:
            status, on = closing, m.until
        elif draw < 0.035:
            status = L.LOST if draw < 0.02 else L.STOLEN
            on = early + timedelta(days=rng.randrange(max(1, (min(due, limit) - early).days)))
        elif draw < 0.06:
            status, on = L.DAMAGED, early + timedelta(days=rng.randint(0, 120))
        elif draw < 0.15:
            status, on = L.GIFTED, day + timedelta(days=rng.randint(60, 200))
        elif draw < 0.72:
            if rng.random() < 0.25 and due < self.ends_on:
                asked = working_day(due - timedelta(days=rng.randint(3, 10)))
                later = min(self.ends_on, due + timedelta(weeks=13))
                if asked > day and asked <= limit:
                    self.agenda.on(asked, self._extend(loan, later))
                    due = later
            status, on = L.RETURNED, due + timedelta(days=rng.randint(-21, 10))
        if status is None or on is None:
            return None
        on = working_day(on)
        if not early <= on <= limit:
            return None
        self.agenda.on(on, self._end(m, loan, kit, status))
        return on

    def _extend(self, loan: UUID, due: date) -> Action:
        def extend(day: date) -> None:
            self.clerk.change_loan(loan, lambda x: x.extend(due, self.officer))
            self.counts["extended"] += 1

        return extend

    def _end(self, m: Member, loan: UUID, kit: UUID, status: LoanStatus) -> Action:
        def end(day: date) -> None:
            rng, officer = m.rng, self.officer
            if status is L.RETURNED:
                items = list(self.clerk.get_kit(kit).item_ids)
                if rng.random() < 0.08:
                    items.remove(items[rng.choice((2, 3))])  # the charger or case is missing
                conditions = [c for c, _ in n.CONDITIONS]
                condition = rng.choices(conditions, [w for _, w in n.CONDITIONS])[0]
                self.clerk.end_loan(loan, status, None, officer, condition, items)
                self._leave(day, m, n.LEAVE_RETURNED)
            elif status is L.GIFTED:
                self.clerk.end_loan(loan, status, None, officer)
            else:
                notes = {L.LOST: n.LOST_NOTES, L.STOLEN: n.STOLEN_NOTES}.get(status)
                note = rng.choice(notes or n.DAMAGE_NOTES)
                self.clerk.end_loan(loan, status, None, officer, note=note)
                if status is L.DAMAGED:
                    self.queue.insert(0, m)  # a replacement kit, first in the queue
                else:
                    self._leave(day, m, n.LEAVE_LOST)
            self.counts["converted" if status is L.GIFTED else status.value] += 1
            self.stock.came_back(day, kit)

        return end

    # support -----------------------------------------------------------------------------

    def _support(self, day: date, m: Member, loan: UUID, ends: date | None) -> None:
        stop = min(m.until, self.agenda.last, (ends - DAY) if ends else self.ends_on)
        self.support.plan(day, m.rng, loan, stop)
