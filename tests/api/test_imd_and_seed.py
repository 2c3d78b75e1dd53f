"""Deprivation reference data (the official IMD 2019 files) and the synthetic population seed."""

from __future__ import annotations

import csv
import gzip
import hashlib
import math
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api import accounts
from api.accounts import list_users, service_metadata
from api.roles import Role
from domain.nhs_number import normalise_nhs_number
from domain.reference import NOTTINGHAMSHIRE_DISTRICTS
from projections.db import create_tables
from projections.imd import (
    DEFAULT_EDITION,
    LsoaDeprivation,
    imd_edition,
    load_imd,
    load_imd_if_configured,
    lsoas_in_districts,
    read_imd_file,
    read_population_file,
)
from projections.tables import people, referrals
from workers import seed_devices
from workers.runtime import Runtime
from workers.seed import SeedError, SeedSummary, seed_population
from workers.seed_casework import HORIZON, CaseworkSummary
from workers.seed_devices import DeviceSummary
from workers.settings import Settings

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "imd2019"
IMD = DATA / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
POPULATION = DATA / "File_6_-_IoD2019_Population_Denominators.csv.gz"
START, END = date(2022, 4, 1), date(2023, 3, 31)

pytestmark = pytest.mark.skipif(
    not IMD.exists(), reason=f"the IMD 2019 reference files are not in {DATA}"
)

MakeRuntime = Callable[..., Runtime]


@pytest.fixture(scope="module")
def imd_rows() -> list[LsoaDeprivation]:
    return read_imd_file(IMD)


@pytest.fixture(scope="module")
def notts_imd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Nottinghamshire's rows as plain (not gzipped) CSV, quoted exactly as published."""
    path = tmp_path_factory.mktemp("imd") / "notts_imd.csv"
    with gzip.open(IMD, "rt", encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    with path.open("w", encoding="utf-8-sig", newline="") as target:
        writer = csv.writer(target, lineterminator="\r\n")
        writer.writerow(rows[0])
        writer.writerows(r for r in rows[1:] if r[3] in NOTTINGHAMSHIRE_DISTRICTS)
    return path


@pytest.fixture(scope="module")
def make_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeRuntime]:
    made: list[Runtime] = []

    def make(**settings: Any) -> Runtime:
        data_dir = tmp_path_factory.mktemp("lac")
        runtime = Runtime(
            Settings(
                data_dir=data_dir,
                secret_key="x" * 40,
                database_url=None,
                redis_url=None,
                **{"imd_file": None, "population_file": None, **settings},
            )
        )
        service_metadata.create_all(runtime.engine)
        create_tables(runtime.engine)
        made.append(runtime)
        return runtime

    yield make
    for runtime in made:
        runtime.close()


def seeded(make_runtime: MakeRuntime, notts_imd: Path, seed: int) -> tuple[Runtime, SeedSummary]:
    runtime = make_runtime()
    load_imd(runtime.engine, notts_imd, POPULATION)
    summary = seed_population(
        runtime, people=60, seed=seed, start=START, end=END, accounts=accounts
    )
    runtime.catch_up()
    return runtime, summary


@pytest.fixture(scope="module")
def first(make_runtime: MakeRuntime, notts_imd: Path) -> tuple[Runtime, SeedSummary]:
    return seeded(make_runtime, notts_imd, 7)


def population(runtime: Runtime) -> list[tuple[Any, ...]]:
    query = select(people.c.name, people.c.nhs_number, people.c.lsoa_code, people.c.district)
    with runtime.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(query.order_by(people.c.registered_at))]


def referral_rows(runtime: Runtime) -> list[Any]:
    query = select(referrals, people.c.district, people.c.date_of_birth).join(
        people, people.c.id == referrals.c.person_id
    )
    with runtime.engine.connect() as conn:
        return list(conn.execute(query))


# reading the official files -------------------------------------------------------------


def test_the_imd_file_holds_every_lsoa_in_england(imd_rows: list[LsoaDeprivation]) -> None:
    assert len(imd_rows) == 32_844
    notts = Counter(
        r.district_name for r in imd_rows if r.district_name in NOTTINGHAMSHIRE_DISTRICTS
    )
    assert sum(notts.values()) == 497
    assert set(notts) == set(NOTTINGHAMSHIRE_DISTRICTS)
    assert notts["Mansfield"] == 67


