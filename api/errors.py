"""Domain and infrastructure errors turned into clear HTTP answers."""

from __future__ import annotations

import logging

from eventsourcing.persistence import IntegrityError as StaleSave
from eventsourcing.persistence import InterfaceError as StoreConnectionLost
from eventsourcing.persistence import OperationalError as StoreUnavailable
from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DisconnectionError
from sqlalchemy.exc import InterfaceError as ReadModelConnectionLost
from sqlalchemy.exc import OperationalError as ReadModelUnavailable
from sqlalchemy.exc import TimeoutError as PoolTimeout

from api.idempotency import KeyReused, StillRunning
from domain.errors import (
    DuplicatePerson,
    InvalidField,
    InvalidTransition,
    NoInvolvement,
    RecordNotFound,
)
from projections.db import NO_ROW_VALUES
from projections.reports.request import BadReportRequest, ReportNotReady

log = logging.getLogger("lac.api")


def field_error(field: str, message: str, where: str = "body") -> JSONResponse:
    detail = [{"loc": [where, *field.split(".")], "msg": message, "type": "value_error"}]
    return JSONResponse({"detail": detail}, status.HTTP_422_UNPROCESSABLE_CONTENT)


def install(app: FastAPI) -> None:
    # However verbose the SQL logging is set, no fetched values reach the log.
    logging.getLogger("sqlalchemy.engine.Engine").addFilter(NO_ROW_VALUES)  # also in make_engine

    @app.exception_handler(InvalidField)
    def invalid_field(_: Request, exc: InvalidField) -> JSONResponse:
        return field_error(exc.field, exc.message)

    @app.exception_handler(BadReportRequest)
    def bad_report_request(request: Request, exc: BadReportRequest) -> JSONResponse:
        # A report's parameters are in the query string; an extract's in the body.
        return field_error(exc.field, exc.message, "query" if request.method == "GET" else "body")

    @app.exception_handler(ReportNotReady)
    def report_not_ready(_: Request, exc: ReportNotReady) -> JSONResponse:
        detail = (
            f"the report facts have not reached position {exc.wanted} yet "
            f"(they are at {exc.have}); try again shortly"
        )
        return JSONResponse(
            {"detail": detail}, status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "1"}
        )

    @app.exception_handler(InvalidTransition)
    def invalid_transition(_: Request, exc: InvalidTransition) -> JSONResponse:
        return JSONResponse({"detail": str(exc), "status": exc.status}, status.HTTP_409_CONFLICT)

    @app.exception_handler(DuplicatePerson)
    def duplicate_person(_: Request, exc: DuplicatePerson) -> JSONResponse:
        body = {"detail": str(exc), "existing_person_id": str(exc.existing_person_id)}
        return JSONResponse(body, status.HTTP_409_CONFLICT)

    @app.exception_handler(RecordNotFound)
    def not_found(_: Request, exc: RecordNotFound) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status.HTTP_404_NOT_FOUND)

    @app.exception_handler(NoInvolvement)
    def no_involvement(_: Request, exc: NoInvolvement) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status.HTTP_409_CONFLICT)

    @app.exception_handler(StaleSave)
    def stale(_: Request, _exc: StaleSave) -> JSONResponse:
        detail = "someone else changed this record at the same moment; reload it and try again"
        return JSONResponse({"detail": detail}, status.HTTP_409_CONFLICT)

    @app.exception_handler(RequestValidationError)
    def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Only where and what: echoing the input back would copy personal data into answers
        # (and, for text that cannot be encoded, into the server log).
        detail = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse({"detail": detail}, status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(DataError)
    def unstorable(_: Request, _exc: DataError) -> JSONResponse:
        detail = "a value could not be stored or searched for (e.g. it contains a NUL character)"
        return JSONResponse({"detail": detail}, status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(KeyReused)
    def key_reused(_: Request, exc: KeyReused) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status.HTTP_422_UNPROCESSABLE_CONTENT)

    @app.exception_handler(StillRunning)
    def still_running(_: Request, exc: StillRunning) -> JSONResponse:
        # Retry later with the same key: the stored answer, or a takeover of an abandoned run.
        return JSONResponse(
            {"detail": str(exc)}, status.HTTP_409_CONFLICT, headers={"Retry-After": "2"}
        )

    # A database that is down, restarting or unreachable: 503 and when to retry, never a 500.
    for unavailable in (
        StoreUnavailable,
        StoreConnectionLost,
        ReadModelUnavailable,
        ReadModelConnectionLost,
        DisconnectionError,
        PoolTimeout,
    ):
        app.add_exception_handler(unavailable, _unavailable)


def _unavailable(_: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable: %s", type(exc).__name__)
    return JSONResponse(
        {
            "detail": "the database is unavailable for a moment; "
            "retry (with the same Idempotency-Key)"
        },
        status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": "2"},
    )
