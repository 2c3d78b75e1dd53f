"""Erasure on PostgreSQL with Redis and a real Celery worker (issue 6, item 6).

A person with a distinctive name, NHS number, postcode, phone, email and notes is recorded
through the HTTP API (referral, acceptance, contacts, an outcome, a device-scheme loan with a
support ticket and a training session on a distinctive topic), the worker projects it, and an
admin erases them. Then every table of the database is dumped (each row as text, byte columns
searched both as their raw bytes and decoded as latin-1), with every file under the data
directory and every Redis value: none of the distinctive strings is anywhere. Event payloads
are searched as stored: their sealed fields are ciphertext under a key that no longer exists.
Every read model is then reset and rebuilt from the log, and the search is run again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import redis
from eventsourcing.utils import get_topic
from fastapi.testclient import TestClient

from api.accounts import User
from api.roles import Role
from domain.erasure import RetentionRun
from tests.integration import device_steps as d
from tests.integration.helpers import nhs_number
from tests.integration.journey_steps import Actor, Journey, ago, contact, day, outcome
from tests.integration.services import CeleryProcess, wait_until
from workers.celery_app import make_celery
from workers.runtime import Runtime
from workers.settings import Settings

NHS = nhs_number()
NAME = "Ottoline Vandersnatch"
PERSON = {
    "name": NAME,
    "date_of_birth": "1946-08-17",
    "postcode": "NG19 7QZ",
    "district": "Mansfield",
    "nhs_number": NHS,
    "address": "3 Quillfeather Row, Mansfield Woodhouse",
    "phone": "01623 987654",
    "email": "ottoline@vandersnatch.example",
}
REASON = "Widowed in March; the Jabberwock allotment was her whole week"
NOTES = "Talked about the borogoves she feeds at dawn; tearful about Quentin"
EVIDENCE = "Frumious letter from the Tulgey housing trust confirming the bungalow"
WHAT_MATTERS = "Getting back to the mimsy gardening club on Thursdays"
CARE_PLAN = "CSP-VANDER-1946"
PROBLEM = "The tablet only shows the Bandersnatch screensaver"
TOPIC = "Video calls with the Tumtum Tree hospice chaplain"
SECRETS = [
    NAME,
    "Vandersnatch",
    NHS,
    f"{NHS[:3]} {NHS[3:6]} {NHS[6:]}",
    "NG19 7QZ",
    "NG197QZ",
    "Quillfeather",
    "01623 987654",
    "ottoline@vandersnatch",
    REASON,
    NOTES,
    EVIDENCE,
    WHAT_MATTERS,
    CARE_PLAN,
    PROBLEM,
    TOPIC,
]
YEAR = "2021-22"


def found_in_database(url: str, secrets: list[str] = SECRETS) -> dict[str, list[str]]:
    """For each table of the public schema, the secrets found anywhere in its rows."""
    found: dict[str, list[str]] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
        for (table,) in tables:
            text, raw = _dump(conn, table)
            hits = [s for s in secrets if s.lower() in text or s.lower().encode() in raw]
            if hits:
                found[table] = hits
    return found


def _dump(conn: psycopg.Connection[Any], table: str) -> tuple[str, bytes]:
    """The table as lower-case text (row casts, values, bytes as latin-1) and its raw bytes."""
    texts: list[str] = []
    raw: list[bytes] = []
    for (whole,) in conn.execute(f'SELECT t::text FROM "{table}" t'):
        texts.append(str(whole))
    for row in conn.execute(f'SELECT * FROM "{table}"'):
        for value in row:
            if isinstance(value, bytes | memoryview):
                raw.append(bytes(value).lower())
                texts.append(bytes(value).decode("latin-1"))
            else:
                texts.append(str(value))
    return "\n".join(texts).lower(), b"\n".join(raw)


def found_in_files(data_dir: Path) -> dict[str, list[str]]:
    """Every file under the data directory (SQLite files, logs), searched byte for byte."""
    found: dict[str, list[str]] = {}
    for path in sorted(data_dir.rglob("*")):
        if path.is_file():
            raw = path.read_bytes().lower()
            hits = [s for s in SECRETS if s.lower().encode() in raw]
            if hits:
                found[str(path.relative_to(data_dir))] = hits
    return found


def found_in_redis(url: str) -> list[str]:
    client = redis.Redis.from_url(url)
    values = b"\n".join(client.dump(k) or b"" for k in client.scan_iter(count=1000)).lower()
    return [s for s in SECRETS if s.lower().encode() in values]


def record_ottoline(j: Journey, who: dict[Role, Actor]) -> str:
    """Referred, accepted, seen, an outcome, what matters, a tablet with a ticket, a session."""
    sw, co, officer = who[Role.SOCIAL_WORKER], who[Role.COORDINATOR], who[Role.DEVICE_OFFICER]
    body = {"programme": "lac", "source": "social_worker", "reasons": [REASON]}
    keyed = Actor(sw.id, sw.name, {**sw.headers, "Idempotency-Key": "ottoline-referral"})
    made = j.post(
        keyed, "/referrals", {**body, "person": PERSON, "consent_to_share": True}, status=201
    )
    person_id = str(made["person_id"])
    j.post(co, f"/referrals/{made['id']}/accept", {})
    url = f"/people/{person_id}"
    j.post(
        co, f"{url}/contacts", contact(ago(1), 60, "in_person", ["listening"], NOTES), status=201
    )
    j.post(co, f"{url}/outcomes", outcome("crisis_avoided", None, day(0), EVIDENCE), status=201)
    j.put(co, f"{url}/involvement/what-matters", {"what_matters": WHAT_MATTERS})
    scheme = {"year": YEAR, "starts_on": day(-30), "ends_on": day(330), "capacity": 5}
    j.post(who[Role.ADMIN], d.SCHEME, scheme, status=201)
    kit = d.stocked_kit(j, officer, 1, "35209900000000", d.SIM_COST)
    place = d.referral({}, CARE_PLAN, "digital_exclusion", "loan", REASON)
    place = {k: v for k, v in place.items() if k != "person"} | {"person_id": person_id}
    j.post(sw, f"{d.SCHEME}/{YEAR}/referrals", place, status=201)
    loan = d.issue(j, officer, YEAR, person_id, kit, agreement="signature", signature_png=d.PNG)
    ticket = {"on": day(0), "problem": PROBLEM}
    j.post(officer, f"{d.SCHEME}/loans/{loan}/tickets", ticket, status=201)
    d.session(j, officer, loan, "training", 45, TOPIC)
    return person_id


def test_an_erased_person_is_nowhere_in_the_database_files_or_redis(
    client: TestClient,
    runtime: Runtime,
    users: dict[Role, User],
    settings: Settings,
    worker: CeleryProcess,
) -> None:
    j = Journey(client, runtime)
    who = {role: j.sign_in(f"it.{role.value}", users[role].id, role.value) for role in Role}
    person_id = record_ottoline(j, who)
    shown = j.read(who[Role.COORDINATOR], f"/people/{person_id}")
    assert shown["name"] == NAME  # the worker projected her
    url = settings.database_url
    assert url is not None
    before = found_in_database(url)
    assert {"rm_people", "rm_contacts", "rm_outcomes", "rm_loan_tickets"} <= set(before)
    assert TOPIC in before["rm_loan_sessions"]
    facts = _facts(url)
    key = runtime.app.keys.existing_key(UUID(person_id))
    assert key is not None and found_in_database(url, [key]) == {"lac_person_keys": [key]}

    j.post(who[Role.ADMIN], f"/people/{person_id}/erase", {"ground": "request"})
    gone = j.read(who[Role.COORDINATOR], f"/people/{person_id}")
    assert (gone["name"], gone["nhs_number"], gone["district"]) == (None, None, "Mansfield")
    assert runtime.wait_for(j.position, 30)  # every read model, not only the people
    assert found_in_database(url) == {}
    assert found_in_database(url, [key]) == {}  # the key is gone too
    assert found_in_files(settings.data_dir) == {}
    assert found_in_redis(settings.redis_url or "") == []
    assert _facts(url) == facts  # what reports count is untouched

    for projector in runtime.projectors:  # `lac rebuild`
        projector.reset()
        projector.catch_up()
    assert j.read(who[Role.COORDINATOR], f"/people/{person_id}")["name"] is None
    assert found_in_database(url) == {}
    assert _facts(url) == facts
    sar = j.read(who[Role.ADMIN], f"/people/{person_id}/subject-access")
    assert sar["erased"]["ground"] == "request"
    assert [s for s in SECRETS if s.lower() in str(sar).lower()] == []


def _facts(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT position, kind, entity_id, person_id, on_date, district, code, detail, number "
            "FROM rf_facts ORDER BY position"
        ).fetchall()


def years_ago(years: float) -> str:
    return (datetime.now(UTC) - timedelta(days=365.25 * years)).isoformat()


def test_the_daily_retention_task_erases_people_past_the_period(
    client: TestClient,
    runtime: Runtime,
    users: dict[Role, User],
    settings: Settings,
    worker: CeleryProcess,
) -> None:
    """The beat's task, run by the real worker: past the period erased, recent kept."""
    j = Journey(client, runtime)
    co = j.sign_in("it.coordinator", users[Role.COORDINATOR].id, "coordinator")
    sw = j.sign_in("it.social_worker", users[Role.SOCIAL_WORKER].id, "social worker")
    people = {}
    for name, years in (("Ottoline Vandersnatch", 7), ("Recent Closure", 2)):
        person = {**PERSON, "name": name, "nhs_number": nhs_number()}
        body = {"programme": "lac", "source": "gp", "reasons": [REASON], "person": person}
        body |= {"consent_to_share": True, "occurred_at": years_ago(9)}
        made = j.post(sw, "/referrals", body, status=201)
        j.post(co, f"/referrals/{made['id']}/accept", {"occurred_at": years_ago(8)})
        close = {"reason": "goals_met", "note": NOTES, "occurred_at": years_ago(years)}
        j.post(co, f"/people/{made['person_id']}/involvement/close", close)
        people[name] = str(made["person_id"])
    assert j.read(co, f"/people/{people[NAME]}")["name"] == NAME
    make_celery(settings).send_task("lac.retention")
    wait_until(lambda: runtime.app.erasure_of(UUID(people[NAME])) is not None, 60, "retention")

    def runs() -> list[Any]:
        return runtime.app.recorder.select_notifications(
            0, 10, topics=[get_topic(RetentionRun.Completed)]
        )

    # The run's report is recorded after its erasures: on a busy machine a moment later.
    wait_until(lambda: len(runs()) > 0, 30, "the retention run's report")
    (run,) = [runtime.app.mapper.to_domain_event(n) for n in runs()]
    assert isinstance(run, RetentionRun.Completed)
    assert (run.erased, run.considered, run.kept) == ([UUID(people[NAME])], 1, {})
    wait_until(lambda: _name(j, co, people[NAME]) is None, 30, "the worker to blank her")
    assert _name(j, co, people["Recent Closure"]) == "Recent Closure"


def _name(j: Journey, who: Actor, person_id: str) -> Any:
    return j.read(who, f"/people/{person_id}")["name"]
