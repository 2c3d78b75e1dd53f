"""A person's consents (record, withdraw, read) and sharing with their GP.

Who may record, withdraw and read which consent, and for whom:
- coordinators: Local Area Coordination support and sharing with health, for people within
  their casework scope (their caseload and their team's district);
- social workers: any consent, for people they referred;
- device officers: the device scheme's terms, for people referred to the device scheme.
A person outside the caller's reach answers 404 exactly as an unknown person does; a consent
outside the caller's role answers 403 before anything is looked up. Notes are shown to
coordinators only. Sharing with the GP is for coordinators, within scope, under consent to
share with health (else 409 naming the consent).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import JSONResponse

from api.accounts import User, list_users
from api.auditing import Audit
from api.commands import execute
from api.deps import Caught_up, RuntimeDep, require
from api.roles import Role
from api.schemas import Recorded
from api.schemas_consent import (
    ConsentCreate,
    ConsentEntry,
    ConsentsRead,
    ConsentStatus,
    ConsentWithdraw,
    HealthShareCreate,
    HealthShareRead,
    HealthShareRecorded,
    SharedOutcomeRead,
)
from api.scope import check_casework_scope
from domain.application import Recorded as DomainRecorded
from domain.consent import ConsentScope, HealthShare
from domain.errors import RecordNotFound
from domain.person import Person
from domain.reference import Programme
from projections import queries
from workers.runtime import Runtime

router = APIRouter(prefix="/people", tags=["consent"])

Recorder = Annotated[User, Depends(require("consent.record"))]
Reader = Annotated[User, Depends(require("consent.read"))]
Sharer = Annotated[User, Depends(require("health.share"))]
LAC, HEALTH, TERMS = (
    ConsentScope.LAC_SUPPORT,
    ConsentScope.HEALTH_SHARING,
    ConsentScope.DEVICE_TERMS,
)
SCOPES_FOR: dict[Role, tuple[ConsentScope, ...]] = {
    Role.COORDINATOR: (LAC, HEALTH),
    Role.SOCIAL_WORKER: (LAC, HEALTH, TERMS),
    Role.DEVICE_OFFICER: (TERMS,),
}


def _may_handle(user: User, scope: ConsentScope, action: str) -> None:
    if scope not in SCOPES_FOR.get(user.role, ()):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"your role ({user.role.value}) may not do this ({action} for {scope.value})",
        )


def _check_person(runtime: Runtime, user: User, person_id: uuid.UUID) -> None:
    """404, as for an unknown person, unless the person is within the caller's reach."""
    if user.role is Role.COORDINATOR:
        check_casework_scope(runtime, user, person_id)
        return
    app = runtime.app
    referrals = [app.get_referral(r) for r in queries.referral_ids_for(runtime.engine, person_id)]
    if user.role is Role.SOCIAL_WORKER:
        reached = any(r.referred_by == user.id for r in referrals)
    else:
        reached = any(r.programme is Programme.DEVICES for r in referrals)
    if not reached:
        raise RecordNotFound("person", person_id)


@router.post(
    "/{person_id}/consents", status_code=201, response_model=Recorded, dependencies=[Caught_up]
)
def record_consent(
    person_id: uuid.UUID,
    body: ConsentCreate,
    request: Request,
    runtime: RuntimeDep,
    user: Recorder,
    audit: Audit,
) -> JSONResponse:
    """Record consent given: again after a withdrawal, or renewed (e.g. in writing after a
    verbal yes); the history keeps every one."""
    _may_handle(user, body.scope, "consent.record")
    _check_person(runtime, user, person_id)
    done = execute(
        request,
        runtime,
        user,
        body,
        lambda _: runtime.app.record_consent(
            person_id, body.scope, body.how, body.given_on, user.id, body.note
        ),
        status_code=201,
    )
    return audit.changed(done, "consent", person_id)