def test_ranks_quoted_with_thousands_separators_are_numbers(
    imd_rows: list[LsoaDeprivation],
) -> None:
    city = imd_rows[0]
    assert (city.lsoa_code, city.lsoa_name) == ("E01000001", "City of London 001A")
    assert (city.district_code, city.district_name) == ("E09000001", "City of London")
    assert (city.imd_rank, city.imd_decile) == (29_199, 9)
    ranks = [r.imd_rank for r in imd_rows]
    assert (min(ranks), max(ranks)) == (1, 32_844)  # a few equal scores share a rank
    assert sum(rank > 999 for rank in ranks) > 31_000  # all of these were quoted "1,000" on


def test_quintile_is_the_decile_halved_and_rounded_up(imd_rows: list[LsoaDeprivation]) -> None:
    assert all(r.quintile == math.ceil(r.imd_decile / 2) for r in imd_rows)
    lsoa = imd_rows[0]
    quintiles = [
        LsoaDeprivation(**{**_fields(lsoa), "imd_decile": d}).quintile for d in range(1, 11)
    ]
    assert quintiles == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def _fields(lsoa: LsoaDeprivation) -> dict[str, Any]:
    return {name: getattr(lsoa, name) for name in LsoaDeprivation.__dataclass_fields__}


def test_population_file_gives_each_lsoa_its_mid_2015_population() -> None:
    found = read_population_file(POPULATION)
    assert len(found) == 32_844
    assert found["E01000001"] == 1296
    assert all(value > 0 for value in found.values())


def test_plain_csv_reads_like_the_gzipped_file(notts_imd: Path) -> None:
    rows = read_imd_file(notts_imd)
    assert len(rows) == 497
    assert {r.district_name for r in rows} == set(NOTTINGHAMSHIRE_DISTRICTS)


def test_a_file_of_another_shape_is_refused_naming_the_missing_column(tmp_path: Path) -> None:
    with pytest.raises(
        ValueError, match=r"missing column 'Index of Multiple Deprivation \(IMD\) Rank'"
    ) as error:
        read_imd_file(POPULATION)
    assert POPULATION.name in str(error.value)
    bad = tmp_path / "bad.csv"
    bad.write_text("LSOA code (2011),Total population\nE01000001,1296\n")
    with pytest.raises(ValueError, match=r"bad\.csv: missing column 'LSOA name"):
        read_imd_file(bad)
    with pytest.raises(ValueError, match="missing column 'Total population"):
        read_population_file(IMD)


def test_bad_values_are_refused_with_the_line(tmp_path: Path) -> None:
    header = (
        "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
        "Local Authority District name (2019),Index of Multiple Deprivation (IMD) Rank,"
        "Index of Multiple Deprivation (IMD) Decile\n"
    )
    path = tmp_path / "imd.csv"
    path.write_text(
        header + 'E01000001,A,E09000001,City,"29,199",9\nE01000002,B,E09000001,City,n/a,9\n'
    )
    with pytest.raises(ValueError, match="line 3: IMD Rank is not a number: 'n/a'"):
        read_imd_file(path)
    path.write_text(header + "E01000001,A,E09000001,City,5,11\n")
    with pytest.raises(ValueError, match="line 2: IMD Decile 11 is not 1-10"):
        read_imd_file(path)
    path.write_text(header + "W01000001,A,W06000001,Anglesey,5,1\n")
    with pytest.raises(ValueError, match="line 2: 'W01000001' is not an English LSOA code"):
        read_imd_file(path)
    path.write_text(header)
    with pytest.raises(ValueError, match="no LSOA rows"):
        read_imd_file(path)
    path.write_bytes(header.encode() + b"E01000001,Caf\xe9,E09000001,City,5,1\n")
    with pytest.raises(ValueError, match="not a UTF-8 CSV file"):
        read_imd_file(path)


# the reference table --------------------------------------------------------------------


