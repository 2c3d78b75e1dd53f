"""Sending generated requests to a fuzz world and holding every answer to the OpenAPI
description: the checks, the request strategies, who signs each request, the report."""

from __future__ import annotations

import time
import traceback
import zlib
from typing import Any

import hypothesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import CheckContext, not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.fuzz.world import Operation, World

ROLES = ("coordinator", "social_worker", "device_officer", "evaluator", "admin")
SIGN_OUT = "POST /auth/logout"
FuzzCase = Case[Any]


def no_server_error(ctx: CheckContext, response: Response, case: FuzzCase) -> bool | None:
    """No 5xx, except the documented 503 that says when to try again (the read models have
    not reached the `min_position` asked for, or the database is busy for a moment)."""
    if response.status_code == 503 and response.headers.get("retry-after"):
        return None
    return not_a_server_error(ctx, response, case)


CHECKS = [
    no_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def send(world: World, case: FuzzCase) -> int:
    response = case.call()
    world.requests += 1
    world.statuses[response.status_code] += 1
    case.validate_response(response, checks=CHECKS)
    return response.status_code


def fuzz(
    world: World, operation: Operation, who: str, examples: int, deep: bool = False
) -> set[int]:
    """Send `examples` generated requests as `who`; answers the status codes seen. The seed
    is fixed per operation, signer and depth, so a run is reproducible on each backend."""
    seen: set[int] = set()

    @hypothesis.seed(zlib.crc32(f"{operation.label} {who} {deep}".encode()))
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy(operation, world.ids))
    def run(case: FuzzCase) -> None:
        sign(world, case, who)
        if operation.label == SIGN_OUT:
            world.api.tokens.pop(who, None)  # signed out (maybe): sign in afresh next time
        code = send(world, case)
        seen.add(code)
        # A fresh, valid token is never refused (else this pass would fuzz nothing).
        assert who not in ROLES or code != 401, "a valid token was refused"

    try:
        run()
    except (Exception, BaseExceptionGroup) as failure:
        where = f"{operation.label} as {who} on {world.backend.name}"
        world.failures.append(f"--- {where}:\n{described(failure)}")
    return seen


def described(failure: BaseException) -> str:
    """A check's failure as schemathesis words it; an exception with its traceback's end."""
    notes = "\n".join(getattr(failure, "__notes__", []))
    if isinstance(failure, FailureGroup):
        return f"{failure}\n{notes}"
    return "".join(traceback.format_exception(failure))[-4000:]


def strategy(operation: Operation, ids: dict[str, str]) -> st.SearchStrategy[FuzzCase]:
    """Valid and invalid requests, and valid ones naming real records."""
    names = {p.name for p in operation.path_parameters}
    real = {name: ids[name] for name in names if name in ids}
    choices = [
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    ]
    if real:
        choices.append(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=real)
        )
    return st.one_of(choices)


def sign(world: World, case: FuzzCase, who: str) -> None:
    """Every request as `who`: a fresh, real token; none; or a forged one."""
    case.headers.pop("Authorization", None)
    if who == "forged":
        case.headers["Authorization"] = "Bearer not.a.token"
    elif who != "anonymous":
        case.headers.update(world.api.headers(who))


def report(world: World, started: float, before: int) -> None:
    seconds = time.monotonic() - started
    codes = ", ".join(f"{code}: {n}" for code, n in sorted(world.statuses.items()))
    print(
        f"\n{world.backend.name}: fuzzed {world.requests - before} requests in {seconds:.0f} s"
        f" (so far: {codes})"
    )
