"""Pages: the coordinator's home ("who needs me next") and finding a person.

A search is sent as a form (POST), so what was typed (a name, an NHS number) never lands in a
web address, the browser's history or a server log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.web.forms import FormErrors
from api.web.guards import actor, api_for, form_of, shown, viewer
from api.web.pages_person_common import show
from api.web.session import WebSession

router = APIRouter(include_in_schema=False)

CASELOAD_SIZE = 100
SEARCH_SIZE = 50
RECENT = 12


@router.get("/app/home")
async def home(
    request: Request,
    session: Annotated[WebSession, Depends(viewer("caseload.read"))],
    after: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    api = api_for(request, session)
    answer = shown(await api.get("/caseload", page_size=CASELOAD_SIZE, min_position=after))
    rows: list[dict[str, Any]] = answer.body["items"]
    return show(
        request,
        session,
        "coordinator/home.html.j2",
        title="Who needs me next",
        flagged=[r for r in rows if r["flags"]],
        due=sorted((r for r in rows if r["next_action_due"]), key=lambda r: r["next_action_due"]),
        recent=_recent(rows),
        total=answer.body["total"],
        shown_count=len(rows),
        no_contact_days=answer.body["no_contact_days"],
    )


def _recent(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen = [r for r in rows if r["last_contact_at"]]
    seen.sort(key=lambda r: datetime.fromisoformat(r["last_contact_at"]), reverse=True)
    return seen[:RECENT]


@router.get("/app/people")
async def find_person(
    request: Request, session: Annotated[WebSession, Depends(viewer("caseload.read"))]
) -> Response:
    return show(request, session, "coordinator/people.html.j2", title="Find a person", found=None)


@router.post("/app/people")
async def search_people(
    request: Request, session: Annotated[WebSession, Depends(actor("caseload.read"))]
) -> Response:
    form = await form_of(request)
    text = form.get("q")
    errors = FormErrors()
    if not text:
        errors.add("q", "Enter part of a name, or an NHS number")
    elif len(text) > 100:
        errors.add("q", "Enter 100 characters or fewer")
    if errors:
        return _search_page(request, session, None, 0, errors, form.kept(), 422)
    digits = text.replace(" ", "").replace("-", "")
    params = {"nhs_number": digits} if digits.isdigit() and len(digits) == 10 else {"q": text}
    answer = await api_for(request, session).get("/people", page_size=SEARCH_SIZE, **params)
    if answer.status == 422:
        return _search_page(request, session, None, 0, answer.errors({}), form.kept(), 422)
    body = shown(answer).body
    return _search_page(request, session, body["items"], body["total"], errors, form.kept())


def _search_page(
    request: Request,
    session: WebSession,
    found: list[dict[str, Any]] | None,
    total: int,
    errors: FormErrors,
    values: dict[str, str],
    status: int = 200,
) -> Response:
    return show(
        request,
        session,
        "coordinator/people.html.j2",
        title="Find a person",
        found=found,
        total=total,
        errors=errors,
        values=values,
        status=status,
    )
