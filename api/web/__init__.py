"""The web pages: server-rendered, mobile-first, built on GOV.UK Frontend (vendored), each page
a client of the JSON API called in-process as the signed-in user."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.web import guards, pages_auth

STATIC = Path(__file__).parent / "static"
STATIC_PATH = "/app/static"


def install(app: FastAPI) -> None:
    """Add the pages, their static files and their error pages to the app."""
    guards.install(app)
    app.mount(STATIC_PATH, StaticFiles(directory=STATIC), name="web-static")
    for router in (pages_auth.router,):
        app.include_router(router)
