"""Pages: the administrator's. Users (list and add) here; reference data and the break-glass
review in their own modules, whose routes this router includes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from api.roles import Role
from api.web import pages_admin_break_glass, pages_admin_reference, pages_admin_scheme
from api.web.forms import FormErrors
from api.web.guards import actor, api_for, done, form_of, shown, viewer
from api.web.render import label, page
from api.web.session import WebSession, runtime_of

router = APIRouter(include_in_schema=False)
router.include_router(pages_admin_reference.router)
router.include_router(pages_admin_scheme.router)
router.include_router(pages_admin_break_glass.router)

USERS = "/app/admin/users"
FIELDS = ("username", "full_name", "role", "password", "district")
# The API's wording for what a field must look like, said plainly beside the field.
PLAINLY = {
    "username": "Use 3 to 80 letters, numbers, full stops, dashes, underscores or @, no spaces",
    "password": "Enter a password of at least 12 characters",
    "full_name": "Enter the person's full name",
    "role": "Choose a role",
}


def role_options() -> list[tuple[str, str]]:
    return [(role.value, label(role.value)) for role in Role]


def district_options(request: Request) -> list[tuple[str, str]]:
    return [(d, d) for d in runtime_of(request).settings.districts]


@router.get("/app/admin/users")
async def users_page(
    request: Request, session: Annotated[WebSession, Depends(viewer("users.manage"))]
) -> Response:
    return await _users(request, session, FormErrors(), {})


@router.post("/app/admin/users")
async def add_user(
    request: Request, session: Annotated[WebSession, Depends(actor("users.manage"))]
) -> Response:
    form = await form_of(request)
    body = form.body(*FIELDS)
    answer = await api_for(request, session).post("/users", body, key=form.get("idempotency_key"))
    if answer.ok:
        return done(request, USERS, "The user was added. They can sign in now.")
    if answer.status == 409:
        errors = FormErrors({"username": "That username is taken: choose another"})
    else:
        errors = answer.errors()
        errors.fields = {name: PLAINLY.get(name, m) for name, m in errors.fields.items()}
    kept = {k: v for k, v in form.kept().items() if k != "password"}  # never sent back
    return await _users(request, session, errors, kept, status=answer.form_status)


async def _users(
    request: Request,
    session: WebSession,
    errors: FormErrors,
    values: dict[str, str],
    status: int = 200,
) -> Response:
    listed: list[dict[str, Any]] = shown(await api_for(request, session).get("/users")).body
    return page(
        request,
        session,
        "admin/users.html.j2",
        title="Users",
        status=status,
        errors=errors,
        values=values,
        users=sorted(listed, key=lambda u: (u["role"], u["full_name"].lower())),
        roles=role_options(),
        districts=district_options(request),
    )
