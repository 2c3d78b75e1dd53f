"""Fuzzing the API (issue 6, item 9): schemathesis generates requests from the published OpenAPI
description and sends them, in process, to the embedded system; every answer is held to that
description. No 5xx (a 503 that says when to retry is the documented "not yet" answer), no
undocumented status code, content type or header, no body that breaks its own schema.

Every operation is fuzzed as every role (a few requests each: the permission paths), then more
deeply as each role it lets through; then signed out and with a forged token; then the sign-in
itself. Path ids are sometimes those of real records seeded first. Seeds are fixed, so a CI run
is reproducible; a failure names the operation, the check and a curl command that reproduces it.
"""

from __future__ import annotations

import time
import traceback
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import hypothesis
import pytest
import schemathesis
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import CheckContext, not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.transport import Response
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import accounts
from api.accounts import add_user
from api.main import create_app
from tests.api import device_fixtures as devices
from tests.api.conftest import PASSWORD, SECRET, USERS, Api
from workers.runtime import Runtime
from workers.settings import Settings

pytestmark = pytest.mark.fuzz

ROLES = ("coordinator", "social_worker", "device_officer", "evaluator", "admin")
PROBE, DEEP, STRANGER = 2, 8, 1  # examples per operation: each role, a granted role, no token
MINIMUM_REQUESTS = 1_000
# Fuzzed on its own, last: failed sign-ins lock the username and then the client address out,
# which would stop the other passes signing in again after they fuzz POST /auth/logout.
SIGN_IN = "POST /auth/token"
SIGN_OUT = "POST /auth/logout"
SIGN_IN_EXAMPLES = 60
Operation = APIOperation[Any, Any, Any, Any]
FuzzCase = Case[Any]
ASSET = {"name": "Knit and Natter", "category": "group", "district": "Mansfield"}
CONTACT = {
    "contact_at": datetime.now(UTC).isoformat(),
    "duration_minutes": 30,
    "mode": "phone",
    "participants": ["person"],
    "purposes": ["listening"],
}


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


@dataclass
class World:
    """The embedded system with a little real data, its schema and what the fuzzing saw."""

    api: Api
    schema: Any
    ids: dict[str, str]
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def operations(self) -> list[Operation]:
        return [result.ok() for result in self.schema.get_all_operations()]


def seed(api: Api) -> dict[str, str]:
    """One of each kind of record, made through the API: path ids that sometimes hit."""
    referral = api.refer()  # a Local Area Coordination referral, with the person's consent
    accepted = api.post("coordinator", f"/referrals/{referral['id']}/accept", {})
    assert accepted.status_code == 200, accepted.text  # which opens their involvement
    person = str(referral["person_id"])
    inv = f"/people/{person}/involvement"
    today = devices.day()
    outcome = {"domain": "crisis_avoided", "occurred_on": today, "evidence": "home"}
    measure = {"instrument": "ucla3", "occasion": "baseline", "taken_on": today, "items": [2, 2, 3]}
    ids = {
        "person_id": person,
        "referral_id": str(api.refer()["id"]),  # a second one, still waiting
        "goal_id": _made(api, f"{inv}/goals", {"text": "a job"}),
        "contact_id": _made(api, f"/people/{person}/contacts", CONTACT),
        "outcome_id": _made(api, f"/people/{person}/outcomes", outcome),
        "measure_id": _made(api, f"/people/{person}/measures", measure),
        "asset_id": _made(api, "/assets", ASSET),
    }
    devices.open_scheme(api)
    place = devices.refer(api)
    kit_id, items = devices.kit(api)
    loan = devices.reserve(api, str(place["person_id"]), kit_id)
    ids.update(year=devices.YEAR, kit_id=kit_id, item_id=items[0], loan_id=loan)
    return ids


def _made(api: Api, url: str, body: dict[str, Any]) -> str:
    response = api.post("coordinator", url, body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """SQLite files in a temporary directory, the in-process projector, users of every role."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("fuzz"),
        secret_key=SECRET,
        database_url=None,
        redis_url=None,
        # A min_position far ahead answers 503 after this wait: keep each such request short.
        wait_timeout_seconds=0.05,
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        runtime = Runtime(settings)
        accounts.service_metadata.create_all(runtime.engine)
        users = {
            name: add_user(runtime.engine, name, name, role, PASSWORD)
            for name, role in USERS.items()
        }
        app = create_app(settings, runtime)
        try:
            with TestClient(app) as client:
                api = Api(client, runtime, users)
                ids = seed(api)
                schema = schemathesis.openapi.from_asgi("/openapi.json", app)
                yield World(api, schema, ids)
        finally:
            shutdown_lifespans()
            runtime.close()


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
    for operation in world.operations():
        if operation.label == SIGN_IN:
            continue
        for role in ROLES:
            seen = fuzz(world, operation, role, PROBE)
            if seen - {401, 403}:  # the role got past the permission check: fuzz it deeply
                fuzz(world, operation, role, DEEP, deep=True)
        fuzz(world, operation, "anonymous", STRANGER)
        fuzz(world, operation, "forged", STRANGER)
    report(world, started, before)
    assert not world.failures, "\n\n".join(world.failures)
    assert world.requests - before >= MINIMUM_REQUESTS


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


def send(world: World, case: FuzzCase) -> int:
    response = case.call()
    world.requests += 1
    world.statuses[response.status_code] += 1
    case.validate_response(response, checks=CHECKS)
    return response.status_code


def fuzz(
    world: World, operation: Operation, who: str, examples: int, deep: bool = False
) -> set[int]:
    """Send `examples` generated requests as `who`; answers the status codes seen."""
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
        world.failures.append(f"--- {operation.label} as {who}:\n{described(failure)}")
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
    print(f"\nfuzzed {world.requests - before} requests in {seconds:.0f} s (so far: {codes})")
