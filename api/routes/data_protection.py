"""Data protection: erase a person (crypto-shredding), answer a subject access request, run
the retention schedule by hand (embedded mode has no Celery beat)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from api.accounts import User
from api.auditing import Audit
from api.commands import execute
from api.deps import Caught_up, RuntimeDep, require
from api.report_output.subject_access import render_sar_pdf
from api.schemas import Recorded
from api.schemas_data_protection import ErasureCreate, RetentionRunRead, SubjectAccessReport
from api.subject_access import subject_access_report
from domain.erasure import ErasureGround
from workers.retention import run_retention, settle
from workers.runtime import Runtime

router = APIRouter(tags=["data protection"])

Eraser = Annotated[User, Depends(require("people.erase"))]
Requester = Annotated[User, Depends(require("people.subject_access"))]
RetentionRunner = Annotated[User, Depends(require("retention.run"))]
PDF_HEADERS = "attachment; filename=subject-access-{}.pdf"


@router.post("/people/{person_id}/erase", response_model=Recorded)
def erase_person(
    person_id: uuid.UUID,
    body: ErasureCreate,
    request: Request,
    runtime: RuntimeDep,
    user: Eraser,
    audit: Audit,
) -> JSONResponse:
    """Erase a person for good: their key is destroyed, so every personal detail recorded
    about them becomes unreadable everywhere, and the read models blank them. Ids, codes and
    dates stay, so reports do not change. 409 if already erased, 404 if unknown."""
    ground = ErasureGround(body.ground)
    response = execute(
        request,
        runtime,
        user,
        body,
        lambda _: runtime.app.erase_person(person_id, user.id, ground, body.note),
    )
    _scrubbed(runtime, int(response.headers["X-Log-Position"]))
    return audit.changed(response, "erasure", person_id)


@router.get(
    "/people/{person_id}/subject-access",
    response_model=SubjectAccessReport,
    responses={200: {"content": {"application/pdf": {}}}},
    dependencies=[Caught_up],
)
def subject_access(
    person_id: uuid.UUID,
    runtime: RuntimeDep,
    user: Requester,
    audit: Audit,
    format: Annotated[Literal["json", "pdf"], Query(description="json or pdf")] = "json",
) -> Response:
    """Everything held about the person, with its history (who did what, when), as JSON or
    a readable PDF. The request itself is recorded (who, when, which format). 404 if unknown."""
    recorded = runtime.app.record_subject_access(person_id, user.id, format)
    report = subject_access_report(
        runtime, person_id, user.full_name, recorded.position, datetime.now(UTC)
    )
    audit.read("subject_access", person_id, person_id)
    if format == "pdf":
        headers = {"Content-Disposition": PDF_HEADERS.format(person_id)}
        return Response(render_sar_pdf(report), media_type="application/pdf", headers=headers)
    return JSONResponse(report.model_dump(mode="json"))


@router.post("/retention/run", response_model=RetentionRunRead)
def run_retention_now(
    runtime: RuntimeDep,
    user: RetentionRunner,
    dry_run: Annotated[bool, Query(description="Only say who would be erased")] = False,
) -> RetentionRunRead:
    """Erase everyone whose involvement closed more than the retention period ago (and who has
    nothing still open); the answer lists who (ids only) and why others were kept. The daily
    Celery beat does the same when Redis is configured."""
    report = run_retention(runtime, user.id, dry_run=dry_run)
    if report.position is not None:
        runtime.nudge()
        if report.erased:
            _scrubbed(runtime, report.position)
    return RetentionRunRead.model_validate(report.as_dict())


def _scrubbed(runtime: Runtime, position: int) -> None:
    """A SQLite read model: wait for the blanking, then rewrite the file (see settle)."""
    if runtime.engine.dialect.name == "sqlite":
        settle(runtime, position)
