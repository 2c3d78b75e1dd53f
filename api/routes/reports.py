"""Committee reports: the quarterly report in each format, one table as CSV, the unit costs
behind the value-for-money estimate, and pseudonymised extracts for an external evaluator.

Every report stands at an event-log position (`X-Log-Position`) with a digest of its inputs
(`X-Inputs-Digest`); asking again with that `position` gives the same bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse, Response

from api.accounts import User
from api.commands import execute
from api.deps import RuntimeDep, ensure, require
from api.idempotency import fingerprint, replay_or_run
from api.reporting import (
    XLSX,
    Format,
    extract_filename,
    make_extract,
    ready_position,
    ready_report_position,
    render,
    report_context,
    report_headers,
    table_output,
)
from api.schemas import Recorded
from api.schemas_reports import ExtractCreate, UnitCostRead, UnitCostsRead, UnitCostsSet
from projections.reports.build import build_report
from projections.reports.costs import unit_cost_table
from projections.reports.extract import Extract, build_extract, extract_csv
from projections.reports.model import Report, View
from projections.reports.request import ReportRequest
from workers.runtime import Runtime

router = APIRouter(prefix="/reports", tags=["reports"])

Reader = Annotated[User, Depends(require("reports.read"))]
CostsReader = Annotated[User, Depends(require("reports.unit_costs.read"))]
CostsManager = Annotated[User, Depends(require("reports.unit_costs.manage"))]
Extractor = Annotated[User, Depends(require("reports.extract"))]
MEDIA = ("text/html", "application/pdf", "application/zip", XLSX, "application/json")


def report_request(
    year: Annotated[int, Query(description="Financial year: 2021 is April 2021 to March 2022")],
    quarter: Annotated[int, Query(description="1-4: April to the end of this quarter")],
    view: Annotated[View, Query(description="internal: unsuppressed, evaluators only")] = (
        "published"
    ),
    as_at: Annotated[
        datetime | None, Query(description="The log as it stood then (with a time zone)")
    ] = None,
    position: Annotated[
        int | None, Query(description="The log as it stood at this position (from a footer)")
    ] = None,
) -> ReportRequest:
    """The query parameters every report route takes, checked (422 naming the field)."""
    asked = ReportRequest(year, quarter, view, as_at, position)
    return asked.checked(datetime.now(UTC).date())


Asked = Annotated[ReportRequest, Depends(report_request)]


def _report(runtime: Runtime, user: User, asked: ReportRequest) -> Report:
    if asked.view == "internal":
        ensure(user, "reports.internal")
    ready_report_position(runtime, asked)
    return build_report(report_context(runtime), asked)


@router.get(
    "/quarterly",
    response_class=Response,
    responses={
        200: {
            "description": "The report (HTML inline; PDF, CSV zip and XLSX as attachments)",
            "content": {media: {} for media in MEDIA},
        }
    },
)
def quarterly_report(
    runtime: RuntimeDep,
    user: Reader,
    asked: Asked,
    fmt: Annotated[
        Format, Query(alias="format", description="html, pdf, csv (a zip), xlsx or json")
    ] = "html",
) -> Response:
    """The quarterly report for committee; `view=internal` (evaluators) is unsuppressed."""
    report = _report(runtime, user, asked)
    output = render(report, fmt)
    headers = {**report_headers(report), **output.headers()}
    return Response(output.content, media_type=output.media_type, headers=headers)


@router.get("/quarterly/tables/{table_id}.csv", response_class=Response)
def report_table(table_id: str, runtime: RuntimeDep, user: Reader, asked: Asked) -> Response:
    """One table of the quarterly report as CSV; 404 for a table the report does not have."""
    report = _report(runtime, user, asked)
    output = table_output(report, table_id)
    if output is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "the report has no table with that id")
    headers = {**report_headers(report), **output.headers()}
    return Response(output.content, media_type=output.media_type, headers=headers)


@router.get("/unit-costs", response_model=UnitCostsRead)
def unit_costs(runtime: RuntimeDep, _: CostsReader) -> UnitCostsRead:
    """The unit costs and programme costs in use now, and where they came from."""
    position = ready_position(runtime, None)
    table = unit_cost_table(runtime.engine, position)
    return UnitCostsRead(
        position=position,
        source=table.source,
        unit_costs=[UnitCostRead(**vars(cost)) for cost in table.costs],
        programme_costs=table.programme_costs,
    )


@router.put("/unit-costs", response_model=Recorded)
def set_unit_costs(
    body: UnitCostsSet, request: Request, runtime: RuntimeDep, user: CostsManager
) -> JSONResponse:
    """Replace the unit-cost table; reports as at an earlier moment keep the table of then."""
    return execute(
        request,
        runtime,
        user,
        body,
        lambda _: runtime.app.set_unit_costs(body.costs(), body.programme_costs, user.id),
    )


@router.post("/extracts", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def request_extract(
    body: ExtractCreate, request: Request, runtime: RuntimeDep, user: Extractor
) -> Response:
    """A pseudonymised extract (one row per person-involvement), recorded with its purpose.

    `X-Log-Position` is the position the extract stands at; `X-Recorded-Position` where its
    request was recorded. With an `Idempotency-Key`, a retry gets the same extract again
    without a second record.
    """
    key = request.headers.get("Idempotency-Key")
    made: list[Extract] = []

    def once() -> tuple[int, dict[str, Any]]:
        extract, recorded = make_extract(runtime, body.purpose, body.year, body.position, user.id)
        made.append(extract)
        return 200, {
            "id": str(recorded.id),
            "position": extract.position,
            "recorded_position": recorded.position,
            "digest": extract.digest,
        }

    if key is None:
        answer = once()[1]
    else:
        print_ = fingerprint(request.method, request.url.path, body.model_dump_json().encode())
        answer = replay_or_run(runtime.engine, user.id, key, print_, once)[1]
    extract = made[0] if made else _again(runtime, body, answer)
    return Response(
        extract_csv(extract).encode(),
        media_type="text/csv; charset=utf-8",
        headers={
            "X-Extract-Id": answer["id"],
            "X-Log-Position": str(extract.position),
            "X-Recorded-Position": str(answer["recorded_position"]),
            "X-Inputs-Digest": extract.digest,
            "Content-Disposition": f'attachment; filename="{extract_filename(extract, body.year)}"',
        },
    )


def _again(runtime: Runtime, body: ExtractCreate, answer: dict[str, Any]) -> Extract:
    """A retry: the same extract rebuilt at the position it stood at, checked by its digest."""
    position = int(answer["position"])
    ready_position(runtime, position)
    extract = build_extract(
        report_context(runtime), runtime.settings.extract_key(), year=body.year, position=position
    )
    if extract.digest != answer["digest"]:
        raise HTTPException(
            status.HTTP_409_CONFLICT, "that extract can no longer be reproduced; ask for a new one"
        )
    return extract
