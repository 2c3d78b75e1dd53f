"""Recording accesses from the routes: a dependency that knows who is asking, from where and
through which route, and writes the audit rows (api.audit) for reads, lists and changes.

An access that cannot be recorded is not allowed: the read fails with 503 and shows nothing.
A change is already saved when it is recorded; if recording it fails, the answer is 503 too,
and repeating the request with the same Idempotency-Key records it without changing twice.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import uuid
from collections.abc import Iterable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

from api.audit import Action, Actor, Entry, append
from api.deps import CurrentUser, RuntimeDep
from workers.settings import Settings

log = logging.getLogger("lac.audit")

UNRECORDED_READ = (
    "this access could not be recorded in the audit log, so nothing is shown; try again shortly"
)
UNRECORDED_CHANGE = (
    "the change was saved but could not be recorded in the audit log; repeat the request with "
    "the same Idempotency-Key to record it"
)
Shown = Iterable[tuple[uuid.UUID, uuid.UUID | None]]  # (record id, person id) per list row


def trusts_forwarded_for(settings: Settings) -> bool:
    """LAC_TRUST_FORWARDED_FOR: the API sits behind a proxy that sets X-Forwarded-For."""
    return bool(getattr(settings, "trust_forwarded_for", False))


def client_ip(request: Request, trust_forwarded_for: bool) -> str | None:
    """The caller's address: the socket peer, or the address the trusted proxy saw (the last
    X-Forwarded-For entry, the one it added; earlier entries come from the client)."""
    if trust_forwarded_for:
        forwarded = ",".join(request.headers.getlist("X-Forwarded-For"))
        last = forwarded.rsplit(",", 1)[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            pass
    return request.client.host[:64] if request.client else None


def route_of(request: Request) -> str:
    """ "GET /people/{person_id}": the route template, never the concrete path or query."""
    path = getattr(request.scope.get("route"), "path", None) or "(unmatched)"
    return f"{request.method} {path}"


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


class Auditor:
    """Records what the route shows or changes, for the signed-in user."""

    def __init__(self, request: Request, runtime: RuntimeDep, user: CurrentUser) -> None:
        self.engine = runtime.engine
        ip = client_ip(request, trusts_forwarded_for(runtime.settings))
        self.actor = Actor(user.id, user.username, user.role.value, route_of(request), ip)

    def read(
        self,
        what: str,
        record_id: uuid.UUID,
        person_id: uuid.UUID | None = None,
        *,
        reason: str | None = None,
    ) -> None:
        """One record shown; with a reason, it was opened by break-glass."""
        action: Action = "break_glass" if reason else "read"
        self._write([Entry(action, what, record_id, person_id, reason)], UNRECORDED_READ)

    def listed(self, what: str, shown: Shown) -> None:
        """A list: one `search` row, and a `read` row for each record about a person."""
        reads = [Entry("read", what, record, person) for record, person in shown if person]
        self._write([Entry("search", what, listed=len(reads)), *reads], UNRECORDED_READ)

    def changed(
        self,
        response: JSONResponse,
        what: str,
        person_id: uuid.UUID | None = None,
        *,
        record_id: uuid.UUID | None = None,
    ) -> JSONResponse:
        """A command's answer: record the change it made (nothing for an error answer). The
        record is the one named, else the id the command answered with."""
        if not 200 <= response.status_code < 300:
            return response
        body = json.loads(bytes(response.body))
        record = record_id or _uuid(body.get("id"))
        person = person_id or _uuid(body.get("person_id")) or (record if what == "person" else None)
        self._write([Entry("change", what, record, person)], UNRECORDED_CHANGE)
        return response

    def _write(self, entries: list[Entry], refusal: str) -> None:
        try:
            append(self.engine, self.actor, entries)
        except SQLAlchemyError as error:
            log.error("audit rows not written for %s: %s", self.actor.route, type(error).__name__)
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE, refusal, headers={"Retry-After": "2"}
            ) from None


Audit = Annotated[Auditor, Depends()]
