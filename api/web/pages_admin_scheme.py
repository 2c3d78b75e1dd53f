"""Pages: the device scheme's years as reference data: open a year (dates, places, budget) and
change a year's budget lines and rates. Device officers and administrators manage these."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.web.forms import FormErrors
from api.web.guards import PageError, actor, api_for, done, form_of, shown, viewer
from api.web.render import page
from api.web.session import WebSession

router = APIRouter(include_in_schema=False)

MANAGE = "devices.scheme.manage"
Manager = Annotated[WebSession, Depends(viewer(MANAGE))]
Sender = Annotated[WebSession, Depends(actor(MANAGE))]
BACK = "/app/admin/reference#scheme-years"
LINES = (
    ("tablets", "Tablets"),
    ("connectivity_4g", "4G connectivity"),
    ("setup_and_device_management", "Device set-up and device management platform"),
    ("service_user_support", "Service-user support (delivery, training, remote support)"),
)
BUDGET = tuple(f"budget.{line}" for line, _ in LINES)
RATES = ("support_hourly_rate", "setup_cost_per_device")
OPENING = ("year", "starts_on", "ends_on", "capacity", *BUDGET, *RATES)


def budget_values(dashboard: dict[str, Any]) -> dict[str, str]:
    budget = dashboard["budget"]
    values = {f"budget.{line['line']}": str(line["budget"]) for line in budget["lines"]}
    values.update({name: str(budget[name]) for name in RATES})
    return values


@router.get("/app/admin/reference/scheme/new")
def open_year_page(request: Request, session: Manager) -> Response:
    return _opening(request, session, FormErrors(), {"capacity": "300"})


@router.post("/app/admin/reference/scheme/new")
async def open_year(request: Request, session: Sender) -> Response:
    form = await form_of(request)
    body = form.body(*OPENING)
    if body.get("capacity", "").isdigit():  # the API takes a whole number, not text
        body["capacity"] = int(body["capacity"])
    answer = await api_for(request, session).post(
        "/device-scheme", body, key=form.get("idempotency_key")
    )
    if answer.ok:
        return done(request, BACK, "The scheme year was opened.", answer.position)
    status = answer.form_status
    return _opening(request, session, answer.errors(), form.kept(), status)


def _opening(
    request: Request,
    session: WebSession,
    errors: FormErrors,
    values: dict[str, str],
    status: int = 200,
) -> Response:
    return page(
        request,
        session,
        "admin/scheme_open.html.j2",
        title="Open a scheme year",
        status=status,
        errors=errors,
        values=values,
        lines=LINES,
    )


@router.get("/app/admin/reference/scheme/{year}/budget")
async def budget_page(request: Request, session: Manager, year: str) -> Response:
    dashboard = await _dashboard(request, session, year)
    return _budget(request, session, year, FormErrors(), budget_values(dashboard))


@router.post("/app/admin/reference/scheme/{year}/budget")
async def set_budget(request: Request, session: Sender, year: str) -> Response:
    form = await form_of(request)
    await _dashboard(request, session, year)  # an unknown year is a 404 page
    body = form.body(*BUDGET, *RATES)
    answer = await api_for(request, session).put(
        f"/device-scheme/{year}/budget", body, key=form.get("idempotency_key")
    )
    if answer.ok:
        return done(request, BACK, "The budget was saved.", answer.position)
    status = answer.form_status
    return _budget(request, session, year, answer.errors(), form.kept(), status)


async def _dashboard(request: Request, session: WebSession, year: str) -> dict[str, Any]:
    if not 1 <= len(year) <= 20:
        raise PageError(404, "There is no scheme year with that name.")
    answer = await api_for(request, session).get(f"/device-scheme/{year}/dashboard")
    body: dict[str, Any] = shown(answer).body
    return body


def _budget(
    request: Request,
    session: WebSession,
    year: str,
    errors: FormErrors,
    values: dict[str, str],
    status: int = 200,
) -> Response:
    return page(
        request,
        session,
        "admin/scheme_budget.html.j2",
        title=f"Budget for the scheme year {year}",
        status=status,
        errors=errors,
        values=values,
        year=year,
        lines=LINES,
    )
