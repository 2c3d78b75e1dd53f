"""An evaluator's quarter, end to end on PostgreSQL with a real Celery worker: a coordinator
supports Anne (two contacts, an outcome, a SWEMWBS baseline and follow-up) and the evaluator
downloads the quarter's report: Anne is counted in the internal view and suppressed in the
published one; the PDF can be produced again byte for byte from its footer's position; the
pseudonymised extract carries none of her identifiers and its request is recorded."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from api.accounts import User
from api.roles import Role
from domain.codes import Instrument
from domain.wellbeing import score
from tests.integration.journey_steps import VERBAL, Journey, contact, measure, outcome, person
from tests.integration.services import CeleryProcess
from workers.runtime import Runtime

BASELINE, FOLLOW_UP = [3, 3, 2, 3, 3, 2, 3], [4, 4, 3, 4, 4, 3, 4]


def financial_year(day: date) -> tuple[int, int]:
    year = day.year if day.month >= 4 else day.year - 1
    return year, (day.month - 4) % 12 // 3 + 1


def rows(report: dict[str, Any]) -> dict[str, list[str]]:
    """The performance table: indicator -> its cells' texts."""
    for section in report["sections"]:
        for table in section["tables"]:
            if table["id"] == "performance":
                return {row[1]["text"]: [c["text"] for c in row] for row in table["rows"]}
    raise AssertionError("no performance table")


def test_an_evaluator_sees_anne_counted_and_suppressed(
    client: TestClient, runtime: Runtime, worker: CeleryProcess, users: dict[Role, User]
) -> None:
    j = Journey(client, runtime)
    jo = j.coordinator("jo.lac", "Jo Bennett", "Gedling")
    evaluator = users[Role.EVALUATOR]
    eve = j.sign_in(evaluator.username, evaluator.id, evaluator.full_name)
    today = datetime.now(UTC).date()
    year, quarter = financial_year(today)
    # Everything on one day of this financial year, so the year to date holds it all.
    on = max(date(year, 4, 1), today - timedelta(days=3))
    at = datetime.combine(on, time(10), tzinfo=UTC)
    anne = j.post(
        jo, "/people", person("Anne Reportable", "Gedling", "1949-03-01", "NG4 2CD", at), status=201
    )["id"]
    opening = {"occurred_at": at.isoformat(), "consent": VERBAL}
    j.post(jo, f"/people/{anne}/involvement", opening, status=201)
    for minutes, purpose in ((45, "crisis_support"), (30, "planning")):
        visit = contact(at, minutes, "in_person", [purpose], "Told to present as homeless")
        j.post(jo, f"/people/{anne}/contacts", visit, status=201)
    crisis = outcome("crisis_avoided", None, on.isoformat(), "Did not present as homeless")
    j.post(jo, f"/people/{anne}/outcomes", crisis, status=201)
    for occasion, items in (("baseline", BASELINE), ("follow_up", FOLLOW_UP)):
        j.post(jo, f"/people/{anne}/measures", measure("swemwbs", occasion, on, items), status=201)

    query: dict[str, Any] = {"year": year, "quarter": quarter, "format": "json"}
    internal = client.get(
        "/reports/quarterly", params={**query, "view": "internal"}, headers=eve.headers
    )
    assert internal.status_code == 200, internal.text
    figures = rows(internal.json())
    change = (
        score(Instrument.SWEMWBS, FOLLOW_UP).metric - score(Instrument.SWEMWBS, BASELINE).metric
    )  # type: ignore[operator]
    expected_change = f"+{Decimal(change).quantize(Decimal('0.1'))} (n=1)"
    # Year to date is the last column; the quarter's column is 2 + quarter.
    assert figures["Support contacts"][-1] == "2"
    assert figures["Support contacts"][2 + financial_year(on)[1]] == "2"
    assert figures["People with an outcome: crisis avoided"][-1] == "1"
    assert figures["New involvements started"][-1] == "1"
    assert figures["Mean change in wellbeing (SWEMWBS metric score)"][-1] == expected_change
    assert internal.json()["marking"].startswith("INTERNAL")

    published = client.get("/reports/quarterly", params=query, headers=eve.headers)
    shown = rows(published.json())
    for indicator in ("Support contacts", "People with an outcome: crisis avoided"):
        assert shown[indicator][-1] == "*", indicator
    assert shown["Mean change in wellbeing (SWEMWBS metric score)"][-1] == "*"
    assert "Anne" not in published.text

    position = published.headers["X-Log-Position"]
    assert int(position) >= j.position
    pdf_query = {**query, "format": "pdf", "position": position}
    first = client.get("/reports/quarterly", params=pdf_query, headers=eve.headers)
    again = client.get("/reports/quarterly", params=pdf_query, headers=eve.headers)
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert first.content == again.content
    assert first.headers["X-Inputs-Digest"] == published.headers["X-Inputs-Digest"]

    # Other roles: the report is the evaluator's.
    coordinator = client.get("/reports/quarterly", params=query, headers=jo.headers)
    assert coordinator.status_code == 403

    before = runtime.app.log_position()
    extract = client.post(
        "/reports/extracts",
        json={
            "purpose": "Independent evaluation under the 2021 data sharing agreement",
            "year": year,
        },
        headers=eve.headers,
    )
    assert extract.status_code == 200, extract.text
    text = extract.text
    assert text.count("\n") == 2  # the header and Anne's one row
    for identifier in ("Anne", "Reportable", "NG4 2CD", "1949-03-01", anne):
        assert identifier not in text
    assert runtime.app.log_position() == before + 1
