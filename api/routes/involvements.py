"""A person's involvement: open or reopen it, assign it, and record the work along the way.

Every route needs `casework.change` and the person inside the caller's casework scope; a
person out of scope answers 404 exactly as an unknown person does.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Container, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.accounts import User, get_user
from api.auditing import Auditor
from api.commands import Command, execute
from api.deps import RuntimeDep, require
from api.roles import Role
from api.schemas import Recorded
from api.schemas_casework import (
    GoalCreate,
    GoalStatusChange,
    InvolvementClose,
    InvolvementOpen,
    NextAction,
    Pause,
    Reassign,
    Resume,
    Strengths,
    SupportLevelChange,
    WhatMatters,
)
from api.scope import check_casework_scope
from domain.application import Recorded as DomainRecorded
from domain.errors import InvalidField, RecordNotFound
from domain.involvement import Involvement
from domain.reference import Programme
from workers.runtime import Runtime

router = APIRouter(prefix="/people", tags=["involvements"])

Caseworker = Annotated[User, Depends(require("casework.change"))]
Change = Callable[[Involvement, datetime], None]
BASE = "/{person_id}/involvement"


def check_coordinator(runtime: Runtime, user: User, coordinator_id: uuid.UUID) -> None:
    """The one to assign must be an active coordinator user."""
    found = user if coordinator_id == user.id else get_user(runtime.engine, coordinator_id)
    if found is None or not found.active or found.role is not Role.COORDINATOR:
        raise InvalidField("coordinator_id", "must be an active coordinator")


def already_recorded(
    runtime: Runtime,
    person_id: uuid.UUID,
    new_id: uuid.UUID | None,
    held: Callable[[Involvement], Container[uuid.UUID]],
) -> DomainRecorded | None:
    """What an earlier attempt under the same Idempotency-Key added to the involvement."""
    if new_id is None:
        return None
    involvement = runtime.app.get_involvement(person_id)
    if new_id not in held(involvement):
        return None
    return DomainRecorded(new_id, involvement.version, runtime.app.log_position())


@contextmanager
def unknown_in_path(field: str, record: str, record_id: uuid.UUID) -> Iterator[None]:
    """The domain's "no such goal/outcome/measure" names a field; in a URL it is a 404."""
    try:
        yield
    except InvalidField as error:
        if error.field != field:
            raise
        raise RecordNotFound(record, record_id) from None


def _run(
    request: Request,
    runtime: Runtime,
    user: User,
    person_id: uuid.UUID,
    body: BaseModel | None,
    command: Command,
    status_code: int = 200,
) -> JSONResponse:
    """Check the person is in the caller's scope (else 404), run the command once, and
    record the change in the audit log."""
    check_casework_scope(runtime, user, person_id)
    done = execute(request, runtime, user, body, command, status_code=status_code)
    return Auditor(request, runtime, user).changed(done, "involvement", person_id)


def _change(
    request: Request,
    runtime: Runtime,
    user: User,
    person_id: uuid.UUID,
    body: BaseModel | None,
    change: Change,
) -> JSONResponse:
    """One change to the person's involvement (409 if they have none)."""
    return _run(
        request,
        runtime,
        user,
        person_id,
        body,
        lambda _: runtime.app.change_involvement(person_id, change),
    )


def _check_referral(runtime: Runtime, person_id: uuid.UUID, referral_id: uuid.UUID) -> None:
    """A referral named on opening must be this person's LAC referral."""
    try:
        referral = runtime.app.get_referral(referral_id)
    except RecordNotFound:
        referral = None
    if referral is None or referral.person_id != person_id or referral.programme != Programme.LAC:
        raise InvalidField("referral_id", "must be a LAC referral for this person")


@router.post(BASE, status_code=201, response_model=Recorded)
def open_involvement(
    person_id: uuid.UUID,
    body: InvolvementOpen,
    request: Request,
    runtime: RuntimeDep,
    user: Caseworker,
) -> JSONResponse:
    """Open the person's involvement, or reopen a closed one; 409 if one is already open.
    It needs the person's consent to Local Area Coordination support: recorded already (e.g.
    through the referral), or given now (`consent`, recorded with the opening); else 409."""
    coordinator_id = body.coordinator_id or user.id

    def command(_: uuid.UUID | None) -> DomainRecorded:
        check_coordinator(runtime, user, coordinator_id)
        if body.referral_id is not None:
            _check_referral(runtime, person_id, body.referral_id)
        return runtime.app.open_involvement(
            person_id,
            coordinator_id,
            body.support_level,
            user.id,
            referral_id=body.referral_id,
            occurred_at=body.occurred_at,
            consent=body.consent.given() if body.consent else None,
        )

    return _run(request, runtime, user, person_id, body, command, status_code=201)


