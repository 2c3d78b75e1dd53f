"""People: register, find, read, correct, link a carer, and the full timeline."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse

from api.accounts import User
from api.auditing import Audit
from api.commands import execute, existing
from api.deps import Caught_up, RuntimeDep, require
from api.roles import Role
from api.schemas import (
    CarerLink,
    PeoplePage,
    PersonCreate,
    PersonRead,
    Recorded,
    TimelineEntry,
)
from api.scope import BreakGlass, open_casework
from api.timeline import timeline_for
from projections import queries
from workers.runtime import Runtime

router = APIRouter(prefix="/people", tags=["people"])

Registrar = Annotated[User, Depends(require("person.register"))]
Reader = Annotated[User, Depends(require("person.read"))]
Corrector = Annotated[User, Depends(require("person.correct"))]
TimelineReader = Annotated[User, Depends(require("person.timeline"))]


@router.post("", status_code=201, response_model=Recorded)
def register_person(
    body: PersonCreate, request: Request, runtime: RuntimeDep, user: Registrar, audit: Audit
) -> JSONResponse:
    """Register a person; 409 if their NHS number is already registered."""

    def command(new_id: uuid.UUID | None) -> Any:
        return existing(runtime, new_id) or runtime.app.register_person(
            body.details(), user.id, person_id=new_id, occurred_at=body.occurred_at
        )

    return audit.changed(execute(request, runtime, user, body, command, status_code=201), "person")


@router.get("", response_model=PeoplePage, dependencies=[Caught_up])
def search_people(
    runtime: RuntimeDep,
    user: Reader,
    audit: Audit,
    q: Annotated[str | None, Query(max_length=100, description="Part of the name")] = None,
    district: Annotated[str | None, Query(max_length=60)] = None,
    nhs_number: Annotated[str | None, Query(max_length=14)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> PeoplePage:
    number = nhs_number.replace(" ", "").replace("-", "") if nhs_number else None
    rows, total = queries.search_people(
        runtime.engine,
        text=q,
        district=district,
        nhs_number=number,
        paging=queries.Paging(page, page_size),
        team=_team(user),
    )
    audit.listed("person", ((r["id"], r["id"]) for r in rows))
    return PeoplePage(
        items=[PersonRead(**r) for r in rows], total=total, page=page, page_size=page_size
    )


@router.get("/{person_id}", response_model=PersonRead, dependencies=[Caught_up])
def read_person(
    person_id: uuid.UUID, runtime: RuntimeDep, user: Reader, audit: Audit, reason: BreakGlass
) -> PersonRead:
    """A person's record. A coordinator may open one outside their scope with a break-glass
    reason (the X-Break-Glass-Reason header), recorded for review; without it, 404."""
    glass = _within_scope(runtime, user, person_id, reason)
    row = queries.person(runtime.engine, person_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no person with id {person_id}")
    audit.read("person", person_id, person_id, reason=glass)
    return PersonRead(**row)


@router.put("/{person_id}", response_model=Recorded)
def correct_person(
    person_id: uuid.UUID,
    body: PersonCreate,
    request: Request,
    runtime: RuntimeDep,
    user: Corrector,
    audit: Audit,
) -> JSONResponse:
    """Correct a person's details; the earlier values stay in the history."""
    _within_scope(runtime, user, person_id)
    done = execute(
        request,
        runtime,
        user,
        body,
        lambda _: runtime.app.correct_person(person_id, body.details(), user.id, body.occurred_at),
    )
    return audit.changed(done, "person", person_id)


@router.post("/{person_id}/carer-of", response_model=Recorded)
def link_carer(
    person_id: uuid.UUID,
    body: CarerLink,
    request: Request,
    runtime: RuntimeDep,
    user: Corrector,
    audit: Audit,
) -> JSONResponse:
    """Record that this person cares for another person living in the same property."""
    _within_scope(runtime, user, person_id)
    done = execute(
        request,
        runtime,
        user,
        body,
        lambda _: runtime.app.link_carer(person_id, body.cares_for_id, body.relationship, user.id),
    )
    return audit.changed(done, "person", person_id)


@router.get("/{person_id}/timeline", response_model=list[TimelineEntry], dependencies=[Caught_up])
def person_timeline(
    person_id: uuid.UUID,
    runtime: RuntimeDep,
    user: TimelineReader,
    audit: Audit,
    reason: BreakGlass,
) -> list[TimelineEntry]:
    """Every event about the person and their referrals (and, within your scope or by
    break-glass, their casework): what, who and when."""
    glass = _within_scope(runtime, user, person_id, reason)
    entries = timeline_for(runtime, person_id, None if glass else user)
    audit.read("timeline", person_id, person_id, reason=glass)
    return entries


def _team(user: User) -> tuple[str, uuid.UUID] | None:
    """A team coordinator searches their district's people and their own caseload."""
    if user.role is Role.COORDINATOR and user.district is not None:
        return (user.district, user.id)
    return None


def _within_scope(
    runtime: Runtime, user: User, person_id: uuid.UUID, reason: str | None = None
) -> str | None:
    """Coordinators outside their caseload and team district get the unknown-person 404,
    unless they break glass (a read with a reason): then the reason, to record."""
    if user.role is Role.COORDINATOR:
        return open_casework(runtime, user, person_id, reason)
    return None
