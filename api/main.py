"""The FastAPI application."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from api import errors, openapi, security, web
from api.accounts import service_metadata
from api.routes import (
    assets,
    audit,
    auth,
    casework_read,
    consent,
    contacts,
    data_protection,
    devices_loans,
    devices_read,
    devices_scheme,
    devices_stock,
    involvements,
    outcomes,
    people,
    referrals,
    reports,
    system,
)
from projections.db import create_tables
from projections.imd import load_imd_if_configured
from workers.runtime import Runtime
from workers.settings import Settings

log = logging.getLogger("lac.api")

DESCRIPTION = """Event-sourced case and referral system for Local Area Coordination and the
digital device lending and gifting scheme. Every command answers with its event-log
`position`; pass it as `min_position` to a query to read your own writes. POST commands
accept an `Idempotency-Key` header."""


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """Build the API; the runtime (database, projector) starts with the app and stops with it."""
    chosen = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        rt = runtime or Runtime(chosen)
        create_tables(rt.engine, service_metadata)
        try:
            load_imd_if_configured(rt)
        except (OSError, ValueError) as error:
            log.warning("deprivation file not loaded: %s", error)
        rt.start_nudger()
        rt.nudge()
        app.state.runtime = rt
        yield
        if runtime is None:
            rt.close()

    # Swagger UI and ReDoc served from files inside the package: nothing loads from a CDN.
    app = FastAPIOffline(
        title="Local Area Coordination", description=DESCRIPTION, version="0.1.0", lifespan=lifespan
    )
    errors.install(app)
    security.install(app)
    routers = (
        system.router,
        auth.router,
        people.router,
        referrals.router,
        involvements.router,
        contacts.router,
        outcomes.router,
        consent.router,
        assets.router,
        casework_read.router,
        devices_scheme.router,
        devices_stock.router,
        devices_loans.router,
        devices_read.router,
        reports.router,
        audit.router,
        data_protection.router,
    )
    for router in routers:
        app.include_router(router)
    web.install(app)
    openapi.install(app)
    return app
