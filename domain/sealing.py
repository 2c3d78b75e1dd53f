"""Personal fields in events are sealed with a key per person (crypto-shredding).

An event class lists its personal fields in ``personal_fields`` and names its data subject
through ``data_subject_id()``. The :class:`SealingMapper` replaces those fields by ciphertext
under the subject's key before the event is stored, and opens them when it is read back. When
a person's key is destroyed their sealed fields read back as ``None`` everywhere, while the
analytic fields (district, LSOA, age band, codes, dates) stay readable for reports and rebuilds.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from collections import OrderedDict
from threading import Lock
from typing import Any, ClassVar, Protocol
from uuid import UUID

from eventsourcing.cryptography import AESCipher
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import Cipher, Compressor, Mapper, StoredEvent, Transcoder
from eventsourcing.utils import Environment

SEALED_PREFIX = "sealed:v1:"


class PersonalData:
    """Mixin for events that carry personal fields of one data subject."""

    personal_fields: ClassVar[tuple[str, ...]] = ()

    def data_subject_id(self) -> UUID:
        """The person whose key seals this event's personal fields."""
        subject: UUID = getattr(self, "person_id")  # noqa: B009 - set by the event dataclass
        return subject


class KeyStore(Protocol):
    """Where per-person keys live; destroying a key erases that person's sealed fields."""

    def key_for(self, subject_id: UUID) -> str:
        """The subject's key (base64), created on first use."""
        ...

    def existing_key(self, subject_id: UUID) -> str | None:
        """The subject's key, or None once it has been destroyed (or never existed)."""
        ...

    def destroy(self, subject_id: UUID) -> None:
        """Destroy the subject's key for good."""
        ...


class InMemoryKeyStore:
    """A key store for unit tests and experiments."""

    def __init__(self) -> None:
        self._keys: dict[UUID, str] = {}

    def key_for(self, subject_id: UUID) -> str:
        return self._keys.setdefault(subject_id, AESCipher.create_key(32))

    def existing_key(self, subject_id: UUID) -> str | None:
        return self._keys.get(subject_id)

    def destroy(self, subject_id: UUID) -> None:
        self._keys.pop(subject_id, None)


class CipherCache:
    """Keeps recently used per-person ciphers so that sealing does not hit the key store."""

    def __init__(self, keys: KeyStore, maxsize: int = 10_000) -> None:
        self.keys = keys
        self.maxsize = maxsize
        self._ciphers: OrderedDict[UUID, Cipher] = OrderedDict()
        self._lock = Lock()

    def cipher(self, subject_id: UUID, *, create: bool) -> Cipher | None:
        with self._lock:
            cached = self._ciphers.get(subject_id)
            if cached is not None:
                self._ciphers.move_to_end(subject_id)
                return cached
        key = self.keys.key_for(subject_id) if create else self.keys.existing_key(subject_id)
        if key is None:
            return None
        cipher = AESCipher(Environment(env={AESCipher.CIPHER_KEY: key}))
        with self._lock:
            self._ciphers[subject_id] = cipher
            if len(self._ciphers) > self.maxsize:
                self._ciphers.popitem(last=False)
        return cipher

    def forget(self, subject_id: UUID) -> None:
        """Drop a subject's cipher, e.g. after their key is destroyed."""
        with self._lock:
            self._ciphers.pop(subject_id, None)


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

    def use_keys(self, keys: KeyStore) -> None:
        self.ciphers = CipherCache(keys)

    def _cipher_cache(self) -> CipherCache:
        if self.ciphers is None:
            raise RuntimeError("SealingMapper has no key store: call use_keys() first")
        return self.ciphers

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        fields = getattr(type(domain_event), "personal_fields", ())
        if not fields:
            return super().to_stored_event(domain_event)
        subject = domain_event.data_subject_id()  # type: ignore[attr-defined]
        cipher = self._cipher_cache().cipher(subject, create=True)
        assert cipher is not None
        state = dict(vars(domain_event))
        for name in fields:
            if state.get(name) is not None:
                state[name] = self._seal(cipher, state[name])
        sealed_event = object.__new__(type(domain_event))
        object.__setattr__(sealed_event, "__dict__", state)
        return super().to_stored_event(sealed_event)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        domain_event = super().to_domain_event(stored_event)
        fields = getattr(type(domain_event), "personal_fields", ())
        if not fields:
            return domain_event
        state = vars(domain_event)
        if not any(isinstance(state.get(n), str) for n in fields):
            return domain_event
        subject = domain_event.data_subject_id()  # type: ignore[attr-defined]
        cipher = self._cipher_cache().cipher(subject, create=False)
        for name in fields:
            value = state.get(name)
            if isinstance(value, str) and value.startswith(SEALED_PREFIX):
                state[name] = None if cipher is None else self._open(cipher, value)
        return domain_event

    def _seal(self, cipher: Cipher, value: Any) -> str:
        plaintext = self.transcoder.encode({"v": value})
        return SEALED_PREFIX + b64encode(cipher.encrypt(plaintext)).decode("ascii")

    def _open(self, cipher: Cipher, sealed: str) -> Any:
        ciphertext = b64decode(sealed[len(SEALED_PREFIX) :])
        return self.transcoder.decode(cipher.decrypt(ciphertext))["v"]
