"""The device scheme read model: stock items and kits, scheme years and their places (with
the waiting list in order), and loans with their sessions and tickets (devices_loans).

Rows go through the batch's row buffer (projections/batch.py): one executemany per table and
column set at the end of a batch. A scheme year is opened with a plain statement (once a year),
so that the year of a scheme (which never changes) is found by a select and then remembered.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Table, bindparam, insert, select

from domain.device_codes import ItemState, PlaceStatus
from domain.erasure import Erasure
from domain.loan import Kit
from domain.scheme import Scheme
from domain.stock import StockItem
from projections.batch import rows
from projections.device_tables import DEVICE_TABLES, kits, scheme_places, schemes, stock_items
from projections.devices_loans import LoanHandlers
from projections.erasure import DEVICES, erasure_handler, purge_device_answers
from projections.projector import Handler

HELD = (ItemState.RESERVED, ItemState.ISSUED)
YEAR_OF = select(schemes.c.year).where(schemes.c.scheme_id == bindparam("scheme_id"))
DETAILS = (
    "serial",
    "make",
    "model",
    "imei",
    "asset_tag",
    "network",
    "data_allowance_gb",
    "monthly_cost",
    "starts_on",
    "expires_on",
    "cost",
    "received_on",
    "description",
)


# Every column of a place but its key: a new referral replaces all of them.
PLACE_COLUMNS = tuple(c.name for c in scheme_places.columns if not c.primary_key)


def _budget(budget: dict[str, Decimal]) -> dict[str, str]:
    """Amounts kept as decimal strings in JSON, so that nothing is rounded through a float."""
    return {str(line): str(amount) for line, amount in budget.items()}


class DeviceSchemeProjection(LoanHandlers):
    name = "devices"
    tables: tuple[Table, ...] = DEVICE_TABLES

    def __init__(self) -> None:
        # scheme id -> year, as read from a scheme row (a scheme's year never changes)
        self._years: dict[UUID, str] = {}

    def handlers(self) -> dict[type[Any], Handler]:
        # ImeiClaim.Claimed is not handled: the IMEI is already in the item's details.
        return {
            StockItem.Received: self.received,
            StockItem.Stepped: self.stepped,
            StockItem.Enrolled: self.enrolled,
            StockItem.KitChanged: self.kit_changed,
            Kit.Assembled: self.assembled,
            Kit.Dismantled: self.dismantled,
            Scheme.Opened: self.scheme_opened,
            Scheme.BudgetSet: self.budget_set,
            Scheme.PersonReferred: self.person_referred,
            Scheme.PlaceTaken: self.place_taken,
            Scheme.PlaceLeft: self.place_left,
            **self.loan_handlers(),
            Erasure.Recorded: erasure_handler(DEVICES, purge_device_answers),
        }

    # stock ----------------------------------------------------------------------------------

    def received(self, conn: Connection, e: StockItem.Received, _position: int) -> None:
        row = {
            "item_id": e.originator_id,
            "kind": e.kind.value,
            "state": ItemState.IN_STOCK.value,
            "wiped": True,
            "enrolled": False,
            "version": e.originator_version,
            "updated_at": e.timestamp,
            **{k: e.details.get(k) for k in DETAILS},
        }
        rows(conn).insert(conn, stock_items, row)

    def stepped(self, conn: Connection, e: StockItem.Stepped, _position: int) -> None:
        """The same rules as the aggregate: a held item names its loan; a wipe makes it clean,
        a return or a repair means it needs wiping again."""
        values: dict[str, Any] = {
            "state": e.to.value,
            "last_step": e.step,
            "last_step_on": e.on,
            "loan_id": e.loan_id if e.to in HELD else None,
        }
        if e.loan_id is not None:
            values["last_loan_id"] = e.loan_id
        if e.step == "wipe":
            values["wiped"] = True
        elif e.step in ("return", "repaired"):
            values["wiped"] = False
        self._item(conn, e, **values)

    def enrolled(self, conn: Connection, e: StockItem.Enrolled, _position: int) -> None:
        self._item(conn, e, enrolled=True, enrolled_on=e.on)

    def kit_changed(self, conn: Connection, e: StockItem.KitChanged, _position: int) -> None:
        self._item(conn, e, kit_id=e.kit_id)

    @staticmethod
    def _item(conn: Connection, e: Any, **values: Any) -> None:
        values.update(version=e.originator_version, updated_at=e.timestamp)
        rows(conn).update(conn, stock_items, e.originator_id, values)

    # kits -----------------------------------------------------------------------------------

    def assembled(self, conn: Connection, e: Kit.Assembled, _position: int) -> None:
        row = {
            "kit_id": e.originator_id,
            "label": e.label,
            "item_ids": [str(i) for i in e.item_ids],
            "dismantled": False,
            "version": e.originator_version,
            "updated_at": e.timestamp,
        }
        rows(conn).insert(conn, kits, row)

    def dismantled(self, conn: Connection, e: Kit.Dismantled, _position: int) -> None:
        values = {"dismantled": True, "version": e.originator_version, "updated_at": e.timestamp}
        rows(conn).update(conn, kits, e.originator_id, values)

    # scheme years and places ----------------------------------------------------------------

    def scheme_opened(self, conn: Connection, e: Scheme.Opened, _position: int) -> None:
        conn.execute(
            insert(schemes).values(
                year=e.year,
                scheme_id=e.originator_id,
                starts_on=e.starts_on,
                ends_on=e.ends_on,
                capacity=e.capacity,
                budget=_budget(e.budget),
                support_hourly_rate=e.support_hourly_rate,
                setup_cost_per_device=e.setup_cost_per_device,
                version=e.originator_version,
                updated_at=e.timestamp,
            )
        )

    def budget_set(self, conn: Connection, e: Scheme.BudgetSet, _position: int) -> None:
        year = self._known_year(conn, e.originator_id)
        if year is None:
            return  # no scheme row to change
        self._scheme(
            conn,
            e,
            year,
            budget=_budget(e.budget),
            support_hourly_rate=e.support_hourly_rate,
            setup_cost_per_device=e.setup_cost_per_device,
        )

    def person_referred(self, conn: Connection, e: Scheme.PersonReferred, position: int) -> None:
        """A new place, or a new referral of someone who had left (the row starts again: every
        column is written, so the upsert leaves what a delete and an insert would)."""
        year = self._year(conn, e)
        waiting = e.status is PlaceStatus.WAITING
        row = {
            "year": year,
            "person_id": e.person_id,
            "referral_id": e.referral_id,
            "need": e.need.value,
            "recipient": e.recipient.value,
            "cares_for_id": e.cares_for_id,
            "plan": {str(k): v.value for k, v in e.plan.items()},
            "status": e.status.value,
            "referred_on": e.on,
            "referred_by": e.actor_id,
            "waiting_position": position if waiting else None,
            "enrolled_on": None if waiting else e.on,
            "left_on": None,
            "left_reason": None,
            "care_plan_ref": e.care_plan_ref,
            "updated_at": e.timestamp,
        }
        rows(conn).upsert(conn, scheme_places, row, PLACE_COLUMNS)
        self._scheme(conn, e, year)

    def place_taken(self, conn: Connection, e: Scheme.PlaceTaken, _position: int) -> None:
        self._place(
            conn, e, status=PlaceStatus.ENROLLED.value, enrolled_on=e.on, waiting_position=None
        )

    def place_left(self, conn: Connection, e: Scheme.PlaceLeft, _position: int) -> None:
        self._place(
            conn,
            e,
            status=PlaceStatus.LEFT.value,
            left_on=e.on,
            left_reason=e.reason,
            waiting_position=None,
        )

    def _known_year(self, conn: Connection, scheme_id: UUID) -> str | None:
        """The scheme's year, or None while it has no row. Scheme rows are written at once
        (scheme_opened), so the select sees every one, this batch's too."""
        year = self._years.get(scheme_id)
        if year is None:
            found = conn.execute(YEAR_OF, {"scheme_id": scheme_id}).scalar()
            if found is not None:
                year = self._years[scheme_id] = str(found)
        return year

    def _year(self, conn: Connection, e: Any) -> str:
        """As _known_year, but a scheme with no row fails the event (as it always has)."""
        year = self._years.get(e.originator_id)
        if year is None:
            found = conn.execute(YEAR_OF, {"scheme_id": e.originator_id}).scalar_one()
            year = self._years[e.originator_id] = str(found)
        return year

    def _place(self, conn: Connection, e: Any, **values: Any) -> None:
        year = self._year(conn, e)
        values["updated_at"] = e.timestamp
        rows(conn).update(conn, scheme_places, (year, e.person_id), values)
        self._scheme(conn, e, year)

    @staticmethod
    def _scheme(conn: Connection, e: Any, year: str, **values: Any) -> None:
        values.update(version=e.originator_version, updated_at=e.timestamp)
        rows(conn).update(conn, schemes, year, values)
