"""The community assets directory: search by name, filter by district and kind, page through;
one asset's page; coordinators and administrators add, check and retire assets through the
forms (errors beside the fields, what was typed kept), others only read."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.web.conftest import Browsers

DIRECTORY = "/app/assets"
NEW = "/app/assets/new"
WALKING = {
    "name": "Oak Tree Lane Walking Group",
    "category": "group",
    "district": "Mansfield",
    "description": "A gentle walk every Tuesday at ten",
    "contact": "oaktree.walks@example.org",
    "accessibility": "Flat route, benches on the way",
}
ASSET_LINK = re.compile(r'href="/app/assets/([0-9a-f-]{36})"')


def add(api: Api, **fields: Any) -> str:
    response = api.post("admin", "/assets", {**WALKING, **fields})
    assert response.status_code == 201, response.text
    assert api.runtime.wait_for(int(response.json()["position"]), 10)
    return str(response.json()["id"])


def asset(api: Api, asset_id: str) -> dict[str, Any]:
    response = api.get("coordinator", f"/assets/{asset_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.fixture
def directory(api: Api) -> dict[str, str]:
    return {
        "walking": add(api),
        "cafe": add(api, name="Ashfield Memory Cafe", category="place", district="Ashfield"),
        "choir": add(
            api, name="Rushcliffe Community Choir", category="activity", district="Rushcliffe"
        ),
    }


def test_the_directory_lists_searches_and_filters(
    directory: dict[str, str], browsers: Browsers
) -> None:
    social_worker = browsers.signed_in("social_worker")
    everything = social_worker.get(DIRECTORY)
    assert everything.status_code == 200
    assert "3 assets" in everything.text and "Ashfield Memory Cafe" in everything.text
    assert "Add a community asset" not in everything.text  # social workers only read
    by_name = social_worker.get(DIRECTORY, q="memory")
    assert "1 asset found" in by_name.text
    assert ASSET_LINK.findall(by_name.text) == [directory["cafe"]]
    assert 'value="memory"' in by_name.text
    by_district = social_worker.get(DIRECTORY, district="Rushcliffe")
    assert ASSET_LINK.findall(by_district.text) == [directory["choir"]]
    assert '<option value="Rushcliffe" selected>' in by_district.text
    by_kind = social_worker.get(DIRECTORY, category="group")
    assert ASSET_LINK.findall(by_kind.text) == [directory["walking"]]
    nothing = social_worker.get(DIRECTORY, q="bowls", district="Mansfield")
    assert "0 assets found" in nothing.text and "Nothing matches" in nothing.text


def test_a_bad_filter_shows_the_error_beside_it(browsers: Browsers) -> None:
    page = browsers.signed_in("evaluator").get(DIRECTORY, category="pub")
    assert page.status_code == 422
    assert 'id="category-error"' in page.text


def test_the_directory_pages_through_many_assets(api: Api, browsers: Browsers) -> None:
    for n in range(22):
        add(api, name=f"Bassetlaw Lunch Club {n:02d}", district="Bassetlaw")
    coordinator = browsers.signed_in("coordinator")
    first = coordinator.get(DIRECTORY, district="Bassetlaw")
    assert "Page 1 of 2" in first.text and len(ASSET_LINK.findall(first.text)) == 20
    assert 'href="/app/assets?district=Bassetlaw&amp;page=2"' in first.text
    second = coordinator.get(DIRECTORY, district="Bassetlaw", page="2")
    assert "Page 2 of 2" in second.text and len(ASSET_LINK.findall(second.text)) == 2
    assert 'rel="prev"' in second.text and 'rel="next"' not in second.text


def test_one_assets_page(directory: dict[str, str], browsers: Browsers) -> None:
    page = browsers.signed_in("evaluator").get(f"{DIRECTORY}/{directory['walking']}")
    assert page.status_code == 200
    assert "<h1" in page.text and "Oak Tree Lane Walking Group</h1>" in page.text
    assert "Flat route, benches on the way" in page.text
    assert "Retire the asset" not in page.text  # evaluators only read
    missing = browsers.signed_in("evaluator").get(f"{DIRECTORY}/not-an-id")
    assert missing.status_code == 404
    unknown = browsers.signed_in("evaluator").get(
        f"{DIRECTORY}/{'0' * 8}-0000-4000-8000-{'0' * 12}"
    )
    assert unknown.status_code == 404


def test_a_coordinator_adds_an_asset_through_the_form(api: Api, browsers: Browsers) -> None:
    coordinator = browsers.signed_in("coordinator")
    assert "Add a community asset" in coordinator.get(DIRECTORY).text
    page = coordinator.submit(NEW, {**WALKING, "last_verified_on": "2026-01-12"}, page=NEW)
    assert page.status_code == 200
    assert "The asset was added to the directory." in page.text
    assert "Oak Tree Lane Walking Group</h1>" in page.text
    asset_id = str(page.url).rsplit("/", 1)[1].split("?")[0]
    found = asset(api, asset_id)
    assert (found["name"], found["district"], found["category"]) == (
        WALKING["name"],
        "Mansfield",
        "group",
    )
    assert found["last_verified_on"] == "2026-01-12"
    assert "1 asset" in coordinator.get(DIRECTORY).text


def test_adding_without_a_name_or_kind_shows_errors_and_keeps_the_rest(
    api: Api, browsers: Browsers
) -> None:
    admin = browsers.signed_in("admin")
    position = api.log_position()
    page = admin.submit(NEW, {**WALKING, "name": "", "category": ""}, page=NEW)
    assert page.status_code == 422
    assert 'id="name-error"' in page.text and 'id="category-error"' in page.text
    assert 'value="oaktree.walks@example.org"' in page.text
    assert "A gentle walk every Tuesday at ten</textarea>" in page.text
    assert api.log_position() == position  # nothing recorded


def test_an_asset_is_checked_then_retired(
    api: Api, directory: dict[str, str], browsers: Browsers
) -> None:
    coordinator = browsers.signed_in("coordinator")
    url = f"{DIRECTORY}/{directory['cafe']}"
    page = coordinator.get(url)
    assert "Record the check" in page.text
    checked = coordinator.submit(f"{url}/verify", {"verified_on": "2026-02-03"}, page=url)
    assert "recorded as checked" in checked.text and "3 February 2026" in checked.text
    assert asset(api, directory["cafe"])["last_verified_on"] == "2026-02-03"
    no_reason = coordinator.submit(f"{url}/retire", {"reason": ""}, page=url)
    assert no_reason.status_code == 422 and 'id="reason-error"' in no_reason.text
    assert asset(api, directory["cafe"])["retired"] is False
    retired = coordinator.submit(f"{url}/retire", {"reason": "The cafe closed in March"}, page=url)
    assert "The asset was retired." in retired.text and "no longer runs" in retired.text
    assert asset(api, directory["cafe"])["retired"] is True
    listed = coordinator.get(DIRECTORY)
    assert directory["cafe"] not in ASSET_LINK.findall(listed.text)
    with_retired = coordinator.get(DIRECTORY, include_retired="true")
    assert directory["cafe"] in ASSET_LINK.findall(with_retired.text)


def test_readers_cannot_add_check_or_retire(
    api: Api, directory: dict[str, str], browsers: Browsers
) -> None:
    evaluator = browsers.signed_in("evaluator")
    assert evaluator.get(NEW).status_code == 403
    position = api.log_position()
    url = f"{DIRECTORY}/{directory['walking']}"
    refused = evaluator.submit(f"{url}/retire", {"reason": "closed"}, page=url, follow=False)
    assert refused.status_code == 403
    assert evaluator.submit(NEW, WALKING, page=url, follow=False).status_code == 403
    assert api.log_position() == position
    assert browsers.signed_in("device_officer").get(DIRECTORY).status_code == 403
