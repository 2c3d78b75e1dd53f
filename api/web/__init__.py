"""The web pages: server-rendered, mobile-first, built on GOV.UK Frontend (vendored), each page
a client of the JSON API called in-process as the signed-in user."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.web import (
    guards,
    pages_admin,
    pages_admin_projections,
    pages_assets,
    pages_auth,
    pages_coordinator,
    pages_device_loans,
    pages_devices,
    pages_person,
    pages_refer,
    pages_referrals,
    pages_reports,
)

STATIC = Path(__file__).parent / "static"
STATIC_PATH = "/app/static"


def install(app: FastAPI) -> None:
    """Add the pages, their static files and their error pages to the app."""
    guards.install(app)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC), name="web-static")
    for module in (
        pages_auth,
        pages_coordinator,
        pages_person,
        pages_referrals,
        pages_refer,
        pages_devices,
        pages_device_loans,
        pages_reports,
        pages_admin,
        pages_admin_projections,
        pages_assets,
    ):
        router = module.router
        app.include_router(router)