def test_load_imd_replaces_the_table_and_districts_filter_it(make_runtime: MakeRuntime) -> None:
    runtime = make_runtime()
    assert imd_edition(runtime.engine) is None
    assert load_imd(runtime.engine, IMD, POPULATION) == 32_844
    assert imd_edition(runtime.engine) == DEFAULT_EDITION
    mansfield = lsoas_in_districts(runtime.engine, ["Mansfield"])
    assert len(mansfield) == 67
    assert {r.district_name for r in mansfield} == {"Mansfield"}
    assert all(r.population and r.population > 500 for r in mansfield)
    assert len(lsoas_in_districts(runtime.engine, NOTTINGHAMSHIRE_DISTRICTS)) == 497
    by_code = lsoas_in_districts(runtime.engine, [mansfield[0].district_code])
    assert by_code == mansfield

    assert load_imd(runtime.engine, IMD, edition="IoD 2019 (reloaded)") == 32_844
    assert imd_edition(runtime.engine) == "IoD 2019 (reloaded)"
    assert lsoas_in_districts(runtime.engine, ["Mansfield"])[0].population is None


def test_load_imd_if_configured_loads_once(make_runtime: MakeRuntime) -> None:
    assert load_imd_if_configured(make_runtime()) == 0
    runtime = make_runtime(imd_file=IMD, population_file=POPULATION)
    assert load_imd_if_configured(runtime) == 32_844
    assert load_imd_if_configured(runtime) == 0
    assert len(lsoas_in_districts(runtime.engine, ["Gedling"])) == 77


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


# the casework seeded for accepted LAC referrals -----------------------------------------

CASEWORK = ("Involvement.", "SupportContact.", "AssetConnection.", "CommunityAsset.", "Community")
DATES = ("occurred_at", "contact_at", "taken_on", "occurred_on", "verified_on", "due_on")
END_OF_TIME = datetime.max.replace(tzinfo=UTC)


def casework_events(runtime: Runtime) -> list[Any]:
    """Every casework event in the log, in log order, read back through the application."""
    app, found, start = runtime.app, [], 1
    while batch := app.recorder.select_notifications(start=start, limit=1000):
        for notification in batch:
            event = app.mapper.to_domain_event(notification)
            if type(event).__qualname__.startswith(CASEWORK):
                found.append(event)
        start = batch[-1].id + 1
    return found


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


def by_type(events: list[Any], name: str) -> list[Any]:
    return [e for e in events if type(e).__qualname__ == name]


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


# the device scheme year -----------------------------------------------------------------

DEVICES = ("StockItem.", "ImeiClaim.", "Kit.", "Loan.", "Scheme.")
SCHEME_WINDOW = (date(2021, 5, 1), date(2022, 6, 30))
SMALL_CAPACITY = 10  # small enough for a waiting list from this population


def seeded_year(make_runtime: MakeRuntime, notts_imd: Path) -> tuple[Runtime, SeedSummary]:
    """A population whose window covers the 2021-22 scheme year, with a small capacity."""
    runtime = make_runtime()
    load_imd(runtime.engine, notts_imd, POPULATION)
    start, end = SCHEME_WINDOW
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(seed_devices, "CAPACITY", SMALL_CAPACITY)
        summary = seed_population(
            runtime, people=300, seed=7, start=start, end=end, accounts=accounts
        )
    runtime.catch_up()
    return runtime, summary


@pytest.fixture(scope="module")
def year(make_runtime: MakeRuntime, notts_imd: Path) -> tuple[Runtime, SeedSummary]:
    return seeded_year(make_runtime, notts_imd)


def device_events(runtime: Runtime) -> list[Any]:
    """Every device scheme event in the log, read back through the application."""
    app, found, start = runtime.app, [], 1
    while batch := app.recorder.select_notifications(start=start, limit=1000):
        found += [
            app.mapper.to_domain_event(n)
            for n in batch
            if n.topic.startswith(("domain.stock:", "domain.loan:", "domain.scheme:"))
        ]
        start = batch[-1].id + 1
    return found


def scheme_digest(runtime: Runtime) -> str:
    """A digest of every device event's record, type and fields (but who and when it was
    recorded: users' ids differ between stores), in log order."""
    rows = []
    for e in device_events(runtime):
        fields = {k: v for k, v in vars(e).items() if k not in ("timestamp", "actor_id")}
        rows.append((type(e).__qualname__, sorted((k, repr(v)) for k, v in fields.items())))
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_a_window_without_the_whole_scheme_year_seeds_no_devices(
    first: tuple[Runtime, SeedSummary],
) -> None:
    runtime, summary = first
    assert summary.devices == DeviceSummary()
    assert device_events(runtime) == []
    assert not seed_devices.covers(date(2021, 6, 2), date(2023, 1, 1), date(2024, 1, 1))
    assert not seed_devices.covers(date(2021, 1, 1), date(2023, 1, 1), date(2022, 5, 31))
    assert seed_devices.covers(date(2021, 6, 1), date(2022, 5, 31), date(2022, 6, 1))


