"""The pages' way into the product: the JSON API itself, called in-process as the signed-in
user. Every page therefore gets exactly the API's validation, scope, consent checks, audit,
idempotency and errors; nothing about who may do what is decided twice."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import Request

from api.web.forms import FormErrors, errors_from


@dataclass(frozen=True)
class Answer:
    """What the API said."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def position(self) -> int | None:
        """The event-log position a command answered with, to read our own write."""
        if isinstance(self.body, dict) and isinstance(self.body.get("position"), int):
            return int(self.body["position"])
        return None

    @property
    def form_status(self) -> int:
        """The status a form shown again answers with: 409 for a conflict, else 422."""
        return 409 if self.status == 409 else 422

    def errors(self, fields: dict[str, str] | None = None) -> FormErrors:
        """The API's complaint as errors beside the form's fields (`fields` maps the API's
        field path, e.g. ``person.nhs_number``, to the form's field name)."""
        return errors_from(self.status, self.body, fields or {})

    def detail(self) -> str:
        detail = self.body.get("detail") if isinstance(self.body, dict) else None
        return detail if isinstance(detail, str) else ""


class Api:
    """Calls the app's own API with the user's bearer token, from the user's own address."""

    def __init__(self, request: Request, token: str | None) -> None:
        self.request = request
        self.token = token

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        for name in ("x-forwarded-for", "x-forwarded-proto", "user-agent"):
            value = self.request.headers.get(name)
            if value:
                headers[name] = value
        headers.update(extra or {})
        return headers

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        client = self.request.client
        peer = (client.host, client.port) if client else ("127.0.0.1", 0)
        transport = httpx.ASGITransport(app=self.request.app, client=peer)
        async with httpx.AsyncClient(transport=transport, base_url="http://lac.internal") as http:
            response = await http.request(
                method,
                path,
                json=json,
                data=data,
                params={k: v for k, v in (params or {}).items() if v not in (None, "")},
                headers=self._headers(headers),
            )
        return _answer(response)

    async def get(self, path: str, **params: Any) -> Answer:
        return await self.call("GET", path, params=params)

    async def post(self, path: str, json: Any = None, *, key: str | None = None) -> Answer:
        """A command; `key` is the form's idempotency key, so a double submit records once."""
        return await self.call("POST", path, json=json, headers=_idempotency(key))

    async def put(self, path: str, json: Any = None, *, key: str | None = None) -> Answer:
        return await self.call("PUT", path, json=json, headers=_idempotency(key))


def _idempotency(key: str | None) -> dict[str, str]:
    return {"Idempotency-Key": key} if key else {}


def _answer(response: httpx.Response) -> Answer:
    kind = response.headers.get("content-type", "")
    body: Any = None
    if kind.startswith("application/json"):
        body = response.json()
    return Answer(response.status_code, body, dict(response.headers), response.content)
