"""Bad input and faults (issue 3) through the HTTP API on PostgreSQL with a real worker:
each answers a clear 4xx and records nothing (the event-log position does not move); and a
coordinator of another district can neither see nor change the casework, nor tell that the
person exists. The journeys themselves are in test_journey_alan.py and test_journey_anne.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from fastapi.testclient import TestClient

from tests.integration.journey_steps import (
    VERBAL,
    Journey,
    ago,
    contact,
    day,
    measure,
    outcome,
    person,
)
from tests.integration.services import CeleryProcess
from workers.runtime import Runtime


def loc(answer: dict[str, Any]) -> list[str]:
    (error,) = answer["detail"]
    return list(error["loc"])


def test_bad_input_is_refused_and_recorded_nowhere_and_scope_does_not_leak(
    client: TestClient, runtime: Runtime, worker: CeleryProcess
) -> None:
    j = Journey(client, runtime)
    lena = j.coordinator("lena.lac", "Lena Okafor", "Mansfield")
    ravi = j.coordinator("ravi.lac", "Ravi Shah", "Ashfield")
    body = person("Alan Example", "Mansfield", "1984-02-11", "NG18 2AB", ago(2))
    alan = j.post(lena, "/people", body, status=201)["id"]
    inv = f"/people/{alan}/involvement"
    j.post(lena, inv, {"occurred_at": ago(1).isoformat(), "consent": VERBAL}, status=201)
    body = person("Not Yet Known", "Mansfield", "1990-01-01", "NG18 3CD", ago(1))
    newcomer = j.post(lena, "/people", body, status=201)["id"]
    talk = contact(ago(0.5), 30, "in_person", ["listening"], "Talked about the hostel")

    # Another district's coordinator: 404 exactly as for nobody at all, and nothing recorded.
    nobody = str(uuid4())
    hidden = j.read(ravi, f"/people/{alan}/casework", 404)
    unknown = j.read(ravi, f"/people/{nobody}/casework", 404)
    assert hidden == {"detail": f"no person with id {alan}"}
    assert unknown == {"detail": f"no person with id {nobody}"}
    # Nor does the person show anywhere else: not their record, timeline or a search.
    assert j.read(ravi, f"/people/{alan}/timeline", 404) == hidden
    assert j.read(ravi, f"/people/{alan}", 404) == hidden
    assert j.read(ravi, "/people", q="alan")["total"] == 0
    for method, url, sent in (
        ("POST", "/people/{}/contacts", talk),
        ("PUT", "/people/{}/involvement/next-action", {"action": "Call", "due_on": day(1)}),
        ("POST", "/people/{}/involvement/close", {"reason": "other"}),
    ):
        hidden = j.refused(ravi, method, url.format(alan), sent, 404)
        unknown = j.refused(ravi, method, url.format(nobody), sent, 404)
        assert hidden["detail"].replace(alan, "?") == unknown["detail"].replace(nobody, "?")
        assert hidden == {"detail": f"no person with id {alan}"}
    assert j.read(ravi, "/caseload", 403, district="Mansfield") == {
        "detail": "outside your caseload and your team district"
    }
    assert j.read(ravi, "/caseload", 403, coordinator_id=str(lena.id))["detail"].startswith(
        "outside your caseload"
    )
    assert j.read(ravi, "/caseload")["items"] == []
    assert [r["person_id"] for r in j.read(lena, "/caseload")["items"]] == [alan]

    # A contact dated in the future.
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    future = contact(tomorrow, 30, "phone", ["listening"], "Not yet")
    answer = j.refused(lena, "POST", f"/people/{alan}/contacts", future, 422)
    assert loc(answer) == ["body", "contact_at"]
    assert answer["detail"][0]["msg"] == "must not be in the future"

    # Scores out of range: the item is named (1-based), with its label and range.
    swemwbs = measure("swemwbs", "baseline", day(0), [3, 3, 6, 3, 3, 3, 3])
    answer = j.refused(lena, "POST", f"/people/{alan}/measures", swemwbs, 422)
    assert loc(answer) == ["body", "items", "3"]
    assert answer["detail"][0]["msg"] == "feeling relaxed: 6 is outside 1-5"
    ucla = measure("ucla3", "baseline", day(0), [1, 4, 2])
    answer = j.refused(lena, "POST", f"/people/{alan}/measures", ucla, 422)
    assert loc(answer) == ["body", "items", "2"]
    short = measure("ons4", "baseline", day(0), [7, 7, 7])
    answer = j.refused(lena, "POST", f"/people/{alan}/measures", short, 422)
    assert (loc(answer), answer["detail"][0]["msg"]) == (
        ["body", "items"],
        "ons4 has 4 items; 3 given",
    )

    # An outcome for a person with no involvement.
    crisis = outcome("crisis_avoided", None, day(0), "Stayed at home")
    answer = j.refused(lena, "POST", f"/people/{newcomer}/outcomes", crisis, 409)
    assert answer == {"detail": f"person {newcomer} has no involvement: open one first"}

    # An asset in an unknown district.
    asset = {"name": "Harbour Walk", "category": "group", "district": "Atlantis"}
    answer = j.refused(lena, "POST", "/assets", asset, 422)
    assert loc(answer) == ["body", "district"]
    assert answer["detail"][0]["msg"] == "unknown district 'Atlantis'"

    # Closing an involvement twice: the second is a 409 saying why.
    j.post(lena, f"{inv}/close", {"reason": "goals_met"})
    answer = j.refused(lena, "POST", f"{inv}/close", {"reason": "goals_met"}, 409)
    assert answer["status"] == "closed"
    assert answer["detail"].endswith("it is closed; it is already closed")

    # Nothing of the above reached the read models either.
    page = j.read(lena, f"/people/{alan}/casework")
    assert (page["involvement"]["status"], page["involvement"]["close_reason"]) == (
        "closed",
        "goals_met",
    )
    assert page["contacts"] == page["measures"] == page["outcomes"] == []
    assert j.read(lena, f"/people/{newcomer}/casework")["involvement"] is None
    assert j.read(lena, "/assets", include_retired=True)["total"] == 0
    timeline = j.read(lena, f"/people/{alan}/timeline")
    events = [e["event"] for e in timeline]
    # Opening with her verbal yes records the consent in the same save (either order).
    assert events[0] == "Person.Registered" and events[-1] == "Involvement.Closed"
    assert sorted(events[1:-1]) == ["Involvement.Opened", "Person.ConsentGiven"]


def test_another_districts_coordinator_cannot_open_casework_by_accepting_a_referral(
    client: TestClient, runtime: Runtime, worker: CeleryProcess
) -> None:
    """Opening Alan's involvement directly is refused to a coordinator of another district
    (404, as above); accepting his LAC referral opens the very same involvement, so it must be
    refused too, and leave nothing recorded."""
    j = Journey(client, runtime)
    lena = j.coordinator("lena.lac", "Lena Okafor", "Mansfield")
    ravi = j.coordinator("ravi.lac", "Ravi Shah", "Ashfield")
    made = j.post(
        lena,
        "/referrals",
        {
            "person": person("Alan Example", "Mansfield", "1984-02-11", "NG18 2AB", ago(1)),
            "programme": "lac",
            "source": "councillor",
            "reasons": ["Evicted; sofa-surfing"],
            "consent_to_share": True,
        },
        status=201,
    )
    alan = made["person_id"]
    j.refused(ravi, "POST", f"/people/{alan}/involvement", {}, 404)
    j.refused(ravi, "POST", f"/referrals/{made['id']}/accept", {}, 404)
    j.read(ravi, f"/people/{alan}/casework", 404)


def test_a_follow_up_measure_dated_before_its_baseline_is_refused(
    client: TestClient, runtime: Runtime, worker: CeleryProcess
) -> None:
    """A follow-up taken before the baseline it is compared with gives a "change from
    baseline" that runs backwards in time: it is bad input, like a score out of range."""
    j = Journey(client, runtime)
    lena = j.coordinator("lena.lac", "Lena Okafor", "Mansfield")
    body = person("Alan Example", "Mansfield", "1984-02-11", "NG18 2AB", ago(30))
    alan = j.post(lena, "/people", body, status=201)["id"]
    opening = {"occurred_at": ago(20).isoformat(), "consent": VERBAL}
    j.post(lena, f"/people/{alan}/involvement", opening, status=201)
    baseline = measure("ucla3", "baseline", day(-1), [3, 3, 3])
    j.post(lena, f"/people/{alan}/measures", baseline, status=201)
    earlier = measure("ucla3", "follow_up", day(-10), [1, 1, 1])
    answer = j.refused(lena, "POST", f"/people/{alan}/measures", earlier, 422)
    assert loc(answer) == ["body", "taken_on"]
