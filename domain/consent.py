"""Consent: what a person has agreed to, in three scopes, given and withdrawn; and which
recorded steps need which consent.

A person's consents live on their own record (``Person.ConsentGiven`` and
``Person.ConsentWithdrawn``, notes sealed under their key): given, then withdrawn, and given
again. A step that needs a consent is refused (409, naming the consent) unless it is in force.
``NEEDS`` says which recorded events need which scope: casework needs Local Area Coordination
support; a device loan's support sessions and tickets need the device scheme's terms. Closing
an involvement, ending a loan, and withdrawing or correcting records need none, so that a
person who withdraws consent can still have their support ended properly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from domain.community import AssetConnection
from domain.contact import SupportContact
from domain.errors import ConsentRequired, InvalidField
from domain.involvement import Involvement, involvement_id
from domain.loan import Loan
from domain.recorded import Recorded
from domain.reference import check_text
from domain.referral import Referral

if TYPE_CHECKING:
    from domain.person import Person

EARLIEST_YEAR = 2000
MAX_SHARED_OUTCOMES = 20


class ConsentScope(Enum):
    LAC_SUPPORT = "lac_support"
    HEALTH_SHARING = "health_sharing"
    DEVICE_TERMS = "device_terms"

    @property
    def label(self) -> str:
        """How a message names it: "Local Area Coordination support (lac_support)"."""
        return f"{LABELS[self]} ({self.value})"


LABELS = {
    ConsentScope.LAC_SUPPORT: "Local Area Coordination support",
    ConsentScope.HEALTH_SHARING: "sharing information with health (e.g. the GP)",
    ConsentScope.DEVICE_TERMS: "the device scheme's terms and conditions",
}


class ConsentHow(Enum):
    VERBAL = "verbal"
    WRITTEN = "written"
    VIA_REFERRER = "via_referrer"  # the referrer said the person agreed
    SIGNED_AGREEMENT = "signed_agreement"  # the device scheme's agreement, signed at hand-over


@dataclass(frozen=True)
class Consent:
    """A scope as it stands: given (how, on which day), and withdrawn on a day or not."""

    scope: ConsentScope
    how: ConsentHow
    given_on: date
    withdrawn_on: date | None = None

    @property
    def given(self) -> bool:
        return self.withdrawn_on is None


@dataclass(frozen=True)
class GivenConsent:
    """Consent the person gives as a step is taken (e.g. on the phone as Jo opens her
    involvement); ``given_on`` defaults to the day of the step."""

    how: ConsentHow
    given_on: date | None = None
    note: str | None = None


# Which recorded events need which consent in force (checked before anything is saved).
NEEDS: dict[ConsentScope, tuple[type[Any], ...]] = {
    ConsentScope.LAC_SUPPORT: (
        Involvement.Opened,
        Involvement.Reopened,
        Involvement.Resumed,
        Involvement.SupportLevelChanged,
        Involvement.WhatMattersRecorded,
        Involvement.StrengthsRecorded,
        Involvement.GoalSet,
        Involvement.GoalStatusChanged,
        Involvement.NextActionSet,
        Involvement.OutcomeRecorded,
        Involvement.MeasureRecorded,
        SupportContact.Logged,
        AssetConnection.Introduced,
        AssetConnection.Reintroduced,
        AssetConnection.Attended,
        AssetConnection.StillConnected,
    ),
    ConsentScope.DEVICE_TERMS: (Loan.SessionRecorded, Loan.TicketOpened),
}


def scopes_needed(*aggregates: Any) -> list[ConsentScope]:
    """The consents that the aggregates' unsaved events need."""
    events = [e for aggregate in aggregates for e in aggregate.pending_events]
    return [scope for scope, kinds in NEEDS.items() if any(isinstance(e, kinds) for e in events)]


def require_consent(person: Person, scope: ConsentScope) -> None:
    """ConsentRequired (a 409 naming the consent) unless the consent is in force."""
    current = person.consents.get(scope)
    if current is None or not current.given:
        raise ConsentRequired(person.id, scope.label, withdrawn=current is not None)


def check_consents(get_person: Callable[[UUID], Person], person_id: UUID, *aggregates: Any) -> None:
    """Refuse unsaved changes that need a consent not in force; reads the person only then."""
    needed = scopes_needed(*aggregates)
    if needed:
        person = get_person(person_id)
        for scope in needed:
            require_consent(person, scope)


def give_on_opening(
    person: Person,
    consent: GivenConsent | None,
    actor_id: UUID,
    when: datetime,
    referral: Referral | None = None,
) -> None:
    """Record the consent given as the involvement opens, or else through the referral it
    opens from (made with the person's consent to share); then it must be in force."""
    if consent is None and referral is not None and referral.person_id == person.id:
        given_via_referrer(person, referral.consent_to_share, actor_id, when)
    elif consent is not None:
        day = consent.given_on or when.date()
        person.give_consent(
            ConsentScope.LAC_SUPPORT, consent.how, day, consent.note, actor_id, when
        )
    require_consent(person, ConsentScope.LAC_SUPPORT)


