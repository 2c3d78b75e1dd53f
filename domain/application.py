"""The one eventsourcing Application: the service layer and unit of work.

Its commands come in mixins by area: referrals, casework, the device scheme, reporting, data
protection (erasure, subject access, retention); people and the infrastructure (sealing,
transcodings, positions) are here.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError as StaleSave
from eventsourcing.persistence import JSONTranscoder, Mapper

from domain.casework import CaseworkCommands
from domain.cipher_cache import KeyStore
from domain.codes import CASEWORK_ENUMS
from domain.device_codes import DEVICE_ENUMS
from domain.device_commands import DeviceCommands
from domain.erasure import DataProtectionCommands, ErasureFeed, ErasureGround
from domain.errors import DuplicatePerson, InvalidField, RecordNotFound
from domain.keys import RecorderKeyStore
from domain.person import NhsNumberClaim, Person, PersonDetails
from domain.recorded import Recorded
from domain.reference import (
    NOTTINGHAMSHIRE_DISTRICTS,
    Programme,
    ReferralSource,
    ReferralStatus,
)
from domain.referral_commands import Authorise, ReferralCommands
from domain.reporting import ReportingCommands
from domain.sealing import SealingMapper
from domain.transcodings import DateAsISO, enum_transcoding

CLOCK_SKEW = timedelta(minutes=5)
# Nothing this service records happened before the year 2000 (a typo guard, not a rule).
EARLIEST_YEAR = 1999


class LacApplication(
    ReferralCommands,
    CaseworkCommands,
    DeviceCommands,
    ReportingCommands,
    DataProtectionCommands,
    Application[UUID],
):
    """Records people and referrals; every personal field sealed under the person's key."""

    name = "lac"

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        *,
        claim_secret: bytes,
        districts: tuple[str, ...] = NOTTINGHAMSHIRE_DISTRICTS,
        key_store: KeyStore | None = None,
    ) -> None:
        super().__init__(env)
        self.claim_secret = claim_secret
        self.districts = districts
        create = self.env.get("CREATE_TABLE", "y").lower() not in ("n", "no", "false", "0")
        self.keys = key_store or RecorderKeyStore(
            self.recorder, f"{self.name}_person_keys", create_table=create
        )
        # Erasures recorded by other processes reach this one's cipher cache through the log.
        self.sealing.use_keys(
            self.keys, revocations=ErasureFeed(self.recorder, self.mapper.to_domain_event)
        )

    # infrastructure ------------------------------------------------------------------------

    def construct_mapper(self) -> Mapper[UUID]:
        return SealingMapper(
            transcoder=self.construct_transcoder(),
            compressor=self.factory.compressor(),
            cipher=self.factory.cipher(),
        )

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        enums: tuple[type[Enum], ...] = (
            Programme,
            ReferralSource,
            ReferralStatus,
            ErasureGround,
        )
        for enum_cls in (*enums, *CASEWORK_ENUMS, *DEVICE_ENUMS):
            transcoder.register(enum_transcoding(enum_cls))

    @property
    def sealing(self) -> SealingMapper:
        assert isinstance(self.mapper, SealingMapper)
        return self.mapper

    def log_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def _saved(self, *aggregates: Any) -> int:
        recordings = self.save(*aggregates)
        position = max((r.notification.id for r in recordings), default=None)
        return self.log_position() if position is None else position

    # people --------------------------------------------------------------------------------

    def claim_id(self, nhs_number: str) -> UUID:
        """A keyed hash of the NHS number: one claim per number, unreadable without the key."""
        digest = hmac.new(self.claim_secret, f"nhs:{nhs_number}".encode(), hashlib.sha256)
        return UUID(bytes=digest.digest()[:16], version=5)

    def register_person(
        self,
        details: PersonDetails,
        actor_id: UUID,
        *,
        person_id: UUID | None = None,
        occurred_at: datetime | None = None,
    ) -> Recorded:
        person, claims = self._new_person(details, actor_id, person_id, self._when(occurred_at))
        return Recorded(person.id, person.version, self._save_registration(person, claims))

    def _save_registration(self, person: Person, claims: list[NhsNumberClaim], *more: Any) -> int:
        """Save; when another registration of the same NHS number won a race, say whose."""
        try:
            return self._saved(person, *claims, *more)
        except StaleSave:
            number = person.nhs_number
            existing = self.find_by_nhs_number(number) if number else None
            if existing is not None and existing != person.id:
                raise DuplicatePerson(existing) from None
            raise

    def _new_person(
        self, details: PersonDetails, actor_id: UUID, person_id: UUID | None, when: datetime
    ) -> tuple[Person, list[NhsNumberClaim]]:
        checked = details.checked(self.districts, when.date())
        person = Person._create(
            Person.Registered,
            id=person_id,
            personal=checked.personal(),
            analytic=checked.analytic(when.date()),
            actor_id=actor_id,
            occurred_at=when,
        )
        return person, self._claims_for(person.id, None, checked.nhs_number)

    def correct_person(
        self,
        person_id: UUID,
        details: PersonDetails,
        actor_id: UUID,
        occurred_at: datetime | None = None,
    ) -> Recorded:
        when = self._when(occurred_at)
        person = self.get_person(person_id)
        checked = details.checked(self.districts, when.date())
        old_number = person.nhs_number
        if not person.correct(checked, actor_id, when, when.date()):
            return Recorded(person.id, person.version, self.log_position())
        claims = self._claims_for(person.id, old_number, checked.nhs_number)
        return Recorded(person.id, person.version, self._saved(person, *claims))

    def link_carer(
        self,
        carer_id: UUID,
        cares_for_id: UUID,
        relationship: str,
        actor_id: UUID,
        occurred_at: datetime | None = None,
    ) -> Recorded:
        carer = self.get_person(carer_id)
        self.get_person(cares_for_id)
        if not carer.link_carer(cares_for_id, relationship, actor_id, self._when(occurred_at)):
            return Recorded(carer.id, carer.version, self.log_position())
        return Recorded(carer.id, carer.version, self._saved(carer))

    def link_carer_aggregate(self, carer: Person, cares_for_id: UUID, actor_id: UUID) -> bool:
        """Link a carer to the person they care for, unless already so (nothing saved)."""
        if carer.cares_for_id == cares_for_id:
            return False
        return carer.link_carer(cares_for_id, "carer in the same home", actor_id, self._when(None))

    def _claims_for(
        self, person_id: UUID, old: str | None, new: str | None
    ) -> list[NhsNumberClaim]:
        if old == new:
            return []
        claims: list[NhsNumberClaim] = []
        if old:
            released: NhsNumberClaim = self.repository.get(self.claim_id(old))
            released.release()
            claims.append(released)
        if new:
            claims.append(self._claim(new, person_id))
        return claims

    def _claim(self, nhs_number: str, person_id: UUID) -> NhsNumberClaim:
        claim_id = self.claim_id(nhs_number)
        try:
            claim: NhsNumberClaim = self.repository.get(claim_id)
        except AggregateNotFoundError:
            return NhsNumberClaim(claim_id=claim_id, person_id=person_id)
        if claim.person_id is not None:
            raise DuplicatePerson(claim.person_id)
        claim.reclaim(person_id)
        return claim

    def find_by_nhs_number(self, nhs_number: str) -> UUID | None:
        try:
            claim: NhsNumberClaim = self.repository.get(self.claim_id(nhs_number))
        except AggregateNotFoundError:
            return None
        return claim.person_id

    def get_person(self, person_id: UUID) -> Person:
        person: Person = self._get(Person, "person", person_id)
        return person

    # history -------------------------------------------------------------------------------

    def history(self, aggregate_id: UUID) -> Iterator[DomainEventProtocol[UUID]]:
        """Every event of one record, oldest first."""
        return iter(self.events.get(aggregate_id))

    # helpers -------------------------------------------------------------------------------

    def _get(self, cls: type[Any], record: str, record_id: UUID) -> Any:
        try:
            aggregate: Any = self.repository.get(record_id)
        except AggregateNotFoundError:
            raise RecordNotFound(record, record_id) from None
        if not isinstance(aggregate, cls):
            raise RecordNotFound(record, record_id)
        return aggregate

    @staticmethod
    def _when(occurred_at: datetime | None, not_before: datetime | None = None) -> datetime:
        now = datetime.now(UTC)
        if occurred_at is None:
            return now
        if occurred_at.tzinfo is None:
            raise InvalidField("occurred_at", "must include a time zone (e.g. 2024-05-01T10:00Z)")
        if occurred_at.year < EARLIEST_YEAR + 1:  # checked before any time-zone arithmetic
            raise InvalidField("occurred_at", f"must be in {EARLIEST_YEAR + 1} or later")
        if occurred_at > now + CLOCK_SKEW:
            raise InvalidField("occurred_at", "must not be in the future")
        if not_before is not None and occurred_at < not_before:
            raise InvalidField(
                "occurred_at", f"must not be before the record began ({not_before:%Y-%m-%d %H:%M})"
            )
        return occurred_at.astimezone(UTC)


def today() -> date:
    return datetime.now(UTC).date()


__all__ = ["Authorise", "LacApplication", "Recorded", "today"]
