"""The administrator's page of skipped (poison) events: empty, then listing one without its
content; other roles are refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.conftest import Api
from tests.integration.helpers import POISON_NAME, record_poison
from tests.web.conftest import Browsers

PAGE = "/app/admin/skipped-events"


@pytest.fixture
def pages(browsers: Browsers) -> Iterator[Browsers]:
    yield browsers


def test_with_nothing_skipped_the_page_says_so(pages: Browsers) -> None:
    page = pages.signed_in("admin").get(PAGE)
    assert page.status_code == 200
    assert '<h1 class="govuk-heading-l">Skipped events</h1>' in page.text
    assert "No event has been skipped" in page.text


def test_a_skipped_event_is_listed_without_its_content(api: Api, pages: Browsers) -> None:
    position = record_poison(api.runtime, api.users["admin"].id)
    after = api.register()
    assert api.runtime.wait_for(after["position"], 10)
    page = pages.signed_in("admin").get(PAGE)
    assert page.status_code == 200
    assert "1 event was skipped" in page.text
    assert f"People: event {position}" in page.text
    assert "domain.person:Person.Registered" in page.text
    assert "raised in projections/people.py:" in page.text
    assert "Skipped " in page.text and "4: first" in page.text
    assert POISON_NAME.split()[0] not in page.text


@pytest.mark.parametrize("role", ["coordinator", "social_worker", "device_officer", "evaluator"])
def test_other_roles_cannot_open_it(pages: Browsers, role: str) -> None:
    page = pages.signed_in(role).get(PAGE)
    assert page.status_code == 403
    assert "Skipped events" not in page.text
