"""The community assets directory and community work over HTTP: record, change, who may."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from domain.codes import AssetCategory, CommunityWorkKind
from tests.api.conftest import Api
from tests.api.test_involvements_api import assert_refused, events_of

TODAY = datetime.now(UTC).date()


def asset(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Oak Tree Lane Walking Group",
        "category": "group",
        "district": "Mansfield",
        "description": "A gentle walk every Tuesday, then tea",
        "contact": "Jean, 01623 000000",
        "accessibility": "Flat route; the café has step-free access",
        "last_verified_on": (TODAY - timedelta(days=30)).isoformat(),
    }
    body.update(overrides)
    return body


def work(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "helping_find_funding",
        "district": "Mansfield",
        "description": "Helped the walking group apply to the community chest",
        "minutes": 90,
        "occurred_on": TODAY.isoformat(),
    }
    body.update(overrides)
    return body


def listed(api: Api, username: str = "coordinator", **overrides: Any) -> str:
    response = api.post(username, "/assets", asset(**overrides))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def details(api: Api, asset_id: str) -> dict[str, Any]:
    return dict(api.runtime.app.get_asset(uuid.UUID(asset_id)).details)


def test_list_an_asset(api: Api) -> None:
    response = api.post("coordinator", "/assets", asset())
    assert response.status_code == 201, response.text
    made = response.json()
    assert response.headers["X-Log-Position"] == str(made["position"]) == str(api.log_position())
    found = details(api, made["id"])
    assert found["name"] == "Oak Tree Lane Walking Group"
    assert (found["category"], found["district"]) == (AssetCategory.GROUP, "Mansfield")
    assert found["last_verified_on"] == TODAY - timedelta(days=30)
    assert found["accessibility"] == asset()["accessibility"]


def test_an_administrator_may_list_assets_too(api: Api) -> None:
    asset_id = listed(api, "admin", name="Warsop Library", category="place")
    assert details(api, asset_id)["category"] is AssetCategory.PLACE


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"district": "Atlantis"}, ["body", "district"]),
        ({"category": "club"}, ["body", "category"]),
        ({"name": ""}, ["body", "name"]),
        (
            {"last_verified_on": (TODAY + timedelta(days=3)).isoformat()},
            ["body", "last_verified_on"],
        ),
        ({"owner": "me"}, ["body", "owner"]),
    ],
)
def test_a_bad_asset_is_422_and_records_nothing(
    api: Api, overrides: dict[str, Any], loc: list[str]
) -> None:
    refused = assert_refused(api, "coordinator", "POST", "/assets", asset(**overrides), 422)
    assert refused["detail"][0]["loc"] == loc


def test_update_verify_and_retire(api: Api) -> None:
    asset_id = listed(api)
    moved = asset(name="Oak Tree Walkers", district="Ashfield", last_verified_on=None)
    updated = api.put("coordinator", f"/assets/{asset_id}", moved)
    assert updated.status_code == 200, updated.text
    assert (details(api, asset_id)["name"], details(api, asset_id)["district"]) == (
        "Oak Tree Walkers",
        "Ashfield",
    )
    elsewhere = assert_refused(
        api, "coordinator", "PUT", f"/assets/{asset_id}", asset(district="Narnia"), 422
    )
    assert elsewhere["detail"][0]["loc"] == ["body", "district"]
    verify = f"/assets/{asset_id}/verify"
    assert api.post("coordinator", verify, {"verified_on": TODAY.isoformat()}).status_code == 200
    assert details(api, asset_id)["last_verified_on"] == TODAY
    tomorrow = {"verified_on": (TODAY + timedelta(days=1)).isoformat()}
    assert assert_refused(api, "coordinator", "POST", verify, tomorrow, 422)["detail"][0][
        "loc"
    ] == [
        "body",
        "verified_on",
    ]
    retire = f"/assets/{asset_id}/retire"
    assert api.post("admin", retire, {"reason": "the group stopped meeting"}).status_code == 200
    assert api.runtime.app.get_asset(uuid.UUID(asset_id)).retired
    assert_refused(api, "coordinator", "POST", retire, {"reason": "again"}, 409)
    assert_refused(api, "coordinator", "PUT", f"/assets/{asset_id}", asset(), 409)
    assert_refused(api, "coordinator", "POST", verify, {"verified_on": TODAY.isoformat()}, 409)
    names = [type(e).__name__ for e in api.runtime.app.history(uuid.UUID(asset_id))]
    assert names == ["Listed", "Updated", "Verified", "Retired"]


def test_an_unknown_asset_is_404(api: Api) -> None:
    unknown = str(uuid.uuid4())
    for method, url, body in (
        ("PUT", f"/assets/{unknown}", asset()),
        ("POST", f"/assets/{unknown}/verify", {"verified_on": TODAY.isoformat()}),
        ("POST", f"/assets/{unknown}/retire", {"reason": "gone"}),
    ):
        refused = assert_refused(api, "coordinator", method, url, body, 404)
        assert refused == {"detail": f"no community asset with id {unknown}"}


def test_an_asset_retried_with_its_key_is_listed_once(api: Api) -> None:
    answers = [api.post("coordinator", "/assets", asset(), key="asset-1") for _ in range(3)]
    assert {r.status_code for r in answers} == {201}
    assert len({r.json()["id"] for r in answers}) == 1
    assert api.log_position() == answers[0].json()["position"]


@pytest.mark.parametrize("username", ["social_worker", "device_officer", "evaluator"])
def test_other_roles_may_not_manage_assets(api: Api, username: str) -> None:
    asset_id = listed(api)
    for method, url, body in (
        ("POST", "/assets", asset()),
        ("PUT", f"/assets/{asset_id}", asset()),
        ("POST", f"/assets/{asset_id}/verify", {"verified_on": TODAY.isoformat()}),
        ("POST", f"/assets/{asset_id}/retire", {"reason": "gone"}),
    ):
        assert_refused(api, username, method, url, body, 403)


def test_record_community_work(api: Api) -> None:
    asset_id = listed(api)
    response = api.post("coordinator", "/community-work", work(asset_id=asset_id))
    assert response.status_code == 201, response.text
    made = response.json()
    found = api.runtime.app.repository.get(uuid.UUID(made["id"]))
    assert (found.kind, found.district) == (CommunityWorkKind.FINDING_FUNDING, "Mansfield")
    recorded = events_of(api, found.id)[0]
    assert (recorded.asset_id, recorded.minutes) == (uuid.UUID(asset_id), 90)
    assert recorded.occurred_on == date.fromisoformat(work()["occurred_on"])
    gap = work(kind="gap_in_what_is_offered", description="Nothing for young carers in Warsop")
    assert api.post("coordinator", "/community-work", gap).status_code == 201


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"district": "Atlantis"}, ["body", "district"]),
        ({"asset_id": str(uuid.uuid4())}, ["body", "asset_id"]),
        ({"minutes": 0}, ["body", "minutes"]),
        ({"occurred_on": (TODAY + timedelta(days=2)).isoformat()}, ["body", "occurred_on"]),
        ({"kind": "fundraising"}, ["body", "kind"]),
        ({"description": ""}, ["body", "description"]),
    ],
)
def test_bad_community_work_is_422_and_records_nothing(
    api: Api, overrides: dict[str, Any], loc: list[str]
) -> None:
    refused = assert_refused(api, "coordinator", "POST", "/community-work", work(**overrides), 422)
    assert refused["detail"][0]["loc"] == loc


@pytest.mark.parametrize("username", ["social_worker", "device_officer", "evaluator", "admin"])
def test_only_coordinators_record_community_work(api: Api, username: str) -> None:
    assert_refused(api, username, "POST", "/community-work", work(), 403)
