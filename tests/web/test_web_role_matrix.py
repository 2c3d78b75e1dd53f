"""The role matrix for the pages: every page and form x every role. A page names the action it
needs (api/roles.py); a role not granted it gets the 403 page, for forms even with a valid CSRF
token, and nothing is recorded. The pages' data comes from the API as the user, so the API's own
matrix (tests/api/test_role_matrix.py) also holds behind every page."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi import FastAPI

from api.roles import Role, allowed
from tests.api.test_role_matrix import every_route
from tests.web.conftest import Browsers

# Pages anyone may open: signing in, and the redirects to each role's home.
PUBLIC = {"GET /", "GET /app/", "GET /app/sign-in", "POST /app/sign-in", "POST /app/sign-out"}
USERNAME = {
    Role.COORDINATOR: "coordinator",
    Role.SOCIAL_WORKER: "social_worker",
    Role.DEVICE_OFFICER: "device_officer",
    Role.EVALUATOR: "evaluator",
    Role.ADMIN: "admin",
}


def web_routes(app: FastAPI) -> dict[str, str | None]:
    """ "METHOD /app/path" -> the action its guard needs (None: no guard)."""
    routes = every_route(app)
    found: dict[str, str | None] = {}
    for route in routes:
        path = getattr(route, "path", "")
        if not (path == "/" or path.startswith("/app")) or not getattr(route, "methods", None):
            continue
        actions = [getattr(dep.call, "action", None) for dep in route.dependant.dependencies]
        action = next((a for a in actions if a), None)
        for method in route.methods - {"HEAD"}:
            found[f"{method} {path}"] = action
    return found


def filled(path: str) -> str:
    return re.sub(
        r"\{[^}]+\}", lambda m: "2021" if "year" in m.group(0) else str(uuid.uuid4()), path
    )


def test_every_page_is_public_or_guarded(browsers: Browsers) -> None:
    routes = web_routes(browsers.api.client.app)  # type: ignore[arg-type]
    assert routes, "no pages found"
    unguarded = sorted(r for r, action in routes.items() if action is None and r not in PUBLIC)
    assert unguarded == []
    assert sorted(PUBLIC - set(routes)) == []


@pytest.mark.parametrize("role", list(Role))
def test_every_page_refuses_the_roles_not_granted_it(browsers: Browsers, role: Role) -> None:
    browser = browsers.signed_in(USERNAME[role])
    home = browser.get("/app/")
    assert home.status_code == 200, home.text[:500]
    position = browsers.api.log_position()
    routes = web_routes(browsers.api.client.app)  # type: ignore[arg-type]
    for route, action in sorted(routes.items()):
        if action is None or allowed(role, action):
            continue
        method, path = route.split(" ", 1)
        url = filled(path)
        if method == "GET":
            response = browser.client.get(url)
        else:
            response = browser.submit(url, {}, page="/app/", follow=False)
        assert response.status_code == 403, f"{role.value} {route}: {response.status_code}"
        assert "cannot use this page" in response.text, route
    assert browsers.api.log_position() == position  # nothing recorded by any refused form


@pytest.mark.parametrize("role", list(Role))
def test_every_page_without_an_id_opens_for_the_roles_granted_it(
    browsers: Browsers, role: Role
) -> None:
    browser = browsers.signed_in(USERNAME[role])
    routes = web_routes(browsers.api.client.app)  # type: ignore[arg-type]
    for route, action in sorted(routes.items()):
        method, path = route.split(" ", 1)
        if method != "GET" or "{" in path or action is None or not allowed(role, action):
            continue
        response = browser.client.get(path)
        assert response.status_code == 200, f"{role.value} {route}: {response.text[:300]}"
