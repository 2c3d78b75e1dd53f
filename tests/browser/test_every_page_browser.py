"""Every page of the service, opened in a real browser by a role that may use it, with real
records behind it: each passes axe-core (WCAG 2.2 AA) at 360 px and 1280 px, nothing but a wide
table scrolls sideways on a phone, and a screenshot is saved at each width. A page added without
being toured here fails the last check."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import httpx
import pytest
from playwright.sync_api import Page

from api.roles import Role, allowed
from tests.api.conftest import Api, nhs_number, person_body
from tests.api.device_world import Devices
from tests.browser.harness import PASSWORD, USERNAMES, Site, check_page
from tests.browser.test_anne_journey_browser import scheme_year
from tests.web.test_web_role_matrix import web_routes

SIGNS_IN_AS = {
    "social_worker": Role.SOCIAL_WORKER,
    "coordinator": Role.COORDINATOR,
    "admin": Role.ADMIN,
}
# Not pages but ways on: redirects, and the download (a file, not a page).
NOT_PAGES = {"GET /", "GET /app/", "GET /app/reports/download"}
LOAN_ACTIONS = ("session", "ticket", "extend", "return", "end", "gift", "cancel")


@dataclass(frozen=True)
class Records:
    person: str
    referral: str
    goal: str
    asset: str
    loan: str
    year: str


@pytest.fixture(scope="module")
def records(site: Site) -> Iterator[Records]:
    """A person referred and accepted with a goal, a community asset, and a kit reserved for
    her in this year's device scheme."""
    with httpx.Client(base_url=site.base_url, timeout=30) as client:
        api = Api(client, site.runtime, {})  # type: ignore[arg-type]  # an httpx client will do
        for name, role in SIGNS_IN_AS.items():
            answer = client.post(
                "/auth/token", data={"username": USERNAMES[role], "password": PASSWORD}
            )
            api.tokens[name] = answer.json()["access_token"]
        referred = api.refer(person=person_body(name="Tour Person", nhs_number=nhs_number()))
        person = str(referred["person_id"])
        accepted = api.post("coordinator", f"/referrals/{referred['id']}/accept", {})
        assert accepted.status_code == 200, accepted.text
        goal = api.post("coordinator", f"/people/{person}/involvement/goals", {"text": "Walk"})
        assert goal.status_code == 201, goal.text
        asset = {"name": "Oak Tree Walking Group", "category": "group", "district": "Mansfield"}
        listed = api.post("coordinator", "/assets", asset)
        assert listed.status_code == 201, listed.text
        loan, year = _kit_reserved(site, UUID(person))
        assert site.runtime.wait_for(site.runtime.app.log_position(), 60)
        yield Records(
            person,
            str(referred["id"]),
            str(goal.json()["id"]),
            str(listed.json()["id"]),
            loan,
            year,
        )


def _kit_reserved(site: Site, person: UUID) -> tuple[str, str]:
    world = Devices(
        site.runtime.app,
        officer=site.users[Role.DEVICE_OFFICER].id,
        worker=site.users[Role.SOCIAL_WORKER].id,
        year=scheme_year(datetime.now(UTC).date()),
    )
    world.open(capacity=10)
    world.refer(person)
    tablet = world.tablet()
    world.enrol(tablet)
    return str(world.reserve(person, world.kit(tablet, world.sim()))), world.year


def pages(records: Records) -> dict[str, list[str]]:
    """Each GET page's route -> the concrete addresses toured for it."""
    person = f"/app/people/{records.person}"
    loan = f"/app/devices/people/{records.person}/loans/{records.loan}"
    fill = {
        "{person_id}": records.person,
        "{referral_id:uuid}": records.referral,
        "{goal_id}": records.goal,
        "{asset_id}": records.asset,
        "{loan_id}": records.loan,
        "{year}": records.year,
    }
    toured: dict[str, list[str]] = {}
    for route in web_routes_of_site():
        method, path = route.split(" ", 1)
        if method != "GET" or route in NOT_PAGES:
            continue
        if path.endswith("{action}"):
            base = path.removesuffix("/{action}")
            toured[route] = [_filled(base, fill) + f"/{action}" for action in LOAN_ACTIONS]
        else:
            toured[route] = [_filled(path, fill)]
    assert toured[f"GET {'/app/people/{person_id}'}"] == [person]
    assert toured["GET /app/devices/people/{person_id}/loans/{loan_id}"] == [loan]
    return toured


def _filled(path: str, fill: dict[str, str]) -> str:
    for key, value in fill.items():
        path = path.replace(key, value)
    assert "{" not in path, path
    return path


def web_routes_of_site() -> dict[str, str | None]:
    from api.main import create_app

    return web_routes(create_app())


def role_for(action: str | None) -> Role | None:
    """Who tours a page: the first role granted it (None: the sign-in page, signed out)."""
    if action is None:
        return None
    return next(role for role in Role if allowed(role, action))


def name_of(url: str) -> str:
    return "page-" + re.sub(r"[^a-z0-9]+", "-", re.sub(r"[0-9a-f-]{36}", "id", url)).strip("-")


def test_every_page_passes_axe_at_phone_and_desktop_width(site: Site, records: Records) -> None:
    routes = web_routes_of_site()
    opened: dict[Role | None, Page] = {}
    toured = pages(records)
    for route, urls in sorted(toured.items()):
        role = role_for(routes[route])
        if role not in opened:
            opened[role] = (
                site.page_as(role) if role else site.browser.new_page(base_url=site.base_url)
            )
        page = opened[role]
        for url in urls:
            answer = page.goto(url)
            assert answer is not None and answer.status == 200, (url, role)
            check_page(page, name_of(url))
    every_get = {r for r in routes if r.startswith("GET ")} - NOT_PAGES
    assert sorted(every_get - set(toured)) == []
    for page in opened.values():
        page.context.close()
