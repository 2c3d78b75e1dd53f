"""Personal fields in events are sealed with a key per person (crypto-shredding).

An event class lists its personal fields in ``personal_fields`` and names its data subject
through ``data_subject_id()``. The :class:`SealingMapper` replaces those fields by ciphertext
under the subject's key before the event is stored, and opens them when it is read back. When
a person's key is destroyed their sealed fields read back as ``None`` everywhere, while the
analytic fields (district, LSOA, age band, codes, dates) stay readable for reports and rebuilds.
"""

from __future__ import annotations

import time
from base64 import b64decode, b64encode
from collections import OrderedDict
from collections.abc import Callable, Iterable
from threading import Lock
from typing import Any, ClassVar, Protocol, TypeGuard
from uuid import UUID

from eventsourcing.cryptography import AESCipher
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Cipher, Compressor, Mapper, StoredEvent, Transcoder
from eventsourcing.utils import Environment

from domain.errors import InvalidTransition

SEALED_PREFIX = "sealed:v1:"
# How long a process keeps a key it has read before asking the key store again: the backstop
# for an erasure it has not heard of (see CipherCache).
CIPHER_TTL_SECONDS = 60.0
# How often a process looks in the event log for erasures recorded by other processes.
REVOCATION_POLL_SECONDS = 1.0


class SubjectErased(InvalidTransition):
    """Personal data about an erased person cannot be recorded: their key is gone for good."""

    def __init__(self, subject_id: UUID) -> None:
        super().__init__(
            "person",
            subject_id,
            "record personal details about",
            "erased",
            "their records were erased and nothing personal can be recorded about them again",
        )


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


class KeyStore(Protocol):
    """Where per-person keys live; destroying a key erases that person's sealed fields."""

    def key_for(self, subject_id: UUID) -> str:
        """The subject's key (base64), created on first use; SubjectErased once destroyed."""
        ...

    def existing_key(self, subject_id: UUID) -> str | None:
        """The subject's key, or None once it has been destroyed (or never existed)."""
        ...

    def destroy(self, subject_id: UUID) -> None:
        """Destroy the subject's key for good; no new key is ever made for them."""
        ...


class InMemoryKeyStore:
    """A key store for unit tests and experiments."""

    def __init__(self) -> None:
        self._keys: dict[UUID, str] = {}
        self._destroyed: set[UUID] = set()

    def key_for(self, subject_id: UUID) -> str:
        if subject_id in self._destroyed:
            raise SubjectErased(subject_id)
        return self._keys.setdefault(subject_id, AESCipher.create_key(32))

    def existing_key(self, subject_id: UUID) -> str | None:
        return self._keys.get(subject_id)

    def destroy(self, subject_id: UUID) -> None:
        self._keys.pop(subject_id, None)
        self._destroyed.add(subject_id)


Revocations = Callable[[], Iterable[UUID]]


class CipherCache:
    """Keeps recently used per-person ciphers so that sealing does not hit the key store.

    A cached key must not outlive its erasure in any process. Three things see to that:
    the erasing process revokes the subject at once; every process that reads an erasure event
    (projectors read the log in order) revokes it before reading anything after it; and
    `revocations`, polled at most every `poll_seconds`, brings erasures recorded by other
    processes. A revoked subject stays revoked for the life of the process. As a backstop a
    cached key is read again from the key store after `ttl_seconds`. A subject whose sealed
    fields are stored but whose key is missing was erased, so that answer is remembered too.
    """

    def __init__(
        self,
        keys: KeyStore,
        maxsize: int = 10_000,
        *,
        revocations: Revocations | None = None,
        ttl_seconds: float = CIPHER_TTL_SECONDS,
        poll_seconds: float = REVOCATION_POLL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.keys = keys
        self.maxsize = maxsize
        self.revocations = revocations
        self.ttl_seconds, self.poll_seconds, self.clock = ttl_seconds, poll_seconds, clock
        self._ciphers: OrderedDict[UUID, tuple[Cipher, float]] = OrderedDict()
        self._revoked: set[UUID] = set()
        self._lock = Lock()
        self._polling = Lock()
        self._polled_at = clock()

    def cipher(self, subject_id: UUID, *, create: bool) -> Cipher | None:
        self._poll()
        cached = self._cached(subject_id)
        if cached is not None:
            return cached
        if self.is_revoked(subject_id):
            if create:
                raise SubjectErased(subject_id)
            return None
        key = self.keys.key_for(subject_id) if create else self.keys.existing_key(subject_id)
        if key is None:
            self.revoke(subject_id)
            return None
        cipher = AESCipher(Environment(env={AESCipher.CIPHER_KEY: key}))
        with self._lock:
            if subject_id in self._revoked:  # revoked while the key was being read
                if create:
                    raise SubjectErased(subject_id)
                return None
            self._ciphers[subject_id] = (cipher, self.clock() + self.ttl_seconds)
            if len(self._ciphers) > self.maxsize:
                self._ciphers.popitem(last=False)
        return cipher

    def _cached(self, subject_id: UUID) -> Cipher | None:
        with self._lock:
            found = self._ciphers.get(subject_id)
            if found is None:
                return None
            if found[1] <= self.clock():
                del self._ciphers[subject_id]
                return None
            self._ciphers.move_to_end(subject_id)
            return found[0]

    def forget(self, subject_id: UUID) -> None:
        """Drop a subject's cipher (it is read again from the key store when next needed)."""
        with self._lock:
            self._ciphers.pop(subject_id, None)

    def revoke(self, subject_id: UUID) -> None:
        """The subject was erased: never open or seal their fields again in this process."""
        with self._lock:
            self._revoked.add(subject_id)
            self._ciphers.pop(subject_id, None)

    def is_revoked(self, subject_id: UUID) -> bool:
        with self._lock:
            return subject_id in self._revoked

    def _poll(self) -> None:
        if self.revocations is None or self.clock() - self._polled_at < self.poll_seconds:
            return
        if not self._polling.acquire(blocking=False):
            return  # another thread is polling right now
        try:
            self._polled_at = self.clock()
            for subject_id in self.revocations():
                self.revoke(subject_id)
        finally:
            self._polling.release()


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
