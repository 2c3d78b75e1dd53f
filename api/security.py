"""(being written) Security middleware: headers, request size limits."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Add the security middleware to the app."""
