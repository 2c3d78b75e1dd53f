"""Fuzzing the API (issue 6, item 9): schemathesis generates requests from the published OpenAPI
description and sends them, in process, to the system on each backend (embedded SQLite and
PostgreSQL); every answer is held to that description. No 5xx (a 503 that says when to retry
is the documented "not yet" answer), no undocumented status code, content type or header, no
body that breaks its own schema.

Every operation is fuzzed as every role (a few requests each: the permission paths), then more
deeply as each role it lets through; then signed out and with a forged token; then the sign-in
itself. Path ids are sometimes those of real records seeded first. Seeds are fixed, so a CI run
is reproducible; a failure names the operation, the backend, the check and a curl command that
reproduces it. Each backend gets at least MINIMUM_REQUESTS generated requests.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.fuzz.fuzzing import ROLES, fuzz, report, send
from tests.fuzz.world import World

pytestmark = pytest.mark.fuzz

STRANGER = 1  # examples per operation signed out, and with a forged token
MINIMUM_REQUESTS = 1_000  # on each backend, besides the sign-in
# Fuzzed on its own, last: failed sign-ins lock the username and then the client address out,
# which would stop the other passes signing in again after they fuzz POST /auth/logout.
SIGN_IN = "POST /auth/token"
SIGN_IN_EXAMPLES = 60


def test_the_description_documents_the_errors_and_never_500(world: World) -> None:
    paths = world.schema.raw_schema["paths"]
    for path, item in paths.items():
        for method, spec in item.items():
            codes = set(spec["responses"])
            assert not {"500", "default"} & codes, f"{method} {path}"
            if spec.get("security"):
                assert {"401", "503"} <= codes, f"{method} {path}"
                assert spec["responses"]["401"]["headers"]["WWW-Authenticate"]["required"]
            if "422" in codes:
                schema = spec["responses"]["422"]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ValidationProblem"}


def test_every_operation_as_every_role(world: World) -> None:
    started, before = time.monotonic(), world.requests
    backend = world.backend
    for operation in world.operations():
        if operation.label == SIGN_IN:
            continue
        for role in ROLES:
            seen = fuzz(world, operation, role, backend.probe)
            if seen - {401, 403}:  # the role got past the permission check: fuzz it deeply
                fuzz(world, operation, role, backend.deep, deep=True)
        fuzz(world, operation, "anonymous", STRANGER)
        fuzz(world, operation, "forged", STRANGER)
    report(world, started, before)
    assert not world.failures, "\n\n".join(world.failures)
    sent = world.requests - before
    assert sent >= MINIMUM_REQUESTS, f"only {sent} requests on {backend.name}"


def test_sign_in(world: World) -> None:
    started, before = time.monotonic(), world.requests
    operation = next(op for op in world.operations() if op.label == SIGN_IN)
    fuzz(world, operation, "anonymous", SIGN_IN_EXAMPLES)
    # Then the lockout, for certain: wrong passwords for one user until 429, each answer checked.
    wrong: Any = {"username": "evaluator", "password": "not the password at all"}
    case = operation.Case(body=wrong, media_type="application/x-www-form-urlencoded")
    codes = [send(world, case) for _ in range(world.api.runtime.settings.login_attempts + 1)]
    report(world, started, before)
    assert not world.failures, "\n\n".join(world.failures)
    assert world.requests - before >= SIGN_IN_EXAMPLES
    assert codes[-1] == 429, codes
