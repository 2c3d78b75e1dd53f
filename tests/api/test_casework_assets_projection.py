"""Measures, the assets directory and community work, person records and rebuilding, from the
casework and assets read models built by the projector on SQLite."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate
from sqlalchemy import select

from domain.codes import CommunityWorkKind, OutcomeDomain
from domain.community import AssetConnection, CommunityAsset, CommunityWork
from domain.contact import SupportContact
from domain.erasure import Erasure
from domain.involvement import Involvement, involvement_id
from projections import casework_queries as q
from projections.assets import AssetsProjection
from projections.casework import CaseworkProjection
from projections.casework_tables import connections, contacts
from projections.queries import Paging
from tests.api.casework_world import BASE, FOLLOW, INTRO, ONS, STILL, A, Casework, D, S, U
from workers.runtime import Runtime


@pytest.fixture
def cw(runtime: Runtime) -> Casework:
    return Casework(runtime.app)


def test_change_from_baseline_is_derived_and_skips_withdrawn(
    runtime: Runtime, cw: Casework
) -> None:
    person_id = cw.opened(uuid4())
    cw.measure(person_id, S, BASE, [3, 3, 3, 3, 3, 3, 3])  # raw 21
    cw.measure(person_id, S, FOLLOW, [4, 4, 4, 4, 4, 4, 4])  # raw 28
    cw.measure(person_id, U, BASE, [3, 3, 3])
    cw.measure(person_id, U, FOLLOW, [2, 1, 2])
    cw.measure(person_id, ONS, BASE, [4, 5, 3, 8])
    cw.measure(person_id, ONS, FOLLOW, [6, 7, 5, 4])
    wrong = cw.measure(person_id, S, FOLLOW, [5, 5, 5, 5, 5, 5, 5])
    cw.app.change_involvement(
        person_id, lambda i, when: i.withdraw_measure(wrong, "typed twice", cw.actor, when)
    )
    runtime.catch_up()
    page = q.person_casework(runtime.engine, person_id)
    assert page is not None
    found = [
        (m["instrument"], m["occasion"], m["raw_score"], m["metric_score"], m["withdrawn"])
        for m in page["measures"]
    ]
    assert found == [
        ("swemwbs", "baseline", 21, Decimal("19.25"), False),
        ("swemwbs", "follow_up", 28, Decimal("25.03"), False),
        ("ucla3", "baseline", 9, None, False),
        ("ucla3", "follow_up", 5, None, False),
        ("ons4", "baseline", None, None, False),
        ("ons4", "follow_up", None, None, False),
        ("swemwbs", "follow_up", 35, Decimal("35.00"), True),
    ]
    changes = [m["change_from_baseline"] for m in page["measures"]]
    assert changes == [
        None,
        {"metric": Decimal("5.78")},
        None,
        {"raw": -4},
        None,
        {"items": [2, 2, 2, -4]},
        None,
    ]

    baseline = page["measures"][0]["measure_id"]
    cw.app.change_involvement(
        person_id, lambda i, when: i.withdraw_measure(baseline, "not the person", cw.actor, when)
    )
    runtime.catch_up()
    page = q.person_casework(runtime.engine, person_id)
    assert page is not None
    swemwbs = [m for m in page["measures"] if m["instrument"] == "swemwbs"]
    assert [m["change_from_baseline"] for m in swemwbs] == [None, None, None]
    assert [m["withdrawn"] for m in swemwbs] == [True, False, True]


def test_asset_usage_counts_move_with_each_step(runtime: Runtime, cw: Casework) -> None:
    club = cw.asset("Knit and Natter")
    first, second = cw.opened(uuid4()), cw.opened(uuid4())

    def counts() -> tuple[int, int, int, int]:
        runtime.catch_up()
        row = q.asset(runtime.engine, club)
        assert row is not None
        return (row["introduced"], row["attended"], row["still_connected"], row["dropped"])

    assert counts() == (0, 0, 0, 0)
    cw.connect(first, club, INTRO)
    cw.connect(second, club, INTRO)
    assert counts() == (2, 0, 0, 0)
    cw.connect(first, club, A)
    assert counts() == (1, 1, 0, 0)
    cw.connect(first, club, STILL)
    assert counts() == (1, 0, 1, 0)
    cw.connect(first, club, STILL)  # checked again at a later follow-up
    assert counts() == (1, 0, 1, 0)
    cw.connect(second, club, D)
    assert counts() == (0, 0, 1, 1)
    cw.connect(second, club, INTRO)
    assert counts() == (1, 0, 1, 0)

    runtime.catch_up()
    page = q.person_casework(runtime.engine, first)
    assert page is not None
    (link,) = page["connections"]
    assert (link["asset_name"], link["asset_category"], link["status"]) == (
        "Knit and Natter",
        "group",
        "still_connected",
    )
    assert link["introduced_at"] < link["attended_at"] < link["checked_at"]
    assert link["note"] == "now still_connected"


def test_assets_directory_and_community_work_filters(runtime: Runtime, cw: Casework) -> None:
    walk = cw.asset("Walking_Group 100%")
    cafe = cw.asset("Memory Cafe", "Ashfield")
    cw.asset("Men's Shed")
    retired = cw.app.get_asset(cw.asset("Old Bowls Club"))
    retired.retire("closed down", cw.actor)
    cw.app.save(retired)
    cw.app.record_community_work(
        CommunityWorkKind.FINDING_FUNDING, "Ashfield", cafe, "Lottery bid", 90, cw.day(-2), cw.actor
    )
    cw.app.record_community_work(
        CommunityWorkKind.GAP_IDENTIFIED,
        "Mansfield",
        None,
        "No group for dads",
        30,
        cw.day(0),
        cw.actor,
    )
    runtime.catch_up()

    def names(**kw: Any) -> list[str]:
        args: dict[str, Any] = {
            "district": None,
            "category": None,
            "text": None,
            "include_retired": False,
            "paging": Paging(1, 10),
        }
        rows, total = q.assets_directory(runtime.engine, **(args | kw))
        assert total == len(rows)
        return [r["name"] for r in rows]

    assert names() == ["Memory Cafe", "Men's Shed", "Walking_Group 100%"]
    assert names(include_retired=True)[-2:] == ["Old Bowls Club", "Walking_Group 100%"]
    assert names(district="Ashfield") == ["Memory Cafe"]
    assert names(text="ME") == ["Memory Cafe", "Men's Shed"]
    assert names(text="_group 100%") == ["Walking_Group 100%"]
    assert names(text="p_1") == []
    assert names(category="place") == []
    assert q.asset(runtime.engine, walk) is not None
    assert q.asset(runtime.engine, uuid4()) is None

    rows, total = q.community_work(runtime.engine, district=None, kind=None, paging=Paging())
    assert [(r["kind"], r["asset_name"]) for r in rows] == [
        ("gap_in_what_is_offered", None),
        ("helping_find_funding", "Memory Cafe"),
    ]
    rows, total = q.community_work(
        runtime.engine, district="Ashfield", kind="helping_find_funding", paging=Paging()
    )
    assert (total, rows[0]["minutes"], rows[0]["occurred_on"]) == (1, 90, cw.day(-2))


def test_person_records_list_everything_that_belongs_to_the_person(
    runtime: Runtime, cw: Casework
) -> None:
    person_id = cw.opened(uuid4())
    club = cw.asset("Knit and Natter")
    contact = cw.contact(person_id, 1, club)
    cw.connect(person_id, club, INTRO)
    runtime.catch_up()
    records = q.record_ids_for(runtime.engine, person_id)
    with runtime.engine.connect() as conn:
        (link,) = conn.execute(select(connections.c.connection_id)).scalars()
        (logged,) = conn.execute(select(contacts.c.asset_ids)).scalars()
    assert sorted(records, key=lambda r: r[1]) == [
        (link, "connection"),
        (involvement_id(person_id), "involvement"),
        (contact, "support_contact"),
    ]
    assert logged == [str(club)]
    assert q.record_ids_for(runtime.engine, uuid4()) == []


def test_rebuild_from_the_log_gives_identical_rows(runtime: Runtime, cw: Casework) -> None:
    club = cw.asset("Knit and Natter")
    for n in range(3):
        person_id = cw.opened(uuid4(), name=f"Person {n}")
        cw.contact(person_id, 10 + n, club)
        cw.connect(person_id, club, INTRO)
        cw.measure(person_id, S, BASE, [2 + n] * 7)
        cw.outcome(person_id, OutcomeDomain.SAFEGUARDING_RAISED, n)
        cw.next_action(person_id, n)
        cw.app.set_goal(person_id, f"Goal {n}", cw.actor)
    cw.connect(person_id, club, A)
    cw.app.record_community_work(
        CommunityWorkKind.SUPPORTING_GROUP, "Mansfield", club, "Helped", 60, cw.day(0), cw.actor
    )
    runtime.catch_up()
    projectors = [runtime.projector("casework"), runtime.projector("assets")]

    def snapshot() -> dict[str, list[tuple[Any, ...]]]:
        with runtime.engine.connect() as conn:
            return {
                table.name: sorted(tuple(r) for r in conn.execute(select(table)))
                for p in projectors
                for table in p.projection.tables
            }

    before = snapshot()
    assert all(before.values())
    for projector in projectors:
        projector.reset()
    assert not any(snapshot().values())
    runtime.catch_up()
    assert snapshot() == before
    assert all(p.is_caught_up() for p in projectors)


def _events(*aggregates: type[Aggregate]) -> set[type[Any]]:
    """Every event class an aggregate records (not the base classes, nor the library's
    default Created, which these aggregates never trigger)."""
    return {
        value
        for cls in aggregates
        for value in vars(cls).values()
        if isinstance(value, type)
        and issubclass(value, Aggregate.Event)
        and value.__name__ not in ("Event", "Change", "Created")
    }


def test_projections_handle_every_event_of_their_records() -> None:
    casework = set(CaseworkProjection().handlers())
    # ... and an erasure, which blanks the person's personal columns.
    assert casework == _events(Involvement, SupportContact, AssetConnection) | {Erasure.Recorded}
    assert len(casework) == 16 + 3 + 5 + 1
    assets = set(AssetsProjection().handlers())
    assert assets == _events(CommunityAsset, AssetConnection, CommunityWork)
