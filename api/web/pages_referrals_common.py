"""Shared by the referral pages: the words for codes, a referral's history, paging, and
turning the referral forms' fields into the API's JSON and its complaints back."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from api.web.client import Answer
from api.web.forms import Form, FormErrors
from api.web.guards import PageError
from api.web.session import WebSession

SOURCES: tuple[tuple[str, str], ...] = (
    ("social_worker", "Social worker"),
    ("self", "The person themselves"),
    ("family_or_neighbour", "Family or a neighbour"),
    ("councillor", "A councillor"),
    ("gp", "A GP"),
    ("housing", "Housing"),
    ("voluntary_group", "A voluntary group"),
    ("other", "Someone else"),
)
STATUSES: tuple[tuple[str, str], ...] = (
    ("received", "Received, awaiting a decision"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("redirected", "Redirected"),
    ("closed", "Closed"),
)
PROGRAMMES = {"lac": "Local Area Coordination", "devices": "Device lending and gifting"}
# GOV.UK tag colours by status; the status is always written out too (never colour alone).
TAGS = {
    "received": "govuk-tag--blue",
    "accepted": "govuk-tag--green",
    "declined": "govuk-tag--red",
    "redirected": "govuk-tag--yellow",
    "closed": "govuk-tag--grey",
}
PAGE_SIZE = 20

# How the API's field messages read beside the referral form's fields.
FIELD_NAMES = {
    "person.name": "Full name",
    "person.date_of_birth": "Date of birth",
    "person.nhs_number": "NHS number",
    "person.postcode": "Postcode",
    "person.district": "District",
    "person.address": "Address",
    "person.phone": "Phone number",
    "person.email": "Email address",
    "person.lsoa_code": "Area code (LSOA)",
    "referrer": "Who referred them",
    "reasons": "Reasons",
    "care_plan_ref": "Care and support plan reference",
    "coordinator_id": "Assign to",
    "reason": "Reason",
    "redirected_to": "Redirect to",
    "note": "Note",
}
MISSING = {
    "person.name": "Enter the person's full name",
    "person.date_of_birth": "Enter the person's date of birth",
    "person.postcode": "Enter the person's postcode",
    "person.district": "Choose the district the person lives in",
    "source": "Choose who introduced the person",
    "reasons": "Enter at least one reason for the referral",
    "consent_to_share": "Select yes if the person agreed to their details being shared",
    "coordinator_id": "Choose who to assign the referral to",
    "reason": "Enter why the referral is declined",
    "redirected_to": "Enter where the referral is redirected to",
    "care_plan_ref": "Enter the care and support plan reference",
    "need": "Choose what the device is for",
    "recipient": "Choose who the device is for",
    "plan.tablet": "Choose whether the tablet is lent or gifted",
}


def status_words(status: str, short: bool = False) -> str:
    if short and status == "received":
        return "Received"
    return dict(STATUSES).get(status, status)


def source_words(source: str) -> str:
    return dict(SOURCES).get(source, source)


@dataclass(frozen=True)
class Paging:
    """Where a list stands: this page, how many, and the links either side."""

    page: int
    pages: int
    total: int
    previous: str | None
    next: str | None


def paging_of(answer: Answer, path: str, filters: dict[str, str]) -> Paging:
    body = answer.body
    page, size, total = int(body["page"]), int(body["page_size"]), int(body["total"])
    pages = max(1, math.ceil(total / size))

    def link(to: int) -> str:
        query = urlencode({**{k: v for k, v in filters.items() if v}, "page": to})
        return f"{path}?{query}"

    return Paging(
        page,
        pages,
        total,
        link(page - 1) if page > 1 else None,
        link(page + 1) if page < pages else None,
    )


def history(referral: dict[str, Any], names: dict[str, str]) -> list[tuple[str, str]]:
    """What happened to the referral, in order: (when, what)."""
    steps = [(referral["received_at"], "Received")]
    decided = referral.get("decided_at")
    status = referral["status"]
    if decided and (status == "accepted" or referral.get("coordinator_id")):
        who = names.get(str(referral.get("coordinator_id")), "a coordinator")
        steps.append((decided, f"Accepted and assigned to {who}"))
    elif decided and referral.get("decline_reason"):
        steps.append((decided, f"Declined: {referral['decline_reason']}"))
    elif decided and referral.get("redirected_to"):
        steps.append((decided, f"Redirected to {referral['redirected_to']}"))
    if referral.get("closed_at"):
        steps.append((referral["closed_at"], "Closed"))
    return steps


def reasons_of(form: Form) -> list[str]:
    """Reasons: one a line, blank lines left out."""
    return [line.strip() for line in form.get("reasons").splitlines() if line.strip()]


def date_of_birth(form: Form, errors: FormErrors) -> str | None:
    """The date from its day, month and year boxes (ISO), or an error when only part of it
    was given; None when nothing was given (the API then says it is needed)."""
    parts = [form.get(f"dob_{p}") for p in ("year", "month", "day")]
    if not any(parts):
        return None
    if not all(p.isdigit() for p in parts):
        errors.add("person.date_of_birth", "Enter the date of birth as a day, month and year")
        return None
    year, month, day = (int(p) for p in parts)
    return f"{year:04d}-{month:02d}-{day:02d}"


def referral_errors(answer: Answer) -> FormErrors:
    """The API's complaint, beside the form's fields, in plain words."""
    errors = answer.errors()
    fields: dict[str, str] = {}
    for name, message in errors.fields.items():
        if name.startswith("reasons"):
            name = "reasons"
        elif name.startswith("plan.") and name != "plan.tablet":
            name = "plan.tablet"
        fields.setdefault(name, worded(name, message))
    errors.fields = fields
    return errors


def worded(name: str, message: str) -> str:
    """'Enter this' becomes what to enter; a bare rule gets the field's name in front."""
    if message in ("Enter this", "Choose one"):
        return MISSING.get(name, message)
    field_name = FIELD_NAMES.get(name)
    if field_name and not message.lower().startswith(field_name.lower()):
        return f"{field_name}: {message[:1].lower()}{message[1:]}"
    return message


