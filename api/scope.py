"""Which people's casework a coordinator may see and change.

Their own caseload (involvements assigned to them) and their team's (involvements in their
team district). Before an involvement exists, the person's district decides; a coordinator
with no team district works county-wide. Anything else answers 404 exactly as an unknown
person does, so that the answer never tells whether the person exists.
"""

from __future__ import annotations

from uuid import UUID

from api.accounts import User
from domain.errors import NoInvolvement, RecordNotFound
from workers.runtime import Runtime


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
