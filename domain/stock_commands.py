"""Device scheme commands for stock and kits: receiving items, changing their state, and
assembling and dismantling kits. Mixed into the application through `DeviceCommands`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.device_codes import ItemKind, ItemState
from domain.errors import InvalidField, InvalidTransition
from domain.loan import Kit
from domain.stock import ImeiClaim, ItemDetails, StockItem, imei_claim_id, item_id

if TYPE_CHECKING:
    from domain.application import Recorded


class DuplicateItem(InvalidTransition):
    """An item with this serial or IMEI is already recorded."""


class StockCommands:
    """Stock items and kits; every command saves its aggregates in one transaction."""

    if TYPE_CHECKING:
        repository: Any

        def _recorded(self, *aggregates: Any) -> Recorded: ...
        def _get(self, cls: type[Any], record: str, record_id: UUID) -> Any: ...
        def _when(
            self, occurred_at: datetime | None, not_before: datetime | None = None
        ) -> datetime: ...

    def _today(self) -> date:
        return self._when(None).date()

    def receive_item(self, details: ItemDetails, actor_id: UUID) -> Recorded:
        checked = details.checked(self._today())
        new_id = item_id(checked.kind, checked.serial)
        if new_id in self.repository:
            raise DuplicateItem(
                "item",
                new_id,
                "receive",
                self.get_item(new_id).state.value,
                f"a {checked.kind.value} with serial {checked.serial} is already recorded",
            )
        item = StockItem._create(
            StockItem.Received,
            id=new_id,
            kind=checked.kind,
            details=checked.state(),
            actor_id=actor_id,
        )
        claims: list[Any] = []
        if checked.imei:
            claim_id = imei_claim_id(checked.imei)
            if claim_id in self.repository:
                raise DuplicateItem(
                    "item", new_id, "receive", "in stock", "a device with this IMEI exists"
                )
            claims.append(ImeiClaim(claim_id=claim_id, item_id=item.id))
        return self._recorded(item, *claims)

    def get_item(self, item_id_: UUID) -> StockItem:
        found: StockItem = self._get(StockItem, "item", item_id_)
        return found

    def change_item(
        self, item_id_: UUID, change: Callable[[StockItem, date], None], on: date | None = None
    ) -> Recorded:
        item = self.get_item(item_id_)
        day = self._checked_day(on)
        change(item, day)
        return self._recorded(item)

    def _checked_day(self, on: date | None) -> date:
        today = self._today()
        if on is not None and on > today:
            raise InvalidField("on", "must not be in the future")
        return on or today

    def assemble_kit(
        self, label: str, item_ids: list[UUID], actor_id: UUID, kit_id: UUID | None = None
    ) -> Recorded:
        items = [self.get_item(i) for i in dict.fromkeys(item_ids)]
        if [i.kind for i in items].count(ItemKind.TABLET) != 1:
            raise InvalidField("item_ids", "a kit has exactly one tablet")
        for item in items:
            if item.state is not ItemState.IN_STOCK:
                raise InvalidTransition(
                    "item",
                    item.id,
                    "put in a kit",
                    item.state.value,
                    "only an item in stock goes into a kit",
                )
        kit = Kit._create(
            Kit.Assembled,
            id=kit_id,
            label=label.strip() or "kit",
            item_ids=[i.id for i in items],
            actor_id=actor_id,
        )
        for item in items:
            item.put_in_kit(kit.id, actor_id)
        return self._recorded(kit, *items)

    def dismantle_kit(self, kit_id: UUID, actor_id: UUID) -> Recorded:
        """Take a kit apart (e.g. after an accessory was lost) so its items can be re-kitted."""
        kit = self.get_kit(kit_id)
        if kit.dismantled:
            raise InvalidTransition("kit", kit.id, "dismantle", "dismantled", "it already is")
        items = [self.get_item(i) for i in kit.item_ids]
        for item in items:
            if item.state in (ItemState.RESERVED, ItemState.ISSUED):
                raise InvalidTransition(
                    "kit", kit.id, "dismantle", item.state.value, "one of its items is on a loan"
                )
        kit.dismantle(actor_id)
        for item in items:
            if item.kit_id == kit.id:
                item.put_in_kit(None, actor_id)
        return self._recorded(kit, *items)

    def get_kit(self, kit_id: UUID) -> Kit:
        found: Kit = self._get(Kit, "kit", kit_id)
        return found
