"""Pages: a person's device record (places, loans, sessions, tickets), reserving a kit for
them, and one loan with its history and the actions that fit where it stands."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.web.forms import FormErrors
from api.web.guards import actor, api_for, done, form_of, viewer
from api.web.pages_device_shared import (
    KINDS,
    LOAN_STATUSES,
    SCHEME,
    STATES,
    all_items,
    kits_of,
    loan_of,
    loan_url,
    open_loan,
    person_record,
    position_of,
)
from api.web.render import page
from api.web.session import WebSession

router = APIRouter(include_in_schema=False)

PERSON = "/app/devices/people/{person_id}"
People = Annotated[WebSession, Depends(viewer("devices.people"))]
Officer = Annotated[WebSession, Depends(viewer("devices.loans"))]
Actor = Annotated[WebSession, Depends(actor("devices.loans"))]
After = Annotated[int | None, Query(ge=0)]

# What can be done with a loan at each status: (action path, link text).
LOAN_ACTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "reserved": (("hand-over", "Hand the kit over"), ("cancel", "Cancel the reservation")),
    "active": (
        ("session", "Record a training or support session"),
        ("ticket", "Open a support ticket"),
        ("resolve", "Resolve a support ticket"),
        ("extend", "Extend the loan"),
        ("return", "Record the kit's return"),
        ("end", "Report it lost, stolen or damaged"),
        ("gift", "Convert the loan to a gift"),
    ),
    "gifted": (  # a gift is still supported
        ("session", "Record a training or support session"),
        ("ticket", "Open a support ticket"),
        ("resolve", "Resolve a support ticket"),
    ),
}


@router.get(PERSON)
async def person_devices(
    request: Request, person_id: str, session: People, after: After = None
) -> Response:
    api = api_for(request, session)
    record = await person_record(api, person_id, position_of(after))
    for loan in record["loans"]:
        loan["url"] = loan_url(person_id, loan["loan_id"])
    return page(
        request,
        session,
        "devices/person.html.j2",
        title="Device record",
        record=record,
        enrolled=_enrolled_year(record),
        current=open_loan(record),
        statuses=LOAN_STATUSES,
        kinds=KINDS,
    )


@router.get(PERSON + "/loans/{loan_id}")
async def loan_page(
    request: Request, person_id: str, loan_id: str, session: Officer, after: After = None
) -> Response:
    api = api_for(request, session)
    record = await person_record(api, person_id, position_of(after))
    loan = loan_of(record, loan_id)
    actions = [
        (f"{loan_url(person_id, loan_id)}/{path}", text)
        for path, text in LOAN_ACTIONS.get(loan["status"], ())
        if _fits(path, loan)
    ]
    return page(
        request,
        session,
        "devices/loan.html.j2",
        title="Loan",
        record=record,
        loan=loan,
        actions=actions,
        history=_history(loan),
        statuses=LOAN_STATUSES,
        kinds=KINDS,
        states=STATES,
    )


@router.get(PERSON + "/reserve")
async def reserve_form(request: Request, person_id: str, session: Officer) -> Response:
    return await _reserve(request, session, person_id, FormErrors(), {})


@router.post(PERSON + "/reserve")
async def reserve(request: Request, person_id: str, session: Actor) -> Response:
    form = await form_of(request)
    api = api_for(request, session)
    year = form.get("year")
    body = {"person_id": person_id, **form.body("kit_id", "due_on")}
    answer = await api.post(f"{SCHEME}/{year}/loans", body, key=form.get("idempotency_key"))
    if answer.ok:
        to = loan_url(person_id, answer.body["id"])
        return done(request, to, "Kit reserved. Hand it over when you meet.", answer.position)
    errors = answer.errors()
    if "person_id" in errors.fields:
        errors.summary = f"This person cannot have a kit: {errors.fields.pop('person_id')}."
    status = 409 if answer.status in (404, 409) else 422
    return await _reserve(request, session, person_id, errors, form.kept(), status)


async def _reserve(
    request: Request,
    session: WebSession,
    person_id: str,
    errors: FormErrors,
    values: dict[str, str],
    status: int = 200,
) -> Response:
    api = api_for(request, session)
    record = await person_record(api, person_id)
    kits = [k for k in kits_of(await all_items(api, "in_stock")) if k.ready]
    options = [(k.kit_id, f"{k.name}: {_contents(k.items)}") for k in kits]
    return page(
        request,
        session,
        "devices/reserve.html.j2",
        title="Reserve a kit",
        status=status,
        errors=errors,
        values=values,
        record=record,
        year=_enrolled_year(record),
        current=open_loan(record),
        options=options,
        gift_only=_gift_only(record),
    )


def _enrolled_year(record: dict[str, Any]) -> str | None:
    years = [p["year"] for p in record["places"] if p["status"] == "enrolled"]
    return years[-1] if years else None


def _gift_only(record: dict[str, Any]) -> bool:
    year = _enrolled_year(record)
    plans = [p["plan"] for p in record["places"] if p["year"] == year]
    return bool(plans) and all(v == "gift" for v in plans[0].values())


def _contents(items: list[dict[str, Any]]) -> str:
    return ", ".join(f"{KINDS.get(i['kind'], i['kind']).lower()} {i['serial']}" for i in items)


def _fits(path: str, loan: dict[str, Any]) -> bool:
    if path == "resolve":
        return any(t["resolved_on"] is None for t in loan["tickets"])
    return not (path in ("extend", "return", "gift") and loan["is_gift"])


def _history(loan: dict[str, Any]) -> list[tuple[str, str]]:
    """What happened to the loan, newest first, in words."""
    said: list[tuple[str, str]] = [(loan["reserved_on"], "Kit reserved.")]
    if loan["handed_over_on"]:
        how = "signed on screen" if loan["agreement"] == "signature" else "verbal, witnessed"
        said.append(
            (
                loan["handed_over_on"],
                f"Handed over; agreement {how}; safe-use and safeguarding advice given.",
            )
        )
    for s in loan["sessions"]:
        kind = "Training" if s["kind"] == "training" else "Remote support"
        outcome = f" {s['outcome']}" if s["outcome"] else ""
        topic = s["topic"] or "topic not recorded"  # blank after an erasure
        said.append((s["on"], f"{kind} session, {s['minutes']} minutes: {topic}.{outcome}"))
    for t in loan["tickets"]:
        said.append((t["opened_on"], f"Support ticket opened: {t['problem'] or ''}"))
        if t["resolved_on"]:
            said.append((t["resolved_on"], f"Support ticket resolved: {t['resolution'] or ''}"))
    if loan["ended_on"]:
        ending = LOAN_STATUSES.get(loan["end_status"] or loan["status"], "Ended")
        condition = f", in {loan['condition']} condition" if loan["condition"] else ""
        note = f" {loan['end_note']}" if loan["end_note"] else ""
        said.append((loan["ended_on"], f"{ending}{condition}.{note}"))
    order = sorted(range(len(said)), key=lambda n: (said[n][0], n), reverse=True)
    return [said[n] for n in order]
