"""The device scheme through the application: support, endings, re-issue, replay, sealing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.application import project_aggregate
from eventsourcing.domain import Aggregate

from domain.device_codes import (
    Agreement,
    Condition,
    ItemKind,
    ItemState,
    LoanStatus,
    Need,
    PlaceStatus,
    Provision,
    Recipient,
    SessionKind,
)
from domain.errors import DomainError, InvalidField, InvalidTransition
from domain.loan import Kit, Loan
from domain.scheme import DEFAULT_BUDGET, Scheme
from domain.stock import StockItem
from tests.domain.test_loan import (
    ACTOR,
    CARE_PLAN,
    DUE,
    ENDS,
    GIFT,
    PNG,
    STARTS,
    TODAY,
    WITNESS,
    YEAR,
    YESTERDAY,
    World,
    kit,
    new_app,
    refer,
    register,
    world,
)

L, S, K, P = LoanStatus, ItemState, ItemKind, Provision


@pytest.fixture
def w() -> World:
    return world()


# sessions, tickets, extensions -----------------------------------------------------------


def session(on: date = TODAY, minutes: int = 45) -> Callable[[Loan], None]:
    return lambda loan: loan.record_session(
        uuid4(), SessionKind.TRAINING, on, minutes, "Video calls", "Called her son", ACTOR
    )


def test_sessions_and_tickets_come_after_the_hand_over(w: World) -> None:
    loan = w.reserve()
    ticket = uuid4()
    with pytest.raises(InvalidTransition, match="hand the kit over first"):
        w.change(loan, session())
    with pytest.raises(InvalidTransition, match="hand the kit over first"):
        w.change(loan, lambda x: x.open_ticket(ticket, TODAY, "No signal", ACTOR))
    w.hand_over(loan)
    for bad in (session(YESTERDAY), session(minutes=0), session(minutes=481)):
        with pytest.raises(InvalidField):
            w.change(loan, bad)
    with pytest.raises(InvalidField, match="before the hand-over"):
        w.change(loan, lambda x: x.open_ticket(ticket, YESTERDAY, "No signal", ACTOR))
    w.change(loan, session(minutes=480))
    w.change(loan, lambda x: x.open_ticket(ticket, TODAY, "No signal", ACTOR))
    assert (len(w.loan(loan).sessions), w.loan(loan).open_tickets) == (1, {ticket})
    with pytest.raises(InvalidField, match="no open ticket"):
        w.change(loan, lambda x: x.resolve_ticket(uuid4(), TODAY, "Restarted", ACTOR))
    w.change(loan, lambda x: x.resolve_ticket(ticket, TODAY, "New SIM sent", ACTOR))
    assert w.loan(loan).open_tickets == set()
    with pytest.raises(InvalidField, match="no open ticket"):
        w.change(loan, lambda x: x.resolve_ticket(ticket, TODAY, "Again", ACTOR))


def test_a_ticket_is_not_resolved_before_it_was_opened(w: World) -> None:
    loan = w.lent()
    ticket = uuid4()
    w.change(loan, lambda x: x.open_ticket(ticket, TODAY, "Cannot log in", ACTOR))
    with pytest.raises(InvalidField):
        w.change(loan, lambda x: x.resolve_ticket(ticket, YESTERDAY, "Password reset", ACTOR))


def test_a_gift_gets_support_sessions_too() -> None:
    gift = world(GIFT)
    loan = gift.reserve(None)
    gift.hand_over(loan)
    gift.change(loan, session())
    assert len(gift.loan(loan).sessions) == 1


def test_extend_only_to_a_later_date_and_not_a_gift(w: World) -> None:
    loan = w.reserve()
    w.change(loan, lambda x: x.extend(DUE + timedelta(days=1), ACTOR))
    w.hand_over(loan)
    for earlier in (DUE + timedelta(days=1), DUE):
        with pytest.raises(InvalidField, match="after the current due date"):
            w.change(loan, lambda x, d=earlier: x.extend(d, ACTOR))  # type: ignore[misc]
    w.change(loan, lambda x: x.extend(DUE + timedelta(days=60), ACTOR))
    assert w.loan(loan).due_on == DUE + timedelta(days=60)
    gift = world(GIFT)
    gifted = gift.reserve(None)
    with pytest.raises(InvalidTransition, match="a gift has no due date"):
        gift.change(gifted, lambda x: x.extend(DUE, ACTOR))
    w.app.end_loan(loan, L.RETURNED, None, ACTOR, Condition.GOOD)
    with pytest.raises(InvalidTransition, match="only a live loan"):
        w.change(loan, lambda x: x.extend(DUE + timedelta(days=90), ACTOR))


# endings ---------------------------------------------------------------------------------


def test_a_return_needs_the_condition(w: World) -> None:
    loan = w.lent()
    position = w.app.log_position()
    with pytest.raises(InvalidField, match="condition"):
        w.app.end_loan(loan, L.RETURNED, None, ACTOR)
    assert w.app.log_position() == position
    w.app.end_loan(loan, L.RETURNED, None, ACTOR, Condition.GOOD)
    assert (w.loan(loan).status, w.loan(loan).ended_on) == (L.RETURNED, TODAY)
    # The tablet waits for its wipe; the SIM, charger and case are back in stock.
    assert w.states() == [S.AWAITING_WIPE, S.IN_STOCK, S.IN_STOCK, S.IN_STOCK]
    assert all(w.app.get_item(i).loan_id is None for i in w.items)
    with pytest.raises(InvalidTransition):
        w.app.end_loan(loan, L.LOST, None, ACTOR, note="Twice")


@pytest.mark.parametrize("status", [L.LOST, L.STOLEN, L.DAMAGED])
def test_lost_stolen_or_damaged_needs_a_note(w: World, status: LoanStatus) -> None:
    loan = w.lent()
    for note in (None, ""):
        with pytest.raises(InvalidField, match="say what happened"):
            w.app.end_loan(loan, status, None, ACTOR, note=note)
    w.app.end_loan(loan, status, None, ACTOR, note="Taken from her bag at the bus station")
    expected = {
        L.LOST: [S.LOST] * 4,
        L.STOLEN: [S.STOLEN] * 4,
        L.DAMAGED: [S.IN_REPAIR, S.IN_STOCK, S.IN_STOCK, S.IN_STOCK],
    }
    assert w.states() == expected[status]
    assert w.loan(loan).status is status


def test_missing_accessories_at_return_are_recorded_lost(w: World) -> None:
    loan = w.lent()
    tablet, sim = w.items[:2]
    w.app.end_loan(loan, L.RETURNED, None, ACTOR, Condition.FAIR, [tablet, sim])
    assert w.states() == [S.AWAITING_WIPE, S.IN_STOCK, S.LOST, S.LOST]
    ended = list(w.app.history(loan))[-1]
    assert isinstance(ended, Loan.Ended)
    assert sorted(ended.accessories_present or []) == sorted([str(tablet), str(sim)])


def test_a_damaged_return_sends_the_tablet_for_repair(w: World) -> None:
    loan = w.lent()
    w.app.end_loan(loan, L.RETURNED, None, ACTOR, Condition.DAMAGED)
    assert w.states() == [S.IN_REPAIR, S.IN_STOCK, S.IN_STOCK, S.IN_STOCK]
    tablet = w.items[0]
    w.app.change_item(tablet, lambda i, day: i.step("repaired", day, ACTOR))
    assert w.app.get_item(tablet).state is S.AWAITING_WIPE


def test_converting_to_a_gift_moves_the_items_to_gifted() -> None:
    mixed = world({K.TABLET: P.LOAN, K.CASE: P.GIFT})
    loan = mixed.lent()
    mixed.app.end_loan(loan, L.GIFTED, None, ACTOR)
    assert mixed.loan(loan).status is L.GIFTED
    assert mixed.states() == [S.GIFTED] * 4
    with pytest.raises(InvalidTransition):
        mixed.app.end_loan(loan, L.RETURNED, None, ACTOR, Condition.GOOD)


def test_cancelling_releases_the_reservation_for_someone_else(w: World) -> None:
    loan = w.reserve()
    with pytest.raises(InvalidTransition):
        w.app.end_loan(loan, L.RETURNED, None, ACTOR, Condition.GOOD)
    w.app.end_loan(loan, L.CANCELLED, None, ACTOR, note="Moved into a care home")
    assert w.loan(loan).status is L.CANCELLED
    assert w.states() == [S.IN_STOCK] * 4
    other = register(w.app, "Bob Oak", "3 Mill Road")
    refer(w.app, other)
    again = w.app.reserve_kit(YEAR, other, w.kit, DUE, ACTOR).id
    with pytest.raises(InvalidTransition, match="only a reserved kit"):
        w.hand_over(loan)  # the cancelled loan cannot take the kit back
    assert all(w.app.get_item(i).loan_id == again for i in w.items)
    w.hand_over(again)
    with pytest.raises(InvalidTransition):
        w.app.end_loan(again, L.CANCELLED, None, ACTOR)  # a handed-over loan is not cancelled


def test_giving_an_item_held_by_another_loan_is_refused(w: World) -> None:
    w.reserve()
    with pytest.raises(InvalidTransition, match="held by another loan"):
        w.app.change_item(w.items[0], lambda i, day: i.step("give", day, ACTOR, uuid4()))
    assert w.states() == [S.RESERVED] * 4


def test_an_ending_is_dated_within_the_loan(w: World) -> None:
    loan = w.lent()
    with pytest.raises(InvalidField, match="before the hand-over"):
        w.app.end_loan(loan, L.RETURNED, YESTERDAY, ACTOR, Condition.GOOD)
    with pytest.raises(InvalidField, match="future"):
        w.app.end_loan(loan, L.RETURNED, TODAY + timedelta(days=1), ACTOR, Condition.GOOD)
    assert w.loan(loan).status is L.ACTIVE


@pytest.mark.parametrize("status", [L.ACTIVE, L.RESERVED])
def test_a_status_that_is_not_an_ending_is_refused(w: World, status: LoanStatus) -> None:
    loan = w.lent()
    position = w.app.log_position()
    with pytest.raises(DomainError):
        w.app.end_loan(loan, status, None, ACTOR, Condition.GOOD)
    assert w.app.log_position() == position


def test_a_returned_kit_is_reissued_only_after_the_tablet_is_wiped(w: World) -> None:
    w.app.end_loan(w.lent(), L.RETURNED, None, ACTOR, Condition.GOOD)
    nextone = register(w.app, "Bob Oak", "3 Mill Road")
    refer(w.app, nextone)
    position = w.app.log_position()
    with pytest.raises(InvalidTransition, match="awaiting_wipe"):
        w.app.reserve_kit(YEAR, nextone, w.kit, DUE, ACTOR)
    assert w.app.log_position() == position
    w.app.change_item(w.items[0], lambda i, day: i.step("wipe", day, ACTOR))
    again = w.app.reserve_kit(YEAR, nextone, w.kit, DUE, ACTOR).id
    w.hand_over(again)
    assert w.states() == [S.ISSUED] * 4
    assert all(w.app.get_item(i).loan_id == again for i in w.items)


# replay ----------------------------------------------------------------------------------


def state(aggregate: Aggregate) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def test_replaying_the_collected_events_rebuilds_the_same_state() -> None:
    app = new_app()
    person, carer, item_ids = uuid4(), uuid4(), [uuid4(), uuid4()]
    scheme = Scheme(
        year="2021-22",
        starts_on=STARTS,
        ends_on=ENDS,
        capacity=1,
        budget={k.value: v for k, v in DEFAULT_BUDGET.items()},
        support_hourly_rate=Decimal("25"),
        setup_cost_per_device=Decimal("60"),
        actor_id=ACTOR,
    )
    scheme.refer(
        person,
        uuid4(),
        CARE_PLAN,
        Need.COVID_ACCESS,
        Recipient.VULNERABLE_ADULT,
        None,
        {K.TABLET: P.LOAN, K.SIM: P.GIFT},
        TODAY,
        ACTOR,
    )
    scheme.refer(
        carer, uuid4(), CARE_PLAN, Need.CARER_SUPPORT, Recipient.CARER, person, GIFT, TODAY, ACTOR
    )
    scheme.set_budget(dict(DEFAULT_BUDGET), Decimal("30"), Decimal("50"), ACTOR)
    tablet = StockItem(
        kind=K.TABLET, details={"serial": "T1", "cost": Decimal("199")}, actor_id=ACTOR
    )
    box = Kit(label="Kit 1", item_ids=[tablet.id, *item_ids], actor_id=ACTOR)
    tablet.put_in_kit(box.id, ACTOR)
    tablet.enrol(YESTERDAY, ACTOR)
    loan = Loan(person, ACTOR, box.id, [tablet.id], {str(tablet.id): P.LOAN}, DUE, YESTERDAY)
    for step in ("reserve", "issue"):
        tablet.step(step, YESTERDAY, ACTOR, loan.id)
    loan.hand_over(TODAY, Agreement.WITNESSED_VERBAL, None, WITNESS, True, True, ACTOR)
    ticket = uuid4()
    loan.record_session(uuid4(), SessionKind.TRAINING, TODAY, 60, "Email", "Sent one", ACTOR)
    loan.open_ticket(ticket, TODAY, "Forgot the PIN", ACTOR)
    loan.resolve_ticket(ticket, TODAY, "PIN reset remotely", ACTOR)
    loan.extend(DUE + timedelta(days=30), ACTOR)
    loan.end(L.RETURNED, TODAY, ACTOR, Condition.FAIR, [str(tablet.id)], "Screen scuffed")
    tablet.step("return", TODAY, ACTOR, loan.id)
    tablet.step("wipe", TODAY, ACTOR)
    scheme.leave(person, "Moved into residential care", TODAY, ACTOR)
    for aggregate in (scheme, tablet, box, loan):
        stored = [app.mapper.to_stored_event(e) for e in aggregate.collect_events()]
        rebuilt = project_aggregate(None, [app.mapper.to_domain_event(s) for s in stored])
        assert rebuilt is not None and type(rebuilt) is type(aggregate)
        assert state(rebuilt) == state(aggregate)
    assert scheme.places[carer] is PlaceStatus.ENROLLED and loan.status is L.RETURNED


# sealing ---------------------------------------------------------------------------------

PROBLEM, RESOLUTION = "Grandson changed the password", "Reset with Mrs Wintergreen"
OUTCOME, LOST = "Made her first video call to Sheffield", "Left on the 141 bus to Mansfield"


def stored(app: Any) -> bytes:
    notifications = app.recorder.select_notifications(start=1, limit=500)
    assert 0 < len(notifications) < 500
    return b"\n".join(n.state for n in notifications)


def test_stored_loan_events_hold_no_plaintext_personal_text(w: World) -> None:
    loan = w.reserve()
    w.hand_over(loan, agreement=Agreement.WITNESSED_VERBAL, witness=WITNESS)
    ticket = uuid4()
    w.change(loan, lambda x: x.open_ticket(ticket, TODAY, PROBLEM, ACTOR))
    w.change(loan, lambda x: x.resolve_ticket(ticket, TODAY, RESOLUTION, ACTOR))
    training = SessionKind.TRAINING
    w.change(loan, lambda x: x.record_session(uuid4(), training, TODAY, 30, "Zoom", OUTCOME, ACTOR))
    bob = register(w.app, "Bob Oak", "3 Mill Road")
    refer(w.app, bob)
    signed = w.app.reserve_kit(YEAR, bob, kit(w.app)[0], DUE, ACTOR).id
    w.hand_over(signed)
    raw = stored(w.app)
    texts = (PNG, WITNESS, PROBLEM, RESOLUTION, OUTCOME, CARE_PLAN)
    assert [text for text in texts if text.encode() in raw] == []
    assert b"Zoom" not in raw  # the topic too: it can name a relative, a GP, a need
    events = list(w.app.history(loan)) + list(w.app.history(signed))
    read = {type(e).__name__: vars(e) for e in events}
    assert read["HandedOver"]["signature_png"] == PNG  # the signed one, read last
    assert read["TicketOpened"]["problem"] == PROBLEM
    assert read["TicketResolved"]["resolution"] == RESOLUTION
    assert read["SessionRecorded"]["outcome"] == OUTCOME
    witnessed = next(e for e in w.app.history(loan) if isinstance(e, Loan.HandedOver))
    assert witnessed.witness == WITNESS


@pytest.mark.parametrize("status", [L.LOST, L.STOLEN, L.DAMAGED])
def test_what_happened_to_a_kit_is_sealed_wherever_it_is_stored(
    w: World, status: LoanStatus
) -> None:
    loan = w.lent()
    w.app.end_loan(loan, status, None, ACTOR, note=LOST)
    ended = list(w.app.history(loan))[-1]
    assert isinstance(ended, Loan.Ended) and ended.note == LOST
    assert LOST.encode() not in stored(w.app)
