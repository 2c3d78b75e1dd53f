"""Page: handing a reserved kit over. The person agrees to the scheme's terms by signing on
screen (a canvas, drawn with finger, pen or mouse by signature.js, sent as a PNG) or, for
anyone who cannot or would rather not draw, out loud in front of a named witness; safe-use and
safeguarding advice must both be given. The hand-over never depends on JavaScript."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.web.forms import Form, FormErrors
from api.web.guards import actor, api_for, done, form_of, viewer
from api.web.pages_device_shared import SCHEME, loan_of, loan_url, person_record
from api.web.render import page
from api.web.session import WebSession

router = APIRouter(include_in_schema=False)

HAND_OVER = "/app/devices/people/{person_id}/loans/{loan_id}/hand-over"
Officer = Annotated[WebSession, Depends(viewer("devices.loans"))]
Actor = Annotated[WebSession, Depends(actor("devices.loans"))]
AGREEMENTS = [
    ("signature", "They signed on screen"),
    ("witnessed_verbal", "They agreed out loud, in front of a witness"),
]
ADVICE = [
    ("safe_use_advice", "Safe-use advice given (passwords, scams, updates, looking after it)"),
    ("safeguarding_advice", "Safeguarding advice given (who to tell if something worries them)"),
]
# The API's words for what is missing, as the officer needs to hear them.
MESSAGES = {
    "signature_png": "Ask them to sign in the box, or choose a verbal agreement with a witness",
    "witness": "Enter the name of the person who witnessed the verbal agreement",
    "agreement": "Choose how they agreed to the terms",
    "advice": "Give both safe-use and safeguarding advice before handing over",
}


@router.get(HAND_OVER)
async def hand_over_form(
    request: Request, person_id: str, loan_id: str, session: Officer
) -> Response:
    today = datetime.now(UTC).date().isoformat()
    form = Form({"on": today}, {})
    return await _form(request, session, person_id, loan_id, form, FormErrors())


@router.post(HAND_OVER)
async def hand_over(request: Request, person_id: str, loan_id: str, session: Actor) -> Response:
    form = await form_of(request)
    advice = form.many("advice")
    body: dict[str, Any] = {
        **form.body("on", "agreement", "signature_png", "witness"),
        "safe_use_advice": "safe_use_advice" in advice,
        "safeguarding_advice": "safeguarding_advice" in advice,
    }
    api = api_for(request, session)
    path = f"{SCHEME}/loans/{loan_id}/hand-over"
    answer = await api.post(path, body, key=form.get("idempotency_key"))
    if answer.ok:
        message = "Kit handed over: the agreement and advice are recorded."
        return done(request, loan_url(person_id, loan_id), message, answer.position)
    errors = answer.errors({"safe_use_advice": "advice", "safeguarding_advice": "advice"})
    if answer.status == 422:  # the API names the first problem; show the others with it
        _also_missing(form, errors)
    for name, message in MESSAGES.items():
        if name in errors.fields and (name == "advice" or not form.get(name)):
            errors.fields[name] = message
    status = answer.form_status
    return await _form(request, session, person_id, loan_id, form, errors, status)


async def _form(
    request: Request,
    session: WebSession,
    person_id: str,
    loan_id: str,
    form: Form,
    errors: FormErrors,
    status: int = 200,
) -> Response:
    record = await person_record(api_for(request, session), person_id)
    return page(
        request,
        session,
        "devices/hand_over.html.j2",
        title="Hand the kit over",
        status=status,
        errors=errors,
        values=form.kept(),
        advice_given=form.many("advice"),
        record=record,
        loan=loan_of(record, loan_id),
        back=loan_url(person_id, loan_id),
        agreements=AGREEMENTS,
        advice=ADVICE,
    )


def _also_missing(form: Form, errors: FormErrors) -> None:
    agreement = form.get("agreement")
    if agreement == "signature" and not form.get("signature_png"):
        errors.add("signature_png", "")
    if agreement == "witnessed_verbal" and not form.get("witness"):
        errors.add("witness", "")
    if len(form.many("advice")) < len(ADVICE):
        errors.add("advice", "")
