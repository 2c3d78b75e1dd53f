"""Rendering pages: one template environment, the layout's context (who is signed in, what they
may reach, the confirmation of the last action, a kept draft), and the pages' errors."""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from api.roles import Role
from api.web.forms import FormErrors
from api.web.session import (
    CSRF_FIELD,
    FLASH_COOKIE,
    WebSession,
    drop_draft,
    open_draft,
    take_flash,
)

SERVICE = "Local Area Coordination"

# What each role finds in the navigation, in the order they use it; the first is their home.
NAV: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.COORDINATOR: (
        ("Who needs me next", "/app/home"),
        ("Referral inbox", "/app/referrals/inbox"),
        ("Find a person", "/app/people"),
        ("Community assets", "/app/assets"),
    ),
    Role.SOCIAL_WORKER: (
        ("Make a referral", "/app/referrals/new"),
        ("My referrals", "/app/referrals/mine"),
        ("Community assets", "/app/assets"),
    ),
    Role.DEVICE_OFFICER: (
        ("Stock board", "/app/devices/stock"),
        ("Device referrals", "/app/referrals/inbox"),
        ("Waiting list", "/app/devices/waiting-list"),
        ("Loans", "/app/devices/loans"),
        ("Scheme dashboard", "/app/devices/dashboard"),
    ),
    Role.EVALUATOR: (
        ("Committee reports", "/app/reports"),
        ("Scheme dashboard", "/app/devices/dashboard"),
        ("Community assets", "/app/assets"),
    ),
    Role.ADMIN: (
        ("Users", "/app/admin/users"),
        ("Reference data", "/app/admin/reference"),
        ("Break-glass review", "/app/admin/break-glass"),
        ("Skipped events", "/app/admin/skipped-events"),
        ("Community assets", "/app/assets"),
        ("Scheme dashboard", "/app/devices/dashboard"),
    ),
}


# The boxes ticked in a kept draft, while the page it belongs to renders.
DRAFT_LISTS: ContextVar[dict[str, list[str]] | None] = ContextVar("draft_lists", default=None)


def drafted(name: str, chosen: object) -> object:
    """The boxes ticked for a field: as kept in a draft, else as the page says."""
    return (DRAFT_LISTS.get() or {}).get(name, chosen)


def home_of(role: Role) -> str:
    return NAV[role][0][1]


def long_date(value: object) -> str:
    """3 May 2026 (GOV.UK style); '' for nothing."""
    if isinstance(value, str) and value:
        text = value
        try:
            value = datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
        except ValueError:
            return text
    if isinstance(value, datetime):
        return f"{value.day} {value:%B %Y}, {value:%H:%M}"
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return ""


def nhs(value: object) -> str:
    """An NHS number as people read and say it: 943 476 5919."""
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else str(value or "")


def label(value: object) -> str:
    """A code as words: 'mental_health' -> 'Mental health'."""
    text = str(value or "").replace("_", " ").replace("-", " ")
    return text[:1].upper() + text[1:]


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("api.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update({"long_date": long_date, "label": label, "nhs": nhs})
    env.globals.update(
        {"SERVICE": SERVICE, "CSRF_FIELD": CSRF_FIELD, "new_key": new_key, "drafted": drafted}
    )
    return env


def new_key() -> str:
    """An idempotency key for one form: submitting it twice records once."""
    return str(uuid.uuid4())


def page(
    request: Request,
    session: WebSession | None,
    template: str,
    *,
    title: str,
    status: int = 200,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    **context: Any,
) -> HTMLResponse:
    """A whole page in the layout. A draft kept when the session ran out on this page fills the
    form (and says so); the last action's confirmation shows once."""
    kept = open_draft(request, session.user) if session else None
    token = DRAFT_LISTS.set(kept.lists if kept else None)
    try:
        html = (
            environment()
            .get_template(template)
            .render(
                request=request,
                session=session,
                nav=NAV[session.user.role] if session else (),
                path=request.url.path,
                title=title,
                errors=errors or FormErrors(),
                values={**(values or {}), **(kept.fields if kept else {})},
                draft_restored=kept is not None,
                flash=take_flash(request),
                **context,
            )
        )
    finally:
        DRAFT_LISTS.reset(token)
    response = HTMLResponse(html, status_code=status)
    response.delete_cookie(FLASH_COOKIE, path="/")
    if kept is not None:
        drop_draft(response)
    return response
