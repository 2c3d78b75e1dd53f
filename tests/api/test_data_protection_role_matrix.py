"""(being written) The role matrix for erasure, subject access and retention routes."""

from __future__ import annotations

from tests.api.test_auth_and_roles import Route

DATA_PROTECTION_ROUTES: list[Route] = []