def given_via_referrer(
    person: Person, consent_to_share: bool, actor_id: UUID, when: datetime
) -> bool:
    """A LAC referral made with the person's consent to share (accepted, or opened from)
    records their consent to Local Area Coordination support, given through the referrer,
    unless it is in force already; True when it is in force."""
    current = person.consents.get(ConsentScope.LAC_SUPPORT)
    if consent_to_share and (current is None or not current.given):
        how = ConsentHow.VIA_REFERRER
        person.give_consent(ConsentScope.LAC_SUPPORT, how, when.date(), None, actor_id, when)
        return True
    return current is not None and current.given


def check_day(field: str, day: date, today: date) -> date:
    if day > today:
        raise InvalidField(field, "must not be in the future")
    if day.year < EARLIEST_YEAR:
        raise InvalidField(field, f"must be in {EARLIEST_YEAR} or later")
    return day


def check_note(note: str | None) -> str | None:
    return (check_text("note", note, 1000, required=False) or None) if note else None


# sharing with health ------------------------------------------------------------------------


@dataclass(frozen=True)
class SharedOutcome:
    id: UUID
    domain: str
    detail: str | None
    occurred_on: date


@dataclass(frozen=True)
class HealthShare:
    """What was shared with the person's GP practice, when, and under which consent."""

    id: UUID
    practice: str | None
    summary: str | None
    outcomes: tuple[SharedOutcome, ...]
    shared_at: datetime
    actor_id: UUID


class ConsentCommands:
    """Mixed into LacApplication: record and withdraw consent, share with health."""

    if TYPE_CHECKING:

        def _saved(self, *aggregates: Any) -> int: ...
        def _when(
            self, occurred_at: datetime | None, not_before: datetime | None = None
        ) -> datetime: ...
        def get_person(self, person_id: UUID) -> Person: ...
        def history(self, aggregate_id: UUID) -> Iterator[Any]: ...

    def record_consent(
        self,
        person_id: UUID,
        scope: ConsentScope,
        how: ConsentHow,
        given_on: date | None,
        actor_id: UUID,
        note: str | None = None,
        *,
        occurred_at: datetime | None = None,
    ) -> Recorded:
        """Consent given (again, if it was withdrawn; renewed, e.g. in writing, if in force)."""
        person = self.get_person(person_id)
        when = self._when(occurred_at)
        person.give_consent(scope, how, given_on or when.date(), note, actor_id, when)
        return Recorded(person.id, person.version, self._saved(person))

    def withdraw_consent(
        self,
        person_id: UUID,
        scope: ConsentScope,
        on: date | None,
        actor_id: UUID,
        note: str | None = None,
        *,
        occurred_at: datetime | None = None,
    ) -> Recorded:
        """Consent withdrawn; 409 if it is not in force."""
        person = self.get_person(person_id)
        when = self._when(occurred_at)
        person.withdraw_consent(scope, on or when.date(), note, actor_id, when)
        return Recorded(person.id, person.version, self._saved(person))

    def share_with_health(
        self,
        person_id: UUID,
        practice: str,
        summary: str,
        outcome_ids: list[UUID],
        actor_id: UUID,
        share_id: UUID | None = None,
    ) -> Recorded:
        """Record what is shared with the person's GP practice; 409 without consent to share
        with health. The outcomes named must be on the person's involvement, not withdrawn."""
        person = self.get_person(person_id)
        require_consent(person, ConsentScope.HEALTH_SHARING)
        wanted = list(dict.fromkeys(outcome_ids))
        if len(wanted) > MAX_SHARED_OUTCOMES:
            raise InvalidField("outcome_ids", f"name at most {MAX_SHARED_OUTCOMES} outcomes")
        current = self._outcomes(person_id, withdrawn=False)
        if any(outcome_id not in current for outcome_id in wanted):
            raise InvalidField("outcome_ids", "name outcomes recorded on the person's involvement")
        new_id = share_id or uuid4()
        person.share_with_health(new_id, practice, summary, wanted, actor_id, self._when(None))
        return Recorded(new_id, person.version, self._saved(person))

    def health_share(self, person_id: UUID, share_id: UUID) -> HealthShare | None:
        """A share as recorded, or None."""
        return next((s for s in self.health_shares(person_id) if s.id == share_id), None)

    def health_shares(self, person_id: UUID) -> list[HealthShare]:
        """Everything shared with the person's GP practice, oldest first."""
        from domain.person import Person  # the person's module imports this one

        events = [e for e in self.history(person_id) if isinstance(e, Person.SharedWithHealth)]
        recorded = self._outcomes(person_id, withdrawn=True) if events else {}
        return [
            HealthShare(
                id=e.share_id,
                practice=e.practice,
                summary=e.summary,
                outcomes=tuple(recorded[i] for i in e.outcome_ids if i in recorded),
                shared_at=e.occurred_at,
                actor_id=e.actor_id,
            )
            for e in events
        ]

    def _outcomes(self, person_id: UUID, *, withdrawn: bool) -> dict[UUID, SharedOutcome]:
        """The outcomes recorded on the person's involvement (withdrawn ones too, if asked)."""
        found: dict[UUID, SharedOutcome] = {}
        for e in self.history(involvement_id(person_id)):
            if isinstance(e, Involvement.OutcomeRecorded):
                detail = e.detail.value if e.detail is not None else None
                found[e.outcome_id] = SharedOutcome(
                    e.outcome_id, e.domain.value, detail, e.occurred_on
                )
            elif isinstance(e, Involvement.OutcomeWithdrawn) and not withdrawn:
                found.pop(e.outcome_id, None)
        return found