def test_the_same_seed_gives_the_same_scheme_year(
    make_runtime: MakeRuntime, notts_imd: Path, year: tuple[Runtime, SeedSummary]
) -> None:
    runtime, summary = year
    again, again_summary = seeded_year(make_runtime, notts_imd)
    assert summary.devices == again_summary.devices
    assert scheme_digest(runtime) == scheme_digest(again)
    devices = summary.devices
    assert devices.people > SMALL_CAPACITY and devices.carers >= 1 and devices.waited >= 1
    assert devices.handed_over >= devices.tablets and devices.sessions >= devices.handed_over
    assert devices.returned >= 1 and devices.reissued >= 1 and devices.gifts >= 1


def test_the_scheme_year_is_dated_within_the_year_and_never_in_the_future(
    year: tuple[Runtime, SeedSummary],
) -> None:
    runtime, _ = year
    starts, ends = seed_devices.STARTS, min(seed_devices.ENDS, datetime.now(UTC).date())
    opened = device_events(runtime)[0]
    assert type(opened).__qualname__ == "Scheme.Opened"
    assert (opened.year, opened.starts_on, opened.ends_on) == ("2021-22", starts, ends)
    assert opened.capacity == SMALL_CAPACITY and seed_devices.CAPACITY == 300
    assert sum(opened.budget.values()) == 205_500
    for event in device_events(runtime)[1:]:
        details = getattr(event, "details", {})
        for name in ("on", "reserved_on", "due_on", "received_on", "starts_on"):
            value = getattr(event, name, None) or details.get(name)
            if value is not None:
                assert starts <= value <= ends, (event, name)
        if "expires_on" in details:
            assert details["expires_on"] > details["starts_on"]
    now = datetime.now(UTC)
    for row in referral_rows(runtime):
        assert row.received_at <= now and (row.decided_at is None or row.decided_at <= now)


def test_capacity_is_respected_and_the_waiting_list_kept_in_order(
    year: tuple[Runtime, SeedSummary],
) -> None:
    runtime, summary = year
    events = device_events(runtime)
    enrolled: dict[Any, date] = {}
    waiting: list[Any] = []
    for event in (e for e in events if type(e).__qualname__.startswith("Scheme.")):
        name = type(event).__qualname__
        if name == "Scheme.PersonReferred":
            full = len(enrolled) >= SMALL_CAPACITY
            assert event.status.value == ("waiting" if full else "enrolled")
            if full:
                waiting.append(event.person_id)
            else:
                enrolled[event.person_id] = event.on
        elif name == "Scheme.PlaceTaken":
            assert event.person_id == waiting.pop(0)
            enrolled[event.person_id] = event.on
        elif name == "Scheme.PlaceLeft":
            enrolled.pop(event.person_id)
        assert len(enrolled) <= SMALL_CAPACITY
    assert summary.devices.waited == len(waiting) + len(by_type(events, "Scheme.PlaceTaken"))
    placed: dict[Any, date] = {}
    for event in events:
        name = type(event).__qualname__
        took = name == "Scheme.PlaceTaken"
        if took or (name == "Scheme.PersonReferred" and event.status.value == "enrolled"):
            placed.setdefault(event.person_id, event.on)
    for loan in by_type(events, "Loan.Reserved"):
        assert placed[loan.person_id] <= loan.reserved_on


def test_every_tablet_is_wiped_before_each_reissue(year: tuple[Runtime, SeedSummary]) -> None:
    runtime, summary = year
    steps: dict[Any, list[str]] = {}
    for event in by_type(device_events(runtime), "StockItem.Stepped"):
        steps.setdefault(event.originator_id, []).append(event.step)
    tablets = {i for i, s in steps.items() if runtime.app.get_item(i).kind.value == "tablet"}
    reissued = 0
    for tablet in tablets:
        wiped = True
        for step in steps[tablet]:
            if step in ("return", "repaired"):
                wiped = False
            elif step == "wipe":
                wiped = True
            elif step == "reserve":
                assert wiped, (tablet, steps[tablet])
        reissued += max(0, steps[tablet].count("issue") - 1)
    assert reissued >= 1 and summary.devices.reissued >= reissued


