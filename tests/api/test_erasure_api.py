"""Erasure, subject access and retention through HTTP on the embedded system (SQLite files):
after an erasure no read model, search, timeline, stored command answer or byte of the SQLite
files holds the person's details; reports count the same; a rebuild blanks the same; the
subject access report says the person was erased. Retention erases only the people past the
period, with nothing still open, and says what it did."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import Engine, select

from api.cli import main
from api.idempotency import idempotency_keys
from api.report_output.subject_access import render_sar_html, render_sar_pdf
from api.schemas_data_protection import SubjectAccessReport
from projections.tables import metadata
from tests.api.conftest import SECRET, Api, nhs_number, person_body
from tests.api.device_fixtures import (
    OFFICER,
    SCHEME,
    day,
    hand_over_body,
    kit,
    open_scheme,
    refer,
    reserve,
)
from tests.api.test_report_role_matrix import REPORT

NHS = nhs_number()
SPACED = f"{NHS[:3]} {NHS[3:6]} {NHS[6:]}"
OTTOLINE = person_body(
    name="Ottoline Vandersnatch",
    nhs_number=NHS,
    postcode="NG19 7QZ",
    address="3 Quillfeather Row",
    phone="01623 987654",
    email="ottoline@vandersnatch.example",
)
NOTES = "Misses the Jabberwock allotment society terribly"
EVIDENCE = "Frumious letter from the Tulgey housing trust"
WHAT_MATTERS = "Feeding the borogoves every morning"
CARE_PLAN = "CSP-VANDER-77"
PROBLEM = "Tablet shows only the Bandersnatch screen"
SECRETS = [
    "Vandersnatch",
    NHS,
    SPACED,
    "NG19 7QZ",
    "Quillfeather",
    "01623 987654",
    "ottoline@",
    NOTES,
    EVIDENCE,
    WHAT_MATTERS,
    CARE_PLAN,
    PROBLEM,
]


def ok(response: Any, code: int = 200) -> Any:
    assert response.status_code == code, response.text
    return response.json()


def ottoline(api: Api) -> str:
    """Ottoline referred, accepted, supported, and lent a tablet; returns her person id."""
    referral = api.refer(person=OTTOLINE)
    person_id = str(referral["person_id"])
    ok(api.post("coordinator", f"/referrals/{referral['id']}/accept", {}))
    url = f"/people/{person_id}"
    at = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    contact = {
        "contact_at": at,
        "duration_minutes": 45,
        "mode": "in_person",
        "participants": ["person"],
        "purposes": ["listening"],
        "notes": NOTES,
    }
    ok(api.post("coordinator", f"{url}/contacts", contact, key="contact-1"), 201)
    outcome = {"domain": "crisis_avoided", "occurred_on": day(), "evidence": EVIDENCE}
    ok(api.post("coordinator", f"{url}/outcomes", outcome), 201)
    ok(api.put("coordinator", f"{url}/involvement/what-matters", {"what_matters": WHAT_MATTERS}))
    open_scheme(api)
    refer(api, person_id, care_plan_ref=CARE_PLAN)
    loan_id = reserve(api, person_id, kit(api)[0])
    ok(api.post(OFFICER, f"{SCHEME}/loans/{loan_id}/hand-over", hand_over_body()))
    ticket = {"on": day(), "problem": PROBLEM}
    ok(api.post(OFFICER, f"{SCHEME}/loans/{loan_id}/tickets", ticket), 201)
    return person_id


def erase(api: Api, person_id: str, **body: Any) -> Any:
    return api.post("admin", f"/people/{person_id}/erase", {"ground": "request", **body})


def read_models(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every read-model table, in key order (positions aside)."""
    found = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name != "projection_positions":
                rows = conn.execute(select(table).order_by(*table.c))
                found[table.name] = [tuple(row) for row in rows]
    return found


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s.lower() in text.lower()]


def file_leaks(data_dir: Path) -> list[tuple[str, str]]:
    """The secrets found in the raw bytes of the SQLite files (and everything else there)."""
    found = []
    for path in data_dir.rglob("*"):
        raw = path.read_bytes().lower() if path.is_file() else b""
        found += [(path.name, s) for s in SECRETS if s.lower().encode() in raw]
    return found


@dataclass
class Erased:
    person_id: str
    report: Any  # the quarterly report as it was before the erasure
    key: str  # her key, as it was


