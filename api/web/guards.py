"""Who may open a page or send a form: signed in, a role granted the page's action, and for a
form, a CSRF token bound to the session and a same-origin request. A form sent after the
session ran out keeps what was typed (sealed) for after signing in again."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from api.roles import allowed
from api.web.client import Answer, Api
from api.web.forms import Form
from api.web.session import (
    CSRF_FIELD,
    Draft,
    WebSession,
    keep_draft,
    lapsed_user_id,
    read_session,
    seal_draft,
    set_flash,
)

SIGN_IN = "/app/sign-in"
Guard = Callable[[Request], Awaitable[WebSession]]


class SignInNeeded(Exception):
    """No session (or it ran out): off to sign in, then back; `draft` keeps what was typed."""

    def __init__(self, back_to: str, draft: str | None = None, typed: bool = False) -> None:
        self.back_to = back_to
        self.draft = draft
        self.typed = typed  # a form was sent (its draft may have been too large to keep)


class PageError(Exception):
    """A page that cannot be shown (403, 404, 409, 503 ...), with a message in plain English."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def viewer(action: str) -> Guard:
    """A page's guard: a session whose role is granted `action`."""

    async def check(request: Request) -> WebSession:
        session = read_session(request)
        if session is None:
            raise SignInNeeded(_here(request))
        _ensure(session, action)
        return session

    check.action = action  # type: ignore[attr-defined]  # read by the role-matrix test
    return check


def actor(action: str) -> Guard:
    """A form's guard: as `viewer`, plus the same origin and the session's CSRF token."""

    async def check(request: Request) -> WebSession:
        _same_origin(request)
        form = Form.of(await request.form())
        session = read_session(request)
        if session is None:
            raise SignInNeeded(_back_to_form(request), _draft_of(request, form), typed=True)
        _ensure(session, action)
        token = form.get(CSRF_FIELD) or request.headers.get("x-csrf-token", "")
        if not token or token != session.csrf:
            raise PageError(
                403,
                "This form had expired or did not come from this service. Go back, reload "
                "the page and try again; nothing was recorded.",
            )
        return session

    check.action = action  # type: ignore[attr-defined]
    return check


async def form_of(request: Request) -> Form:
    return Form.of(await request.form())


def api_for(request: Request, session: WebSession) -> Api:
    return Api(request, session.token)


def shown(answer: Answer) -> Answer:
    """A read the page needs: anything but success stops the page with the API's reason."""
    if answer.ok:
        return answer
    raise PageError(answer.status, answer.detail() or answer.errors().summary or "")


def done(request: Request, to: str, message: str, position: int | None = None) -> Response:
    """After an action: back to a page (reading our own write) with a confirmation."""
    if position is not None:
        to = f"{to}{'&' if '?' in to else '?'}after={position}"
    response = RedirectResponse(to, status_code=303)
    set_flash(request, response, message)
    return response


def _ensure(session: WebSession, action: str) -> None:
    if not allowed(session.user.role, action):
        raise PageError(
            403, f"Your role ({session.user.role.value.replace('_', ' ')}) cannot use this page."
        )


def _here(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{request.url.path}{query}"


def _back_to_form(request: Request) -> str:
    """Where the form was: the page that sent it, when that is ours, else where it was sent."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.path.startswith("/app/") and referer.netloc in ("", request.url.netloc):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return request.url.path


def _draft_of(request: Request, form: Form) -> str | None:
    user_id = lapsed_user_id(request)
    if user_id is None:
        return None
    page_path = urlsplit(_back_to_form(request)).path
    return seal_draft(request, user_id, page_path, Draft(form.kept(), form.kept_lists()))


def _same_origin(request: Request) -> None:
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.url.netloc:
        raise PageError(403, "This form was sent from another site; nothing was recorded.")


def safe_next(value: str | None) -> str | None:
    """A place to go back to after signing in: a page of ours, never another site."""
    if value and value.startswith("/app/") and not value.startswith("//"):
        return value
    return None


def install(app: FastAPI) -> None:
    from api.web.render import page  # the layout needs the guards' exceptions, not vice versa

    @app.exception_handler(SignInNeeded)
    def to_sign_in(request: Request, exc: SignInNeeded) -> Response:
        response = RedirectResponse(f"{SIGN_IN}?next={quote(exc.back_to)}", status_code=303)
        if exc.draft:
            keep_draft(request, response, exc.draft)
            set_flash(
                request,
                response,
                "Your session ended. Sign in again: what you typed "
                "has been kept and nothing was recorded yet.",
            )
        elif exc.typed:
            set_flash(
                request,
                response,
                "Your session ended before that was saved, and what you typed could not be "
                "kept (it was too long). Nothing was recorded: sign in and enter it again.",
            )
        else:
            set_flash(request, response, "Sign in to continue.")
        return response

    @app.exception_handler(PageError)
    def page_error(request: Request, exc: PageError) -> Response:
        session = read_session(request)
        titles = {
            403: "You cannot use this page",
            404: "Page not found",
            409: "This changed at the same moment",
            503: "Try again in a moment",
        }
        response = page(
            request,
            session,
            "error.html.j2",
            status=exc.status,
            title=titles.get(exc.status, "Something went wrong"),
            message=exc.message,
        )
        if exc.status == 503:
            response.headers["Retry-After"] = "1"
        return response


def new_id() -> str:
    return str(uuid.uuid4())
