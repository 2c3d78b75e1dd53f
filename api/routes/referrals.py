"""Referrals: make one, decide it (accept, decline, redirect), close it, and the inboxes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import fields
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse

from api.accounts import User, get_user
from api.auditing import Audit, Auditor
from api.commands import execute, existing
from api.deps import Caught_up, CurrentUser, RuntimeDep, ensure, require
from api.roles import Role, allowed
from api.schemas import (
    Accept,
    Close,
    Decline,
    Recorded,
    Redirect,
    ReferralCreate,
    ReferralRead,
    ReferralsPage,
)
from domain.application import Recorded as DomainRecorded
from domain.errors import InvalidField, RecordNotFound
from domain.person import PersonDetails
from domain.reference import Programme, ReferralSource, ReferralStatus
from domain.referral import Referral
from projections import queries
from workers.runtime import Runtime

router = APIRouter(prefix="/referrals", tags=["referrals"])

ASSIGNEE_ROLE = {Programme.LAC: Role.COORDINATOR, Programme.DEVICES: Role.DEVICE_OFFICER}


@router.post("", status_code=201, response_model=Recorded)
def make_referral(
    body: ReferralCreate, request: Request, runtime: RuntimeDep, user: CurrentUser, audit: Audit
) -> JSONResponse:
    """Refer someone known (`person_id`) or someone new (`person`) into a programme."""
    ensure(user, f"referral.make.{body.programme.value}")
    if body.person is not None:
        ensure(user, "person.register")

    referred: dict[str, object] = {}

    def command(new_id: uuid.UUID | None) -> DomainRecorded:
        found = existing(runtime, new_id)
        if found is not None:
            referred["person_id"] = str(runtime.app.get_referral(found.id).person_id)
            return found
        if body.person is None:
            assert body.person_id is not None
            referred["person_id"] = str(body.person_id)
            return runtime.app.make_referral(
                body.person_id,
                body.programme,
                body.source,
                body.referrer,
                body.reasons,
                body.consent_to_share,
                user.id,
                referral_id=new_id,
                occurred_at=body.occurred_at,
            )
        person_id = uuid.uuid5(new_id, "person") if new_id else None
        try:
            person, referral = runtime.app.register_and_refer(
                body.person.details(),
                body.programme,
                body.source,
                body.referrer,
                body.reasons,
                body.consent_to_share,
                user.id,
                person_id=person_id,
                referral_id=new_id,
                occurred_at=body.occurred_at or body.person.occurred_at,
            )
        except InvalidField as error:
            raise _in_person(error) from None
        referred["person_id"] = str(person.id)
        return referral

    done = execute(request, runtime, user, body, command, status_code=201, extra=lambda _: referred)
    return audit.changed(done, "referral")


@router.get("/inbox", response_model=ReferralsPage, dependencies=[Caught_up])
def referral_inbox(
    runtime: RuntimeDep,
    user: CurrentUser,
    audit: Audit,
    programme: Programme = Programme.LAC,
    status_: Annotated[
        list[ReferralStatus] | None, Query(alias="status", description="Default: received")
    ] = None,
    source: ReferralSource | None = None,
    district: Annotated[str | None, Query(max_length=60)] = None,
    coordinator_id: uuid.UUID | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ReferralsPage:
    """A programme's referrals, oldest first; by default those still awaiting a decision."""
    ensure(user, f"inbox.{programme.value}")
    if programme is Programme.LAC and user.district is not None:
        if district not in (None, user.district):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"your team's inbox is {user.district}'s"
            )
        district = user.district
    rows, total = queries.inbox(
        runtime.engine,
        programme=programme.value,
        statuses=[s.value for s in (status_ or [ReferralStatus.RECEIVED])],
        source=source.value if source else None,
        district=district,
        coordinator_id=coordinator_id,
        paging=queries.Paging(page, page_size),
    )
    audit.listed("referral", ((r["id"], r["person_id"]) for r in rows))
    return ReferralsPage(
        items=[ReferralRead(**r) for r in rows], total=total, page=page, page_size=page_size
    )


