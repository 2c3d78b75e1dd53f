"""An involvement: a coordinator walking alongside one person, with no time limit.

One per person (its id comes from the person's), opened from an accepted referral or
directly, paused, closed and reopened. It holds what matters to the person, their strengths,
goals, the next action, and the outcomes and wellbeing measures recorded along the way.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.codes import (
    CloseReason,
    GoalStatus,
    Instrument,
    InvolvementStatus,
    Occasion,
    OutcomeDetail,
    OutcomeDomain,
    StrengthKind,
    SupportLevel,
)
from domain.errors import InvalidField, InvalidTransition
from domain.outcomes import OutcomeRecord
from domain.reference import check_text
from domain.sealing import PersonalData
from domain.wellbeing import check_items

INVOLVEMENTS = uuid5(NAMESPACE_URL, "lac:involvement")
A, P, C = InvolvementStatus.ACTIVE, InvolvementStatus.PAUSED, InvolvementStatus.CLOSED


def involvement_id(person_id: UUID) -> UUID:
    return uuid5(INVOLVEMENTS, str(person_id))


class Involvement(Aggregate):
    """The coordinator's work with one person."""

    class Event(Aggregate.Event, PersonalData):
        person_id: UUID
        actor_id: UUID
        occurred_at: datetime

    class Change(Event):
        """Every event after Opened: the aggregate applies it in one place."""

        def apply(self, aggregate: Any) -> None:
            aggregate.apply_change(self)

    class Opened(Event, Aggregate.Created):
        coordinator_id: UUID
        district: str
        support_level: SupportLevel
        referral_id: UUID | None

    class Reassigned(Change):
        coordinator_id: UUID
        district: str

    class SupportLevelChanged(Change):
        support_level: SupportLevel

    class WhatMattersRecorded(Change):
        personal_fields = ("what_matters",)
        what_matters: str | None

    class StrengthsRecorded(Change):
        personal_fields = ("strengths",)
        strengths: dict[str, list[str]] | None

    class GoalSet(Change):
        personal_fields = ("text",)
        goal_id: UUID
        text: str | None

    class GoalStatusChanged(Change):
        goal_id: UUID
        status: GoalStatus

    class NextActionSet(Change):
        personal_fields = ("action",)
        action: str | None
        due_on: date

    class Paused(Change):
        personal_fields = ("note",)
        note: str | None

    class Resumed(Change):
        pass

    class Closed(Change):
        personal_fields = ("note",)
        reason: CloseReason
        note: str | None

    class Reopened(Change):
        coordinator_id: UUID
        district: str
        referral_id: UUID | None

    class OutcomeRecorded(Change):
        personal_fields = ("evidence",)
        outcome_id: UUID
        domain: OutcomeDomain
        detail: OutcomeDetail | None
        occurred_on: date
        evidence: str | None
        visits: dict[str, int] | None

    class OutcomeWithdrawn(Change):
        personal_fields = ("reason",)
        outcome_id: UUID
        reason: str | None

    class MeasureRecorded(Change):
        measure_id: UUID
        instrument: Instrument
        occasion: Occasion
        taken_on: date
        items: list[int]

    class MeasureWithdrawn(Change):
        personal_fields = ("reason",)
        measure_id: UUID
        reason: str | None

    @staticmethod
    def create_id(person_id: UUID) -> UUID:
        return involvement_id(person_id)

    @event(Opened)
    def __init__(
        self,
        person_id: UUID,
        coordinator_id: UUID,
        district: str,
        support_level: SupportLevel,
        referral_id: UUID | None,
        actor_id: UUID,
        occurred_at: datetime,
    ) -> None:
        self.person_id = person_id
        self.coordinator_id = coordinator_id
        self.district = district
        self.support_level = support_level
        self.status = A
        self.opened_at = occurred_at
        self.closed_at: datetime | None = None
        self.goals: dict[UUID, GoalStatus] = {}
        self.outcomes: set[UUID] = set()
        self.measures: dict[UUID, tuple[Instrument, Occasion]] = {}
        self.baselines: dict[Instrument, date] = {}

    def _require(self, action: str, allowed: tuple[InvolvementStatus, ...], why: str) -> None:
        if self.status not in allowed:
            raise InvalidTransition("involvement", self.id, action, self.status.value, why)

    def _open(self, action: str) -> None:
        self._require(action, (A, P), "reopen the involvement first")

    def _base(self, actor_id: UUID, when: datetime) -> dict[str, Any]:
        return {"person_id": self.person_id, "actor_id": actor_id, "occurred_at": when}

    def reassign(self, coordinator_id: UUID, district: str, actor_id: UUID, when: datetime) -> None:
        self._open("reassign")
        if coordinator_id == self.coordinator_id:
            raise InvalidField("coordinator_id", "already the coordinator")
        self.trigger_event(
            self.Reassigned,
            coordinator_id=coordinator_id,
            district=district,
            **self._base(actor_id, when),
        )

    def change_support_level(self, level: SupportLevel, actor_id: UUID, when: datetime) -> None:
        self._open("change the support level of")
        self.trigger_event(
            self.SupportLevelChanged, support_level=level, **self._base(actor_id, when)
        )

    def record_what_matters(self, text: str, actor_id: UUID, when: datetime) -> None:
        self._open("record what matters on")
        self.trigger_event(
            self.WhatMattersRecorded,
            what_matters=check_text("what_matters", text, 4000),
            **self._base(actor_id, when),
        )

    def record_strengths(
        self, strengths: dict[StrengthKind, list[str]], actor_id: UUID, when: datetime
    ) -> None:
        self._open("record strengths on")
        checked = {
            kind.value: [check_text(f"strengths.{kind.value}", s, 500) for s in items]
            for kind, items in strengths.items()
        }
        if not any(checked.values()):
            raise InvalidField("strengths", "give at least one strength")
        self.trigger_event(self.StrengthsRecorded, strengths=checked, **self._base(actor_id, when))

    def set_goal(self, goal_id: UUID, text: str, actor_id: UUID, when: datetime) -> None:
        self._open("set a goal on")
        self.trigger_event(
            self.GoalSet,
            goal_id=goal_id,
            text=check_text("text", text, 1000),
            **self._base(actor_id, when),
        )

    def change_goal(
        self, goal_id: UUID, status: GoalStatus, actor_id: UUID, when: datetime
    ) -> None:
        self._open("change a goal on")
        if goal_id not in self.goals:
            raise InvalidField("goal_id", "no such goal on this involvement")
        if self.goals[goal_id] is status:
            raise InvalidField("status", f"the goal is already {status.value}")
        self.trigger_event(
            self.GoalStatusChanged, goal_id=goal_id, status=status, **self._base(actor_id, when)
        )

    def set_next_action(self, action: str, due_on: date, actor_id: UUID, when: datetime) -> None:
        self._open("set the next action on")
        if due_on < self.opened_at.date():
            raise InvalidField("due_on", "must not be before the involvement was opened")
        self.trigger_event(
            self.NextActionSet,
            action=check_text("action", action, 500),
            due_on=due_on,
            **self._base(actor_id, when),
        )

    def pause(self, note: str | None, actor_id: UUID, when: datetime) -> None:
        self._require("pause", (A,), "only an active involvement is paused")
        self.trigger_event(self.Paused, note=_note(note), **self._base(actor_id, when))

    def resume(self, actor_id: UUID, when: datetime) -> None:
        self._require("resume", (P,), "only a paused involvement is resumed")
        self.trigger_event(self.Resumed, **self._base(actor_id, when))

    def close(self, reason: CloseReason, note: str | None, actor_id: UUID, when: datetime) -> None:
        self._require("close", (A, P), "it is already closed")
        self.trigger_event(
            self.Closed, reason=reason, note=_note(note), **self._base(actor_id, when)
        )

    def reopen(
        self,
        coordinator_id: UUID,
        district: str,
        referral_id: UUID | None,
        actor_id: UUID,
        when: datetime,
    ) -> None:
        self._require("reopen", (C,), "only a closed involvement is reopened")
        self.trigger_event(
            self.Reopened,
            coordinator_id=coordinator_id,
            district=district,
            referral_id=referral_id,
            **self._base(actor_id, when),
        )

    def apply_change(self, e: Any) -> None:
        """State changes only; every check ran before the event was triggered."""
        if isinstance(e, self.Reassigned | self.Reopened):
            self.coordinator_id, self.district = e.coordinator_id, e.district
        if isinstance(e, self.SupportLevelChanged):
            self.support_level = e.support_level
        elif isinstance(e, self.GoalSet):
            self.goals[e.goal_id] = GoalStatus.ACTIVE
        elif isinstance(e, self.GoalStatusChanged):
            self.goals[e.goal_id] = e.status
        elif isinstance(e, self.Paused):
            self.status = P
        elif isinstance(e, self.Resumed):
            self.status = A
        elif isinstance(e, self.Closed):
            self.status, self.closed_at = C, e.occurred_at
        elif isinstance(e, self.Reopened):
            self.status, self.closed_at = A, None
        elif isinstance(e, self.OutcomeRecorded):
            self.outcomes.add(e.outcome_id)
        elif isinstance(e, self.OutcomeWithdrawn):
            self.outcomes.discard(e.outcome_id)
        elif isinstance(e, self.MeasureRecorded):
            self.measures[e.measure_id] = (e.instrument, e.occasion)
            if e.occasion is Occasion.BASELINE:
                self.baselines[e.instrument] = e.taken_on
        elif isinstance(e, self.MeasureWithdrawn):
            instrument, occasion = self.measures.pop(e.measure_id)
            if occasion is Occasion.BASELINE:
                self.baselines.pop(instrument, None)

    # outcomes and measures ------------------------------------------------------------------

    def record_outcome(
        self, outcome_id: UUID, record: OutcomeRecord, actor_id: UUID, when: datetime
    ) -> None:
        """Outcomes can be recorded after closure too: some show only at follow-up."""
        checked = record.checked(when.date())
        if checked.occurred_on < self.opened_at.date():
            raise InvalidField("occurred_on", "is before the involvement was opened")
        visits = None if checked.visits is None else vars(checked.visits).copy()
        self.trigger_event(
            self.OutcomeRecorded,
            outcome_id=outcome_id,
            domain=checked.domain,
            detail=checked.detail,
            occurred_on=checked.occurred_on,
            evidence=checked.evidence,
            visits=visits,
            **self._base(actor_id, when),
        )

    def withdraw_outcome(
        self, outcome_id: UUID, reason: str, actor_id: UUID, when: datetime
    ) -> None:
        if outcome_id not in self.outcomes:
            raise InvalidField("outcome_id", "no such outcome on this involvement")
        self.trigger_event(
            self.OutcomeWithdrawn,
            outcome_id=outcome_id,
            reason=check_text("reason", reason, 1000),
            **self._base(actor_id, when),
        )

    def record_measure(
        self,
        measure_id: UUID,
        instrument: Instrument,
        occasion: Occasion,
        taken_on: date,
        items: list[int],
        actor_id: UUID,
        when: datetime,
    ) -> None:
        if taken_on > when.date():
            raise InvalidField("taken_on", "must not be in the future")
        has_baseline = (instrument, Occasion.BASELINE) in self.measures.values()
        if occasion is Occasion.BASELINE and has_baseline:
            raise InvalidField("occasion", f"a {instrument.value} baseline is already recorded")
        if occasion is Occasion.FOLLOW_UP and not has_baseline:
            raise InvalidField("occasion", f"record a {instrument.value} baseline first")
        baseline_on = self.baselines.get(instrument)
        if occasion is Occasion.FOLLOW_UP and baseline_on and taken_on < baseline_on:
            raise InvalidField(
                "taken_on", f"is before the {instrument.value} baseline ({baseline_on})"
            )
        self.trigger_event(
            self.MeasureRecorded,
            measure_id=measure_id,
            instrument=instrument,
            occasion=occasion,
            taken_on=taken_on,
            items=check_items(instrument, items),
            **self._base(actor_id, when),
        )

    def withdraw_measure(
        self, measure_id: UUID, reason: str, actor_id: UUID, when: datetime
    ) -> None:
        if measure_id not in self.measures:
            raise InvalidField("measure_id", "no such measure on this involvement")
        self.trigger_event(
            self.MeasureWithdrawn,
            measure_id=measure_id,
            reason=check_text("reason", reason, 1000),
            **self._base(actor_id, when),
        )


def _note(note: str | None) -> str | None:
    return (check_text("note", note, 2000, required=False) or None) if note else None
