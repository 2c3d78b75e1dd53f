"""The published API description, made to tell the truth about the errors each operation gives.

FastAPI documents only the success answer and a 422 of its own shape. The project also answers
400, 401, 403, 404, 409, 413, 429 and 503 (see `api/errors.py`, `api/deps.py`, the routes and the
security middleware), so each operation gets the error answers it can give, with the bodies those
really send. The API fuzz test (`tests/fuzz`) holds every answer to this description. 500 is
never documented: an unexpected error is a bug to fix, not an answer.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from fastapi import FastAPI
from pydantic import BaseModel, Field

TOKEN = ("post", "/auth/token")
# Operations every signed-in user may call whatever their role: they never answer 403.
EVERY_SIGNED_IN_USER = frozenset({("get", "/auth/me"), ("post", "/auth/logout"), ("get", "/ready")})
# Operations that touch no database, so they cannot answer 503.
NO_DATABASE = frozenset({("get", "/health")})
METHODS = frozenset({"get", "put", "post", "delete", "patch"})
REF = "#/components/schemas/{model}"
FASTAPI_422 = "HTTPValidationError"


class Problem(BaseModel):
    """An error in words: what went wrong and what to do (never echoing personal data back)."""

    detail: str


class FieldError(BaseModel):
    """One refused field: where it is and what is wrong with it (the input is not echoed)."""

    loc: list[str | int] = Field(description='Where, e.g. ["body", "date_of_birth"]')
    msg: str
    type: str


class ValidationProblem(BaseModel):
    """422: the request was understood but refused. Usually the refused fields; one sentence
    when an `Idempotency-Key` is malformed or was first used for a different request."""

    detail: list[FieldError] | str


class Conflict(BaseModel):
    """409: the record's state does not allow this now, or someone else changed it meanwhile."""

    detail: str
    status: str | None = Field(None, description="The record's current status, when relevant")
    existing_person_id: UUID | None = Field(
        None, description="A duplicate registration: the person already registered"
    )


MODELS: tuple[type[BaseModel], ...] = (Problem, FieldError, ValidationProblem, Conflict)


