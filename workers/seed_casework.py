"""Synthetic casework for the seeded population: what coordinators record after acceptance.

For each accepted LAC referral (its acceptance opened the involvement) a generator derived from
the seed and the person plans what matters, strengths, goals, next actions, support contacts,
connections to community assets, coded outcomes and wellbeing measures, all dated after the
acceptance and never after ``until`` (some months after the seed window, never in the future).
Each district gets a small community assets directory and its coordinator's community
development work (about three records a month). Every change goes through the real aggregates
and the application's own checks; many people's records are saved together for speed. A person
whose involvement already holds more than its opening is left alone, so seeding again with the
same seed records nothing twice.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.application import project_aggregate

from domain.application import LacApplication
from domain.codes import (
    DETAILS,
    CloseReason,
    ConnectionStatus,
    OutcomeDomain,
)
from domain.community import CommunityAsset, CommunityWork
from domain.involvement import Involvement, involvement_id
from domain.outcomes import OutcomeRecord, VisitCounts
from workers import seed_casework_names as w
from workers.seed_casework_steps import Case
from workers.seed_community import community_work, list_directory

HORIZON = timedelta(days=310)  # casework goes on up to ten months after the seed window
BATCH = 3000  # aggregates planned before they are saved
# Aggregates per save (one transaction): psycopg's pipeline can hang for good on a very large
# one (psycopg issue 685; seen here with 3,000 aggregates), so big seeds save in parts.
SAVE_PART = 200
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Accepted:
    """An accepted LAC referral, as the population seed planned it."""

    person_id: UUID
    district: str
    coordinator_id: UUID
    closed_at: datetime | None  # when the referral, and so the involvement, was closed
    close_note: str


@dataclass(frozen=True)
class CaseworkSummary:
    """What a run recorded (people already worked on are not counted again)."""

    involvements: int = 0
    contacts: int = 0
    connections: int = 0
    outcomes: int = 0
    measures: int = 0
    assets: int = 0
    community_work: int = 0


def save_in_parts(app: Any, aggregates: Sequence[Any]) -> int:
    """Save the aggregates SAVE_PART at a time; returns how many events were written."""
    written = 0
    for start in range(0, len(aggregates), SAVE_PART):
        written += len(app.save(*aggregates[start : start + SAVE_PART]))
    return written


def seed_casework(
    app: LacApplication,
    accepted: Sequence[Accepted],
    coordinators: Mapping[str, UUID],
    *,
    seed: int,
    start: date,
    end: date,
    now: datetime,
) -> CaseworkSummary:
    """Record casework for each accepted referral; ``coordinators`` maps district to user id."""
    until = min(now, datetime.combine(end, time(tzinfo=UTC)) + HORIZON)
    counts: Counter[str] = Counter()
    directory = list_directory(app, coordinators, start, until.date(), counts)
    pending: list[Any] = []
    for person in accepted:
        involvement = _untouched(app, person.person_id)
        if involvement is None:
            continue
        rng = random.Random(f"lac-seed-{seed}-casework-{person.person_id}")
        last = until if person.closed_at is None else min(until, person.closed_at - DAY / 24)
        case = Case(app, involvement, person.coordinator_id, rng, last)
        if _plan(case, directory.get(person.district, []), person):
            pending.extend(case.run(counts))
            counts["involvements"] += 1
        if len(pending) >= BATCH:
            save_in_parts(app, pending)
            pending.clear()
    pending.extend(community_work(app, coordinators, directory, seed, start, until.date()))
    counts["community_work"] += sum(isinstance(a, CommunityWork) for a in pending)
    save_in_parts(app, pending)
    return CaseworkSummary(**counts)


def _untouched(app: LacApplication, person_id: UUID) -> Involvement | None:
    """The person's involvement if it holds nothing but its opening, else None."""
    key = involvement_id(person_id)
    latest = app.recorder.select_events(key, desc=True, limit=1)
    if not latest or latest[0].originator_version != 1:
        return None
    opened = app.mapper.to_domain_event(latest[0])  # the one event read: no second read
    found: Involvement | None = project_aggregate(None, [opened])
    return found


