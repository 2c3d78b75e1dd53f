"""The device scheme year seeded with the population."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from api import accounts
from projections.imd import load_imd
from tests.api.seed_helpers import (
    POPULATION,
    MakeRuntime,
    by_type,
    needs_imd,
    notts_imd_file,
    referral_rows,
    runtime_factory,
    seeded,
)
from workers import seed_devices
from workers.runtime import Runtime
from workers.seed import SeedSummary, seed_population
from workers.seed_devices import DeviceSummary

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
