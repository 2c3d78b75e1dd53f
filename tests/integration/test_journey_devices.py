"""The device scheme's acceptance journey (issue 4, item 7), end to end through the HTTP API on
PostgreSQL with a real Celery worker projecting the read models.

A social worker refers Margaret, who is isolated since lockdown, and Tom, her husband and carer
in the same house, to a scheme year with two places; Edna, referred next, waits. The device
officer hands Margaret a kit on loan and Tom one as a gift, trains them both and sorts out a
problem. Margaret gives her kit back and leaves the scheme: Edna takes her place and, once the
returned tablet is wiped, its kit. Stock, loans, the waiting list, support, the dashboard with
its budget and the end-of-scheme list are read back at each step through the HTTP GET routes.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient

from api.accounts import User
from api.roles import Role
from tests.integration import device_steps as d
from tests.integration.device_steps import PNG, SCHEME, each_kind, pounds
from tests.integration.journey_steps import Actor, Journey, day
from tests.integration.services import CeleryProcess
from workers.runtime import Runtime

YEAR = "2021-22"
STARTS, ENDS = -45, 319  # days from today: a 12-month trial that began six weeks ago
RATE, SETUP = Decimal("30.00"), Decimal("40.00")
MONTHLY = (Decimal("8.20"), Decimal("10.00"))
BUDGET = {
    "tablets": "62000.00",
    "connectivity_4g": "29500.00",
    "setup_and_device_management": "18000.00",
    "service_user_support": "96000.00",
}
HOME = "NG18 2QT", "14 Rosemary Street, Mansfield"
MARGARET_REASON = "Cannot reach her day centre friends or GP online since lockdown"
TOM_REASON = "Carer for his wife; needs the carers' support group, now only online"
EDNA_REASON = "Lives alone; her family is abroad and she has no internet at home"
ASHFIELD = "NG17 1AB", "3 Mill Lane, Sutton-in-Ashfield"
PEOPLE = {  # name: district, (postcode, address), the plan for the tablet, the reason
    "Margaret Lowe": ("Mansfield", HOME, "loan", MARGARET_REASON),
    "Tom Lowe": ("Mansfield", HOME, "gift", TOM_REASON),
    "Edna Shaw": ("Ashfield", ASHFIELD, "loan", EDNA_REASON),
    "Frank Hill": ("Ashfield", ("NG17 2CD", "9 Low Street, Sutton-in-Ashfield"), "loan", "Alone"),
}
VERBAL = {"agreement": "witnessed_verbal", "witness": "Sam Carter, support worker"}


def test_device_scheme_journey_lend_gift_return_wipe_reissue(
    client: TestClient, runtime: Runtime, users: dict[Role, User], worker: CeleryProcess
) -> None:
    j = Journey(client, runtime)
    who = {role: j.sign_in(f"it.{role.value}", users[role].id, role.value) for role in Role}
    admin, officer, sw = who[Role.ADMIN], who[Role.DEVICE_OFFICER], who[Role.SOCIAL_WORKER]
    scheme = {
        "year": YEAR,
        "starts_on": day(STARTS),
        "ends_on": day(ENDS),
        "capacity": 2,
        "budget": BUDGET,
        "support_hourly_rate": pounds(RATE),
        "setup_cost_per_device": pounds(SETUP),
    }
    j.post(admin, SCHEME, scheme, status=201)

    # Stock: two kits of a tablet (valid IMEI, enrolled), a SIM, a charger and a case.
    kits = [d.stocked_kit(j, officer, n + 1, f"3520990000000{n}", MONTHLY[n]) for n in range(2)]
    board = j.read(officer, f"{SCHEME}/stock", page_size=100)
    assert board["total"] == 8 and d.counts(board) == each_kind(in_stock=2)
    tablets = j.read(officer, f"{SCHEME}/stock", kind="tablet")["items"]
    assert {t["imei"] for t in tablets} == {d.luhn("35209900000000"), d.luhn("35209900000001")}
    assert all(t["enrolled"] and t["kit_id"] for t in tablets)

    # Referrals: Margaret (loan), Tom her carer at the same address (gift), then Edna and
    # Frank, who wait in the order they were referred.
    margaret = refer(j, sw, "Margaret Lowe")
    tom = refer(j, sw, "Tom Lowe", need="carer_support", recipient="carer", cares_for_id=margaret)
    edna, frank = refer(j, sw, "Edna Shaw", "waiting"), refer(j, sw, "Frank Hill", "waiting")
    waiting = j.read(officer, f"{SCHEME}/{YEAR}/waiting-list")["items"]
    assert [(w["position"], w["person_id"], w["name"]) for w in waiting] == [
        (1, edna, "Edna Shaw"),
        (2, frank, "Frank Hill"),
    ]
    assert waiting[0]["district"] == "Ashfield" and waiting[0]["referred_on"] == day(0)

    # Hand-overs: Margaret signs; Tom agrees aloud, witnessed. Training, support, a ticket.
    lent = d.issue(j, officer, YEAR, margaret, kits[0], agreement="signature", signature_png=PNG)
    gift = d.issue(j, officer, YEAR, tom, kits[1], lent=False, **VERBAL)
    d.session(j, officer, lent, "training", 60, "Video calls with her family")
    d.session(j, officer, lent, "remote_support", 30, "Joining the day centre's online group")
    d.session(j, officer, gift, "training", 45, "The carers' support group online")
    ticket = j.post(
        officer, f"{SCHEME}/loans/{lent}/tickets", {"on": day(0), "problem": "No sound"}, status=201
    )["id"]
    j.post(
        officer,
        f"{SCHEME}/loans/{lent}/tickets/{ticket}/resolve",
        {"on": day(0), "resolution": "Unmuted the media volume"},
    )
    board = j.read(officer, f"{SCHEME}/stock", page_size=100)
    assert d.counts(board) == each_kind(issued=1, gifted=1)
    assert d.states_of(board)[kits[0].tablet] == "issued"
    assert d.states_of(board)[kits[1].tablet] == "gifted"
    loans = j.read(officer, f"{SCHEME}/loans")
    assert [(r["loan_id"], r["due_on"], r["overdue"]) for r in loans["items"]] == [
        (lent, day(90), False)
    ]  # the gift has no due date
    assert loans["items"][0]["sessions_count"] == 2 and loans["items"][0]["open_tickets"] == 0
    assert j.read(officer, f"{SCHEME}/loans", overdue="true")["items"] == []
    check_margaret_while_on_loan(j, officer, margaret, lent, ticket)
    check_separation_of_duties(j, officer, who[Role.COORDINATOR], margaret, tom)

    # Margaret gives her kit back, complete and in good order; the tablet awaits a wipe.
    j.post(officer, f"{SCHEME}/loans/{lent}/return", {"condition": "good"})
    board = j.read(officer, f"{SCHEME}/stock", page_size=100)
    returned = each_kind(gifted=1, in_stock=1)
    del returned[("tablet", "in_stock")]
    assert d.counts(board) == {**returned, ("tablet", "awaiting_wipe"): 1}
    assert d.states_of(board)[kits[0].tablet] == "awaiting_wipe"
    assert j.read(officer, f"{SCHEME}/loans")["items"] == []

    # Frank withdraws while waiting (no one is promoted); Margaret leaves, Edna takes her place.
    left = j.post(admin, f"{SCHEME}/{YEAR}/people/{frank}/leave", {"reason": "Moved away"})
    assert left["place_taken_by"] is None
    assert [w["person_id"] for w in j.read(officer, f"{SCHEME}/{YEAR}/waiting-list")["items"]] == [
        edna
    ]
    left = j.post(officer, f"{SCHEME}/{YEAR}/people/{margaret}/leave", {"reason": "Own tablet"})
    assert left["place_taken_by"] == edna
    assert j.read(officer, f"{SCHEME}/{YEAR}/waiting-list")["items"] == []
    gone = j.read(officer, f"{SCHEME}/people/{margaret}")
    assert [(p["status"], p["left_reason"]) for p in gone["places"]] == [("left", "Own tablet")]
    assert [(x["end_status"], x["condition"]) for x in gone["loans"]] == [("returned", "good")]

    # The returned tablet cannot go out again until it is wiped; then Edna gets the kit.
    body = {"person_id": edna, "kit_id": kits[0].kit_id, "due_on": day(90)}
    refusal = j.refused(officer, "POST", f"{SCHEME}/{YEAR}/loans", body, 409)
    assert "awaiting_wipe" in json.dumps(refusal)
    j.post(officer, f"{SCHEME}/stock/{kits[0].tablet}/wipe", {})
    board = j.read(officer, f"{SCHEME}/stock", page_size=100)
    assert d.counts(board) == each_kind(gifted=1, in_stock=1)
    assert next(r for r in board["items"] if r["item_id"] == kits[0].tablet)["wiped"] is True
    reissued = d.issue(
        j, officer, YEAR, edna, kits[0], agreement="witnessed_verbal", witness="Her daughter Jo"
    )
    d.session(j, officer, reissued, "training", 30, "Email and video calls")
    board = j.read(officer, f"{SCHEME}/stock", page_size=100)
    assert d.counts(board) == each_kind(issued=1, gifted=1)
    loans = j.read(officer, f"{SCHEME}/loans")["items"]
    assert [(r["loan_id"], r["person_id"], r["due_on"]) for r in loans] == [
        (reissued, edna, day(90))
    ]
    edna_devices = j.read(officer, f"{SCHEME}/people/{edna}")
    assert [p["status"] for p in edna_devices["places"]] == ["enrolled"]
    assert [(loan["kit_id"], loan["status"]) for loan in edna_devices["loans"]] == [
        (kits[0].kit_id, "active")
    ]

    check_dashboard(j, admin, who[Role.EVALUATOR], officer)
    end = j.read(officer, f"{SCHEME}/{YEAR}/end-of-scheme")
    assert (end["ends_on"], end["recall"], end["convert_to_gift"]) == (day(ENDS), 1, 0)
    assert [(r["loan_id"], r["recommendation"]) for r in end["loans"]] == [(reissued, "recall")]
    assert {i["item_id"] for i in end["loans"][0]["items"]} == set(kits[0].items)


def refer(j: Journey, sw: Actor, name: str, place: str = "enrolled", **more: Any) -> str:
    """The social worker refers someone new; answers their id once the place is as expected."""
    district, (postcode, address), tablet, reason = PEOPLE[name]
    person = d.new_person(name, district, postcode, address, "01623 000000")
    need = more.pop("need", "digital_exclusion")
    body = d.referral(person, f"CSP-{name[:4]}", need, tablet, reason, **more)
    made = j.post(sw, f"{SCHEME}/{YEAR}/referrals", body, status=201)
    assert made["place"] == place
    return str(made["person_id"])


def check_margaret_while_on_loan(
    j: Journey, officer: Actor, margaret: str, lent: str, ticket: str
) -> None:
    mine = j.read(officer, f"{SCHEME}/people/{margaret}")
    assert (mine["name"], mine["phone"]) == ("Margaret Lowe", "01623 000000")
    assert (mine["postcode"], mine["address"]) == HOME
    [place] = mine["places"]
    assert (place["year"], place["status"], place["recipient"]) == (
        YEAR,
        "enrolled",
        "vulnerable_adult",
    )
    [loan] = mine["loans"]
    assert (loan["loan_id"], loan["status"], loan["agreement"], loan["is_gift"]) == (
        lent,
        "active",
        "signature",
        False,
    )
    assert (loan["sessions_count"], loan["support_minutes"], loan["overdue"]) == (2, 90, False)
    assert sorted((s["kind"], s["minutes"]) for s in mine["sessions"]) == [
        ("remote_support", 30),
        ("training", 60),
    ]
    [found] = mine["tickets"]
    assert (found["ticket_id"], found["resolved_on"]) == (ticket, day(0))
    assert found["resolution"] == "Unmuted the media volume"


def check_separation_of_duties(
    j: Journey, officer: Actor, coordinator: Actor, margaret: str, tom: str
) -> None:
    """The device officer sees delivery details and the scheme's records, nothing of the
    referral's reasons or of casework; a coordinator sees nothing of the device scheme."""
    theirs = j.read(officer, f"{SCHEME}/people/{tom}")
    assert (theirs["name"], theirs["address"]) == ("Tom Lowe", HOME[1])
    [place] = theirs["places"]
    assert (place["recipient"], place["cares_for_id"]) == ("carer", margaret)
    [loan] = theirs["loans"]
    assert (loan["status"], loan["is_gift"], loan["agreement"]) == (
        "gifted",
        True,
        "witnessed_verbal",
    )
    for person in (margaret, tom):
        text = json.dumps(j.read(officer, f"{SCHEME}/people/{person}"))
        assert MARGARET_REASON not in text and TOM_REASON not in text
        assert '"reasons"' not in text and "casework" not in text and "notes" not in text
    for url in (f"/people/{margaret}", f"/people/{margaret}/casework", "/caseload"):
        j.read(officer, url, status=403)
    j.refused(officer, "POST", f"/people/{margaret}/involvement", {}, 403)
    for url in (
        f"{SCHEME}/stock",
        f"{SCHEME}/loans",
        f"{SCHEME}/people/{margaret}",
        f"{SCHEME}/{YEAR}/waiting-list",
        f"{SCHEME}/{YEAR}/dashboard",
    ):
        j.read(coordinator, url, status=403)
    again = d.referral(None, "CSP-9", "digital_exclusion", "loan", "Isolated", person_id=tom)
    j.refused(coordinator, "POST", f"{SCHEME}/{YEAR}/referrals", again, 403)


