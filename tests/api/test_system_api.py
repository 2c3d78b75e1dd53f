"""Liveness, readiness (with projection lag) and the published API description."""

from __future__ import annotations

from tests.api.conftest import Api


def test_health(api: Api) -> None:
    response = api.client.get("/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_ready_reports_checks_and_projection_positions(api: Api) -> None:
    made = api.register()
    # Read your own write: once this answers, every read model has the registration.
    assert api.get("coordinator", "/people", min_position=made["position"]).status_code == 200
    response = api.get("evaluator", "/ready")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"] == {"event_store": "ok", "read_models": "ok", "projections": "ok"}
    assert body["log_position"] == made["position"]
    assert set(body["projections"]) == {
        "people",
        "referrals",
        "casework",
        "assets",
        "devices",
        "report_facts",
    }
    for projection in body["projections"].values():
        assert projection == {"position": made["position"], "behind": 0}


def test_ready_on_an_empty_system(api: Api) -> None:
    body = api.get("device_officer", "/ready").json()
    assert body["log_position"] == 0
    assert all(p["behind"] == 0 for p in body["projections"].values())


def test_min_position_must_not_be_negative(api: Api) -> None:
    response = api.get("coordinator", "/people", min_position=-1)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "min_position"]


def test_a_position_never_reached_is_503_with_retry_after(api: Api) -> None:
    api.runtime.settings.wait_timeout_seconds = 0.2
    response = api.get("coordinator", "/people", min_position=api.log_position() + 1000)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert "have not reached position" in response.json()["detail"]


def test_openapi_and_docs_are_served(api: Api) -> None:
    spec = api.client.get("/openapi.json")
    assert spec.status_code == 200
    document = spec.json()
    assert document["info"]["title"] == "Local Area Coordination"
    paths = document["paths"]
    for path in [
        "/people",
        "/people/{person_id}",
        "/people/{person_id}/timeline",
        "/referrals",
        "/referrals/inbox",
        "/referrals/mine",
        "/referrals/{referral_id}",
        "/referrals/{referral_id}/accept",
        "/auth/token",
        "/ready",
    ]:
        assert path in paths, path
    assert set(paths["/people"]) == {"get", "post"}
    docs = api.client.get("/docs")
    assert docs.status_code == 200
    assert "text/html" in docs.headers["content-type"]
    assert "/openapi.json" in docs.text


def test_docs_pages_load_nothing_from_outside(api: Api) -> None:
    for page in ("/docs", "/redoc"):
        html = api.client.get(page).text
        assert "cdn." not in html and "unpkg" not in html and "https://" not in html
    docs = api.client.get("/docs").text
    assert "/static-offline-docs/swagger-ui-bundle.js" in docs
    script = api.client.get("/static-offline-docs/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000
