"""Pages: a social worker's (or coordinator's) "make a referral" into Local Area Coordination,
for someone new or, when the API says the person is already known, for that person; and "my
referrals" with where each stands. The device scheme's form is in pages_refer_devices.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.web import pages_refer_devices
from api.web.forms import Form, FormErrors
from api.web.guards import actor, api_for, done, form_of, shown, viewer
from api.web.pages_referrals_common import (
    PROGRAMMES,
    SOURCES,
    TAGS,
    paging_of,
    person_body,
    reasons_of,
    refused,
    status_words,
)
from api.web.render import page
from api.web.session import WebSession, runtime_of

router = APIRouter(include_in_schema=False)

NEW = "/app/referrals/new"
MINE = "/app/referrals/mine"
Referrer = Annotated[WebSession, Depends(viewer("referral.make.lac"))]


@router.get(NEW)
async def new_referral(request: Request, session: Referrer) -> Response:
    return referral_form(request, session, FormErrors(), {"source": "social_worker"})


@router.post(NEW)
async def make_referral(
    request: Request, session: Annotated[WebSession, Depends(actor("referral.make.lac"))]
) -> Response:
    form = await form_of(request)
    errors = FormErrors()
    body = _lac_body(form, errors)
    answer = await api_for(request, session).post(
        "/referrals", body, key=form.get("idempotency_key")
    )
    if answer.ok:
        message = "Referral sent. It is waiting for the team to decide on it."
        return done(request, MINE, message, answer.position)
    return refused(request, session, form, answer, errors, referral_form)


def _lac_body(form: Form, errors: FormErrors) -> dict[str, Any]:
    body = form.body("source", "referrer")
    body["programme"] = "lac"
    reasons = reasons_of(form)
    if reasons:
        body["reasons"] = reasons
    if form.get("consent_to_share") in ("yes", "no"):
        body["consent_to_share"] = form.get("consent_to_share") == "yes"
    body.update(person_body(form, errors))
    return body


def referral_form(
    request: Request,
    session: WebSession,
    errors: FormErrors,
    values: dict[str, str],
    *,
    status: int = 200,
    existing: str | None = None,
) -> Response:
    return page(
        request,
        session,
        "referrals/new.html.j2",
        title="Make a referral",
        status=status,
        errors=errors,
        values=values,
        existing=existing,
        sources=SOURCES,
        districts=[(d, d) for d in runtime_of(request).settings.districts],
        may_refer_devices=pages_refer_devices.may_refer(session),
    )


@router.get(MINE)
async def my_referrals(
    request: Request,
    session: Referrer,
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
    after: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    answer = shown(
        await api_for(request, session).get(
            "/referrals/mine", page=page_number, page_size=20, min_position=after
        )
    )
    return page(
        request,
        session,
        "referrals/mine.html.j2",
        title="My referrals",
        referrals=answer.body["items"],
        paging=paging_of(answer, MINE, {}),
        programmes=PROGRAMMES,
        status_words=status_words,
        tags=TAGS,
        may_refer_devices=pages_refer_devices.may_refer(session),
    )


router.include_router(pages_refer_devices.router)
