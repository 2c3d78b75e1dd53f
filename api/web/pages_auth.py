"""Signing in and out in the browser, and each role's home."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.roles import Role
from api.web.client import Api
from api.web.forms import FormErrors
from api.web.guards import PageError, form_of, safe_next
from api.web.render import home_of, page
from api.web.session import (
    CSRF_FIELD,
    SIGN_IN_COOKIE,
    csrf_for,
    csrf_matches,
    end_session,
    read_session,
    runtime_of,
    set_cookie,
    set_flash,
    sign_in_secret,
    start_session,
)

router = APIRouter(include_in_schema=False)


@router.get("/")
def front_door() -> RedirectResponse:
    return RedirectResponse("/app/", status_code=303)


@router.get("/app/")
def home(request: Request) -> RedirectResponse:
    session = read_session(request)
    return RedirectResponse(home_of(session.user.role) if session else "/app/sign-in", 303)


@router.get("/app/sign-in")
def sign_in_page(
    request: Request, next_: Annotated[str | None, Query(alias="next", max_length=500)] = None
) -> Response:
    return _sign_in_form(request, safe_next(next_), FormErrors(), {})


@router.post("/app/sign-in")
async def sign_in(request: Request) -> Response:
    form = await form_of(request)
    back_to = safe_next(form.get("next"))
    secret = request.cookies.get(SIGN_IN_COOKIE, "")
    runtime = runtime_of(request)
    if not secret or not csrf_matches(csrf_for(runtime, secret), form.get(CSRF_FIELD)):
        errors = FormErrors(summary="The sign-in form had expired. Try again.")
        return _sign_in_form(request, back_to, errors, {"username": form.get("username")})
    errors = FormErrors()
    if not form.get("username"):
        errors.add("username", "Enter your username")
    if not form.get("password"):
        errors.add("password", "Enter your password")
    if errors:
        return _sign_in_form(request, back_to, errors, {"username": form.get("username")})
    answer = await Api(request, None).call(
        "POST",
        "/auth/token",
        data={"username": form.get("username"), "password": form.get("password")},
    )
    if not answer.ok:
        message = answer.detail() or "Sign-in failed"
        errors = FormErrors(summary=message[:1].upper() + message[1:] + ".")
        return _sign_in_form(
            request,
            back_to,
            errors,
            {"username": form.get("username")},
            status=answer.status if answer.status == 429 else 200,
        )
    role = Role(answer.body["role"])
    response = RedirectResponse(back_to or home_of(role), status_code=303)
    start_session(request, response, answer.body["access_token"], answer.body["expires_in"])
    return response


@router.post("/app/sign-out")
async def sign_out(request: Request) -> Response:
    session = read_session(request)
    form = await form_of(request)
    response = RedirectResponse("/app/sign-in", status_code=303)
    if session is not None:
        if not csrf_matches(session.csrf, form.get(CSRF_FIELD)):
            raise PageError(403, "That sign-out form had expired; use the sign-out button again.")
        await Api(request, session.token).call("POST", "/auth/logout")
    end_session(response)
    set_flash(request, response, "You have signed out.")
    return response


def _sign_in_form(
    request: Request,
    back_to: str | None,
    errors: FormErrors,
    values: dict[str, str],
    status: int = 200,
) -> Response:
    secret = sign_in_secret(request)
    response = page(
        request,
        read_session(request),
        "sign_in.html.j2",
        title="Sign in",
        errors=errors,
        values=values,
        status=status,
        sign_in_csrf=csrf_for(runtime_of(request), secret),
        back_to=back_to or "",
    )
    set_cookie(request, response, SIGN_IN_COOKIE, secret, 3600)
    return response