PERSON_FIELDS = (
    "person.name",
    "person.nhs_number",
    "person.postcode",
    "person.district",
    "person.address",
    "person.phone",
    "person.email",
)


def person_body(form: Form, errors: FormErrors) -> dict[str, Any]:
    """Who is referred: the person already known (when the user chose to refer them), or the
    new person as typed (an empty `person` still, so the API says what is missing)."""
    if form.get("use_existing") == "yes" and form.get("person_id"):
        return {"person_id": form.get("person_id")}
    person: dict[str, Any] = form.body(*PERSON_FIELDS).get("person", {})
    born = date_of_birth(form, errors)
    if born:
        person["date_of_birth"] = born
    return {"person": person}


def refused(
    request: Request,
    session: WebSession,
    form: Form,
    answer: Answer,
    errors: FormErrors,
    again: Callable[..., Response],
) -> Response:
    """The form again, with the API's errors beside the fields (after the page's own), or the
    warning that the person is already known with the way to refer them instead."""
    if answer.status in (403, 404) and not answer.errors().fields:
        raise PageError(answer.status, answer.errors().summary or "")
    found = referral_errors(answer)
    for name, message in found.fields.items():
        errors.add(name, message)
    known = answer.body.get("existing_person_id") if isinstance(answer.body, dict) else None
    chosen = form.get("person_id") if form.get("use_existing") == "yes" else None
    existing = known or chosen
    if known:
        errors.add(
            "refer-existing",
            "This person is already known: refer the person already known, or check the NHS number",
        )
    else:
        errors.summary = found.summary
    values = {**form.kept(), "person_id": existing or form.get("person_id")}
    values.pop("use_existing", None)
    return again(request, session, errors, values, status=answer.status, existing=existing)
