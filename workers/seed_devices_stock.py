"""The seeded scheme's stock: deliveries, set-up, kits ready to issue, wipes, repairs, spares.

Tablets arrive in a few deliveries over the first months, each with a SIM, a charger and a case
(and a few spare chargers and cases); each tablet is enrolled on the management platform and
made up into a kit a few days later. A kit comes back, its tablet is wiped, and it is ready for
the next person; a kit missing an item is taken apart and its items made up into new kits.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from itertools import count
from uuid import UUID

from domain.device_codes import ItemKind, ItemState
from domain.stock import ItemDetails, StockItem
from workers import seed_devices_names as n
from workers.seed_devices_clerk import Clerk

K, S = ItemKind, ItemState
KIT_KINDS = (K.TABLET, K.SIM, K.CHARGER, K.CASE)
GONE = (S.LOST, S.STOLEN, S.GIFTED, S.DISPOSED)
Action = Callable[[date], None]


def working_day(day: date) -> date:
    return day + timedelta(days=max(0, 7 - day.weekday()) if day.weekday() > 4 else 0)


class Agenda:
    """Dated actions, run in date order (then by ``order``, then as scheduled)."""

    def __init__(self, clerk: Clerk, last: date) -> None:
        self.clerk, self.last = clerk, last
        self._heap: list[tuple[date, int, int, Action]] = []
        self._seq = count()

    def on(self, day: date, action: Action, order: int = 2) -> None:
        """Schedule ``action``; anything after the last day is not recorded."""
        if day <= self.last:
            heapq.heappush(self._heap, (day, order, next(self._seq), action))

    def run(self) -> None:
        while self._heap:
            day, order, _, action = heapq.heappop(self._heap)
            self.clerk.on(day, 30 * order)
            action(day)


class Stock:
    """Items and kits of one scheme year, driven through the clerk's commands."""

    def __init__(
        self, clerk: Clerk, agenda: Agenda, rng: random.Random, officer: UUID, counts: Counter[str]
    ) -> None:
        self.clerk, self.agenda, self.rng, self.officer = clerk, agenda, rng, officer
        self.counts = counts
        self.ready: list[UUID] = []  # kits ready to issue, oldest first
        self.spares: dict[ItemKind, list[UUID]] = {kind: [] for kind in KIT_KINDS}
        self._imeis = rng.sample(range(1_000_000), 1000)
        self._labels = count(1)
        self.issued: set[UUID] = set()  # tablets issued at least once

    # deliveries and set-up ---------------------------------------------------------------

    def deliver(self, day: date, model: n.Model, tablets: int, spares: int) -> None:
        rng = self.rng
        price = Decimal(model.price + rng.choice((0, 0, 5, 10, -5)))
        network, monthly, data_gb = rng.choice(n.NETWORKS)
        expires = day.replace(year=day.year + 1) - timedelta(days=1)
        for _ in range(tablets):
            number = self._imeis[self.counts["tablets"] % len(self._imeis)]
            tablet = self._receive(
                ItemDetails(
                    K.TABLET,
                    n.serial(rng, model),
                    price,
                    day,
                    model.make,
                    model.model,
                    imei=n.imei(model.tac, number),
                    asset_tag=f"NCC-DS-{self.counts['tablets'] + 1:04d}",
                )
            )
            sim = self._receive(
                ItemDetails(
                    K.SIM,
                    n.iccid(rng, network),
                    Decimal(0),
                    day,
                    network=network,
                    data_allowance_gb=data_gb,
                    monthly_cost=monthly,
                    starts_on=day,
                    expires_on=expires,
                )
            )
            charger, case = self._accessory(K.CHARGER, day), self._accessory(K.CASE, day)
            kit = [tablet, sim, charger, case]
            self.agenda.on(working_day(day + timedelta(days=rng.randint(1, 4))), self._set_up(kit))
        for _ in range(spares):
            self.spares[K.CHARGER].append(self._accessory(K.CHARGER, day))
            self.spares[K.CASE].append(self._accessory(K.CASE, day))

    def _receive(self, details: ItemDetails) -> UUID:
        self.counts["items"] += 1
        self.counts["tablets"] += details.kind is K.TABLET
        return self.clerk.receive_item(details, self.officer).id

    def _accessory(self, kind: ItemKind, day: date) -> UUID:
        cost = n.CHARGER_COST if kind is K.CHARGER else n.CASE_COST
        serial = f"{kind.value[:3].upper()}-21-{self.counts[kind.value] + 1:04d}"
        self.counts[kind.value] += 1
        return self._receive(ItemDetails(kind, serial, cost, day))

    def _set_up(self, items: list[UUID]) -> Action:
        def set_up(day: date) -> None:
            self.clerk.change_item(items[0], lambda i, on: i.enrol(on, self.officer))
            self.counts["enrolled"] += 1
            self._assemble(items)

        return set_up

    def _assemble(self, items: list[UUID]) -> None:
        label, kit_id = (
            f"KIT-{next(self._labels):03d}",
            UUID(int=self.rng.getrandbits(128), version=4),
        )
        self.ready.append(self.clerk.assemble_kit(label, items, self.officer, kit_id).id)
        self.counts["kits"] += 1

    # issue and return --------------------------------------------------------------------

    def take(self) -> UUID | None:
        if not self.ready:
            return None
        kit = self.ready.pop(0)
        tablet = self.clerk.get_kit(kit).item_ids[0]
        self.counts["reissued"] += tablet in self.issued
        self.issued.add(tablet)
        return kit

    def back(self, kit_id: UUID) -> None:
        """A reservation was cancelled: the kit, never handed over, is ready again."""
        self.ready.insert(0, kit_id)

    def came_back(self, day: date, kit_id: UUID) -> None:
        """After a loan ends: wipe or repair the tablet; take the kit apart if it is short."""
        items = self._items(kit_id)
        tablet = items[0]
        if any(i.state in GONE for i in items):
            self._dismantle(kit_id, items)
        if tablet.state is S.AWAITING_WIPE:
            wipe_on = working_day(day + timedelta(days=self.rng.randint(1, 5)))
            self.agenda.on(wipe_on, self._wipe(tablet.id, kit_id), 3)
        elif tablet.state is S.IN_REPAIR:
            back = working_day(day + timedelta(days=self.rng.randint(14, 35)))
            self.agenda.on(back, self._repaired(tablet.id, kit_id), 3)
        self._reassemble()

    def _items(self, kit_id: UUID) -> list[StockItem]:
        return [self.clerk.get_item(i) for i in self.clerk.get_kit(kit_id).item_ids]

    def _dismantle(self, kit_id: UUID, items: list[StockItem]) -> None:
        self.clerk.dismantle_kit(kit_id, self.officer)
        self.counts["dismantled"] += 1
        for item in items:
            if item.state is S.IN_STOCK:
                self.spares[item.kind].append(item.id)

    def _repaired(self, tablet: UUID, kit_id: UUID) -> Action:
        def repaired(day: date) -> None:
            self.clerk.change_item(tablet, lambda i, on: i.step("repaired", on, self.officer))
            self.counts["repaired"] += 1
            self.agenda.on(working_day(day + timedelta(days=1)), self._wipe(tablet, kit_id), 3)

        return repaired

    def _wipe(self, tablet: UUID, kit_id: UUID) -> Action:
        def wipe(day: date) -> None:
            self.clerk.change_item(tablet, lambda i, on: i.step("wipe", on, self.officer))
            self.counts["wiped"] += 1
            if self.clerk.get_kit(kit_id).dismantled:
                self.spares[K.TABLET].append(tablet)
                self._reassemble()
            elif all(i.state is S.IN_STOCK for i in self._items(kit_id)):
                self.ready.append(kit_id)

        return wipe

    def _reassemble(self) -> None:
        while all(self.spares[kind] for kind in KIT_KINDS):
            self._assemble([self.spares[kind].pop(0) for kind in KIT_KINDS])
