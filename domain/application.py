"""The one eventsourcing Application: the service layer and unit of work for casework."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import IntegrityError as StaleSave
from eventsourcing.persistence import JSONTranscoder, Mapper

from domain.casework import CaseworkCommands
from domain.codes import CASEWORK_ENUMS, SupportLevel
from domain.device_codes import DEVICE_ENUMS
from domain.device_commands import DeviceCommands
from domain.errors import DuplicatePerson, InvalidField, RecordNotFound
from domain.keys import RecorderKeyStore
from domain.person import NhsNumberClaim, Person, PersonDetails
from domain.reference import (
    NOTTINGHAMSHIRE_DISTRICTS,
    Programme,
    ReferralSource,
    ReferralStatus,
    check_text,
)
from domain.referral import Referral, check_reasons
from domain.sealing import KeyStore, SealingMapper
from domain.transcodings import DateAsISO, enum_transcoding

CLOCK_SKEW = timedelta(minutes=5)
# Nothing this service records happened before the year 2000 (a typo guard, not a rule).
EARLIEST_YEAR = 1999
# Called with the loaded referral before a step; raises to refuse (e.g. wrong programme).
Authorise = Callable[[Referral], None]


@dataclass(frozen=True)
class Recorded:
    """What a command recorded: the record's id, its new version and the log position."""

    id: UUID
    version: int
    position: int


class LacApplication(CaseworkCommands, DeviceCommands, Application[UUID]):
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
        self.sealing.use_keys(self.keys)

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
        enums: tuple[type[Enum], ...] = (Programme, ReferralSource, ReferralStatus)
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

    # referrals -----------------------------------------------------------------------------

    def make_referral(
        self,
        person_id: UUID,
        programme: Programme,
        source: ReferralSource,
        referrer: str | None,
        reasons: list[str],
        consent_to_share: bool,
        actor_id: UUID,
        *,
        referral_id: UUID | None = None,
        occurred_at: datetime | None = None,
    ) -> Recorded:
        self.get_person(person_id)
        referral = self._new_referral(
            person_id,
            programme,
            source,
            referrer,
            reasons,
            consent_to_share,
            actor_id,
            referral_id,
            self._when(occurred_at),
        )
        return Recorded(referral.id, referral.version, self._saved(referral))

    def register_and_refer(
        self,
        details: PersonDetails,
        programme: Programme,
        source: ReferralSource,
        referrer: str | None,
        reasons: list[str],
        consent_to_share: bool,
        actor_id: UUID,
        *,
        person_id: UUID | None = None,
        referral_id: UUID | None = None,
        occurred_at: datetime | None = None,
    ) -> tuple[Recorded, Recorded]:
        """Register a new person and refer them in one atomic save."""
        when = self._when(occurred_at)
        person, claims = self._new_person(details, actor_id, person_id, when)
        referral = self._new_referral(
            person.id,
            programme,
            source,
            referrer,
            reasons,
            consent_to_share,
            actor_id,
            referral_id,
            when,
        )
        position = self._save_registration(person, claims, referral)
        return (
            Recorded(person.id, person.version, position),
            Recorded(referral.id, referral.version, position),
        )

    @staticmethod
    def _new_referral(
        person_id: UUID,
        programme: Programme,
        source: ReferralSource,
        referrer: str | None,
        reasons: list[str],
        consent_to_share: bool,
        actor_id: UUID,
        referral_id: UUID | None,
        when: datetime,
    ) -> Referral:
        who = check_text("referrer", referrer, 300, required=False) if referrer else None
        return Referral._create(
            Referral.Received,
            id=referral_id,
            person_id=person_id,
            programme=programme,
            source=source,
            referrer=who,
            reasons=check_reasons(reasons),
            consent_to_share=consent_to_share,
            actor_id=actor_id,
            occurred_at=when,
        )

    def accept_referral(
        self,
        referral_id: UUID,
        coordinator_id: UUID,
        actor_id: UUID,
        occurred_at: datetime | None = None,
        authorise: Authorise | None = None,
    ) -> Recorded:
        """Accept and assign; a LAC referral opens (or reopens) the person's involvement."""

        def accept(referral: Referral, when: datetime) -> list[Any]:
            referral.accept(coordinator_id, actor_id, when)
            if referral.programme is not Programme.LAC:
                return []
            involvement = self._opened(
                referral.person_id,
                coordinator_id,
                SupportLevel.INTRODUCTORY,
                actor_id,
                referral.id,
                when,
            )
            return [involvement] if involvement is not None else []

        return self._step(referral_id, authorise, occurred_at, accept)

    def decline_referral(
        self,
        referral_id: UUID,
        reason: str,
        actor_id: UUID,
        occurred_at: datetime | None = None,
        authorise: Authorise | None = None,
    ) -> Recorded:
        return self._step(
            referral_id, authorise, occurred_at, lambda r, when: r.decline(reason, actor_id, when)
        )

    def redirect_referral(
        self,
        referral_id: UUID,
        redirected_to: str,
        note: str | None,
        actor_id: UUID,
        occurred_at: datetime | None = None,
        authorise: Authorise | None = None,
    ) -> Recorded:
        return self._step(
            referral_id,
            authorise,
            occurred_at,
            lambda r, when: r.redirect(redirected_to, note, actor_id, when),
        )

    def close_referral(
        self,
        referral_id: UUID,
        note: str | None,
        actor_id: UUID,
        occurred_at: datetime | None = None,
        authorise: Authorise | None = None,
    ) -> Recorded:
        return self._step(
            referral_id, authorise, occurred_at, lambda r, when: r.close(note, actor_id, when)
        )

    def _step(
        self,
        referral_id: UUID,
        authorise: Authorise | None,
        occurred_at: datetime | None,
        step: Callable[[Referral, datetime], list[Any] | None],
    ) -> Recorded:
        """Load once, let the caller check who may act on it, take the step, save it all."""
        referral = self.get_referral(referral_id)
        if authorise is not None:
            authorise(referral)
        also = step(referral, self._when(occurred_at, referral.received_at)) or []
        return Recorded(referral.id, referral.version, self._saved(referral, *also))

    def get_referral(self, referral_id: UUID) -> Referral:
        referral: Referral = self._get(Referral, "referral", referral_id)
        return referral

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
