"""The device officer's loan pages: the waiting list, reserving a kit, handing it over with a
drawn signature or a witnessed verbal yes, support, return, gift and the loans list. Each form's
effect is read back through the JSON API; a refused form records nothing and keeps its values."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.device_fixtures import (
    GIFTED,
    OFFICER,
    PNG,
    SCHEME,
    day,
    events,
    handed_over,
    kit,
    open_scheme,
    refer,
    reserve,
)
from tests.web.conftest import Browser, Browsers

SIGNATURE = f"data:image/png;base64,{PNG}"  # what signature.js writes: a PNG data URL


def record(api: Api, person_id: str) -> dict[str, Any]:
    """The person's device record as the JSON API has it now."""
    answer = api.get(OFFICER, f"{SCHEME}/people/{person_id}", min_position=api.log_position())
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def the_loan(api: Api, person_id: str, loan_id: str) -> dict[str, Any]:
    return next(ln for ln in record(api, person_id)["loans"] if ln["loan_id"] == loan_id)


def loan_page(person_id: str, loan_id: str, action: str = "") -> str:
    url = f"/app/devices/people/{person_id}/loans/{loan_id}"
    return f"{url}/{action}" if action else url


@pytest.fixture
def reserved(api: Api) -> tuple[str, str]:
    """A person with a place and a kit reserved for them: (person, loan)."""
    open_scheme(api)
    person_id = refer(api)["person_id"]
    kit_id, _ = kit(api)
    return person_id, reserve(api, person_id, kit_id)


def hand_over(officer: Browser, person_id: str, loan_id: str, **fields: Any) -> Any:
    url = loan_page(person_id, loan_id, "hand-over")
    body = {"on": day(), "advice": ["safe_use_advice", "safeguarding_advice"], **fields}
    return officer.submit(url, body, page=url)


def test_the_waiting_list_and_reserving_a_kit(api: Api, browsers: Browsers) -> None:
    open_scheme(api, capacity=1)
    placed = refer(api)
    waiting = refer(api)
    assert (placed["place"], waiting["place"]) == ("enrolled", "waiting")
    kit_id, _ = kit(api)
    officer = browsers.signed_in(OFFICER)
    page = officer.get("/app/devices/waiting-list")
    assert page.status_code == 200
    assert "Waiting list for 2021-22" in page.text
    assert "1 of 1 places taken; 1 waiting" in page.text
    row = page.text.split("In order: the first takes the next place freed")[1]
    assert f'href="/app/devices/people/{waiting["person_id"]}"' in row.split("</table>")[0]
    assert f'href="/app/devices/people/{placed["person_id"]}/reserve"' in page.text

    form = f"/app/devices/people/{waiting['person_id']}/reserve"
    assert "number 1 on the 2021-22 waiting list" in officer.get(form).text  # no place yet

    form = f"/app/devices/people/{placed['person_id']}/reserve"
    before = api.log_position()
    refused = officer.submit(form, {"year": "2021-22", "kit_id": kit_id}, page=form)
    assert refused.status_code == 422
    assert 'id="due_on-error"' in refused.text and "due date" in refused.text
    assert f'value="{kit_id}" checked' in refused.text
    assert api.log_position() == before
    done = officer.submit(form, {"year": "2021-22", "kit_id": kit_id, "due_on": day(90)}, page=form)
    assert "Kit reserved." in done.text
    assert "Hand the kit over" in done.text  # the loan page, with what fits next
    loans = record(api, placed["person_id"])["loans"]
    assert [(ln["kit_id"], ln["status"], ln["due_on"]) for ln in loans] == [
        (kit_id, "reserved", day(90))
    ]


