"""People over HTTP: register, read your own writes, search, page, reject, correct, timeline."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from domain.involvement import involvement_id
from domain.reference import age_band
from tests.api.conftest import Api, nhs_number, person_body


def _detail(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    return list(response.json()["detail"])


def test_register_answers_with_where_it_was_recorded_and_reads_back_at_once(api: Api) -> None:
    number = nhs_number(spaced=True)
    response = api.post(
        "social_worker", "/people", person_body(postcode="ng18 1ab", nhs_number=number)
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"id", "version", "position"}
    assert body["version"] == 1
    assert body["position"] == api.log_position()
    assert response.headers["X-Log-Position"] == str(body["position"])

    person = api.person(body["id"], body["position"], username="social_worker")
    assert person["id"] == body["id"]
    assert person["name"] == "Anne Example"
    assert person["nhs_number"] == number.replace(" ", "")
    assert person["postcode"] == "NG18 1AB"
    assert person["district"] == "Mansfield"
    assert person["date_of_birth"] == "1950-03-01"
    assert person["age_band"] == age_band(date(1950, 3, 1), date.today())
    assert person["version"] == 1


def test_search_by_part_of_the_name_district_and_spaced_nhs_number(api: Api) -> None:
    number = nhs_number(spaced=True)
    anne = api.register(name="Anne Example", district="Mansfield")
    joanne = api.register(name="Joanne Brown", district="Ashfield", nhs_number=number)
    alan = api.register(name="Alan Smith", district="Ashfield")
    at = alan["position"]

    def ids(**params: Any) -> list[str]:
        response = api.get("coordinator", "/people", min_position=at, **params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert page["total"] == len(page["items"])
        return [item["id"] for item in page["items"]]

    assert ids(q="ANNE") == [anne["id"], joanne["id"]]  # case-insensitive, ordered by name
    assert ids(q="smi") == [alan["id"]]
    assert ids(district="Ashfield") == [alan["id"], joanne["id"]]
    assert ids(q="anne", district="Ashfield") == [joanne["id"]]
    assert ids(nhs_number=number) == [joanne["id"]]
    assert ids(nhs_number=number.replace(" ", "")) == [joanne["id"]]
    assert ids(q="100%_") == []  # LIKE wildcards are taken literally
    assert ids(district="Rushcliffe") == []


def test_paging(api: Api) -> None:
    made = [api.register(name=f"Person {i}", district="Bassetlaw") for i in range(5)]
    at = made[-1]["position"]
    pages = []
    for page in (1, 2, 3):
        response = api.get(
            "coordinator", "/people", district="Bassetlaw", page=page, page_size=2, min_position=at
        )
        assert response.status_code == 200
        body = response.json()
        assert (body["total"], body["page"], body["page_size"]) == (5, page, 2)
        pages.append([p["name"] for p in body["items"]])
    assert pages == [["Person 0", "Person 1"], ["Person 2", "Person 3"], ["Person 4"]]
    assert api.get("coordinator", "/people", page_size=101).status_code == 422
    assert api.get("coordinator", "/people", page=0).status_code == 422


TOMORROW = (date.today() + timedelta(days=1)).isoformat()
IN_AN_HOUR = (datetime.now(UTC) + timedelta(hours=1)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nhs_number": "943 476 5918"}, "nhs_number"),  # wrong check digit (valid: ...5919)
        ({"nhs_number": "12345"}, "nhs_number"),
        (
            {"nhs_number": "\uff19\uff14\uff13\uff14\uff17\uff16\uff15\uff19\uff11\uff19"},
            "nhs_number",
        ),
        ({"district": "Atlantis"}, "district"),
        ({"postcode": "ZZZZZZ"}, "postcode"),
        ({"postcode": "NG1"}, "postcode"),
        ({"date_of_birth": TOMORROW}, "date_of_birth"),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth"),
        ({"date_of_birth": "not a date"}, "date_of_birth"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"lsoa_code": "W01000001"}, "lsoa_code"),
        ({"sex": "unknown"}, "sex"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"occurred_at": "2024-05-01T10:00:00"}, "occurred_at"),  # no time zone
        ({"occurred_at": IN_AN_HOUR}, "occurred_at"),
    ],
)
def test_invalid_fields_are_422_naming_the_field_and_record_nothing(
    api: Api, overrides: dict[str, Any], field: str
) -> None:
    before = api.log_position()
    detail = _detail(api.post("coordinator", "/people", person_body(**overrides)))
    assert detail[0]["loc"] == ["body", field]
    assert detail[0]["msg"]
    assert api.log_position() == before


def test_missing_field_and_malformed_json_are_422(api: Api) -> None:
    before = api.log_position()
    missing = person_body()
    del missing["district"]
    assert _detail(api.post("coordinator", "/people", missing))[0]["loc"] == ["body", "district"]
    broken = api.client.post(
        "/people",
        content=b'{"name": "Anne", ',
        headers={**api.headers("coordinator"), "Content-Type": "application/json"},
    )
    detail = _detail(broken)
    assert detail[0]["type"] == "json_invalid"
    assert detail[0]["loc"][0] == "body"
    assert api.log_position() == before


def test_duplicate_nhs_number_is_409_naming_the_existing_person(api: Api) -> None:
    number = nhs_number()
    first = api.register(nhs_number=number)
    before = api.log_position()
    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"
    response = api.post(
        "social_worker", "/people", person_body(name="Someone Else", nhs_number=spaced)
    )
    assert response.status_code == 409
    assert response.json()["existing_person_id"] == first["id"]
    assert "already registered" in response.json()["detail"]
    assert api.log_position() == before


def test_correction_records_a_new_version_and_the_timeline_shows_who(api: Api) -> None:
    made = api.register("social_worker", name="Anne Exampel")
    response = api.put("coordinator", f"/people/{made['id']}", person_body(name="Anne Example"))
    assert response.status_code == 200, response.text
    corrected = response.json()
    assert corrected["id"] == made["id"]
    assert corrected["version"] == 2
    assert corrected["position"] > made["position"]
    assert response.headers["X-Log-Position"] == str(corrected["position"])
    person = api.person(made["id"], corrected["position"])
    assert (person["name"], person["version"]) == ("Anne Example", 2)

    timeline = api.get(
        "coordinator", f"/people/{made['id']}/timeline", min_position=corrected["position"]
    )
    assert timeline.status_code == 200
    entries = timeline.json()
    assert [(e["event"], e["version"], e["actor_name"]) for e in entries] == [
        ("Person.Registered", 1, "Social Worker"),
        ("Person.DetailsCorrected", 2, "Coordinator"),
    ]
    assert entries[1]["details"]["personal"] == {"name": "Anne Example"}

    unchanged = api.put("coordinator", f"/people/{made['id']}", person_body(name="Anne Example"))
    assert unchanged.status_code == 200
    assert unchanged.json()["version"] == 2  # nothing changed, nothing recorded
    assert api.log_position() == corrected["position"]


def test_correcting_the_nhs_number_frees_the_old_one(api: Api) -> None:
    old, new = nhs_number(), nhs_number()
    made = api.register(nhs_number=old)
    assert (
        api.put("coordinator", f"/people/{made['id']}", person_body(nhs_number=new)).status_code
        == 200
    )
    clash = api.post("coordinator", "/people", person_body(name="B", nhs_number=new))
    assert clash.status_code == 409
    assert clash.json()["existing_person_id"] == made["id"]
    assert (
        api.post("coordinator", "/people", person_body(name="C", nhs_number=old)).status_code == 201
    )


def test_invalid_correction_is_422_and_records_nothing(api: Api) -> None:
    made = api.register()
    before = api.log_position()
    response = api.put("coordinator", f"/people/{made['id']}", person_body(district="Atlantis"))
    assert _detail(response)[0]["loc"] == ["body", "district"]
    assert api.log_position() == before


def test_unknown_person_is_404_on_read_correct_and_timeline(api: Api) -> None:
    missing = str(uuid.uuid4())
    for response in (
        api.get("coordinator", f"/people/{missing}"),
        api.put("coordinator", f"/people/{missing}", person_body()),
        api.get("coordinator", f"/people/{missing}/timeline"),
    ):
        assert response.status_code == 404, response.text
        assert missing in response.json()["detail"]
    assert api.get("coordinator", "/people/not-a-uuid").status_code == 422
    referral = api.refer()["id"]  # a record of another kind is not a person
    assert api.put("coordinator", f"/people/{referral}", person_body()).status_code == 404
    assert api.get("coordinator", f"/people/{referral}/timeline").status_code == 404


def test_timeline_has_the_person_and_their_referrals_in_order(api: Api) -> None:
    back_then = datetime(2023, 6, 1, 9, 30, tzinfo=UTC)
    made = api.register("social_worker", occurred_at=back_then.astimezone().isoformat())
    referral = api.refer("social_worker", person_id=made["id"])
    accepted = api.post("coordinator", f"/referrals/{referral['id']}/accept", {})
    assert accepted.status_code == 200
    other = api.refer("social_worker")  # someone else's referral stays off this timeline

    at = max(accepted.json()["position"], other["position"])
    response = api.get("coordinator", f"/people/{made['id']}/timeline", min_position=at)
    assert response.status_code == 200, response.text
    entries = response.json()
    assert [(e["record"], e["record_id"], e["event"], e["actor_name"]) for e in entries] == [
        ("person", made["id"], "Person.Registered", "Social Worker"),
        ("referral", referral["id"], "Referral.Received", "Social Worker"),
        ("referral", referral["id"], "Referral.Accepted", "Coordinator"),
        # Accepting a LAC referral made with the person's consent to share records their
        # consent to Local Area Coordination support and opens their involvement, in the same
        # save.
        ("person", made["id"], "Person.ConsentGiven", "Coordinator"),
        (
            "involvement",
            str(involvement_id(uuid.UUID(made["id"]))),
            "Involvement.Opened",
            "Coordinator",
        ),
    ]
    recorded = [datetime.fromisoformat(e["recorded_at"]) for e in entries]
    assert recorded == sorted(recorded)
    assert all(e["occurred_at"] and e["actor_id"] for e in entries)
    assert datetime.fromisoformat(entries[0]["occurred_at"]) == back_then  # back-dating kept
    assert recorded[0] - back_then > timedelta(days=300)
    assert entries[1]["details"]["reasons"] == ["recently bereaved, at risk of losing her home"]
    assert entries[2]["details"]["coordinator_id"] == str(api.users["coordinator"].id)
