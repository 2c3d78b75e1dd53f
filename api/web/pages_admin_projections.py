"""Page: the events the read models had to skip (poison events), for administrators. An event
a read model's code cannot apply is retried a few times and then left out so the others keep
up to date; this page lists them, without their content, until a rebuild tries them again."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.web.guards import api_for, shown, viewer
from api.web.render import page
from api.web.session import WebSession

router = APIRouter(include_in_schema=False)

ACTION = "system.projections"


@router.get("/app/admin/skipped-events")
async def skipped_events_page(
    request: Request, session: Annotated[WebSession, Depends(viewer(ACTION))]
) -> Response:
    found: dict[str, Any] = shown(
        await api_for(request, session).get("/system/skipped-events")
    ).body
    return page(
        request,
        session,
        "admin_system/skipped_events.html.j2",
        title="Skipped events",
        found=found,
        retrying=[i for i in found["items"] if i["skipped_at"] is None],
    )
