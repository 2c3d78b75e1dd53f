"""Casework through LacApplication, on in-memory (popo) persistence."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.application import LacApplication
from domain.cipher_cache import InMemoryKeyStore
from domain.codes import (
    AssetCategory,
    CloseReason,
    CommunityWorkKind,
    ConnectionStatus,
    ContactMode,
    ContactPurpose,
    GoalStatus,
    Instrument,
    InvolvementStatus,
    Occasion,
    OutcomeDetail,
    OutcomeDomain,
    Participant,
    StrengthKind,
    SupportLevel,
)
from domain.community import AssetDetails
from domain.consent import ConsentHow, GivenConsent
from domain.contact import ContactDetails
from domain.errors import InvalidField, InvalidTransition, NoInvolvement, RecordNotFound
from domain.involvement import Involvement, involvement_id
from domain.outcomes import OutcomeRecord
from domain.person import PersonDetails
from domain.reference import Programme, ReferralSource

ACTOR = uuid4()
COORDINATOR = uuid4()
OPENED = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
ALAN = PersonDetails("Alan Sofasurfer", date(1985, 7, 9), "NG17 2AB", "Ashfield")
NOTES = "Alan sleeps on his cousin's sofa and owes rent arrears of 1,200 pounds"
WHAT_MATTERS = "A place of my own and getting back to football on Sundays"
EVIDENCE = "Housing officer confirmed the hostel place by letter"
STRENGTH = "Knows every bus route in Sutton"
GOAL = "Bid for a council flat before winter"
VERBAL = GivenConsent(ConsentHow.VERBAL)  # Alan agrees as the coordinator opens his involvement
LIBRARY = AssetDetails("Sutton Library", AssetCategory.PLACE, "Ashfield", accessibility="Lift")


def new_app() -> LacApplication:
    env = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    return LacApplication(env, claim_secret=b"test", key_store=InMemoryKeyStore())


@pytest.fixture
def app() -> LacApplication:
    return new_app()


def person(app: LacApplication) -> UUID:
    return app.register_person(ALAN, ACTOR, occurred_at=OPENED - timedelta(days=2)).id


def opened(app: LacApplication) -> UUID:
    alan = person(app)
    app.open_involvement(
        alan, COORDINATOR, SupportLevel.INTRODUCTORY, ACTOR, occurred_at=OPENED, consent=VERBAL
    )
    return alan


def contact(at: datetime = OPENED, *assets: UUID, notes: str | None = NOTES) -> ContactDetails:
    return ContactDetails(
        contact_at=at,
        duration_minutes=50,
        mode=ContactMode.IN_PERSON,
        participants=(Participant.PERSON,),
        purposes=(ContactPurpose.LISTENING, ContactPurpose.CONNECTING),
        notes=notes,
        asset_ids=assets,
    )


def refer(app: LacApplication, person_id: UUID, programme: Programme = Programme.LAC) -> UUID:
    return app.make_referral(
        person_id,
        programme,
        ReferralSource.COUNCILLOR,
        "Cllr Brown",
        ["evicted"],
        True,
        ACTOR,
        occurred_at=OPENED,
    ).id


def test_casework_without_an_involvement_is_refused(app: LacApplication) -> None:
    alan = person(app)
    position = app.log_position()
    with pytest.raises(NoInvolvement) as info:
        app.log_contact(alan, contact(), ACTOR)
    assert info.value.person_id == alan
    assert "open one first" in str(info.value)
    record = OutcomeRecord(OutcomeDomain.CONNECTED, None, OPENED.date(), EVIDENCE)
    with pytest.raises(NoInvolvement):
        app.record_outcome(alan, record, ACTOR)
    with pytest.raises(NoInvolvement):
        app.connect(alan, uuid4(), ConnectionStatus.INTRODUCED, None, ACTOR)
    assert not app.has_involvement(alan)
    assert app.log_position() == position


def test_open_involvement_twice_is_refused(app: LacApplication) -> None:
    alan = opened(app)
    involvement = app.get_involvement(alan)
    assert (involvement.id, involvement.district) == (involvement_id(alan), "Ashfield")
    assert (involvement.opened_at, involvement.coordinator_id) == (OPENED, COORDINATOR)
    position = app.log_position()
    with pytest.raises(InvalidTransition) as info:
        app.open_involvement(alan, COORDINATOR, SupportLevel.INTRODUCTORY, ACTOR)
    assert (info.value.action, info.value.status) == ("open", "active")
    assert info.value.why == "the person already has an open involvement"
    app.change_involvement(alan, lambda i, when: i.pause(None, ACTOR, when))
    with pytest.raises(InvalidTransition) as info:
        app.open_involvement(alan, COORDINATOR, SupportLevel.INTRODUCTORY, ACTOR)
    assert info.value.status == "paused"
    assert app.log_position() == position + 1


def test_open_involvement_for_an_unknown_person(app: LacApplication) -> None:
    with pytest.raises(RecordNotFound):
        app.open_involvement(uuid4(), COORDINATOR, SupportLevel.INTRODUCTORY, ACTOR)
    assert app.log_position() == 0


def test_a_closed_involvement_is_reopened_and_closing_twice_records_nothing(
    app: LacApplication,
) -> None:
    alan = opened(app)
    app.close_involvement(alan, CloseReason.MOVED_AWAY, None, ACTOR, OPENED + timedelta(days=9))
    position = app.log_position()
    with pytest.raises(InvalidTransition) as info:
        app.close_involvement(alan, CloseReason.OTHER, None, ACTOR)
    assert (info.value.action, info.value.status) == ("close", "closed")
    assert app.log_position() == position
    other = uuid4()
    app.open_involvement(alan, other, SupportLevel.WALKING_ALONGSIDE, ACTOR)
    involvement = app.get_involvement(alan)
    assert (involvement.status, involvement.coordinator_id) == (InvolvementStatus.ACTIVE, other)
    names = [type(e).__qualname__ for e in app.history(involvement.id)]
    assert names == ["Involvement.Opened", "Involvement.Closed", "Involvement.Reopened"]


def test_changes_dated_before_the_opening_are_refused(app: LacApplication) -> None:
    alan = opened(app)
    before = OPENED - timedelta(minutes=1)
    with pytest.raises(InvalidField) as info:
        app.close_involvement(alan, CloseReason.OTHER, None, ACTOR, before)
    assert info.value.field == "occurred_at"
    with pytest.raises(InvalidField) as info:
        app.connect(alan, uuid4(), ConnectionStatus.INTRODUCED, None, ACTOR, before)
    assert info.value.field == "occurred_at"
    assert app.get_involvement(alan).version == 1


def test_the_before_opening_error_speaks_of_the_involvement(app: LacApplication) -> None:
    # It used to say "before the referral was received" for an involvement's changes too.
    alan = opened(app)
    with pytest.raises(InvalidField) as info:
        app.close_involvement(alan, CloseReason.OTHER, None, ACTOR, OPENED - timedelta(days=1))
    assert "referral" not in info.value.message, info.value.message


def test_a_contact_before_the_involvement_opened_is_refused(app: LacApplication) -> None:
    alan = opened(app)
    position = app.log_position()
    with pytest.raises(InvalidField) as info:
        app.log_contact(alan, contact(OPENED - timedelta(days=1, minutes=1)), ACTOR)
    assert (info.value.field, info.value.message) == (
        "contact_at",
        "is before the involvement was opened",
    )
    early_that_day = OPENED.replace(hour=7)  # recorded after the fact, the same day
    logged = app.log_contact(alan, contact(early_that_day), ACTOR)
    assert logged.position == position + 1
    with pytest.raises(InvalidField, match="contact_at: must not be in the future"):
        app.log_contact(alan, contact(datetime.now(UTC) + timedelta(hours=1)), ACTOR)


def test_a_contact_with_an_unknown_asset_is_refused(app: LacApplication) -> None:
    alan = opened(app)
    library = app.list_asset(LIBRARY, ACTOR).id
    position = app.log_position()
    unknown = uuid4()
    with pytest.raises(RecordNotFound) as info:
        app.log_contact(alan, contact(OPENED, library, unknown), ACTOR)
    assert (info.value.record, info.value.record_id) == ("community asset", unknown)
    with pytest.raises(RecordNotFound):
        app.log_contact(alan, contact(OPENED, alan), ACTOR)  # a person is not an asset
    assert app.log_position() == position
    logged = app.log_contact(alan, contact(OPENED, library, library), ACTOR)
    stored = app.get_contact(logged.id)
    assert (stored.person_id, stored.involvement_id) == (alan, involvement_id(alan))
    (event,) = app.history(logged.id)
    assert event.asset_ids == [library]  # type: ignore[attr-defined]
    assert event.notes == NOTES  # type: ignore[attr-defined]


def test_contacts_are_corrected_and_withdrawn_through_the_app(app: LacApplication) -> None:
    alan = opened(app)
    logged = app.log_contact(alan, contact(OPENED + timedelta(days=1)), ACTOR)
    with pytest.raises(InvalidField, match="before the involvement"):
        app.correct_contact(logged.id, contact(OPENED - timedelta(days=2)), "wrong day", ACTOR)
    app.correct_contact(logged.id, contact(OPENED + timedelta(days=2)), "wrong day", ACTOR)
    assert app.get_contact(logged.id).contact_at == OPENED + timedelta(days=2)
    app.withdraw_contact(logged.id, "duplicate", ACTOR)
    with pytest.raises(InvalidTransition):
        app.correct_contact(logged.id, contact(), "again", ACTOR)
    with pytest.raises(RecordNotFound):
        app.get_contact(alan)
    assert app.get_contact(logged.id).version == 3


def test_accepting_a_lac_referral_opens_the_involvement(app: LacApplication) -> None:
    alan = person(app)
    referral = refer(app, alan)
    accepted_at = OPENED + timedelta(hours=3)
    step = app.accept_referral(referral, COORDINATOR, ACTOR, accepted_at)
    involvement = app.get_involvement(alan)
    assert step.position == app.log_position()
    assert (involvement.opened_at, involvement.coordinator_id) == (accepted_at, COORDINATOR)
    assert involvement.support_level is SupportLevel.INTRODUCTORY
    (opened_event,) = app.history(involvement.id)
    assert isinstance(opened_event, Involvement.Opened)
    assert opened_event.referral_id == referral


def test_accepting_a_lac_referral_reopens_a_closed_involvement(app: LacApplication) -> None:
    alan = opened(app)
    app.close_involvement(alan, CloseReason.PERSON_ENDED, None, ACTOR, OPENED)
    second = refer(app, alan)
    coordinator = uuid4()
    app.accept_referral(second, coordinator, ACTOR, OPENED + timedelta(days=1))
    involvement = app.get_involvement(alan)
    assert (involvement.status, involvement.coordinator_id) == (
        InvolvementStatus.ACTIVE,
        coordinator,
    )
    reopened = list(app.history(involvement.id))[-1]
    assert isinstance(reopened, Involvement.Reopened)
    assert reopened.referral_id == second
    third = refer(app, alan)  # already open: accepting leaves it as it is
    app.accept_referral(third, uuid4(), ACTOR)
    assert app.get_involvement(alan).version == involvement.version


def test_accepting_a_devices_referral_opens_no_involvement(app: LacApplication) -> None:
    alan = person(app)
    referral = refer(app, alan, Programme.DEVICES)
    app.accept_referral(referral, COORDINATOR, ACTOR)
    assert not app.has_involvement(alan)
    with pytest.raises(NoInvolvement):
        app.get_involvement(alan)


def test_goals_outcomes_and_measures_through_the_app(app: LacApplication) -> None:
    alan = opened(app)
    goal = app.set_goal(alan, GOAL, ACTOR).id
    app.change_goal(alan, goal, GoalStatus.ACHIEVED, ACTOR)
    app.record_strengths(alan, {StrengthKind.COMMUNITY: [STRENGTH]}, ACTOR)
    app.set_next_action(alan, "Ring the housing officer", date(2024, 5, 9), ACTOR)
    home = OutcomeRecord(OutcomeDomain.HOME, OutcomeDetail.TENANCY_SECURED, date.today(), EVIDENCE)
    outcome = app.record_outcome(alan, home, ACTOR).id
    with pytest.raises(InvalidField, match="detail"):
        app.record_outcome(alan, replace(home, detail=None), ACTOR)
    items = [2, 2, 3, 2, 3, 2, 2]
    baseline = app.record_measure(
        alan, Instrument.SWEMWBS, Occasion.BASELINE, OPENED.date(), items, ACTOR
    )
    with pytest.raises(InvalidField, match="baseline is already recorded"):
        app.record_measure(alan, Instrument.SWEMWBS, Occasion.BASELINE, OPENED.date(), items, ACTOR)
    involvement = app.get_involvement(alan)
    assert involvement.goals == {goal: GoalStatus.ACHIEVED}
    assert involvement.outcomes == {outcome}
    assert involvement.measures == {baseline.id: (Instrument.SWEMWBS, Occasion.BASELINE)}
    assert involvement.version == 7


def test_assets_connections_and_community_work_through_the_app(app: LacApplication) -> None:
    alan = opened(app)
    with pytest.raises(InvalidField, match="unknown district 'Leeds'"):
        app.list_asset(replace(LIBRARY, district="Leeds"), ACTOR)
    library = app.list_asset(LIBRARY, ACTOR).id
    with pytest.raises(InvalidField, match="last_verified_on"):
        app.update_asset(library, replace(LIBRARY, last_verified_on=date(2999, 1, 1)), ACTOR)
    with pytest.raises(InvalidField, match="verified_on"):
        app.verify_asset(library, date.today() + timedelta(days=1), ACTOR)
    with pytest.raises(InvalidField, match="introduce the person to the asset first"):
        app.connect(alan, library, ConnectionStatus.ATTENDED, None, ACTOR)
    app.connect(alan, library, ConnectionStatus.INTRODUCED, "went together", ACTOR)
    app.connect(alan, library, ConnectionStatus.ATTENDED, None, ACTOR)
    with pytest.raises(InvalidTransition, match="mark as introduced"):
        app.connect(alan, library, ConnectionStatus.INTRODUCED, None, ACTOR)
    with pytest.raises(RecordNotFound):
        app.connect(alan, uuid4(), ConnectionStatus.INTRODUCED, None, ACTOR)
    hall = app.list_asset(replace(LIBRARY, name="Old Hall"), ACTOR).id
    retired = app.get_asset(hall)
    retired.retire("the hall was sold", ACTOR)
    app.save(retired)
    with pytest.raises(InvalidTransition, match="retired"):
        app.connect(alan, hall, ConnectionStatus.INTRODUCED, None, ACTOR)
    kind = CommunityWorkKind.FINDING_FUNDING
    with pytest.raises(InvalidField, match="district"):
        app.record_community_work(kind, "Leeds", None, "grant bid", 60, OPENED.date(), ACTOR)
    with pytest.raises(RecordNotFound):
        app.record_community_work(kind, "Ashfield", uuid4(), "grant", 60, OPENED.date(), ACTOR)
    work = app.record_community_work(kind, "Ashfield", library, "grant", 60, OPENED.date(), ACTOR)
    assert work.version == 1


def stored_texts(app: LacApplication) -> str:
    states = [n.state for n in app.recorder.select_notifications(start=1, limit=500)]
    return b"\n".join(states).decode("utf-8", errors="replace")


def test_stored_casework_events_hold_no_plaintext_personal_data(app: LacApplication) -> None:
    alan = opened(app)
    library = app.list_asset(LIBRARY, ACTOR).id
    logged = app.log_contact(alan, contact(OPENED, library), ACTOR)
    app.correct_contact(
        logged.id, contact(OPENED, notes=NOTES + " (corrected)"), "wrong asset", ACTOR
    )
    app.change_involvement(alan, lambda i, when: i.record_what_matters(WHAT_MATTERS, ACTOR, when))
    app.record_strengths(alan, {StrengthKind.PERSONAL: [STRENGTH]}, ACTOR)
    app.set_goal(alan, GOAL, ACTOR)
    app.set_next_action(alan, "Call Alan's cousin about the sofa", OPENED.date(), ACTOR)
    record = OutcomeRecord(OutcomeDomain.CRISIS_AVOIDED, None, OPENED.date(), EVIDENCE)
    app.record_outcome(alan, record, ACTOR)
    app.connect(alan, library, ConnectionStatus.INTRODUCED, "Alan's first visit", ACTOR)
    app.close_involvement(alan, CloseReason.GOALS_MET, "Alan moved into his flat", ACTOR)
    stored = stored_texts(app)
    assert "Sutton Library" in stored  # the directory is not personal data: a sanity check
    for secret in (
        NOTES,
        "sofa",
        WHAT_MATTERS,
        "football",
        STRENGTH,
        GOAL,
        EVIDENCE,
        "first visit",
        "moved into his flat",
        "wrong asset",
        "Alan",
    ):
        assert secret not in stored, secret
    # Read back through the application, everything opens again.
    involvement_events = list(app.history(involvement_id(alan)))
    assert involvement_events[1].what_matters == WHAT_MATTERS  # type: ignore[attr-defined]
    assert app.history(logged.id).__next__().notes == NOTES  # type: ignore[attr-defined]


def test_reassign_through_the_app_keeps_the_person_district(app: LacApplication) -> None:
    alan = opened(app)
    with pytest.raises(InvalidField, match="already the coordinator"):
        app.reassign(alan, COORDINATOR, ACTOR)
    other = uuid4()
    app.reassign(alan, other, ACTOR)
    involvement = app.get_involvement(alan)
    assert (involvement.coordinator_id, involvement.district) == (other, "Ashfield")
    app.close_involvement(alan, CloseReason.DIED, None, ACTOR)
    with pytest.raises(InvalidTransition, match="cannot reassign involvement"):
        app.reassign(alan, COORDINATOR, ACTOR)


def test_a_follow_up_before_its_baseline_is_refused(app: LacApplication) -> None:
    alan = opened(app)
    app.record_measure(
        alan, Instrument.UCLA3, Occasion.BASELINE, date(2024, 6, 1), [3, 3, 3], ACTOR
    )
    position = app.log_position()
    with pytest.raises(InvalidField) as info:
        app.record_measure(
            alan, Instrument.UCLA3, Occasion.FOLLOW_UP, date(2024, 5, 20), [2, 2, 2], ACTOR
        )
    assert info.value.field == "taken_on" and "baseline" in info.value.message
    assert app.log_position() == position


def test_an_outcome_before_the_involvement_opened_is_refused(app: LacApplication) -> None:
    alan = opened(app)
    early = OutcomeRecord(OutcomeDomain.CRISIS_AVOIDED, None, date(2024, 4, 1), "before")
    with pytest.raises(InvalidField) as info:
        app.record_outcome(alan, early, ACTOR)
    assert info.value.field == "occurred_on"
