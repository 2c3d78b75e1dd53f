"""Which people's casework a coordinator may see and change, and break-glass access.

Their own caseload (involvements assigned to them) and their team's (involvements in their
team district). Before an involvement exists, the person's district decides; a coordinator
with no team district works county-wide. Anything else answers 404 exactly as an unknown
person does, so that the answer never tells whether the person exists.

Break-glass: a coordinator may open the record, timeline or casework page of a person outside
their scope by giving a reason in the `X-Break-Glass-Reason` header (10 to 500 characters).
It opens that one request, for reading only (changes stay within scope), and it is recorded
in the audit log with the reason for an admin to review. It never lifts a role's permissions
(a 403 stays a 403): social workers already read any person's record; device officers,
evaluators and admins hold no permission to read casework, so there is nothing to open.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Depends, Header
from fastapi.exceptions import RequestValidationError

from api.accounts import User
from api.roles import Role
from domain.errors import NoInvolvement, RecordNotFound
from workers.runtime import Runtime

BREAK_GLASS_HEADER = "X-Break-Glass-Reason"
BREAK_GLASS_ROLES = frozenset({Role.COORDINATOR})
REASON_MIN, REASON_MAX = 10, 500


def may_see_casework(runtime: Runtime, user: User, person_id: UUID) -> bool:
    app = runtime.app
    try:
        involvement = app.get_involvement(person_id)
    except NoInvolvement:
        district = app.get_person(person_id).analytic.get("district")
        return user.district is None or district == user.district
    if involvement.coordinator_id == user.id:
        return True
    return user.district is None or involvement.district == user.district


def check_casework_scope(runtime: Runtime, user: User, person_id: UUID) -> None:
    """Raise the same 404 as for an unknown person unless the user's scope covers them."""
    try:
        allowed = may_see_casework(runtime, user, person_id)
    except RecordNotFound:
        allowed = False
    if not allowed:
        raise RecordNotFound("person", person_id)


def break_glass_reason(
    reason: Annotated[
        str | None,
        Header(
            alias=BREAK_GLASS_HEADER,
            min_length=REASON_MIN,
            max_length=REASON_MAX,
            description="Why you open a person outside your scope (break-glass, coordinators "
            "only): recorded in the audit log and reviewed by an admin",
        ),
    ] = None,
) -> str | None:
    """The break-glass reason given, its spacing tidied; 422 if it is too short, too long or
    holds control characters."""
    if reason is None:
        return None
    tidied = " ".join(reason.split())
    if not REASON_MIN <= len(tidied) <= REASON_MAX or not tidied.isprintable():
        message = f"give a reason of {REASON_MIN} to {REASON_MAX} printable characters"
        raise RequestValidationError(
            [{"loc": ("header", BREAK_GLASS_HEADER), "msg": message, "type": "value_error"}]
        )
    return tidied


BreakGlass = Annotated[str | None, Depends(break_glass_reason)]


def open_casework(runtime: Runtime, user: User, person_id: UUID, reason: str | None) -> str | None:
    """For a read: None within scope, the reason when opened by break-glass, or else the
    unknown-person 404. Only a role in BREAK_GLASS_ROLES opens a known person with a reason."""
    try:
        if may_see_casework(runtime, user, person_id):
            return None
    except RecordNotFound:
        raise RecordNotFound("person", person_id) from None
    if reason is None or user.role not in BREAK_GLASS_ROLES:
        raise RecordNotFound("person", person_id)
    return reason
