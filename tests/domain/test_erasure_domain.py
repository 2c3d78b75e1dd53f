"""Erasure by crypto-shredding in the domain, on in-memory persistence: what an erasure records,
what still loads afterwards, the NHS-number claim, and how other processes stop reading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from eventsourcing.utils import get_topic

from domain.application import LacApplication
from domain.cipher_cache import CipherCache, InMemoryKeyStore, SubjectErased
from domain.codes import (
    CloseReason,
    ContactMode,
    ContactPurpose,
    OutcomeDomain,
    Participant,
)
from domain.contact import ContactDetails
from domain.erasure import (
    AlreadyErased,
    Erasure,
    ErasureFeed,
    ErasureGround,
    RetentionRun,
    subject_access_id,
)
from domain.errors import InvalidField, RecordNotFound
from domain.involvement import involvement_id
from domain.outcomes import OutcomeRecord
from domain.person import PersonDetails
from domain.reference import Programme, ReferralSource
from domain.sealing import SealingMapper

ACTOR = uuid4()
WHEN = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
NAME = "Ottoline Vandersnatch"
NHS = "9434765919"
NOTES = "Ottoline keeps her late husband's pigeons on the allotment"
EVIDENCE = "Letter from the Quarrington housing trust confirming the flat"
OTTOLINE = PersonDetails(
    NAME, date(1948, 2, 29), "NG18 4QX", "Mansfield", NHS, email="ottoline@example.org"
)
BOB = PersonDetails("Robert Oakhill", date(1980, 1, 1), "NG5 1AA", "Gedling", "4010232137")
SECRETS = [NAME, NHS, "NG18 4QX", "ottoline@example.org", NOTES, EVIDENCE, "pigeon mess"]


@dataclass
class World:
    app: LacApplication
    keys: InMemoryKeyStore
    ottoline: UUID
    bob: UUID
    referral: UUID
    contact: UUID


def contact_details(notes: str) -> ContactDetails:
    return ContactDetails(
        datetime.now(UTC) - timedelta(hours=1),
        45,
        ContactMode.IN_PERSON,
        (Participant.PERSON,),
        (ContactPurpose.LISTENING,),
        notes,
    )


@pytest.fixture
def world() -> World:
    keys = InMemoryKeyStore()
    app = LacApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.popo"}, claim_secret=b"test", key_store=keys
    )
    person, referral = app.register_and_refer(
        OTTOLINE, Programme.LAC, ReferralSource.SELF, None, ["pigeon mess"], True, ACTOR
    )
    app.accept_referral(referral.id, ACTOR, ACTOR)
    contact = app.log_contact(person.id, contact_details(NOTES), ACTOR)
    record = OutcomeRecord(OutcomeDomain.CONNECTED, None, date.today(), EVIDENCE)
    app.record_outcome(person.id, record, ACTOR)
    bob = app.register_person(BOB, ACTOR, occurred_at=WHEN)
    return World(app, keys, person.id, bob.id, referral.id, contact.id)


def stored(app: LacApplication) -> bytes:
    return b"\n".join(n.state for n in app.recorder.select_notifications(start=1, limit=1000))


def test_erasure_records_who_when_and_why_and_nothing_personal(world: World) -> None:
    recorded = world.app.erase_person(world.ottoline, ACTOR, ErasureGround.REQUEST, "SAR-2024-17")
    erasure = world.app.erasure_of(world.ottoline)
    assert erasure is not None and erasure.id == recorded.id
    (event,) = list(world.app.history(recorded.id))
    assert isinstance(event, Erasure.Recorded)
    assert (event.person_id, event.ground, event.actor_id) == (
        world.ottoline,
        ErasureGround.REQUEST,
        ACTOR,
    )
    assert (event.note, event.nhs_claim_released) == ("SAR-2024-17", True)
    raw = stored(world.app)
    assert [s for s in SECRETS if s.encode() in raw] == []


def test_after_erasure_every_event_still_loads_with_personal_fields_none(world: World) -> None:
    app = world.app
    app.erase_person(world.ottoline, ACTOR, ErasureGround.REQUEST)
    events = [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(1, 1000)]
    theirs = [
        e for e in events if world.ottoline in (getattr(e, "person_id", None), e.originator_id)
    ]
    assert len(theirs) >= 6
    for e in theirs:
        for name in getattr(type(e), "personal_fields", ()):
            assert getattr(e, name) is None, (type(e).__qualname__, name)
    person = app.get_person(world.ottoline)
    assert person.personal == {} and person.analytic["district"] == "Mansfield"
    assert app.get_referral(world.referral).reasons == []
    assert app.get_contact(world.contact).id == world.contact
    involvement = app.get_involvement(world.ottoline)
    assert involvement.id == involvement_id(world.ottoline)
    assert app.get_person(world.bob).personal["name"] == "Robert Oakhill"


def test_the_nhs_number_claim_is_released_and_the_number_can_be_registered_again(
    world: World,
) -> None:
    app = world.app
    assert app.find_by_nhs_number(NHS) == world.ottoline
    app.erase_person(world.ottoline, ACTOR, ErasureGround.REQUEST)
    assert app.find_by_nhs_number(NHS) is None
    again = app.register_person(OTTOLINE, ACTOR)
    assert app.find_by_nhs_number(NHS) == again.id != world.ottoline


def test_a_person_is_erased_once_and_an_unknown_person_not_at_all(world: World) -> None:
    world.app.erase_person(world.ottoline, ACTOR, ErasureGround.REQUEST)
    position = world.app.log_position()
    with pytest.raises(AlreadyErased):
        world.app.erase_person(world.ottoline, ACTOR, ErasureGround.RETENTION)
    with pytest.raises(RecordNotFound):
        world.app.erase_person(uuid4(), ACTOR, ErasureGround.REQUEST)
    with pytest.raises(InvalidField, match="note"):
        world.app.erase_person(world.bob, ACTOR, ErasureGround.OTHER, "x" * 201)
    assert world.app.log_position() == position


def test_nothing_personal_can_be_recorded_about_an_erased_person(world: World) -> None:
    app = world.app
    app.erase_person(world.ottoline, ACTOR, ErasureGround.REQUEST)
    position = app.log_position()
    with pytest.raises(SubjectErased):
        app.log_contact(world.ottoline, contact_details("seen again"), ACTOR)
    with pytest.raises(SubjectErased):
        app.correct_person(world.ottoline, OTTOLINE, ACTOR)
    assert app.log_position() == position
    # Records can still be wound up without personal text.
    app.close_involvement(world.ottoline, CloseReason.MOVED_AWAY, None, ACTOR)
    with pytest.raises(SubjectErased):
        world.keys.key_for(world.ottoline)


def test_erasing_again_finishes_an_erasure_that_stopped_before_the_key_went(
    world: World,
) -> None:
    app = world.app
    app.save(Erasure(world.ottoline, ErasureGround.REQUEST, None, False, ACTOR, WHEN))
    assert app.get_person(world.ottoline).personal["name"] == NAME  # the key is still there
    with pytest.raises(AlreadyErased):
        app.erase_person(world.ottoline, ACTOR, ErasureGround.REQUEST)
    assert world.keys.existing_key(world.ottoline) is None
    assert app.get_person(world.ottoline).personal == {}
    assert app.finish_erasure(world.ottoline) is False


def test_finish_erasure_destroys_a_key_left_behind(world: World) -> None:
    app = world.app
    app.save(Erasure(world.ottoline, ErasureGround.RETENTION, None, False, ACTOR, WHEN))
    assert app.finish_erasure(world.ottoline) is True
    assert app.finish_erasure(world.bob) is False  # not erased: left alone
    assert app.get_person(world.bob).personal["name"] == "Robert Oakhill"


def test_another_process_stops_reading_once_it_polls_the_log(world: World) -> None:
    """A second mapper (another process) over the same store and keys, with its own cache."""
    app, now = world.app, [0.0]
    other = SealingMapper(app.mapper.transcoder)
    feed = ErasureFeed(app.recorder, other.to_domain_event)
    other.ciphers = CipherCache(world.keys, revocations=feed, clock=lambda: now[0])
    registered = app.recorder.select_notifications(1, 1)[0]

    def name_seen() -> object:
        personal = getattr(other.to_domain_event(registered), "personal", None)
        return None if personal is None else personal["name"]

    assert name_seen() == NAME  # the cipher is now cached in the other process
    app.erase_person(world.ottoline, ACTOR, ErasureGround.REQUEST)
    assert name_seen() == NAME  # not polled yet (less than a second)
    now[0] += 1.5
    assert name_seen() is None
    assert other.ciphers.is_revoked(world.ottoline)


def test_a_reader_of_the_log_stops_at_the_erasure_event_itself(world: World) -> None:
    """A projector decodes in log order: the erasure event revokes before anything after it."""
    app = world.app
    other = SealingMapper(app.mapper.transcoder)
    other.ciphers = CipherCache(world.keys)  # no polling at all
    registered = app.recorder.select_notifications(1, 1)[0]
    assert getattr(other.to_domain_event(registered), "personal", None) is not None
    before = app.log_position()
    app.erase_person(world.ottoline, ACTOR, ErasureGround.REQUEST)
    (erasure,) = app.recorder.select_notifications(
        before, 10, topics=[get_topic(Erasure.Recorded)], inclusive_of_start=False
    )
    assert isinstance(other.to_domain_event(erasure), Erasure.Recorded)
    assert getattr(other.to_domain_event(registered), "personal", "?") is None


def test_a_cached_key_is_read_again_after_its_time_to_live() -> None:
    keys, now, subject = InMemoryKeyStore(), [0.0], uuid4()
    cache = CipherCache(keys, ttl_seconds=60, clock=lambda: now[0])
    assert cache.cipher(subject, create=True) is not None
    keys.destroy(subject)
    assert cache.cipher(subject, create=False) is not None  # still cached
    now[0] += 61
    assert cache.cipher(subject, create=False) is None
    with pytest.raises(SubjectErased):
        cache.cipher(subject, create=True)


def test_subject_access_and_retention_runs_are_recorded_without_personal_data(
    world: World,
) -> None:
    app = world.app
    app.record_subject_access(world.ottoline, ACTOR, "pdf")
    app.record_subject_access(world.ottoline, ACTOR, "json")
    events = list(app.history(subject_access_id(world.ottoline)))
    assert [type(e).__qualname__ for e in events] == [
        "SubjectAccessLog.Started",
        "SubjectAccessLog.Provided",
        "SubjectAccessLog.Provided",
    ]
    assert [getattr(e, "format", None) for e in events[1:]] == ["pdf", "json"]
    with pytest.raises(InvalidField, match="format"):
        app.record_subject_access(world.ottoline, ACTOR, "docx")
    run = app.record_retention_run(6, date(2018, 6, 1), 3, [world.ottoline], {"open": 2}, ACTOR)
    (completed,) = list(app.history(run.id))
    assert isinstance(completed, RetentionRun.Completed)
    assert (completed.erased, completed.kept, completed.cutoff) == (
        [world.ottoline],
        {"open": 2},
        date(2018, 6, 1),
    )
    assert [s for s in SECRETS if s.encode() in stored(app)] == []
