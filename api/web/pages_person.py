"""Pages: a person's page (everything recorded about their support, newest news first) and
logging a contact, from the quick form at the top of that page or a page of its own."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.web import pages_person_involvement, pages_person_plan, pages_person_records
from api.web.client import Api
from api.web.forms import Form, FormErrors
from api.web.guards import actor, api_for, form_of, shown, viewer
from api.web.pages_person_common import (
    answered,
    happened,
    number,
    options,
    person_of,
    show,
)
from api.web.session import WebSession
from domain.codes import ContactMode, ContactPurpose, Participant

router = APIRouter(include_in_schema=False)
router.include_router(pages_person_plan.router)
router.include_router(pages_person_records.router)
router.include_router(pages_person_involvement.router)

try:
    LOCAL = ZoneInfo("Europe/London")
except ZoneInfoNotFoundError:  # no time zone data on the host: UK dates as UTC dates
    LOCAL = ZoneInfo("UTC")

Reader = Annotated[WebSession, Depends(viewer("casework.read"))]
Opener = Annotated[WebSession, Depends(viewer("casework.change"))]
Changer = Annotated[WebSession, Depends(actor("casework.change"))]
After = Annotated[int | None, Query(ge=0)]
TIMELINE_SHOWN = 40
CONTACT_FIELDS = {"contact_at": "contact_on"}
CONTACT_PLAIN = {
    "contact_on": "Enter the date of the contact",
    "duration_minutes": "Enter how many minutes it took, as a whole number, like 30",
    "mode": "Choose how you were in contact",
    "participants": "Choose who took part",
    "purposes": "Choose what the contact was for",
}


@router.get("/app/people/{person_id}")
async def person_page(
    request: Request, person_id: uuid.UUID, session: Reader, after: After = None
) -> Response:
    api = api_for(request, session)
    context = await _person_context(api, person_id, after)
    return show(
        request,
        session,
        "coordinator/person.html.j2",
        title="Person's page",
        lists={},
        **context,
    )


async def _person_context(api: Api, person_id: uuid.UUID, after: int | None) -> dict[str, Any]:
    person = await person_of(api, person_id, after)
    base = f"/people/{person_id}"
    casework = shown(await api.get(f"{base}/casework", min_position=after)).body
    timeline = shown(await api.get(f"{base}/timeline", min_position=after)).body
    consents = shown(await api.get(f"{base}/consents", min_position=after)).body
    assets = await _assets(api, person["district"])
    return {
        "person": person,
        "casework": casework,
        "timeline": [{**e, "what": happened(e)} for e in reversed(timeline)][:TIMELINE_SHOWN],
        "timeline_total": len(timeline),
        "consents": consents,
        "asset_options": [(a["asset_id"], a["name"]) for a in assets],
        "today": _today().isoformat(),
        **_contact_options(),
    }


async def _assets(api: Api, district: str) -> list[dict[str, Any]]:
    answer = await api.get("/assets", district=district, page_size=100)
    return list(answer.body["items"]) if answer.ok else []


def _contact_options() -> dict[str, Any]:
    return {
        "modes": options(ContactMode),
        "participants": options(Participant),
        "purposes": options(ContactPurpose),
    }


@router.get("/app/people/{person_id}/contacts")
async def contact_page(request: Request, person_id: uuid.UUID, session: Opener) -> Response:
    return await _contact_form(request, session, person_id, FormErrors(), {}, {})


@router.post("/app/people/{person_id}/contacts")
async def log_contact(request: Request, person_id: uuid.UUID, session: Changer) -> Response:
    form = await form_of(request)
    api = api_for(request, session)
    answer = await api.post(
        f"/people/{person_id}/contacts", _contact_body(form), key=form.get("idempotency_key")
    )
    lists = {n: form.many(n) for n in ("participants", "purposes", "asset_ids")}

    async def again(errors: FormErrors, values: dict[str, str], status: int) -> Response:
        return await _contact_form(request, session, person_id, errors, values, lists, status)

    return await answered(
        request,
        person_id,
        answer,
        form,
        again,
        confirm="Contact logged.",
        fields=CONTACT_FIELDS,
        plain=CONTACT_PLAIN,
    )


async def _contact_form(
    request: Request,
    session: WebSession,
    person_id: uuid.UUID,
    errors: FormErrors,
    values: dict[str, str],
    lists: dict[str, list[str]],
    status: int = 200,
) -> Response:
    api = api_for(request, session)
    person = await person_of(api, person_id)
    return show(
        request,
        session,
        "coordinator/contact.html.j2",
        title="Log a contact",
        status=status,
        errors=errors,
        values=values,
        person=person,
        asset_options=[(a["asset_id"], a["name"]) for a in await _assets(api, person["district"])],
        lists=lists,
        today=_today().isoformat(),
        **_contact_options(),
    )


def _contact_body(form: Form) -> dict[str, Any]:
    """The API's contact from the form: a day becomes a time (now, if it is today)."""
    body = form.body("mode", "notes")
    for name in ("participants", "purposes", "asset_ids"):
        body[name] = form.many(name)
    if form.get("duration_minutes"):
        body["duration_minutes"] = number(form.get("duration_minutes"))
    if form.get("contact_on"):
        body["contact_at"] = _contact_at(form.get("contact_on"))
    return body


def _contact_at(day: str) -> str:
    """Today means now; an earlier day, midday that day (UK time); anything else as typed,
    for the API to explain."""
    try:
        on = date.fromisoformat(day)
    except ValueError:
        return day
    if on == _today():
        return datetime.now(UTC).isoformat()
    return datetime.combine(on, time(12), tzinfo=LOCAL).isoformat()


def _today() -> date:
    return datetime.now(LOCAL).date()