def test_hand_over_with_a_drawn_signature(
    api: Api, browsers: Browsers, reserved: tuple[str, str]
) -> None:
    person_id, loan_id = reserved
    officer = browsers.signed_in(OFFICER)
    form = officer.get(loan_page(person_id, loan_id, "hand-over")).text
    assert '<script src="/app/static/signature.js" defer></script>' in form
    assert "<canvas" in form and 'name="signature_png"' in form
    assert " onclick=" not in form and "<script>" not in form  # no inline script
    done = hand_over(officer, person_id, loan_id, agreement="signature", signature_png=SIGNATURE)
    assert done.status_code == 200
    assert "Kit handed over: the agreement and advice are recorded." in done.text
    assert "signed on screen" in done.text
    loan = the_loan(api, person_id, loan_id)
    assert (loan["status"], loan["agreement"]) == ("active", "signature")
    handed = [e for e in events(api, loan_id) if type(e).__name__ == "HandedOver"]
    assert [e.signature_png for e in handed] == [PNG]
    assert officer.get("/app/static/signature.js").status_code == 200


def test_hand_over_without_signature_or_witness_is_refused_beside_the_field(
    api: Api, browsers: Browsers, reserved: tuple[str, str]
) -> None:
    person_id, loan_id = reserved
    officer = browsers.signed_in(OFFICER)
    before = api.log_position()
    refused = hand_over(officer, person_id, loan_id, agreement="signature", signature_png="")
    assert refused.status_code == 422
    assert 'id="signature_png-error"' in refused.text
    assert "Ask them to sign in the box" in refused.text
    assert 'value="signature" checked' in refused.text  # what was chosen and ticked is kept
    assert 'value="safe_use_advice" checked' in refused.text
    assert 'value="safeguarding_advice" checked' in refused.text
    verbal = hand_over(officer, person_id, loan_id, agreement="witnessed_verbal", witness="")
    assert verbal.status_code == 422
    assert 'id="witness-error"' in verbal.text and 'value="witnessed_verbal" checked' in verbal.text
    assert api.log_position() == before
    assert the_loan(api, person_id, loan_id)["status"] == "reserved"
    done = hand_over(
        officer, person_id, loan_id, agreement="witnessed_verbal", witness="Jo, her daughter"
    )
    assert "Kit handed over" in done.text
    assert the_loan(api, person_id, loan_id)["agreement"] == "witnessed_verbal"


def test_hand_over_without_the_advice_keeps_the_signature(
    api: Api, browsers: Browsers, reserved: tuple[str, str]
) -> None:
    person_id, loan_id = reserved
    officer = browsers.signed_in(OFFICER)
    refused = hand_over(
        officer, person_id, loan_id, agreement="signature", signature_png=SIGNATURE, advice=[]
    )
    assert refused.status_code == 422
    assert 'id="advice-error"' in refused.text
    assert f'value="{SIGNATURE}"' in refused.text  # signature.js redraws it from here
    assert the_loan(api, person_id, loan_id)["status"] == "reserved"


def test_support_then_a_return_through_the_forms(api: Api, browsers: Browsers) -> None:
    open_scheme(api)
    person_id, loan_id, items = handed_over(api)
    officer = browsers.signed_in(OFFICER)
    url = loan_page(person_id, loan_id, "session")
    session = {"kind": "training", "on": day(), "minutes": "45", "topic": "Video calls"}
    refused = officer.submit(url, {**session, "minutes": "lots"}, page=url)
    assert refused.status_code == 422
    assert 'id="minutes-error"' in refused.text and "Enter a whole number" in refused.text
    assert 'value="Video calls"' in refused.text
    assert "Session recorded." in officer.submit(url, session, page=url).text
    url = loan_page(person_id, loan_id, "return")
    missing = items[-1]  # the case did not come back
    refused = officer.submit(url, {"on": day(), "accessories_present": items[:-1]}, page=url)
    assert refused.status_code == 422 and "Choose the kit&#39;s condition" in refused.text
    assert f'value="{missing}" checked' not in refused.text  # the unticked item stays unticked
    done = officer.submit(
        url, {"on": day(), "condition": "good", "accessories_present": items[:-1]}, page=url
    )
    assert "Return recorded" in done.text
    assert "Returned, in good condition." in done.text
    loan = the_loan(api, person_id, loan_id)
    assert (loan["status"], loan["condition"], loan["sessions_count"]) == ("returned", "good", 1)
    states = {i["item_id"]: i["state"] for i in loan["items"]}
    assert states[missing] == "lost" and states[items[0]] == "awaiting_wipe"