# the plan of one person's casework ---------------------------------------------------------


def _plan(case: Case, assets: list[CommunityAsset], person: Accepted) -> bool:
    """Plan the casework as dated steps; False when there was no time for any contact."""
    rng, times = case.rng, _contact_times(case.rng, case.opened, case.until)
    if not times:
        return False
    second = times[min(1, len(times) - 1)]
    measured = rng.random() < 0.70
    review = _review(rng, times, second, case.until) if measured and rng.random() < 0.78 else None
    talk_at = times[1] if len(times) > 1 and rng.random() < 0.4 else times[0]
    matters = rng.choice(w.WHAT_MATTERS)
    case.change(talk_at, lambda i, at: i.record_what_matters(matters, case.actor, at))
    case.change(talk_at, case.strengths())
    case.next_action(times[0], rng.randint(5, 14))
    if len(times) > 1 and rng.random() < 0.8:
        case.change(second, case.walk_alongside)
    case.goals(second, [t for t in times if t >= second + 21 * DAY])
    if measured:
        case.measures(second, review)
    introductions = _connections(case, assets, times)
    if len(times) > 1 and rng.random() < 0.40:
        _outcomes(case, times)
    for index, at in enumerate(times):
        case.contact(at, index, introductions.get(index, ()))
    if len(times) > 1:
        case.next_action(times[-1], rng.randint(7, 28))
    _pauses(case, times, closing=person.closed_at is not None)
    if person.closed_at is not None:
        reasons = w.CLOSE_REASONS.get(person.close_note, ((CloseReason.OTHER, 1),))
        reason = rng.choices([r for r, _ in reasons], [n for _, n in reasons])[0]
        note = person.close_note
        case.change(person.closed_at, lambda i, at: i.close(reason, note, case.actor, at))
    elif times[-1] < case.until - STALE:
        _close_at_review(case, times[-1])
    return True


# A real service reviews involvements that have gone quiet; none stays open for years unseen.
STALE = timedelta(days=120)
REVIEW_REASONS = (CloseReason.PERSON_ENDED, CloseReason.GOALS_MET, CloseReason.MOVED_AWAY)


def _close_at_review(case: Case, last_contact: datetime) -> None:
    closed_at = min(case.until, last_contact + timedelta(days=case.rng.randint(30, 90)))
    reason = case.rng.choice(REVIEW_REASONS)
    note = "Closed at review after some months without contact"
    case.change(closed_at, lambda i, at: i.close(reason, note, case.actor, at))


def _review(
    rng: random.Random, times: list[datetime], baseline: datetime, until: datetime
) -> datetime | None:
    """When to follow the measures up: the last contact at least eight weeks after the
    baseline, or a review contact added 8-17 weeks after it (None if that is too late)."""
    later = [t for t in times if t >= baseline + 56 * DAY]
    if later:
        return later[-1]
    day = baseline.date() + timedelta(days=rng.randint(56, 120))
    review = datetime.combine(day, time(9, tzinfo=UTC)) + timedelta(minutes=rng.randrange(480))
    if review > until:
        return None
    times.append(review)
    return review


def _contact_times(rng: random.Random, opened: datetime, until: datetime) -> list[datetime]:
    """2-15 contacts in working hours: close together at first, then every few weeks."""
    wanted = rng.choices(range(2, 16), (6, 9, 11, 12, 12, 11, 9, 8, 6, 5, 4, 3, 2, 2))[0]
    day = opened.date() + timedelta(days=rng.choice((0, 1, 2, 3, 5, 7)))
    times: list[datetime] = []
    while len(times) < wanted:
        if day.weekday() > 4:  # coordinators work weekdays
            day += timedelta(days=7 - day.weekday())
        at = datetime.combine(day, time(9, tzinfo=UTC)) + timedelta(minutes=rng.randrange(480))
        floor = times[-1] if times else opened
        if at <= floor:
            at = floor + timedelta(minutes=rng.randint(30, 180))
        if at > until:
            break
        times.append(at)
        gaps = (2, 3, 5, 7, 7, 10, 14) if len(times) < 4 else (7, 14, 14, 21, 28, 35, 42, 56)
        day = at.date() + timedelta(days=rng.choice(gaps))
    return times


