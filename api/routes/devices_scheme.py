"""The device scheme year: open it, set its budget, refer people into it, let them leave.

Only a social worker refers (as part of a care and support plan); the device officer or an
administrator manages the scheme year. Beyond capacity a referral joins the waiting list.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import fields
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse

from api.accounts import User
from api.auditing import Audit
from api.commands import execute, existing
from api.deps import RuntimeDep, ensure, require
from api.schemas import Recorded
from api.schemas_devices import (
    BudgetSet,
    Leave,
    LeaveRecorded,
    PlaceRecorded,
    SchemeOpen,
    SchemeReferral,
)
from domain.application import Recorded as DomainRecorded
from domain.device_codes import Recipient
from domain.errors import InvalidField
from domain.person import PersonDetails
from domain.reference import check_text
from domain.referral import check_reasons
from domain.scheme import Scheme, scheme_id
from workers.runtime import Runtime

router = APIRouter(prefix="/device-scheme", tags=["device scheme"])

Manager = Annotated[User, Depends(require("devices.scheme.manage"))]
Referrer = Annotated[User, Depends(require("devices.refer"))]
Year = Annotated[str, Path(min_length=1, max_length=20, examples=["2021-22"])]
PERSON_FIELDS = frozenset(f.name for f in fields(PersonDetails))


@router.post("", status_code=201, response_model=Recorded)
def open_scheme(
    body: SchemeOpen, request: Request, runtime: RuntimeDep, user: Manager
) -> JSONResponse:
    """Open a scheme year with its dates, capacity (default 300 people) and budget lines;
    409 if that year is already open."""
    options: dict[str, Any] = {"capacity": body.capacity}
    if body.budget is not None:
        options["budget"] = body.budget.lines()
    if body.support_hourly_rate is not None:
        options["support_hourly_rate"] = body.support_hourly_rate
    if body.setup_cost_per_device is not None:
        options["setup_cost"] = body.setup_cost_per_device
    return execute(
        request,
        runtime,
        user,
        body,
        lambda _: runtime.app.open_scheme(
            body.year, body.starts_on, body.ends_on, user.id, **options
        ),
        status_code=201,
    )


@router.put("/{year}/budget", response_model=Recorded)
def set_budget(
    year: Year, body: BudgetSet, request: Request, runtime: RuntimeDep, user: Manager
) -> JSONResponse:
    """Replace the year's budget lines, support hourly rate and set-up cost per device."""

    def command(_: uuid.UUID | None) -> DomainRecorded:
        scheme = runtime.app.get_scheme(year)
        scheme.set_budget(
            body.budget.lines(), body.support_hourly_rate, body.setup_cost_per_device, user.id
        )
        recordings = runtime.app.save(scheme)
        position = max((r.notification.id for r in recordings), default=None)
        return DomainRecorded(scheme.id, scheme.version, position or runtime.app.log_position())

    return execute(request, runtime, user, body, command)


@router.post("/{year}/referrals", status_code=201, response_model=PlaceRecorded)
def refer(
    year: Year,
    body: SchemeReferral,
    request: Request,
    runtime: RuntimeDep,
    user: Referrer,
    audit: Audit,
) -> JSONResponse:
    """Refer someone known (`person_id`) or someone new (`person`, registered in the same
    call). The answer's `place` is `enrolled`, or `waiting` once the scheme is full."""
    if body.person is not None:
        ensure(user, "person.register")
    answer: dict[str, object] = {}

    def command(new_id: uuid.UUID | None) -> DomainRecorded:
        found = existing(runtime, new_id)
        if found is not None:  # an earlier attempt under this key got as far as saving
            person_id = runtime.app.get_referral(found.id).person_id
            place = runtime.app.get_scheme(year).places[person_id]
            answer.update(person_id=str(person_id), place=place.value)
            return found
        person_id = body.person_id or _registered(runtime, user, year, body, new_id)
        recorded, place = runtime.app.refer_to_scheme(
            year,
            person_id,
            body.care_plan_ref,
            body.need,
            body.recipient,
            body.plan.by_kind(),
            body.reasons,
            user.id,
            cares_for_id=body.cares_for_id,
            referral_id=new_id,
        )
        answer.update(person_id=str(person_id), place=place.value)
        return recorded

    done = execute(request, runtime, user, body, command, status_code=201, extra=lambda _: answer)
    return audit.changed(done, "device_referral")  # the answer names the person


def _registered(
    runtime: Runtime, user: User, year: str, body: SchemeReferral, new_id: uuid.UUID | None
) -> uuid.UUID:
    """Register the new person, after checking everything the referral will check, so that
    a refused referral leaves nobody registered. (Two saves: the domain has no single command
    that registers and refers to the scheme.) A retry under the same key finds the person
    an earlier attempt registered and goes on to refer them."""
    assert body.person is not None
    person_id = uuid.uuid5(new_id, "person") if new_id else uuid.uuid4()
    if person_id in runtime.app.repository:
        return person_id
    scheme = runtime.app.get_scheme(year)
    today = datetime.now(UTC).date()
    try:
        details = body.person.details().checked(runtime.app.districts, today)
    except InvalidField as error:
        if error.field in PERSON_FIELDS:
            raise InvalidField(f"person.{error.field}", error.message) from None
        raise
    _check_referral(runtime, scheme, body, details, today)
    runtime.app.register_person(
        body.person.details(),
        user.id,
        person_id=person_id,
        occurred_at=body.person.occurred_at,
    )
    return person_id


def _check_referral(
    runtime: Runtime, scheme: Scheme, body: SchemeReferral, details: PersonDetails, today: date
) -> None:
    """What refer_to_scheme checks, for a person not registered yet."""
    if not scheme.starts_on <= today <= scheme.ends_on:
        raise InvalidField("on", f"the scheme runs {scheme.starts_on} to {scheme.ends_on}")
    check_text("care_plan_ref", body.care_plan_ref, 60)
    check_reasons(body.reasons)
    if body.recipient is not Recipient.CARER:
        return
    if body.cares_for_id is None:
        raise InvalidField("cares_for_id", "a carer is referred with the person they care for")
    cared_for = runtime.app.get_person(body.cares_for_id)
    home = cared_for.personal or {}
    if (details.postcode, details.address) != (home.get("postcode"), home.get("address")):
        raise InvalidField("cares_for_id", "the carer must live at the same address")


@router.post("/{year}/people/{person_id}/leave", response_model=LeaveRecorded)
def leave(
    year: Year,
    person_id: uuid.UUID,
    body: Leave,
    request: Request,
    runtime: RuntimeDep,
    user: Manager,
    audit: Audit,
) -> JSONResponse:
    """The person leaves the scheme; the first person waiting takes the freed place
    (`place_taken_by`). 422 if the person holds no place."""
    answer: dict[str, object] = {}

    def command(_: uuid.UUID | None) -> DomainRecorded:
        recorded = runtime.app.leave_scheme(year, person_id, body.reason, user.id)
        last = list(runtime.app.events.get(scheme_id(year), gt=recorded.version - 1))
        taken = [e for e in last if isinstance(e, Scheme.PlaceTaken)]
        answer["place_taken_by"] = str(taken[0].person_id) if taken else None
        return recorded

    done = execute(request, runtime, user, body, command, extra=lambda _: answer)
    if taken := json.loads(bytes(done.body)).get("place_taken_by"):  # their place changed too
        audit.changed(done, "place", uuid.UUID(taken), record_id=uuid.UUID(taken))
    return audit.changed(done, "place", person_id, record_id=person_id)
