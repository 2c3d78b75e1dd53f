"""Device scheme stock: receive tablets, SIMs and accessories; enrol, wipe, repair, dispose;
assemble kits. Each item's state is derived from its events; a step the item's state does
not allow answers 409 with the reason."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from api.accounts import User
from api.commands import execute, existing
from api.deps import RuntimeDep, require
from api.schemas import Recorded
from api.schemas_devices import ItemReceive, KitAssemble, StepOn, StepWithNote
from domain.errors import InvalidTransition
from domain.stock import StockItem
from workers.runtime import Runtime

router = APIRouter(prefix="/device-scheme", tags=["device scheme"])

Officer = Annotated[User, Depends(require("devices.stock"))]
ITEM = "/stock/{item_id}"
Change = Callable[[StockItem, date], None]


@router.post("/stock", status_code=201, response_model=Recorded)
def receive_item(
    body: ItemReceive, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """Record an item received into stock; its id comes from its kind and serial. 409 for a
    serial or IMEI already recorded; 422 naming `imei` when its check digit is wrong."""
    return execute(
        request,
        runtime,
        user,
        body,
        lambda _: runtime.app.receive_item(body.details(), user.id),
        status_code=201,
    )


def _step(
    request: Request,
    runtime: Runtime,
    user: User,
    item_id: uuid.UUID,
    body: StepOn | StepWithNote,
    change: Change,
) -> JSONResponse:
    return execute(
        request, runtime, user, body, lambda _: runtime.app.change_item(item_id, change, body.on)
    )


@router.post(f"{ITEM}/enrol", response_model=Recorded)
def enrol(
    item_id: uuid.UUID, body: StepOn, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """Record a tablet's enrolment on the device management platform."""
    return _step(request, runtime, user, item_id, body, lambda item, day: item.enrol(day, user.id))


@router.post(f"{ITEM}/wipe", response_model=Recorded)
def wipe(
    item_id: uuid.UUID, body: StepOn, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """Record a wipe: a returned or repaired device is back in stock, ready to issue."""
    return _step(
        request, runtime, user, item_id, body, lambda item, day: item.step("wipe", day, user.id)
    )


@router.post(f"{ITEM}/repair", response_model=Recorded)
def send_for_repair(
    item_id: uuid.UUID, body: StepWithNote, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """Send an item for repair (with what is wrong). An item out on loan goes for repair by
    ending its loan as damaged, not here (409)."""

    def change(item: StockItem, day: date) -> None:
        if item.loan_id is not None:
            raise InvalidTransition(
                "item",
                item.id,
                "send for repair",
                item.state.value,
                "it is held by a loan: end the loan as damaged",
            )
        item.step("send_for_repair", day, user.id, note=body.note)

    return _step(request, runtime, user, item_id, body, change)


@router.post(f"{ITEM}/repaired", response_model=Recorded)
def repaired(
    item_id: uuid.UUID, body: StepOn, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """Back from repair; a wipe follows before it is issued again."""
    return _step(
        request, runtime, user, item_id, body, lambda item, day: item.step("repaired", day, user.id)
    )


@router.post(f"{ITEM}/dispose", response_model=Recorded)
def dispose(
    item_id: uuid.UUID, body: StepWithNote, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """Dispose of an item (with why); it leaves stock for good."""
    return _step(
        request,
        runtime,
        user,
        item_id,
        body,
        lambda item, day: item.step("dispose", day, user.id, note=body.note),
    )


@router.post("/kits", status_code=201, response_model=Recorded)
def assemble_kit(
    body: KitAssemble, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """Put items in stock together as a kit, issued and returned as one unit: exactly one
    tablet, with its SIM, charger and case as available."""
    return execute(
        request,
        runtime,
        user,
        body,
        lambda new_id: (
            existing(runtime, new_id)
            or runtime.app.assemble_kit(body.label, body.item_ids, user.id, kit_id=new_id)
        ),
        status_code=201,
    )


@router.post("/kits/{kit_id}/dismantle", response_model=Recorded)
def dismantle_kit(
    kit_id: uuid.UUID, request: Request, runtime: RuntimeDep, user: Officer
) -> JSONResponse:
    """Take a kit apart, e.g. after an accessory was lost, so its items can be re-kitted;
    409 while any of its items is on a loan."""
    return execute(
        request, runtime, user, None, lambda _: runtime.app.dismantle_kit(kit_id, user.id)
    )
