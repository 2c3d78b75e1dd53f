"""Committee reports over HTTP: each format, reproducible by position, the internal view,
bad parameters, unit costs and pseudonymised extracts, on a tiny population made through the
API (refer with a new person, accept, which opens the involvement, log a contact, record an
outcome)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.casework_world import Casework
from tests.api.conftest import ROLES, Api, nhs_number, person_body
from tests.api.test_report_role_matrix import COSTS, EXTRACT, REPORT

URL = "/reports/quarterly"
FORMATS = {
    "html": ("text/html; charset=utf-8", None),
    "pdf": ("application/pdf", "pdf"),
    "csv": ("application/zip", "zip"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", None),
}
PEOPLE = (
    ("Zebedee Quartermain", "NG19 7XY", "1948-06-15"),
    ("Philomena Ashcroft", "NG20 8QR", "1961-11-02"),
)


def ok(response: httpx.Response, code: int = 200) -> Any:
    assert response.status_code == code, response.text
    return response


def populate(api: Api) -> list[dict[str, str]]:
    """Two people referred and accepted, with a contact and an outcome each."""
    made = []
    for name, postcode, born in PEOPLE:
        person = person_body(
            name=name, postcode=postcode, date_of_birth=born, nhs_number=nhs_number()
        )
        referral = api.refer(person=person)
        # Accepting a LAC referral opens the involvement.
        ok(api.post("coordinator", f"/referrals/{referral['id']}/accept", {}))
        url = f"/people/{referral['person_id']}"
        contact = {
            "contact_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat(),
            "duration_minutes": 45,
            "mode": "in_person",
            "participants": ["person"],
            "purposes": ["listening"],
        }
        ok(api.post("coordinator", f"{url}/contacts", contact), 201)
        outcome = {
            "domain": "crisis_avoided",
            "occurred_on": datetime.now(UTC).date().isoformat(),
            "evidence": "stayed at home",
        }
        ok(api.post("coordinator", f"{url}/outcomes", outcome), 201)
        made.append({**person, "id": str(referral["person_id"])})
    return made


@pytest.fixture
def people(api: Api) -> list[dict[str, str]]:
    return populate(api)


def report(api: Api, who: str = "evaluator", **params: Any) -> httpx.Response:
    return api.get(who, URL, **{**REPORT, **params})


@pytest.mark.usefixtures("people")
def test_each_format_has_its_media_type_file_name_and_footer_headers(api: Api) -> None:
    position = api.log_position()
    for fmt, (media_type, extension) in FORMATS.items():
        response = ok(report(api, format=fmt))
        assert response.headers["content-type"] == media_type, fmt
        disposition = response.headers.get("content-disposition")
        if extension is None:
            assert disposition is None, fmt
        else:
            year, quarter = int(REPORT["year"]), REPORT["quarter"]
            stem = f"lac-report-{year}-{(year + 1) % 100:02d}-q{quarter}"
            assert disposition == f'attachment; filename="{stem}.{extension}"', fmt
        assert response.headers["x-log-position"] == str(position), fmt
        assert len(response.headers["x-inputs-digest"]) == 64, fmt
    assert ok(report(api, format="pdf")).content.startswith(b"%PDF")
    assert ok(report(api, format="xlsx")).content.startswith(b"PK")
    body = ok(report(api, format="json")).json()
    assert (body["footer"]["position"], body["view"]) == (position, "published")
    assert body["marking"].startswith("For publication")
    tables = [table for section in body["sections"] for table in section["tables"]]
    cells = [cell for table in tables for row in table["rows"] for cell in row]
    assert cells
    assert all(not isinstance(c["number"], float) for c in cells)  # Decimals as text


@pytest.mark.usefixtures("people")
def test_asking_again_at_the_same_position_gives_the_same_bytes(api: Api) -> None:
    position = api.log_position()
    for fmt in ("html", "csv", "xlsx", "pdf"):
        first = ok(report(api, format=fmt, position=position))
        api.refer()  # later events must not change a report at a position
        again = ok(report(api, format=fmt, position=position))
        assert first.content == again.content, fmt
        assert again.headers["x-log-position"] == str(position)
    assert ok(report(api)).headers["x-log-position"] == str(api.log_position())


def test_a_report_as_at_a_moment_leaves_out_what_was_recorded_later(api: Api) -> None:
    populate(api)
    before = api.log_position()
    moment = datetime.now(UTC)
    populate(api)
    at = ok(report(api, format="json", as_at=moment.isoformat())).json()["footer"]
    assert at["position"] <= before
    assert at["as_at"] is not None
    assert ok(report(api, format="json")).json()["footer"]["digest"] != at["digest"]


@pytest.mark.usefixtures("people")
def test_only_an_evaluator_may_have_the_internal_view(api: Api) -> None:
    for role in ROLES:
        response = report(api, role, view="internal", format="json")
        if role == "evaluator":
            body = ok(response).json()
            assert body["view"] == "internal"
            assert body["marking"].startswith("INTERNAL")
            assert response.headers.get("content-disposition") is None
        else:
            assert response.status_code == 403, role
    internal = ok(report(api, view="internal", format="pdf"))
    assert "-internal.pdf" in internal.headers["content-disposition"]


@pytest.mark.parametrize(
    ("field", "params"),
    [
        ("year", {"year": "1999"}),
        ("year", {"year": "twenty-21"}),
        ("quarter", {"quarter": "5"}),
        ("quarter", {"quarter": "0"}),
        ("format", {"format": "docx"}),
        ("view", {"view": "everything"}),
        ("as_at", {"as_at": "not-a-moment"}),
        ("as_at", {"as_at": "2022-01-10T09:00:00"}),  # no time zone
        ("as_at", {"as_at": "2022-01-10T09:00:00Z", "position": "0"}),  # not both
        ("position", {"position": "-1"}),
        ("position", {"position": "99999999"}),  # beyond the end of the log
        ("position", {"position": "first"}),
    ],
)
def test_bad_parameters_are_422_naming_the_field_without_echoing_it(
    api: Api, field: str, params: dict[str, str]
) -> None:
    response = report(api, **params)
    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["detail"]] == [["query", field]]
    assert params[field] not in response.text


def _not_embedded(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """As with a Celery worker: the API waits for the projection instead of running it."""
    monkeypatch.setattr(api.runtime.settings, "redis_url", "redis://127.0.0.1:1/0")


def test_with_a_worker_a_report_waits_for_the_facts(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    _not_embedded(api, monkeypatch)
    Casework(api.runtime.app).person()  # recorded without a nudge
    response = ok(report(api, format="json"))
    assert response.headers["x-log-position"] == str(api.runtime.app.log_position())


def test_facts_that_do_not_catch_up_in_time_are_503_with_retry_after(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    _not_embedded(api, monkeypatch)
    monkeypatch.setattr(api.runtime.settings, "wait_timeout_seconds", 0.05)
    monkeypatch.setattr(api.runtime.projector("report_facts"), "position", lambda: 0)
    Casework(api.runtime.app).person()
    for response in (report(api), api.get("evaluator", "/reports/unit-costs")):
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"] == "1"
        assert "report facts" in response.json()["detail"]


@pytest.mark.usefixtures("people")
def test_each_table_as_csv_and_an_unknown_table_is_404(api: Api) -> None:
    body = ok(report(api, format="json")).json()
    table = body["sections"][0]["tables"][0]
    response = ok(api.get("evaluator", f"{URL}/tables/{table['id']}.csv", **REPORT))
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert table["id"] in response.headers["content-disposition"]
    assert response.headers["x-log-position"] == str(body["footer"]["position"])
    assert next(csv.reader(io.StringIO(response.text)))
    missing = api.get("evaluator", f"{URL}/tables/no-such-table.csv", **REPORT)
    assert missing.status_code == 404
    assert "no-such-table" not in missing.text


# --- unit costs --------------------------------------------------------------------------------


def test_unit_costs_start_as_the_defaults_and_an_admin_replaces_them(api: Api) -> None:
    shipped = ok(api.get("admin", "/reports/unit-costs")).json()
    assert "default" in shipped["source"]
    assert shipped["unit_costs"]
    before = api.log_position()
    set_ = ok(api.put("admin", "/reports/unit-costs", COSTS)).json()
    assert set_["position"] > before
    assert {"id", "version", "position"} <= set_.keys()
    now = ok(api.get("evaluator", "/reports/unit-costs")).json()
    assert now["position"] >= set_["position"]
    assert str(set_["position"]) in now["source"]
    assert now["unit_costs"] == [{**COSTS["unit_costs"][0], "amount": "242.00", "quantity": "1"}]
    assert now["programme_costs"] == {"2021": "180000"}
    headers = api.headers("admin", key="costs-1")  # with a key, a retry records nothing more
    first = ok(api.client.put("/reports/unit-costs", json=COSTS, headers=headers))
    again = ok(api.client.put("/reports/unit-costs", json=COSTS, headers=headers))
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"


def _cost(**overrides: Any) -> dict[str, Any]:
    return {**COSTS, "unit_costs": [{**COSTS["unit_costs"][0], **overrides}]}


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (_cost(amount="-5"), ["body", "unit_costs", "0", "amount"]),
        (_cost(amount="lots"), ["body", "unit_costs", "0", "amount"]),
        (_cost(quantity="0"), ["body", "unit_costs", "0", "quantity"]),
        (_cost(applies_to="biscuits"), ["body", "unit_costs", "0", "applies_to"]),
        (_cost(key="Not A Key"), ["body", "unit_costs", "0", "key"]),
        ({**COSTS, "programme_costs": {"1999-00": "5"}}, ["body", "programme_costs"]),
        ({**COSTS, "surprise": 1}, ["body", "surprise"]),
    ],
)
def test_a_bad_unit_cost_table_is_422_naming_the_field(
    api: Api, body: dict[str, Any], loc: list[str]
) -> None:
    before = api.log_position()
    response = api.put("admin", "/reports/unit-costs", body)
    assert response.status_code == 422, response.text
    first = response.json()["detail"][0]["loc"]
    assert [str(part) for part in first[: len(loc)]] == loc
    assert api.log_position() == before


def test_a_coordinator_may_neither_read_nor_set_unit_costs(api: Api) -> None:
    assert api.get("coordinator", "/reports/unit-costs").status_code == 403
    assert api.put("coordinator", "/reports/unit-costs", COSTS).status_code == 403


# --- pseudonymised extracts --------------------------------------------------------------------

PERSONAL_COLUMNS = ("name", "nhs", "postcode", "birth", "dob", "address", "phone", "email")


def extract(api: Api, body: dict[str, Any] | None = None, key: str | None = None) -> Any:
    response = api.post("evaluator", "/reports/extracts", body or EXTRACT, key=key)
    return ok(response)


def test_an_extract_is_pseudonymised_and_stable_and_its_request_recorded(
    api: Api, people: list[dict[str, str]]
) -> None:
    before = api.log_position()
    first = extract(api)
    assert api.log_position() == before + 1  # the request, recorded as one event
    assert first.headers["content-type"] == "text/csv; charset=utf-8"
    assert first.headers["x-log-position"] == str(before)
    assert first.headers["x-recorded-position"] == str(before + 1)
    assert len(first.headers["x-inputs-digest"]) == 64
    assert first.headers["content-disposition"].startswith('attachment; filename="')
    rows = list(csv.reader(io.StringIO(first.text)))
    header, data = rows[0], rows[1:]
    assert len(data) == len(people)
    for column in header:
        assert not any(word in column.lower() for word in PERSONAL_COLUMNS), column
    for person in people:
        for value in (person["name"], person["postcode"], person["nhs_number"], person["id"]):
            assert value not in first.text
        assert person["postcode"].replace(" ", "") not in first.text
    second = extract(api)
    assert second.headers["x-extract-id"] != first.headers["x-extract-id"]
    assert sorted(row[0] for row in data) == sorted(
        row[0] for row in list(csv.reader(io.StringIO(second.text)))[1:]
    )


@pytest.mark.usefixtures("people")
def test_an_extract_retried_with_the_same_key_is_the_same_and_recorded_once(api: Api) -> None:
    before = api.log_position()
    first = extract(api, key="extract-1")
    again = extract(api, key="extract-1")
    assert api.log_position() == before + 1
    assert again.content == first.content
    assert again.headers["x-extract-id"] == first.headers["x-extract-id"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"purpose": "short"}, "purpose"),
        ({**EXTRACT, "year": 1999}, "year"),
        ({**EXTRACT, "position": -1}, "position"),
        ({**EXTRACT, "position": 99999999}, "position"),
        ({"year": 2021}, "purpose"),
    ],
)
def test_a_bad_extract_request_is_422_and_records_nothing(
    api: Api, body: dict[str, Any], field: str
) -> None:
    before = api.log_position()
    response = api.post("evaluator", "/reports/extracts", body)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", field]
    assert api.log_position() == before
