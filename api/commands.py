"""Running a command: idempotency, the log position in the answer, and the worker nudge."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import IntegrityError as StaleSave
from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.accounts import User
from api.idempotency import fingerprint, record_id_for, replay_or_run
from api.schemas import Recorded as RecordedBody
from domain.application import Recorded
from workers.runtime import Runtime

Command = Callable[[uuid.UUID | None], Recorded]


def execute(
    request: Request,
    runtime: Runtime,
    user: User,
    payload: BaseModel | None,
    command: Command,
    *,
    status_code: int = 200,
    extra: Callable[[Recorded], dict[str, object]] | None = None,
) -> JSONResponse:
    """Run a command once per Idempotency-Key; answer with what it recorded and where."""
    key = request.headers.get("Idempotency-Key")

    def once() -> tuple[int, dict[str, object]]:
        record_id = record_id_for(user.id, key) if key else None
        try:
            recorded = command(record_id)
        except StaleSave:
            # The save may have committed as the connection was lost (the library then retried
            # it): a create under this key that is now in the store finds what it made.
            if record_id is None or record_id not in runtime.app.repository:
                raise
            recorded = command(record_id)
        runtime.nudge()
        body = RecordedBody(id=recorded.id, version=recorded.version, position=recorded.position)
        return status_code, {
            **body.model_dump(mode="json", exclude_none=True),
            **(extra(recorded) if extra else {}),
        }

    if key is None:
        code, body = once()
        replayed = False
    else:
        raw = payload.model_dump_json().encode() if payload is not None else b""
        print_ = fingerprint(request.method, request.url.path, raw)
        code, body, replayed = replay_or_run(runtime.engine, user.id, key, print_, once)
    response = JSONResponse(body, code)
    response.headers["X-Log-Position"] = str(body["position"])
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def existing(runtime: Runtime, record_id: uuid.UUID | None) -> Recorded | None:
    """A record a previous attempt under the same key already created, if any."""
    if record_id is None or record_id not in runtime.app.repository:
        return None
    aggregate: Any = runtime.app.repository.get(record_id)
    return Recorded(aggregate.id, aggregate.version, runtime.app.log_position())
