"""The involvement: open, pause, resume, close and reopen; goals, next action, what matters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.codes import (
    CloseReason,
    GoalStatus,
    InvolvementStatus,
    StrengthKind,
    SupportLevel,
)
from domain.errors import InvalidField, InvalidTransition
from domain.involvement import Involvement, involvement_id

WHEN = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
LATER = WHEN + timedelta(days=7)
ACTOR = uuid4()
COORDINATOR = uuid4()
S = InvolvementStatus


def opened(person_id: UUID | None = None) -> Involvement:
    involvement = Involvement(
        person_id=person_id or uuid4(),
        coordinator_id=COORDINATOR,
        district="Mansfield",
        support_level=SupportLevel.INTRODUCTORY,
        referral_id=None,
        actor_id=ACTOR,
        occurred_at=WHEN,
    )
    return involvement


def status_of(involvement: Involvement) -> InvolvementStatus:
    return involvement.status  # read through a call, so type checkers do not narrow it


def replayed(involvement: Involvement) -> Involvement:
    """A fresh copy rebuilt from the events collected so far."""
    copy: Any = None
    for domain_event in involvement.collect_events():
        copy = domain_event.mutate(copy)
    assert isinstance(copy, Involvement)
    return copy


def test_opened_involvement_is_active_and_keyed_by_the_person() -> None:
    person = uuid4()
    involvement = opened(person)
    assert involvement.id == involvement_id(person) == Involvement.create_id(person)
    assert involvement_id(person) != involvement_id(uuid4())
    assert status_of(involvement) is S.ACTIVE
    assert (involvement.person_id, involvement.coordinator_id) == (person, COORDINATOR)
    assert (involvement.district, involvement.opened_at) == ("Mansfield", WHEN)
    assert involvement.support_level is SupportLevel.INTRODUCTORY
    assert involvement.closed_at is None
    assert (involvement.goals, involvement.outcomes, involvement.measures) == ({}, set(), {})


def test_pause_resume_close_and_reopen() -> None:
    involvement = opened()
    involvement.pause("in hospital for a fortnight", ACTOR, WHEN)
    assert status_of(involvement) is S.PAUSED
    involvement.resume(ACTOR, LATER)
    assert status_of(involvement) is S.ACTIVE
    involvement.close(CloseReason.GOALS_MET, None, ACTOR, LATER)
    assert (status_of(involvement), involvement.closed_at) == (S.CLOSED, LATER)
    other = uuid4()
    involvement.reopen(other, "Gedling", uuid4(), ACTOR, LATER + timedelta(days=30))
    assert (status_of(involvement), involvement.closed_at) == (S.ACTIVE, None)
    assert (involvement.coordinator_id, involvement.district) == (other, "Gedling")
    names = [type(e).__qualname__ for e in involvement.collect_events()]
    assert names == [
        "Involvement.Opened",
        "Involvement.Paused",
        "Involvement.Resumed",
        "Involvement.Closed",
        "Involvement.Reopened",
    ]


@pytest.mark.parametrize("reason", list(CloseReason), ids=lambda r: r.value)
def test_close_with_each_reason(reason: CloseReason) -> None:
    involvement = opened()
    involvement.close(reason, "  said goodbye at the café  ", ACTOR, LATER)
    closed = involvement.collect_events()[-1]
    assert isinstance(closed, Involvement.Closed)
    assert (closed.reason, closed.note, closed.occurred_at) == (
        reason,
        "said goodbye at the café",
        LATER,
    )
    assert status_of(involvement) is S.CLOSED


def test_a_paused_involvement_can_be_closed_and_a_blank_note_is_none() -> None:
    involvement = opened()
    involvement.pause("   ", ACTOR, WHEN)
    assert involvement.collect_events()[-1].note is None  # type: ignore[attr-defined]
    involvement.close(CloseReason.MOVED_AWAY, "", ACTOR, LATER)
    assert status_of(involvement) is S.CLOSED


def closed() -> Involvement:
    involvement = opened()
    involvement.close(CloseReason.PERSON_ENDED, None, ACTOR, WHEN)
    return involvement


def paused() -> Involvement:
    involvement = opened()
    involvement.pause(None, ACTOR, WHEN)
    return involvement


BAD_STEPS: list[tuple[str, Callable[[], Involvement], Callable[[Involvement], None], str, str]] = [
    (
        "close",
        closed,
        lambda i: i.close(CloseReason.OTHER, None, ACTOR, LATER),
        "closed",
        "already closed",
    ),
    ("pause", paused, lambda i: i.pause(None, ACTOR, LATER), "paused", "only an active"),
    ("pause", closed, lambda i: i.pause(None, ACTOR, LATER), "closed", "only an active"),
    ("resume", opened, lambda i: i.resume(ACTOR, LATER), "active", "only a paused"),
    ("resume", closed, lambda i: i.resume(ACTOR, LATER), "closed", "only a paused"),
    (
        "reopen",
        opened,
        lambda i: i.reopen(COORDINATOR, "Mansfield", None, ACTOR, LATER),
        "active",
        "only a closed",
    ),
    (
        "reopen",
        paused,
        lambda i: i.reopen(COORDINATOR, "Mansfield", None, ACTOR, LATER),
        "paused",
        "only a closed",
    ),
]


@pytest.mark.parametrize(
    ("action", "start", "step", "status", "why"),
    BAD_STEPS,
    ids=[f"{a}-{s}" for a, _, _, s, _ in BAD_STEPS],
)
def test_steps_not_allowed_name_action_status_and_why(
    action: str,
    start: Callable[[], Involvement],
    step: Callable[[Involvement], None],
    status: str,
    why: str,
) -> None:
    involvement = start()
    version = involvement.version
    with pytest.raises(InvalidTransition) as info:
        step(involvement)
    error = info.value
    assert (error.record, error.record_id) == ("involvement", involvement.id)
    assert (error.action, error.status) == (action, status)
    assert why in error.why
    assert (
        str(error) == f"cannot {action} involvement {involvement.id}: it is {status}; {error.why}"
    )
    assert (involvement.version, status_of(involvement).value) == (version, status)


CHANGES_REFUSED_WHEN_CLOSED: dict[str, Callable[[Involvement], None]] = {
    "set a goal on": lambda i: i.set_goal(uuid4(), "walk to the shop", ACTOR, LATER),
    "record what matters on": lambda i: i.record_what_matters("my garden", ACTOR, LATER),
    "record strengths on": lambda i: i.record_strengths(
        {StrengthKind.PERSONAL: ["kind"]}, ACTOR, LATER
    ),
    "set the next action on": lambda i: i.set_next_action("call", date(2024, 7, 1), ACTOR, LATER),
    "change the support level of": lambda i: i.change_support_level(
        SupportLevel.WALKING_ALONGSIDE, ACTOR, LATER
    ),
    "reassign": lambda i: i.reassign(uuid4(), "Mansfield", ACTOR, LATER),
}


@pytest.mark.parametrize("action", list(CHANGES_REFUSED_WHEN_CLOSED))
def test_a_closed_involvement_must_be_reopened_before_casework(action: str) -> None:
    involvement = closed()
    with pytest.raises(InvalidTransition) as info:
        CHANGES_REFUSED_WHEN_CLOSED[action](involvement)
    assert (info.value.action, info.value.status) == (action, "closed")
    assert info.value.why == "reopen the involvement first"


def test_casework_goes_on_while_paused() -> None:
    involvement = paused()
    involvement.set_goal(uuid4(), "visit my sister", ACTOR, LATER)
    involvement.set_next_action("ring after discharge", date(2024, 6, 20), ACTOR, LATER)
    assert status_of(involvement) is S.PAUSED


def test_goals_are_set_and_change_status() -> None:
    involvement = opened()
    walk, cook = uuid4(), uuid4()
    involvement.set_goal(walk, "  walk to the park on my own  ", ACTOR, WHEN)
    involvement.set_goal(cook, "cook for friends", ACTOR, WHEN)
    assert involvement.goals == {walk: GoalStatus.ACTIVE, cook: GoalStatus.ACTIVE}
    involvement.change_goal(walk, GoalStatus.ACHIEVED, ACTOR, LATER)
    involvement.change_goal(cook, GoalStatus.CHANGED, ACTOR, LATER)
    involvement.change_goal(cook, GoalStatus.DROPPED, ACTOR, LATER)
    assert involvement.goals == {walk: GoalStatus.ACHIEVED, cook: GoalStatus.DROPPED}
    goal_set = involvement.collect_events()[1]
    assert isinstance(goal_set, Involvement.GoalSet)
    assert goal_set.text == "walk to the park on my own"


def test_goal_checks() -> None:
    involvement = opened()
    goal = uuid4()
    with pytest.raises(InvalidField) as info:
        involvement.set_goal(goal, "   ", ACTOR, WHEN)
    assert (info.value.field, info.value.message) == ("text", "must not be empty")
    with pytest.raises(InvalidField, match="at most 1000"):
        involvement.set_goal(goal, "x" * 1001, ACTOR, WHEN)
    with pytest.raises(InvalidField) as info:
        involvement.change_goal(goal, GoalStatus.ACHIEVED, ACTOR, WHEN)
    assert info.value.field == "goal_id"
    involvement.set_goal(goal, "join a choir", ACTOR, WHEN)
    with pytest.raises(InvalidField) as info:
        involvement.change_goal(goal, GoalStatus.ACTIVE, ACTOR, WHEN)
    assert (info.value.field, info.value.message) == ("status", "the goal is already active")
    assert involvement.version == 2


def test_next_action_has_a_due_date_not_before_the_opening() -> None:
    involvement = opened()
    involvement.set_next_action(" phone about the tenancy ", date(2024, 6, 8), ACTOR, WHEN)
    involvement.set_next_action("visit", WHEN.date(), ACTOR, WHEN)  # due the same day is fine
    first, second = involvement.collect_events()[1:]
    assert isinstance(first, Involvement.NextActionSet)
    assert (first.action, first.due_on) == ("phone about the tenancy", date(2024, 6, 8))
    assert isinstance(second, Involvement.NextActionSet)
    with pytest.raises(InvalidField) as info:
        involvement.set_next_action("visit", date(2024, 5, 31), ACTOR, WHEN)
    assert info.value.field == "due_on"
    with pytest.raises(InvalidField) as info:
        involvement.set_next_action("", date(2024, 6, 8), ACTOR, WHEN)
    assert info.value.field == "action"


def test_what_matters_and_strengths() -> None:
    involvement = opened()
    involvement.record_what_matters(" To stay in my own home, near my friends ", ACTOR, WHEN)
    strengths = {
        StrengthKind.PERSONAL: ["determined", " good with people "],
        StrengthKind.FAMILY: [],
        StrengthKind.COMMUNITY: ["neighbour checks in daily"],
    }
    involvement.record_strengths(strengths, ACTOR, WHEN)
    matters, recorded = involvement.collect_events()[1:]
    assert isinstance(matters, Involvement.WhatMattersRecorded)
    assert matters.what_matters == "To stay in my own home, near my friends"
    assert isinstance(recorded, Involvement.StrengthsRecorded)
    assert recorded.strengths == {
        "personal": ["determined", "good with people"],
        "family": [],
        "community": ["neighbour checks in daily"],
    }


@pytest.mark.parametrize(
    ("strengths", "field"),
    [
        ({}, "strengths"),
        ({StrengthKind.PERSONAL: [], StrengthKind.FAMILY: []}, "strengths"),
        ({StrengthKind.FAMILY: ["  "]}, "strengths.family"),
        ({StrengthKind.COMMUNITY: ["x" * 501]}, "strengths.community"),
    ],
    ids=["none", "all-empty", "blank", "too-long"],
)
def test_empty_strengths_are_refused(strengths: dict[StrengthKind, list[str]], field: str) -> None:
    involvement = opened()
    with pytest.raises(InvalidField) as info:
        involvement.record_strengths(strengths, ACTOR, WHEN)
    assert info.value.field == field
    assert involvement.version == 1


def test_empty_what_matters_is_refused() -> None:
    involvement = opened()
    for text in ("", "   \n"):
        with pytest.raises(InvalidField) as info:
            involvement.record_what_matters(text, ACTOR, WHEN)
        assert (info.value.field, info.value.message) == ("what_matters", "must not be empty")
    with pytest.raises(InvalidField, match="at most 4000"):
        involvement.record_what_matters("x" * 4001, ACTOR, WHEN)
    assert involvement.version == 1


def test_reassign_and_support_level() -> None:
    involvement = opened()
    with pytest.raises(InvalidField) as info:
        involvement.reassign(COORDINATOR, "Mansfield", ACTOR, WHEN)
    assert (info.value.field, info.value.message) == ("coordinator_id", "already the coordinator")
    other = uuid4()
    involvement.reassign(other, "Ashfield", ACTOR, LATER)
    assert (involvement.coordinator_id, involvement.district) == (other, "Ashfield")
    involvement.change_support_level(SupportLevel.WALKING_ALONGSIDE, ACTOR, LATER)
    assert involvement.support_level is SupportLevel.WALKING_ALONGSIDE
    reassigned = involvement.collect_events()[1]
    assert isinstance(reassigned, Involvement.Reassigned)
    assert (reassigned.coordinator_id, reassigned.actor_id) == (other, ACTOR)


def test_every_event_names_the_person_the_actor_and_when() -> None:
    person = uuid4()
    involvement = opened(person)
    involvement.set_goal(uuid4(), "garden", ACTOR, LATER)
    involvement.pause(None, ACTOR, LATER)
    for domain_event in involvement.collect_events():
        assert domain_event.person_id == person  # type: ignore[attr-defined]
        assert domain_event.data_subject_id() == person  # type: ignore[attr-defined]
        assert domain_event.actor_id == ACTOR  # type: ignore[attr-defined]
        assert domain_event.occurred_at in (WHEN, LATER)  # type: ignore[attr-defined]


def test_replaying_the_events_rebuilds_the_same_involvement() -> None:
    involvement = opened()
    goal, other_goal = uuid4(), uuid4()
    involvement.set_goal(goal, "feel at home", ACTOR, WHEN)
    involvement.set_goal(other_goal, "find work", ACTOR, WHEN)
    involvement.change_goal(goal, GoalStatus.ACHIEVED, ACTOR, LATER)
    involvement.change_support_level(SupportLevel.WALKING_ALONGSIDE, ACTOR, LATER)
    new_coordinator = uuid4()
    involvement.reassign(new_coordinator, "Ashfield", ACTOR, LATER)
    involvement.pause("away", ACTOR, LATER)
    involvement.resume(ACTOR, LATER)
    involvement.close(CloseReason.GOALS_MET, None, ACTOR, LATER)
    copy = replayed(involvement)
    assert copy.id == involvement.id and copy.version == involvement.version == 9
    assert copy.goals == {goal: GoalStatus.ACHIEVED, other_goal: GoalStatus.ACTIVE}
    assert (copy.status, copy.closed_at, copy.opened_at) == (S.CLOSED, LATER, WHEN)
    assert (copy.coordinator_id, copy.district) == (new_coordinator, "Ashfield")
    assert copy.support_level is SupportLevel.WALKING_ALONGSIDE
