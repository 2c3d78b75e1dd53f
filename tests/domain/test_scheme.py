"""The scheme year: capacity and the waiting list, carers in the same home, the budget."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from domain.device_codes import BudgetLine, ItemKind, Need, PlaceStatus, Provision, Recipient
from domain.errors import InvalidField, InvalidTransition, RecordNotFound
from domain.person import Person
from domain.reference import Programme, ReferralSource
from domain.scheme import DEFAULT_BUDGET, Scheme, scheme_id
from tests.domain.test_loan import (
    ACTOR,
    CARE_PLAN,
    ENDS,
    LENT,
    STARTS,
    TODAY,
    YEAR,
    new_app,
    refer,
    register,
)

PLACE = PlaceStatus


def scheme(capacity: int = 2) -> Scheme:
    return Scheme(
        year="2021-22",
        starts_on=STARTS,
        ends_on=ENDS,
        capacity=capacity,
        budget={k.value: v for k, v in DEFAULT_BUDGET.items()},
        support_hourly_rate=Decimal("25"),
        setup_cost_per_device=Decimal("60"),
        actor_id=ACTOR,
    )


def place(s: Scheme, person: UUID, on: date = TODAY) -> PlaceStatus:
    return s.refer(
        person,
        uuid4(),
        CARE_PLAN,
        Need.COVID_ACCESS,
        Recipient.VULNERABLE_ADULT,
        None,
        LENT,
        on,
        ACTOR,
    )


def test_the_paper_budget_is_the_default() -> None:
    assert sum(DEFAULT_BUDGET.values()) == Decimal("205500")
    assert DEFAULT_BUDGET[BudgetLine.SUPPORT] == Decimal("96000")
    assert scheme_id("2021-22") == scheme().id


def test_places_up_to_capacity_then_a_waiting_list_in_order() -> None:
    s = scheme(capacity=2)
    people = [uuid4() for _ in range(4)]
    assert [place(s, p) for p in people] == [PLACE.ENROLLED] * 2 + [PLACE.WAITING] * 2
    assert (s.enrolled, s.waiting) == (2, people[2:])
    assert s.plans[people[0]] == {"tablet": Provision.LOAN}


def test_a_person_is_referred_once_while_they_hold_or_wait_for_a_place() -> None:
    s = scheme(capacity=1)
    first, second = uuid4(), uuid4()
    place(s, first)
    place(s, second)
    for person, status in ((first, "enrolled"), (second, "waiting")):
        with pytest.raises(InvalidTransition) as info:
            place(s, person)
        assert (info.value.status, info.value.why) == (status, "the person already has one")
    assert (s.enrolled, s.waiting) == (1, [second])


def test_leaving_frees_the_place_for_the_first_one_waiting() -> None:
    s = scheme(capacity=1)
    first, second, third = uuid4(), uuid4(), uuid4()
    for person in (first, second, third):
        place(s, person)
    assert s.leave(first, "Moved into residential care", TODAY, ACTOR) == second
    taken = s.collect_events()[-1]
    assert isinstance(taken, Scheme.PlaceTaken) and taken.person_id == second
    assert (s.places[first], s.places[second], s.waiting) == (PLACE.LEFT, PLACE.ENROLLED, [third])
    assert s.leave(third, "No longer wanted a tablet", TODAY, ACTOR) is None  # was waiting
    assert (s.enrolled, s.waiting) == (1, [])
    for person in (first, uuid4()):
        with pytest.raises(InvalidField, match="holds no place"):
            s.leave(person, "Again", TODAY, ACTOR)
    assert place(s, first) is PLACE.WAITING  # back, at the end of the queue


def test_referrals_are_dated_within_the_scheme_and_carers_name_whom_they_care_for() -> None:
    s = scheme()
    for on in (STARTS - timedelta(days=1), ENDS + timedelta(days=1)):
        with pytest.raises(InvalidField, match="the scheme runs"):
            place(s, uuid4(), on)
    with pytest.raises(InvalidField) as info:
        s.refer(
            uuid4(),
            uuid4(),
            CARE_PLAN,
            Need.CARER_SUPPORT,
            Recipient.CARER,
            None,
            LENT,
            TODAY,
            ACTOR,
        )
    assert info.value.field == "cares_for_id"
    with pytest.raises(InvalidField, match="tablet"):
        s.refer(
            uuid4(),
            uuid4(),
            CARE_PLAN,
            Need.DIGITAL_EXCLUSION,
            Recipient.VULNERABLE_ADULT,
            None,
            {ItemKind.SIM: Provision.GIFT},
            TODAY,
            ACTOR,
        )
    with pytest.raises(InvalidField, match="care_plan_ref"):
        s.refer(
            uuid4(),
            uuid4(),
            " ",
            Need.DIGITAL_EXCLUSION,
            Recipient.VULNERABLE_ADULT,
            None,
            LENT,
            TODAY,
            ACTOR,
        )
    assert s.places == {}


def test_budget_lines_are_bounded() -> None:
    s = scheme()
    for amount in (Decimal("-0.01"), Decimal("10000000.01")):
        with pytest.raises(InvalidField) as info:
            s.set_budget({BudgetLine.TABLETS: amount}, Decimal("25"), Decimal("60"), ACTOR)
        assert info.value.field == "budget.tablets"
    lines = {BudgetLine.TABLETS: Decimal(0), BudgetLine.SUPPORT: Decimal(10_000_000)}
    s.set_budget(lines, Decimal("27.50"), Decimal("55"), ACTOR)
    assert s.budget["tablets"] == 0 and s.budget["service_user_support"] == 10_000_000
    assert s.budget["connectivity_4g"] == DEFAULT_BUDGET[BudgetLine.CONNECTIVITY]  # kept
    assert (s.support_hourly_rate, s.setup_cost_per_device) == (Decimal("27.50"), Decimal(55))


def test_the_hourly_rate_and_set_up_cost_are_not_negative() -> None:
    s = scheme()
    with pytest.raises(InvalidField):
        s.set_budget(dict(DEFAULT_BUDGET), Decimal("-25"), Decimal("60"), ACTOR)
    with pytest.raises(InvalidField):
        s.set_budget(dict(DEFAULT_BUDGET), Decimal("25"), Decimal("-60"), ACTOR)


# through the application -----------------------------------------------------------------


def test_opening_a_scheme_checks_dates_capacity_and_year() -> None:
    app = new_app()
    assert app.get_scheme(YEAR).capacity == 300
    assert app.get_scheme(YEAR).budget == {k.value: v for k, v in DEFAULT_BUDGET.items()}
    position = app.log_position()
    with pytest.raises(InvalidTransition, match="already open"):
        app.open_scheme(YEAR, STARTS, ENDS, ACTOR)
    with pytest.raises(InvalidField, match="after the start"):
        app.open_scheme("2030-31", ENDS, STARTS, ACTOR)
    for capacity in (0, 100_001):
        with pytest.raises(InvalidField, match="capacity"):
            app.open_scheme("2030-31", STARTS, ENDS, ACTOR, capacity=capacity)
    with pytest.raises(InvalidField, match="year"):
        app.open_scheme("  ", STARTS, ENDS, ACTOR)
    assert app.log_position() == position
    with pytest.raises(RecordNotFound):
        app.get_scheme("1999-00")


def test_opening_a_scheme_checks_the_budget_lines() -> None:
    app = new_app()
    position = app.log_position()
    with pytest.raises(InvalidField):
        app.open_scheme(
            "2030-31", STARTS, ENDS, ACTOR, budget={BudgetLine.TABLETS: Decimal("-62000")}
        )
    assert app.log_position() == position


def test_a_referral_to_the_scheme_is_a_social_workers_device_referral() -> None:
    app = new_app(capacity=1)
    anne, bob = register(app), register(app, "Bob Oak", "3 Mill Road")
    recorded, status = app.refer_to_scheme(
        YEAR,
        anne,
        CARE_PLAN,
        Need.COVID_ACCESS,
        Recipient.VULNERABLE_ADULT,
        LENT,
        ["Isolated since Covid-19"],
        ACTOR,
    )
    assert status is PLACE.ENROLLED
    assert refer(app, bob) is PLACE.WAITING
    referred = [e for e in app.history(scheme_id(YEAR)) if isinstance(e, Scheme.PersonReferred)]
    assert [(e.person_id, e.status, e.on) for e in referred] == [
        (anne, PLACE.ENROLLED, TODAY),
        (bob, PLACE.WAITING, TODAY),
    ]
    referral = app.get_referral(referred[0].referral_id)
    assert recorded.id == referral.id
    assert (referral.person_id, referral.programme, referral.source) == (
        anne,
        Programme.DEVICES,
        ReferralSource.SOCIAL_WORKER,
    )
    assert referred[0].care_plan_ref == CARE_PLAN
    app.leave_scheme(YEAR, anne, "Moved away", ACTOR)
    s = app.get_scheme(YEAR)
    assert (s.places[anne], s.places[bob], s.waiting) == (PLACE.LEFT, PLACE.ENROLLED, [])


def test_a_carer_in_the_same_home_is_referred_and_linked() -> None:
    app = new_app()
    anne = register(app)
    carer = register(app, "Derek Wintergreen")
    neighbour = register(app, "Nora Next", "14 Quarry Lane")
    refer(app, anne)
    position = app.log_position()
    with pytest.raises(InvalidField, match="cares_for_id"):
        refer(app, carer, recipient=Recipient.CARER)
    with pytest.raises(InvalidField, match="same address"):
        refer(app, neighbour, recipient=Recipient.CARER, cares_for=anne)
    with pytest.raises(RecordNotFound):
        refer(app, carer, recipient=Recipient.CARER, cares_for=uuid4())
    assert app.log_position() == position
    assert refer(app, carer, recipient=Recipient.CARER, cares_for=anne) is PLACE.ENROLLED
    linked = app.get_person(carer)
    assert (linked.cares_for_id, linked.carer_relationship) == (anne, "carer in the same home")
    assert isinstance(list(app.history(carer))[-1], Person.CarerLinked)
    app.leave_scheme(YEAR, carer, "Caring role ended", ACTOR)
    version = app.get_person(carer).version
    refer(app, carer, recipient=Recipient.CARER, cares_for=anne)
    assert app.get_person(carer).version == version  # already linked: not linked twice
    with pytest.raises(InvalidTransition):
        refer(app, carer, recipient=Recipient.CARER, cares_for=anne)
