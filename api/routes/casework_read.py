"""Casework read side: the caseload, a person's casework page, the assets directory and
community work. Every answer comes from the read models (pass min_position to read your
own writes)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, status

from api.accounts import User, get_user, list_users
from api.auditing import Audit
from api.deps import Caught_up, RuntimeDep, require
from api.roles import Role
from api.schemas_read import (
    AssetRead,
    AssetsPage,
    CaseloadPage,
    CaseloadRow,
    CommunityWorkPage,
    CommunityWorkRead,
    Flag,
    PersonCasework,
)
from api.scope import BreakGlass, open_casework
from domain.codes import AssetCategory, CommunityWorkKind
from domain.errors import RecordNotFound
from projections import casework_queries as queries
from projections.queries import Paging
from workers.runtime import Runtime

router = APIRouter(tags=["casework"])

CaseloadReader = Annotated[User, Depends(require("caseload.read"))]
CaseworkReader = Annotated[User, Depends(require("casework.read"))]
AssetsReader = Annotated[User, Depends(require("assets.read"))]
WorkReader = Annotated[User, Depends(require("community_work.read"))]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=100)]
District = Annotated[str | None, Query(max_length=60)]
Scope = tuple[uuid.UUID | None, str | None, Literal["any", "all"]]


def caseload_scope(
    runtime: Runtime, user: User, coordinator_id: uuid.UUID | None, district: str | None
) -> Scope:
    """What a coordinator may list: by default their own caseload and their team district's.

    A coordinator with a team district may narrow to themselves, their district or a colleague
    in the same team (within that district); anything else is 403. One without a team district
    works county-wide.
    """
    team = user.district
    if coordinator_id is None and district is None:
        return user.id, team, "any"
    if team is not None:
        outside = HTTPException(
            status.HTTP_403_FORBIDDEN, "outside your caseload and your team district"
        )
        if district is not None and district != team:
            raise outside
        if coordinator_id is not None and coordinator_id != user.id:
            colleague = get_user(runtime.engine, coordinator_id)
            if colleague is None or colleague.district != team:
                raise outside
            return coordinator_id, team, "all"
    return coordinator_id, district, "all"


@router.get("/caseload", response_model=CaseloadPage, dependencies=[Caught_up])
def caseload(
    runtime: RuntimeDep,
    user: CaseloadReader,
    audit: Audit,
    coordinator_id: uuid.UUID | None = None,
    district: District = None,
    flag: Flag | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> CaseloadPage:
    """Active and paused involvements, who needs attention first: an overdue next action,
    then no contact for the configured number of days, then the earliest due date, then the
    longest since contact."""
    who, where, match = caseload_scope(runtime, user, coordinator_id, district)
    days = runtime.settings.no_contact_days
    rows, total = queries.caseload(
        runtime.engine,
        coordinator_id=who,
        district=where,
        now=datetime.now(UTC),
        no_contact_days=days,
        flag=flag,
        paging=Paging(page, page_size),
        match=match,
    )
    names = {u.id: u.full_name for u in list_users(runtime.engine, Role.COORDINATOR)}
    items = [CaseloadRow(**r, coordinator_name=names.get(r["coordinator_id"])) for r in rows]
    audit.listed("involvement", ((r.involvement_id, r.person_id) for r in items))
    return CaseloadPage(
        items=items, total=total, page=page, page_size=page_size, no_contact_days=days
    )


@router.get("/people/{person_id}/casework", response_model=PersonCasework, dependencies=[Caught_up])
def person_casework(
    person_id: uuid.UUID,
    runtime: RuntimeDep,
    user: CaseworkReader,
    audit: Audit,
    reason: BreakGlass,
) -> PersonCasework:
    """A person's page: involvement, goals, contacts (newest first), connections, outcomes,
    and measures with their change from baseline. 404 for anyone outside your scope, unless
    you break glass: the X-Break-Glass-Reason header, recorded for an admin to review."""
    glass = open_casework(runtime, user, person_id, reason)
    found = queries.person_casework(runtime.engine, person_id)
    if found is None:
        raise RecordNotFound("person", person_id)
    audit.read("casework", person_id, person_id, reason=glass)
    return PersonCasework(**found)


@router.get("/assets", response_model=AssetsPage, dependencies=[Caught_up])
def assets_directory(
    runtime: RuntimeDep,
    _user: AssetsReader,
    district: District = None,
    category: AssetCategory | None = None,
    q: Annotated[str | None, Query(max_length=100, description="Part of the name")] = None,
    include_retired: bool = False,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> AssetsPage:
    """The community assets directory, with how many people are at each step with each."""
    rows, total = queries.assets_directory(
        runtime.engine,
        district=district,
        category=category.value if category else None,
        text=q,
        include_retired=include_retired,
        paging=Paging(page, page_size),
    )
    return AssetsPage(
        items=[AssetRead(**r) for r in rows], total=total, page=page, page_size=page_size
    )


@router.get("/assets/{asset_id}", response_model=AssetRead, dependencies=[Caught_up])
def asset(asset_id: uuid.UUID, runtime: RuntimeDep, _user: AssetsReader) -> AssetRead:
    row = queries.asset(runtime.engine, asset_id)
    if row is None:
        raise RecordNotFound("community asset", asset_id)
    return AssetRead(**row)


@router.get("/community-work", response_model=CommunityWorkPage, dependencies=[Caught_up])
def community_work(
    runtime: RuntimeDep,
    _user: WorkReader,
    district: District = None,
    kind: CommunityWorkKind | None = None,
    page: PageNumber = 1,
    page_size: PageSize = 20,
) -> CommunityWorkPage:
    """Community development work not tied to one person, most recent first."""
    rows, total = queries.community_work(
        runtime.engine,
        district=district,
        kind=kind.value if kind else None,
        paging=Paging(page, page_size),
    )
    return CommunityWorkPage(
        items=[CommunityWorkRead(**r) for r in rows], total=total, page=page, page_size=page_size
    )
