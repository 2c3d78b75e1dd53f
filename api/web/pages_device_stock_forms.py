"""Pages: receiving an item into stock, and putting items in stock together as a kit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.web.forms import Form, FormErrors
from api.web.guards import actor, api_for, done, form_of, viewer
from api.web.pages_device_shared import KINDS, SCHEME, all_items, kits_of
from api.web.render import page
from api.web.session import WebSession

router = APIRouter(include_in_schema=False)

RECEIVE = "/app/devices/stock/receive"
NEW_KIT = "/app/devices/kits/new"
BOARD = "/app/devices/stock"
Viewer = Annotated[WebSession, Depends(viewer("devices.stock"))]
Actor = Annotated[WebSession, Depends(actor("devices.stock"))]
ITEM_FIELDS = (
    "kind",
    "serial",
    "cost",
    "received_on",
    "make",
    "model",
    "imei",
    "asset_tag",
    "network",
    "data_allowance_gb",
    "monthly_cost",
    "starts_on",
    "expires_on",
    "description",
)


def whole_numbers(body: dict[str, Any], *names: str) -> None:
    """The API takes whole numbers as numbers; anything else goes as typed, for it to refuse."""
    for name in names:
        value = body.get(name)
        if isinstance(value, str) and value.isdigit():
            body[name] = int(value)


def plain_numbers(errors: FormErrors) -> FormErrors:
    for name, message in errors.fields.items():
        if message.startswith("Input should be a valid integer"):
            errors.fields[name] = "Enter a whole number"
        elif message.startswith("Input should be a valid decimal"):
            errors.fields[name] = "Enter an amount in pounds, like 12.50"
    return errors


@router.get(RECEIVE)
async def receive_form(request: Request, session: Viewer) -> Response:
    today = datetime.now(UTC).date().isoformat()
    return _receive(request, session, FormErrors(), {"received_on": today})


@router.post(RECEIVE)
async def receive_item(request: Request, session: Actor) -> Response:
    form = await form_of(request)
    body = form.body(*ITEM_FIELDS)
    whole_numbers(body, "data_allowance_gb")
    answer = await api_for(request, session).post(
        f"{SCHEME}/stock", body, key=form.get("idempotency_key")
    )
    if answer.ok:
        kind = KINDS.get(form.get("kind"), "Item")
        return done(request, BOARD, f"{kind} received into stock.", answer.position)
    status = answer.form_status
    return _receive(request, session, plain_numbers(answer.errors()), form.kept(), status)


def _receive(
    request: Request,
    session: WebSession,
    errors: FormErrors,
    values: dict[str, str],
    status: int = 200,
) -> Response:
    return page(
        request,
        session,
        "devices/receive.html.j2",
        title="Receive an item into stock",
        status=status,
        errors=errors,
        values=values,
        kinds=list(KINDS.items()),
    )


@router.get(NEW_KIT)
async def kit_form(request: Request, session: Viewer) -> Response:
    return await _kit(request, session, FormErrors(), Form({}, {}))


@router.post(NEW_KIT)
async def assemble_kit(request: Request, session: Actor) -> Response:
    form = await form_of(request)
    body = form.body("label", "item_ids", lists=("item_ids",))
    answer = await api_for(request, session).post(
        f"{SCHEME}/kits", body, key=form.get("idempotency_key")
    )
    if answer.ok:
        return done(request, BOARD, "Kit assembled.", answer.position)
    errors = answer.errors({"item_ids.0": "item_ids"})
    if errors.fields.get("item_ids", "").startswith("List should have at least"):
        errors.fields["item_ids"] = "Choose the kit's items: exactly one tablet, and its others"
    if answer.status == 409:  # an item moved on meanwhile: the choice is no longer valid
        errors.fields.setdefault("item_ids", errors.summary or "")
    return await _kit(request, session, errors, form, answer.form_status)


async def _kit(
    request: Request, session: WebSession, errors: FormErrors, form: Form, status: int = 200
) -> Response:
    api = api_for(request, session)
    stock = await all_items(api, "in_stock")
    loose = [i for i in stock if not i["kit_id"]]
    loose.sort(key=lambda i: (i["kind"] != "tablet", i["kind"], i["serial"]))
    options = [(str(i["item_id"]), _described(i)) for i in loose]
    return page(
        request,
        session,
        "devices/kit_new.html.j2",
        title="Assemble a kit",
        status=status,
        errors=errors,
        values=form.kept(),
        options=options,
        chosen=form.many("item_ids"),
        kits=len(kits_of(stock)),
    )


def _described(item: dict[str, Any]) -> str:
    kind = KINDS.get(item["kind"], item["kind"])
    more = " ".join(x for x in (item.get("make"), item.get("model"), item.get("network")) if x)
    wiped = "" if item["kind"] != "tablet" or item["wiped"] else " (needs a wipe)"
    return f"{kind} {item['serial']}{f', {more}' if more else ''}{wiped}"
