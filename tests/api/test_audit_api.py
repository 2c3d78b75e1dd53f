"""The audit log over HTTP: reads, searches and changes of personal data are recorded (who,
what, when, from where, through which route), break-glass access, the admin's reports and
review list, and an append-only, hash-chained table that shows tampering."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, OperationalError

import api.auditing as auditing
from api.accounts import add_user
from api.audit import audit_log, break_glass_reviews
from api.main import create_app
from api.roles import Role
from api.scope import BREAK_GLASS_HEADER
from tests.api.conftest import PASSWORD, SECRET, Api, nhs_number
from tests.api.device_fixtures import OFFICER, handed_over, open_scheme
from workers.settings import Settings

REASON = "Safeguarding call from the out-of-hours team about a missed visit"
CONSENTING = {"consent": {"how": "verbal"}}  # she agrees as the coordinator opens it
OUTSIDER = "ravi"  # a coordinator whose team district (Ashfield) is not the person's (Mansfield)


def rows(api: Api, **where: Any) -> list[dict[str, Any]]:
    """The audit rows matching every given column, oldest first."""
    with api.runtime.engine.connect() as conn:
        found = conn.execute(select(audit_log).order_by(audit_log.c.id)).mappings().all()
    return [dict(r) for r in found if all(r[k] == v for k, v in where.items())]


def person(api: Api, **fields: Any) -> uuid.UUID:
    made = api.register("coordinator", **fields)
    assert api.runtime.wait_for(int(made["position"]), 10)
    return uuid.UUID(made["id"])


def get(api: Api, who: str, url: str, reason: str | None = None, **params: Any) -> httpx.Response:
    headers = api.headers(who)
    if reason is not None:
        headers[BREAK_GLASS_HEADER] = reason
    response: httpx.Response = api.client.get(url, headers=headers, params=params)
    return response


@pytest.fixture
def outsider(api: Api) -> Api:
    add_user(api.runtime.engine, OUTSIDER, "Ravi", Role.COORDINATOR, PASSWORD, "Ashfield")
    return api


# --- reads, searches and changes -----------------------------------------------------------


def test_a_change_and_a_read_record_who_what_when_where_and_the_route(api: Api) -> None:
    pid = person(api)
    [change] = rows(api, action="change")
    assert change["user_id"] == api.users["coordinator"].id
    assert (change["username"], change["role"]) == ("coordinator", "coordinator")
    assert (change["what"], change["record_id"], change["person_id"]) == ("person", pid, pid)
    assert change["route"] == "POST /people"

    assert api.get("social_worker", f"/people/{pid}").status_code == 200
    [read] = rows(api, action="read")
    assert read["user_id"] == api.users["social_worker"].id
    assert (read["role"], read["what"], read["record_id"], read["person_id"]) == (
        "social_worker",
        "person",
        pid,
        pid,
    )
    assert read["route"] == "GET /people/{person_id}"
    assert read["client_ip"] == "testclient"  # the socket peer
    assert read["at"] >= change["at"]
    assert read["reason"] is None


def test_a_search_records_one_search_row_and_a_read_for_each_person_shown(api: Api) -> None:
    first, second = person(api, name="Zebedee Quist"), person(api, name="Yolanda Quist")
    person(api, name="Somebody Else")
    found = api.get("social_worker", "/people", q="quist")
    assert found.status_code == 200
    assert found.json()["total"] == 2
    [search] = rows(api, action="search")
    assert (search["what"], search["listed"], search["route"]) == ("person", 2, "GET /people")
    reads = rows(api, action="read", route="GET /people")
    assert {r["person_id"] for r in reads} == {first, second}
    assert all(r["user_id"] == api.users["social_worker"].id for r in reads)


def test_casework_changes_are_recorded_against_the_person_and_refusals_are_not(api: Api) -> None:
    pid = person(api)
    opened = api.post("coordinator", f"/people/{pid}/involvement", CONSENTING)
    assert opened.status_code == 201
    assert api.post("coordinator", f"/people/{pid}/involvement", {}).status_code == 409
    changes = rows(api, action="change", what="involvement")
    assert len(changes) == 1
    assert changes[0]["person_id"] == pid
    assert changes[0]["route"] == "POST /people/{person_id}/involvement"
    bad = api.post("coordinator", "/people", {"name": "Not Enough"})
    assert bad.status_code == 422
    assert len(rows(api, action="change")) == 2  # the registration and the opening


def test_list_pages_record_every_person_shown(api: Api) -> None:
    pid = person(api)
    assert api.post("coordinator", f"/people/{pid}/involvement", CONSENTING).status_code == 201
    api.runtime.wait_for(api.log_position(), 10)
    assert api.get("coordinator", "/caseload", min_position=api.log_position()).status_code == 200
    [search] = rows(api, action="search", route="GET /caseload")
    assert search["listed"] == 1
    [read] = rows(api, action="read", route="GET /caseload")
    assert (read["what"], read["person_id"]) == ("involvement", pid)


def test_referral_reads_lists_and_decisions_are_recorded_against_the_person(api: Api) -> None:
    made = api.refer()
    rid, pid = uuid.UUID(made["id"]), uuid.UUID(made["person_id"])
    inbox = api.get("coordinator", "/referrals/inbox", min_position=made["position"])
    assert inbox.json()["total"] == 1
    assert api.get("coordinator", f"/referrals/{rid}").status_code == 200
    assert api.post("coordinator", f"/referrals/{rid}/accept", {}).status_code == 200
    mine = [(r["username"], r["action"], r["route"]) for r in rows(api, person_id=pid)]
    assert mine == [
        ("social_worker", "change", "POST /referrals"),
        ("coordinator", "read", "GET /referrals/inbox"),
        ("coordinator", "read", "GET /referrals/{referral_id}"),
        ("coordinator", "change", "POST /referrals/{referral_id}/accept"),
    ]
    assert {r["record_id"] for r in rows(api, person_id=pid)} == {rid}
    assert rows(api, action="search", route="GET /referrals/inbox")[0]["listed"] == 1


def test_device_scheme_reads_and_lists_are_recorded(api: Api) -> None:
    open_scheme(api)
    person_id, loan_id, _ = handed_over(api)
    pid = uuid.UUID(person_id)
    due = api.get(OFFICER, "/device-scheme/loans", min_position=api.log_position())
    assert due.json()["total"] == 1
    assert api.get(OFFICER, f"/device-scheme/people/{pid}").status_code == 200
    seen = [r for r in rows(api, username=OFFICER) if r["action"] != "change"]  # reads only
    reads = [(r["what"], r["record_id"], r["route"]) for r in seen]
    assert reads == [
        ("loan", None, "GET /device-scheme/loans"),  # the search row
        ("loan", uuid.UUID(loan_id), "GET /device-scheme/loans"),
        ("devices", pid, "GET /device-scheme/people/{person_id}"),
    ]
    assert all(r["person_id"] == pid for r in seen[1:])


def test_the_audit_rows_carry_no_names_and_no_query_strings(api: Api) -> None:
    number = nhs_number()
    pid = person(api, name="Philomena Quartermaine", nhs_number=number)
    api.get("social_worker", "/people", q="Quartermaine", nhs_number=number)
    api.get("social_worker", f"/people/{pid}", min_position=api.log_position())
    dump = json.dumps([list(map(str, r.values())) for r in rows(api)])
    assert rows(api, person_id=pid)
    for secret in ("Philomena", "Quartermaine", number, "q=", "nhs_number=", "min_position"):
        assert secret not in dump


def test_a_read_that_cannot_be_recorded_fails_and_shows_nothing(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = person(api, name="Unrecorded Reader")

    def broken(*_: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("disk full"))

    monkeypatch.setattr(auditing, "append", broken)
    refused = api.get("social_worker", f"/people/{pid}")
    assert refused.status_code == 503
    assert "Unrecorded" not in refused.text
    assert "audit log" in refused.json()["detail"]
    assert api.get("social_worker", "/people", q="Unrecorded").status_code == 503


def test_the_client_address_comes_from_x_forwarded_for_only_behind_a_trusted_proxy(
    api: Api, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid = person(api)
    spoofed = {**api.headers("social_worker"), "X-Forwarded-For": "203.0.113.9, 198.51.100.7"}
    api.client.get(f"/people/{pid}", headers=spoofed)
    assert rows(api, action="read")[-1]["client_ip"] == "testclient"

    class BehindProxy(Settings):
        trust_forwarded_for: bool = True

    trusting = BehindProxy(
        data_dir=settings.data_dir, secret_key=SECRET, database_url=None, redis_url=None
    )
    monkeypatch.setattr(api.runtime, "settings", trusting)
    api.client.get(f"/people/{pid}", headers=spoofed)
    assert rows(api, action="read")[-1]["client_ip"] == "198.51.100.7"  # what the proxy saw


# --- break-glass ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/people/{id}", "/people/{id}/casework", "/people/{id}/timeline"])
def test_break_glass_opens_a_person_outside_scope_with_a_reason(outsider: Api, url: str) -> None:
    api = outsider
    pid = person(api, district="Mansfield")
    assert api.post("coordinator", f"/people/{pid}/involvement", CONSENTING).status_code == 201
    assert api.runtime.wait_for(api.log_position(), 10)
    target, unknown = url.format(id=pid), url.format(id=uuid.uuid4())

    refused = get(api, OUTSIDER, target)
    assert refused.status_code == 404
    assert refused.json() == {"detail": f"no person with id {pid}"}
    nobody = get(api, OUTSIDER, unknown)
    assert nobody.status_code == 404
    assert nobody.json() == {"detail": f"no person with id {unknown.split('/')[2]}"}
    assert get(api, OUTSIDER, unknown, REASON).status_code == 404

    short = get(api, OUTSIDER, target, "because")
    assert short.status_code == 422
    assert short.json()["detail"][0]["loc"] == ["header", BREAK_GLASS_HEADER]
    assert "because" not in short.text
    assert get(api, OUTSIDER, target, "  spaced   ").status_code == 422

    opened = get(api, OUTSIDER, target, REASON)
    assert opened.status_code == 200, opened.text
    [glass] = rows(api, action="break_glass")
    assert (glass["username"], glass["person_id"], glass["reason"]) == (OUTSIDER, pid, REASON)
    assert glass["route"] == f"GET {url.replace('{id}', '{person_id}')}"
    assert get(api, OUTSIDER, target).status_code == 404  # that one request only


def test_break_glass_reads_but_never_changes_and_lifts_no_role_permission(outsider: Api) -> None:
    api = outsider
    pid = person(api, district="Mansfield")
    glass = {**api.headers(OUTSIDER), BREAK_GLASS_HEADER: REASON}
    changed = api.client.post(f"/people/{pid}/involvement", json={}, headers=glass)
    assert changed.status_code == 404
    for role in ("evaluator", "device_officer", "admin"):
        for url in (f"/people/{pid}", f"/people/{pid}/casework"):
            response = get(api, role, url, REASON)
            assert response.status_code == 403, (role, url)
            assert response.json()["detail"].startswith(f"your role ({role}) may not do this")
    assert get(api, "social_worker", f"/people/{pid}", REASON).status_code == 200
    assert not rows(api, action="break_glass")  # a social worker needs no glass to break
    assert rows(api, action="read", username="social_worker")


def test_the_review_list_shows_break_glass_until_an_admin_reviews_it(outsider: Api) -> None:
    api = outsider
    pid = person(api, district="Mansfield")
    assert get(api, OUTSIDER, f"/people/{pid}", REASON).status_code == 200
    waiting = api.get("admin", "/audit/break-glass").json()
    assert waiting["total"] == 1
    [item] = waiting["items"]
    assert (item["username"], item["person_id"], item["reason"]) == (OUTSIDER, str(pid), REASON)
    assert item["review"] is None

    note = {"note": "Confirmed with the team manager: a justified safeguarding check"}
    reviewed = api.post("admin", f"/audit/break-glass/{item['id']}/review", note)
    assert reviewed.status_code == 201, reviewed.text
    assert reviewed.json()["reviewer"] == "admin"
    again = api.post("admin", f"/audit/break-glass/{item['id']}/review", note)
    assert again.status_code == 409
    not_glass = rows(api, action="change")[0]["id"]
    assert api.post("admin", f"/audit/break-glass/{not_glass}/review", note).status_code == 404

    assert api.get("admin", "/audit/break-glass").json()["total"] == 0
    done = api.get("admin", "/audit/break-glass", reviewed="true").json()["items"]
    assert done[0]["review"]["note"] == note["note"]
    assert rows(api, action="break_glass")[0]["reason"] == REASON  # the access row untouched
    for statement in ("UPDATE break_glass_reviews SET note = 'nothing'", "DELETE FROM {t}"):
        with pytest.raises(DBAPIError, match="append-only"), api.runtime.engine.begin() as conn:
            conn.execute(text(statement.format(t=break_glass_reviews.name)))


# --- the reports ------------------------------------------------------------------------------


def test_the_audit_report_per_person_and_per_user(api: Api) -> None:
    pid, other = person(api), person(api)
    api.get("social_worker", f"/people/{pid}")
    api.get("coordinator", f"/people/{pid}/timeline")
    report = api.get("admin", f"/audit/people/{pid}")
    assert report.status_code == 200
    items = report.json()["items"]
    assert [(i["username"], i["action"], i["route"]) for i in items] == [
        ("coordinator", "read", "GET /people/{person_id}/timeline"),
        ("social_worker", "read", "GET /people/{person_id}"),
        ("coordinator", "change", "POST /people"),
    ]
    assert all(i["person_id"] == str(pid) for i in items)
    assert all(i["client_ip"] == "testclient" for i in items)
    looked = rows(api, username="admin", person_id=pid)
    assert [(r["action"], r["what"]) for r in looked] == [("read", "audit")]

    user = api.users["coordinator"].id
    mine = api.get("admin", f"/audit/users/{user}", page_size=2).json()
    assert mine["total"] == 3  # two registrations and the timeline
    assert [i["route"] for i in mine["items"]] == [
        "GET /people/{person_id}/timeline",
        "POST /people",
    ]
    assert {i["person_id"] for i in mine["items"]} <= {str(pid), str(other)}
    assert api.get("admin", f"/audit/users/{uuid.uuid4()}").status_code == 404


# --- append-only and the hash chain -----------------------------------------------------------


@pytest.mark.parametrize("statement", ["UPDATE {t} SET {c} = {c}", "DELETE FROM {t}"])
def test_the_database_refuses_to_update_or_delete_audit_rows(api: Api, statement: str) -> None:
    pid = person(api)
    assert get(api, "coordinator", f"/people/{pid}").status_code == 200
    with pytest.raises(DBAPIError, match="append-only"), api.runtime.engine.begin() as conn:
        conn.execute(text(statement.format(t="audit_log", c="username")))
    assert len(rows(api)) == 2


def test_verify_finds_a_row_changed_behind_the_applications_back(
    api: Api, settings: Settings
) -> None:
    pid = person(api)
    for _ in range(3):
        api.get("social_worker", f"/people/{pid}")
    intact = api.get("admin", "/audit/verify").json()
    assert intact["intact"] is True
    assert intact["rows"] == 4
    assert len(intact["head"]) == 64

    with api.runtime.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_UPDATE"))
        conn.execute(text("UPDATE audit_log SET username = 'someone_else' WHERE id = 3"))
    broken = api.get("admin", "/audit/verify").json()
    assert (broken["intact"], broken["first_broken"], broken["head"]) == (False, 3, None)

    with TestClient(create_app(settings, api.runtime)):  # the next start puts them back
        pass
    with pytest.raises(DBAPIError, match="append-only"), api.runtime.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET username = 'x'"))