@router.get("/mine", response_model=ReferralsPage, dependencies=[Caught_up])
def my_referrals(
    runtime: RuntimeDep,
    user: Annotated[User, Depends(require("referral.read"))],
    audit: Audit,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> ReferralsPage:
    """The referrals you made, newest first, with where each one stands."""
    rows, total = queries.referrals_made_by(
        runtime.engine, user.id, queries.Paging(page, page_size)
    )
    audit.listed("referral", ((r["id"], r["person_id"]) for r in rows))
    return ReferralsPage(
        items=[ReferralRead(**r) for r in rows], total=total, page=page, page_size=page_size
    )


@router.get("/{referral_id}", response_model=ReferralRead, dependencies=[Caught_up])
def read_referral(
    referral_id: uuid.UUID,
    runtime: RuntimeDep,
    user: Annotated[User, Depends(require("referral.read"))],
    audit: Audit,
) -> ReferralRead:
    row = queries.referral(runtime.engine, referral_id)
    if row is None or not _may_see(user, row):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no referral with id {referral_id}")
    audit.read("referral", referral_id, row["person_id"])
    return ReferralRead(**row)


PERSON_FIELDS = frozenset(f.name for f in fields(PersonDetails))


def _in_person(error: InvalidField) -> InvalidField:
    """A person's field error, located inside `person` in the referral body."""
    if error.field in PERSON_FIELDS:
        return InvalidField(f"person.{error.field}", error.message)
    return error


def _may_see(user: User, row: dict[str, Any]) -> bool:
    """Social workers see the referrals they made; officers see their own programme's."""
    if user.role is Role.SOCIAL_WORKER:
        return bool(row["referred_by"] == user.id)
    if user.role is Role.DEVICE_OFFICER:
        return bool(row["programme"] == Programme.DEVICES.value)
    in_team = user.district is None or row["district"] == user.district
    return bool(row["programme"] == Programme.LAC.value and in_team)


def _may_decide(user: User, runtime: Runtime) -> Callable[[Referral], None]:
    """Checks, on the referral as loaded for the step, that the user decides its programme
    and, for a coordinator with a team district, that the person lives in that district.

    A role that decides no programme at all is refused before anything is loaded, so that
    the answer (403 or 404) never tells it whether a referral exists; a referral outside the
    team district answers 404 like an unknown one.
    """
    if not any(allowed(user.role, f"referral.decide.{p.value}") for p in Programme):
        ensure(user, "referral.decide")

    def check(referral: Referral) -> None:
        ensure(user, f"referral.decide.{referral.programme.value}")
        lac = referral.programme is Programme.LAC
        if lac and user.district is not None and _district_of(runtime, referral) != user.district:
            raise RecordNotFound("referral", referral.id)

    return check


def _district_of(runtime: Runtime, referral: Referral) -> str:
    return str(runtime.app.get_person(referral.person_id).analytic["district"])


def _decided(
    audit: Auditor, runtime: Runtime, referral_id: uuid.UUID, response: JSONResponse
) -> JSONResponse:
    """Record a step taken on a referral, against the person it is about."""
    return audit.changed(response, "referral", runtime.app.get_referral(referral_id).person_id)


@router.post("/{referral_id}/accept", response_model=Recorded)
def accept_referral(
    referral_id: uuid.UUID,
    body: Accept,
    request: Request,
    runtime: RuntimeDep,
    user: CurrentUser,
    audit: Audit,
) -> JSONResponse:
    """Accept and assign; 409 if it was already decided (by you or someone else)."""
    assignee = body.coordinator_id or user.id

    may_decide = _may_decide(user, runtime)

    def check(referral: Referral) -> None:
        may_decide(referral)
        role = ASSIGNEE_ROLE[referral.programme]
        found = user if assignee == user.id else get_user(runtime.engine, assignee)
        if found is None or not found.active or found.role is not role:
            raise InvalidField(
                "coordinator_id", f"must be an active {role.value.replace('_', ' ')}"
            )
        if referral.programme is Programme.LAC and found.district is not None:
            district = _district_of(runtime, referral)
            if found.district != district:
                raise InvalidField("coordinator_id", f"must be a coordinator for {district}")

    done = execute(
        request,
        runtime,
        user,
        body,
        lambda _: runtime.app.accept_referral(
            referral_id, assignee, user.id, body.occurred_at, authorise=check
        ),
    )
    return _decided(audit, runtime, referral_id, done)


@router.post("/{referral_id}/decline", response_model=Recorded)
def decline_referral(
    referral_id: uuid.UUID,
    body: Decline,
    request: Request,
    runtime: RuntimeDep,
    user: CurrentUser,
    audit: Audit,
) -> JSONResponse:
    done = execute(
        request,
        runtime,
        user,
        body,
        lambda _: runtime.app.decline_referral(
            referral_id,
            body.reason,
            user.id,
            body.occurred_at,
            authorise=_may_decide(user, runtime),
        ),
    )
    return _decided(audit, runtime, referral_id, done)


@router.post("/{referral_id}/redirect", response_model=Recorded)
def redirect_referral(
    referral_id: uuid.UUID,
    body: Redirect,
    request: Request,
    runtime: RuntimeDep,
    user: CurrentUser,
    audit: Audit,
) -> JSONResponse:
    done = execute(
        request,
        runtime,
        user,
        body,
        lambda _: runtime.app.redirect_referral(
            referral_id,
            body.redirected_to,
            body.note,
            user.id,
            body.occurred_at,
            authorise=_may_decide(user, runtime),
        ),
    )
    return _decided(audit, runtime, referral_id, done)


@router.post("/{referral_id}/close", response_model=Recorded)
def close_referral(
    referral_id: uuid.UUID,
    body: Close,
    request: Request,
    runtime: RuntimeDep,
    user: CurrentUser,
    audit: Audit,
) -> JSONResponse:
    done = execute(
        request,
        runtime,
        user,
        body,
        lambda _: runtime.app.close_referral(
            referral_id, body.note, user.id, body.occurred_at, authorise=_may_decide(user, runtime)
        ),
    )
    return _decided(audit, runtime, referral_id, done)
