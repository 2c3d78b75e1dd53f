"""The application's own device commands, run on a simulated calendar for the seed.

The device commands date what they record by "today" (a reservation is made today, an item is
received no later than today). To seed a past scheme year, ``Clerk`` mixes in the very same
``DeviceCommands`` and gives them the simulated day as "today", keeping every aggregate it
loads or makes in memory; ``save`` then writes them all to the application in one transaction.
Every rule the commands and aggregates check still holds.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from domain.application import LacApplication, Recorded
from domain.device_commands import DeviceCommands
from domain.errors import InvalidField, RecordNotFound
from domain.person import Person
from workers.seed_casework import save_in_parts


def new_id(rng: random.Random) -> UUID:
    """A version-4 UUID drawn from the seed's generator, so that the same seed gives it again."""
    return UUID(int=rng.getrandbits(128), version=4)


class Held:
    """Aggregates held in memory, in front of the application's event store."""

    def __init__(self, app: LacApplication) -> None:
        self.app = app
        self.aggregates: dict[UUID, Any] = {}

    def __contains__(self, aggregate_id: object) -> bool:
        if aggregate_id in self.aggregates:
            return True
        return isinstance(aggregate_id, UUID) and bool(
            self.app.recorder.select_events(aggregate_id, limit=1)
        )


class Clerk(DeviceCommands):
    """Device commands on aggregates held in memory, dated by ``now`` (set with ``on``)."""

    def __init__(self, app: LacApplication) -> None:
        self.app = app
        self.repository = Held(app)
        self.now = datetime(2000, 1, 1, tzinfo=UTC)

    def on(self, day: date, minutes: int = 0) -> None:
        """Make ``day`` today (at nine plus ``minutes``); it must not be in the real future."""
        when = datetime.combine(day, time(9, tzinfo=UTC)) + timedelta(minutes=minutes)
        if when > datetime.now(UTC):
            raise InvalidField("on", "must not be in the future")
        self.now = when

    def save(self) -> int:
        """Write every new event of the held aggregates; returns how many were written."""
        return save_in_parts(self.app, list(self.repository.aggregates.values()))

    # what DeviceCommands needs of the application ----------------------------------------

    def _recorded(self, *aggregates: Any) -> Recorded:
        for aggregate in aggregates:
            self.repository.aggregates[aggregate.id] = aggregate
        first = aggregates[0]
        return Recorded(first.id, first.version, 0)

    def _get(self, cls: type[Any], record: str, record_id: UUID) -> Any:
        found = self.repository.aggregates.get(record_id)
        if found is None:
            found = self.app._get(cls, record, record_id)
            self.repository.aggregates[record_id] = found
        if not isinstance(found, cls):
            raise RecordNotFound(record, record_id)
        return found

    def _when(self, occurred_at: datetime | None, not_before: datetime | None = None) -> datetime:
        if occurred_at is None:
            return self.now
        if occurred_at > self.now or (not_before is not None and occurred_at < not_before):
            raise InvalidField("occurred_at", "must be between the record's start and today")
        return occurred_at

    def get_person(self, person_id: UUID) -> Person:
        person: Person = self._get(Person, "person", person_id)
        return person

    def _new_referral(self, *args: Any) -> Any:
        return self.app._new_referral(*args)

    def link_carer_aggregate(self, carer: Person, cares_for_id: UUID, actor_id: UUID) -> bool:
        if carer.cares_for_id == cares_for_id:
            return False
        return carer.link_carer(cares_for_id, "carer in the same home", actor_id, self.now)

    def held(self, aggregate_id: UUID) -> Any:
        """An aggregate this clerk made or loaded."""
        return self.repository.aggregates[aggregate_id]
