"""A projector's batch reads its people's keys in one go; erasure still wins."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date
from pathlib import Path
from uuid import UUID, uuid4

from domain.application import LacApplication
from domain.cipher_cache import CipherCache, InMemoryKeyStore
from domain.keys import KEYS_PER_QUERY
from domain.person import Person, PersonDetails
from domain.sealing import SealingMapper

ACTOR = uuid4()


class CountingKeyStore(InMemoryKeyStore):
    """Counts the reads, one by one and in bulk."""

    def __init__(self) -> None:
        super().__init__()
        self.single_reads = 0
        self.bulk_reads: list[int] = []

    def existing_key(self, subject_id: UUID) -> str | None:
        self.single_reads += 1
        return super().existing_key(subject_id)

    def existing_keys(self, subject_ids: Collection[UUID]) -> dict[UUID, str]:
        self.bulk_reads.append(len(subject_ids))
        return super().existing_keys(subject_ids)


def recorded(people: int) -> tuple[LacApplication, CountingKeyStore, list[UUID]]:
    keys = CountingKeyStore()
    app = LacApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.popo"}, claim_secret=b"test", key_store=keys
    )
    ids = []
    for i in range(people):
        details = PersonDetails(f"Person {i}", date(1950, 1, 1 + i), "NG18 1AB", "Mansfield")
        ids.append(app.register_person(details, ACTOR).id)
    return app, keys, ids


def fresh_mapper(app: LacApplication, keys: InMemoryKeyStore) -> SealingMapper:
    """A mapper as a new process has it: nothing cached."""
    mapper = SealingMapper(app.mapper.transcoder)
    mapper.use_keys(keys)
    return mapper


def test_a_batch_reads_every_key_it_needs_in_one_read() -> None:
    app, keys, _ = recorded(5)
    notifications = app.recorder.select_notifications(start=1, limit=100)
    mapper = fresh_mapper(app, keys)

    events = mapper.to_domain_events(notifications)

    assert keys.bulk_reads == [5]
    assert keys.single_reads == 0
    names = {e.personal["name"] for e in events if isinstance(e, Person.Registered)}
    assert names == {f"Person {i}" for i in range(5)}


def test_keys_already_cached_are_not_read_again() -> None:
    app, keys, _ = recorded(3)
    notifications = app.recorder.select_notifications(start=1, limit=100)
    mapper = fresh_mapper(app, keys)
    mapper.to_domain_events(notifications)
    mapper.to_domain_events(notifications)
    assert keys.bulk_reads == [3]
    assert keys.single_reads == 0


def test_an_erased_person_stays_unreadable_after_a_prefetch() -> None:
    app, keys, ids = recorded(2)
    keys.destroy(ids[0])
    notifications = app.recorder.select_notifications(start=1, limit=100)
    mapper = fresh_mapper(app, keys)

    decoded = mapper.to_domain_events(notifications)
    events = {e.originator_id: e for e in decoded if not isinstance(e, Exception)}

    erased, kept = events[ids[0]], events[ids[1]]
    assert isinstance(erased, Person.Registered) and isinstance(kept, Person.Registered)
    assert erased.personal is None
    assert kept.personal["name"] == "Person 1"


def test_a_revoked_person_is_not_cached_again_by_a_prefetch() -> None:
    keys = InMemoryKeyStore()
    person = uuid4()
    keys.key_for(person)
    cache = CipherCache(keys)
    cache.revoke(person)
    cache.prefetch([person])
    assert cache.cipher(person, create=False) is None


def test_the_key_table_gives_many_keys_in_one_read_and_none_once_destroyed(
    tmp_path: Path,
) -> None:
    app = LacApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "e.db")},
        claim_secret=b"test",
    )
    keys = app.keys
    people = [uuid4() for _ in range(KEYS_PER_QUERY + 3)]  # more than one query's worth
    made = {person: keys.key_for(person) for person in people}
    keys.destroy(people[0])

    found = keys.existing_keys([*people, uuid4()])

    assert found == {person: made[person] for person in people[1:]}


def test_an_event_that_cannot_be_read_is_given_back_as_its_error_and_the_rest_are_read() -> None:
    app, keys, _ = recorded(2)
    notifications = list(app.recorder.select_notifications(start=1, limit=100))
    broken = replace(notifications[0], state=b"{not json")
    mapper = fresh_mapper(app, keys)

    decoded = mapper.to_domain_events([broken, *notifications[1:]])

    assert isinstance(decoded[0], Exception)
    assert not any(isinstance(e, Exception) for e in decoded[1:])
    assert len(decoded) == len(notifications)
