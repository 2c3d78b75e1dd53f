"""The synthetic population seed: people, referrals and users."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api import accounts
from api.accounts import list_users
from api.roles import Role
from domain.nhs_number import normalise_nhs_number
from domain.reference import NOTTINGHAMSHIRE_DISTRICTS
from projections.imd import load_imd, lsoas_in_districts
from tests.api.seed_helpers import (
    END,
    START,
    MakeRuntime,
    by_type,
    casework_events,
    needs_imd,
    notts_imd_file,
    population,
    referral_rows,
    runtime_factory,
    seeded,
)
from workers.runtime import Runtime
from workers.seed import SeedError, SeedSummary, seed_population
from workers.seed_casework import CaseworkSummary

pytestmark = needs_imd


@pytest.fixture(scope="module")
def notts_imd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return notts_imd_file(tmp_path_factory)


@pytest.fixture(scope="module")
def make_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeRuntime]:
    yield from runtime_factory(tmp_path_factory)


@pytest.fixture(scope="module")
def first(make_runtime: MakeRuntime, notts_imd: Path) -> tuple[Runtime, SeedSummary]:
    return seeded(make_runtime, notts_imd, 7)


# the synthetic population ---------------------------------------------------------------


def test_seeding_needs_the_deprivation_data(make_runtime: MakeRuntime) -> None:
    with pytest.raises(SeedError, match="lac imd load"):
        seed_population(make_runtime(), people=5, seed=1, start=START, end=END, accounts=accounts)


def test_the_same_seed_gives_the_same_population(
    make_runtime: MakeRuntime, notts_imd: Path, first: tuple[Runtime, SeedSummary]
) -> None:
    runtime, summary = first
    again, again_summary = seeded(make_runtime, notts_imd, 7)
    assert summary == again_summary
    assert summary.people == summary.referrals == 60
    assert population(runtime) == population(again)
    assert len(population(runtime)) == 60
    statuses = sorted((r.id, r.status, r.received_at) for r in referral_rows(runtime))
    assert statuses == sorted((r.id, r.status, r.received_at) for r in referral_rows(again))


def test_another_seed_gives_another_population(
    make_runtime: MakeRuntime, notts_imd: Path, first: tuple[Runtime, SeedSummary]
) -> None:
    other, _ = seeded(make_runtime, notts_imd, 8)
    assert population(other) != population(first[0])
    names = {row[0] for row in population(first[0])}
    assert names != {row[0] for row in population(other)}


def test_seeded_people_are_valid_and_live_in_their_district(
    first: tuple[Runtime, SeedSummary],
) -> None:
    runtime, _ = first
    rows = population(runtime)
    numbers = [nhs for _, nhs, _, _ in rows if nhs]
    assert len(numbers) >= 45
    assert all(normalise_nhs_number(n) == n and n.startswith("999") for n in numbers)
    assert len(set(numbers)) == len(numbers)
    district_of = {
        r.lsoa_code: r.district_name
        for r in lsoas_in_districts(runtime.engine, NOTTINGHAMSHIRE_DISTRICTS)
    }
    assert all(district_of[lsoa] == district for _, _, lsoa, district in rows)
    assert len({district for *_, district in rows}) >= 5
    person_id = runtime.app.find_by_nhs_number(numbers[0])
    assert person_id is not None
    assert runtime.app.get_person(person_id).nhs_number == numbers[0]


def test_nothing_is_dated_in_the_future_and_decisions_follow_referrals(
    first: tuple[Runtime, SeedSummary],
) -> None:
    runtime, summary = first
    now = datetime.now(UTC)
    rows = referral_rows(runtime)
    assert summary.first_date is not None and summary.last_date is not None
    assert START <= summary.first_date <= summary.last_date <= END
    for row in rows:
        assert START <= row.received_at.date() <= END
        assert row.date_of_birth < row.received_at.date()
        if row.decided_at is not None:
            assert row.received_at < row.decided_at <= now
        if row.closed_at is not None:
            assert row.decided_at < row.closed_at <= now
    statuses = Counter(r.status for r in rows)
    assert statuses["accepted"] + statuses["closed"] > 30
    assert set(statuses) <= {"received", "accepted", "declined", "redirected", "closed"}


def test_referrals_are_decided_by_the_right_people(first: tuple[Runtime, SeedSummary]) -> None:
    runtime, summary = first
    assert summary.users == 12
    users = {u.id: u for u in list_users(runtime.engine)}
    by_name = {u.username: u for u in users.values()}
    assert by_name["coordinator.mansfield"].role is Role.COORDINATOR
    assert by_name["coordinator.newark-and-sherwood"].role is Role.COORDINATOR
    assert by_name["device.officer"].role is Role.DEVICE_OFFICER
    for row in referral_rows(runtime):
        if row.decided_by is None:
            continue
        decider = users[row.decided_by]
        if row.programme == "devices":
            assert decider.username == "device.officer"
            assert users[row.referred_by].role is Role.SOCIAL_WORKER
        else:
            assert decider.full_name == f"{row.district} Coordinator"
        if row.coordinator_id is not None:
            assert row.coordinator_id == row.decided_by


def test_seeding_again_with_the_same_seed_adds_nobody(first: tuple[Runtime, SeedSummary]) -> None:
    runtime, _ = first
    position = runtime.app.log_position()
    done: list[int] = []
    summary = seed_population(
        runtime, people=60, seed=7, start=START, end=END, accounts=accounts, progress=done.append
    )
    assert (summary.people, summary.users) == (0, 0)
    assert summary.casework == CaseworkSummary()
    assert runtime.app.log_position() == position
    assert done == list(range(1, 61))
    runtime.catch_up()
    assert len(population(runtime)) == 60


def test_a_window_ending_in_the_future_records_nothing_after_now(
    make_runtime: MakeRuntime, notts_imd: Path
) -> None:
    runtime = make_runtime()
    load_imd(runtime.engine, notts_imd)
    today = datetime.now(UTC).date()
    summary = seed_population(
        runtime,
        people=40,
        seed=3,
        start=today - timedelta(days=10),
        end=today + timedelta(days=30),
        accounts=accounts,
    )
    assert summary.last_date is not None and summary.last_date <= today
    runtime.catch_up()
    now = datetime.now(UTC)
    for row in referral_rows(runtime):
        assert row.received_at <= now
        assert row.decided_at is None or row.decided_at <= now
        assert row.closed_at is None or row.closed_at <= now
    events = casework_events(runtime)
    assert by_type(events, "SupportContact.Logged")  # some were accepted days ago
    for event in events:
        assert getattr(event, "occurred_at", now) <= now
        assert getattr(event, "contact_at", now) <= now
        for name in ("taken_on", "occurred_on", "verified_on"):
            assert getattr(event, name, today) <= today
