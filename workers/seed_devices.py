"""A plausible year of the digital device lending and gifting scheme, for the seeded population.

When the seed window covers the 2021-22 trial (1 June 2021 to 31 May 2022, 300 places, the
seed paper's budget) and that year is over, the scheme is opened and run, deterministically
from the seed: tablets, SIMs, chargers and cases arrive over the first months and are enrolled
and made up into kits; the people whose device referrals were accepted, and some of their
carers living at the same address (registered now, as the social worker would), are referred
with a care and support plan that lends (about 70%) or gifts (about 30%) the tablet; kits are
reserved, handed over, supported, extended, returned, wiped and re-issued, a few lost, stolen
or damaged (see ``seed_devices_year``). Every step goes through the application's own device
commands, dated on the day it happened (``seed_devices_clerk``), and the whole year is saved
in one transaction; a store that already holds the scheme year is left alone.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from math import ceil
from uuid import UUID

from domain.application import LacApplication
from domain.device_codes import ItemKind, LoanStatus, Need, Provision, Recipient
from domain.errors import DuplicatePerson
from domain.person import PersonDetails
from domain.scheme import scheme_id
from workers import seed_devices_names as n
from workers import seed_names as v
from workers.seed_community import exists
from workers.seed_devices_clerk import Clerk, new_id
from workers.seed_devices_stock import Action, Agenda, Stock, working_day
from workers.seed_devices_year import CLOSE_ENDINGS, Member, Year

YEAR, STARTS, ENDS = "2021-22", date(2021, 6, 1), date(2022, 5, 31)
CAPACITY = 300
MAX_TABLETS = 220
# Deliveries: days after the start, share of the tablets, which model.
DELIVERIES = ((0, 0.40, 0), (30, 0.25, 1), (61, 0.20, 0), (92, 0.15, 2))
CARER_SHARE = 0.25
GIFT_SHARE = 0.30


@dataclass(frozen=True)
class DeviceCandidate:
    """An accepted device referral of the seeded population."""

    person_id: UUID
    referral_id: UUID
    details: PersonDetails
    social_worker: UUID
    decided_at: datetime
    closed_at: datetime | None
    close_note: str


@dataclass(frozen=True)
class DeviceSummary:
    """What the scheme year recorded (all zero when it was not seeded)."""

    people: int = 0
    carers: int = 0
    waited: int = 0
    tablets: int = 0
    items: int = 0
    kits: int = 0
    loans: int = 0
    handed_over: int = 0
    gifts: int = 0
    returned: int = 0
    reissued: int = 0
    converted: int = 0
    lost: int = 0
    stolen: int = 0
    damaged: int = 0
    cancelled: int = 0
    extended: int = 0
    sessions: int = 0
    tickets: int = 0


def covers(start: date, end: date, today: date) -> bool:
    """Whether a seed window holds the whole scheme year, and the year is over."""
    return start <= STARTS and min(end, today - timedelta(days=1)) >= ENDS


def seed_devices(
    app: LacApplication,
    candidates: Sequence[DeviceCandidate],
    users: Mapping[str, UUID],
    *,
    seed: int,
    start: date,
    end: date,
    now: datetime,
    used: set[str],
) -> DeviceSummary:
    """Run the scheme year for ``candidates``; ``used`` holds the NHS numbers already drawn."""
    if not covers(start, end, now.date()) or exists(app, scheme_id(YEAR)):
        return DeviceSummary()
    officer = users[v.DEVICE_OFFICER]
    members = _members(candidates, seed)
    members += _carers(app, candidates, members, seed, used)
    clerk = Clerk(app)
    clerk.on(STARTS - timedelta(days=14))
    clerk.open_scheme(YEAR, STARTS, ENDS, users["admin"], capacity=CAPACITY)
    counts: Counter[str] = Counter()
    agenda = Agenda(clerk, min(ENDS, now.date()))
    stock = Stock(clerk, agenda, random.Random(f"lac-seed-{seed}-device-stock"), officer, counts)
    year = Year(YEAR, ENDS, stock, officer, counts)
    # Bought for the places likely to be taken, before anyone knows how many will be gifts.
    tablets = min(MAX_TABLETS, max(4, round(0.8 * min(len(members), CAPACITY))))
    for days, share, model in DELIVERIES:
        batch = round(tablets * share)
        agenda.on(working_day(STARTS + timedelta(days=days)), _delivery(stock, model, batch), 0)
    for member in sorted(members, key=lambda m: m.referred_on):
        agenda.on(member.referred_on, year.refer(member), 1)
    day = STARTS
    while day <= ENDS:
        if day.weekday() < 5:
            agenda.on(day, year.allocate, 5)
        day += timedelta(days=1)
    agenda.run()
    clerk.save()
    return DeviceSummary(**{f.name: counts[f.name] for f in fields(DeviceSummary)})


def _delivery(stock: Stock, model: int, tablets: int) -> Action:
    return lambda day: stock.deliver(day, n.MODELS[model], tablets, ceil(tablets / 20))


def _members(candidates: Sequence[DeviceCandidate], seed: int) -> list[Member]:
    """The accepted device referrals that fall in the scheme year."""
    found = []
    for c in candidates:
        rng = random.Random(f"lac-seed-{seed}-devices-{c.person_id}")
        decided = c.decided_at.date()
        on = (
            working_day(STARTS + timedelta(days=rng.randint(0, 9))) if decided < STARTS else decided
        )
        until = c.closed_at.date() if c.closed_at is not None else ENDS
        if on > ENDS - timedelta(days=30) or until < on + timedelta(days=30):
            continue
        need = Need.COVID_ACCESS if rng.random() < 0.55 else Need.DIGITAL_EXCLUSION
        note = c.close_note if c.closed_at is not None else None
        plan = _plan(rng)
        if CLOSE_ENDINGS.get(note or "") is LoanStatus.RETURNED:  # closed when it came back
            plan = {ItemKind.TABLET: Provision.LOAN}
        found.append(
            Member(
                c.person_id,
                c.referral_id,
                c.social_worker,
                on,
                min(until, ENDS),
                need,
                Recipient.VULNERABLE_ADULT,
                plan,
                _care_plan_ref(rng, on),
                rng,
                close_note=note,
            )
        )
    return found


def _plan(rng: random.Random) -> dict[ItemKind, Provision]:
    if rng.random() < GIFT_SHARE:
        return {ItemKind.TABLET: Provision.GIFT}
    if rng.random() < 0.1:
        return {ItemKind.TABLET: Provision.LOAN, ItemKind.CASE: Provision.GIFT}
    return {ItemKind.TABLET: Provision.LOAN}


def _care_plan_ref(rng: random.Random, on: date) -> str:
    return f"CSP-{on.year}-{rng.randrange(10_000, 100_000)}"


def _carers(
    app: LacApplication,
    candidates: Sequence[DeviceCandidate],
    members: list[Member],
    seed: int,
    used: set[str],
) -> list[Member]:
    """Carers in the same home as some of the members, registered by their social worker."""
    details = {c.person_id: c.details for c in candidates}
    spare = random.Random(f"lac-seed-{seed}-devices-spare-nhs-numbers")
    carers = []
    for cared_for in members:
        rng = random.Random(f"lac-seed-{seed}-devices-carer-{cared_for.person_id}")
        if rng.random() >= CARER_SHARE:
            continue
        on = working_day(cared_for.referred_on + timedelta(days=rng.randint(0, 21)))
        if on > ENDS - timedelta(days=30):
            continue
        home = details[cared_for.person_id]
        at = datetime.combine(on, time(9, tzinfo=UTC))
        person = v.pick_person(rng, home.district, home.lsoa_code or "", at, adult=True, used=used)
        surname = home.name.split()[-1] if rng.random() < 0.7 else person.name.split()[-1]
        person = replace(
            person,
            name=f"{person.name.split()[0]} {surname}",
            postcode=home.postcode,
            address=home.address,
        )
        carer = Member(
            new_id(rng),
            new_id(rng),
            cared_for.social_worker,
            on,
            ENDS,
            Need.CARER_SUPPORT,
            Recipient.CARER,
            _plan(rng),
            _care_plan_ref(rng, on),
            rng,
            cares_for=cared_for.person_id,
            reason=rng.choice(n.CARER_REASONS),
        )
        _register(app, person, carer, at, spare, used)
        carers.append(carer)
    return carers


def _register(
    app: LacApplication,
    details: PersonDetails,
    carer: Member,
    at: datetime,
    spare: random.Random,
    used: set[str],
) -> None:
    while not exists(app, carer.person_id):
        try:
            app.register_person(
                details, carer.social_worker, person_id=carer.person_id, occurred_at=at
            )
        except DuplicatePerson:
            details = replace(details, nhs_number=v.pick_nhs_number(spare, used))
