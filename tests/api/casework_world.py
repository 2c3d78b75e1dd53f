"""Shared by the casework read-model tests: writes casework through the domain application,
dated relative to `now`, and reads the projection back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import select

from domain.application import LacApplication
from domain.codes import (
    AssetCategory,
    ConnectionStatus,
    ContactMode,
    ContactPurpose,
    Instrument,
    Occasion,
    OutcomeDetail,
    OutcomeDomain,
    Participant,
    SupportLevel,
)
from domain.community import AssetDetails
from domain.consent import ConsentHow, GivenConsent
from domain.contact import ContactDetails
from domain.outcomes import OutcomeRecord
from domain.person import PersonDetails
from projections import casework_queries as q
from projections.casework_tables import involvements
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
            consent=GivenConsent(ConsentHow.VERBAL),  # agreed as the coordinator opened it
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


def _involvement(runtime: Runtime, person_id: UUID) -> Any:
    with runtime.engine.connect() as conn:
        return (
            conn.execute(select(involvements).where(involvements.c.person_id == person_id))
            .mappings()
            .one()
        )
