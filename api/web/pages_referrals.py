"""Pages: the referral inbox (a coordinator's team's, or the device scheme's); one referral
(pages_referrals_detail.py) and the forms deciding it (pages_referrals_decide.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.roles import Role
from api.web import pages_referrals_decide, pages_referrals_detail
from api.web.guards import api_for, shown, viewer
from api.web.pages_referrals_common import (
    PROGRAMMES,
    SOURCES,
    STATUSES,
    TAGS,
    paging_of,
    source_words,
    status_words,
)
from api.web.render import page
from api.web.session import WebSession

router = APIRouter(include_in_schema=False)

INBOX = "/app/referrals/inbox"
StatusFilter = Annotated[str | None, Query(max_length=20)]
After = Annotated[int | None, Query(ge=0)]


def _programme(session: WebSession) -> str:
    """Device officers work the device scheme's inbox; coordinators their team's LAC one."""
    return "devices" if session.user.role is Role.DEVICE_OFFICER else "lac"


def _one_of(value: str | None, options: tuple[tuple[str, str], ...]) -> str:
    return value if value in dict(options) else ""


@router.get(INBOX)
async def inbox(
    request: Request,
    session: Annotated[WebSession, Depends(viewer("page.referral_inbox"))],
    status: StatusFilter = None,
    source: StatusFilter = None,
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
    after: After = None,
) -> Response:
    programme = _programme(session)
    chosen = {"status": _one_of(status, STATUSES) or "received", "source": _one_of(source, SOURCES)}
    answer = shown(
        await api_for(request, session).get(
            "/referrals/inbox",
            programme=programme,
            status=chosen["status"],
            source=chosen["source"],
            page=page_number,
            page_size=20,
            min_position=after,
        )
    )
    title = "Device referrals" if programme == "devices" else "Referral inbox"
    return page(
        request,
        session,
        "referrals/inbox.html.j2",
        title=title,
        values=chosen,
        programme=PROGRAMMES[programme],
        referrals=answer.body["items"],
        paging=paging_of(answer, INBOX, chosen),
        statuses=STATUSES,
        sources=SOURCES,
        status_words=status_words,
        source_words=source_words,
        tags=TAGS,
    )


router.include_router(pages_referrals_detail.router)
router.include_router(pages_referrals_decide.router)