@pytest.fixture
def erased(api: Api) -> Erased:
    """Ottoline erased, after the quarterly report was read."""
    person_id = ottoline(api)
    before = quarterly(api)
    assert leaks(str(read_models(api.runtime.engine)))  # the read models did show her
    key = api.runtime.app.keys.existing_key(UUID(person_id))
    assert key is not None
    ok(erase(api, person_id, note="SAR-2026-0042"))
    return Erased(person_id, before, key)


def quarterly(api: Api) -> Any:
    params = {**REPORT, "view": "internal", "format": "json"}
    body = ok(api.get("evaluator", "/reports/quarterly", min_position=api.log_position(), **params))
    return body["sections"]


def test_after_erasure_nothing_personal_is_shown_searched_or_stored(
    api: Api, erased: Erased, settings: Any
) -> None:
    person_id = erased.person_id
    pos = api.log_position()
    shown = ok(api.get("coordinator", f"/people/{person_id}", min_position=pos))
    assert (shown["name"], shown["nhs_number"], shown["postcode"]) == (None, None, None)
    assert (shown["district"], shown["age_band"]) == ("Mansfield", "75-84")
    for q in ({"q": "Vandersnatch"}, {"nhs_number": NHS}):
        assert ok(api.get("coordinator", "/people", min_position=pos, **q))["total"] == 0
    for url in (f"/people/{person_id}/casework", f"/people/{person_id}/timeline"):
        assert leaks(str(ok(api.get("coordinator", url, min_position=pos)))) == []
    devices = ok(api.get(OFFICER, f"{SCHEME}/people/{person_id}", min_position=pos))
    assert leaks(str(devices)) == [] and devices
    assert leaks(str(read_models(api.runtime.engine))) == []
    assert file_leaks(settings.data_dir) == []
    for path in settings.data_dir.glob("*.sqlite*"):  # the key itself is gone from the files
        assert erased.key.encode() not in path.read_bytes(), path.name


def test_report_counts_do_not_change(api: Api, erased: Erased) -> None:
    assert quarterly(api) == erased.report


def test_a_rebuild_after_the_erasure_gives_the_same_blank_rows(api: Api, erased: Erased) -> None:
    api.log_position()
    runtime = api.runtime
    assert runtime.wait_for(runtime.app.log_position(), 10)
    before = read_models(runtime.engine)
    for projector in runtime.projectors:  # what `lac rebuild` does
        projector.reset()
        projector.catch_up()
    assert read_models(runtime.engine) == before
    assert leaks(str(before)) == []


def test_command_answers_that_name_her_records_are_purged(api: Api, erased: Erased) -> None:
    bob = api.refer(person=person_body(name="Bob Keeper", nhs_number=nhs_number()))
    ok(api.post("coordinator", f"/referrals/{bob['id']}/accept", {}, key="bob-1"))
    assert api.runtime.wait_for(api.runtime.app.log_position(), 10)
    with api.runtime.engine.connect() as conn:
        keys = set(conn.execute(select(idempotency_keys.c.key)).scalars())
    assert keys == {"bob-1"}  # Ottoline's contact-1 answer went with her


def test_a_second_erasure_is_409_and_an_unknown_person_404(api: Api, erased: Erased) -> None:
    person_id = erased.person_id
    position = api.log_position()
    again = erase(api, person_id)
    assert again.status_code == 409 and again.json()["status"] == "erased"
    assert erase(api, "00000000-0000-4000-8000-000000000000").status_code == 404
    bad = erase(api, person_id, ground="because", note="Ottoline Vandersnatch")
    assert bad.status_code == 422 and leaks(bad.text) == []
    assert api.log_position() == position
    refused = api.put("coordinator", f"/people/{person_id}", OTTOLINE)
    assert refused.status_code == 409 and leaks(refused.text) == []


