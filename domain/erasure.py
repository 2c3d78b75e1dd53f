"""Erasure by crypto-shredding, subject access requests and retention runs, as events.

Erasing a person records a non-personal `Erasure.Recorded` (the person's id, who, when, on what
ground), releases their NHS-number claim, then destroys their key: every sealed field of every
event about them reads as None from then on, in every process, while ids, codes, dates and
districts stay readable, so aggregates rebuild and report counts do not change. The order
matters: if the process dies after the record and before the key goes, erasing again finishes
the job (and the retention run finishes any such erasure it finds).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import ApplicationRecorder, Notification
from eventsourcing.utils import get_topic

from domain.cipher_cache import KeyStore
from domain.errors import InvalidField, InvalidTransition
from domain.person import NhsNumberClaim, Person
from domain.recorded import Recorded
from domain.reference import check_text
from domain.sealing import ErasureMarker, SealingMapper

ERASURES = uuid5(NAMESPACE_URL, "lac:erasure")
SUBJECT_ACCESS = uuid5(NAMESPACE_URL, "lac:subject-access")
# Who the scheduled retention run acts as.
RETENTION_ACTOR = uuid5(NAMESPACE_URL, "lac:retention:schedule")
NOTE_LENGTH = 200
SAR_FORMATS = ("json", "pdf")
FEED_BATCH = 100


class ErasureGround(Enum):
    """Why a person was erased: they asked, the retention period ended, or another ground."""

    REQUEST = "request"
    RETENTION = "retention"
    OTHER = "other"


def erasure_id(person_id: UUID) -> UUID:
    return uuid5(ERASURES, str(person_id))


def subject_access_id(person_id: UUID) -> UUID:
    return uuid5(SUBJECT_ACCESS, str(person_id))


class AlreadyErased(InvalidTransition):
    def __init__(self, person_id: UUID) -> None:
        super().__init__("person", person_id, "erase", "erased", "a person is erased only once")


class Erasure(Aggregate):
    """The record that a person was erased; it holds no personal data."""

    class Recorded(Aggregate.Created, ErasureMarker):
        person_id: UUID
        ground: ErasureGround
        note: str | None
        nhs_claim_released: bool
        actor_id: UUID
        occurred_at: datetime

    @staticmethod
    def create_id(person_id: UUID) -> UUID:
        return erasure_id(person_id)

    @event(Recorded)
    def __init__(
        self,
        person_id: UUID,
        ground: ErasureGround,
        note: str | None,
        nhs_claim_released: bool,
        actor_id: UUID,
        occurred_at: datetime,
    ) -> None:
        self.person_id, self.ground, self.note = person_id, ground, note
        self.actor_id, self.occurred_at = actor_id, occurred_at


class SubjectAccessLog(Aggregate):
    """Every subject access request answered for one person: who asked for it, when, how."""

    class Started(Aggregate.Created):
        person_id: UUID

    class Provided(Aggregate.Event):
        format: str
        actor_id: UUID
        occurred_at: datetime

    @staticmethod
    def create_id(person_id: UUID) -> UUID:
        return subject_access_id(person_id)

    @event(Started)
    def __init__(self, person_id: UUID) -> None:
        self.person_id = person_id

    @event(Provided)
    def provided(self, format: str, actor_id: UUID, occurred_at: datetime) -> None:
        self.last_provided_at = occurred_at


class RetentionRun(Aggregate):
    """One run of the retention schedule: who was erased (ids only) and why others were kept."""

    class Completed(Aggregate.Created):
        retention_years: int
        cutoff: date
        considered: int
        erased: list[UUID]
        kept: dict[str, int]
        actor_id: UUID
        occurred_at: datetime

    @event(Completed)
    def __init__(
        self,
        retention_years: int,
        cutoff: date,
        considered: int,
        erased: list[UUID],
        kept: dict[str, int],
        actor_id: UUID,
        occurred_at: datetime,
    ) -> None:
        self.erased = list(erased)


class ErasureFeed:
    """Erasures that any process recorded since this one started, read from the event log.

    Each call reads only the notifications after the last one it saw (the positions of
    PostgreSQL commit in order, so none is skipped); decoding an erasure event through the
    sealing mapper revokes its subject in this process.
    """

    def __init__(self, recorder: ApplicationRecorder, decode: Callable[[Notification], Any]):
        self.recorder, self.decode = recorder, decode
        self.topics = (get_topic(Erasure.Recorded),)
        self.position = recorder.max_notification_id() or 0

    def __call__(self) -> list[UUID]:
        last = self.recorder.max_notification_id() or 0
        found: list[UUID] = []
        while last > self.position:
            batch = self.recorder.select_notifications(
                self.position, FEED_BATCH, stop=last, topics=self.topics, inclusive_of_start=False
            )
            found += [self.decode(n).person_id for n in batch]
            self.position = batch[-1].id if len(batch) == FEED_BATCH else last
        return found


class DataProtectionCommands:
    """Mixed into the application: erase a person, record a subject access, a retention run."""

    if TYPE_CHECKING:
        repository: Any
        keys: KeyStore

        @property
        def sealing(self) -> SealingMapper: ...
        def _saved(self, *aggregates: Any) -> int: ...
        def _when(
            self, occurred_at: datetime | None, not_before: datetime | None = None
        ) -> datetime: ...
        def get_person(self, person_id: UUID) -> Person: ...
        def claim_id(self, nhs_number: str) -> UUID: ...

    def erase_person(
        self, person_id: UUID, actor_id: UUID, ground: ErasureGround, note: str | None = None
    ) -> Recorded:
        """Record the erasure, release the NHS-number claim, destroy the person's key."""
        person = self.get_person(person_id)
        if self.erasure_of(person_id) is not None:
            self._shred(person_id)  # finishes an erasure that stopped before the key went
            raise AlreadyErased(person_id)
        claim = self._claim_held_by(person)
        if claim is not None:
            claim.release()
        erasure = Erasure(
            person_id, ground, _note(note), claim is not None, actor_id, self._when(None)
        )
        position = self._saved(erasure, *([claim] if claim is not None else []))
        self._shred(person_id)
        return Recorded(erasure.id, erasure.version, position)

    def erasure_of(self, person_id: UUID) -> Erasure | None:
        try:
            found: Erasure = self.repository.get(erasure_id(person_id))
        except AggregateNotFoundError:
            return None
        return found

    def finish_erasure(self, person_id: UUID) -> bool:
        """Destroy the key of an erased person if it is somehow still there; True if it was."""
        if self.erasure_of(person_id) is None or self.keys.existing_key(person_id) is None:
            return False
        self._shred(person_id)
        return True

    def record_subject_access(
        self,
        person_id: UUID,
        actor_id: UUID,
        format: str,
    ) -> Recorded:
        """Record that everything held about the person was given out (who, when, how)."""
        if format not in SAR_FORMATS:
            raise InvalidField("format", f"must be one of {', '.join(SAR_FORMATS)}")
        self.get_person(person_id)
        try:
            log: SubjectAccessLog = self.repository.get(subject_access_id(person_id))
        except AggregateNotFoundError:
            log = SubjectAccessLog(person_id)
        log.provided(format, actor_id, self._when(None))
        return Recorded(log.id, log.version, self._saved(log))

    def record_retention_run(
        self,
        retention_years: int,
        cutoff: date,
        considered: int,
        erased: list[UUID],
        kept: dict[str, int],
        actor_id: UUID,
    ) -> Recorded:
        run = RetentionRun(
            retention_years, cutoff, considered, erased, kept, actor_id, self._when(None)
        )
        return Recorded(run.id, run.version, self._saved(run))

    def _claim_held_by(self, person: Person) -> NhsNumberClaim | None:
        number = person.nhs_number
        if number is None:
            return None
        try:
            claim: NhsNumberClaim = self.repository.get(self.claim_id(number))
        except AggregateNotFoundError:
            return None
        return claim if claim.person_id == person.id else None

    def _shred(self, person_id: UUID) -> None:
        self.keys.destroy(person_id)
        if self.sealing.ciphers is not None:
            self.sealing.ciphers.revoke(person_id)


def _note(note: str | None) -> str | None:
    if note is None or not note.strip():
        return None
    return check_text("note", note, NOTE_LENGTH)
