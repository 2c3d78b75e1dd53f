"""Stock: devices, SIMs and accessories, each one's state derived from its own events.

An item's id comes from its kind and serial, so a second item with the same serial cannot be
recorded; a tablet's IMEI is held by an `ImeiClaim` saved with it, for the same reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.device_codes import ItemKind, ItemState
from domain.errors import InvalidField, InvalidTransition
from domain.reference import check_text

ITEMS = uuid5(NAMESPACE_URL, "lac:stock-item")
IMEIS = uuid5(NAMESPACE_URL, "lac:imei")
S = ItemState


def item_id(kind: ItemKind, serial: str) -> UUID:
    return uuid5(ITEMS, f"{kind.value}:{serial.strip().upper()}")


def imei_claim_id(imei: str) -> UUID:
    return uuid5(IMEIS, imei)


def check_imei(imei: str) -> str:
    """Fifteen digits with a valid Luhn check digit."""
    digits = imei.replace(" ", "").replace("-", "")
    if not (digits.isascii() and digits.isdigit() and len(digits) == 15):
        raise InvalidField("imei", "must be 15 digits")
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    if total % 10:
        raise InvalidField("imei", "fails its check digit: please check it was copied correctly")
    return digits


@dataclass(frozen=True)
class ItemDetails:
    """What is recorded when an item comes into stock."""

    kind: ItemKind
    serial: str
    cost: Decimal
    received_on: date
    make: str | None = None
    model: str | None = None
    imei: str | None = None
    asset_tag: str | None = None
    network: str | None = None
    data_allowance_gb: int | None = None
    monthly_cost: Decimal | None = None
    starts_on: date | None = None
    expires_on: date | None = None
    description: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def checked(self, today: date) -> ItemDetails:
        if self.received_on > today:
            raise InvalidField("received_on", "must not be in the future")
        if not Decimal(0) <= self.cost <= Decimal(5000):
            raise InvalidField("cost", "must be between 0 and 5000 pounds")
        serial = check_text("serial", self.serial, 60)
        imei = check_imei(self.imei) if self.imei else None
        if self.kind is ItemKind.TABLET and not (self.make and self.model):
            raise InvalidField("model", "a tablet needs its make and model")
        if self.kind is ItemKind.SIM:
            self._check_sim()
        return ItemDetails(
            self.kind,
            serial.upper(),
            self.cost,
            self.received_on,
            self.make,
            self.model,
            imei,
            self.asset_tag,
            self.network,
            self.data_allowance_gb,
            self.monthly_cost,
            self.starts_on,
            self.expires_on,
            self.description,
        )

    def _check_sim(self) -> None:
        if not self.network:
            raise InvalidField("network", "a SIM needs its network")
        if self.monthly_cost is None or not Decimal(0) <= self.monthly_cost <= Decimal(500):
            raise InvalidField("monthly_cost", "a SIM needs a monthly cost of 0 to 500 pounds")
        if self.starts_on is None or self.expires_on is None:
            raise InvalidField("expires_on", "a SIM needs its start and expiry dates")
        if self.expires_on <= self.starts_on:
            raise InvalidField("expires_on", "must be after the start date")

    def state(self) -> dict[str, Any]:
        values = {k: v for k, v in vars(self).items() if k != "extra" and v is not None}
        return values


class ImeiClaim(Aggregate):
    """One IMEI, one device."""

    class Claimed(Aggregate.Created):
        claim_id: UUID
        item_id: UUID

    @staticmethod
    def create_id(claim_id: UUID) -> UUID:
        return claim_id

    @event(Claimed)
    def __init__(self, claim_id: UUID, item_id: UUID) -> None:
        self.item_id = item_id


# Which states each step may start from, and where it leads.
STEPS: dict[str, tuple[tuple[ItemState, ...], ItemState]] = {
    "reserve": ((S.IN_STOCK,), S.RESERVED),
    "unreserve": ((S.RESERVED,), S.IN_STOCK),
    "issue": ((S.RESERVED,), S.ISSUED),
    "give": ((S.RESERVED, S.ISSUED), S.GIFTED),
    "return": ((S.ISSUED,), S.AWAITING_WIPE),
    "lose": ((S.ISSUED,), S.LOST),
    "report_stolen": ((S.ISSUED,), S.STOLEN),
    "send_for_repair": ((S.ISSUED, S.IN_STOCK, S.AWAITING_WIPE), S.IN_REPAIR),
    "repaired": ((S.IN_REPAIR,), S.AWAITING_WIPE),
    "wipe": ((S.AWAITING_WIPE, S.IN_STOCK), S.IN_STOCK),
    "dispose": ((S.IN_STOCK, S.AWAITING_WIPE, S.IN_REPAIR), S.DISPOSED),
}


class StockItem(Aggregate):
    """A tablet, SIM or accessory."""

    class Received(Aggregate.Created):
        kind: ItemKind
        details: dict[str, Any]
        actor_id: UUID

    class Stepped(Aggregate.Event):
        """The item moved on: `step` names what happened, `to` where it now stands."""

        step: str
        to: ItemState
        on: date
        loan_id: UUID | None
        note: str | None
        actor_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.state = self.to
            aggregate.loan_id = self.loan_id if self.to in (S.RESERVED, S.ISSUED) else None
            if self.step == "wipe":
                aggregate.wiped = True
            elif self.step in ("return", "repaired"):
                aggregate.wiped = False

    class Enrolled(Aggregate.Event):
        """Enrolled on the device management platform."""

        on: date
        actor_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.enrolled = True

    class KitChanged(Aggregate.Event):
        kit_id: UUID | None
        actor_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.kit_id = self.kit_id

    @event(Received)
    def __init__(self, kind: ItemKind, details: dict[str, Any], actor_id: UUID) -> None:
        self.kind = kind
        self.details = details
        self.state = S.IN_STOCK
        self.wiped = True  # new from the supplier
        self.enrolled = False
        self.loan_id: UUID | None = None
        self.kit_id: UUID | None = None

    @property
    def needs_wipe(self) -> bool:
        return self.kind is ItemKind.TABLET

    def step(
        self,
        name: str,
        on: date,
        actor_id: UUID,
        loan_id: UUID | None = None,
        note: str | None = None,
    ) -> None:
        allowed, to = STEPS[name]
        if self.state not in allowed:
            why = "only from " + " or ".join(s.value for s in allowed)
            raise InvalidTransition("item", self.id, name.replace("_", " "), self.state.value, why)
        if name == "reserve" and self.needs_wipe and not self.wiped:
            raise InvalidTransition(
                "item",
                self.id,
                "reserve",
                "not wiped",
                "a returned device is wiped before it is issued again",
            )
        if name == "return" and not self.needs_wipe:
            to = S.IN_STOCK
        bound = self.state in (S.RESERVED, S.ISSUED)  # an item on a loan moves only with it
        if (bound or name in ("issue", "give", "return", "lose", "report_stolen")) and (
            name != "reserve" and loan_id != self.loan_id
        ):
            raise InvalidTransition(
                "item", self.id, name, self.state.value, "it is held by another loan"
            )
        text = check_text("note", note, 1000, required=False) or None if note else None
        self.trigger_event(
            self.Stepped, step=name, to=to, on=on, loan_id=loan_id, note=text, actor_id=actor_id
        )

    def enrol(self, on: date, actor_id: UUID) -> None:
        if self.kind is not ItemKind.TABLET:
            raise InvalidField("item_id", "only a tablet is enrolled on the management platform")
        if self.enrolled:
            raise InvalidTransition("item", self.id, "enrol", "enrolled", "it is already enrolled")
        self.trigger_event(self.Enrolled, on=on, actor_id=actor_id)

    def put_in_kit(self, kit_id: UUID | None, actor_id: UUID) -> None:
        if kit_id is not None and self.kit_id is not None:
            raise InvalidTransition(
                "item", self.id, "put in a kit", "in a kit", "take it out of its kit first"
            )
        self.trigger_event(self.KitChanged, kit_id=kit_id, actor_id=actor_id)