def test_subject_access_before_and_after_the_erasure(api: Api) -> None:
    person_id = ottoline(api)
    sar = ok(api.get("admin", f"/people/{person_id}/subject-access"))
    assert sar["erased"] is None and sar["details"]["name"] == "Ottoline Vandersnatch"
    assert set(leaks(str(sar))) == set(SECRETS) - {SPACED}  # everything held is there
    events = [(h["record"], h["event"]) for h in sar["history"]]
    expected = [("person", "Person.Registered"), ("referral", "Referral.Received")]
    expected += [
        ("involvement", "Involvement.OutcomeRecorded"),
        ("device_loan", "Loan.TicketOpened"),
    ]
    expected += [
        ("device_scheme", "Scheme.PersonReferred"),
        ("subject_access", "SubjectAccessLog.Provided"),
    ]
    assert set(expected) <= set(events)
    assert {h["actor_name"] for h in sar["history"]} >= {"Coordinator", "Admin"}
    assert sar["records"]["device_tickets"][0]["problem"] == PROBLEM
    pdf = api.get("admin", f"/people/{person_id}/subject-access", format="pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    ok(erase(api, person_id))
    after = ok(api.get("admin", f"/people/{person_id}/subject-access"))
    assert after["erased"]["ground"] == "request" and after["erased"]["erased_by_name"] == "Admin"
    assert leaks(str(after)) == []
    provided = [h for h in after["history"] if h["event"] == "SubjectAccessLog.Provided"]
    assert [h["details"]["format"] for h in provided] == ["json", "pdf", "json"]


def test_the_pdf_is_the_same_for_the_same_report(api: Api) -> None:
    person_id = ottoline(api)
    report = SubjectAccessReport(**ok(api.get("admin", f"/people/{person_id}/subject-access")))
    assert render_sar_pdf(report) == render_sar_pdf(report)
    html = render_sar_html(report)
    assert "Ottoline Vandersnatch" in html and 'alt="The signature given at hand-over"' in html


def years_ago(years: float) -> str:
    return (datetime.now(UTC) - timedelta(days=365.25 * years)).isoformat()


def closed(api: Api, name: str, years: float) -> str:
    """Someone referred and supported long ago, whose involvement closed `years` ago."""
    person = person_body(name=name, nhs_number=nhs_number())
    referral = api.refer(person=person, occurred_at=years_ago(years + 2))
    accept = {"occurred_at": years_ago(years + 1)}
    ok(api.post("coordinator", f"/referrals/{referral['id']}/accept", accept))
    url = f"/people/{referral['person_id']}/involvement"
    body = {"reason": "goals_met", "note": f"{name} is doing well", "occurred_at": years_ago(years)}
    ok(api.post("coordinator", f"{url}/close", body))
    return str(referral["person_id"])


def test_retention_erases_only_people_past_the_period_with_nothing_open(api: Api) -> None:
    due = closed(api, "Ottoline Vandersnatch", 7)
    recent = closed(api, "Recent Closure", 2)
    waiting = closed(api, "Waiting Again", 8)
    api.refer(person_id=waiting)  # a new referral awaiting a decision
    dry = ok(api.post("admin", "/retention/run?dry_run=true"))
    assert (dry["erased"], dry["kept"], dry["recorded_id"]) == ([due], {"open_referral": 1}, None)
    run = ok(api.post("admin", "/retention/run"))
    assert (run["erased"], run["erased_count"], run["retention_years"]) == ([due], 1, 6)
    assert run["considered"] == 2 and run["recorded_id"]
    pos = api.log_position()
    assert ok(api.get("coordinator", f"/people/{due}", min_position=pos))["name"] is None
    assert ok(api.get("coordinator", f"/people/{recent}"))["name"] == "Recent Closure"
    sar = ok(api.get("admin", f"/people/{due}/subject-access"))
    assert sar["erased"]["ground"] == "retention" and leaks(str(sar)) == []
    again = ok(api.post("admin", "/retention/run"))
    assert (again["erased"], again["considered"]) == ([], 1)


def test_the_command_line_erases_answers_subject_access_and_runs_retention(
    api: Api,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    monkeypatch.setenv("LAC_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("LAC_SECRET_KEY", SECRET)
    for name in ("LAC_DATABASE_URL", "LAC_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    person_id = api.register(**OTTOLINE)["id"]
    files = tmp_path_factory.mktemp("out")
    out = files / "sar.json"
    assert main(["sar", person_id, "--format", "json", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["details"]["name"] == "Ottoline Vandersnatch"
    out.unlink()
    assert main(["erase", person_id, "--ground", "request"]) == 1  # no prompt without a tty
    assert main(["erase", person_id, "--ground", "request", "--yes"]) == 0
    assert main(["erase", person_id, "--ground", "request", "--yes"]) == 1  # already erased
    assert main(["retention", "--dry-run"]) == 0
    printed = capsys.readouterr().out
    assert leaks(printed) == [] and '"erased_count": 0' in printed
    pdf = files / "sar.pdf"
    assert main(["sar", person_id, "--out", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert file_leaks(settings.data_dir) == []
