"""Support contacts: checked on the way in, corrected and withdrawn by later events."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

import pytest

from domain.codes import ContactMode, ContactPurpose, Participant
from domain.contact import CLOCK_SKEW, MAX_MINUTES, ContactDetails, SupportContact
from domain.errors import InvalidField, InvalidTransition

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
ACTOR = uuid4()
DETAILS = ContactDetails(
    contact_at=NOW - timedelta(days=1),
    duration_minutes=45,
    mode=ContactMode.IN_PERSON,
    participants=(Participant.PERSON, Participant.CARER_OR_FAMILY),
    purposes=(ContactPurpose.LISTENING, ContactPurpose.PLANNING),
    notes="Talked about the allotment",
)


def logged(details: ContactDetails = DETAILS) -> SupportContact:
    checked = details.checked(NOW)
    contact = SupportContact._create(
        SupportContact.Logged,
        person_id=uuid4(),
        involvement_id=uuid4(),
        district="Bassetlaw",
        actor_id=ACTOR,
        **checked.state(),
    )
    return contact


def test_good_details_pass_and_are_tidied() -> None:
    asset = uuid4()
    messy = replace(
        DETAILS,
        participants=(Participant.PERSON, Participant.PROFESSIONAL, Participant.PERSON),
        purposes=(ContactPurpose.CONNECTING, ContactPurpose.CONNECTING, ContactPurpose.ADVOCACY),
        notes="  met at the library  ",
        asset_ids=(asset, asset),
    )
    checked = messy.checked(NOW)
    assert checked.participants == (Participant.PERSON, Participant.PROFESSIONAL)
    assert checked.purposes == (ContactPurpose.CONNECTING, ContactPurpose.ADVOCACY)
    assert checked.asset_ids == (asset,)
    assert checked.notes == "met at the library"
    assert replace(DETAILS, notes="   ").checked(NOW).notes is None
    assert replace(DETAILS, notes=None).checked(NOW).notes is None


def test_a_contact_in_the_future_is_refused_beyond_clock_skew() -> None:
    with pytest.raises(InvalidField) as info:
        replace(DETAILS, contact_at=NOW + CLOCK_SKEW + timedelta(seconds=1)).checked(NOW)
    assert (info.value.field, info.value.message) == ("contact_at", "must not be in the future")
    with pytest.raises(InvalidField, match="future"):
        replace(DETAILS, contact_at=NOW + timedelta(days=2)).checked(NOW)
    assert replace(DETAILS, contact_at=NOW + CLOCK_SKEW).checked(NOW).contact_at > NOW


def test_a_naive_contact_time_is_refused() -> None:
    with pytest.raises(InvalidField) as info:
        replace(DETAILS, contact_at=datetime(2024, 5, 30, 10, 0)).checked(NOW)
    assert (info.value.field, info.value.message) == ("contact_at", "must include a time zone")


def test_another_time_zone_is_accepted() -> None:
    bst = timezone(timedelta(hours=1))
    at = datetime(2024, 6, 1, 12, 30, tzinfo=bst)  # 11:30 UTC, before NOW
    assert replace(DETAILS, contact_at=at).checked(NOW).contact_at == at


@pytest.mark.parametrize("minutes", [0, -5, MAX_MINUTES + 1])
def test_duration_out_of_bounds_is_refused(minutes: int) -> None:
    with pytest.raises(InvalidField) as info:
        replace(DETAILS, duration_minutes=minutes).checked(NOW)
    assert (info.value.field, info.value.message) == (
        "duration_minutes",
        f"must be 1 to {MAX_MINUTES} minutes",
    )


@pytest.mark.parametrize("minutes", [1, 90, MAX_MINUTES])
def test_duration_within_bounds(minutes: int) -> None:
    assert replace(DETAILS, duration_minutes=minutes).checked(NOW).duration_minutes == minutes


def test_empty_participants_or_purposes_are_refused() -> None:
    with pytest.raises(InvalidField) as info:
        replace(DETAILS, participants=()).checked(NOW)
    assert (info.value.field, info.value.message) == ("participants", "say who took part")
    with pytest.raises(InvalidField) as info:
        replace(DETAILS, purposes=()).checked(NOW)
    assert (info.value.field, info.value.message) == ("purposes", "give at least one purpose")


def test_notes_too_long_are_refused() -> None:
    with pytest.raises(InvalidField, match="notes: must be at most 5000"):
        replace(DETAILS, notes="x" * 5001).checked(NOW)


def test_logged_contact_holds_what_happened() -> None:
    contact = logged()
    assert contact.contact_at == DETAILS.contact_at
    assert contact.withdrawn is False
    (event,) = contact.collect_events()
    assert isinstance(event, SupportContact.Logged)
    assert event.participants == [Participant.PERSON, Participant.CARER_OR_FAMILY]
    assert event.purposes == [ContactPurpose.LISTENING, ContactPurpose.PLANNING]
    assert (event.mode, event.duration_minutes) == (ContactMode.IN_PERSON, 45)
    assert (event.notes, event.asset_ids, event.district) == (
        "Talked about the allotment",
        [],
        "Bassetlaw",
    )
    assert event.data_subject_id() == contact.person_id


def test_correction_is_a_later_event_not_an_edit() -> None:
    contact = logged()
    corrected = replace(DETAILS, contact_at=NOW - timedelta(days=2), duration_minutes=60)
    contact.correct(corrected.checked(NOW), "  wrong day  ", ACTOR)
    assert contact.contact_at == NOW - timedelta(days=2)
    logged_event, correction = contact.collect_events()
    assert isinstance(logged_event, SupportContact.Logged)
    assert logged_event.contact_at == NOW - timedelta(days=1)  # the history is untouched
    assert isinstance(correction, SupportContact.Corrected)
    assert (correction.duration_minutes, correction.why) == (60, "wrong day")
    assert correction.person_id == contact.person_id
    with pytest.raises(InvalidField) as info:
        contact.correct(corrected, "", ACTOR)
    assert info.value.field == "why"


def test_withdrawn_contact_cannot_be_corrected_or_withdrawn_again() -> None:
    contact = logged()
    contact.withdraw("logged against the wrong person", ACTOR)
    assert contact.withdrawn is True
    with pytest.raises(InvalidTransition) as info:
        contact.correct(DETAILS, "fix", ACTOR)
    assert (info.value.record, info.value.action, info.value.status) == (
        "support contact",
        "correct",
        "withdrawn",
    )
    assert info.value.why == "a withdrawn contact stays withdrawn"
    with pytest.raises(InvalidTransition) as info:
        contact.withdraw("again", ACTOR)
    assert (info.value.action, info.value.why) == ("withdraw", "it was already withdrawn")
    assert contact.version == 2


def test_a_withdrawal_needs_a_reason() -> None:
    contact = logged()
    with pytest.raises(InvalidField) as info:
        contact.withdraw("  ", ACTOR)
    assert info.value.field == "why"
    assert contact.withdrawn is False


def test_replay_rebuilds_the_contact() -> None:
    contact = logged()
    contact.correct(replace(DETAILS, contact_at=NOW - timedelta(hours=3)), "time", ACTOR)
    contact.withdraw("duplicate", ACTOR)
    copy: Any = None
    for domain_event in contact.collect_events():
        copy = domain_event.mutate(copy)
    assert isinstance(copy, SupportContact)
    assert (copy.version, copy.withdrawn) == (3, True)
    assert copy.contact_at == NOW - timedelta(hours=3)
    assert (copy.person_id, copy.involvement_id) == (contact.person_id, contact.involvement_id)
