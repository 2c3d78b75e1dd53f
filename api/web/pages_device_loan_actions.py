"""Pages: one form each for what happens to a loan after it is reserved: a training or support
session, a support ticket opened or resolved, an extension, the return, a loss, theft or damage,
conversion to a gift, and cancelling a reservation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.web.forms import Form, FormErrors
from api.web.guards import PageError, actor, api_for, done, form_of, viewer
from api.web.pages_device_shared import KINDS, SCHEME, loan_of, loan_url, person_record
from api.web.pages_device_stock_forms import plain_numbers, whole_numbers
from api.web.render import long_date, page
from api.web.session import WebSession

router = APIRouter(include_in_schema=False)

ACTION = "/app/devices/people/{person_id}/loans/{loan_id}/{action}"
Officer = Annotated[WebSession, Depends(viewer("devices.loans"))]
Actor = Annotated[WebSession, Depends(actor("devices.loans"))]
ENDINGS = {"lost": "Lost", "stolen": "Stolen", "damaged": "Damaged"}
# Pydantic's "Field required" where a choice is missing, in the officer's words.
CHOOSE = {"kind": "Choose the kind of session", "condition": "Choose the kit's condition"}


@dataclass(frozen=True)
class Action:
    title: str
    path: str  # after /device-scheme/loans/{loan_id}/
    fields: tuple[str, ...]
    confirmation: str
    button: str


ACTIONS = {
    "session": Action(
        "Record a training or support session",
        "sessions",
        ("kind", "on", "minutes", "topic", "outcome"),
        "Session recorded.",
        "Record the session",
    ),
    "ticket": Action(
        "Open a support ticket", "tickets", ("on", "problem"), "Support ticket opened.", "Open it"
    ),
    "resolve": Action(
        "Resolve a support ticket",
        "tickets/{ticket_id}/resolve",
        ("on", "resolution"),
        "Support ticket resolved.",
        "Resolve it",
    ),
    "extend": Action("Extend the loan", "extend", ("due_on",), "Loan extended.", "Extend it"),
    "return": Action(
        "Record the kit's return",
        "return",
        ("on", "condition", "note"),
        "Return recorded: the kit is back in stock for checking.",
        "Record the return",
    ),
    "end": Action(
        "Report it lost, stolen or damaged",
        "{what}",
        ("on", "note"),
        "Recorded: the loan has ended.",
        "Record it",
    ),
    "gift": Action(
        "Convert the loan to a gift",
        "convert-to-gift",
        ("on",),
        "Loan converted to a gift: the items are theirs now.",
        "Convert to a gift",
    ),
    "cancel": Action(
        "Cancel the reservation",
        "cancel",
        (),
        "Reservation cancelled: the kit is back in stock.",
        "Cancel the reservation",
    ),
}


def _action(name: str) -> Action:
    if name not in ACTIONS:
        raise PageError(404, "There is no such page for a loan.")
    return ACTIONS[name]


@router.get(ACTION)
async def action_form(
    request: Request, person_id: str, loan_id: str, action: str, session: Officer
) -> Response:
    _action(action)
    today = datetime.now(UTC).date().isoformat()
    form = Form({"on": today}, {})
    return await _form(request, session, person_id, loan_id, action, form, FormErrors())


@router.post(ACTION)
async def act(
    request: Request, person_id: str, loan_id: str, action: str, session: Actor
) -> Response:
    spec = _action(action)
    form = await form_of(request)
    errors = FormErrors()
    what, ticket = form.get("what"), form.get("ticket_id")
    if action == "end" and what not in ENDINGS:
        errors.add("what", "Choose what happened")
    if action == "resolve" and not ticket:
        errors.add("ticket_id", "Choose the ticket")
    if errors:
        return await _form(request, session, person_id, loan_id, action, form, errors, 422)
    body = _body(action, spec, form)
    path = spec.path.format(what=what, ticket_id=ticket)
    answer = await api_for(request, session).post(
        f"{SCHEME}/loans/{loan_id}/{path}", body, key=form.get("idempotency_key")
    )
    if answer.ok:
        message = spec.confirmation
        if action == "end":
            message = f"Recorded as {what}: the loan has ended."
        return done(request, loan_url(person_id, loan_id), message, answer.position)
    errors = plain_numbers(answer.errors({"accessories_present.0": "accessories_present"}))
    for name, message in CHOOSE.items():
        if name in errors.fields and not form.get(name):
            errors.fields[name] = message
    status = 409 if answer.status in (404, 409) else 422
    return await _form(request, session, person_id, loan_id, action, form, errors, status)


def _body(action: str, spec: Action, form: Form) -> dict[str, Any]:
    body = form.body(*spec.fields)
    whole_numbers(body, "minutes")
    if action == "return":
        body["accessories_present"] = form.many("accessories_present")
    return body


async def _form(
    request: Request,
    session: WebSession,
    person_id: str,
    loan_id: str,
    action: str,
    form: Form,
    errors: FormErrors,
    status: int = 200,
) -> Response:
    record = await person_record(api_for(request, session), person_id)
    loan = loan_of(record, loan_id)
    items = [(str(i["item_id"]), f"{KINDS[i['kind']]} {i['serial']}") for i in loan["items"]]
    returned = form.many("accessories_present") if form.lists else [i for i, _ in items]
    return page(
        request,
        session,
        "devices/loan_action.html.j2",
        title=ACTIONS[action].title,
        status=status,
        errors=errors,
        values=form.kept(),
        action=action,
        spec=ACTIONS[action],
        record=record,
        loan=loan,
        back=loan_url(person_id, loan_id),
        items=items,
        returned=returned,
        open_tickets=[
            (str(t["ticket_id"]), f"Opened {long_date(t['opened_on'])}: {t['problem'] or ''}")
            for t in loan["tickets"]
            if t["resolved_on"] is None
        ],
        endings=list(ENDINGS.items()),
    )
