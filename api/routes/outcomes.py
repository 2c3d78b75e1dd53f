"""Coded outcomes and wellbeing measures, recorded on (and withdrawn from) an involvement.

Each needs `casework.change` and the person in scope; a person with no involvement is 409.
Withdrawing keeps the record in the history with the reason; it drops out of the figures.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.auditing import Audit
from api.commands import execute
from api.deps import RuntimeDep
from api.routes.involvements import Caseworker, already_recorded, unknown_in_path
from api.schemas import Recorded
from api.schemas_casework import MeasureCreate, OutcomeCreate, Withdraw
from api.scope import check_casework_scope
from domain.application import Recorded as DomainRecorded

router = APIRouter(prefix="/people", tags=["outcomes"])


@router.post("/{person_id}/outcomes", status_code=201, response_model=Recorded)
def record_outcome(
    person_id: uuid.UUID,
    body: OutcomeCreate,
    request: Request,
    runtime: RuntimeDep,
    user: Caseworker,
    audit: Audit,
) -> JSONResponse:
    """A coded outcome with its date and evidence; answers with the outcome's id."""
    check_casework_scope(runtime, user, person_id)

    def command(new_id: uuid.UUID | None) -> DomainRecorded:
        return already_recorded(
            runtime, person_id, new_id, lambda i: i.outcomes
        ) or runtime.app.record_outcome(person_id, body.record(), user.id, outcome_id=new_id)

    done = execute(request, runtime, user, body, command, status_code=201)
    return audit.changed(done, "outcome", person_id)


@router.post("/{person_id}/outcomes/{outcome_id}/withdraw", response_model=Recorded)
def withdraw_outcome(
    person_id: uuid.UUID,
    outcome_id: uuid.UUID,
    body: Withdraw,
    request: Request,
    runtime: RuntimeDep,
    user: Caseworker,
    audit: Audit,
) -> JSONResponse:
    """Withdraw an outcome recorded in error; 404 for an unknown (or withdrawn) outcome."""
    check_casework_scope(runtime, user, person_id)
    with unknown_in_path("outcome_id", "outcome", outcome_id):
        done = execute(
            request,
            runtime,
            user,
            body,
            lambda _: runtime.app.change_involvement(
                person_id,
                lambda i, when: i.withdraw_outcome(outcome_id, body.reason, user.id, when),
            ),
        )
    return audit.changed(done, "outcome", person_id, record_id=outcome_id)


@router.post("/{person_id}/measures", status_code=201, response_model=Recorded)
def record_measure(
    person_id: uuid.UUID,
    body: MeasureCreate,
    request: Request,
    runtime: RuntimeDep,
    user: Caseworker,
    audit: Audit,
) -> JSONResponse:
    """A wellbeing measure (baseline first, then follow-ups); answers with the measure's id.

    Scores are derived from the items, never typed in; an item out of range is a 422 whose
    `loc` names the item (1-based, e.g. `["body", "items", "3"]`).
    """
    check_casework_scope(runtime, user, person_id)

    def command(new_id: uuid.UUID | None) -> DomainRecorded:
        return already_recorded(
            runtime, person_id, new_id, lambda i: i.measures
        ) or runtime.app.record_measure(
            person_id,
            body.instrument,
            body.occasion,
            body.taken_on,
            body.items,
            user.id,
            measure_id=new_id,
        )

    done = execute(request, runtime, user, body, command, status_code=201)
    return audit.changed(done, "measure", person_id)


@router.post("/{person_id}/measures/{measure_id}/withdraw", response_model=Recorded)
def withdraw_measure(
    person_id: uuid.UUID,
    measure_id: uuid.UUID,
    body: Withdraw,
    request: Request,
    runtime: RuntimeDep,
    user: Caseworker,
    audit: Audit,
) -> JSONResponse:
    """Withdraw a measure recorded in error; 404 for an unknown (or withdrawn) measure."""
    check_casework_scope(runtime, user, person_id)
    with unknown_in_path("measure_id", "measure", measure_id):
        done = execute(
            request,
            runtime,
            user,
            body,
            lambda _: runtime.app.change_involvement(
                person_id,
                lambda i, when: i.withdraw_measure(measure_id, body.reason, user.id, when),
            ),
        )
    return audit.changed(done, "measure", person_id, record_id=measure_id)
