"""The casework and assets read models, built by the projector from events written through
the domain application, on SQLite; queries are given `now` explicitly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate
from sqlalchemy import select

from domain.application import LacApplication
from domain.codes import (
    AssetCategory,
    CloseReason,
    CommunityWorkKind,
    ConnectionStatus,
    ContactMode,
    ContactPurpose,
    GoalStatus,
    Instrument,
    Occasion,
    OutcomeDetail,
    OutcomeDomain,
    Participant,
    StrengthKind,
    SupportLevel,
)
from domain.community import AssetConnection, AssetDetails, CommunityAsset, CommunityWork
from domain.contact import ContactDetails, SupportContact
from domain.involvement import Involvement, involvement_id
from domain.outcomes import OutcomeRecord
from domain.person import PersonDetails
from projections import casework_queries as q
from projections.assets import AssetsProjection
from projections.casework import CaseworkProjection
from projections.casework_tables import connections, contacts, involvements
from projections.queries import Paging
from workers.runtime import Runtime

S, ONS, U = Instrument.SWEMWBS, Instrument.ONS4, Instrument.UCLA3
BASE, FOLLOW = Occasion.BASELINE, Occasion.FOLLOW_UP
INTRO, A, STILL, D = (
    ConnectionStatus.INTRODUCED,
    ConnectionStatus.ATTENDED,
    ConnectionStatus.STILL_CONNECTED,
    ConnectionStatus.DROPPED,
)


@dataclass
class Casework:
    """Writes casework through the domain application, dated relative to `now`."""

    app: LacApplication
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    actor: UUID = field(default_factory=uuid4)

    def ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def day(self, offset: int) -> date:
        return (self.now + timedelta(days=offset)).date()

    def person(self, name: str = "Anne Example", district: str = "Mansfield") -> UUID:
        details = PersonDetails(name, date(1950, 3, 1), "NG18 1AB", district)
        return self.app.register_person(details, self.actor).id

    def opened(
        self,
        coordinator_id: UUID,
        district: str = "Mansfield",
        days_ago: float = 100,
        name: str = "Anne Example",
    ) -> UUID:
        person_id = self.person(name, district)
        self.app.open_involvement(
            person_id,
            coordinator_id,
            SupportLevel.WALKING_ALONGSIDE,
            self.actor,
            occurred_at=self.ago(days_ago),
        )
        return person_id

    def contact(self, person_id: UUID, days_ago: float, *assets: UUID) -> UUID:
        return self.app.log_contact(
            person_id, self.details(self.ago(days_ago), assets), self.actor
        ).id

    def details(self, at: datetime, assets: tuple[UUID, ...] = ()) -> ContactDetails:
        return ContactDetails(
            at,
            45,
            ContactMode.IN_PERSON,
            (Participant.PERSON, Participant.CARER_OR_FAMILY),
            (ContactPurpose.LISTENING, ContactPurpose.PLANNING),
            "Talked about the tenancy letter",
            assets,
        )

    def next_action(self, person_id: UUID, due_in_days: int) -> None:
        self.app.set_next_action(person_id, "Ring housing", self.day(due_in_days), self.actor)

    def outcome(
        self,
        person_id: UUID,
        domain: OutcomeDomain,
        days_ago: int = 0,
        detail: OutcomeDetail | None = None,
    ) -> UUID:
        record = OutcomeRecord(domain, detail, self.day(-days_ago), "Seen the letter")
        return self.app.record_outcome(person_id, record, self.actor).id

    def measure(
        self, person_id: UUID, instrument: Instrument, occasion: Occasion, items: list[int]
    ) -> UUID:
        return self.app.record_measure(
            person_id, instrument, occasion, self.day(0), items, self.actor
        ).id

    def asset(self, name: str, district: str = "Mansfield") -> UUID:
        details = AssetDetails(name, AssetCategory.GROUP, district, contact="Jo, 01623 000000")
        return self.app.list_asset(details, self.actor).id

    def connect(self, person_id: UUID, asset_id: UUID, status: ConnectionStatus) -> None:
        self.app.connect(person_id, asset_id, status, f"now {status.value}", self.actor)

    def pause(self, person_id: UUID) -> None:
        self.app.change_involvement(person_id, lambda i, when: i.pause("away", self.actor, when))


@pytest.fixture
def cw(runtime: Runtime) -> Casework:
    return Casework(runtime.app)


def caseload(runtime: Runtime, cw: Casework, **kw: Any) -> tuple[list[dict[str, Any]], int]:
    runtime.catch_up()
    args: dict[str, Any] = {
        "coordinator_id": None,
        "district": None,
        "now": cw.now,
        "no_contact_days": 42,
        "flag": None,
        "paging": Paging(1, 100),
    }
    args.update(kw)
    return q.caseload(runtime.engine, **args)


def test_caseload_flags_and_who_needs_attention_first(runtime: Runtime, cw: Casework) -> None:
    k = uuid4()
    people: dict[str, UUID] = {}

    def add(key: str, contact_days: float | None, due: int | None, opened: int = 100) -> UUID:
        person_id = people[key] = cw.opened(k, days_ago=opened, name=f"Person {key}")
        if contact_days is not None:
            cw.contact(person_id, contact_days)
        if due is not None:
            cw.next_action(person_id, due)
        return person_id

    add("A", 50, -1)  # overdue and no contact
    add("B", 5, -3)  # overdue
    add("X", 42, 30)  # exactly 42 days: flagged
    add("C", None, None, opened=60)  # never contacted: counts from the opening
    add("D", 10, 0)  # due today is not overdue
    cw.pause(add("H", 1, 5))
    add("E", 20, 10)
    add("Y", 42 - 1 / (24 * 60), 20)  # a minute short of 42 days: not flagged
    add("F", 30, None)
    cw.outcome(add("G", 2, None), OutcomeDomain.SAFEGUARDING_RAISED, days_ago=10)
    closed = add("Z", 1, 1)
    cw.app.close_involvement(closed, CloseReason.GOALS_MET, None, cw.actor)

    rows, total = caseload(runtime, cw)
    order = {v: k for k, v in people.items()}
    assert [order[r["person_id"]] for r in rows] == list("ABXCDHEYFG")
    assert total == 10
    by_key = {order[r["person_id"]]: r for r in rows}
    assert by_key["A"]["flags"] == ["next_action_overdue", "no_contact"]
    assert by_key["B"]["flags"] == ["next_action_overdue"]
    assert by_key["X"]["flags"] == ["no_contact"]
    assert by_key["C"]["flags"] == ["no_contact", "no_next_action"]
    assert by_key["H"]["flags"] == ["paused"]
    assert by_key["G"]["flags"] == ["no_next_action", "safeguarding"]
    assert by_key["D"]["flags"] == by_key["E"]["flags"] == by_key["Y"]["flags"] == []
    days = {key: row["days_since_contact"] for key, row in by_key.items()}
    assert days == {"A": 50, "B": 5, "X": 42, "C": 60, "D": 10, "H": 1, "E": 20, "Y": 41} | {
        "F": 30,
        "G": 2,
    }
    assert by_key["C"]["last_contact_at"] is None
    assert by_key["A"]["name"] == "Person A"
    assert by_key["H"]["status"] == "paused"

    def flagged(flag: str) -> str:
        return "".join(order[r["person_id"]] for r in caseload(runtime, cw, flag=flag)[0])

    assert flagged("no_contact") == "AXC"
    assert flagged("next_action_overdue") == "AB"
    assert flagged("no_next_action") == "CFG"
    assert flagged("paused") == "H"
    assert flagged("safeguarding") == "G"

    pages = [caseload(runtime, cw, paging=Paging(n, 4)) for n in (1, 2, 3)]
    assert [total for _, total in pages] == [10, 10, 10]
    assert [r["person_id"] for rows, _ in pages for r in rows] == [r["person_id"] for r in rows]
    assert [len(rows) for rows, _ in pages] == [4, 4, 2]

    later = caseload(runtime, cw, now=cw.now + timedelta(days=30), flag="no_contact")[0]
    # A month on, E's and Y's next actions are overdue too; B, D, G and H were seen recently.
    assert "".join(order[r["person_id"]] for r in later) == "AEYXCF"


def test_safeguarding_flag_needs_a_concern_in_the_last_90_days_not_withdrawn(
    runtime: Runtime, cw: Casework
) -> None:
    k = uuid4()
    recent, old, withdrawn = (cw.opened(k, days_ago=200) for _ in range(3))
    cw.outcome(recent, OutcomeDomain.SAFEGUARDING_RAISED, days_ago=90)
    cw.outcome(old, OutcomeDomain.SAFEGUARDING_RAISED, days_ago=91)
    cw.outcome(recent, OutcomeDomain.LESS_ISOLATED, days_ago=1)
    taken_back = cw.outcome(withdrawn, OutcomeDomain.SAFEGUARDING_RAISED, days_ago=1)
    cw.outcome(withdrawn, OutcomeDomain.SAFEGUARDING_RAISED, days_ago=150)
    cw.app.change_involvement(
        withdrawn, lambda i, when: i.withdraw_outcome(taken_back, "wrong person", cw.actor, when)
    )
    rows, _ = caseload(runtime, cw, flag="safeguarding")
    assert [r["person_id"] for r in rows] == [recent]
    raised = {r["person_id"]: r["safeguarding_raised_at"] for r in caseload(runtime, cw)[0]}
    assert raised == {recent: cw.day(-90), old: cw.day(-91), withdrawn: cw.day(-150)}


def test_caseload_scope_is_own_or_team_district(runtime: Runtime, cw: Casework) -> None:
    me, colleague = uuid4(), uuid4()
    mine_here = cw.opened(me, "Mansfield")
    mine_there = cw.opened(me, "Ashfield")
    theirs_here = cw.opened(colleague, "Mansfield")
    theirs_there = cw.opened(colleague, "Ashfield")

    def ids(**kw: Any) -> set[UUID]:
        rows, total = caseload(runtime, cw, **kw)
        assert total == len(rows)
        return {r["person_id"] for r in rows}

    assert ids(coordinator_id=me, district="Mansfield") == {mine_here, mine_there, theirs_here}
    assert ids(coordinator_id=colleague, district="Mansfield", match="all") == {theirs_here}
    assert ids(coordinator_id=me) == {mine_here, mine_there}
    assert ids(district="Ashfield") == {mine_there, theirs_there}
    assert len(ids()) == 4
    with pytest.raises(ValueError, match="unknown flag"):
        caseload(runtime, cw, flag="lonely")


def test_withdrawn_and_corrected_contacts_recompute_the_last_contact(
    runtime: Runtime, cw: Casework
) -> None:
    person_id = cw.opened(uuid4())
    early = cw.contact(person_id, 60)
    late = cw.contact(person_id, 3)
    runtime.catch_up()
    row = _involvement(runtime, person_id)
    assert (row["last_contact_at"], row["contacts_count"]) == (cw.ago(3), 2)

    cw.app.withdraw_contact(late, "logged against the wrong person", cw.actor)
    runtime.catch_up()
    row = _involvement(runtime, person_id)
    assert (row["last_contact_at"], row["contacts_count"]) == (cw.ago(60), 1)
    (found,) = caseload(runtime, cw)[0]
    assert (found["days_since_contact"], found["flags"][:1]) == (60, ["no_contact"])

    cw.app.correct_contact(early, cw.details(cw.ago(7)), "wrong day typed", cw.actor)
    runtime.catch_up()
    row = _involvement(runtime, person_id)
    assert (row["last_contact_at"], row["contacts_count"]) == (cw.ago(7), 1)
    page = q.person_casework(runtime.engine, person_id)
    assert page is not None
    withdrawn, corrected = (
        next(c for c in page["contacts"] if c["contact_id"] == cid) for cid in (late, early)
    )
    assert (withdrawn["withdrawn"], withdrawn["withdrawn_why"]) == (
        True,
        "logged against the wrong person",
    )
    assert (corrected["corrected"], corrected["contact_at"]) == (True, cw.ago(7))
    assert corrected["correction_why"] == "wrong day typed"

    cw.app.withdraw_contact(early, "never happened", cw.actor)
    runtime.catch_up()
    row = _involvement(runtime, person_id)
    assert (row["last_contact_at"], row["contacts_count"]) == (None, 0)


def _involvement(runtime: Runtime, person_id: UUID) -> Any:
    with runtime.engine.connect() as conn:
        return (
            conn.execute(select(involvements).where(involvements.c.person_id == person_id))
            .mappings()
            .one()
        )


def test_involvement_lifecycle_goals_and_person_page(runtime: Runtime, cw: Casework) -> None:
    k, other = uuid4(), uuid4()
    person_id = cw.opened(k)
    app, actor = cw.app, cw.actor
    app.change_involvement(
        person_id, lambda i, when: i.record_what_matters("A home of my own", actor, when)
    )
    app.record_strengths(person_id, {StrengthKind.COMMUNITY: ["Knows her neighbours"]}, actor)
    goal = app.set_goal(person_id, "Keep the tenancy", actor).id
    app.set_goal(person_id, "Join the knit club", actor)
    app.change_goal(person_id, goal, GoalStatus.ACHIEVED, actor)
    cw.next_action(person_id, 7)
    app.reassign(person_id, other, actor)
    cw.outcome(person_id, OutcomeDomain.HOME, 1, OutcomeDetail.TENANCY_SECURED)
    runtime.catch_up()

    page = q.person_casework(runtime.engine, person_id)
    assert page is not None
    assert (page["name"], page["district"]) == ("Anne Example", "Mansfield")
    involvement = page["involvement"]
    assert involvement["involvement_id"] == involvement_id(person_id)
    assert involvement["coordinator_id"] == other
    assert involvement["what_matters"] == "A home of my own"
    assert involvement["strengths"] == {"community": ["Knows her neighbours"]}
    assert (involvement["next_action"], involvement["next_action_due"]) == (
        "Ring housing",
        cw.day(7),
    )
    assert [(g["text"], g["status"]) for g in page["goals"]] == [
        ("Keep the tenancy", "achieved"),
        ("Join the knit club", "active"),
    ]
    (outcome,) = page["outcomes"]
    assert (outcome["domain"], outcome["detail"]) == ("home_kept_or_found", "tenancy_secured")

    app.close_involvement(person_id, CloseReason.MOVED_AWAY, "Moved to Leeds", actor)
    runtime.catch_up()
    closed = _involvement(runtime, person_id)
    assert (closed["status"], closed["close_reason"], closed["close_note"]) == (
        "closed",
        "moved_away",
        "Moved to Leeds",
    )
    assert caseload(runtime, cw)[0] == []

    app.open_involvement(person_id, k, SupportLevel.INTRODUCTORY, actor)
    runtime.catch_up()
    reopened = _involvement(runtime, person_id)
    assert (reopened["status"], reopened["coordinator_id"], reopened["closed_at"]) == (
        "active",
        k,
        None,
    )
    assert reopened["first_opened_at"] == cw.ago(100) < reopened["opened_at"]
    assert [r["person_id"] for r in caseload(runtime, cw)[0]] == [person_id]
    assert q.person_casework(runtime.engine, uuid4()) is None


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
    assert casework == _events(Involvement, SupportContact, AssetConnection)
    assert len(casework) == 16 + 3 + 5
    assets = set(AssetsProjection().handlers())
    assert assets == _events(CommunityAsset, AssetConnection, CommunityWork)
