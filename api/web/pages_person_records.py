"""Pages: recording a coded outcome and a wellbeing measure (SWEMWBS, ONS4, UCLA-3), each
item answered with words; the scores are the API's to work out."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.web.forms import Form, FormErrors
from api.web.guards import actor, api_for, form_of, viewer
from api.web.pages_person_common import answered, form_page, number, options, redo, word
from api.web.session import WebSession
from domain.codes import DETAILS, Instrument, Occasion, OutcomeDetail, OutcomeDomain
from domain.wellbeing import SCALES

router = APIRouter(include_in_schema=False)

Opener = Annotated[WebSession, Depends(viewer("casework.change"))]
Changer = Annotated[WebSession, Depends(actor("casework.change"))]
PEOPLE = "/app/people/{person_id}"
VISITS = ("gp_before", "gp_after", "ae_before", "ae_after")
OUTCOME = ("coordinator/outcome.html.j2", "Record an outcome")
MEASURE = ("coordinator/measure.html.j2", "Record a wellbeing measure")
OUTCOME_PLAIN = {
    "domain": "Choose the outcome",
    "occurred_on": "Enter the date it happened",
    "evidence": "Say how you know, for example what the person told you",
    **{f"visits.{v}": "Enter a number of visits, 0 or more" for v in VISITS},
}
MEASURE_PLAIN = {"occasion": "Choose baseline or follow-up", "taken_on": "Enter the date taken"}

QUESTIONS: dict[Instrument, tuple[str, ...]] = {
    Instrument.SWEMWBS: (  # the published wording, in the order of SCALES' items
        "I've been feeling optimistic about the future",
        "I've been feeling useful",
        "I've been feeling relaxed",
        "I've been dealing with problems well",
        "I've been thinking clearly",
        "I've been feeling close to other people",
        "I've been able to make up my own mind about things",
    ),
    Instrument.ONS4: (
        "Overall, how satisfied are you with your life nowadays?",
        "Overall, to what extent do you feel the things you do in your life are worthwhile?",
        "Overall, how happy did you feel yesterday?",
        "Overall, how anxious did you feel yesterday?",
    ),
    Instrument.UCLA3: tuple(
        f"How often do you feel that you {item}?" for item in SCALES[Instrument.UCLA3].labels
    ),
}
ANSWERS: dict[Instrument, list[tuple[str, str]]] = {
    Instrument.SWEMWBS: [
        ("1", "None of the time"),
        ("2", "Rarely"),
        ("3", "Some of the time"),
        ("4", "Often"),
        ("5", "All of the time"),
    ],
    Instrument.ONS4: [
        (str(n), f"{n} ({'not at all' if n == 0 else 'completely'})" if n in (0, 10) else str(n))
        for n in range(11)
    ],
    Instrument.UCLA3: [("1", "Hardly ever"), ("2", "Some of the time"), ("3", "Often")],
}


def _outcome_context() -> dict[str, Any]:
    detail_of = {d: k for k, ds in DETAILS.items() for d in ds}
    return {
        "domains": options(OutcomeDomain),
        "details": [(d.value, f"{word(detail_of[d])}: {word(d).lower()}") for d in OutcomeDetail],
    }


@router.get(f"{PEOPLE}/outcomes")
async def outcome_page(request: Request, person_id: uuid.UUID, session: Opener) -> Response:
    template, title = OUTCOME
    values = {"occurred_on": date.today().isoformat()}
    return await form_page(
        request, session, person_id, template, title=title, values=values, **_outcome_context()
    )


@router.post(f"{PEOPLE}/outcomes")
async def record_outcome(request: Request, person_id: uuid.UUID, session: Changer) -> Response:
    form = await form_of(request)
    body = form.body("domain", "detail", "occurred_on", "evidence")
    visits = {v: number(form.get(f"visits.{v}")) for v in VISITS if form.get(f"visits.{v}")}
    if visits:
        body["visits"] = visits
    answer = await api_for(request, session).post(
        f"/people/{person_id}/outcomes", body, key=form.get("idempotency_key")
    )
    again = redo(request, session, person_id, *OUTCOME, **_outcome_context())
    return await answered(
        request, person_id, answer, form, again, confirm="Outcome recorded.", plain=OUTCOME_PLAIN
    )


def _measure_context(instrument: Instrument) -> dict[str, Any]:
    return {
        "instrument": instrument.value,
        "instruments": options(Instrument),
        "occasions": options(Occasion),
        "scales": {i.value: {"questions": QUESTIONS[i], "answers": ANSWERS[i]} for i in Instrument},
    }


@router.get(f"{PEOPLE}/measures")
async def measure_page(
    request: Request,
    person_id: uuid.UUID,
    session: Opener,
    instrument: Annotated[Instrument, Query()] = Instrument.SWEMWBS,
) -> Response:
    template, title = MEASURE
    values = {"taken_on": date.today().isoformat(), "instrument": instrument.value}
    return await form_page(
        request,
        session,
        person_id,
        template,
        title=title,
        values=values,
        **_measure_context(instrument),
    )


@router.post(f"{PEOPLE}/measures")
async def record_measure(request: Request, person_id: uuid.UUID, session: Changer) -> Response:
    form = await form_of(request)
    instrument = _instrument(form.get("instrument"))
    again = redo(request, session, person_id, *MEASURE, **_measure_context(instrument))
    unanswered = _unanswered(form, instrument)
    if unanswered:  # every item needs an answer before the API can score it
        return await again(unanswered, form.kept(), 422)
    body: dict[str, Any] = form.body("instrument", "occasion", "taken_on")
    body["items"] = [number(form.get(f"items.{n}")) for n in _numbers(instrument)]
    answer = await api_for(request, session).post(
        f"/people/{person_id}/measures", body, key=form.get("idempotency_key")
    )
    return await answered(
        request,
        person_id,
        answer,
        form,
        again,
        confirm=f"{instrument.value.upper()} {word(form.get('occasion')).lower()} recorded.",
        plain=MEASURE_PLAIN,
    )


def _instrument(value: str) -> Instrument:
    try:
        return Instrument(value)
    except ValueError:
        return Instrument.SWEMWBS


def _numbers(instrument: Instrument) -> range:
    return range(1, SCALES[instrument].items + 1)


def _unanswered(form: Form, instrument: Instrument) -> FormErrors:
    errors = FormErrors()
    for n in _numbers(instrument):
        if not form.get(f"items.{n}"):
            errors.add(f"items.{n}", f"Choose an answer for: {QUESTIONS[instrument][n - 1]}")
    return errors