@router.post(
    "/{person_id}/consents/{scope}/withdraw", response_model=Recorded, dependencies=[Caught_up]
)
def withdraw_consent(
    person_id: uuid.UUID,
    scope: ConsentScope,
    body: ConsentWithdraw,
    request: Request,
    runtime: RuntimeDep,
    user: Recorder,
    audit: Audit,
) -> JSONResponse:
    """Record that the person withdrew a consent; 409 if it is not in force. What needs it is
    refused from then on; ending the support (closing the involvement, ending a loan) is not."""
    _may_handle(user, scope, "consent.record")
    _check_person(runtime, user, person_id)
    done = execute(
        request,
        runtime,
        user,
        body,
        lambda _: runtime.app.withdraw_consent(person_id, scope, body.on, user.id, body.note),
    )
    return audit.changed(done, "consent", person_id)


@router.get("/{person_id}/consents", response_model=ConsentsRead, dependencies=[Caught_up])
def read_consents(
    person_id: uuid.UUID, runtime: RuntimeDep, user: Reader, audit: Audit
) -> ConsentsRead:
    """The consents you may see, as they stand and as they were given and withdrawn."""
    _check_person(runtime, user, person_id)
    app = runtime.app
    person = app.get_person(person_id)
    scopes = SCOPES_FOR.get(user.role, ())
    coordinator = user.role is Role.COORDINATOR
    names = {u.id: u.full_name for u in list_users(runtime.engine)}
    history = [
        _entry(e, names, coordinator)
        for e in app.history(person_id)
        if isinstance(e, Person.ConsentGiven | Person.ConsentWithdrawn)
        and ConsentScope(e.scope) in scopes
    ]
    shares = app.health_shares(person_id) if coordinator else []
    audit.read("consent", person_id, person_id)
    return ConsentsRead(
        person_id=person_id,
        consents=[_status(person, scope) for scope in scopes],
        history=history,
        shared_with_health=[_share(s) for s in shares],
    )


@router.post(
    "/{person_id}/share-with-gp",
    status_code=201,
    response_model=HealthShareRecorded,
    dependencies=[Caught_up],
)
def share_with_gp(
    person_id: uuid.UUID,
    body: HealthShareCreate,
    request: Request,
    runtime: RuntimeDep,
    user: Sharer,
    audit: Audit,
) -> JSONResponse:
    """Record what is shared with the person's GP practice (a short summary and, if any, the
    outcomes it reports) and answer with it; 409 without consent to share with health."""
    check_casework_scope(runtime, user, person_id)
    app = runtime.app

    def command(new_id: uuid.UUID | None) -> DomainRecorded:
        if new_id is not None and app.health_share(person_id, new_id) is not None:
            return DomainRecorded(new_id, app.get_person(person_id).version, app.log_position())
        return app.share_with_health(
            person_id, body.practice, body.summary, body.outcome_ids, user.id, share_id=new_id
        )

    def shared(recorded: DomainRecorded) -> dict[str, object]:
        found = app.health_share(person_id, recorded.id)
        assert found is not None
        return {"shared": _share(found).model_dump(mode="json")}

    done = execute(request, runtime, user, body, command, status_code=201, extra=shared)
    return audit.changed(done, "health_share", person_id)


def _status(person: Person, scope: ConsentScope) -> ConsentStatus:
    found = person.consents.get(scope)
    if found is None:
        return ConsentStatus(
            scope=scope,
            label=scope.label,
            status="not_recorded",
            how=None,
            given_on=None,
            withdrawn_on=None,
        )
    return ConsentStatus(
        scope=scope,
        label=scope.label,
        status="given" if found.given else "withdrawn",
        how=found.how,
        given_on=found.given_on,
        withdrawn_on=found.withdrawn_on,
    )


def _entry(e: Any, names: dict[uuid.UUID, str], with_note: bool) -> ConsentEntry:
    given = isinstance(e, Person.ConsentGiven)
    return ConsentEntry(
        change="given" if given else "withdrawn",
        scope=ConsentScope(e.scope),
        how=e.how if given else None,
        on=e.given_on if given else e.on,
        note=e.note if with_note else None,
        recorded_at=e.occurred_at,
        recorded_by=e.actor_id,
        recorded_by_name=names.get(e.actor_id),
    )


def _share(share: HealthShare) -> HealthShareRead:
    return HealthShareRead(
        share_id=share.id,
        practice=share.practice,
        summary=share.summary,
        outcomes=[SharedOutcomeRead(**vars(o)) for o in share.outcomes],
        shared_at=share.shared_at,
        shared_by=share.actor_id,
    )
