"""(being written) The role matrix for the audit and break-glass routes."""

from __future__ import annotations

from tests.api.test_auth_and_roles import Route

AUDIT_ROUTES: list[Route] = []
