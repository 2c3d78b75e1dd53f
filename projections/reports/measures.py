"""The measures an indicator can name: each turns the history into observations for a period.

An observation is (person or None, value). A figure is formed from a period's observations:
people = different people; count = how many; hours/money = the values added up; rate = the
share of observations whose value is 1; median/change = the median or mean of the values.

Most measures are dated: every observation has a day, worked out once per history position and
kept sorted, so a period is a slice found by bisection, not a pass over the whole history.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.codes import Instrument, OutcomeDomain
from domain.wellbeing import score
from projections.reports.records import History, MeasureFacts, SchemeFacts
from projections.reports.spend import SPEND_LINES

# (day, person, value, key): with `last_per_key`, only each key's last observation in a period.
Dated = tuple[date, UUID | None, Decimal, Any]
Observation = Dated  # a measure answers with its dated rows in the period, not copies
ONE, ZERO = Decimal(1), Decimal(0)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def holds(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


Measure = Callable[[History, Period], list[Observation]]


def memo(h: History, name: str, work: Callable[[], Any]) -> Any:
    """`work()` once per history position."""
    found = h.memo.get(name)
    if found is None or found[0] != h.position:
        found = h.memo[name] = (h.position, work())
    return found[1]


def dated(
    name: str, extract: Callable[[History], Iterable[Dated]], last_per_key: bool = False
) -> Measure:
    def sorted_rows(h: History) -> tuple[list[date], list[Dated]]:
        rows = sorted(extract(h), key=lambda r: r[0])
        return [r[0] for r in rows], rows

    def measure(h: History, p: Period) -> list[Observation]:
        days, rows = memo(h, name, lambda: sorted_rows(h))
        chosen: list[Dated] = rows[bisect_left(days, p.start) : bisect_right(days, p.end)]
        if last_per_key:
            chosen = list({r[3]: r for r in chosen}.values())
        return chosen

    return measure


def _referrals(h: History) -> Iterable[Dated]:
    return (
        (r.received_on, r.person_id, ONE, k) for k, r in h.referrals.items() if r.programme == "lac"
    )


def _openings(h: History) -> Iterable[Dated]:
    return ((d, i.person_id, ONE, k) for k, i in h.involvements.items() for d in i.opened_on)


def _contacts(minutes: bool) -> Callable[[History], Iterable[Dated]]:
    def extract(h: History) -> Iterable[Dated]:
        return (
            (c.on, c.person_id, Decimal(c.minutes) if minutes else ONE, k)
            for k, c in h.contacts.items()
            if not c.withdrawn
        )

    return extract


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


def _waits(h: History) -> Iterable[Dated]:
    """Days from the involvement's referral (else the person's first, else the opening) to
    the person's first contact, dated on that contact."""
    first_contact, first_referral = _first_contacts(h), _first_referrals(h)
    for key, inv in h.involvements.items():
        contact = first_contact.get(inv.person_id)
        if contact is None:
            continue
        referral = h.referrals.get(inv.referral_id) if inv.referral_id else None
        start = (
            referral.received_on
            if referral is not None
            else first_referral.get(inv.person_id, min(inv.opened_on))
        )
        yield contact, inv.person_id, Decimal(max(0, (contact - start).days)), key


def _attended(h: History) -> Iterable[Dated]:
    return (
        (d, c.person_id, ONE, k)
        for k, c in h.connections.items()
        for d, s in c.steps
        if s == "attended"
    )


def _checks(h: History) -> Iterable[Dated]:
    for key, c in h.connections.items():
        for day, step in c.steps:
            if step in ("still_connected", "dropped"):
                yield day, c.person_id, ONE if step == "still_connected" else ZERO, key


def _outcomes(domain: str) -> Callable[[History], Iterable[Dated]]:
    def extract(h: History) -> Iterable[Dated]:
        return (
            (o.on, o.person_id, ONE, k)
            for k, o in h.outcomes.items()
            if o.domain == domain and not o.withdrawn
        )

    return extract


def _value(m: MeasureFacts, item: int | None) -> Decimal | None:
    if item is not None:
        return Decimal(m.items[item - 1])
    found = score(Instrument(m.instrument), m.items)
    if found.metric is not None:
        return found.metric
    return None if found.raw is None else Decimal(found.raw)


def _pairs(instrument: str, item: int | None) -> Callable[[History], Iterable[Dated]]:
    """Each standing follow-up minus the person's earliest baseline on or before it."""

    def extract(h: History) -> Iterable[Dated]:
        baselines: dict[UUID, MeasureFacts] = {}
        follow_ups: list[MeasureFacts] = []
        for m in h.measures.values():
            if m.instrument != instrument or m.withdrawn:
                continue
            if m.occasion != "baseline":
                follow_ups.append(m)
            elif m.person_id not in baselines or m.on < baselines[m.person_id].on:
                baselines[m.person_id] = m
        for follow_up in sorted(follow_ups, key=lambda m: m.on):
            baseline = baselines.get(follow_up.person_id)
            if baseline is None or baseline.on > follow_up.on:
                continue
            before, after = _value(baseline, item), _value(follow_up, item)
            if before is not None and after is not None:
                yield follow_up.on, follow_up.person_id, after - before, follow_up.person_id

    return extract


