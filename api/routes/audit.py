"""The audit log, for admins: who accessed a person's records, what a user did, the
break-glass review list, and a check that no row was changed behind the application's back.

The audit tables are append-only: the triggers that refuse UPDATE and DELETE are (re)created
when the app starts, and a review of a break-glass access is a row of its own."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Path, Query, status

from api import audit_reports as reports
from api.accounts import User, get_user
from api.audit import ensure_append_only, verify_chain
from api.auditing import Audit
from api.deps import RuntimeDep, require
from api.schemas_audit import (
    AuditPage,
    AuditRow,
    BreakGlassPage,
    BreakGlassRow,
    ChainCheck,
    Review,
    ReviewBody,
)


@asynccontextmanager
async def append_only(app: FastAPI) -> AsyncIterator[None]:
    """At startup (after the app's own start): make sure the append-only triggers exist."""
    ensure_append_only(app.state.runtime.engine, again=True)
    yield


router = APIRouter(prefix="/audit", tags=["data protection"], lifespan=append_only)

AuditReader = Annotated[User, Depends(require("audit.read"))]
Reviewer = Annotated[User, Depends(require("break_glass.review"))]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=100)]


@router.get("/people/{person_id}", response_model=AuditPage)
def person_audit(
    person_id: uuid.UUID,
    runtime: RuntimeDep,
    _user: AuditReader,
    audit: Audit,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> AuditPage:
    """Every access to the person's records, newest first: who, what, when, from where and,
    for break-glass, why. Looking is itself recorded against the person."""
    rows, total = reports.about_person(runtime.engine, person_id, page, page_size)
    audit.read("audit", person_id, person_id)
    items = [AuditRow.model_validate(r) for r in rows]
    return AuditPage(items=items, total=total, page=page, page_size=page_size)


@router.get("/users/{user_id}", response_model=AuditPage)
def user_audit(
    user_id: uuid.UUID,
    runtime: RuntimeDep,
    _user: AuditReader,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> AuditPage:
    """Everything the user read, searched, changed or opened by break-glass, newest first."""
    if get_user(runtime.engine, user_id) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no user with id {user_id}")
    rows, total = reports.by_user(runtime.engine, user_id, page, page_size)
    items = [AuditRow.model_validate(r) for r in rows]
    return AuditPage(items=items, total=total, page=page, page_size=page_size)


@router.get("/break-glass", response_model=BreakGlassPage)
def break_glass_list(
    runtime: RuntimeDep,
    _user: Reviewer,
    reviewed: Annotated[bool, Query(description="false: awaiting review; true: reviewed")] = False,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> BreakGlassPage:
    """Break-glass accesses, newest first: by default those awaiting an admin's review."""
    rows, total = reports.break_glass(runtime.engine, reviewed, page, page_size)
    items = [BreakGlassRow.model_validate(r) for r in rows]
    return BreakGlassPage(items=items, total=total, page=page, page_size=page_size)


@router.post("/break-glass/{audit_id}/review", status_code=201, response_model=Review)
def review_break_glass(
    audit_id: Annotated[int, Path(ge=1, le=2**62)],
    body: ReviewBody,
    runtime: RuntimeDep,
    user: Reviewer,
) -> Review:
    """Mark a break-glass access reviewed, with what the review found; 409 if it already
    was. The review is kept beside the access, which is never edited."""
    try:
        found = reports.review(runtime.engine, audit_id, user, body.note)
    except reports.NotBreakGlass:
        detail = f"no break-glass access with id {audit_id}"
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail) from None
    except reports.AlreadyReviewed:
        raise HTTPException(
            status.HTTP_409_CONFLICT, "this access has been reviewed already"
        ) from None
    return Review.model_validate(found)


@router.get("/verify", response_model=ChainCheck)
def verify(runtime: RuntimeDep, _user: AuditReader) -> ChainCheck:
    """Recompute the log's hash chain: intact, or the first row changed or removed since."""
    checked = verify_chain(runtime.engine)
    return ChainCheck(
        intact=checked.intact,
        rows=checked.rows,
        first_broken=checked.first_broken,
        head=checked.head,
    )
