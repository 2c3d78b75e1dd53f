"""What the person pages share: reading the person as the user, the code lists as words, and
sending a form to the API then either confirming or showing the form again with its errors."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from api.web.client import Answer, Api
from api.web.forms import Form, FormErrors
from api.web.guards import PageError, done, shown
from api.web.render import label, page
from api.web.session import WebSession

NOT_FOUND = (
    "We could not find that person. They may not be on your caseload or your team's, "
    "or the link may be wrong."
)

# Codes whose plain label (underscores to spaces) does not read well.
WORDS: dict[str, str] = {
    "introductory_conversation": "Introductory conversation",
    "walking_alongside": "Walking alongside",
    "person_ended_it": "The person ended it",
    "now_supported_by_services": "Now supported by services",
    "goals_met": "Their goals were met",
    "employment_volunteering_or_training": "Employment, volunteering or training",
    "engaged_with_a_needed_service": "Engaged with a service they needed",
    "fewer_gp_or_ae_visits": "Fewer GP or A&E visits",
    "safeguarding_concern_raised": "Safeguarding concern raised",
    "home_kept_or_found": "Home kept or found",
    "person": "The person",
    "carer_or_family": "Carer or family",
    "accompanying_to_appointment": "Going with them to an appointment",
    "helping_find_funding": "Helping find funding",
    "swemwbs": "SWEMWBS (short Warwick-Edinburgh wellbeing scale)",
    "ons4": "ONS4 personal wellbeing",
    "ucla3": "UCLA 3-item loneliness scale",
    "follow_up": "Follow-up",
    "via_referrer": "Through the referrer",
    "signed_agreement": "Signed agreement",
    "not_recorded": "Not recorded",
    "next_action_overdue": "Next action overdue",
    "no_next_action": "No next action set",
    "safeguarding": "Safeguarding concern",
    "still_connected": "Still connected",
    "warden_call": "Warden call",
    "social_care_assessment": "Social care assessment",
}


def word(value: object) -> str:
    """A code as words a coordinator would use."""
    if isinstance(value, Enum):
        value = value.value
    return WORDS.get(str(value), label(value))


def options(codes: type[Enum] | tuple[Enum, ...]) -> list[tuple[str, str]]:
    """(value, words) for a code list, in its order."""
    return [(str(c.value), word(c)) for c in codes]


def person_url(person_id: uuid.UUID) -> str:
    return f"/app/people/{person_id}"


async def person_of(api: Api, person_id: uuid.UUID, after: int | None = None) -> dict[str, Any]:
    """The person's record as the user may see it; the 404 page when out of their scope."""
    answer = await api.get(f"/people/{person_id}", min_position=after)
    if answer.status == 404:
        raise PageError(404, NOT_FOUND)
    body: dict[str, Any] = shown(answer).body
    return body


def show(
    request: Request,
    session: WebSession,
    template: str,
    *,
    title: str,
    status: int = 200,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    **context: Any,
) -> Response:
    """A coordinator page, with the code lists' words at hand."""
    return page(
        request,
        session,
        template,
        title=title,
        status=status,
        errors=errors,
        values=values,
        word=word,
        **context,
    )


Render = Callable[[FormErrors, dict[str, str], int], Awaitable[Response]]


async def answered(
    request: Request,
    person_id: uuid.UUID,
    answer: Answer,
    form: Form,
    render: Render,
    *,
    confirm: str,
    fields: dict[str, str] | None = None,
    plain: dict[str, str] | None = None,
) -> Response:
    """After the API answered a form: back to the person page with a confirmation, or the form
    again with the errors beside its fields and what was typed kept."""
    if answer.ok:
        return done(request, person_url(person_id), confirm, answer.position)
    if answer.status == 404:
        raise PageError(404, NOT_FOUND)
    if answer.status in (401, 403):
        shown(answer)
    errors = answer.errors(fields)
    reword(errors, plain or {})
    return await render(errors, form.kept(), answer.status)


# The domain's wording, as a coordinator would say it.
REPHRASED = {
    "Must not be in the future": "Enter a date that is today or earlier",
    "Say who took part": "Choose who took part",
    "Give at least one purpose": "Choose what the contact was for",
}


def reword(errors: FormErrors, plain: dict[str, str]) -> None:
    """The API's generic wording ('Enter this') said for the field at hand."""
    for name, message in list(errors.fields.items()):
        if name in plain and (message.startswith(("Enter this", "Input should"))):
            errors.fields[name] = plain[name]
        else:
            errors.fields[name] = REPHRASED.get(message, message)
    if errors.summary:
        errors.summary = errors.summary[:1].upper() + errors.summary[1:]


async def form_page(
    request: Request,
    session: WebSession,
    person_id: uuid.UUID,
    template: str,
    *,
    title: str,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
    **context: Any,
) -> Response:
    """A form about the person, on a page of its own (with their casework at hand)."""
    api = Api(request, session.token)
    person = await person_of(api, person_id)
    casework = shown(await api.get(f"/people/{person_id}/casework")).body
    return show(
        request,
        session,
        template,
        title=title,
        status=status,
        errors=errors,
        values=values,
        person=person,
        involvement=casework["involvement"],
        casework=casework,
        **context,
    )


def redo(
    request: Request,
    session: WebSession,
    person_id: uuid.UUID,
    template: str,
    title: str,
    **context: Any,
) -> Render:
    """The same form again, with errors beside its fields and what was typed."""

    async def again(errors: FormErrors, values: dict[str, str], status: int) -> Response:
        return await form_page(
            request,
            session,
            person_id,
            template,
            title=title,
            errors=errors,
            values=values,
            status=status,
            **context,
        )

    return again


RECORDS = {
    "person": "Person's record",
    "referral": "Referral",
    "involvement": "Involvement",
    "support_contact": "Contact",
    "connection": "Community connection",
}


def happened(entry: dict[str, Any]) -> str:
    """A timeline event in words: ("involvement", "Involvement.GoalSet") -> "Involvement: goal
    set"."""
    name = str(entry.get("event", "")).rsplit(".", 1)[-1]
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower()
    return f"{RECORDS.get(str(entry.get('record')), 'Record')}: {words}"


def number(value: str) -> int | str:
    """A whole number typed in as one; anything else as typed, for the API to refuse."""
    text = value.strip()
    return int(text) if text.lstrip("-").isdigit() else text