def test_stock_counts_are_consistent(year: tuple[Runtime, SeedSummary]) -> None:
    runtime, summary = year
    app, events, devices = runtime.app, device_events(runtime), summary.devices
    received = by_type(events, "StockItem.Received")
    kinds = Counter(e.kind.value for e in received)
    assert len(received) == devices.items and kinds["tablet"] == kinds["sim"] == devices.tablets
    assert kinds["charger"] >= devices.tablets and kinds["case"] >= devices.tablets
    assert len(by_type(events, "ImeiClaim.Claimed")) == devices.tablets
    assert len({e.details["imei"] for e in received if e.kind.value == "tablet"}) == devices.tablets
    ended = Counter(e.status.value for e in by_type(events, "Loan.Ended"))
    assert ended == +Counter(
        returned=devices.returned,
        gifted=devices.converted,
        lost=devices.lost,
        stolen=devices.stolen,
        damaged=devices.damaged,
        cancelled=devices.cancelled,
    )
    reserved = by_type(events, "Loan.Reserved")
    assert len(reserved) == devices.loans
    assert len(by_type(events, "Loan.HandedOver")) == devices.handed_over
    assert len(by_type(events, "Loan.SessionRecorded")) == devices.sessions
    assert len(by_type(events, "Kit.Assembled")) == devices.kits
    in_kits: Counter[Any] = Counter()
    for kit_event in by_type(events, "Kit.Assembled"):
        kit = app.get_kit(kit_event.originator_id)
        if not kit.dismantled:
            in_kits.update(kit.item_ids)
            assert all(app.get_item(i).kit_id == kit.id for i in kit.item_ids)
    assert max(in_kits.values()) == 1
    for loan_event in reserved:
        loan = app.get_loan(loan_event.originator_id)
        for item_id in loan.item_ids:
            item = app.get_item(item_id)
            if item.loan_id == loan.id:
                assert (loan.status.value, item.state.value) in (
                    ("reserved", "reserved"),
                    ("active", "issued"),
                )
            if item.state.value in ("issued", "reserved"):
                assert item.loan_id is not None
    # Every lent item of a kit lost or stolen is lost or stolen (missing accessories are lost).
    lent = Counter[str]()
    for loan_event in reserved:
        loan = app.get_loan(loan_event.originator_id)
        if loan.status.value in ("lost", "stolen"):
            lent[loan.status.value] += sum(p.value == "loan" for p in loan.provisions.values())
    states = Counter(app.get_item(e.originator_id).state.value for e in received)
    assert states["lost"] >= lent["lost"] and states["stolen"] == lent["stolen"]
    assert states["lost"] + states["stolen"] >= devices.lost + devices.stolen


def test_carers_live_with_whom_they_care_for(year: tuple[Runtime, SeedSummary]) -> None:
    runtime, summary = year
    app = runtime.app
    carers = [
        e
        for e in by_type(device_events(runtime), "Scheme.PersonReferred")
        if e.recipient.value == "carer"
    ]
    assert len(carers) == summary.devices.carers >= 1
    for event in carers:
        carer, cared_for = app.get_person(event.person_id), app.get_person(event.cares_for_id)
        assert carer.cares_for_id == cared_for.id
        for field_name in ("postcode", "address"):
            assert carer.personal[field_name] == cared_for.personal[field_name]
        referral = app.get_referral(event.referral_id)
        assert (referral.programme.value, referral.status.value) == ("devices", "accepted")
        assert event.need.value == "carer_support" and event.care_plan_ref.startswith("CSP-")


def test_seeding_the_scheme_year_again_records_nothing(year: tuple[Runtime, SeedSummary]) -> None:
    runtime, _ = year
    position = runtime.app.log_position()
    start, end = SCHEME_WINDOW
    summary = seed_population(runtime, people=300, seed=7, start=start, end=end, accounts=accounts)
    assert summary.devices == DeviceSummary() and summary.people == 0
    assert runtime.app.log_position() == position
