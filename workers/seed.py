"""A deterministic synthetic population: people, their referrals and what became of them.

The same arguments give the same people (names, NHS numbers, LSOAs, dates, statuses and record
ids), so demonstrations, training and load tests are reproducible. Every record goes through
the application's own commands, back-dated with ``occurred_at``, exactly as a migration would.
Seeding again with the same seed into the same store records nothing new: each person is
looked up first and only the missing steps are recorded, so an interrupted run can be resumed.

Accepted LAC referrals then get casework (``seed_casework``): contacts, goals, connections to
a small assets directory per district, outcomes and wellbeing measures, dated after acceptance.
When the window covers the device scheme's 2021-22 trial year, the accepted device referrals
(and some carers in the same home) go through that year (``seed_devices``).

Seed users (created when missing, all with the same password): ``coordinator.<district>`` for
each district (e.g. ``coordinator.mansfield``, with that district as their team district),
``social.worker1``, ``social.worker2``, ``device.officer``, ``evaluator`` and ``admin``.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Engine

from domain.application import LacApplication
from domain.consent import ConsentHow, ConsentScope
from domain.errors import DuplicatePerson, RecordNotFound
from domain.person import PersonDetails
from domain.reference import Programme, ReferralSource, ReferralStatus
from domain.referral import DECIDED
from projections.imd import LsoaDeprivation, lsoa_count, lsoas_in_districts
from workers import seed_names as v
from workers.runtime import Runtime
from workers.seed_casework import Accepted, CaseworkSummary, seed_casework
from workers.seed_devices import DeviceCandidate, DeviceSummary, seed_devices

DEFAULT_PASSWORD = "demo-password-123"
DEVICE_SHARE = 0.10
OUTCOMES = (
    (ReferralStatus.ACCEPTED, 75.0),
    (ReferralStatus.DECLINED, 10.0),
    (ReferralStatus.REDIRECTED, 8.0),
    (ReferralStatus.RECEIVED, 7.0),
)
CLOSED_SHARE = 0.5
WORKING_DAY = (8 * 3600, 18 * 3600)


class SeedError(RuntimeError):
    """Seeding cannot start (e.g. no deprivation reference data loaded)."""


@dataclass(frozen=True)
class SeedSummary:
    """What a run recorded: new people and referrals, users created, received-date range,
    the casework recorded for accepted LAC referrals and the device scheme year."""

    people: int
    referrals: int
    users: int
    first_date: date | None
    last_date: date | None
    casework: CaseworkSummary = field(default_factory=CaseworkSummary)
    devices: DeviceSummary = field(default_factory=DeviceSummary)


@dataclass(frozen=True)
class _Plan:
    """Everything about one synthetic person and their referral, decided before recording."""

    details: PersonDetails
    person_id: UUID
    referral_id: UUID
    programme: Programme
    source: ReferralSource
    referrer: str | None
    reasons: list[str]
    consent: bool
    recorded_by: str
    decided_by: str
    received_at: datetime
    outcome: ReferralStatus
    decided_at: datetime
    decision: str
    closed_at: datetime | None
    close_note: str


class Accounts(Protocol):
    """Where users are kept. The ``api.accounts`` module is one: pass the module itself.

    Workers do not import the web API, so the caller hands its user accounts in.
    """

    def list_users(self, engine: Engine) -> Sequence[Any]:
        """Every user, each with ``username`` and ``id``."""
        ...

    def add_user(
        self,
        engine: Engine,
        username: str,
        full_name: str,
        role: Any,
        password: str,
        district: str | None = None,
    ) -> Any:
        """Add a user (``role`` a role value such as "coordinator", ``district`` a
        coordinator's team district); returns it, with ``id``."""
        ...


def ensure_users(
    accounts: Accounts, engine: Engine, wanted: list[v.SeedUser], password: str
) -> tuple[dict[str, UUID], int]:
    """Ids of the wanted users by username, adding those missing; returns (ids, how many added)."""
    ids: dict[str, UUID] = {u.username: u.id for u in accounts.list_users(engine)}
    added = 0
    for username, full_name, role, district in wanted:
        if username not in ids:
            user = accounts.add_user(engine, username, full_name, role, password, district=district)
            ids[username] = user.id
            added += 1
    return ids, added


def seed_population(
    runtime: Runtime,
    *,
    people: int,
    seed: int,
    start: date,
    end: date,
    accounts: Accounts,
    progress: Callable[[int], None] | None = None,
    password: str = DEFAULT_PASSWORD,
) -> SeedSummary:
    """Record ``people`` synthetic people, each with one referral received in [start, end].

    ``accounts`` keeps the seed users (pass ``api.accounts``; its tables must exist).
    ``progress`` is called with the number of people done so far after each one.
    """
    now = datetime.now(UTC)
    if people < 0:
        raise ValueError("people must not be negative")
    if start > end:
        raise ValueError(f"start ({start}) is after end ({end})")
    if start > now.date():
        raise ValueError(f"start ({start}) is in the future")
    lsoas = _lsoas_by_district(runtime)
    wanted = v.seed_users(runtime.settings.districts)
    ids, added = ensure_users(accounts, runtime.engine, wanted, password)
    rng = random.Random(seed)
    plans = _plans(rng, lsoas, people, start, min(end, now.date()), now)
    spare = random.Random(f"lac-seed-{seed}-spare-nhs-numbers")
    used = {p.details.nhs_number for p in plans if p.details.nhs_number}
    new_people = 0
    for done, plan in enumerate(plans, start=1):
        new_people += _record(runtime.app, plan, ids, spare, used)
        if progress is not None:
            progress(done)
    accepted = [
        Accepted(p.person_id, p.details.district, ids[p.decided_by], p.closed_at, p.close_note)
        for p in plans
        if p.programme is Programme.LAC and p.outcome is ReferralStatus.ACCEPTED
    ]
    coordinators = {d: ids[v.coordinator_username(d)] for d in runtime.settings.districts}
    casework = seed_casework(
        runtime.app, accepted, coordinators, seed=seed, start=start, end=end, now=now
    )
    candidates = [
        DeviceCandidate(
            p.person_id,
            p.referral_id,
            p.details,
            ids[p.recorded_by],
            p.decided_at,
            p.closed_at,
            p.close_note,
        )
        for p in plans
        if p.programme is Programme.DEVICES and p.outcome is ReferralStatus.ACCEPTED
    ]
    devices = seed_devices(
        runtime.app, candidates, ids, seed=seed, start=start, end=end, now=now, used=used
    )
    received = [p.received_at.date() for p in plans]
    return SeedSummary(
        people=new_people,
        referrals=new_people,
        users=added,
        first_date=min(received, default=None),
        last_date=max(received, default=None),
        casework=casework,
        devices=devices,
    )


def _lsoas_by_district(runtime: Runtime) -> dict[str, list[LsoaDeprivation]]:
    districts = runtime.settings.districts
    by_district: dict[str, list[LsoaDeprivation]] = {d: [] for d in districts}
    for lsoa in lsoas_in_districts(runtime.engine, districts):
        key = lsoa.district_name if lsoa.district_name in by_district else lsoa.district_code
        by_district[key].append(lsoa)
    found = {d: rows for d, rows in by_district.items() if rows}
    if lsoa_count(runtime.engine) == 0:
        raise SeedError(
            "no deprivation reference data: load the IMD file first with "
            "`lac imd load FILE` or set LAC_IMD_FILE"
        )
    if not found:
        raise SeedError(
            f"none of the configured districts ({', '.join(districts)}) is in the loaded "
            "IMD data: check LAC_DISTRICTS against its district names or codes"
        )
    return found


def _weight(lsoa: LsoaDeprivation) -> float:
    """People per LSOA follow its population, leaning towards the more deprived areas."""
    return (lsoa.population or 1600) * (1.55 - 0.1 * lsoa.imd_decile)


def _plans(
    rng: random.Random,
    lsoas: dict[str, list[LsoaDeprivation]],
    people: int,
    start: date,
    end: date,
    now: datetime,
) -> list[_Plan]:
    districts = list(lsoas)
    district_weights = [len(lsoas[d]) for d in districts]
    cumulative: dict[str, list[float]] = {}
    for district, rows in lsoas.items():
        total = 0.0
        cumulative[district] = [total := total + _weight(r) for r in rows]
    used: set[str] = set()
    days = (end - start).days + 1
    plans = []
    for _ in range(people):
        district = rng.choices(districts, district_weights)[0]
        rows, cum = lsoas[district], cumulative[district]
        lsoa = rows[min(bisect_left(cum, rng.random() * cum[-1]), len(rows) - 1)]
        day = start + timedelta(days=rng.randrange(days))
        received = datetime.combine(day, time(tzinfo=UTC)) + timedelta(
            seconds=rng.randrange(*WORKING_DAY)
        )
        plans.append(_plan(rng, district, lsoa, min(received, now), now, used))
    plans.sort(key=lambda p: p.received_at)
    return plans


def _plan(
    rng: random.Random,
    district: str,
    lsoa: LsoaDeprivation,
    received: datetime,
    now: datetime,
    used: set[str],
) -> _Plan:
    devices = rng.random() < DEVICE_SHARE
    programme = Programme.DEVICES if devices else Programme.LAC
    details = v.pick_person(rng, district, lsoa.lsoa_code, received, adult=devices, used=used)
    if devices:
        source = ReferralSource.SOCIAL_WORKER
        reasons = rng.sample(v.DEVICE_REASONS, rng.randint(1, 2))
    else:
        source = rng.choices([s for s, _ in v.LAC_SOURCES], [w for _, w in v.LAC_SOURCES])[0]
        reasons = rng.sample(v.LAC_REASONS, rng.choices((1, 2, 3), (50, 35, 15))[0])
    social_worker = rng.choice(v.SOCIAL_WORKERS)
    referrer = v.pick_referrer(rng, source, district)
    outcome = rng.choices([o for o, _ in OUTCOMES], [w for _, w in OUTCOMES])[0]
    max_hours = 28 * 24 if devices else 21 * 24
    decided = received + timedelta(hours=rng.randint(2, max_hours))
    decisions = v.DECLINE_REASONS if outcome is ReferralStatus.DECLINED else v.REDIRECTS
    decision = rng.choice(decisions[programme.value])
    closed = decided + timedelta(days=rng.randint(3 * 7, 40 * 7))
    close = rng.random() < CLOSED_SHARE
    close_note = rng.choice(v.CLOSE_NOTES[programme.value])
    person_id = UUID(int=rng.getrandbits(128), version=4)
    referral_id = UUID(int=rng.getrandbits(128), version=4)
    # Nothing may be dated after now: a decision or closure still to come is not recorded.
    if decided > now:
        outcome = ReferralStatus.RECEIVED
    coordinator = v.coordinator_username(district)
    social = source is ReferralSource.SOCIAL_WORKER
    return _Plan(
        details=details,
        person_id=person_id,
        referral_id=referral_id,
        programme=programme,
        source=source,
        referrer=referrer,
        reasons=reasons,
        consent=rng.random() < 0.93,
        recorded_by=social_worker if social else coordinator,
        decided_by=v.DEVICE_OFFICER if devices else coordinator,
        received_at=received,
        outcome=outcome,
        decided_at=decided,
        decision=decision,
        closed_at=closed if close and outcome in DECIDED and closed <= now else None,
        close_note=close_note if outcome is ReferralStatus.ACCEPTED else v.CLOSED_UNACCEPTED,
    )


def _record(
    app: LacApplication, plan: _Plan, ids: dict[str, UUID], spare: random.Random, used: set[str]
) -> int:
    """Record whatever of the plan is not yet recorded; returns 1 if the person is new."""
    try:
        status = app.get_referral(plan.referral_id).status
        new = 0
    except RecordNotFound:
        _register_and_refer(app, plan, ids, spare, used)
        status, new = ReferralStatus.RECEIVED, 1
    decider = ids[plan.decided_by]
    if plan.outcome is not ReferralStatus.RECEIVED and status is ReferralStatus.RECEIVED:
        when = plan.decided_at
        if plan.outcome is ReferralStatus.ACCEPTED:
            if not plan.consent and plan.programme is Programme.LAC:
                # The referrer could not say the person agreed: the coordinator asked them.
                how, lac = ConsentHow.VERBAL, ConsentScope.LAC_SUPPORT
                app.record_consent(plan.person_id, lac, how, None, decider, occurred_at=when)
            app.accept_referral(plan.referral_id, decider, decider, occurred_at=when)
        elif plan.outcome is ReferralStatus.DECLINED:
            app.decline_referral(plan.referral_id, plan.decision, decider, occurred_at=when)
        else:
            app.redirect_referral(plan.referral_id, plan.decision, None, decider, occurred_at=when)
        status = plan.outcome
    if plan.closed_at is not None and status in DECIDED:
        app.close_referral(plan.referral_id, plan.close_note, decider, occurred_at=plan.closed_at)
    return new


def _register_and_refer(
    app: LacApplication, plan: _Plan, ids: dict[str, UUID], spare: random.Random, used: set[str]
) -> None:
    details = plan.details
    while True:
        try:
            app.register_and_refer(
                details,
                plan.programme,
                plan.source,
                plan.referrer,
                plan.reasons,
                plan.consent,
                ids[plan.recorded_by],
                person_id=plan.person_id,
                referral_id=plan.referral_id,
                occurred_at=plan.received_at,
            )
            return
        except DuplicatePerson:
            # Someone already recorded holds this number (an earlier seed, say): draw another.
            details = replace(details, nhs_number=v.pick_nhs_number(spare, used))