def paired_changes(h: History, p: Period, instrument: str, item: int | None) -> list[Observation]:
    """Per person: their latest follow-up dated in the period minus their earliest baseline."""
    return MEASURES[f"lac.change.{instrument}" + (f".{item}" if item else "")](h, p)


def _timelines(h: History) -> list[tuple[UUID, list[date], list[str]]]:
    """Each involvement's steps in date order (order of recording within a day)."""
    found = []
    for inv in h.involvements.values():
        steps = sorted(inv.steps, key=lambda s: s[0])
        found.append((inv.person_id, [d for d, _ in steps], [s for _, s in steps]))
    return found


def active_at_end(h: History, p: Period) -> list[Observation]:
    """Involvements active (open, not paused) at the end of the period's last day."""
    found: list[Observation] = []
    for person_id, days, steps in memo(h, "timelines", lambda: _timelines(h)):
        at = bisect_right(days, p.end)
        if at and steps[at - 1] == "active":
            found.append((p.end, person_id, ONE, person_id))
    return found


def _work(h: History) -> Iterable[Dated]:
    return ((on, None, ONE, n) for n, (on, _d, _k) in enumerate(h.community_work))


def _handed_over(provision: str | None) -> Callable[[History], Iterable[Dated]]:
    def extract(h: History) -> Iterable[Dated]:
        return (
            (loan.handed_over_on, loan.person_id, ONE, k)
            for k, loan in h.loans.items()
            if loan.handed_over_on and (provision is None or provision in loan.provisions.values())
        )

    return extract


def _gifts(h: History) -> Iterable[Dated]:
    yield from _handed_over("gift")(h)
    for key, loan in h.loans.items():
        if loan.ended is not None and loan.ended[1] == "gifted":
            yield loan.ended[0], loan.person_id, ONE, key


def _training(h: History) -> Iterable[Dated]:
    return (
        (on, who, ONE, n) for n, (who, on, kind, _m) in enumerate(h.sessions) if kind == "training"
    )


def _losses(h: History) -> Iterable[Dated]:
    return (
        (loan.ended[0], loan.person_id, ONE, k)
        for k, loan in h.loans.items()
        if loan.ended is not None and loan.ended[1] in ("lost", "stolen", "damaged")
    )


def _spend(line: str) -> Callable[[History], Iterable[Dated]]:
    def extract(h: History) -> Iterable[Dated]:
        schemes: list[SchemeFacts] = sorted(h.schemes.values(), key=lambda s: s.starts_on)
        return (
            (day, None, amount, n) for n, (day, amount) in enumerate(SPEND_LINES[line](h, schemes))
        )

    return extract


def people_introduced(h: History, p: Period) -> list[Observation]:
    return MEASURES["lac.people_introduced"](h, p)


def people_benefited(h: History, p: Period) -> list[Observation]:
    return MEASURES["devices.people_benefited"](h, p)


ONS4_ITEMS = (1, 2, 3, 4)
MEASURES: dict[str, Measure] = {
    "lac.people_introduced": dated("referrals", _referrals),
    "lac.new_involvements": dated("openings", _openings),
    "lac.active_at_end": active_at_end,
    "lac.support_contacts": dated("contacts", _contacts(False)),
    "lac.support_minutes": dated("minutes", _contacts(True)),
    "lac.days_to_first_contact": dated("waits", _waits),
    "lac.people_connected": dated("attended", _attended),
    "lac.still_connected": dated("checks", _checks, last_per_key=True),
    **{
        f"lac.outcome.{d.value}": dated(f"outcome.{d.value}", _outcomes(d.value))
        for d in OutcomeDomain
    },
    "lac.change.swemwbs": dated("swemwbs", _pairs("swemwbs", None), last_per_key=True),
    **{
        f"lac.change.ons4.{i}": dated(f"ons4.{i}", _pairs("ons4", i), last_per_key=True)
        for i in ONS4_ITEMS
    },
    "lac.change.ucla3": dated("ucla3", _pairs("ucla3", None), last_per_key=True),
    "lac.community_work": dated("community_work", _work),
    "devices.people_benefited": dated("handed_over", _handed_over(None)),
    "devices.loans": dated("lent", _handed_over("loan")),
    "devices.gifts": dated("gifts", _gifts),
    "devices.training_sessions": dated("training", _training),
    "devices.losses": dated("losses", _losses),
    **{f"devices.spend.{line}": dated(f"spend.{line}", _spend(line)) for line in SPEND_LINES},
}
