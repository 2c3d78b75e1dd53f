"""The casework seeded for accepted LAC referrals."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from api.accounts import list_users
from api.roles import Role
from domain.reference import NOTTINGHAMSHIRE_DISTRICTS
from tests.api.seed_helpers import (
    END,
    START,
    MakeRuntime,
    by_type,
    casework_events,
    needs_imd,
    notts_imd_file,
    referral_rows,
    runtime_factory,
    seeded,
)
from workers.runtime import Runtime
from workers.seed import SeedSummary
from workers.seed_casework import HORIZON

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


# the casework seeded for accepted LAC referrals -----------------------------------------

DATES = ("occurred_at", "contact_at", "taken_on", "occurred_on", "verified_on", "due_on")
END_OF_TIME = datetime.max.replace(tzinfo=UTC)


def casework_digest(runtime: Runtime) -> str:
    """A digest of (person or record, event type, dates) over the casework in log order."""
    rows = [
        (
            str(getattr(e, "person_id", e.originator_id)),
            type(e).__qualname__,
            *(str(getattr(e, name)) for name in DATES if hasattr(e, name)),
        )
        for e in casework_events(runtime)
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_the_same_seed_gives_the_same_casework(
    make_runtime: MakeRuntime, notts_imd: Path, first: tuple[Runtime, SeedSummary]
) -> None:
    runtime, summary = first
    again, again_summary = seeded(make_runtime, notts_imd, 7)
    assert summary.casework == again_summary.casework
    assert summary.casework.involvements > 25 and summary.casework.contacts > 100
    assert casework_digest(runtime) == casework_digest(again)
    other, _ = seeded(make_runtime, notts_imd, 8)
    assert casework_digest(other) != casework_digest(runtime)


def test_casework_is_never_dated_in_the_future_nor_before_the_opening(
    first: tuple[Runtime, SeedSummary],
) -> None:
    runtime, _ = first
    now = datetime.now(UTC)
    latest = datetime.combine(END, datetime.min.time(), UTC) + HORIZON
    events = casework_events(runtime)
    opened = {e.person_id: e.occurred_at for e in by_type(events, "Involvement.Opened")}
    accepted = {r.person_id: r.decided_at for r in referral_rows(runtime) if r.programme == "lac"}
    for event in events:
        for name in ("occurred_at", "contact_at"):
            if hasattr(event, name):
                assert getattr(event, name) <= min(now, latest), event
        for name in ("taken_on", "occurred_on", "verified_on"):
            if hasattr(event, name):
                assert getattr(event, name) <= min(now, latest).date(), event
        person = getattr(event, "person_id", None)
        if person is None:
            continue
        assert opened[person] == accepted[person]  # the acceptance opened the involvement
        assert getattr(event, "occurred_at", now) >= opened[person], event
        assert getattr(event, "contact_at", now) >= opened[person], event
        assert getattr(event, "taken_on", now.date()) >= opened[person].date(), event
    for work in by_type(events, "CommunityWork.Recorded"):
        assert work.occurred_on >= START


def test_every_contact_is_after_its_involvement_opened_and_in_order(
    first: tuple[Runtime, SeedSummary],
) -> None:
    runtime, _ = first
    events = casework_events(runtime)
    involvements = {e.person_id: e for e in by_type(events, "Involvement.Opened")}
    closed = {e.person_id: e.occurred_at for e in by_type(events, "Involvement.Closed")}
    contacts = by_type(events, "SupportContact.Logged")
    counts = Counter(c.person_id for c in contacts)
    for contact in contacts:
        opened = involvements[contact.person_id]
        assert contact.involvement_id == opened.originator_id
        assert opened.occurred_at <= contact.contact_at < closed.get(contact.person_id, END_OF_TIME)
        assert contact.district == opened.district
    assert set(counts) == set(involvements)
    assert all(1 <= n <= 15 for n in counts.values())
    assert sum(n >= 2 for n in counts.values()) >= 0.9 * len(counts)
    for person, event in involvements.items():
        dates = [
            e.occurred_at
            for e in events
            if getattr(e, "originator_id", None) == event.originator_id
        ]
        assert dates == sorted(dates), person


def test_seeded_casework_is_plausible(first: tuple[Runtime, SeedSummary]) -> None:
    runtime, summary = first
    events = casework_events(runtime)
    people = {e.person_id for e in by_type(events, "Involvement.Opened")}
    for name in ("WhatMattersRecorded", "StrengthsRecorded", "GoalSet", "NextActionSet"):
        assert {e.person_id for e in by_type(events, f"Involvement.{name}")} == people, name
    measures = by_type(events, "Involvement.MeasureRecorded")
    baselines = {e.person_id for e in measures if e.occasion.value == "baseline"}
    follow_ups = {e.person_id for e in measures if e.occasion.value == "follow_up"}
    assert follow_ups <= baselines and 0.45 <= len(baselines) / len(people) <= 0.9
    assert 0.2 <= len(follow_ups) / len(people) <= 0.7
    outcomes = by_type(events, "Involvement.OutcomeRecorded")
    assert 0.2 <= len({e.person_id for e in outcomes}) / len(people) <= 0.65
    for outcome in outcomes:
        if outcome.visits is not None:
            after = outcome.visits["gp_after"] + outcome.visits["ae_after"]
            assert after < outcome.visits["gp_before"] + outcome.visits["ae_before"]
    reasons = Counter(e.reason.value for e in by_type(events, "Involvement.Closed"))
    assert 0 < sum(reasons.values()) < len(people) and len(reasons) >= 2
    steps = Counter(
        type(e).__qualname__ for e in events if type(e).__qualname__.startswith("Asset")
    )
    assert steps["AssetConnection.Introduced"] > steps["AssetConnection.Attended"] > 0
    assert steps["AssetConnection.StillConnected"] > 0 and steps["AssetConnection.Dropped"] > 0
    assert summary.casework.measures == len(measures)
    assert summary.casework.outcomes == len(outcomes)


def test_each_district_has_an_assets_directory_and_community_work(
    first: tuple[Runtime, SeedSummary],
) -> None:
    runtime, summary = first
    events = casework_events(runtime)
    listed = by_type(events, "CommunityAsset.Listed")
    per_district = Counter(e.details["district"] for e in listed)
    assert set(per_district) == set(NOTTINGHAMSHIRE_DISTRICTS)
    assert all(8 <= n <= 15 for n in per_district.values())
    assert all(e.details["accessibility"] and e.details["last_verified_on"] for e in listed)
    names = [e.details["name"] for e in listed]
    assert len(set(names)) == len(names)
    work = by_type(events, "CommunityWork.Recorded")
    assert summary.casework.community_work == len(work)
    months = (END.year - START.year) * 12 + END.month - START.month + 1 + HORIZON.days // 31
    per_coordinator = Counter(e.actor_id for e in work)
    assert len(per_coordinator) == len(NOTTINGHAMSHIRE_DISTRICTS)
    assert all(2 * months <= n <= 4 * months for n in per_coordinator.values())


def test_coordinators_have_their_team_district(first: tuple[Runtime, SeedSummary]) -> None:
    runtime, _ = first
    users = list_users(runtime.engine)
    coordinators = {u.id: u for u in users if u.role is Role.COORDINATOR}
    assert len(coordinators) == len(NOTTINGHAMSHIRE_DISTRICTS)
    assert {u.district for u in coordinators.values()} == set(NOTTINGHAMSHIRE_DISTRICTS)
    for user in coordinators.values():
        assert user.full_name == f"{user.district} Coordinator"
    assert all(u.district is None for u in users if u.role is not Role.COORDINATOR)
    for opened in by_type(casework_events(runtime), "Involvement.Opened"):
        assert coordinators[opened.coordinator_id].district == opened.district
