"""Pages: loans due back (and SIM contracts running out), and the scheme year's waiting list
with the people referred who may need a kit. A person's device record, each loan's page and
its forms, and the scheme dashboard are in the pages_device_* modules included here."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.web import (
    pages_device_dashboard,
    pages_device_handover,
    pages_device_loan_actions,
    pages_device_person,
)
from api.web.guards import api_for, shown, viewer
from api.web.pages_device_shared import SCHEME, chosen_year, position_of, scheme_years
from api.web.render import page
from api.web.session import WebSession

router = APIRouter(include_in_schema=False)
for module in (
    pages_device_person,
    pages_device_handover,  # before the loan actions: its path would match theirs
    pages_device_loan_actions,
    pages_device_dashboard,
):
    router.include_router(module.router)

Officer = Annotated[WebSession, Depends(viewer("devices.loans"))]
After = Annotated[int | None, Query(ge=0)]
SHOW = {"all": "All loans out", "soon": "Due within 14 days", "overdue": "Overdue"}


@router.get("/app/devices/loans")
async def loans(
    request: Request,
    session: Officer,
    show: Annotated[str, Query(max_length=10)] = "all",
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
    after: After = None,
) -> Response:
    show = show if show in SHOW else "all"
    api = api_for(request, session)
    params: dict[str, Any] = {"page": page_number, "page_size": 50}
    params["min_position"] = position_of(after)
    if show == "overdue":
        params["overdue"] = "true"
    elif show == "soon":
        params["within_days"] = 14
    due = shown(await api.get(f"{SCHEME}/loans", **params)).body
    expiring = shown(await api.get(f"{SCHEME}/connectivity/expiring", within_days=30)).body
    return page(
        request,
        session,
        "devices/loans.html.j2",
        title="Loans",
        due=due,
        pages=max(1, -(-due["total"] // 50)),
        page_number=page_number,
        expiring=expiring,
        show=show,
        shows=SHOW,
    )


@router.get("/app/devices/waiting-list")
async def waiting_list(
    request: Request,
    session: Officer,
    year: Annotated[str | None, Query(max_length=20)] = None,
    after: After = None,
) -> Response:
    api = api_for(request, session)
    years = await scheme_years(api)
    chosen = chosen_year(years, year)
    waiting: list[dict[str, Any]] = []
    if chosen is not None:
        answer = await api.get(f"{SCHEME}/{chosen}/waiting-list", min_position=position_of(after))
        waiting = shown(answer).body["items"]
    referred = await api.get(
        "/referrals/inbox", programme="devices", status=["received", "accepted"], page_size=50
    )
    return page(
        request,
        session,
        "devices/waiting.html.j2",
        title="Waiting list",
        years=years,
        year=chosen,
        waiting=waiting,
        referred=referred.body["items"] if referred.ok else [],
    )
