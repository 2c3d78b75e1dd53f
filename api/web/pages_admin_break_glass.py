"""Pages: the break-glass review. Every access to a record outside someone's own work, with its
reason, waits for an administrator to review it; the check of the audit log's hash chain shows
whether any row was changed or removed behind the application's back."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.roles import allowed
from api.web.forms import FormErrors
from api.web.guards import PageError, actor, api_for, done, form_of, shown, viewer
from api.web.render import page
from api.web.session import WebSession

router = APIRouter(include_in_schema=False)

REVIEW = "break_glass.review"
PAGE = "/app/admin/break-glass"
PAGE_SIZE = 20
MAX_ID = 2**62


@router.get("/app/admin/break-glass")
async def break_glass_page(
    request: Request,
    session: Annotated[WebSession, Depends(viewer(REVIEW))],
    reviewed: Annotated[bool, Query()] = False,
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    return await _list(request, session, reviewed, page_number, None, FormErrors(), {})


@router.post("/app/admin/break-glass/{audit_id}/review")
async def review(
    request: Request, session: Annotated[WebSession, Depends(actor(REVIEW))], audit_id: str
) -> Response:
    if not audit_id.isdigit() or not 1 <= int(audit_id) <= MAX_ID:
        raise PageError(404, "There is no break-glass access with that number.")
    form = await form_of(request)
    answer = await api_for(request, session).post(
        f"/audit/break-glass/{audit_id}/review",
        form.body("note"),
        key=form.get("idempotency_key"),
    )
    if answer.ok:
        return done(request, PAGE, f"Your review of access {audit_id} was recorded.")
    errors = answer.errors()
    if answer.status == 409:
        errors = FormErrors(summary=f"Access {audit_id} has been reviewed already.")
    elif "note" in errors.fields:
        errors.fields["note"] = "Say what the review found, in at least 3 characters"
    status = answer.status if answer.status in (404, 409) else 422
    return await _list(request, session, False, 1, int(audit_id), errors, form.kept(), status)


async def _list(
    request: Request,
    session: WebSession,
    reviewed: bool,
    page_number: int,
    reviewing: int | None,
    errors: FormErrors,
    values: dict[str, str],
    status: int = 200,
) -> Response:
    api = api_for(request, session)
    found: dict[str, Any] = shown(
        await api.get(
            "/audit/break-glass", reviewed=reviewed, page=page_number, page_size=PAGE_SIZE
        )
    ).body
    chain = None
    if allowed(session.user.role, "audit.read"):
        chain = shown(await api.get("/audit/verify")).body
    return page(
        request,
        session,
        "admin/break_glass.html.j2",
        title="Break-glass review",
        status=status,
        errors=errors,
        values=values,
        found=found,
        reviewed=reviewed,
        reviewing=reviewing,
        chain=chain,
        pages=-(-int(found["total"]) // PAGE_SIZE),
        page_number=page_number,
    )
