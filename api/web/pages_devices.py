"""Pages: the device officer's stock board, with the steps that fit each item (enrol, wipe,
send for repair, back from repair, dispose) and kits to take apart. Receiving an item and
assembling a kit have their own pages (pages_device_stock_forms)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.web import pages_device_stock_forms
from api.web.client import Api
from api.web.forms import FormErrors
from api.web.guards import PageError, actor, api_for, done, form_of, shown, viewer
from api.web.pages_device_shared import (
    KINDS,
    SCHEME,
    STATES,
    all_items,
    kits_of,
    position_of,
    stage,
    steps_for,
)
from api.web.render import page
from api.web.session import WebSession

router = APIRouter(include_in_schema=False)
router.include_router(pages_device_stock_forms.router)

BOARD = "/app/devices/stock"
Viewer = Annotated[WebSession, Depends(viewer("devices.stock"))]
Actor = Annotated[WebSession, Depends(actor("devices.stock"))]
Filter = Annotated[str | None, Query(max_length=30)]
Number = Annotated[int, Query(ge=1, le=100_000)]
After = Annotated[int | None, Query(ge=0)]
PAGE_SIZE = 25

# step -> (the API's path, what the button says, what the confirmation says, needs a note)
STEPS: dict[str, tuple[str, str, str, bool]] = {
    "enrol": ("enrol", "Record enrolment", "Enrolment recorded.", False),
    "wipe": ("wipe", "Record a wipe", "Wipe recorded: the item is ready to issue.", False),
    "repaired": ("repaired", "Back from repair", "Recorded back from repair.", False),
    "repair": ("repair", "Send for repair", "Recorded as sent for repair.", True),
    "dispose": ("dispose", "Dispose of it", "Recorded as disposed of.", True),
}


@router.get(BOARD)
async def stock_board(
    request: Request,
    session: Viewer,
    state: Filter = None,
    kind: Filter = None,
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
    after: After = None,
) -> Response:
    view = _view(state, kind, page_number)
    return await _board(request, session, view, position_of(after))


@router.post(BOARD + "/{item_id}/{step}")
async def stock_step(request: Request, item_id: str, step: str, session: Actor) -> Response:
    if step not in STEPS:
        raise PageError(404, "There is no such stock step.")
    form = await form_of(request)
    view = _view(form.get("state") or None, form.get("kind") or None, _int(form.get("page")))
    path, _, message, with_note = STEPS[step]
    body = form.body("on", *(["note"] if with_note else []))
    api = api_for(request, session)
    answer = await api.post(
        f"{SCHEME}/stock/{item_id}/{path}", body, key=form.get("idempotency_key")
    )
    if answer.ok:
        return done(request, _board_url(view), message, answer.position)
    key = f"{step}-{item_id}"
    errors = answer.errors({"note": key, "on": key})
    if "item_id" in errors.fields:
        errors.summary = errors.fields.pop("item_id")
    values = {key: form.get("note")}
    return await _board(request, session, view, None, errors, values, _status(answer.status))


@router.post("/app/devices/kits/{kit_id}/dismantle")
async def dismantle_kit(request: Request, kit_id: str, session: Actor) -> Response:
    form = await form_of(request)
    api = api_for(request, session)
    answer = await api.post(f"{SCHEME}/kits/{kit_id}/dismantle", key=form.get("idempotency_key"))
    if answer.ok:
        return done(
            request, BOARD, "Kit taken apart: its items are back in stock.", answer.position
        )
    view = _view(None, None, 1)
    return await _board(request, session, view, None, answer.errors(), {}, _status(answer.status))


async def _board(
    request: Request,
    session: WebSession,
    view: dict[str, Any],
    position: int | None,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    api = api_for(request, session)
    listed = await _listed(api, view, position)
    in_stock = await all_items(api, "in_stock", position)
    return page(
        request,
        session,
        "devices/stock.html.j2",
        title="Stock board",
        status=status,
        errors=errors,
        values=values,
        view=view,
        items=[(item, stage(item), steps_for(item)) for item in listed["items"]],
        total=listed["total"],
        pages=max(1, -(-listed["total"] // PAGE_SIZE)),
        counts=_counts(listed["counts"]),
        kits=kits_of(in_stock),
        states=STATES,
        kinds=KINDS,
        steps=STEPS,
        board_url=_board_url,
    )


async def _listed(api: Api, view: dict[str, Any], position: int | None) -> dict[str, Any]:
    params = {**view, "page_size": PAGE_SIZE, "min_position": position}
    return dict(shown(await api.get(f"{SCHEME}/stock", **params)).body)


def _counts(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """state -> kind -> count, with a 'total' per state; states with no items left out."""
    table: dict[str, dict[str, int]] = {}
    for row in rows:
        counts = table.setdefault(row["state"], {"total": 0})
        counts[row["kind"]] = counts.get(row["kind"], 0) + row["count"]
        counts["total"] += row["count"]
    return {state: table[state] for state in STATES if state in table}


def _view(state: str | None, kind: str | None, number: int) -> dict[str, Any]:
    """The board's filters, dropping any the API would not know."""
    return {
        "state": state if state in STATES else None,
        "kind": kind if kind in KINDS else None,
        "page": number,
    }


def _board_url(view: dict[str, Any], **changed: Any) -> str:
    query = {k: v for k, v in {**view, **changed}.items() if v not in (None, "", 1)}
    return f"{BOARD}?{urlencode(query)}" if query else BOARD


def _int(text: str) -> int:
    return int(text) if text.isdigit() and 0 < int(text) <= 100_000 else 1


def _status(api_status: int) -> int:
    return api_status if api_status in (404, 409, 422) else 400
