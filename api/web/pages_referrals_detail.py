"""Page: one referral (who, why, source, consent to share, status, history) and, for a role
that may decide it, the forms to accept, decline or redirect it."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.roles import Role, allowed
from api.web.client import Api
from api.web.forms import FormErrors
from api.web.guards import api_for, shown, viewer
from api.web.pages_referrals_common import PROGRAMMES, TAGS, history, source_words, status_words
from api.web.render import page
from api.web.session import WebSession

router = APIRouter(include_in_schema=False)


@router.get("/app/referrals/{referral_id:uuid}")
async def referral_page(
    request: Request,
    referral_id: uuid.UUID,
    session: Annotated[WebSession, Depends(viewer("referral.read"))],
    after: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    return await show_referral(request, session, referral_id, after=after)


async def show_referral(
    request: Request,
    session: WebSession,
    referral_id: uuid.UUID,
    *,
    after: int | None = None,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The referral, and the forms to decide it for a role that may (again with `errors`
    beside the fields of the form that was sent)."""
    api = api_for(request, session)
    referral = shown(await api.get(f"/referrals/{referral_id}", min_position=after)).body
    may_decide = referral["status"] == "received" and allowed(
        session.user.role, f"referral.decide.{referral['programme']}"
    )
    coordinators = await _coordinators(api, session, referral)
    names = {c["id"]: c["full_name"] for c in coordinators}
    names.setdefault(str(session.user.id), session.user.full_name)
    return page(
        request,
        session,
        "referrals/referral.html.j2",
        title=f"Referral for {referral.get('person_name') or 'a person'}",
        status=status,
        errors=errors,
        values=values or {"coordinator_id": str(session.user.id)},
        referral=referral,
        programme=PROGRAMMES.get(referral["programme"], referral["programme"]),
        steps=history(referral, names),
        may_decide=may_decide,
        assignees=_assignees(coordinators, session, referral),
        status_words=status_words,
        source_words=source_words,
        tags=TAGS,
    )


async def _coordinators(api: Api, session: WebSession, referral: dict[str, Any]) -> list[Any]:
    """The coordinators a coordinator may see (to assign to, and to name in the history)."""
    if session.user.role is not Role.COORDINATOR or referral["programme"] != "lac":
        return []
    answer = await api.get("/users", role="coordinator")
    return list(answer.body) if answer.ok else []


def _assignees(
    coordinators: list[Any], session: WebSession, referral: dict[str, Any]
) -> list[tuple[str, str]]:
    """Active coordinators for the person's district (or for every district), you first;
    nobody to choose for a device referral (the officer who accepts it takes it)."""
    if session.user.role is not Role.COORDINATOR or referral["programme"] != "lac":
        return []
    district = referral.get("district")
    fitting = [
        c
        for c in coordinators
        if c["active"] and c.get("district") in (None, district) and c["id"] != str(session.user.id)
    ]
    fitting.sort(key=lambda c: str(c["full_name"]))
    mine = [(str(session.user.id), f"{session.user.full_name} (you)")]
    return mine + [(str(c["id"]), str(c["full_name"])) for c in fitting]
