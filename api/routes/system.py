"""Liveness, readiness, and the events the read models had to skip."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from api.deps import RuntimeDep, require
from projections.failures import count_skipped, list_failures

router = APIRouter(tags=["system"])


@router.get("/health")
def health() -> dict[str, str]:
    """The process is up (no checks of anything it depends on)."""
    return {"status": "ok"}


@router.get("/ready", dependencies=[Depends(require("system.ready"))])
def ready(runtime: RuntimeDep) -> JSONResponse:
    """Checks the event store, the read-model database and (when configured) Redis.

    503 when a check fails. Events a read model had to skip (`GET /system/skipped-events`)
    make it "degraded" but still 200: every process shares the read models, so taking this
    one out of service would not bring a skipped event back, only stop the service.
    """
    checks: dict[str, Any] = {}
    log_position = _check(checks, "event_store", runtime.app.log_position)
    _check(checks, "read_models", lambda: _select_one(runtime))
    if runtime.settings.redis_url:
        _check(checks, "redis", lambda: _ping_redis(runtime.settings.redis_url or ""))
    positions = _check(checks, "projections", runtime.positions)
    if runtime.failures:
        checks["projections"] = "failing: " + ", ".join(sorted(runtime.failures))
    elif checks["projections"] == "ok":
        skipped = _check(checks, "projections", lambda: count_skipped(runtime.engine))
        if skipped:
            checks["projections"] = f"degraded: {skipped} skipped events"
    ok = all(c == "ok" or c.startswith("degraded") for c in checks.values())
    degraded = ok and any(c != "ok" for c in checks.values())
    status = "degraded" if degraded else "ready" if ok else "not ready"
    body: dict[str, Any] = {"status": status, "checks": checks}
    if isinstance(log_position, int) and isinstance(positions, dict):
        body["log_position"] = log_position
        body["projections"] = {
            name: {"position": pos, "behind": max(0, log_position - pos)}
            for name, pos in positions.items()
        }
    return JSONResponse(body, 200 if ok else 503)


def _check(checks: dict[str, Any], name: str, probe: Any) -> Any:
    try:
        result = probe()
    except Exception as error:
        checks[name] = f"failed: {type(error).__name__}"
        return None
    checks[name] = "ok"
    return result


def _select_one(runtime: Any) -> None:
    with runtime.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def _ping_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


class SkippedEvent(BaseModel):
    """An event a read model could not apply: where it is and what went wrong, no content."""

    projection: str
    position: int
    topic: str
    originator_id: uuid.UUID | None
    error_type: str
    message: str
    attempts: int
    first_seen: datetime
    last_seen: datetime
    skipped_at: datetime | None


class SkippedEvents(BaseModel):
    skipped: int
    items: list[SkippedEvent]


@router.get(
    "/system/skipped-events",
    response_model=SkippedEvents,
    dependencies=[Depends(require("system.projections"))],
)
def skipped_events(runtime: RuntimeDep) -> SkippedEvents:
    """Events a read model failed to apply, newest first (skipped_at empty: still retrying).

    After fixing the cause, `lac rebuild <projection>` replays the log and tries them again.
    """
    items = [SkippedEvent(**row) for row in list_failures(runtime.engine)]
    return SkippedEvents(skipped=count_skipped(runtime.engine), items=items)
