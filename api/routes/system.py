"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import RuntimeDep, require

router = APIRouter(tags=["system"])


@router.get("/health")
def health() -> dict[str, str]:
    """The process is up (no checks of anything it depends on)."""
    return {"status": "ok"}


@router.get("/ready", dependencies=[Depends(require("system.ready"))])
def ready(runtime: RuntimeDep) -> JSONResponse:
    """Checks the event store, the read-model database and (when configured) Redis."""
    checks: dict[str, Any] = {}
    log_position = _check(checks, "event_store", runtime.app.log_position)
    _check(checks, "read_models", lambda: _select_one(runtime))
    if runtime.settings.redis_url:
        _check(checks, "redis", lambda: _ping_redis(runtime.settings.redis_url or ""))
    positions = _check(checks, "projections", runtime.positions)
    if runtime.failures:
        checks["projections"] = "failing: " + ", ".join(sorted(runtime.failures))
    ok = all(c == "ok" for c in checks.values())
    body: dict[str, Any] = {"status": "ready" if ok else "not ready", "checks": checks}
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
