"""Pages: the reference data an administrator keeps. The unit costs behind the value-for-money
estimate (edited as a whole table: the API replaces it), the programme's cost per year, the
device scheme years (their budgets on pages_admin_scheme) and the districts in the settings."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.web.forms import Form, FormErrors
from api.web.guards import actor, api_for, done, form_of, shown, viewer
from api.web.render import page
from api.web.session import WebSession, runtime_of

router = APIRouter(include_in_schema=False)

REFERENCE = "/app/admin/reference"
COST_FIELDS = ("key", "label", "amount", "applies_to", "quantity", "source")
_ROW = re.compile(r"^(unit_costs|programme_costs)\.(\d+)\.")
MANAGE = "reports.unit_costs.manage"
_DEFAULTED = re.compile(r"\.(quantity|remove)$")


def cost_values(table: dict[str, Any]) -> dict[str, str]:
    """The form's fields from the table in use: one group per cost and per programme year."""
    values: dict[str, str] = {}
    for n, cost in enumerate(table["unit_costs"]):
        values.update({f"unit_costs.{n}.{name}": str(cost[name]) for name in COST_FIELDS})
    for n, (year, amount) in enumerate(sorted(table["programme_costs"].items())):
        values.update({f"programme_costs.{n}.year": year, f"programme_costs.{n}.amount": amount})
    return values


def rows_in(values: dict[str, str], group: str) -> int:
    """How many groups of fields the form has: one more than filled (for adding one)."""
    found = [
        int(m.group(2))
        for name, value in values.items()
        if value and (m := _ROW.match(name)) and m.group(1) == group and not _DEFAULTED.search(name)
    ]
    return max(found, default=-1) + 2


def kept_costs(form: Form) -> list[int]:
    """The cost groups sent on: not left blank (the quantity has a default), not removed."""
    return [
        n
        for n in range(rows_in(form.values, "unit_costs"))
        if any(form.get(f"unit_costs.{n}.{k}") for k in COST_FIELDS if k != "quantity")
        and not form.get(f"unit_costs.{n}.remove")
    ]


def costs_body(form: Form) -> dict[str, Any]:
    """The whole table: groups left blank, or ticked to remove, are left out."""
    costs = []
    for n in kept_costs(form):
        row = {name: form.get(f"unit_costs.{n}.{name}") for name in COST_FIELDS}
        costs.append({name: value for name, value in row.items() if value})
    programme: dict[str, str] = {}
    for n in range(rows_in(form.values, "programme_costs")):
        year, amount = (form.get(f"programme_costs.{n}.{k}") for k in ("year", "amount"))
        if year or amount:
            programme[year] = amount
    return {"unit_costs": costs, "programme_costs": programme}


def cost_errors(errors: FormErrors, form: Form) -> FormErrors:
    """The API names the n-th cost sent and a programme year; the form, its own groups."""
    kept_rows = kept_costs(form)
    year_rows = {
        form.get(f"programme_costs.{n}.year"): n
        for n in range(rows_in(form.values, "programme_costs"))
    }
    placed = FormErrors(summary=errors.summary)
    for name, message in errors.fields.items():
        parts = name.split(".")
        if parts[0] == "unit_costs" and len(parts) >= 2 and parts[1].isdigit():
            row = kept_rows[int(parts[1])] if int(parts[1]) < len(kept_rows) else 0
            field = parts[2] if len(parts) > 2 else "key"
            placed.add(f"unit_costs.{row}.{field}", message)
        elif parts[0] == "programme_costs" and len(parts) >= 2 and parts[1] in year_rows:
            field = "year" if name.endswith("[key]") else "amount"
            placed.add(f"programme_costs.{year_rows[parts[1]]}.{field}", message)
        else:
            placed.add(name, message)
    return placed


@router.get("/app/admin/reference")
async def reference_page(
    request: Request,
    session: Annotated[WebSession, Depends(viewer(MANAGE))],
    after: int | None = None,
) -> Response:
    api = api_for(request, session)
    table = shown(await api.get("/reports/unit-costs")).body
    return await _reference(request, session, table, cost_values(table), FormErrors(), after)


@router.post("/app/admin/reference/unit-costs")
async def save_unit_costs(
    request: Request, session: Annotated[WebSession, Depends(actor(MANAGE))]
) -> Response:
    form = await form_of(request)
    body = costs_body(form)
    api = api_for(request, session)
    answer = await api.put("/reports/unit-costs", body, key=form.get("idempotency_key"))
    if answer.ok:
        message = "Unit costs saved. Reports made from now on use them; earlier ones keep theirs."
        return done(request, REFERENCE, message, answer.position)
    table = shown(await api.get("/reports/unit-costs")).body
    errors = cost_errors(answer.errors(), form)
    status = answer.form_status
    return await _reference(request, session, table, form.kept(), errors, None, status)


async def _reference(
    request: Request,
    session: WebSession,
    table: dict[str, Any],
    values: dict[str, str],
    errors: FormErrors,
    after: int | None,
    status: int = 200,
) -> Response:
    years = shown(await api_for(request, session).get("/device-scheme/years", min_position=after))
    return page(
        request,
        session,
        "admin/reference.html.j2",
        title="Reference data",
        status=status,
        errors=errors,
        values=values,
        table=table,
        cost_rows=rows_in(values, "unit_costs"),
        programme_rows=rows_in(values, "programme_costs"),
        years=years.body,
        districts=runtime_of(request).settings.districts,
    )
