"""Personal fields in events are sealed with a key per person (crypto-shredding).

An event class lists its personal fields in ``personal_fields`` and names its data subject
through ``data_subject_id()``. The :class:`SealingMapper` replaces those fields by ciphertext
under the subject's key before the event is stored, and opens them when it is read back. When
a person's key is destroyed their sealed fields read back as ``None`` everywhere, while the
analytic fields (district, LSOA, age band, codes, dates) stay readable for reports and rebuilds.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from collections.abc import Iterable
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

    def prefetch_keys(self, stored_events: Iterable[StoredEvent]) -> None:
        """Read the keys a batch of stored events will need in one query instead of one per
        person (a subject without a key is left to `to_domain_event`, as before)."""
        if self.ciphers is None:
            return
        marker = SEALED_PREFIX.encode()
        subjects = set()
        for stored_event in stored_events:
            if marker in stored_event.state:
                domain_event = super().to_domain_event(stored_event)
                subject = getattr(domain_event, "data_subject_id", None)
                if subject is not None:
                    subjects.add(subject())
        self.ciphers.prefetch(subjects)

    def to_sealed_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        """The event with its personal fields left sealed: for readers that use only the
        analytic fields (no key is read, so no key store round trip per person)."""
        return super().to_domain_event(stored_event)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        domain_event = super().to_domain_event(stored_event)
        if isinstance(domain_event, ErasureMarker) and self.ciphers is not None:
            self.ciphers.revoke(domain_event.data_subject_id())
        fields = getattr(type(domain_event), "personal_fields", ())
        if not fields:
            return domain_event
        state = vars(domain_event)
        # A field written before it was declared personal holds its plain value: it is read
        # as it is, and without any sealed field no key is looked up (a missing key would
        # otherwise be taken for an erasure).
        if not any(_is_sealed(state.get(n)) for n in fields):
            return domain_event
        subject = domain_event.data_subject_id()  # type: ignore[attr-defined]
        cipher = self._cipher_cache().cipher(subject, create=False)
        for name in fields:
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


def _is_sealed(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and value.startswith(SEALED_PREFIX)