def install(app: FastAPI) -> None:
    """Describe the error answers in `app`'s OpenAPI document (built once, then cached)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = describe_errors(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def describe_errors(document: dict[str, Any]) -> dict[str, Any]:
    """Add the error answers to every operation of an OpenAPI document (in place)."""
    schemas: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
    for model in MODELS:
        schemas.update(_component(model))
    for path, item in document.get("paths", {}).items():
        for method, spec in item.items():
            if method in METHODS:
                _describe(Operation(path, method, spec, schemas))
    for unused in (FASTAPI_422, "ValidationError"):  # FastAPI's 422 body, replaced above
        others = [schema for name, schema in schemas.items() if name != unused]
        if REF.format(model=unused) not in _references([document.get("paths"), others]):
            schemas.pop(unused, None)
    return document


def _component(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template=REF)
    found: dict[str, Any] = schema.pop("$defs", {})
    return {**found, model.__name__: schema}


def _references(node: Any) -> set[str]:
    """Every `$ref` in a part of the document."""
    if isinstance(node, list):
        return set().union(*(_references(value) for value in node))
    if not isinstance(node, dict):
        return set()
    found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
    return found.union(*(_references(value) for value in node.values()))


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    spec: dict[str, Any]
    schemas: dict[str, Any]

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.path

    @property
    def secured(self) -> bool:
        return bool(self.spec.get("security"))

    @property
    def has_body(self) -> bool:
        return "requestBody" in self.spec

    @property
    def has_input(self) -> bool:
        return bool(self.spec.get("parameters")) or self.has_body

    @property
    def names_a_record(self) -> bool:
        """A record named in the path, or by id in the body, may not exist (or be hidden)."""
        in_path = any(p.get("in") == "path" for p in self.spec.get("parameters", []))
        return in_path or _mentions_uuid(self.spec.get("requestBody", {}), self.schemas, set())


def _mentions_uuid(node: Any, schemas: dict[str, Any], seen: set[str]) -> bool:
    """Whether a schema (following its references) has a field of format uuid."""
    if isinstance(node, list):
        return any(_mentions_uuid(value, schemas, seen) for value in node)
    if not isinstance(node, dict):
        return False
    if node.get("format") == "uuid":
        return True
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name in seen:
            return False
        seen.add(name)
        return _mentions_uuid(schemas.get(name), schemas, seen)
    return any(_mentions_uuid(value, schemas, seen) for value in node.values())


def _describe(operation: Operation) -> None:
    responses: dict[str, Any] = operation.spec.setdefault("responses", {})
    for code, (applies, answer) in RULES.items():
        if not applies(operation):
            continue
        given = responses.get(code)
        if given is None or REF.format(model=FASTAPI_422) in _references(given):
            responses[code] = answer(operation)  # FastAPI's 422 is not what errors.py sends
        else:  # a route's own words win; the body and headers are added when it gave none
            for part, value in answer(operation).items():
                given.setdefault(part, value)


def _json(
    model: type[BaseModel], description: str, headers: dict[str, bool] | None = None
) -> dict[str, Any]:
    """A response with a JSON body of `model` and the headers given (name -> required)."""
    response: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": REF.format(model=model.__name__)}}},
    }
    if headers:
        response["headers"] = {
            name: {"required": required, "schema": {"type": "string"}}
            for name, required in headers.items()
        }
    return response


def _unavailable(operation: Operation) -> dict[str, Any]:
    if operation.key == ("get", "/ready"):
        # Not ready: the checks' report (the 200's body), or the database error itself.
        ok = operation.spec.get("responses", {}).get("200", {})
        ready = ok.get("content", {}).get("application/json", {}).get("schema", {})
        problem = {"$ref": REF.format(model=Problem.__name__)}
        return {
            "description": "Not ready: a check failed (or the database is unavailable)",
            "content": {"application/json": {"schema": {"anyOf": [ready, problem]}}},
            "headers": {"Retry-After": {"required": False, "schema": {"type": "string"}}},
        }
    return _json(
        Problem,
        "The database is unavailable for a moment, or the read models have not reached the "
        "`min_position` asked for yet: retry after `Retry-After` seconds",
        {"Retry-After": True},
    )


Answer = Callable[[Operation], dict[str, Any]]
Applies = Callable[[Operation], bool]


def _fixed(response: dict[str, Any]) -> Answer:
    return lambda _: copy.deepcopy(response)  # each operation its own, not one shared dict


RULES: dict[str, tuple[Applies, Answer]] = {
    "400": (
        lambda op: op.has_body,
        _fixed(_json(Problem, "The body could not be read (e.g. it is not valid UTF-8 JSON)")),
    ),
    "401": (
        lambda op: op.secured or op.key == TOKEN,
        _fixed(
            _json(
                Problem,
                "Not signed in: the token is missing, invalid, expired or revoked "
                "(for a sign-in: a wrong username or password)",
                {"WWW-Authenticate": True},
            )
        ),
    ),
    "403": (
        lambda op: op.secured and op.key not in EVERY_SIGNED_IN_USER,
        _fixed(_json(Problem, "Your role may not do this, or the record is outside your scope")),
    ),
    "404": (
        lambda op: op.names_a_record,
        _fixed(_json(Problem, "No such record (or none you may know of)")),
    ),
    "409": (
        lambda op: op.method != "get" and not op.path.startswith("/auth/"),
        _fixed(_json(Conflict, "The record's state does not allow this now")),
    ),
    "413": (
        lambda op: op.has_body,
        _fixed(_json(Problem, "The request body is larger than the configured limit")),
    ),
    "422": (
        lambda op: op.has_input,
        _fixed(_json(ValidationProblem, "Refused: the fields named are missing or invalid")),
    ),
    "429": (
        lambda op: op.key == TOKEN,
        _fixed(
            _json(
                Problem,
                "Too many failed sign-ins: locked out for a while",
                {"Retry-After": True},
            )
        ),
    ),
    "503": (lambda op: op.key not in NO_DATABASE, _unavailable),
}
