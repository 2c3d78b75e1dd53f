"""The casework and assets read models, built by the projector from events written through
the domain application, on SQLite; queries are given `now` explicitly."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.codes import (
    CloseReason,
    GoalStatus,
    OutcomeDetail,
    OutcomeDomain,
    StrengthKind,
    SupportLevel,
)
from domain.involvement import involvement_id
from projections import casework_queries as q
from projections.queries import Paging
from tests.api.casework_world import Casework, _involvement, caseload
from workers.runtime import Runtime


@pytest.fixture
def cw(runtime: Runtime) -> Casework:
    return Casework(runtime.app)


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
