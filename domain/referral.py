"""A request for support: received, decided once (accepted, declined, redirected), closed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidField, InvalidTransition
from domain.reference import Programme, ReferralSource, ReferralStatus, check_text
from domain.sealing import PersonalData

MAX_REASONS = 20
DECIDED = (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.REDIRECTED)


def check_reasons(reasons: Iterable[str]) -> list[str]:
    """Trimmed reasons; at least one, none empty, none too long."""
    checked = [check_text("reasons", r, 1000) for r in reasons]
    if not checked:
        raise InvalidField("reasons", "give at least one reason for the referral")
    if len(checked) > MAX_REASONS:
        raise InvalidField("reasons", f"give at most {MAX_REASONS} reasons")
    return checked


class Referral(Aggregate):
    """Someone asks for support for a person, through one programme."""

    class Received(Aggregate.Created, PersonalData):
        personal_fields = ("referrer", "reasons")
        person_id: UUID
        programme: Programme
        source: ReferralSource
        referrer: str | None
        reasons: list[str] | None
        consent_to_share: bool
        actor_id: UUID
        occurred_at: datetime

    class Accepted(Aggregate.Event):
        coordinator_id: UUID
        actor_id: UUID
        occurred_at: datetime

    class Declined(Aggregate.Event, PersonalData):
        personal_fields = ("reason",)
        person_id: UUID
        reason: str | None
        actor_id: UUID
        occurred_at: datetime

    class Redirected(Aggregate.Event, PersonalData):
        personal_fields = ("redirected_to", "note")
        person_id: UUID
        redirected_to: str | None
        note: str | None
        actor_id: UUID
        occurred_at: datetime

    class Closed(Aggregate.Event, PersonalData):
        personal_fields = ("note",)
        person_id: UUID
        note: str | None
        actor_id: UUID
        occurred_at: datetime

    @event(Received)
    def __init__(
        self,
        person_id: UUID,
        programme: Programme,
        source: ReferralSource,
        referrer: str | None,
        reasons: list[str] | None,
        consent_to_share: bool,
        actor_id: UUID,
        occurred_at: datetime,
    ) -> None:
        self.person_id = person_id
        self.programme = programme
        self.source = source
        self.referrer = referrer
        self.reasons = list(reasons or [])
        self.consent_to_share = consent_to_share
        self.referred_by = actor_id
        self.received_at = occurred_at
        self.status = ReferralStatus.RECEIVED
        self.coordinator_id: UUID | None = None
        self.redirected_to: str | None = None

    def _require(self, action: str, allowed: tuple[ReferralStatus, ...], why: str) -> None:
        if self.status not in allowed:
            raise InvalidTransition("referral", self.id, action, self.status.value, why)

    def accept(self, coordinator_id: UUID, actor_id: UUID, occurred_at: datetime) -> None:
        self._require("accept", (ReferralStatus.RECEIVED,), "only a received referral is accepted")
        self._accepted(coordinator_id, actor_id, occurred_at)

    @event(Accepted)
    def _accepted(self, coordinator_id: UUID, actor_id: UUID, occurred_at: datetime) -> None:
        self.status = ReferralStatus.ACCEPTED
        self.coordinator_id = coordinator_id

    def decline(self, reason: str, actor_id: UUID, occurred_at: datetime) -> None:
        self._require("decline", (ReferralStatus.RECEIVED,), "only a received referral is declined")
        self._declined(self.person_id, check_text("reason", reason, 1000), actor_id, occurred_at)

    @event(Declined)
    def _declined(
        self, person_id: UUID, reason: str | None, actor_id: UUID, occurred_at: datetime
    ) -> None:
        self.status = ReferralStatus.DECLINED

    def redirect(
        self, redirected_to: str, note: str | None, actor_id: UUID, occurred_at: datetime
    ) -> None:
        self._require(
            "redirect", (ReferralStatus.RECEIVED,), "only a received referral is redirected"
        )
        to = check_text("redirected_to", redirected_to, 200)
        text = (check_text("note", note, 2000, required=False) or None) if note else None
        self._redirected(self.person_id, to, text, actor_id, occurred_at)

    @event(Redirected)
    def _redirected(
        self,
        person_id: UUID,
        redirected_to: str | None,
        note: str | None,
        actor_id: UUID,
        occurred_at: datetime,
    ) -> None:
        self.status = ReferralStatus.REDIRECTED
        self.redirected_to = redirected_to

    def close(self, note: str | None, actor_id: UUID, occurred_at: datetime) -> None:
        self._require("close", DECIDED, "a referral is decided before it is closed")
        text = (check_text("note", note, 2000, required=False) or None) if note else None
        self._closed(self.person_id, text, actor_id, occurred_at)

    @event(Closed)
    def _closed(
        self, person_id: UUID, note: str | None, actor_id: UUID, occurred_at: datetime
    ) -> None:
        self.status = ReferralStatus.CLOSED
