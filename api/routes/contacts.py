"""Support contacts (log, correct, withdraw) and a person's connections to community assets.

Each needs `casework.change` and the person in scope. A contact is corrected by a later event,
never edited: its history keeps what was first written. A contact whose person is out of the
caller's scope answers 404 exactly as an unknown contact does.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.accounts import User
from api.auditing import Audit
from api.commands import execute, existing
from api.deps import RuntimeDep
from api.routes.assets import unknown_asset
from api.routes.involvements import Caseworker
from api.schemas import Recorded
from api.schemas_casework import ConnectionStep, ContactBody, ContactCorrection, ContactWithdraw
from api.scope import check_casework_scope
from domain.application import Recorded as DomainRecorded
from domain.codes import ConnectionStatus
from domain.community import connection_id
from domain.errors import InvalidTransition, RecordNotFound
from workers.runtime import Runtime

router = APIRouter(tags=["contacts"])


def _check_contact_scope(runtime: Runtime, user: User, contact_id: uuid.UUID) -> uuid.UUID:
    """The contact's person; 404 "no support contact" for an unknown contact and for one out
    of scope alike."""
    person_id = runtime.app.get_contact(contact_id).person_id
    try:
        check_casework_scope(runtime, user, person_id)
    except RecordNotFound:
        raise RecordNotFound("support contact", contact_id) from None
    return person_id


@router.post("/people/{person_id}/contacts", status_code=201, response_model=Recorded)
def log_contact(
    person_id: uuid.UUID,
    body: ContactBody,
    request: Request,
    runtime: RuntimeDep,
    user: Caseworker,
    audit: Audit,
) -> JSONResponse:
    """Record a contact, now or after the fact (never in the future); needs an involvement."""
    check_casework_scope(runtime, user, person_id)

    def command(new_id: uuid.UUID | None) -> DomainRecorded:
        return existing(runtime, new_id) or runtime.app.log_contact(
            person_id, body.details(), user.id, contact_id=new_id
        )

    with unknown_asset("asset_ids"):
        done = execute(request, runtime, user, body, command, status_code=201)
    return audit.changed(done, "contact", person_id)


@router.put("/contacts/{contact_id}", response_model=Recorded)
def correct_contact(
    contact_id: uuid.UUID,
    body: ContactCorrection,
    request: Request,
    runtime: RuntimeDep,
    user: Caseworker,
    audit: Audit,
) -> JSONResponse:
    """Correct a contact: the whole record as it should be, and why; the history is kept."""
    person_id = _check_contact_scope(runtime, user, contact_id)
    with unknown_asset("asset_ids"):
        done = execute(
            request,
            runtime,
            user,
            body,
            lambda _: runtime.app.correct_contact(contact_id, body.details(), body.why, user.id),
        )
    return audit.changed(done, "contact", person_id, record_id=contact_id)


@router.post("/contacts/{contact_id}/withdraw", response_model=Recorded)
def withdraw_contact(
    contact_id: uuid.UUID,
    body: ContactWithdraw,
    request: Request,
    runtime: RuntimeDep,
    user: Caseworker,
    audit: Audit,
) -> JSONResponse:
    """Withdraw a contact recorded in error (e.g. against the wrong person); 409 if already."""
    person_id = _check_contact_scope(runtime, user, contact_id)
    done = execute(
        request,
        runtime,
        user,
        body,
        lambda _: runtime.app.withdraw_contact(contact_id, body.why, user.id),
    )
    return audit.changed(done, "contact", person_id, record_id=contact_id)


@router.post(
    "/people/{person_id}/connections",
    status_code=201,
    response_model=Recorded,
    responses={200: {"model": Recorded, "description": "An existing connection moved on a step"}},
)
def connect(
    person_id: uuid.UUID,
    body: ConnectionStep,
    request: Request,
    runtime: RuntimeDep,
    user: Caseworker,
    audit: Audit,
) -> JSONResponse:
    """Introduce the person to an asset (201), then move the connection on a step (200):
    introduced -> attended -> still connected, or dropped (and introduced again after).
    A step not allowed from where the connection stands is 409."""
    check_casework_scope(runtime, user, person_id)
    key = connection_id(person_id, body.asset_id)
    creates = key not in runtime.app.repository
    if creates and body.status is not ConnectionStatus.INTRODUCED:
        runtime.app.get_involvement(person_id)  # no involvement: that 409 comes first
        action = f"mark as {body.status.value}"
        why = "introduce the person to the asset first"
        raise InvalidTransition("connection", key, action, "not yet introduced", why)
    with unknown_asset("asset_id"):
        done = execute(
            request,
            runtime,
            user,
            body,
            lambda _: runtime.app.connect(
                person_id, body.asset_id, body.status, body.note, user.id, body.occurred_at
            ),
            status_code=201 if creates else 200,
        )
    return audit.changed(done, "connection", person_id)
