"""Pages: a social worker refers someone into the digital device lending and gifting scheme,
as part of their care and support plan (the scheme year's referral API, which gives them a
place or a place on the waiting list). A carer is referred with the person they care for,
found by that person's NHS number."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.roles import allowed
from api.web.client import Answer, Api
from api.web.forms import Form, FormErrors
from api.web.guards import actor, api_for, done, form_of, viewer
from api.web.pages_referrals_common import person_body, reasons_of, refused
from api.web.render import page
from api.web.session import WebSession, runtime_of

router = APIRouter(include_in_schema=False)

DEVICES = "/app/referrals/new/devices"
NEEDS = (
    ("digital_exclusion", "Digitally excluded: no device or connection of their own"),
    ("access_to_support_affected_by_covid", "Their access to support was affected by Covid-19"),
    ("carer_support", "A carer, to prevent carer breakdown"),
)
RECIPIENTS = (("vulnerable_adult", "The person themselves"), ("carer", "A carer"))
PROVISIONS = (("loan", "Lent"), ("gift", "Gifted"))
EXTRAS = (("sim", "4G SIM card"), ("charger", "Charger"), ("case", "Case"))


def may_refer(session: WebSession) -> bool:
    return allowed(session.user.role, "devices.refer")


def scheme_year(today: date) -> str:
    """The financial year (April to March) as the scheme names it: 2026-27."""
    start = today.year if today.month >= 4 else today.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


@router.get(DEVICES)
async def device_referral_form(
    request: Request, session: Annotated[WebSession, Depends(viewer("devices.refer"))]
) -> Response:
    values = {"year": scheme_year(date.today()), "recipient": "vulnerable_adult"}
    return device_form(request, session, FormErrors(), values)


@router.post(DEVICES)
async def refer_to_devices(
    request: Request, session: Annotated[WebSession, Depends(actor("devices.refer"))]
) -> Response:
    form = await form_of(request)
    errors = FormErrors()
    api = api_for(request, session)
    body = await _scheme_body(api, form, errors)
    year = form.get("year") or "-"
    answer = await api.post(
        f"/device-scheme/{year}/referrals", body, key=form.get("idempotency_key")
    )
    if answer.ok:
        return done(request, "/app/referrals/mine", _placed(answer), answer.position)
    if answer.status == 404 and "device scheme" in answer.detail():
        errors.add("year", "There is no device scheme open for that year")
        values = form.kept()
        return device_form(request, session, errors, values, status=422)
    return refused(request, session, form, answer, errors, device_form)


def _placed(answer: Answer) -> str:
    if answer.body.get("place") == "waiting":
        return "Referral sent. The scheme is full, so the person is on the waiting list."
    return "Referral sent. The person has a place on the device scheme."


async def _scheme_body(api: Api, form: Form, errors: FormErrors) -> dict[str, Any]:
    body = form.body("care_plan_ref", "need", "recipient")
    plan = form.body("plan.tablet", *(f"plan.{kind}" for kind, _ in EXTRAS)).get("plan")
    body["plan"] = plan or {}
    reasons = reasons_of(form)
    if reasons:
        body["reasons"] = reasons
    if form.get("recipient") == "carer":
        cared_for = await _cared_for(api, form.get("cares_for_nhs_number"), errors)
        if cared_for:
            body["cares_for_id"] = cared_for
    body.update(person_body(form, errors))
    return body


async def _cared_for(api: Api, nhs_number: str, errors: FormErrors) -> str | None:
    """The person a carer cares for, by their NHS number (already registered)."""
    if not nhs_number:
        errors.add("cares_for_nhs_number", "Enter the NHS number of the person they care for")
        return None
    found = await api.get("/people", nhs_number=nhs_number, page_size=1)
    if found.ok and found.body["items"]:
        return str(found.body["items"][0]["id"])
    errors.add(
        "cares_for_nhs_number",
        "No one with this NHS number is known: refer the person cared for first",
    )
    return None


def device_form(
    request: Request,
    session: WebSession,
    errors: FormErrors,
    values: dict[str, str],
    *,
    status: int = 200,
    existing: str | None = None,
) -> Response:
    if "cares_for_id" in errors.fields:
        errors.add("cares_for_nhs_number", errors.fields.pop("cares_for_id"))
    return page(
        request,
        session,
        "referrals/devices.html.j2",
        title="Refer to the device scheme",
        status=status,
        errors=errors,
        values=values,
        existing=existing,
        districts=[(d, d) for d in runtime_of(request).settings.districts],
        needs=NEEDS,
        recipients=RECIPIENTS,
        provisions=PROVISIONS,
        extras=EXTRAS,
    )
