"""Per-person keys and the cache of their ciphers that the sealing mapper reads them through."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable
from threading import Lock
from typing import Protocol
from uuid import UUID

from eventsourcing.cryptography import AESCipher
from eventsourcing.persistence import Cipher
from eventsourcing.utils import Environment

from domain.errors import InvalidTransition

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


class KeyStore(Protocol):
    """Where per-person keys live; destroying a key erases that person's sealed fields."""

    def key_for(self, subject_id: UUID) -> str:
        """The subject's key (base64), created on first use; SubjectErased once destroyed."""
        ...

    def existing_key(self, subject_id: UUID) -> str | None:
        """The subject's key, or None once it has been destroyed (or never existed)."""
        ...

    def existing_keys(self, subject_ids: Collection[UUID]) -> dict[UUID, str]:
        """The keys of those subjects that have one (not destroyed), in one read."""
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

    def existing_keys(self, subject_ids: Collection[UUID]) -> dict[UUID, str]:
        return {s: self._keys[s] for s in subject_ids if s in self._keys}

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
        cipher = _cipher(key)
        with self._lock:
            if subject_id in self._revoked:  # revoked while the key was being read
                if create:
                    raise SubjectErased(subject_id)
                return None
            self._ciphers[subject_id] = (cipher, self.clock() + self.ttl_seconds)
            if len(self._ciphers) > self.maxsize:
                self._ciphers.popitem(last=False)
        return cipher

    def prefetch(self, subject_ids: Iterable[UUID]) -> None:
        """Read the keys of the subjects not cached yet in one go (a projector's batch)."""
        self._poll()
        with self._lock:
            wanted = {s for s in subject_ids if s not in self._ciphers and s not in self._revoked}
        if not wanted:
            return
        keys = self.keys.existing_keys(wanted)
        ciphers = {subject_id: _cipher(key) for subject_id, key in keys.items()}
        expires = self.clock() + self.ttl_seconds
        with self._lock:
            for subject_id, cipher in ciphers.items():
                if subject_id not in self._revoked:  # revoked while the keys were being read
                    self._ciphers[subject_id] = (cipher, expires)
            while len(self._ciphers) > self.maxsize:
                self._ciphers.popitem(last=False)

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


def _cipher(key: str) -> Cipher:
    return AESCipher(Environment(env={AESCipher.CIPHER_KEY: key}))