def test_converting_a_loan_to_a_gift_and_losses(api: Api, browsers: Browsers) -> None:
    open_scheme(api)
    person_id, loan_id, _ = handed_over(api)
    officer = browsers.signed_in(OFFICER)
    page = officer.get(loan_page(person_id, loan_id))
    assert "Convert the loan to a gift" in page.text and "Record the kit&#39;s return" in page.text
    url = loan_page(person_id, loan_id, "gift")
    done = officer.submit(url, {"on": day()}, page=url)
    assert "Loan converted to a gift" in done.text
    loan = the_loan(api, person_id, loan_id)
    assert loan["status"] == "gifted"
    assert {i["state"] for i in loan["items"]} == {"gifted"}

    other, lost_loan, _ = handed_over(api)
    url = loan_page(other, lost_loan, "end")
    refused = officer.submit(url, {"on": day(), "note": "Left on a bus"}, page=url)
    assert refused.status_code == 422 and 'id="what-error"' in refused.text
    assert "Left on a bus" in refused.text
    done = officer.submit(url, {"what": "lost", "on": day(), "note": "Left on a bus"}, page=url)
    assert "Recorded as lost" in done.text
    assert the_loan(api, other, lost_loan)["status"] == "lost"


def test_a_gift_at_hand_over_has_no_due_date_and_the_loans_list(
    api: Api, browsers: Browsers
) -> None:
    open_scheme(api)
    lent_person, lent_loan, _ = handed_over(api)
    officer = browsers.signed_in(OFFICER)
    page = officer.get("/app/devices/loans")
    assert page.status_code == 200
    assert f'href="{loan_page(lent_person, lent_loan)}"' in page.text
    gift_person = refer(api, plan=GIFTED)["person_id"]
    kit_id, _ = kit(api)
    form = f"/app/devices/people/{gift_person}/reserve"
    reserve_page = officer.get(form).text
    assert "no date to bring it back" in reserve_page and 'name="due_on"' not in reserve_page
    done = officer.submit(form, {"year": "2021-22", "kit_id": kit_id}, page=form)
    assert "Kit reserved." in done.text
    loan = record(api, gift_person)["loans"][0]
    assert (loan["is_gift"], loan["due_on"]) == (True, None)


def test_pages_refuse_other_roles_and_unknown_loans(
    api: Api, browsers: Browsers, reserved: tuple[str, str]
) -> None:
    person_id, loan_id = reserved
    evaluator = browsers.signed_in("evaluator")
    assert evaluator.get(loan_page(person_id, loan_id)).status_code == 403
    assert evaluator.get("/app/devices/waiting-list").status_code == 403
    officer = browsers.signed_in(OFFICER)
    other = refer(api)["person_id"]
    assert officer.get(loan_page(other, loan_id)).status_code == 404  # not their loan
    assert officer.get(loan_page(person_id, loan_id, "nonsense")).status_code == 404


def test_hand_over_names_every_missing_part_at_once(
    api: Api, browsers: Browsers, reserved: tuple[str, str]
) -> None:
    person_id, loan_id = reserved
    officer = browsers.signed_in(OFFICER)
    before = api.log_position()
    refused = hand_over(officer, person_id, loan_id, agreement="signature", advice=[])
    assert refused.status_code == 422
    assert 'id="advice-error"' in refused.text and 'id="signature_png-error"' in refused.text
    assert 'href="#signature_png"' in refused.text and 'href="#advice"' in refused.text
    assert api.log_position() == before
