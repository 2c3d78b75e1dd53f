"""The measures an indicator can name: each turns the history into observations for a period.

An observation is (person or None, value). A figure is formed from a period's observations:
people = different people; count = how many; hours/money = the values added up; rate = the
share of observations whose value is 1; median/change = the median or mean of the values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.codes import Instrument, OutcomeDomain
from domain.wellbeing import score
from projections.reports.records import History, MeasureFacts, SchemeFacts
from projections.reports.spend import SPEND_LINES

Observation = tuple[UUID | None, Decimal]
ONE = Decimal(1)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def holds(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


Measure = Callable[[History, Period], list[Observation]]


def people_introduced(h: History, p: Period) -> list[Observation]:
    return [
        (r.person_id, ONE)
        for r in h.referrals.values()
        if r.programme == "lac" and p.holds(r.received_on)
    ]


def new_involvements(h: History, p: Period) -> list[Observation]:
    return [(i.person_id, ONE) for i in h.involvements.values() for d in i.opened_on if p.holds(d)]


def active_at_end(h: History, p: Period) -> list[Observation]:
    return [(i.person_id, ONE) for i in h.involvements.values() if i.status_on(p.end) == "active"]


def support_contacts(h: History, p: Period) -> list[Observation]:
    return [(c.person_id, ONE) for c in h.contacts.values() if not c.withdrawn and p.holds(c.on)]


def support_minutes(h: History, p: Period) -> list[Observation]:
    return [
        (c.person_id, Decimal(c.minutes))
        for c in h.contacts.values()
        if not c.withdrawn and p.holds(c.on)
    ]


def _first_contacts(h: History) -> dict[UUID, date]:
    first: dict[UUID, date] = {}
    for c in h.contacts.values():
        if not c.withdrawn and (c.person_id not in first or c.on < first[c.person_id]):
            first[c.person_id] = c.on
    return first


def _first_referrals(h: History) -> dict[UUID, date]:
    first: dict[UUID, date] = {}
    for r in h.referrals.values():
        if r.person_id not in first or r.received_on < first[r.person_id]:
            first[r.person_id] = r.received_on
    return first


def days_to_first_contact(h: History, p: Period) -> list[Observation]:
    """Days from the involvement's referral (else the person's first, else the opening)."""
    first_contact, first_referral = _first_contacts(h), _first_referrals(h)
    found: list[Observation] = []
    for inv in h.involvements.values():
        contact = first_contact.get(inv.person_id)
        if contact is None or not p.holds(contact):
            continue
        referral = h.referrals.get(inv.referral_id) if inv.referral_id else None
        start = (
            referral.received_on
            if referral is not None
            else first_referral.get(inv.person_id, min(inv.opened_on))
        )
        found.append((inv.person_id, Decimal(max(0, (contact - start).days))))
    return found


def people_connected(h: History, p: Period) -> list[Observation]:
    return [
        (c.person_id, ONE)
        for c in h.connections.values()
        if any(step == "attended" and p.holds(d) for d, step in c.steps)
    ]


def still_connected(h: History, p: Period) -> list[Observation]:
    found: list[Observation] = []
    for c in h.connections.values():
        checks = [(d, s) for d, s in c.steps if s in ("still_connected", "dropped") and p.holds(d)]
        if checks:
            last = max(checks, key=lambda check: check[0])
            found.append((c.person_id, ONE if last[1] == "still_connected" else Decimal(0)))
    return found


def outcome_measure(domain: str) -> Measure:
    def measure(h: History, p: Period) -> list[Observation]:
        return [
            (o.person_id, ONE)
            for o in h.outcomes.values()
            if o.domain == domain and not o.withdrawn and p.holds(o.on)
        ]

    return measure


def _value(m: MeasureFacts, item: int | None) -> Decimal | None:
    if item is not None:
        return Decimal(m.items[item - 1])
    found = score(Instrument(m.instrument), m.items)
    if found.metric is not None:
        return found.metric
    return None if found.raw is None else Decimal(found.raw)


def paired_changes(h: History, p: Period, instrument: str, item: int | None) -> list[Observation]:
    """Per person: their latest follow-up dated in the period minus their earliest baseline."""
    follow_ups: dict[UUID, MeasureFacts] = {}
    baselines: dict[UUID, list[MeasureFacts]] = {}
    for m in h.measures.values():
        if m.instrument != instrument or m.withdrawn:
            continue
        if m.occasion == "baseline":
            baselines.setdefault(m.person_id, []).append(m)
        elif p.holds(m.on):
            known = follow_ups.get(m.person_id)
            if known is None or m.on >= known.on:
                follow_ups[m.person_id] = m
    found: list[Observation] = []
    for person_id, follow_up in follow_ups.items():
        before_it = [m for m in baselines.get(person_id, ()) if m.on <= follow_up.on]
        if not before_it:
            continue
        baseline = min(before_it, key=lambda m: m.on)
        before, after = _value(baseline, item), _value(follow_up, item)
        if before is not None and after is not None:
            found.append((person_id, after - before))
    return found


def change_measure(instrument: str, item: int | None = None) -> Measure:
    return lambda h, p: paired_changes(h, p, instrument, item)


def community_work(h: History, p: Period) -> list[Observation]:
    return [(None, ONE) for on, _district, _kind in h.community_work if p.holds(on)]


def people_benefited(h: History, p: Period) -> list[Observation]:
    return [(loan.person_id, ONE) for loan in h.loans.values() if p.holds(loan.handed_over_on)]


def device_loans(h: History, p: Period) -> list[Observation]:
    return [
        (loan.person_id, ONE)
        for loan in h.loans.values()
        if p.holds(loan.handed_over_on) and "loan" in loan.provisions.values()
    ]


def device_gifts(h: History, p: Period) -> list[Observation]:
    at_hand_over: list[Observation] = [
        (loan.person_id, ONE)
        for loan in h.loans.values()
        if p.holds(loan.handed_over_on) and "gift" in loan.provisions.values()
    ]
    converted = [
        (loan.person_id, ONE)
        for loan in h.loans.values()
        if loan.ended is not None and loan.ended[1] == "gifted" and p.holds(loan.ended[0])
    ]
    return at_hand_over + converted


def training_sessions(h: History, p: Period) -> list[Observation]:
    found: list[Observation] = [
        (who, ONE) for who, on, kind, _m in h.sessions if kind == "training" and p.holds(on)
    ]
    return found


def losses(h: History, p: Period) -> list[Observation]:
    lost = ("lost", "stolen", "damaged")
    return [
        (loan.person_id, ONE)
        for loan in h.loans.values()
        if loan.ended is not None and loan.ended[1] in lost and p.holds(loan.ended[0])
    ]


def spend_measure(line: str) -> Measure:
    spend = SPEND_LINES[line]

    def measure(h: History, p: Period) -> list[Observation]:
        schemes: list[SchemeFacts] = sorted(h.schemes.values(), key=lambda s: s.starts_on)
        return [(None, amount) for amount in spend(h, schemes, p.start, p.end)]

    return measure


ONS4_ITEMS = (1, 2, 3, 4)
MEASURES: dict[str, Measure] = {
    "lac.people_introduced": people_introduced,
    "lac.new_involvements": new_involvements,
    "lac.active_at_end": active_at_end,
    "lac.support_contacts": support_contacts,
    "lac.support_minutes": support_minutes,
    "lac.days_to_first_contact": days_to_first_contact,
    "lac.people_connected": people_connected,
    "lac.still_connected": still_connected,
    **{f"lac.outcome.{d.value}": outcome_measure(d.value) for d in OutcomeDomain},
    "lac.change.swemwbs": change_measure("swemwbs"),
    **{f"lac.change.ons4.{i}": change_measure("ons4", i) for i in ONS4_ITEMS},
    "lac.change.ucla3": change_measure("ucla3"),
    "lac.community_work": community_work,
    "devices.people_benefited": people_benefited,
    "devices.loans": device_loans,
    "devices.gifts": device_gifts,
    "devices.training_sessions": training_sessions,
    "devices.losses": losses,
    **{f"devices.spend.{line}": spend_measure(line) for line in SPEND_LINES},
}
