"""Consent through the application (no database): given, withdrawn and given again; every
refusal and its message; consent recorded by accepting a referral and by handing a kit over."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from domain.application import LacApplication
from domain.codes import (
    CloseReason,
    ConnectionStatus,
    Instrument,
    Occasion,
    OutcomeDomain,
    SupportLevel,
)
from domain.consent import NEEDS, Consent, ConsentHow, ConsentScope, GivenConsent, HealthShare
from domain.device_codes import Agreement, Condition, LoanStatus, SessionKind
from domain.errors import ConsentNotGiven, ConsentRequired, InvalidField, InvalidTransition
from domain.involvement import Involvement
from domain.outcomes import OutcomeRecord
from domain.person import Person
from domain.reference import Programme, ReferralSource
from tests.domain.test_casework_application import (
    ACTOR,
    COORDINATOR,
    LIBRARY,
    OPENED,
    contact,
    new_app,
    person,
    refer,
    stored_texts,
)
from tests.domain.test_loan import TODAY, WITNESS, World, world

LAC, HEALTH, TERMS = (
    ConsentScope.LAC_SUPPORT,
    ConsentScope.HEALTH_SHARING,
    ConsentScope.DEVICE_TERMS,
)
VERBAL, WRITTEN = ConsentHow.VERBAL, ConsentHow.WRITTEN
DAY = OPENED.date()
NEEDS_LAC = (
    "needs consent: Local Area Coordination support (lac_support) is not recorded for this "
    "person; record it first"
)
LAC_WITHDRAWN = (
    "needs consent: Local Area Coordination support (lac_support) was withdrawn for this "
    "person; record it again first"
)
NEEDS_HEALTH = (
    "needs consent: sharing information with health (e.g. the GP) (health_sharing) is not "
    "recorded for this person; record it first"
)
TERMS_WITHDRAWN = (
    "needs consent: the device scheme's terms and conditions (device_terms) was withdrawn for "
    "this person; record it again first"
)
NOTE = "Alan agreed on the phone after his hostel appointment"


@pytest.fixture
def app() -> LacApplication:
    return new_app()


def open_with_consent(app: LacApplication, how: ConsentHow = VERBAL) -> UUID:
    alan = person(app)
    app.open_involvement(
        alan,
        COORDINATOR,
        SupportLevel.INTRODUCTORY,
        ACTOR,
        occurred_at=OPENED,
        consent=GivenConsent(how, note=NOTE),
    )
    return alan


def consent_events(app: LacApplication, person_id: UUID) -> list[str]:
    kinds = (Person.ConsentGiven, Person.ConsentWithdrawn)
    return [f"{type(e).__name__}:{e.scope}" for e in app.history(person_id) if isinstance(e, kinds)]


def opened_from(app: LacApplication, person_id: UUID) -> UUID | None:
    opened = next(iter(app.history(app.get_involvement(person_id).id)))
    assert isinstance(opened, Involvement.Opened)
    return opened.referral_id


def refused(error: type[Exception], message: str, step: Callable[[], Any]) -> None:
    with pytest.raises(error) as info:
        step()
    assert str(info.value) == message


# given, withdrawn, given again --------------------------------------------------------------


def test_consent_is_given_withdrawn_and_given_again(app: LacApplication) -> None:
    alan = person(app)
    app.record_consent(alan, HEALTH, VERBAL, DAY, ACTOR, NOTE, occurred_at=OPENED)
    assert app.get_person(alan).consents[HEALTH] == Consent(HEALTH, VERBAL, DAY)
    later = DAY + timedelta(days=30)
    app.withdraw_consent(alan, HEALTH, later, ACTOR, "He changed his mind")
    withdrawn = app.get_person(alan).consents[HEALTH]
    assert (withdrawn.given, withdrawn.withdrawn_on) == (False, later)
    app.record_consent(alan, HEALTH, WRITTEN, later + timedelta(days=1), ACTOR)
    assert app.get_person(alan).consents[HEALTH].given
    assert consent_events(app, alan) == [
        "ConsentGiven:health_sharing",
        "ConsentWithdrawn:health_sharing",
        "ConsentGiven:health_sharing",
    ]


def test_withdrawing_a_consent_not_in_force_is_refused(app: LacApplication) -> None:
    alan = person(app)
    position = app.log_position()
    message = (
        "cannot withdraw consent: sharing information with health (e.g. the GP) "
        "(health_sharing) is not recorded for this person"
    )
    refused(ConsentNotGiven, message, lambda: app.withdraw_consent(alan, HEALTH, None, ACTOR))
    app.record_consent(alan, HEALTH, VERBAL, None, ACTOR)
    app.withdraw_consent(alan, HEALTH, None, ACTOR)
    again = message.replace("is not recorded", "was already withdrawn")
    refused(ConsentNotGiven, again, lambda: app.withdraw_consent(alan, HEALTH, None, ACTOR))
    assert app.log_position() == position + 2
    with pytest.raises(InvalidTransition) as info:  # a 409, as every InvalidTransition
        app.withdraw_consent(alan, LAC, None, ACTOR)
    assert info.value.status == "not_given"


def test_consent_dates_are_checked(app: LacApplication) -> None:
    alan = person(app)
    tomorrow = TODAY + timedelta(days=1)
    with pytest.raises(InvalidField) as info:
        app.record_consent(alan, HEALTH, VERBAL, tomorrow, ACTOR)
    assert info.value.field == "given_on"
    app.record_consent(alan, HEALTH, VERBAL, DAY, ACTOR)
    with pytest.raises(InvalidField, match="before the consent was given") as info:
        app.withdraw_consent(alan, HEALTH, DAY - timedelta(days=1), ACTOR)
    assert info.value.field == "on"
    with pytest.raises(InvalidField):
        app.withdraw_consent(alan, HEALTH, tomorrow, ACTOR)


def test_consent_notes_are_sealed(app: LacApplication) -> None:
    alan = open_with_consent(app)
    app.withdraw_consent(alan, LAC, None, ACTOR, "Moving to her daughter's in Leeds")
    texts = stored_texts(app)
    assert NOTE not in texts and "Leeds" not in texts
    assert "lac_support" in texts  # the scope is not personal: reports may count it


# Local Area Coordination support ------------------------------------------------------------


def test_an_involvement_is_not_opened_without_consent(app: LacApplication) -> None:
    alan = person(app)
    position = app.log_position()
    refused(
        ConsentRequired,
        NEEDS_LAC,
        lambda: app.open_involvement(alan, COORDINATOR, SupportLevel.INTRODUCTORY, ACTOR),
    )
    assert not app.has_involvement(alan) and app.log_position() == position


def test_consent_given_on_opening_is_saved_with_the_involvement(app: LacApplication) -> None:
    alan = open_with_consent(app)
    consent = app.get_person(alan).consents[LAC]
    assert (consent.how, consent.given_on, consent.given) == (VERBAL, DAY, True)
    given = next(e for e in app.history(alan) if isinstance(e, Person.ConsentGiven))
    opened = next(iter(app.history(app.get_involvement(alan).id)))
    assert isinstance(opened, Involvement.Opened)
    assert given.note == NOTE and given.occurred_at == opened.occurred_at == OPENED


def test_a_recorded_consent_lets_the_involvement_open(app: LacApplication) -> None:
    alan = person(app)
    app.record_consent(alan, LAC, WRITTEN, DAY, ACTOR, occurred_at=OPENED)
    app.open_involvement(alan, COORDINATOR, SupportLevel.INTRODUCTORY, ACTOR)
    assert app.has_involvement(alan)
    assert consent_events(app, alan) == ["ConsentGiven:lac_support"]


def test_withdrawn_consent_stops_casework_but_not_closing(app: LacApplication) -> None:
    alan = open_with_consent(app)
    outcome = app.record_outcome(
        alan, OutcomeRecord(OutcomeDomain.CONNECTED, None, DAY, "x"), ACTOR
    )
    measure = app.record_measure(alan, Instrument.UCLA3, Occasion.BASELINE, DAY, [2, 2, 3], ACTOR)
    logged = app.log_contact(alan, contact(), ACTOR)
    library = app.list_asset(LIBRARY, ACTOR).id
    app.connect(alan, library, ConnectionStatus.INTRODUCED, None, ACTOR)
    app.withdraw_consent(alan, LAC, None, ACTOR)
    position = app.log_position()
    for step in (
        lambda: app.log_contact(alan, contact(), ACTOR),
        lambda: app.set_goal(alan, "A flat", ACTOR),
        lambda: app.set_next_action(alan, "Ring housing", TODAY, ACTOR),
        lambda: app.change_involvement(
            alan, lambda i, when: i.record_what_matters("Home", ACTOR, when)
        ),
        lambda: app.record_outcome(
            alan, OutcomeRecord(OutcomeDomain.LESS_ISOLATED, None, DAY, "y"), ACTOR
        ),
        lambda: app.connect(alan, library, ConnectionStatus.ATTENDED, None, ACTOR),
    ):
        refused(ConsentRequired, LAC_WITHDRAWN, step)
    assert app.log_position() == position
    # Putting the record right and ending the support stay allowed.
    app.correct_contact(logged.id, contact(notes="Corrected notes"), "typo", ACTOR)
    app.withdraw_contact(logged.id, "wrong person", ACTOR)
    app.change_involvement(
        alan, lambda i, when: i.withdraw_outcome(outcome.id, "error", ACTOR, when)
    )
    app.change_involvement(
        alan, lambda i, when: i.withdraw_measure(measure.id, "error", ACTOR, when)
    )
    app.connect(alan, library, ConnectionStatus.DROPPED, None, ACTOR)
    app.change_involvement(alan, lambda i, when: i.pause("He asked us to stop", ACTOR, when))
    refused(
        ConsentRequired,
        LAC_WITHDRAWN,
        lambda: app.change_involvement(alan, lambda i, when: i.resume(ACTOR, when)),
    )
    app.close_involvement(alan, CloseReason.PERSON_ENDED, "Withdrew consent", ACTOR)
    refused(
        ConsentRequired,
        LAC_WITHDRAWN,
        lambda: app.open_involvement(alan, COORDINATOR, SupportLevel.INTRODUCTORY, ACTOR),
    )
    app.open_involvement(
        alan, COORDINATOR, SupportLevel.INTRODUCTORY, ACTOR, consent=GivenConsent(WRITTEN)
    )
    assert app.get_involvement(alan).status.value == "active"


# referrals ----------------------------------------------------------------------------------


def test_accepting_a_referral_with_consent_to_share_records_it(app: LacApplication) -> None:
    alan = person(app)
    referral = refer(app, alan)  # consent_to_share: True
    app.accept_referral(referral, COORDINATOR, ACTOR, OPENED)
    consent = app.get_person(alan).consents[LAC]
    assert (consent.how, consent.given_on) == (ConsentHow.VIA_REFERRER, DAY)
    assert app.get_involvement(alan).status.value == "active"
    app.close_involvement(alan, CloseReason.GOALS_MET, None, ACTOR)
    again = refer(app, alan)
    app.accept_referral(again, COORDINATOR, ACTOR)  # in force already: not recorded twice
    assert consent_events(app, alan) == ["ConsentGiven:lac_support"]
    assert app.get_involvement(alan).status.value == "active"


def test_a_referral_without_consent_is_accepted_but_opens_nothing(app: LacApplication) -> None:
    alan = person(app)
    referral = app.make_referral(
        alan, Programme.LAC, ReferralSource.SELF, None, ["lonely"], False, ACTOR, occurred_at=OPENED
    ).id
    app.accept_referral(referral, COORDINATOR, ACTOR, OPENED)
    assert app.get_referral(referral).status.value == "accepted"
    assert not app.has_involvement(alan) and consent_events(app, alan) == []
    # The coordinator rings him; he agrees; the involvement opens from the referral.
    consent = GivenConsent(VERBAL)
    app.open_involvement(
        alan, COORDINATOR, SupportLevel.INTRODUCTORY, ACTOR, referral_id=referral, consent=consent
    )
    assert opened_from(app, alan) == referral


def test_opening_straight_from_a_consented_referral_records_it(app: LacApplication) -> None:
    alan = person(app)
    referral = refer(app, alan)  # made with his consent to share; not accepted (yet)
    app.open_involvement(alan, COORDINATOR, SupportLevel.INTRODUCTORY, ACTOR, referral)
    assert app.get_person(alan).consents[LAC].how is ConsentHow.VIA_REFERRER
    assert opened_from(app, alan) == referral


def test_a_referral_without_consent_opens_when_consent_is_in_force(app: LacApplication) -> None:
    alan = person(app)
    app.record_consent(alan, LAC, WRITTEN, DAY, ACTOR, occurred_at=OPENED)
    referral = app.make_referral(
        alan, Programme.LAC, ReferralSource.SELF, None, ["lonely"], False, ACTOR, occurred_at=OPENED
    ).id
    app.accept_referral(referral, COORDINATOR, ACTOR)
    assert opened_from(app, alan) == referral
    assert app.get_person(alan).consents[LAC].how is WRITTEN


# the device scheme's terms ------------------------------------------------------------------


def session(loan: Any) -> None:
    loan.record_session(uuid4(), SessionKind.TRAINING, TODAY, 30, "Video calls", None, ACTOR)


def test_handing_a_kit_over_records_the_terms() -> None:
    signed = world()
    signed.lent()
    terms = signed.app.get_person(signed.person).consents[TERMS]
    assert (terms.how, terms.given_on) == (ConsentHow.SIGNED_AGREEMENT, TODAY)
    verbal = world()
    verbal.hand_over(
        verbal.reserve(), agreement=Agreement.WITNESSED_VERBAL, signature_png=None, witness=WITNESS
    )
    assert verbal.app.get_person(verbal.person).consents[TERMS].how is VERBAL


def test_withdrawn_terms_stop_support_but_not_the_ending() -> None:
    w: World = world()
    loan = w.lent()
    ticket = uuid4()
    w.change(loan, lambda x: x.open_ticket(ticket, TODAY, "No signal", ACTOR))
    w.app.withdraw_consent(w.person, TERMS, None, ACTOR, "Does not want the tablet any more")
    position = w.app.log_position()
    refused(ConsentRequired, TERMS_WITHDRAWN, lambda: w.change(loan, session))
    refused(
        ConsentRequired,
        TERMS_WITHDRAWN,
        lambda: w.change(loan, lambda x: x.open_ticket(uuid4(), TODAY, "Again", ACTOR)),
    )
    assert w.app.log_position() == position
    w.change(loan, lambda x: x.resolve_ticket(ticket, TODAY, "Closed: consent withdrawn", ACTOR))
    w.app.end_loan(loan, LoanStatus.RETURNED, None, ACTOR, condition=Condition.GOOD)
    assert w.loan(loan).status is LoanStatus.RETURNED


# sharing with health ------------------------------------------------------------------------


def test_sharing_with_the_gp_needs_consent(app: LacApplication) -> None:
    alan = open_with_consent(app)
    record = OutcomeRecord(OutcomeDomain.CRISIS_AVOIDED, None, DAY, "Kept his hostel place")
    outcome = app.record_outcome(alan, record, ACTOR).id
    position = app.log_position()

    def share(ids: list[UUID]) -> Any:
        return app.share_with_health(
            alan, "Sutton Medical Practice", "Alan has a hostel place", ids, ACTOR
        )

    refused(ConsentRequired, NEEDS_HEALTH, lambda: share([outcome]))
    assert app.log_position() == position
    app.record_consent(alan, HEALTH, VERBAL, None, ACTOR)
    with pytest.raises(InvalidField) as info:
        share([uuid4()])
    assert info.value.field == "outcome_ids"
    shared = share([outcome])
    found = app.health_share(alan, shared.id)
    assert isinstance(found, HealthShare)
    assert (found.practice, found.summary) == ("Sutton Medical Practice", "Alan has a hostel place")
    assert [(o.id, o.domain, o.occurred_on) for o in found.outcomes] == [
        (outcome, "crisis_avoided", DAY)
    ]
    assert app.health_share(alan, uuid4()) is None
    assert "Sutton Medical Practice" not in stored_texts(app)
    app.withdraw_consent(alan, HEALTH, None, ACTOR)
    withdrawn = NEEDS_HEALTH.replace("is not recorded", "was withdrawn")
    refused(ConsentRequired, withdrawn.replace("it first", "it again first"), lambda: share([]))


def test_casework_events_that_need_consent_are_listed() -> None:
    lac = NEEDS[LAC]
    assert Involvement.Closed not in lac and Involvement.Paused not in lac
    assert Involvement.OutcomeWithdrawn not in lac and Involvement.Reassigned not in lac
    assert Involvement.Opened in lac and Involvement.Reopened in lac
