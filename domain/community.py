"""Community assets, people's connections to them, and community development work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.codes import AssetCategory, CommunityWorkKind, ConnectionStatus
from domain.errors import InvalidField, InvalidTransition
from domain.reference import check_text
from domain.sealing import PersonalData

CONNECTIONS = uuid5(NAMESPACE_URL, "lac:connection")
INTRO, AT, S, D = (
    ConnectionStatus.INTRODUCED,
    ConnectionStatus.ATTENDED,
    ConnectionStatus.STILL_CONNECTED,
    ConnectionStatus.DROPPED,
)


@dataclass(frozen=True)
class AssetDetails:
    """A group, place or activity as listed in the directory."""

    name: str
    category: AssetCategory
    district: str
    description: str | None = None
    contact: str | None = None
    accessibility: str | None = None
    last_verified_on: date | None = None

    def checked(self, districts: tuple[str, ...], today: date) -> AssetDetails:
        if self.district not in districts:
            raise InvalidField("district", f"unknown district {self.district!r}")
        if self.last_verified_on and self.last_verified_on > today:
            raise InvalidField("last_verified_on", "must not be in the future")
        return AssetDetails(
            check_text("name", self.name, 200),
            self.category,
            self.district,
            _optional("description", self.description, 2000),
            _optional("contact", self.contact, 300),
            _optional("accessibility", self.accessibility, 1000),
            self.last_verified_on,
        )


def _optional(field: str, value: str | None, limit: int) -> str | None:
    return (check_text(field, value, limit, required=False) or None) if value else None


class CommunityAsset(Aggregate):
    """An entry in the community assets directory (not personal data)."""

    class Listed(Aggregate.Created):
        details: dict[str, Any]
        actor_id: UUID

    class Updated(Aggregate.Event):
        details: dict[str, Any]
        actor_id: UUID

    class Verified(Aggregate.Event):
        verified_on: date
        actor_id: UUID

    class Retired(Aggregate.Event):
        reason: str
        actor_id: UUID

    @event(Listed)
    def __init__(self, details: dict[str, Any], actor_id: UUID) -> None:
        self.details = details
        self.retired = False

    def update(self, details: AssetDetails, actor_id: UUID) -> None:
        self._live("update")
        self._updated(vars(details).copy(), actor_id)

    @event(Updated)
    def _updated(self, details: dict[str, Any], actor_id: UUID) -> None:
        self.details = details

    def verify(self, on: date, actor_id: UUID) -> None:
        self._live("verify")
        self._verified(on, actor_id)

    @event(Verified)
    def _verified(self, verified_on: date, actor_id: UUID) -> None:
        self.details = {**self.details, "last_verified_on": verified_on}

    def retire(self, reason: str, actor_id: UUID) -> None:
        self._live("retire")
        self._retired(check_text("reason", reason, 500), actor_id)

    @event(Retired)
    def _retired(self, reason: str, actor_id: UUID) -> None:
        self.retired = True

    def _live(self, action: str) -> None:
        if self.retired:
            raise InvalidTransition(
                "community asset",
                self.id,
                action,
                "retired",
                "a retired asset is kept only for history",
            )

    @property
    def district(self) -> str:
        return str(self.details["district"])


def connection_id(person_id: UUID, asset_id: UUID) -> UUID:
    return uuid5(CONNECTIONS, f"{person_id}:{asset_id}")


class AssetConnection(Aggregate):
    """A person's connection to one asset: introduced -> attended -> still connected | dropped."""

    class Event(Aggregate.Event, PersonalData):
        personal_fields = ("note",)
        person_id: UUID
        note: str | None
        actor_id: UUID
        occurred_at: datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.status = STATUS_AFTER[type(self).__name__]

    class Introduced(Event, Aggregate.Created):
        asset_id: UUID
        district: str

        def apply(self, aggregate: Any) -> None:
            pass

    class Attended(Event):
        pass

    class StillConnected(Event):
        """Checked at follow-up: still going."""

    class Dropped(Event):
        pass

    class Reintroduced(Event):
        pass

    @staticmethod
    def create_id(person_id: UUID, asset_id: UUID) -> UUID:
        return connection_id(person_id, asset_id)

    @event(Introduced)
    def __init__(
        self,
        person_id: UUID,
        asset_id: UUID,
        district: str,
        note: str | None,
        actor_id: UUID,
        occurred_at: datetime,
    ) -> None:
        self.person_id = person_id
        self.asset_id = asset_id
        self.status = INTRO

    def step(self, to: ConnectionStatus, note: str | None, actor_id: UUID, when: datetime) -> None:
        allowed = {AT: (INTRO,), S: (AT, S), D: (INTRO, AT, S), INTRO: (D,)}[to]
        if self.status not in allowed:
            froms = " or ".join(a.value for a in allowed)
            raise InvalidTransition(
                "connection",
                self.id,
                f"mark as {to.value}",
                self.status.value,
                f"only from {froms}",
            )
        cls = {
            AT: self.Attended,
            S: self.StillConnected,
            D: self.Dropped,
            INTRO: self.Reintroduced,
        }[to]
        self.trigger_event(
            cls,
            person_id=self.person_id,
            note=_optional("note", note, 1000),
            actor_id=actor_id,
            occurred_at=when,
        )


STATUS_AFTER = {"Attended": AT, "StillConnected": S, "Dropped": D, "Reintroduced": INTRO}


class CommunityWork(Aggregate):
    """Community development not tied to one person: the coordinator's 20%."""

    class Recorded(Aggregate.Created):
        kind: CommunityWorkKind
        district: str
        asset_id: UUID | None
        description: str
        minutes: int
        occurred_on: date
        actor_id: UUID

    @event(Recorded)
    def __init__(
        self,
        kind: CommunityWorkKind,
        district: str,
        asset_id: UUID | None,
        description: str,
        minutes: int,
        occurred_on: date,
        actor_id: UUID,
    ) -> None:
        self.kind = kind
        self.district = district


def check_work(description: str, minutes: int, occurred_on: date, today: date) -> str:
    if not 1 <= minutes <= 24 * 60:
        raise InvalidField("minutes", "must be 1 to 1440")
    if occurred_on > today:
        raise InvalidField("occurred_on", "must not be in the future")
    return check_text("description", description, 2000)