@router.post(f"{BASE}/reassign", response_model=Recorded)
def reassign(
    person_id: uuid.UUID, body: Reassign, request: Request, runtime: RuntimeDep, user: Caseworker
) -> JSONResponse:
    """Hand the involvement to another coordinator."""

    def command(_: uuid.UUID | None) -> DomainRecorded:
        check_coordinator(runtime, user, body.coordinator_id)
        return runtime.app.reassign(person_id, body.coordinator_id, user.id)

    return _run(request, runtime, user, person_id, body, command)


@router.post(f"{BASE}/support-level", response_model=Recorded)
def change_support_level(
    person_id: uuid.UUID,
    body: SupportLevelChange,
    request: Request,
    runtime: RuntimeDep,
    user: Caseworker,
) -> JSONResponse:
    """Introductory conversation or walking alongside."""
    return _change(
        request,
        runtime,
        user,
        person_id,
        body,
        lambda i, when: i.change_support_level(body.support_level, user.id, when),
    )


@router.put(f"{BASE}/what-matters", response_model=Recorded)
def record_what_matters(
    person_id: uuid.UUID,
    body: WhatMatters,
    request: Request,
    runtime: RuntimeDep,
    user: Caseworker,
) -> JSONResponse:
    """What matters to the person: their vision of a good life, in their words."""
    return _change(
        request,
        runtime,
        user,
        person_id,
        body,
        lambda i, when: i.record_what_matters(body.what_matters, user.id, when),
    )


@router.put(f"{BASE}/strengths", response_model=Recorded)
def record_strengths(
    person_id: uuid.UUID, body: Strengths, request: Request, runtime: RuntimeDep, user: Caseworker
) -> JSONResponse:
    """The person's strengths, personal, family and community; replaces the earlier list."""
    try:
        return _change(
            request,
            runtime,
            user,
            person_id,
            body,
            lambda i, when: i.record_strengths(body.by_kind(), user.id, when),
        )
    except InvalidField as error:  # the domain names "strengths.personal": the body, "personal"
        raise InvalidField(error.field.removeprefix("strengths."), error.message) from None


@router.post(f"{BASE}/goals", status_code=201, response_model=Recorded)
def set_goal(
    person_id: uuid.UUID, body: GoalCreate, request: Request, runtime: RuntimeDep, user: Caseworker
) -> JSONResponse:
    """Add a goal (status active); answers with the goal's id."""

    def command(new_id: uuid.UUID | None) -> DomainRecorded:
        return already_recorded(
            runtime, person_id, new_id, lambda i: i.goals
        ) or runtime.app.set_goal(person_id, body.text, user.id, goal_id=new_id)

    return _run(request, runtime, user, person_id, body, command, status_code=201)


@router.post(f"{BASE}/goals/{{goal_id}}/status", response_model=Recorded)
def change_goal(
    person_id: uuid.UUID,
    goal_id: uuid.UUID,
    body: GoalStatusChange,
    request: Request,
    runtime: RuntimeDep,
    user: Caseworker,
) -> JSONResponse:
    """Mark a goal achieved, changed, dropped, or active again; 404 for an unknown goal."""
    with unknown_in_path("goal_id", "goal", goal_id):
        return _change(
            request,
            runtime,
            user,
            person_id,
            body,
            lambda i, when: i.change_goal(goal_id, body.status, user.id, when),
        )


@router.put(f"{BASE}/next-action", response_model=Recorded)
def set_next_action(
    person_id: uuid.UUID, body: NextAction, request: Request, runtime: RuntimeDep, user: Caseworker
) -> JSONResponse:
    """The next thing to do, and by when; the caseload sorts on it."""
    return _change(
        request,
        runtime,
        user,
        person_id,
        body,
        lambda i, when: i.set_next_action(body.action, body.due_on, user.id, when),
    )


@router.post(f"{BASE}/pause", response_model=Recorded)
def pause(
    person_id: uuid.UUID,
    request: Request,
    runtime: RuntimeDep,
    user: Caseworker,
    body: Pause | None = None,
) -> JSONResponse:
    """Pause an active involvement (e.g. the person is in hospital); the body is optional."""
    note = body.note if body else None
    return _change(
        request, runtime, user, person_id, body, lambda i, when: i.pause(note, user.id, when)
    )


@router.post(f"{BASE}/resume", response_model=Recorded)
def resume(
    person_id: uuid.UUID,
    request: Request,
    runtime: RuntimeDep,
    user: Caseworker,
    body: Resume | None = None,
) -> JSONResponse:
    """Resume a paused involvement; the body, if any, is `{}`."""
    return _change(request, runtime, user, person_id, body, lambda i, when: i.resume(user.id, when))


@router.post(f"{BASE}/close", response_model=Recorded)
def close(
    person_id: uuid.UUID,
    body: InvolvementClose,
    request: Request,
    runtime: RuntimeDep,
    user: Caseworker,
) -> JSONResponse:
    """Close with a reason; 409 if it is already closed. Reopen by opening it again."""
    return _run(
        request,
        runtime,
        user,
        person_id,
        body,
        lambda _: runtime.app.close_involvement(
            person_id, body.reason, body.note, user.id, body.occurred_at
        ),
    )
