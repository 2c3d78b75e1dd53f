"""Loans of kits: reserve, hand over, sessions and tickets, extend, and every way one ends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from domain.application import LacApplication
from domain.cipher_cache import InMemoryKeyStore
from domain.device_codes import (
    Agreement,
    ItemKind,
    ItemState,
    LoanStatus,
    Need,
    PlaceStatus,
    Provision,
    Recipient,
)
from domain.errors import InvalidField, InvalidTransition
from domain.loan import Loan
from domain.person import PersonDetails
from domain.stock import ItemDetails

ACTOR = uuid4()
TODAY = datetime.now(UTC).date()
YESTERDAY = TODAY - timedelta(days=1)
DUE = TODAY + timedelta(days=180)
YEAR = "2099-trial"
STARTS, ENDS = TODAY - timedelta(days=30), TODAY + timedelta(days=334)
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg=="
WITNESS = "Dorothy Haythorne, support worker"
CARE_PLAN = "CSP-2021-004417"
L, S, K, P = LoanStatus, ItemState, ItemKind, Provision
LENT: dict[ItemKind, Provision] = {K.TABLET: P.LOAN}
GIFT: dict[ItemKind, Provision] = {K.TABLET: P.GIFT}


def luhn(fourteen: str) -> str:
    total = 0
    for index, char in enumerate(reversed(fourteen)):
        value = int(char) * (1 if index % 2 else 2)
        total += value - 9 if value > 9 else value
    return fourteen + str(-total % 10)


def new_app(capacity: int = 300) -> LacApplication:
    env = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    app = LacApplication(env, claim_secret=b"test", key_store=InMemoryKeyStore())
    app.open_scheme(YEAR, STARTS, ENDS, ACTOR, capacity=capacity)
    return app


def register(
    app: LacApplication, name: str = "Anne Wintergreen", address: str = "12 Quarry Lane"
) -> UUID:
    details = PersonDetails(name, date(1950, 3, 4), "NG18 1AB", "Mansfield", address=address)
    return app.register_person(details, ACTOR).id


def refer(
    app: LacApplication,
    person: UUID,
    plan: dict[ItemKind, Provision] = LENT,
    recipient: Recipient = Recipient.VULNERABLE_ADULT,
    cares_for: UUID | None = None,
) -> PlaceStatus:
    need = Need.CARER_SUPPORT if recipient is Recipient.CARER else Need.DIGITAL_EXCLUSION
    _, status = app.refer_to_scheme(
        YEAR, person, CARE_PLAN, need, recipient, plan, ["isolated"], ACTOR, cares_for_id=cares_for
    )
    return status


def kit(app: LacApplication) -> tuple[UUID, list[UUID]]:
    """A kit (tablet, SIM, charger, case) of new stock: its id and the item ids."""
    tag, received = uuid4().hex[:10].upper(), TODAY - timedelta(days=5)
    imei = luhn(f"35{uuid4().int % 10**12:012d}")
    cost = Decimal("189.00")
    items = [
        ItemDetails(K.TABLET, f"T{tag}", cost, received, "Samsung", "Tab A8", imei=imei),
        ItemDetails(
            K.SIM,
            f"S{tag}",
            Decimal(0),
            received,
            network="EE",
            monthly_cost=Decimal("10"),
            starts_on=received,
            expires_on=received + timedelta(days=365),
        ),
        ItemDetails(K.CHARGER, f"C{tag}", Decimal("12"), received),
        ItemDetails(K.CASE, f"K{tag}", Decimal("15"), received),
    ]
    ids = [app.receive_item(d, ACTOR).id for d in items]
    return app.assemble_kit(f"Kit {tag}", ids, ACTOR).id, ids


@dataclass
class World:
    app: LacApplication
    person: UUID
    kit: UUID
    items: list[UUID]

    def reserve(self, due_on: date | None = DUE) -> UUID:
        return self.app.reserve_kit(YEAR, self.person, self.kit, due_on, ACTOR).id

    def hand_over(self, loan: UUID, on: date | None = None, **kwargs: object) -> None:
        args: dict[str, object] = {
            "agreement": Agreement.SIGNATURE,
            "signature_png": PNG,
            "witness": None,
            "safe_use_advice": True,
            "safeguarding_advice": True,
            **kwargs,
        }
        self.app.hand_over(loan, on, actor_id=ACTOR, **args)  # type: ignore[arg-type]

    def lent(self) -> UUID:
        loan = self.reserve()
        self.hand_over(loan)
        return loan

    def states(self) -> list[ItemState]:
        return [self.app.get_item(i).state for i in self.items]

    def loan(self, loan: UUID) -> Loan:
        return self.app.get_loan(loan)

    def change(self, loan: UUID, change: Callable[[Loan], None]) -> None:
        self.app.change_loan(loan, change)


def world(plan: dict[ItemKind, Provision] = LENT) -> World:
    app = new_app()
    person = register(app)
    refer(app, person, plan)
    kit_id, items = kit(app)
    return World(app, person, kit_id, items)


@pytest.fixture
def w() -> World:
    return world()


# reserve ---------------------------------------------------------------------------------


def test_reserving_needs_a_place_on_the_scheme() -> None:
    app = new_app(capacity=1)
    first, second, stranger = register(app), register(app, "Bob Oak"), register(app, "Cy Ash")
    assert refer(app, first) is PlaceStatus.ENROLLED
    assert refer(app, second) is PlaceStatus.WAITING
    kit_id, items = kit(app)
    position = app.log_position()
    for person in (second, stranger):
        with pytest.raises(InvalidField, match="no place on the scheme"):
            app.reserve_kit(YEAR, person, kit_id, DUE, ACTOR)
    assert app.log_position() == position
    loan = app.get_loan(app.reserve_kit(YEAR, first, kit_id, DUE, ACTOR).id)
    assert (loan.status, loan.person_id, loan.kit_id, loan.item_ids) == (
        L.RESERVED,
        first,
        kit_id,
        items,
    )
    assert (loan.reserved_on, loan.due_on) == (TODAY, DUE)
    assert all(app.get_item(i).state is S.RESERVED for i in items)
    assert all(app.get_item(i).loan_id == loan.id for i in items)


@pytest.mark.parametrize("due_on", [None, TODAY, YESTERDAY])
def test_a_loan_needs_a_due_date_after_today(w: World, due_on: date | None) -> None:
    position = w.app.log_position()
    with pytest.raises(InvalidField, match="due date after today") as info:
        w.reserve(due_on)
    assert info.value.field == "due_on"
    assert w.app.log_position() == position
    assert w.states() == [S.IN_STOCK] * 4


def test_an_all_gift_plan_has_no_due_date() -> None:
    gift = world(GIFT)
    assert gift.loan(gift.reserve(None)).due_on is None
    other = world(GIFT)
    assert other.loan(other.reserve(DUE)).due_on is None


def test_provisions_follow_the_plan_and_unnamed_kinds_follow_the_tablet() -> None:
    mixed = world({K.TABLET: P.LOAN, K.SIM: P.GIFT})
    loan = mixed.loan(mixed.reserve())
    tablet, sim, charger, case = (str(i) for i in mixed.items)
    assert loan.provisions == {tablet: P.LOAN, sim: P.GIFT, charger: P.LOAN, case: P.LOAN}
    gifted = world({K.TABLET: P.GIFT, K.CHARGER: P.LOAN})
    loan = gifted.loan(gifted.reserve())
    tablet, sim, charger, case = (str(i) for i in gifted.items)
    assert loan.provisions == {tablet: P.GIFT, sim: P.GIFT, charger: P.LOAN, case: P.GIFT}
    assert loan.due_on == DUE and not loan.is_gift  # the lent charger is due back
    with pytest.raises(InvalidField):
        gifted.app.reserve_kit(YEAR, gifted.person, kit(gifted.app)[0], None, ACTOR)


def test_a_second_loan_of_a_reserved_item_is_refused(w: World) -> None:
    first = w.reserve()
    other = register(w.app, "Bob Oak", "3 Mill Road")
    refer(w.app, other)
    position = w.app.log_position()
    with pytest.raises(InvalidTransition) as info:
        w.app.reserve_kit(YEAR, other, w.kit, DUE, ACTOR)
    assert (info.value.action, info.value.status) == ("reserve", "reserved")
    assert w.app.log_position() == position
    assert all(w.app.get_item(i).loan_id == first for i in w.items)


# hand over -------------------------------------------------------------------------------


def test_hand_over_with_a_signature_issues_the_lent_items(w: World) -> None:
    loan = w.reserve()
    w.hand_over(loan, witness="ignored when signed")
    handed = w.loan(loan)
    assert (handed.status, handed.handed_over_on) == (L.ACTIVE, TODAY)
    assert w.states() == [S.ISSUED] * 4
    event = list(w.app.history(loan))[-1]
    assert isinstance(event, Loan.HandedOver)
    assert (event.agreement, event.signature_png, event.witness) == (Agreement.SIGNATURE, PNG, None)
    assert event.safe_use_advice and event.safeguarding_advice


def test_hand_over_with_a_witnessed_verbal_agreement() -> None:
    mixed = world({K.TABLET: P.LOAN, K.SIM: P.GIFT})
    loan = mixed.reserve()
    mixed.hand_over(
        loan, agreement=Agreement.WITNESSED_VERBAL, signature_png=PNG, witness=f" {WITNESS} "
    )
    event = list(mixed.app.history(loan))[-1]
    assert isinstance(event, Loan.HandedOver)
    assert (event.signature_png, event.witness) == (None, WITNESS)
    assert mixed.states() == [S.ISSUED, S.GIFTED, S.ISSUED, S.ISSUED]
    assert mixed.app.get_item(mixed.items[1]).loan_id is None


def test_an_all_gift_hand_over_gives_every_item() -> None:
    gift = world(GIFT)
    loan = gift.reserve(None)
    gift.hand_over(loan)
    assert gift.loan(loan).status is L.GIFTED
    assert gift.states() == [S.GIFTED] * 4


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"safe_use_advice": False}, "safeguarding_advice"),
        ({"safeguarding_advice": False}, "safeguarding_advice"),
        ({"signature_png": None}, "signature_png"),
        ({"signature_png": ""}, "signature_png"),
        ({"signature_png": "A" * 200_001}, "signature_png"),
        ({"agreement": Agreement.WITNESSED_VERBAL, "witness": None}, "witness"),
        ({"agreement": Agreement.WITNESSED_VERBAL, "witness": "   "}, "witness"),
        ({"on": YESTERDAY}, "on"),
        ({"on": TODAY + timedelta(days=1)}, "on"),
    ],
)
def test_bad_hand_overs_are_refused(w: World, kwargs: dict[str, object], field: str) -> None:
    loan = w.reserve()
    position = w.app.log_position()
    on = kwargs.pop("on", None)
    with pytest.raises(InvalidField) as info:
        w.hand_over(loan, on, **kwargs)  # type: ignore[arg-type]
    assert info.value.field == field
    assert w.app.log_position() == position
    assert w.loan(loan).status is L.RESERVED and w.states() == [S.RESERVED] * 4


def test_a_signature_must_be_a_png_image(w: World) -> None:
    loan = w.reserve()
    with pytest.raises(InvalidField) as info:
        w.hand_over(loan, signature_png="I agree")
    assert info.value.field == "signature_png"


def test_a_kit_is_handed_over_once(w: World) -> None:
    loan = w.lent()
    with pytest.raises(InvalidTransition, match="only a reserved kit"):
        w.hand_over(loan)
