"""Personal fields in events are sealed with a key per person (crypto-shredding).

An event class lists its personal fields in ``personal_fields`` and names its data subject
through ``data_subject_id()``. The :class:`SealingMapper` replaces those fields by ciphertext
under the subject's key before the event is stored, and opens them when it is read back. When
a person's key is destroyed their sealed fields read back as ``None`` everywhere, while the
analytic fields (district, LSOA, age band, codes, dates) stay readable for reports and rebuilds.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, TypeGuard
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Cipher, Compressor, Mapper, StoredEvent, Transcoder

from domain.cipher_cache import CipherCache, KeyStore, Revocations

SEALED_PREFIX = "sealed:v1:"


class PersonalData:
    """Mixin for events that carry personal fields of one data subject."""

    personal_fields: ClassVar[tuple[str, ...]] = ()

    def data_subject_id(self) -> UUID:
        """The person whose key seals this event's personal fields."""
        subject: UUID = getattr(self, "person_id")  # noqa: B009 - set by the event dataclass
        return subject


class ErasureMarker:
    """Mixin for an event that records its data subject's erasure.

    Any process that reads such an event (a projector, in log order) stops opening that
    subject's sealed fields at once, before it reads any later event.
    """

    def data_subject_id(self) -> UUID:
        subject: UUID = getattr(self, "person_id")  # noqa: B009 - set by the event dataclass
        return subject


class SealingMapper(Mapper[UUID]):
    """A mapper that seals each event's personal fields under its data subject's key."""

    def __init__(
        self,
        transcoder: Transcoder,
        compressor: Compressor | None = None,
        cipher: Cipher | None = None,
    ) -> None:
        super().__init__(transcoder, compressor=compressor, cipher=cipher)
        self.ciphers: CipherCache | None = None

    def use_keys(self, keys: KeyStore, revocations: Revocations | None = None) -> None:
        self.ciphers = CipherCache(keys, revocations=revocations)

    def _cipher_cache(self) -> CipherCache:
        if self.ciphers is None:
            raise RuntimeError("SealingMapper has no key store: call use_keys() first")
        return self.ciphers

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        fields = getattr(type(domain_event), "personal_fields", ())
        if not fields:
            return super().to_stored_event(domain_event)
        state = dict(vars(domain_event))
        present = [name for name in fields if state.get(name) is not None]
        if not present:  # nothing personal to seal (and no key needed)
            return super().to_stored_event(domain_event)
        subject = domain_event.data_subject_id()  # type: ignore[attr-defined]
        cipher = self._cipher_cache().cipher(subject, create=True)
        assert cipher is not None
        for name in present:
            state[name] = self._seal(cipher, state[name])
        sealed_event = object.__new__(type(domain_event))
        object.__setattr__(sealed_event, "__dict__", state)
        return super().to_stored_event(sealed_event)

    def to_domain_events(
        self, stored_events: Sequence[StoredEvent]
    ) -> list[DomainEventProtocol[UUID] | Exception]:
        """A projector's batch: each event as `to_domain_event` gives it, or the error it
        raised, with the keys of everyone in the batch read in one query, not one per person.
        Fields are opened in log order, so an erasure hides only what comes after it."""
        decoded: list[DomainEventProtocol[UUID] | Exception] = []
        for stored_event in stored_events:
            try:
                decoded.append(super().to_domain_event(stored_event))
            except Exception as error:
                decoded.append(error)
        if self.ciphers is not None:
            self.ciphers.prefetch(_sealed_subjects(decoded))
        opened: list[DomainEventProtocol[UUID] | Exception] = []
        for each in decoded:
            try:
                opened.append(each if isinstance(each, Exception) else self._opened(each))
            except Exception as error:
                opened.append(error)
        return opened

    def to_sealed_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        """The event with its personal fields left sealed: for readers that use only the
        analytic fields (no key is read, so no key store round trip per person)."""
        return super().to_domain_event(stored_event)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        return self._opened(super().to_domain_event(stored_event))

    def _opened(self, domain_event: DomainEventProtocol[UUID]) -> DomainEventProtocol[UUID]:
        if isinstance(domain_event, ErasureMarker) and self.ciphers is not None:
            self.ciphers.revoke(domain_event.data_subject_id())
        if not _has_sealed_fields(domain_event):
            return domain_event
        state = vars(domain_event)
        subject = domain_event.data_subject_id()  # type: ignore[attr-defined]
        cipher = self._cipher_cache().cipher(subject, create=False)
        for name in type(domain_event).personal_fields:  # type: ignore[attr-defined]
            value = state.get(name)
            if _is_sealed(value):
                state[name] = None if cipher is None else self._open(cipher, value)
        return domain_event

    def _seal(self, cipher: Cipher, value: Any) -> str:
        plaintext = self.transcoder.encode({"v": value})
        return SEALED_PREFIX + b64encode(cipher.encrypt(plaintext)).decode("ascii")

    def _open(self, cipher: Cipher, sealed: str) -> Any:
        ciphertext = b64decode(sealed[len(SEALED_PREFIX) :])
        return self.transcoder.decode(cipher.decrypt(ciphertext))["v"]


def _has_sealed_fields(domain_event: Any) -> bool:
    """A field written before it was declared personal holds its plain value: it is read as
    it is, and without any sealed field no key is looked up (a missing key would otherwise be
    taken for an erasure)."""
    fields = getattr(type(domain_event), "personal_fields", ())
    state = vars(domain_event)
    return any(_is_sealed(state.get(name)) for name in fields)


def _sealed_subjects(events: Iterable[Any]) -> set[UUID]:
    return {
        e.data_subject_id()
        for e in events
        if not isinstance(e, Exception)
        and not isinstance(e, ErasureMarker)
        and _has_sealed_fields(e)
    }


def _is_sealed(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and value.startswith(SEALED_PREFIX)
