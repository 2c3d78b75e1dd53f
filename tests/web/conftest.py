"""Page tests: the real app in-process (embedded SQLite, in-process projector), driven through
its HTML with a cookie-keeping client per signed-in user, as a browser would."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import (  # noqa: F401  (fixtures shared with the API tests)
    PASSWORD,
    Api,
    api,
    quick_password_hashing,
    runtime,
    settings,
)

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@dataclass
class Browser:
    """One person's browser: its own cookies, signed in through the sign-in page."""

    client: TestClient
    last: httpx.Response | None = None

    def get(self, url: str, **params: Any) -> httpx.Response:
        self.last = self.client.get(url, params=params, follow_redirects=True)
        return self.last

    def submit(
        self, url: str, fields: dict[str, Any], *, page: str | None = None, follow: bool = True
    ) -> httpx.Response:
        """Send a form as the page at `page` (default: the last page seen) would: with that
        page's CSRF token and a fresh idempotency key unless one is given."""
        html = self.get(page).text if page else (self.last.text if self.last else "")
        data = {"csrf_token": csrf_of(html), **fields}
        self.last = self.client.post(url, data=data, follow_redirects=follow)
        return self.last


@dataclass
class Browsers:
    api: Api
    open: dict[str, Browser] = field(default_factory=dict)

    def signed_in(self, username: str, password: str = PASSWORD) -> Browser:
        if username in self.open:
            return self.open[username]
        client = TestClient(self.api.client.app, base_url="http://testserver")
        browser = Browser(client)  # the api fixture's client has started the app
        response = browser.submit(
            "/app/sign-in",
            {"username": username, "password": password},
            page="/app/sign-in",
            follow=False,
        )
        assert response.status_code == 303, response.text
        assert client.cookies.get("lac_session"), "no session cookie after signing in"
        self.open[username] = browser
        return browser

    def anonymous(self) -> Browser:
        return Browser(TestClient(self.api.client.app, base_url="http://testserver"))


@pytest.fixture
def browsers(api: Api) -> Iterator[Browsers]:  # noqa: F811
    opened = Browsers(api)
    yield opened
    for browser in opened.open.values():
        browser.client.close()