def check_dashboard(j: Journey, admin: Actor, evaluator: Actor, officer: Actor) -> None:
    board = j.read(officer, f"{SCHEME}/{YEAR}/dashboard")
    assert j.read(admin, f"{SCHEME}/{YEAR}/dashboard") == board
    assert j.read(evaluator, f"{SCHEME}/{YEAR}/dashboard") == board
    assert board["capacity"] == {"capacity": 2, "enrolled": 2, "waiting": 0, "left": 2}
    assert board["people_benefited"] == 3
    assert (board["active_loans"], board["gifts"], board["returns"], board["losses"]) == (
        1,
        1,
        1,
        0,
    )
    assert (board["training_sessions"], board["remote_support_sessions"]) == (3, 1)
    assert (board["support_minutes"], board["support_hours"]) == (165, "2.75")
    assert board["by_district"] == [
        {"district": "Ashfield", "people": 1},
        {"district": "Mansfield", "people": 2},
    ]
    lines = {line["line"]: line for line in board["budget"]["lines"]}
    assert {k: line["budget"] for k, line in lines.items()} == BUDGET
    expected = expected_spend()
    assert {
        k: (line["spend"], line["committed"], line["forecast"]) for k, line in lines.items()
    } == expected
    total = sum((Decimal(v[0]) for v in expected.values()), Decimal(0))
    assert board["budget"]["total"]["spend"] == pounds(total)


def expected_spend() -> dict[str, tuple[str, str, str]]:
    """Each budget line's (spend, committed, forecast), worked out from the journey's inputs."""
    tablets = 2 * (d.COSTS["tablet"] + d.COSTS["charger"] + d.COSTS["case"])
    start, end, today = d.today(-30), d.today(ENDS), d.today()
    paid, total = d.months_between(start, today), d.months_between(start, end)
    sims_spent = sum((d.SIM_COST + m * paid for m in MONTHLY), Decimal(0))
    sims_committed = sum((m * (total - paid) for m in MONTHLY), Decimal(0))
    support = Decimal(165) * RATE / 60
    elapsed, days = -STARTS + 1, ENDS - STARTS + 1
    forecast = support + support * (days - elapsed) / elapsed
    return {
        "tablets": (pounds(tablets), "0.00", pounds(tablets)),
        "connectivity_4g": (
            pounds(sims_spent),
            pounds(sims_committed),
            pounds(sims_spent + sims_committed),
        ),
        "setup_and_device_management": (pounds(2 * SETUP), "0.00", pounds(2 * SETUP)),
        "service_user_support": (pounds(support), "0.00", pounds(forecast)),
    }
