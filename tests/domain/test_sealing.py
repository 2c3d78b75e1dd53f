"""Personal fields are sealed per person in the stored events, and erased with the key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import pytest

from domain.application import LacApplication
from domain.cipher_cache import InMemoryKeyStore
from domain.person import Person, PersonDetails
from domain.reference import Programme, ReferralSource, ReferralStatus
from domain.referral import Referral
from domain.sealing import SEALED_PREFIX, SealingMapper

ACTOR = uuid4()
WHEN = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)  # fixes the age bands: Anne 74, Bob 44
ANNE = PersonDetails(
    name="Anne Wintergreen",
    date_of_birth=date(1950, 3, 4),
    postcode="ng18 1ab",
    district="Mansfield",
    nhs_number="943 476 5919",
    lsoa_code="E01028075",
    address="12 Quarry Lane",
    phone="01623 555123",
    email="anne@example.org",
    sex="female",
    ethnicity="white",
)
BOB = PersonDetails("Robert Oakhill", date(1980, 1, 1), "NG5 1AA", "Gedling", "4010232137")
REFERRER = "Councillor Pemberton"
REASONS = ["told to present as homeless", "on oxygen fifteen hours a day"]
DEVICE_REASON = "needs a tablet for video calls"
DECLINE_REASON = "already supported by the warden service"
PERSONAL_TEXTS = [
    "Anne Wintergreen",
    "9434765919",
    "943 476 5919",
    "NG18 1AB",
    "NG181AB",
    "12 Quarry Lane",
    "01623 555123",
    "anne@example.org",
    "1950-03-04",
    REFERRER,
    *REASONS,
    DEVICE_REASON,
    DECLINE_REASON,
]


@dataclass
class World:
    app: LacApplication
    keys: InMemoryKeyStore
    anne: UUID
    bob: UUID
    referral: UUID
    declined: UUID


@pytest.fixture
def world() -> World:
    keys = InMemoryKeyStore()
    app = LacApplication(
        {"PERSISTENCE_MODULE": "eventsourcing.popo"}, claim_secret=b"test", key_store=keys
    )
    anne, referral = app.register_and_refer(
        ANNE,
        Programme.LAC,
        ReferralSource.COUNCILLOR,
        REFERRER,
        REASONS,
        True,
        ACTOR,
        occurred_at=WHEN,
    )
    declined = app.make_referral(
        anne.id, Programme.DEVICES, ReferralSource.SELF, None, [DEVICE_REASON], False, ACTOR
    )
    app.decline_referral(declined.id, DECLINE_REASON, ACTOR)
    bob = app.register_person(BOB, ACTOR, occurred_at=WHEN)
    return World(app, keys, anne.id, bob.id, referral.id, declined.id)


def stored_state(app: LacApplication) -> bytes:
    notifications = app.recorder.select_notifications(start=1, limit=100)
    assert len(notifications) == 7
    return b"\n".join(n.state for n in notifications)


def erase(world: World, person_id: UUID) -> None:
    world.keys.destroy(person_id)
    ciphers = world.app.sealing.ciphers
    assert ciphers is not None
    ciphers.forget(person_id)


def test_stored_events_do_not_contain_personal_values(world: World) -> None:
    raw = stored_state(world.app)
    leaked = [text for text in PERSONAL_TEXTS if text.encode() in raw]
    assert leaked == []
    assert b"Robert Oakhill" not in raw
    assert b"4010232137" not in raw


def test_stored_events_keep_analytic_values_readable(world: World) -> None:
    raw = stored_state(world.app)
    for text in ("Mansfield", "Gedling", "E01028075", "65-74", "35-44", "white"):
        assert text.encode() in raw, text
    assert (
        raw.count(SEALED_PREFIX.encode()) == 6
    )  # 2 people, referrer + 2 x reasons, decline reason


def test_reading_back_gives_plain_values(world: World) -> None:
    anne = world.app.get_person(world.anne)
    assert anne.personal["name"] == "Anne Wintergreen"
    assert anne.nhs_number == "9434765919"
    assert anne.personal["postcode"] == "NG18 1AB"
    assert anne.personal["date_of_birth"] == date(1950, 3, 4)
    assert anne.personal["email"] == "anne@example.org"
    referral = world.app.get_referral(world.referral)
    assert (referral.referrer, referral.reasons) == (REFERRER, REASONS)
    declined = list(world.app.history(world.declined))[-1]
    assert isinstance(declined, Referral.Declined)
    assert declined.reason == DECLINE_REASON


def test_destroying_the_key_erases_personal_values_but_keeps_analytics(world: World) -> None:
    erase(world, world.anne)
    anne = world.app.get_person(world.anne)
    assert anne.personal == {}
    assert anne.nhs_number is None
    assert anne.analytic["district"] == "Mansfield"
    assert anne.analytic["age_band"] == "65-74"
    assert anne.analytic["lsoa_code"] == "E01028075"
    registered = next(iter(world.app.history(world.anne)))
    assert isinstance(registered, Person.Registered)
    assert registered.personal is None
    assert registered.analytic["district"] == "Mansfield"


def test_destroying_the_key_erases_referral_text(world: World) -> None:
    erase(world, world.anne)
    referral = world.app.get_referral(world.referral)
    assert referral.referrer is None
    assert referral.reasons == []
    assert referral.programme is Programme.LAC
    assert referral.source is ReferralSource.COUNCILLOR
    assert referral.person_id == world.anne
    declined = world.app.get_referral(world.declined)
    assert declined.status is ReferralStatus.DECLINED
    last = list(world.app.history(world.declined))[-1]
    assert isinstance(last, Referral.Declined)
    assert last.reason is None


def test_other_people_stay_readable_after_an_erasure(world: World) -> None:
    erase(world, world.anne)
    bob = world.app.get_person(world.bob)
    assert bob.personal["name"] == "Robert Oakhill"
    assert bob.nhs_number == "4010232137"
    assert bob.analytic["district"] == "Gedling"


def test_sealing_uses_a_key_per_person(world: World) -> None:
    anne_key = world.keys.existing_key(world.anne)
    bob_key = world.keys.existing_key(world.bob)
    assert anne_key and bob_key and anne_key != bob_key
    assert world.keys.key_for(world.anne) == anne_key  # created once, then reused
    world.keys.destroy(world.anne)
    assert world.keys.existing_key(world.anne) is None


def test_corrections_are_sealed_too(world: World) -> None:
    before = world.app.log_position()
    world.app.correct_person(
        world.bob,
        PersonDetails("Robert Oakhill-Smith", date(1980, 1, 1), "NG5 1AA", "Gedling", "4010232137"),
        ACTOR,
    )
    corrections = world.app.recorder.select_notifications(start=before + 1, limit=10)
    assert [n.topic for n in corrections] == ["domain.person:Person.DetailsCorrected"]
    assert b"Oakhill-Smith" not in corrections[0].state
    assert world.app.get_person(world.bob).personal["name"] == "Robert Oakhill-Smith"


def test_mapper_without_keys_refuses_to_seal(world: World) -> None:
    app = world.app
    mapper = SealingMapper(transcoder=app.mapper.transcoder)
    registered = next(iter(app.history(world.bob)))
    with pytest.raises(RuntimeError, match="no key store"):
        mapper.to_stored_event(registered)


def test_redirect_destination_and_carer_relationship_are_sealed(world: World) -> None:
    app = world.app
    third = app.make_referral(
        world.anne, Programme.LAC, ReferralSource.SELF, None, ["isolated"], True, ACTOR
    )
    app.redirect_referral(third.id, "Dr Mirabel Quince's surgery", "see her GP", ACTOR)
    app.link_carer(world.bob, world.anne, "Quintessential partner", ACTOR)
    notifications = app.recorder.select_notifications(start=1, limit=100)
    state = b"\n".join(n.state for n in notifications)
    assert b"Mirabel" not in state and b"Quintessential" not in state
    assert app.get_referral(third.id).redirected_to == "Dr Mirabel Quince's surgery"
    assert app.get_person(world.bob).carer_relationship == "Quintessential partner"
