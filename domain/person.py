"""A person known to the service: who they are (sealed), where they live (analytic), whom
they care for, and what they consent to (see domain.consent)."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.consent import (
    Consent,
    ConsentHow,
    ConsentScope,
    check_day,
    check_note,
    require_consent,
)
from domain.errors import ConsentNotGiven, InvalidField
from domain.person_details import (
    ANALYTIC,
    ETHNIC_GROUPS,
    PERSONAL,
    SEXES,
    PersonDetails,
)
from domain.reference import check_text
from domain.sealing import PersonalData

__all__ = [
    "ANALYTIC",
    "ETHNIC_GROUPS",
    "PERSONAL",
    "SEXES",
    "NhsNumberClaim",
    "Person",
    "PersonDetails",
]


class PersonEvent(PersonalData):
    """A person's own events are sealed under that person's key."""

    def data_subject_id(self) -> UUID:
        subject: UUID = getattr(self, "originator_id")  # noqa: B009
        return subject


class Person(Aggregate):
    """Someone the coordinators support or a social worker refers."""

    class Registered(Aggregate.Created, PersonEvent):
        personal_fields = ("personal",)
        personal: dict[str, Any] | None
        analytic: dict[str, Any]
        actor_id: UUID
        occurred_at: datetime

    class DetailsCorrected(Aggregate.Event, PersonEvent):
        personal_fields = ("personal",)
        personal: dict[str, Any] | None
        analytic: dict[str, Any]
        actor_id: UUID
        occurred_at: datetime

    class CarerLinked(Aggregate.Event, PersonEvent):
        personal_fields = ("relationship",)
        cares_for_id: UUID
        relationship: str | None
        actor_id: UUID
        occurred_at: datetime

    class ConsentGiven(Aggregate.Event, PersonEvent):
        personal_fields = ("note",)
        scope: str
        how: str
        given_on: date
        note: str | None
        actor_id: UUID
        occurred_at: datetime

    class ConsentWithdrawn(Aggregate.Event, PersonEvent):
        personal_fields = ("note",)
        scope: str
        on: date
        note: str | None
        actor_id: UUID
        occurred_at: datetime

    class SharedWithHealth(Aggregate.Event, PersonEvent):
        """What was shared with the person's GP practice (under consent to share)."""

        personal_fields = ("practice", "summary")
        share_id: UUID
        practice: str | None
        summary: str | None
        outcome_ids: list[UUID]
        actor_id: UUID
        occurred_at: datetime

    @event(Registered)
    def __init__(
        self,
        personal: dict[str, Any] | None,
        analytic: dict[str, Any],
        actor_id: UUID,
        occurred_at: datetime,
    ) -> None:
        self.personal: dict[str, Any] = dict(personal or {})
        self.analytic: dict[str, Any] = dict(analytic)
        self.cares_for_id: UUID | None = None
        self.carer_relationship: str | None = None
        self.consents: dict[ConsentScope, Consent] = {}

    @property
    def nhs_number(self) -> str | None:
        value = self.personal.get("nhs_number")
        return str(value) if value else None

    def details(self) -> PersonDetails:
        values = {**self.personal, **self.analytic}
        names = {f.name for f in fields(PersonDetails)}
        return PersonDetails(**{k: v for k, v in values.items() if k in names})

    def correct(
        self, new: PersonDetails, actor_id: UUID, occurred_at: datetime, today: date
    ) -> bool:
        """Record corrected details; returns False (and records nothing) when nothing changed."""
        personal = {k: v for k, v in new.personal().items() if self.personal.get(k) != v}
        analytic = {k: v for k, v in new.analytic(today).items() if self.analytic.get(k) != v}
        if not personal and not analytic:
            return False
        self._details_corrected(personal or None, analytic, actor_id, occurred_at)
        return True

    @event(DetailsCorrected)
    def _details_corrected(
        self,
        personal: dict[str, Any] | None,
        analytic: dict[str, Any],
        actor_id: UUID,
        occurred_at: datetime,
    ) -> None:
        self.personal.update(personal or {})
        self.analytic.update(analytic)

    def link_carer(
        self, cares_for_id: UUID, relationship: str, actor_id: UUID, occurred_at: datetime
    ) -> bool:
        """Record the link; returns False (recording nothing) when it is already so."""
        if cares_for_id == self.id:
            raise InvalidField("cares_for_id", "a person cannot be their own carer")
        text = check_text("relationship", relationship, 60)
        if (cares_for_id, text) == (self.cares_for_id, self.carer_relationship):
            return False
        self._carer_linked(cares_for_id, text, actor_id, occurred_at)
        return True

    @event(CarerLinked)
    def _carer_linked(
        self, cares_for_id: UUID, relationship: str | None, actor_id: UUID, occurred_at: datetime
    ) -> None:
        self.cares_for_id = cares_for_id
        self.carer_relationship = relationship

    # consent (see domain.consent) ------------------------------------------------------------

    def give_consent(
        self,
        scope: ConsentScope,
        how: ConsentHow,
        given_on: date,
        note: str | None,
        actor_id: UUID,
        when: datetime,
    ) -> None:
        day = check_day("given_on", given_on, when.date())
        self._consent_given(scope.value, how.value, day, check_note(note), actor_id, when)

    @event(ConsentGiven)
    def _consent_given(
        self,
        scope: str,
        how: str,
        given_on: date,
        note: str | None,
        actor_id: UUID,
        occurred_at: datetime,
    ) -> None:
        key = ConsentScope(scope)
        self.consents[key] = Consent(key, ConsentHow(how), given_on)

    def withdraw_consent(
        self, scope: ConsentScope, on: date, note: str | None, actor_id: UUID, when: datetime
    ) -> None:
        current = self.consents.get(scope)
        if current is None or not current.given:
            raise ConsentNotGiven(self.id, scope.label, withdrawn=current is not None)
        if on < current.given_on:
            raise InvalidField(
                "on", f"must not be before the consent was given ({current.given_on})"
            )
        day = check_day("on", on, when.date())
        self._consent_withdrawn(scope.value, day, check_note(note), actor_id, when)

    @event(ConsentWithdrawn)
    def _consent_withdrawn(
        self, scope: str, on: date, note: str | None, actor_id: UUID, occurred_at: datetime
    ) -> None:
        key = ConsentScope(scope)
        self.consents[key] = replace(self.consents[key], withdrawn_on=on)

    def share_with_health(
        self,
        share_id: UUID,
        practice: str,
        summary: str,
        outcome_ids: list[UUID],
        actor_id: UUID,
        when: datetime,
    ) -> None:
        require_consent(self, ConsentScope.HEALTH_SHARING)
        self.trigger_event(
            self.SharedWithHealth,
            share_id=share_id,
            practice=check_text("practice", practice, 200),
            summary=check_text("summary", summary, 4000),
            outcome_ids=list(outcome_ids),
            actor_id=actor_id,
            occurred_at=when,
        )


class NhsNumberClaim(Aggregate):
    """Holds one NHS number for one person, so that no two people share it.

    Its id is a keyed hash of the number (see ``LacApplication.claim_id``), saved atomically
    with the person: a second registration with the same number conflicts.
    """

    class Claimed(Aggregate.Created):
        claim_id: UUID
        person_id: UUID

    class Released(Aggregate.Event):
        pass

    class Reclaimed(Aggregate.Event):
        person_id: UUID

    @staticmethod
    def create_id(claim_id: UUID) -> UUID:
        return claim_id

    @event(Claimed)
    def __init__(self, claim_id: UUID, person_id: UUID) -> None:
        self.person_id: UUID | None = person_id

    @event(Released)
    def release(self) -> None:
        self.person_id = None

    @event(Reclaimed)
    def reclaim(self, person_id: UUID) -> None:
        self.person_id = person_id
