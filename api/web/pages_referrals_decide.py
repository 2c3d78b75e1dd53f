"""Forms: accept (and assign), decline or redirect a referral. The API decides who may decide
which programme's referrals (a 403 or 404 is shown as such); field errors come back beside
the fields of the form that was sent, with what was typed."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.web.forms import Form
from api.web.guards import PageError, actor, api_for, done, form_of
from api.web.pages_referrals_common import referral_errors
from api.web.pages_referrals_detail import show_referral
from api.web.session import WebSession

router = APIRouter(include_in_schema=False)

Decider = Annotated[WebSession, Depends(actor("referral.read"))]


@router.post("/app/referrals/{referral_id:uuid}/accept")
async def accept(request: Request, referral_id: uuid.UUID, session: Decider) -> Response:
    form = await form_of(request)
    body = form.body("coordinator_id")
    return await _decide(request, session, referral_id, "accept", form, body)


@router.post("/app/referrals/{referral_id:uuid}/decline")
async def decline(request: Request, referral_id: uuid.UUID, session: Decider) -> Response:
    form = await form_of(request)
    return await _decide(request, session, referral_id, "decline", form, form.body("reason"))


@router.post("/app/referrals/{referral_id:uuid}/redirect")
async def redirect(request: Request, referral_id: uuid.UUID, session: Decider) -> Response:
    form = await form_of(request)
    body = form.body("redirected_to", "note")
    return await _decide(request, session, referral_id, "redirect", form, body)


DONE = {
    "accept": "Referral accepted and assigned.",
    "decline": "Referral declined.",
    "redirect": "Referral redirected.",
}


async def _decide(
    request: Request,
    session: WebSession,
    referral_id: uuid.UUID,
    step: str,
    form: Form,
    body: dict[str, Any],
) -> Response:
    answer = await api_for(request, session).post(
        f"/referrals/{referral_id}/{step}", body, key=form.get("idempotency_key")
    )
    if answer.ok:
        return done(request, f"/app/referrals/{referral_id}", DONE[step], answer.position)
    if answer.status in (403, 404):
        raise PageError(answer.status, referral_errors(answer).summary or "")
    errors = referral_errors(answer)
    values = {**form.kept(), "step": step}
    return await show_referral(
        request, session, referral_id, errors=errors, values=values, status=answer.status
    )
