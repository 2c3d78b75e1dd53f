"""One person's synthetic casework as dated steps, run in date order through the aggregates.

Each step makes one change on the real aggregates (Involvement, SupportContact,
AssetConnection) after the same checks the application's commands make: dates through
``LacApplication._when`` (time zone, not in the future, not before the opening) and contacts
through ``_checked_contact`` (future, duration, participants, purposes, before the opening;
asset ids are taken from the directory, so they exist). Nothing is saved here: ``run``
returns the aggregates for the caller to save.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from domain.application import LacApplication
from domain.codes import (
    ConnectionStatus,
    ContactMode,
    ContactPurpose,
    GoalStatus,
    Instrument,
    Occasion,
    Participant,
    StrengthKind,
    SupportLevel,
)
from domain.community import AssetConnection, CommunityAsset
from domain.contact import ContactDetails, SupportContact
from domain.involvement import Involvement
from domain.outcomes import OutcomeRecord
from workers import seed_casework_names as w

Change = Callable[[Involvement, datetime], None]
Step = Callable[[], None]
P = ContactPurpose
PURPOSES = (
    P.LISTENING,
    P.PLANNING,
    P.PRACTICAL_HELP,
    P.ADVOCACY,
    P.ACCOMPANYING,
    P.CONNECTING,
    P.CRISIS_SUPPORT,
)
PURPOSE_WEIGHTS = (30, 25, 20, 10, 8, 6, 3)
MODES = (ContactMode.IN_PERSON, ContactMode.PHONE, ContactMode.VIDEO, ContactMode.MESSAGE)
MODE_WEIGHTS = (50, 32, 5, 13)
MINUTES = {
    ContactMode.IN_PERSON: (30, 90),
    ContactMode.PHONE: (10, 45),
    ContactMode.VIDEO: (20, 60),
    ContactMode.MESSAGE: (2, 10),
}
# A goal's fate, by a uniform draw: achieved below 0.45, changed below 0.55, dropped below 0.62.
GOAL_CHANGES = (
    (GoalStatus.ACHIEVED, 0.45),
    (GoalStatus.CHANGED, 0.55),
    (GoalStatus.DROPPED, 0.62),
)
INSTRUMENTS = ((Instrument.SWEMWBS, 1.0), (Instrument.UCLA3, 0.8), (Instrument.ONS4, 0.5))


class Case:
    """Steps planned in any order, each with its date; ``run`` applies them oldest first."""

    def __init__(
        self,
        app: LacApplication,
        involvement: Involvement,
        actor: UUID,
        rng: random.Random,
        until: datetime,
    ) -> None:
        self.app = app
        self.involvement = involvement
        self.actor = actor
        self.rng = rng
        self.opened: datetime = involvement.opened_at
        self.until = until
        self._steps: list[tuple[datetime, int, Step]] = []
        self._made: list[Any] = [involvement]
        self._connections: dict[UUID, AssetConnection] = {}
        self._counts: Counter[str] = Counter()

    def run(self, counts: Counter[str]) -> list[Any]:
        for _, _, step in sorted(self._steps, key=lambda s: (s[0], s[1])):
            step()
        counts.update(self._counts)
        return self._made

    def new_id(self) -> UUID:
        return UUID(int=self.rng.getrandbits(128), version=4)

    def at(self, when: datetime, step: Step) -> None:
        self._steps.append((when, len(self._steps), step))

    def change(self, when: datetime, change: Change, counted: str | None = None) -> None:
        """A change to the involvement, dated as change_involvement would check it."""

        def step() -> None:
            change(self.involvement, self.app._when(when, self.opened))
            if counted:
                self._counts[counted] += 1

        self.at(when, step)

    # the involvement ------------------------------------------------------------------------

    def strengths(self) -> Change:
        rng = self.rng
        found = {StrengthKind.PERSONAL: rng.sample(w.STRENGTHS["personal"], rng.randint(1, 2))}
        for kind in (StrengthKind.FAMILY, StrengthKind.COMMUNITY):
            if rng.random() < 0.6:
                found[kind] = [rng.choice(w.STRENGTHS[kind.value])]
        return lambda i, at: i.record_strengths(found, self.actor, at)

    def walk_alongside(self, involvement: Involvement, at: datetime) -> None:
        involvement.change_support_level(SupportLevel.WALKING_ALONGSIDE, self.actor, at)

    def next_action(self, when: datetime, due_in_days: int) -> None:
        action = self.rng.choice(w.NEXT_ACTIONS)
        due = when.date() + timedelta(days=due_in_days)
        self.change(when, lambda i, at: i.set_next_action(action, due, self.actor, at))

    def goals(self, when: datetime, later: list[datetime]) -> None:
        """1-3 goals; some achieved, changed or dropped at a later contact."""
        rng = self.rng
        for text in rng.sample(w.GOALS, rng.choices((1, 2, 3), (40, 40, 20))[0]):
            goal = self.new_id()
            self._goal(when, goal, text)
            chance = rng.random()
            for status, below in GOAL_CHANGES:
                if chance < below:
                    if later:
                        self._goal_status(rng.choice(later), goal, status)
                    break

    def _goal(self, when: datetime, goal: UUID, text: str) -> None:
        self.change(when, lambda i, at: i.set_goal(goal, text, self.actor, at))

    def _goal_status(self, when: datetime, goal: UUID, status: GoalStatus) -> None:
        self.change(when, lambda i, at: i.change_goal(goal, status, self.actor, at))

    def measures(self, when: datetime, follow_up: datetime | None) -> None:
        """Baselines at ``when``; follow-ups (if any), a little better on average."""
        for instrument, share in INSTRUMENTS:
            if self.rng.random() >= share:
                continue
            baseline = _items(self.rng, instrument, None)
            self._measure(when, instrument, Occasion.BASELINE, baseline)
            if follow_up is not None:
                after = _items(self.rng, instrument, baseline)
                self._measure(follow_up, instrument, Occasion.FOLLOW_UP, after)

    def _measure(
        self, when: datetime, instrument: Instrument, occasion: Occasion, items: list[int]
    ) -> None:
        measure, taken = self.new_id(), when.date()
        self.change(
            when,
            lambda i, at: i.record_measure(
                measure, instrument, occasion, taken, items, self.actor, at
            ),
            "measures",
        )

    def outcome(self, when: datetime, record: OutcomeRecord) -> None:
        outcome = self.new_id()
        self.change(
            when, lambda i, at: i.record_outcome(outcome, record, self.actor, at), "outcomes"
        )

    def pause(self, when: datetime, note: str) -> None:
        self.change(when, lambda i, at: i.pause(note, self.actor, at))

    # contacts and connections ---------------------------------------------------------------

    def contact(self, when: datetime, index: int, assets: tuple[UUID, ...]) -> None:
        rng = self.rng
        if index == 0:
            purposes = [P.LISTENING, *([P.PLANNING] if rng.random() < 0.5 else [])]
        else:
            purposes = rng.choices(PURPOSES, PURPOSE_WEIGHTS, k=rng.choice((1, 1, 2)))
        purposes += [P.CONNECTING] if assets else []
        in_person = assets or P.ACCOMPANYING in purposes or (index == 0 and rng.random() < 0.8)
        mode = ContactMode.IN_PERSON if in_person else rng.choices(MODES, MODE_WEIGHTS)[0]
        low, high = (60, 180) if P.ACCOMPANYING in purposes else MINUTES[mode]
        people = [Participant.PERSON if rng.random() < 0.95 else Participant.PROFESSIONAL]
        if mode is not ContactMode.MESSAGE:
            people += [Participant.CARER_OR_FAMILY] if rng.random() < 0.18 else []
            people += [Participant.PROFESSIONAL] if rng.random() < 0.12 else []
        details = ContactDetails(
            contact_at=when,
            duration_minutes=rng.randint(low, high),
            mode=mode,
            participants=tuple(people),
            purposes=tuple(purposes),
            notes=rng.choice(w.CONTACT_NOTES[purposes[0]]),
            asset_ids=assets,
        )
        contact_id = self.new_id()

        def step() -> None:
            # The assets come from the directory this run loaded or listed, so they exist;
            # looking each one up again would only cost a read per contact.
            checked = self.app._checked_contact(replace(details, asset_ids=()), self.involvement)
            checked = replace(checked, asset_ids=tuple(dict.fromkeys(assets)))
            contact = SupportContact._create(
                SupportContact.Logged,
                id=contact_id,
                person_id=self.involvement.person_id,
                involvement_id=self.involvement.id,
                district=self.involvement.district,
                actor_id=self.actor,
                **checked.state(),
            )
            self._made.append(contact)
            self._counts["contacts"] += 1

        self.at(when, step)

    def connection(
        self, asset: CommunityAsset, steps: list[tuple[datetime, ConnectionStatus, str | None]]
    ) -> None:
        for when, status, note in steps:
            self.at(when, self._connection_step(asset, when, status, note))

    def _connection_step(
        self, asset: CommunityAsset, when: datetime, status: ConnectionStatus, note: str | None
    ) -> Step:
        def step() -> None:
            at = self.app._when(when, self.opened)
            existing = self._connections.get(asset.id)
            if existing is not None:
                existing.step(status, note, self.actor, at)
                return
            asset._live("introduce someone to")
            connection = AssetConnection(
                person_id=self.involvement.person_id,
                asset_id=asset.id,
                district=asset.district,
                note=note,
                actor_id=self.actor,
                occurred_at=at,
            )
            self._connections[asset.id] = connection
            self._made.append(connection)
            self._counts["connections"] += 1

        return step


def _items(rng: random.Random, instrument: Instrument, baseline: list[int] | None) -> list[int]:
    """Plausible items for people seeking support; a follow-up is modestly better on average."""
    if instrument is Instrument.SWEMWBS:
        if baseline is None:
            return rng.choices((1, 2, 3, 4, 5), (10, 30, 35, 20, 5), k=7)
        return [_clip(v + rng.choices((-1, 0, 1, 2), (10, 50, 32, 8))[0], 1, 5) for v in baseline]
    if instrument is Instrument.UCLA3:
        if baseline is None:
            return rng.choices((1, 2, 3), (15, 45, 40), k=3)
        return [_clip(v + rng.choices((-1, 0, 1), (35, 55, 10))[0], 1, 3) for v in baseline]
    if baseline is None:
        return [rng.randint(2, 7), rng.randint(2, 7), rng.randint(2, 7), rng.randint(3, 9)]
    better = [_clip(v + rng.choices((-1, 0, 1, 2), (10, 35, 35, 20))[0], 0, 10) for v in baseline]
    better[3] = _clip(baseline[3] + rng.choices((-2, -1, 0, 1), (20, 30, 35, 15))[0], 0, 10)
    return better


def _clip(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))
