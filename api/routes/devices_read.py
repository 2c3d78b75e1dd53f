"""Placeholder router; filled in by the device scheme work."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["device scheme"])
