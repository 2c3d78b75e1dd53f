"""Placeholder router; filled in by the casework work."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["casework"])
