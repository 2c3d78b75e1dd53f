"""The community assets directory (list, update, verify, retire) and community development work.

Assets are not personal data: coordinators and administrators manage them (`assets.manage`).
Community work, the coordinators' 20% not tied to one person, needs `community_work.record`.
Reading the directory is in the casework read routes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from api.accounts import User
from api.commands import execute, existing
from api.deps import RuntimeDep, require
from api.schemas import Recorded
from api.schemas_casework import AssetBody, AssetRetire, AssetVerify, CommunityWorkCreate
from domain.application import Recorded as DomainRecorded
from domain.errors import InvalidField, RecordNotFound

router = APIRouter(tags=["assets"])

AssetManager = Annotated[User, Depends(require("assets.manage"))]
CommunityWorker = Annotated[User, Depends(require("community_work.record"))]
ASSET = "community asset"


@contextmanager
def unknown_asset(field: str) -> Iterator[None]:
    """An asset the body refers to that does not exist: a 422 naming the field, not a 404."""
    try:
        yield
    except RecordNotFound as error:
        if error.record != ASSET:
            raise
        raise InvalidField(field, str(error)) from None


@router.post("/assets", status_code=201, response_model=Recorded)
def list_asset(
    body: AssetBody, request: Request, runtime: RuntimeDep, user: AssetManager
) -> JSONResponse:
    """Add a group, place, activity or service to the directory; 422 for an unknown district."""

    def command(new_id: uuid.UUID | None) -> DomainRecorded:
        return existing(runtime, new_id) or runtime.app.list_asset(
            body.details(), user.id, asset_id=new_id
        )

    return execute(request, runtime, user, body, command, status_code=201)


@router.put("/assets/{asset_id}", response_model=Recorded)
def update_asset(
    asset_id: uuid.UUID,
    body: AssetBody,
    request: Request,
    runtime: RuntimeDep,
    user: AssetManager,
) -> JSONResponse:
    """Replace an asset's details; 409 if it was retired."""
    return execute(
        request,
        runtime,
        user,
        body,
        lambda _: runtime.app.update_asset(asset_id, body.details(), user.id),
    )


@router.post("/assets/{asset_id}/verify", response_model=Recorded)
def verify_asset(
    asset_id: uuid.UUID,
    body: AssetVerify,
    request: Request,
    runtime: RuntimeDep,
    user: AssetManager,
) -> JSONResponse:
    """Record that the details were checked (e.g. the group still meets) on a date."""
    return execute(
        request,
        runtime,
        user,
        body,
        lambda _: runtime.app.verify_asset(asset_id, body.verified_on, user.id),
    )


@router.post("/assets/{asset_id}/retire", response_model=Recorded)
def retire_asset(
    asset_id: uuid.UUID,
    body: AssetRetire,
    request: Request,
    runtime: RuntimeDep,
    user: AssetManager,
) -> JSONResponse:
    """Retire an asset that no longer runs; it stays in the history and in past records."""

    def command(_: uuid.UUID | None) -> DomainRecorded:
        asset = runtime.app.get_asset(asset_id)
        asset.retire(body.reason, user.id)
        return runtime.app._recorded(asset)

    return execute(request, runtime, user, body, command)


@router.post("/community-work", status_code=201, response_model=Recorded)
def record_community_work(
    body: CommunityWorkCreate, request: Request, runtime: RuntimeDep, user: CommunityWorker
) -> JSONResponse:
    """Community development not tied to one person: supporting a group, helping it find
    funding, starting an activity, or a gap in what the community offers."""

    def command(new_id: uuid.UUID | None) -> DomainRecorded:
        return existing(runtime, new_id) or runtime.app.record_community_work(
            body.kind,
            body.district,
            body.asset_id,
            body.description,
            body.minutes,
            body.occurred_on,
            user.id,
            work_id=new_id,
        )

    with unknown_asset("asset_id"):
        return execute(request, runtime, user, body, command, status_code=201)
