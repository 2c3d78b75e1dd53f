"""Support contacts: each time a coordinator and a person meet, talk or message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.codes import ContactMode, ContactPurpose, Participant
from domain.errors import InvalidField, InvalidTransition
from domain.reference import check_text
from domain.sealing import PersonalData

MAX_MINUTES = 12 * 60
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class ContactDetails:
    """What happened at a contact, checked on the way in."""

    contact_at: datetime
    duration_minutes: int
    mode: ContactMode
    participants: tuple[Participant, ...]
    purposes: tuple[ContactPurpose, ...]
    notes: str | None = None
    asset_ids: tuple[UUID, ...] = ()

    def checked(self, now: datetime) -> ContactDetails:
        if self.contact_at.tzinfo is None:
            raise InvalidField("contact_at", "must include a time zone")
        if self.contact_at > now + CLOCK_SKEW:
            raise InvalidField("contact_at", "must not be in the future")
        if not 1 <= self.duration_minutes <= MAX_MINUTES:
            raise InvalidField("duration_minutes", f"must be 1 to {MAX_MINUTES} minutes")
        if not self.participants:
            raise InvalidField("participants", "say who took part")
        if not self.purposes:
            raise InvalidField("purposes", "give at least one purpose")
        notes = check_text("notes", self.notes, 5000, required=False) if self.notes else None
        return ContactDetails(
            self.contact_at,
            self.duration_minutes,
            self.mode,
            tuple(dict.fromkeys(self.participants)),
            tuple(dict.fromkeys(self.purposes)),
            notes or None,
            tuple(dict.fromkeys(self.asset_ids)),
        )

    def state(self) -> dict[str, Any]:
        return {
            "contact_at": self.contact_at,
            "duration_minutes": self.duration_minutes,
            "mode": self.mode,
            "participants": list(self.participants),
            "purposes": list(self.purposes),
            "notes": self.notes,
            "asset_ids": list(self.asset_ids),
        }


class SupportContact(Aggregate):
    """One contact; corrected by later events, never edited."""

    class Logged(Aggregate.Created, PersonalData):
        personal_fields = ("notes",)
        person_id: UUID
        involvement_id: UUID
        district: str
        contact_at: datetime
        duration_minutes: int
        mode: ContactMode
        participants: list[Participant]
        purposes: list[ContactPurpose]
        notes: str | None
        asset_ids: list[UUID]
        actor_id: UUID

    class Corrected(Aggregate.Event, PersonalData):
        personal_fields = ("notes", "why")
        person_id: UUID
        contact_at: datetime
        duration_minutes: int
        mode: ContactMode
        participants: list[Participant]
        purposes: list[ContactPurpose]
        notes: str | None
        asset_ids: list[UUID]
        why: str | None
        actor_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.contact_at = self.contact_at

    class Withdrawn(Aggregate.Event, PersonalData):
        personal_fields = ("why",)
        person_id: UUID
        why: str | None
        actor_id: UUID

    @event(Logged)
    def __init__(
        self,
        person_id: UUID,
        involvement_id: UUID,
        district: str,
        contact_at: datetime,
        duration_minutes: int,
        mode: ContactMode,
        participants: list[Participant],
        purposes: list[ContactPurpose],
        notes: str | None,
        asset_ids: list[UUID],
        actor_id: UUID,
    ) -> None:
        self.person_id = person_id
        self.involvement_id = involvement_id
        self.contact_at = contact_at
        self.withdrawn = False

    def correct(self, details: ContactDetails, why: str, actor_id: UUID) -> None:
        if self.withdrawn:
            raise InvalidTransition(
                "support contact",
                self.id,
                "correct",
                "withdrawn",
                "a withdrawn contact stays withdrawn",
            )
        self.trigger_event(
            self.Corrected,
            person_id=self.person_id,
            **details.state(),
            why=check_text("why", why, 500),
            actor_id=actor_id,
        )

    def withdraw(self, why: str, actor_id: UUID) -> None:
        if self.withdrawn:
            raise InvalidTransition(
                "support contact", self.id, "withdraw", "withdrawn", "it was already withdrawn"
            )
        self._withdrawn(self.person_id, check_text("why", why, 500), actor_id)

    @event(Withdrawn)
    def _withdrawn(self, person_id: UUID, why: str | None, actor_id: UUID) -> None:
        self.withdrawn = True
