"""Stock items: details checked on receipt, uniqueness, states derived from steps, kits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from domain.application import LacApplication
from domain.cipher_cache import InMemoryKeyStore
from domain.device_codes import ItemKind, ItemState
from domain.device_commands import DuplicateItem
from domain.errors import InvalidField, InvalidTransition
from domain.stock import STEPS, ItemDetails, StockItem, check_imei, item_id

ACTOR = uuid4()
TODAY = datetime.now(UTC).date()
S = ItemState
K = ItemKind
VALID_IMEI = "490154203237518"
TABLET = ItemDetails(
    K.TABLET,
    "r52t30abcde",
    Decimal("199.00"),
    TODAY - timedelta(days=10),
    make="Samsung",
    model="Galaxy Tab A8",
    imei=VALID_IMEI,
    asset_tag="NCC-0001",
)
SIM = ItemDetails(
    K.SIM,
    "8944100000000000001",
    Decimal("0"),
    TODAY - timedelta(days=10),
    network="Vodafone",
    data_allowance_gb=30,
    monthly_cost=Decimal("10.00"),
    starts_on=TODAY - timedelta(days=10),
    expires_on=TODAY + timedelta(days=355),
)
CHARGER = ItemDetails(K.CHARGER, "chg-0001", Decimal("12.50"), TODAY - timedelta(days=10))
CASE = ItemDetails(K.CASE, "case-0001", Decimal("15"), TODAY - timedelta(days=10))


def new_app() -> LacApplication:
    env = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    return LacApplication(env, claim_secret=b"test", key_store=InMemoryKeyStore())


@pytest.fixture
def app() -> LacApplication:
    return new_app()


def luhn(fourteen: str) -> str:
    """The fifteen-digit IMEI with its check digit."""
    total = 0
    for index, char in enumerate(reversed(fourteen)):
        value = int(char) * (1 if index % 2 else 2)
        total += value - 9 if value > 9 else value
    return fourteen + str(-total % 10)


# details ---------------------------------------------------------------------------------


def test_imei_needs_fifteen_digits_and_a_good_check_digit() -> None:
    assert check_imei(VALID_IMEI) == VALID_IMEI
    assert check_imei("49-015420-323751-8") == VALID_IMEI
    assert check_imei(luhn("35209900176148")) == "352099001761481"
    for wrong in ("490154203237517", "49015420323751", "4901542032375180", "49015420323751x"):
        with pytest.raises(InvalidField) as info:
            check_imei(wrong)
        assert info.value.field == "imei"
    with pytest.raises(InvalidField, match="check digit"):
        check_imei("490154203237519")


def test_item_details_are_checked_and_normalised() -> None:
    checked = TABLET.checked(TODAY)
    assert (checked.serial, checked.imei) == ("R52T30ABCDE", VALID_IMEI)
    assert checked.state()["make"] == "Samsung" and "network" not in checked.state()
    assert SIM.checked(TODAY).network == "Vodafone"
    assert CHARGER.checked(TODAY).kind is K.CHARGER


@pytest.mark.parametrize(
    ("details", "field"),
    [
        (replace(CHARGER, received_on=TODAY + timedelta(days=1)), "received_on"),
        (replace(CHARGER, cost=Decimal("-0.01")), "cost"),
        (replace(CHARGER, cost=Decimal("5000.01")), "cost"),
        (replace(CHARGER, serial="   "), "serial"),
        (replace(TABLET, make=None), "model"),
        (replace(TABLET, model=""), "model"),
        (replace(TABLET, imei="490154203237517"), "imei"),
        (replace(SIM, network=None), "network"),
        (replace(SIM, monthly_cost=None), "monthly_cost"),
        (replace(SIM, monthly_cost=Decimal("-1")), "monthly_cost"),
        (replace(SIM, monthly_cost=Decimal("500.01")), "monthly_cost"),
        (replace(SIM, starts_on=None), "expires_on"),
        (replace(SIM, expires_on=None), "expires_on"),
        (replace(SIM, expires_on=SIM.starts_on), "expires_on"),
        (replace(SIM, expires_on=TODAY - timedelta(days=20)), "expires_on"),
    ],
)
def test_bad_item_details_are_refused(details: ItemDetails, field: str) -> None:
    with pytest.raises(InvalidField) as info:
        details.checked(TODAY)
    assert info.value.field == field


def test_cost_bounds_are_inclusive() -> None:
    assert replace(CHARGER, cost=Decimal("0")).checked(TODAY).cost == 0
    assert replace(CHARGER, cost=Decimal("5000")).checked(TODAY).cost == 5000
    assert replace(CHARGER, received_on=TODAY).checked(TODAY).received_on == TODAY


# receiving -------------------------------------------------------------------------------


def test_received_items_are_in_stock_wiped_and_not_enrolled(app: LacApplication) -> None:
    recorded = app.receive_item(TABLET, ACTOR)
    assert recorded.id == item_id(K.TABLET, "R52T30ABCDE")
    tablet = app.get_item(recorded.id)
    assert (tablet.kind, tablet.state, tablet.wiped, tablet.enrolled) == (
        K.TABLET,
        S.IN_STOCK,
        True,
        False,
    )
    assert (tablet.loan_id, tablet.kit_id) == (None, None)
    assert tablet.details["imei"] == VALID_IMEI
    assert tablet.details["cost"] == Decimal("199.00")


def test_a_future_receipt_is_refused_and_nothing_recorded(app: LacApplication) -> None:
    with pytest.raises(InvalidField):
        app.receive_item(replace(TABLET, received_on=TODAY + timedelta(days=1)), ACTOR)
    assert app.log_position() == 0


def test_a_duplicate_serial_is_refused_whatever_its_case(app: LacApplication) -> None:
    app.receive_item(TABLET, ACTOR)
    position = app.log_position()
    again = replace(TABLET, serial=" R52T30ABCDE ", imei=luhn("35209900176148"))
    with pytest.raises(DuplicateItem, match="serial R52T30ABCDE"):
        app.receive_item(again, ACTOR)
    assert app.log_position() == position
    # Serials are unique per kind: a charger may share a tablet's serial.
    app.receive_item(replace(CHARGER, serial="r52t30abcde"), ACTOR)


def test_a_duplicate_imei_is_refused(app: LacApplication) -> None:
    app.receive_item(TABLET, ACTOR)
    position = app.log_position()
    with pytest.raises(DuplicateItem, match="IMEI"):
        app.receive_item(replace(TABLET, serial="OTHER-1", imei="4901 5420 3237 518"), ACTOR)
    assert app.log_position() == position
    with pytest.raises(InvalidTransition):  # DuplicateItem is a conflict (409)
        app.receive_item(replace(TABLET, serial="OTHER-2"), ACTOR)


# steps -----------------------------------------------------------------------------------

# What the issue asks, written out independently of STEPS: (allowed from, leads to).
EXPECTED: dict[str, tuple[set[ItemState], ItemState]] = {
    "reserve": ({S.IN_STOCK}, S.RESERVED),
    "unreserve": ({S.RESERVED}, S.IN_STOCK),
    "issue": ({S.RESERVED}, S.ISSUED),
    "give": ({S.RESERVED, S.ISSUED}, S.GIFTED),
    "return": ({S.ISSUED}, S.AWAITING_WIPE),
    "lose": ({S.ISSUED}, S.LOST),
    "report_stolen": ({S.ISSUED}, S.STOLEN),
    "send_for_repair": ({S.ISSUED, S.IN_STOCK, S.AWAITING_WIPE}, S.IN_REPAIR),
    "repaired": ({S.IN_REPAIR}, S.AWAITING_WIPE),
    "wipe": ({S.AWAITING_WIPE, S.IN_STOCK}, S.IN_STOCK),
    "dispose": ({S.IN_STOCK, S.AWAITING_WIPE, S.IN_REPAIR}, S.DISPOSED),
}
LOAN = uuid4()


def item_in(state: ItemState, kind: ItemKind = K.TABLET) -> StockItem:
    item = StockItem(kind=kind, details={}, actor_id=ACTOR)
    item.state, item.loan_id = state, LOAN
    return item


def test_steps_are_those_the_issue_asks_for() -> None:
    assert {name: (set(a), to) for name, (a, to) in STEPS.items()} == EXPECTED


@pytest.mark.parametrize("state", list(ItemState))
@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_step_is_allowed_only_from_its_states(name: str, state: ItemState) -> None:
    item = item_in(state)
    allowed, to = EXPECTED[name]
    if state in allowed:
        item.step(name, TODAY, ACTOR, LOAN)
        assert item.state is to
        assert item.loan_id == (LOAN if to in (S.RESERVED, S.ISSUED) else None)
    else:
        version = item.version
        with pytest.raises(InvalidTransition) as info:
            item.step(name, TODAY, ACTOR, LOAN)
        assert info.value.status == state.value and info.value.why.startswith("only from")
        assert (item.state, item.version) == (state, version)


@pytest.mark.parametrize("name", ["issue", "give", "return", "lose", "report_stolen"])
def test_an_item_held_by_another_loan_is_refused(name: str) -> None:
    state = S.RESERVED if name in ("issue", "give") else S.ISSUED
    item = item_in(state)
    with pytest.raises(InvalidTransition, match="held by another loan"):
        item.step(name, TODAY, ACTOR, uuid4())
    assert item.state is state


def test_a_returned_tablet_is_wiped_before_it_is_reserved_again() -> None:
    tablet = item_in(S.IN_STOCK)
    for name in ("reserve", "issue", "return"):
        tablet.step(name, TODAY, ACTOR, LOAN)
    assert (tablet.state, tablet.wiped, tablet.loan_id) == (S.AWAITING_WIPE, False, None)
    with pytest.raises(InvalidTransition):
        tablet.step("reserve", TODAY, ACTOR, uuid4())
    tablet.state = S.IN_STOCK  # even if it were shelved unwiped, the flag refuses it
    with pytest.raises(InvalidTransition, match="wiped before it is issued again"):
        tablet.step("reserve", TODAY, ACTOR, uuid4())
    tablet.step("wipe", TODAY, ACTOR)
    assert (tablet.state, tablet.wiped) == (S.IN_STOCK, True)
    tablet.step("reserve", TODAY, ACTOR, uuid4())
    assert tablet.state is S.RESERVED


def test_a_repaired_tablet_is_wiped_before_it_is_reserved() -> None:
    tablet = item_in(S.ISSUED)
    tablet.step("send_for_repair", TODAY, ACTOR, LOAN)  # only with its loan
    tablet.step("repaired", TODAY, ACTOR)
    assert (tablet.state, tablet.wiped) == (S.AWAITING_WIPE, False)
    tablet.step("wipe", TODAY, ACTOR)
    tablet.step("reserve", TODAY, ACTOR, LOAN)


@pytest.mark.parametrize("kind", [K.SIM, K.CHARGER, K.CASE, K.OTHER])
def test_accessories_and_sims_return_straight_to_stock(kind: ItemKind) -> None:
    item = item_in(S.ISSUED, kind)
    item.step("return", TODAY, ACTOR, LOAN)
    assert (item.state, item.loan_id) == (S.IN_STOCK, None)
    item.step("reserve", TODAY, ACTOR, uuid4())
    assert item.state is S.RESERVED


def test_a_step_keeps_its_note_and_date() -> None:
    item = item_in(S.ISSUED)
    item.step("lose", TODAY - timedelta(days=3), ACTOR, LOAN, note="  Left on a bus  ")
    stepped = item.collect_events()[-1]
    assert isinstance(stepped, StockItem.Stepped)
    assert (stepped.step, stepped.to, stepped.on) == ("lose", S.LOST, TODAY - timedelta(days=3))
    assert stepped.note == "Left on a bus"


def test_only_a_tablet_is_enrolled_and_only_once(app: LacApplication) -> None:
    tablet = app.receive_item(TABLET, ACTOR).id
    charger = app.receive_item(CHARGER, ACTOR).id
    app.change_item(tablet, lambda i, day: i.enrol(day, ACTOR))
    assert app.get_item(tablet).enrolled
    with pytest.raises(InvalidTransition, match="already enrolled"):
        app.change_item(tablet, lambda i, day: i.enrol(day, ACTOR))
    with pytest.raises(InvalidField, match="only a tablet"):
        app.change_item(charger, lambda i, day: i.enrol(day, ACTOR))
    with pytest.raises(InvalidField, match="future"):
        app.change_item(tablet, lambda i, day: i.step("wipe", day, ACTOR), TODAY + timedelta(1))


# kits ------------------------------------------------------------------------------------


def stock(app: LacApplication, n: int = 1) -> list[UUID]:
    """n tablets with a SIM, charger and case each: ids in kit order."""
    ids: list[UUID] = []
    for k in range(n):
        imei = luhn(f"3520990017{k:04d}")
        for details in (
            replace(TABLET, serial=f"TAB-{k}", imei=imei),
            replace(SIM, serial=f"SIM-{k}"),
            replace(CHARGER, serial=f"CHG-{k}"),
            replace(CASE, serial=f"CASE-{k}"),
        ):
            ids.append(app.receive_item(details, ACTOR).id)
    return ids


def test_a_kit_holds_exactly_one_tablet(app: LacApplication) -> None:
    ids = stock(app, 2)
    position = app.log_position()
    with pytest.raises(InvalidField, match="exactly one tablet"):
        app.assemble_kit("two tablets", [ids[0], ids[4], ids[1]], ACTOR)
    with pytest.raises(InvalidField, match="exactly one tablet"):
        app.assemble_kit("no tablet", ids[1:4], ACTOR)
    assert app.log_position() == position
    kit = app.assemble_kit("Kit 1", [*ids[:4], ids[0]], ACTOR).id
    assert app.get_kit(kit).item_ids == ids[:4]
    assert all(app.get_item(i).kit_id == kit for i in ids[:4])


def test_only_items_in_stock_go_into_a_kit(app: LacApplication) -> None:
    ids = stock(app)
    app.change_item(ids[2], lambda i, day: i.step("send_for_repair", day, ACTOR))
    position = app.log_position()
    with pytest.raises(InvalidTransition, match="only an item in stock"):
        app.assemble_kit("Kit 1", ids, ACTOR)
    assert app.log_position() == position
    assert app.get_item(ids[0]).kit_id is None


def test_an_item_is_in_one_kit_only(app: LacApplication) -> None:
    ids = stock(app, 2)
    app.assemble_kit("Kit 1", ids[:4], ACTOR)
    position = app.log_position()
    with pytest.raises(InvalidTransition, match="out of its kit first"):
        app.assemble_kit("Kit 2", [ids[4], ids[1]], ACTOR)
    assert app.log_position() == position
    assert app.get_item(ids[4]).kit_id is None
