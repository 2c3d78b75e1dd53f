"""Pages: keeping the community assets directory up to date (coordinators and administrators):
add an asset, record that its details were checked, retire one that no longer runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.web.forms import FormErrors
from api.web.guards import actor, api_for, done, form_of, viewer
from api.web.pages_assets_shared import (
    category_options,
    checked_id,
    district_options,
    show_asset,
)
from api.web.render import page
from api.web.session import WebSession

router = APIRouter(include_in_schema=False)

MANAGE = "assets.manage"
Manager = Annotated[WebSession, Depends(viewer(MANAGE))]
Sender = Annotated[WebSession, Depends(actor(MANAGE))]
FIELDS = (
    "name",
    "category",
    "district",
    "description",
    "contact",
    "accessibility",
    "last_verified_on",
)


@router.get("/app/assets/new")
def new_asset_page(request: Request, session: Manager) -> Response:
    return _new(request, session, FormErrors(), {})


@router.post("/app/assets/new")
async def add_asset(request: Request, session: Sender) -> Response:
    form = await form_of(request)
    answer = await api_for(request, session).post(
        "/assets", form.body(*FIELDS), key=form.get("idempotency_key")
    )
    if answer.ok:
        to = f"/app/assets/{answer.body['id']}"
        return done(request, to, "The asset was added to the directory.", answer.position)
    return _new(request, session, answer.errors(), form.kept(), status=422)


def _new(
    request: Request,
    session: WebSession,
    errors: FormErrors,
    values: dict[str, str],
    status: int = 200,
) -> Response:
    return page(
        request,
        session,
        "assets/new.html.j2",
        title="Add a community asset",
        status=status,
        errors=errors,
        values=values,
        categories=category_options(),
        districts=district_options(request),
    )


@router.post("/app/assets/{asset_id}/verify")
async def verify_asset(request: Request, session: Sender, asset_id: str) -> Response:
    form = await form_of(request)
    answer = await api_for(request, session).post(
        f"/assets/{checked_id(asset_id)}/verify",
        form.body("verified_on"),
        key=form.get("idempotency_key"),
    )
    if answer.ok:
        message = "The asset's details were recorded as checked."
        return done(request, f"/app/assets/{asset_id}", message, answer.position)
    return await _again(request, session, asset_id, answer.errors(), form.kept(), answer.status)


@router.post("/app/assets/{asset_id}/retire")
async def retire_asset(request: Request, session: Sender, asset_id: str) -> Response:
    form = await form_of(request)
    answer = await api_for(request, session).post(
        f"/assets/{checked_id(asset_id)}/retire",
        form.body("reason"),
        key=form.get("idempotency_key"),
    )
    if answer.ok:
        message = "The asset was retired. It stays in past records."
        return done(request, f"/app/assets/{asset_id}", message, answer.position)
    errors = answer.errors()
    if "reason" in errors.fields:
        errors.fields["reason"] = "Say why the asset is being retired"
    return await _again(request, session, asset_id, errors, form.kept(), answer.status)


async def _again(
    request: Request,
    session: WebSession,
    asset_id: str,
    errors: FormErrors,
    values: dict[str, str],
    status: int,
) -> Response:
    """The asset's page again, with the form's errors beside its fields and what was typed."""
    shown_status = status if status in (404, 409) else 422
    return await show_asset(request, session, asset_id, "", errors, values, shown_status)