def _connections(
    case: Case, assets: list[CommunityAsset], times: list[datetime]
) -> dict[int, tuple[UUID, ...]]:
    """Introductions to assets at contacts; which contact introduced which assets."""
    rng = case.rng
    wanted = rng.choices((0, 1, 2, 3), (25, 40, 25, 10))[0] if len(times) > 1 else 0
    introduced: dict[int, tuple[UUID, ...]] = {}
    for asset in rng.sample(assets, min(wanted, len(assets))):
        index = rng.randrange(1, len(times))
        introduced[index] = (*introduced.get(index, ()), asset.id)
        at = times[index]
        steps = [(at, ConnectionStatus.INTRODUCED, rng.choice(w.CONNECTION_NOTES))]
        if rng.random() < 0.75:
            at += timedelta(days=rng.randint(2, 14), hours=2)
            steps.append((at, ConnectionStatus.ATTENDED, None))
            follow = rng.random()
            if follow < 0.55:
                at += timedelta(days=rng.randint(42, 120))
                steps.append((at, ConnectionStatus.STILL_CONNECTED, "Still going at follow-up"))
            elif follow < 0.75:
                at += timedelta(days=rng.randint(14, 90))
                steps.append((at, ConnectionStatus.DROPPED, rng.choice(w.DROP_NOTES)))
        elif rng.random() < 0.5:
            at += timedelta(days=rng.randint(14, 45))
            steps.append((at, ConnectionStatus.DROPPED, rng.choice(w.DROP_NOTES)))
        if steps[-1][1] is ConnectionStatus.DROPPED and rng.random() < 0.15:
            at += timedelta(days=rng.randint(30, 90))
            steps.append((at, ConnectionStatus.INTRODUCED, "Wanted to give it another go"))
        case.connection(asset, [s for s in steps if s[0] <= case.until])
    return introduced


def _outcomes(case: Case, times: list[datetime]) -> None:
    rng = case.rng
    domains = [d for d, _ in w.OUTCOME_WEIGHTS]
    picked = rng.choices(domains, [n for _, n in w.OUTCOME_WEIGHTS], k=rng.choice((1, 1, 1, 2, 3)))
    for domain in dict.fromkeys(picked):
        at = times[rng.randrange(len(times) // 2, len(times))]
        happened = max(case.opened.date(), (at - timedelta(days=rng.randint(0, 14))).date())
        details = DETAILS.get(domain)
        visits = None
        if domain is OutcomeDomain.FEWER_GP_AE_VISITS:
            gp, ae = rng.randint(2, 9), rng.randint(0, 3)
            visits = VisitCounts(gp, rng.randint(0, gp - 1), ae, rng.randint(0, ae))
        record = OutcomeRecord(
            domain, rng.choice(details) if details else None, happened, w.EVIDENCE[domain], visits
        )
        case.outcome(at, record)


def _pauses(case: Case, times: list[datetime], *, closing: bool) -> None:
    """A few pause for a while between contacts; a few more are paused at the end."""
    rng = case.rng
    gaps = [k for k in range(len(times) - 1) if times[k + 1] - times[k] >= 14 * DAY]
    if gaps and rng.random() < 0.06:
        k = rng.choice(gaps)
        case.pause(times[k] + DAY, rng.choice(w.PAUSE_NOTES))
        case.change(times[k + 1] - DAY / 12, lambda i, at: i.resume(case.actor, at))
    paused_at = times[-1] + timedelta(days=rng.randint(3, 20))
    if not closing and rng.random() < 0.10 and paused_at <= case.until:
        case.pause(paused_at, rng.choice(w.PAUSE_NOTES))
