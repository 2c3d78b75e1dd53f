"""Pages: opening (or reopening) an involvement, with the person's consent when none is
recorded, and pausing, resuming and closing it."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.web.forms import FormErrors
from api.web.guards import PageError, actor, api_for, form_of, viewer
from api.web.pages_person_common import answered, form_page, options, redo
from api.web.session import WebSession
from domain.codes import CloseReason, SupportLevel

router = APIRouter(include_in_schema=False)

Opener = Annotated[WebSession, Depends(viewer("casework.change"))]
Changer = Annotated[WebSession, Depends(actor("casework.change"))]
PEOPLE = "/app/people/{person_id}"
INVOLVEMENT = "/people/{person_id}/involvement"
OPEN = ("coordinator/involvement_open.html.j2", "Open an involvement")
PAUSE = ("coordinator/pause.html.j2", "Pause the involvement")
CLOSE = ("coordinator/close.html.j2", "Close the involvement")
CONSENT_HOW = [("verbal", "Yes, they said so (verbal)"), ("written", "Yes, in writing")]


async def _open_context(request: Request, session: WebSession, person_id: uuid.UUID) -> Any:
    """Whether consent to Local Area Coordination support is in force already."""
    answer = await api_for(request, session).get(f"/people/{person_id}/consents")
    consents = answer.body.get("consents", []) if answer.ok else []
    given = any(c["scope"] == "lac_support" and c["status"] == "given" for c in consents)
    return {"consent_given": given, "levels": options(SupportLevel), "consent_how": CONSENT_HOW}


@router.get(f"{PEOPLE}/involvement")
async def open_page(request: Request, person_id: uuid.UUID, session: Opener) -> Response:
    context = await _open_context(request, session, person_id)
    return await form_page(request, session, person_id, OPEN[0], title=OPEN[1], **context)


@router.post(f"{PEOPLE}/involvement")
async def open_involvement(request: Request, person_id: uuid.UUID, session: Changer) -> Response:
    form = await form_of(request)
    body = form.body("support_level", "consent.how", "consent.note")
    answer = await api_for(request, session).post(
        INVOLVEMENT.format(person_id=person_id), body, key=form.get("idempotency_key")
    )
    context = await _open_context(request, session, person_id)
    base = redo(request, session, person_id, *OPEN, **context)

    async def again(errors: FormErrors, values: dict[str, str], status: int) -> Response:
        if "needs consent" in (errors.summary or "").lower():
            errors.add("consent.how", "Say how the person agreed to Local Area Coordination")
            errors.summary = (
                "The person's consent to Local Area Coordination support is not recorded. "
                "Ask them, and say how they agreed."
            )
        return await base(errors, values, status)

    plain = {"support_level": "Choose the kind of support"}
    return await answered(
        request, person_id, answer, form, again, confirm="Involvement opened.", plain=plain
    )


@router.get(f"{PEOPLE}/pause")
async def pause_page(request: Request, person_id: uuid.UUID, session: Opener) -> Response:
    return await form_page(request, session, person_id, PAUSE[0], title=PAUSE[1])


@router.post(f"{PEOPLE}/pause")
async def pause(request: Request, person_id: uuid.UUID, session: Changer) -> Response:
    form = await form_of(request)
    answer = await api_for(request, session).post(
        INVOLVEMENT.format(person_id=person_id) + "/pause",
        form.body("note"),
        key=form.get("idempotency_key"),
    )
    again = redo(request, session, person_id, *PAUSE)
    return await answered(request, person_id, answer, form, again, confirm="Involvement paused.")


@router.post(f"{PEOPLE}/resume")
async def resume(request: Request, person_id: uuid.UUID, session: Changer) -> Response:
    form = await form_of(request)
    answer = await api_for(request, session).post(
        INVOLVEMENT.format(person_id=person_id) + "/resume", {}, key=form.get("idempotency_key")
    )

    async def again(errors: FormErrors, values: dict[str, str], status: int) -> Response:
        raise PageError(status, errors.summary or "The involvement could not be resumed.")

    return await answered(request, person_id, answer, form, again, confirm="Involvement resumed.")


@router.get(f"{PEOPLE}/close")
async def close_page(request: Request, person_id: uuid.UUID, session: Opener) -> Response:
    return await form_page(
        request, session, person_id, CLOSE[0], title=CLOSE[1], reasons=options(CloseReason)
    )


@router.post(f"{PEOPLE}/close")
async def close(request: Request, person_id: uuid.UUID, session: Changer) -> Response:
    form = await form_of(request)
    answer = await api_for(request, session).post(
        INVOLVEMENT.format(person_id=person_id) + "/close",
        form.body("reason", "note"),
        key=form.get("idempotency_key"),
    )
    again = redo(request, session, person_id, *CLOSE, reasons=options(CloseReason))
    plain = {"reason": "Choose why it is closing"}
    return await answered(
        request, person_id, answer, form, again, confirm="Involvement closed.", plain=plain
    )
